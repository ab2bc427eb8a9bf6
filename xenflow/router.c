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

/* Changes to a virtual router's routing and neighbour tables (router.h):
 * the RIB, the route and neighbour flows, ECMP groups, and the router's
 * limits. */

#include <config.h>

#include "xenflow/router.h"

#include <string.h>

#include "bitmap.h"
#include "coverage.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "util.h"
#include "xenflow/bridges.h"
#include "xenflow/cookie.h"
#include "xenflow/flowsync.h"
#include "xenflow/model.h"
#include "xenflow/pipeline.h"
#include "xenflow/proto.h"
#include "xenflow/rib.h"

VLOG_DEFINE_THIS_MODULE(xenflow_router);

COVERAGE_DEFINE(xenflow_route_update);
COVERAGE_DEFINE(xenflow_neigh_update);

/* OpenFlow group ids in use (xenflow/cookie.h's range, its low 16 bits),
 * the next one to try, and the id that the next new group takes if it is
 * free (xf_router_prefer_group_id()). */
static unsigned long *group_ids_used;
static uint32_t next_group_id = XF_GROUP_ID_MIN;
static uint32_t preferred_group_id;

static struct xf_flowsync *
router_flows(const struct xf_router *r)
{
    return xf_bridge_flows(r->bridge);
}

static bool
has_flow_room(const struct xf_router *r)
{
    return r->n_routes_offloaded + r->n_neighs_offloaded < r->limits.max_flows;
}

bool
xf_router_over_limit(const struct xf_router *r)
{
    return (r->n_routes_offloaded < hmap_count(&r->rib.routes)
            || r->n_neighs_offloaded < hmap_count(&r->rib.neighs));
}

void
xf_router_count_rejected(struct xf_router *r, size_t n)
{
    r->n_rejected += n;
}

/* ECMP groups. */

static struct xf_ecmp_group *
find_group(const struct xf_router *r, uint32_t id)
{
    struct xf_ecmp_group *g;

    HMAP_FOR_EACH_WITH_HASH (g, id_node, hash_int(id, 0), &r->groups_by_id) {
        if (g->id == id) {
            return g;
        }
    }
    return NULL;
}

/* Makes the next new ECMP group take 'id' if it is free (a saved router
 * table is being set again: its restored flows use that id), or nothing
 * special if 'id' is 0. */
void
xf_router_prefer_group_id(uint32_t id)
{
    preferred_group_id = xf_group_id_is_ours(id) ? id : 0;
}

/* Takes a free group id: the preferred one if it is free, else the next
 * free one after the last taken.  Returns 0 if all are taken. */
static uint32_t
group_id_take(void)
{
    enum { N = XF_GROUP_ID_MAX - XF_GROUP_ID_MIN + 1 };
    uint32_t id = preferred_group_id;

    if (!group_ids_used) {
        group_ids_used = bitmap_allocate(N);
    }
    preferred_group_id = 0;
    if (!id || bitmap_is_set(group_ids_used, id - XF_GROUP_ID_MIN)) {
        size_t start = next_group_id - XF_GROUP_ID_MIN;
        size_t i = bitmap_scan(group_ids_used, false, start, N);
        if (i == N) {
            i = bitmap_scan(group_ids_used, false, 0, start);
            if (i == start) {
                return 0;
            }
        }
        id = XF_GROUP_ID_MIN + i;
        next_group_id = id < XF_GROUP_ID_MAX ? id + 1 : XF_GROUP_ID_MIN;
    }
    bitmap_set1(group_ids_used, id - XF_GROUP_ID_MIN);
    return id;
}

static void
group_id_release(uint32_t id)
{
    bitmap_set0(group_ids_used, id - XF_GROUP_ID_MIN);
}

/* Returns the id of the select group for 'route''s next hops, putting the
 * group if it is new, and takes a reference; or returns 0 if the group
 * cannot be built (an interface is not usable).  Both lookups are hashed:
 * a full table has a few thousand next-hop sets, and routes come and go a
 * million at a time. */
static uint32_t
ref_group(struct xf_router *r, const struct xf_route *route,
          struct xf_flowsync *fs)
{
    uint32_t hash = xf_nexthops_hash(route->nexthops, route->n_nexthops);
    struct xf_ecmp_group *g;

    HMAP_FOR_EACH_WITH_HASH (g, node, hash, &r->groups) {
        if (xf_nexthops_equal(g->nexthops, g->n_nexthops,
                              route->nexthops, route->n_nexthops)) {
            g->n_refs++;
            return g->id;
        }
    }

    uint32_t id = group_id_take();
    if (!id) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
        VLOG_WARN_RL(&rl, "router %s: no free OpenFlow group id for an "
                     "ECMP route", r->name);
        return 0;
    } else if (!xf_pipeline_group_put(r, id, route, fs)) {
        group_id_release(id);
        return 0;
    }
    g = xzalloc(sizeof *g);
    g->nexthops = xmemdup(route->nexthops,
                          route->n_nexthops * sizeof *route->nexthops);
    g->n_nexthops = route->n_nexthops;
    g->id = id;
    g->n_refs = 1;
    hmap_insert(&r->groups, &g->node, hash);
    hmap_insert(&r->groups_by_id, &g->id_node, hash_int(id, 0));
    return id;
}

static void
free_group(struct xf_router *r, struct xf_ecmp_group *g)
{
    struct xf_flowsync *fs = router_flows(r);

    if (fs) {
        xf_pipeline_group_remove(g->id, fs);
    }
    hmap_remove(&r->groups_by_id, &g->id_node);
    group_id_release(g->id);
    free(g->nexthops);
    free(g);
}

static void
unref_group(struct xf_router *r, uint32_t id)
{
    struct xf_ecmp_group *g = id ? find_group(r, id) : NULL;

    if (g && !--g->n_refs) {
        hmap_remove(&r->groups, &g->node);
        free_group(r, g);
    }
}

/* Removes every group of 'r'. */
void
xf_router_clear_groups(struct xf_router *r)
{
    struct xf_ecmp_group *g;

    HMAP_FOR_EACH_POP (g, node, &r->groups) {
        free_group(r, g);
    }
}

/* Offloading entries within the limits. */

/* Puts the flow (and, for ECMP, the group) of 'route'.  Returns false if it
 * cannot be installed.  Releases the group the route used before, if it
 * changed. */
static bool
put_route(struct xf_router *r, struct xf_route *route, struct xf_flowsync *fs)
{
    uint32_t old_group = route->group_id;
    bool ok;

    route->group_id = 0;
    if (route->n_nexthops > 1) {
        route->group_id = ref_group(r, route, fs);
        ok = route->group_id && xf_pipeline_route_put(r, route, fs);
    } else {
        ok = xf_pipeline_route_put(r, route, fs);
    }
    if (!ok && route->group_id) {
        unref_group(r, route->group_id);
        route->group_id = 0;
    }
    unref_group(r, old_group);
    return ok;
}

/* Offloads (or updates) the flow of 'route' if the router's limits allow.
 * Over a limit the route stays in the RIB, not offloaded: its traffic falls
 * to the router's "no route" flow and is routed by the VM itself, so
 * nothing is lost (the seed paper's default route to the VM). */
static void
offload_route(struct xf_router *r, struct xf_route *route)
{
    struct xf_flowsync *fs = router_flows(r);

    if (!fs) {
        return;
    } else if (route->offloaded) {
        if (!put_route(r, route, fs)) {
            xf_pipeline_route_remove(r, route, fs);
            route->offloaded = false;
            r->n_routes_offloaded--;
        }
    } else if (r->n_routes_offloaded < r->limits.max_routes
               && has_flow_room(r)
               && put_route(r, route, fs)) {
        route->offloaded = true;
        r->n_routes_offloaded++;
    }
}

static void
offload_neigh(struct xf_router *r, struct xf_neigh *neigh)
{
    struct xf_flowsync *fs = router_flows(r);

    if (!fs) {
        return;
    } else if (neigh->offloaded) {
        if (!xf_pipeline_neigh_put(r, neigh, fs)) {
            neigh->offloaded = false;
            r->n_neighs_offloaded--;
        }
    } else if (r->n_neighs_offloaded < r->limits.max_neighbors
               && has_flow_room(r)
               && xf_pipeline_neigh_put(r, neigh, fs)) {
        neigh->offloaded = true;
        r->n_neighs_offloaded++;
    }
}

/* After a removal, offloads entries that were waiting for room. */
void
xf_router_promote(struct xf_router *r)
{
    struct xf_route *route;
    struct xf_neigh *neigh;

    if (!xf_router_over_limit(r)) {
        return;
    }
    /* Stop as soon as the router is full again, rather than walk every
     * route after every removal. */
    HMAP_FOR_EACH (route, node, &r->rib.routes) {
        if (!route->offloaded) {
            offload_route(r, route);
            if (r->n_routes_offloaded >= r->limits.max_routes
                || !has_flow_room(r)) {
                break;
            }
        }
    }
    HMAP_FOR_EACH (neigh, node, &r->rib.neighs) {
        if (!neigh->offloaded) {
            offload_neigh(r, neigh);
            if (r->n_neighs_offloaded >= r->limits.max_neighbors
                || !has_flow_room(r)) {
                break;
            }
        }
    }
}

void
xf_router_remove_route_entry(struct xf_router *r, struct xf_route *route)
{
    struct xf_flowsync *fs = router_flows(r);

    if (route->offloaded) {
        if (fs) {
            xf_pipeline_route_remove(r, route, fs);
        }
        r->n_routes_offloaded--;
    }
    unref_group(r, route->group_id);
    xf_rib_route_free(&r->rib, route);
}

void
xf_router_remove_neigh_entry(struct xf_router *r, struct xf_neigh *neigh)
{
    struct xf_flowsync *fs = router_flows(r);

    if (neigh->offloaded) {
        if (fs) {
            xf_pipeline_neigh_remove(r, neigh, fs);
        }
        r->n_neighs_offloaded--;
    }
    free(neigh);
}

/* (Re)installs everything of router 'r' from scratch: its fixed flows, and
 * its routes and neighbours within its limits. */
void
xf_router_install_all(struct xf_router *r)
{
    struct xf_flowsync *fs = router_flows(r);
    struct xf_route *route;
    struct xf_neigh *neigh;

    r->n_routes_offloaded = r->n_neighs_offloaded = 0;
    xf_router_clear_groups(r);
    HMAP_FOR_EACH (route, node, &r->rib.routes) {
        route->offloaded = false;
        route->group_id = 0;
    }
    HMAP_FOR_EACH (neigh, node, &r->rib.neighs) {
        neigh->offloaded = false;
    }
    if (!fs) {
        return;
    }
    xf_pipeline_router(r, fs);
    HMAP_FOR_EACH (neigh, node, &r->rib.neighs) {
        offload_neigh(r, neigh);
    }
    HMAP_FOR_EACH (route, node, &r->rib.routes) {
        offload_route(r, route);
    }
}

void
xf_router_free_tables(struct xf_router *r)
{
    xf_router_clear_groups(r);
    hmap_destroy(&r->groups);
    hmap_destroy(&r->groups_by_id);
    xf_rib_destroy(&r->rib);
}

/* Checking and changing entries. */

/* The interface of 'r' whose subnet holds 'addr', or NULL. */
static const char *
iface_for_addr(const struct xf_router *r, const struct in6_addr *addr)
{
    for (size_t i = 0; i < r->n_ifaces; i++) {
        for (size_t j = 0; j < r->ifaces[i].n_addrs; j++) {
            if (xf_prefix_contains(&r->ifaces[i].addrs[j], addr)) {
                return r->ifaces[i].name;
            }
        }
    }
    return NULL;
}

const char *
xf_router_entry_iface(const struct xf_router *r, const char *dev,
                      const struct in6_addr *addr)
{
    return dev ? dev : iface_for_addr(r, addr);
}

/* Checks that an entry of 'r' for 'addr' (a gateway or a neighbour, as
 * 'what' says; NULL for a route without gateway) can use interface 'dev',
 * or if 'dev' is NULL that one of the router's subnets holds 'addr'.
 * Returns NULL or an error. */
static char *
check_iface(const struct xf_router *r, const char *dev,
            const struct in6_addr *addr, const char *what)
{
    if (dev) {
        return (xf_router_find_iface(r, dev) ? NULL
                : xasprintf("router %s has no interface %s", r->name, dev));
    } else if (iface_for_addr(r, addr)) {
        return NULL;
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    xf_addr_format(addr, &s);
    char *error = xasprintf("%s %s is not in the subnet of any interface of "
                            "router %s; add \"dev INTERFACE\"", what,
                            ds_cstr(&s), r->name);
    ds_destroy(&s);
    return error;
}

char *
xf_router_check_route(const struct xf_router *r,
                      const struct xf_route_spec *spec)
{
    for (size_t i = 0; i < spec->n_nexthops; i++) {
        const struct xf_nexthop_spec *nh = &spec->nexthops[i];
        char *error = (nh->has_gw
                       ? check_iface(r, nh->dev, &nh->gw, "gateway")
                       : check_iface(r, nh->dev, NULL, NULL));
        if (error) {
            return error;
        }
    }
    return NULL;
}

char *
xf_router_check_neigh(const struct xf_router *r,
                      const struct xf_neigh_spec *spec)
{
    return check_iface(r, spec->dev, &spec->ip, "neighbour");
}

/* Sets route 'spec' (already checked) in router 'r'.  Returns false, and
 * changes nothing, if a gateway is no longer on any of the router's
 * subnets. */
bool
xf_router_set_route(struct xf_router *r, const struct xf_route_spec *spec)
{
    return xf_router_set_route_at(r, spec, NULL);
}

/* Like xf_router_set_route(), for a caller that has already found the
 * route for the spec's prefix: 'hint', nonnull, as in xf_rib_route_set(). */
bool
xf_router_set_route_at(struct xf_router *r, const struct xf_route_spec *spec,
                       struct xf_route *hint)
{
    struct xf_nexthop nexthops[XF_MAX_NEXTHOPS];

    for (size_t i = 0; i < spec->n_nexthops; i++) {
        const struct xf_nexthop_spec *nh = &spec->nexthops[i];
        nexthops[i] = (struct xf_nexthop) {
            .has_gw = nh->has_gw,
            .gw = nh->gw,
            .dev = (nh->has_gw ? xf_router_entry_iface(r, nh->dev, &nh->gw)
                    : nh->dev),
        };
        if (!nexthops[i].dev) {
            return false;
        }
    }

    bool changed;
    struct xf_route *route = xf_rib_route_set(&r->rib, &spec->prefix, hint,
                                              nexthops, spec->n_nexthops,
                                              &changed);
    if (changed || !route->offloaded) {
        offload_route(r, route);
        r->n_route_updates++;
        COVERAGE_INC(xenflow_route_update);
    }
    return true;
}

/* Like xf_router_set_route(), for a neighbour. */
bool
xf_router_set_neigh(struct xf_router *r, const struct xf_neigh_spec *spec)
{
    const char *dev = xf_router_entry_iface(r, spec->dev, &spec->ip);
    if (!dev) {
        return false;
    }

    bool changed;
    struct xf_neigh *neigh = xf_rib_neigh_set(&r->rib, dev, &spec->ip,
                                              spec->mac, &changed);
    if (changed || !neigh->offloaded) {
        offload_neigh(r, neigh);
        r->n_neigh_updates++;
        COVERAGE_INC(xenflow_neigh_update);
    }
    return true;
}

/* Removes the route for 'prefix' from 'r'.  Returns false if there was
 * none. */
bool
xf_router_del_route(struct xf_router *r, const struct xf_prefix *prefix)
{
    struct xf_route *route = xf_rib_route_remove(&r->rib, prefix);
    if (!route) {
        return false;
    }
    xf_router_remove_route_entry(r, route);
    xf_router_promote(r);
    r->n_route_updates++;
    COVERAGE_INC(xenflow_route_update);
    return true;
}

/* Removes the neighbour 'ip' on 'dev' (NULL: the interface whose subnet
 * holds 'ip') from 'r'.  Returns false if there was none. */
bool
xf_router_del_neigh(struct xf_router *r, const char *dev,
                    const struct in6_addr *ip)
{
    dev = xf_router_entry_iface(r, dev, ip);
    struct xf_neigh *neigh = dev ? xf_rib_neigh_remove(&r->rib, dev, ip) : NULL;
    if (!neigh) {
        return false;
    }
    xf_router_remove_neigh_entry(r, neigh);
    xf_router_promote(r);
    r->n_neigh_updates++;
    COVERAGE_INC(xenflow_neigh_update);
    return true;
}

/* Full resynchronisation. */

/* Starts a full resynchronisation of 'r''s tables: every entry becomes
 * stale until it is set again; xf_router_sweep() removes the rest. */
void
xf_router_begin_sync(struct xf_router *r)
{
    xf_rib_mark_stale(&r->rib);
}

/* During a full resynchronisation, keeps the route for 'prefix' from the
 * sweep without setting it again.  xenflow/load --replace keeps what the
 * new table has, sweeps the rest and only then sets the new table, so that
 * the switch gets the removals before the additions and the additions
 * reuse the memory the removals freed.  'hash' is xf_prefix_hash(prefix,
 * 0) (the caller prefetches with it, rib.h).  Returns the route, or NULL if
 * 'r' has none for 'prefix'. */
struct xf_route *
xf_router_keep_route(struct xf_router *r, const struct xf_prefix *prefix,
                     uint32_t hash)
{
    struct xf_route *route = xf_rib_route_find_hash(&r->rib, prefix, hash);

    if (route) {
        xf_rib_route_keep(&r->rib, route);
    }
    return route;
}

/* Likewise for the neighbour 'ip' on 'dev' (NULL: the interface whose
 * subnet holds 'ip'). */
void
xf_router_keep_neigh(struct xf_router *r, const char *dev,
                     const struct in6_addr *ip)
{
    dev = xf_router_entry_iface(r, dev, ip);
    struct xf_neigh *neigh = dev ? xf_rib_neigh_find(&r->rib, dev, ip) : NULL;

    if (neigh && neigh->stale) {
        neigh->stale = false;
        r->rib.n_stale--;
    }
}
