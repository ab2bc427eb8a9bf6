/*
 * Copyright (c) 2026 The XenFlow authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at:
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/* The virtual routers of this switch (routers.h). */

#include <config.h>

#include "xenflow/routers.h"

#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "hash.h"
#include "openvswitch/vlog.h"
#include "simap.h"
#include "util.h"
#include "xenflow/bridges.h"
#include "xenflow/cookie.h"
#include "xenflow/flowsync.h"
#include "xenflow/flowsync-bulk.h"
#include "xenflow/model.h"
#include "xenflow/pace.h"
#include "xenflow/pipeline.h"
#include "xenflow/rib.h"
#include "xenflow/router.h"

VLOG_DEFINE_THIS_MODULE(xenflow_routers);

COVERAGE_DEFINE(xenflow_route_free_step); /* Steps freeing withdrawn routes. */

/* All virtual routers, by name (names are unique in the switch). */
static struct hmap xf_routers = HMAP_INITIALIZER(&xf_routers);
static uint32_t next_router_id = 1;

/* The tables of removed routers, their routes still to free
 * (xf_routers_run()). */
static struct xf_rib **dead_ribs;
static size_t n_dead_ribs, allocated_dead_ribs;

struct xf_router *
xf_router_find(const char *name)
{
    struct xf_router *r;

    HMAP_FOR_EACH_WITH_HASH (r, node, hash_string(name, 0), &xf_routers) {
        if (!strcmp(r->name, name)) {
            return r;
        }
    }
    return NULL;
}

const struct hmap *
xf_routers_map(void)
{
    return &xf_routers;
}

/* Numbers that routers had before a restart (route-state.h), by name:
 * a router created again takes the same id and interface numbers, so that
 * the flows restored into the switch are the ones it wants. */
struct reserved_id {
    struct hmap_node node;      /* In 'reserved', by name. */
    char *name;
    uint32_t id;
    struct simap iface_ids;
};
static struct hmap reserved = HMAP_INITIALIZER(&reserved);

static struct reserved_id *
reserved_find(const char *name)
{
    struct reserved_id *rid;

    HMAP_FOR_EACH_WITH_HASH (rid, node, hash_string(name, 0), &reserved) {
        if (!strcmp(rid->name, name)) {
            return rid;
        }
    }
    return NULL;
}

static void
simap_copy(struct simap *dst, const struct simap *src)
{
    const struct simap_node *node;

    SIMAP_FOR_EACH (node, src) {
        simap_put(dst, node->name, node->data);
    }
}

static void
reserved_destroy(struct reserved_id *rid)
{
    hmap_remove(&reserved, &rid->node);
    simap_destroy(&rid->iface_ids);
    free(rid->name);
    free(rid);
}

/* Router 'name', if it is created before xf_routers_reserve_clear(), gets
 * 'id' and the interface numbers in 'iface_ids'.  Ids never collide: a new
 * router gets one above every reserved id.  False if 'id' or 'name' is
 * reserved already or a router has the id (nothing is reserved then). */
bool
xf_routers_reserve_id(const char *name, uint32_t id,
                      const struct simap *iface_ids)
{
    const struct xf_router *r;
    struct reserved_id *rid;

    HMAP_FOR_EACH (rid, node, &reserved) {
        if (rid->id == id || !strcmp(rid->name, name)) {
            return false;
        }
    }
    XF_ROUTER_FOR_EACH (r) {
        if (r->id == id) {
            return false;
        }
    }
    rid = xzalloc(sizeof *rid);
    rid->name = xstrdup(name);
    rid->id = id;
    simap_init(&rid->iface_ids);
    simap_copy(&rid->iface_ids, iface_ids);
    hmap_insert(&reserved, &rid->node, hash_string(name, 0));
    next_router_id = MAX(next_router_id, id + 1);
    return true;
}

/* Forgets the reservations of routers that were not created. */
void
xf_routers_reserve_clear(void)
{
    struct reserved_id *rid;

    HMAP_FOR_EACH_SAFE (rid, node, &reserved) {
        reserved_destroy(rid);
    }
}

static struct xf_router *
router_create(const char *name, const char *bridge)
{
    struct xf_router *r = xzalloc(sizeof *r);
    struct reserved_id *rid = reserved_find(name);

    r->name = xstrdup(name);
    r->id = rid ? rid->id : next_router_id++;
    r->bridge = xstrdup(bridge);
    xf_rib_init(&r->rib);
    simap_init(&r->iface_ids);
    if (rid) {
        simap_copy(&r->iface_ids, &rid->iface_ids);
        reserved_destroy(rid);
    }
    hmap_init(&r->groups);
    hmap_init(&r->groups_by_id);
    hmap_insert(&xf_routers, &r->node, hash_string(r->name, 0));
    VLOG_INFO("router %s created on bridge %s (id %"PRIu32")",
              r->name, r->bridge, r->id);
    return r;
}

static void
router_destroy(struct xf_router *r)
{
    xf_router_free_tables(r);
    xf_ifaces_destroy(r->ifaces, r->n_ifaces);
    simap_destroy(&r->iface_ids);
    free(r->limits.name);
    free(r->limits.client_id);
    free(r->bridge);
    free(r->name);
    free(r);
}

static void hold_ports(const struct xf_router *);

/* Removes router 'r', marking its flows stale; 'sweep' removes them at
 * once (otherwise the bridge's next sweep does). */
static void
router_remove(struct xf_router *r, bool sweep)
{
    struct xf_flowsync *fs = xf_bridge_flows(r->bridge);

    VLOG_INFO("router %s removed", r->name);
    if (r->ctl_hold) {
        r->ctl_hold = false;
        hold_ports(r);
    }
    /* The route table, up to millions of routes, goes in steps: its flows
     * drained (flowsync-bulk.h), its routes freed by xf_routers_run(). */
    uint32_t kinds = XF_FLOW_KINDS_ROUTER & ~XF_FLOW_KIND_BIT(XF_FLOW_ROUTE);
    if (fs) {
        xf_flowsync_drain_start(fs, r->id, XF_FLOW_ROUTE);
    }
    if (fs && sweep) {
        xf_flowsync_remove_owner(fs, r->id, kinds);
    } else if (fs) {
        xf_flowsync_mark_owner_stale(fs, r->id, kinds);
    }
    hmap_remove(&xf_routers, &r->node);
    if (!hmap_is_empty(&r->rib.routes) || xf_rib_has_withdrawn(&r->rib)) {
        if (n_dead_ribs >= allocated_dead_ribs) {
            dead_ribs = x2nrealloc(dead_ribs, &allocated_dead_ribs,
                                   sizeof *dead_ribs);
        }
        dead_ribs[n_dead_ribs++] = xf_rib_detach(&r->rib);
    }
    router_destroy(r);
}

void
xf_router_remove(struct xf_router *r)
{
    router_remove(r, true);
}

/* Numbers router 'r''s interfaces: an interface keeps its number for the
 * router's lifetime, even while it has no port (e.g. while its VM is moved
 * here), so that the router's route and neighbour flows, which select the
 * egress interface by number, stay valid whatever happens to ports. */
static void
assign_iface_ids(struct xf_router *r)
{
    for (size_t i = 0; i < r->n_ifaces; i++) {
        struct xf_iface *iface = &r->ifaces[i];
        iface->id = simap_get(&r->iface_ids, iface->name);
        if (!iface->id) {
            /* Never reused while the router lives. */
            iface->id = simap_count(&r->iface_ids) + 1;
            simap_put(&r->iface_ids, iface->name, iface->id);
        }
    }
}

/* What changed in router 'r' that its route and neighbour flows depend on,
 * according to 'rb', or NULL if nothing did. */
static const char *
router_change(const struct xf_router *r, const struct xf_router_build *rb)
{
    return (strcmp(r->bridge, rb->bridge) ? "bridge"
            : xf_ifaces_differ(r->ifaces, r->n_ifaces,
                               rb->ifaces, rb->n_ifaces) ? "interfaces"
            : (r->limits.max_routes != rb->limits.max_routes
               || r->limits.max_neighbors != rb->limits.max_neighbors
               || r->limits.max_flows != rb->limits.max_flows) ? "limits"
            : NULL);
}

static int
compare_ifaces(const void *a_, const void *b_)
{
    const struct xf_iface *a = a_;
    const struct xf_iface *b = b_;
    return strcmp(a->name, b->name);
}

/* Applies 'rb' to its router, creating it if it is new.  A router whose
 * interfaces, bridge or limits changed gets all its flows put again
 * (unchanged flows stay installed: flowsync only sends differences). */
static void
router_apply_build(struct xf_router_build *rb)
{
    struct xf_router *r = xf_router_find(rb->name);
    bool reinstall = !r;

    qsort(rb->ifaces, rb->n_ifaces, sizeof *rb->ifaces, compare_ifaces);
    if (!r) {
        r = router_create(rb->name, rb->bridge);
    } else {
        const char *changed = router_change(r, rb);
        if (changed) {
            VLOG_INFO("router %s: %s changed; reinstalling its %"PRIuSIZE
                      " routes and %"PRIuSIZE" neighbours", r->name,
                      changed, hmap_count(&r->rib.routes),
                      hmap_count(&r->rib.neighs));
            struct xf_flowsync *fs = xf_bridge_flows(r->bridge);
            if (fs) {
                /* Everything of the old incarnation goes; what is still
                 * wanted is put back below, unchanged flows without any
                 * gap. */
                xf_flowsync_mark_owner_stale(fs, r->id,
                                             XF_FLOW_KINDS_ROUTER);
            }
            /* While 'r->bridge' still names the old bridge. */
            xf_router_clear_groups(r);
            reinstall = true;
        }
    }
    r->unconfigured = false;
    xf_ifaces_destroy(r->ifaces, r->n_ifaces);
    r->ifaces = rb->ifaces;
    r->n_ifaces = rb->n_ifaces;
    rb->ifaces = NULL;
    rb->n_ifaces = 0;
    assign_iface_ids(r);
    free(r->limits.name);
    free(r->limits.client_id);
    r->limits = rb->limits;
    memset(&rb->limits, 0, sizeof rb->limits);
    free(r->bridge);
    r->bridge = rb->bridge;
    rb->bridge = NULL;

    if (reinstall) {
        xf_router_install_all(r);
    } else {
        xf_pipeline_router(r, xf_bridge_flows(r->bridge));
    }
}

void
xf_routers_reconfigure(struct hmap *builds)
{
    struct xf_router *r;

    /* Routers no longer configured go, unless a migration holds them. */
    HMAP_FOR_EACH_SAFE (r, node, &xf_routers) {
        if (xf_router_build_find(builds, r->name)) {
            continue;
        }
        struct xf_flowsync *fs = xf_bridge_flows(r->bridge);
        if (r->held && fs) {
            /* Its VM left (e.g. libvirt removed its ports), or arrives
             * (libvirt replaces the ports made ready for it): it keeps
             * forwarding, and its tables, until its migration released
             * it. */
            if (!r->unconfigured) {
                VLOG_INFO("router %s: interfaces gone, kept until its "
                          "migration ends", r->name);
            }
            r->unconfigured = true;
            xf_pipeline_router(r, fs);
        } else {
            /* (If XenFlow was turned off on its bridge, the bridge's flows
             * are all going anyway, and a migration that held it fails.) */
            router_remove(r, false);
        }
    }

    struct xf_router_build *rb;
    HMAP_FOR_EACH_POP (rb, node, builds) {
        router_apply_build(rb);
        xf_router_build_destroy(rb);
    }

    /* The bridges' ports are new: those of routers whose control traffic
     * is held are marked again. */
    HMAP_FOR_EACH (r, node, &xf_routers) {
        if (r->ctl_hold && !r->unconfigured) {
            hold_ports(r);
        }
    }
}

/* Routes freed per piece of bulk work: a few milliseconds. */
#define XF_FREE_BATCH 5000

/* Frees, as bulk work, the routes of tables withdrawn whole
 * (xf_rib_withdraw_routes()) and of routers removed (their 'dead_ribs'),
 * a batch per main-loop iteration, as other bulk work does: a million
 * routes took a few hundred milliseconds to free in one iteration. */
void
xf_routers_run(void)
{
    struct xf_router *r;

    if ((!xf_rib_withdrawn_count() && !n_dead_ribs) || !xf_bulk_allows()) {
        return;
    }
    COVERAGE_INC(xenflow_route_free_step);
    if (n_dead_ribs) {
        struct xf_rib *rib = dead_ribs[n_dead_ribs - 1];
        if (xf_rib_free_withdrawn(rib, XF_FREE_BATCH)) {
            xf_rib_destroy(rib);
            free(rib);
            n_dead_ribs--;
        }
        return;
    }
    HMAP_FOR_EACH (r, node, &xf_routers) {
        if (xf_rib_has_withdrawn(&r->rib)) {
            xf_rib_free_withdrawn(&r->rib, XF_FREE_BATCH);
            return;
        }
    }
}

/* Wakes up for xf_routers_run() while routes wait to be freed. */
void
xf_routers_wait(void)
{
    if (xf_rib_withdrawn_count() || n_dead_ribs) {
        xf_bulk_wait();
    }
}

void
xf_routers_destroy(void)
{
    struct xf_router *r;

    HMAP_FOR_EACH_POP (r, node, &xf_routers) {
        router_destroy(r);
    }
    for (size_t i = 0; i < n_dead_ribs; i++) {
        xf_rib_destroy(dead_ribs[i]);
        free(dead_ribs[i]);
    }
    free(dead_ribs);
    dead_ribs = NULL;
    n_dead_ribs = allocated_dead_ribs = 0;
}

void
xf_router_set_held(struct xf_router *r, bool held)
{
    r->held = held;
}

/* Frames for its VM ports flooded within their networks follow 'r''s
 * control traffic: to the hold queue while it is held. */
static void
hold_ports(const struct xf_router *r)
{
    for (size_t i = 0; i < r->n_ifaces; i++) {
        xf_bridge_hold_port(r->bridge, r->ifaces[i].network,
                            r->ifaces[i].ofport,
                            r->ctl_hold ? r->id : 0);
    }
}

/* Sends 'r''s control traffic (its slow path, and what its networks flood
 * to its VM ports) to XenFlow's hold queue if 'hold', else to its VM. */
void
xf_router_set_ctl_hold(struct xf_router *r, bool hold)
{
    struct xf_flowsync *fs = xf_bridge_flows(r->bridge);

    r->ctl_hold = hold;
    if (fs) {
        xf_pipeline_router(r, fs);
    }
    hold_ports(r);
}

const char *
xf_router_client_id(const struct xf_router *r)
{
    return r->limits.client_id ? r->limits.client_id : r->name;
}

/* Packets that matched a neighbour (rewrite) flow of 'r' were routed by
 * the switch; those that matched a slow-path flow were delivered to the
 * VM. */
struct xf_router_stats
xf_router_stats(const struct xf_router *r)
{
    unsigned long long packets[XF_FLOW_N_KINDS] = { 0 };
    const struct xf_flowsync *fs = xf_bridge_flows(r->bridge);
    size_t flows = 0, pending = 0;

    if (fs) {
        xf_flowsync_count_packets(fs, r->id,
                                  (XF_FLOW_KIND_BIT(XF_FLOW_NEIGH)
                                   | XF_FLOW_KIND_BIT(XF_FLOW_SLOWPATH)),
                                  packets);
        flows = xf_flowsync_owner_count(fs, r->id);
        pending = xf_flowsync_owner_pending(fs, r->id, UINT32_MAX);
    }
    return (struct xf_router_stats) {
        .routed_packets = packets[XF_FLOW_NEIGH],
        .slowpath_packets = packets[XF_FLOW_SLOWPATH],
        .flows = flows,
        .flows_pending = pending,
    };
}

/* Whether router 'r''s own flows and those of its networks (their ports'
 * taggers and delivery) are all in the switch as wanted: another router's
 * million routes being installed do not count.  False without a bridge. */
bool
xf_router_flows_settled(const struct xf_router *r)
{
    struct xf_flowsync *fs = xf_bridge_flows(r->bridge);

    if (!fs || xf_flowsync_owner_pending(fs, r->id, XF_FLOW_KINDS_ROUTER)) {
        return false;
    }
    for (size_t i = 0; i < r->n_ifaces; i++) {
        if (xf_flowsync_owner_pending(fs, r->ifaces[i].network_id,
                                      XF_FLOW_KINDS_NETWORK)) {
            return false;
        }
    }
    return true;
}

/* Returns how many flows of router 'r''s routes and neighbours are not in
 * the switch as wanted yet (to be added, changed or removed). */
size_t
xf_router_flows_pending(const struct xf_router *r)
{
    struct xf_flowsync *fs = xf_bridge_flows(r->bridge);
    return fs ? xf_flowsync_owner_pending(fs, r->id, XF_FLOW_KINDS_TABLES) : 0;
}
