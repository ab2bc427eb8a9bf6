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

/* XenFlow lifecycle inside ovs-vswitchd.
 *
 * ovs-vswitchd calls xenflow_init() once, xenflow_reconfigure() every time
 * the bridge layer has applied a new database snapshot, and xenflow_run()/
 * xenflow_wait() once per main-loop iteration.  Nothing here blocks: flow
 * changes are queued in each bridge's flowsync and applied in batches. */

#include <config.h>

#include "xenflow/xenflow.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/json.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ofproto/ofproto-provider.h"
#include "flow.h"
#include "packets.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"
#include "table.h"
#include "unixctl.h"
#include "util.h"
#include "vswitch-idl.h"
#include "xenflow/appctl.h"
#include "xenflow/conf.h"
#include "xenflow/flowsync.h"
#include "xenflow/migrate.h"
#include "xenflow/model.h"
#include "xenflow/pace.h"
#include "xenflow/pipeline.h"
#include "xenflow/rib.h"
#include "xenflow/router.h"
#include "xenflow/qos.h"
#include "xenflow/server.h"

VLOG_DEFINE_THIS_MODULE(xenflow);

COVERAGE_DEFINE(xenflow_reconfigure);
COVERAGE_DEFINE(xenflow_config_error);
COVERAGE_DEFINE(xenflow_route_update);
COVERAGE_DEFINE(xenflow_neigh_update);

/* All bridges with other_config:xenflow-enable=true, by name. */
static struct hmap xf_bridges = HMAP_INITIALIZER(&xf_bridges);

/* All virtual routers, by name (names are unique in the switch). */
static struct hmap xf_routers = HMAP_INITIALIZER(&xf_routers);
static uint32_t next_router_id = 1;

/* Flow sets of bridges on which XenFlow was turned off: they keep running
 * until every XenFlow flow is gone from the bridge, then are destroyed. */
static struct xf_flowsync **draining;
static size_t n_draining, allocated_draining;

/* Configuration problems found by the latest xenflow_reconfigure(), shown by
 * xenflow/show.  Each is logged once, when it first appears, so a bad key
 * does not flood the log on every unrelated database change. */
static struct sset conf_errors = SSET_INITIALIZER(&conf_errors);

static bool initialized;

static void register_commands(void);

/* The xenflow/load in progress, if any. */
struct load_job;
static struct load_job *load_job;
static void load_job_run(void);
static void load_job_destroy(struct load_job *);

/* The Open vSwitch release XenFlow is built on, i.e. VERSION without our
 * "+xenflowN" suffix. */
static char *
upstream_version(void)
{
    return xmemdup0(VERSION, strcspn(VERSION, "+"));
}

const struct smap *
xenflow_queue_details(const char *iface, unsigned int queue_id,
                      const struct smap *configured)
{
    return xf_qos_queue_details(iface, queue_id, configured);
}

void
xenflow_init(void)
{
    if (!initialized) {
        initialized = true;
        register_commands();
        xf_qos_init();
    }
}

/* Model lookups. */

static struct xf_bridge *
xf_bridge_find(const struct hmap *bridges, const char *name)
{
    struct xf_bridge *br;

    HMAP_FOR_EACH_WITH_HASH (br, node, hash_string(name, 0), bridges) {
        if (!strcmp(br->name, name)) {
            return br;
        }
    }
    return NULL;
}

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

const struct xf_iface *
xf_router_find_iface(const struct xf_router *r, const char *name)
{
    for (size_t i = 0; i < r->n_ifaces; i++) {
        if (!strcmp(r->ifaces[i].name, name)) {
            return &r->ifaces[i];
        }
    }
    return NULL;
}

const struct xf_bridge *
xf_router_get_bridge(const struct xf_router *r)
{
    return xf_bridge_find(&xf_bridges, r->bridge);
}

/* Adds the name of every bridge with XenFlow enabled to 'names'. */
void
xf_get_bridge_names(struct sset *names)
{
    const struct xf_bridge *br;

    HMAP_FOR_EACH (br, node, &xf_bridges) {
        sset_add(names, br->name);
    }
}

static struct xf_flowsync *
router_flows(const struct xf_router *r)
{
    const struct xf_bridge *br = xf_router_get_bridge(r);
    return br ? br->flows : NULL;
}

static void
xf_ports_destroy(struct xf_port *ports, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(ports[i].name);
    }
    free(ports);
}

static void
xf_network_destroy(struct xf_network *net)
{
    free(net->name);
    xf_ports_destroy(net->vm_ports, net->n_vm_ports);
    free(net);
}

static void
xf_ifaces_destroy(struct xf_iface *ifaces, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(ifaces[i].name);
        free(ifaces[i].network);
        free(ifaces[i].addrs);
    }
    free(ifaces);
}

/* Frees 'br''s model, but not its flowsync. */
static void
xf_bridge_free(struct xf_bridge *br)
{
    struct xf_network *net;

    HMAP_FOR_EACH_POP (net, node, &br->networks) {
        xf_network_destroy(net);
    }
    hmap_destroy(&br->networks);
    xf_ports_destroy(br->trunks, br->n_trunks);
    xf_ports_destroy(br->trusted, br->n_trusted);
    free(br->name);
    free(br->datapath_type);
    free(br);
}

/* Routes and neighbours: the RIB and its flows, within the router's
 * limits. */

static bool
router_has_flow_room(const struct xf_router *r)
{
    return r->n_routes_installed + r->n_neighs_installed < r->limits.max_flows;
}

/* OpenFlow group ids XenFlow uses: from "XF" 0x5846 << 16 upward, far above
 * the small numbers operators usually pick. */
static uint32_t next_group_id = 0x58460000;

static char *
nexthops_key(const struct xf_route *route)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < route->n_nexthops; i++) {
        const struct xf_nexthop *nh = &route->nexthops[i];
        xf_addr_format(&nh->gw, &s);
        ds_put_format(&s, "%s@%s;", nh->has_gw ? "" : "(direct)", nh->dev);
    }
    return ds_steal_cstr(&s);
}

static struct xf_ecmp_group *
router_find_group(const struct xf_router *r, uint32_t id)
{
    struct xf_ecmp_group *g;

    HMAP_FOR_EACH (g, node, &r->groups) {
        if (g->id == id) {
            return g;
        }
    }
    return NULL;
}

/* Returns the id of the select group for 'route''s next hops, putting the
 * group if it is new, and takes a reference; or returns 0 if the group
 * cannot be built (an interface is not usable). */
static uint32_t
router_ref_group(struct xf_router *r, const struct xf_route *route,
                 struct xf_flowsync *fs)
{
    char *key = nexthops_key(route);
    uint32_t hash = hash_string(key, 0);
    struct xf_ecmp_group *g;

    HMAP_FOR_EACH_WITH_HASH (g, node, hash, &r->groups) {
        if (!strcmp(g->key, key)) {
            free(key);
            g->n_refs++;
            return g->id;
        }
    }

    uint32_t id = ++next_group_id;
    if (!xf_pipeline_group_put(r, id, route, fs)) {
        free(key);
        return 0;
    }
    g = xzalloc(sizeof *g);
    g->key = key;
    g->id = id;
    g->n_refs = 1;
    hmap_insert(&r->groups, &g->node, hash);
    return id;
}

static void
router_unref_group(struct xf_router *r, uint32_t id)
{
    struct xf_ecmp_group *g = id ? router_find_group(r, id) : NULL;

    if (g && !--g->n_refs) {
        struct xf_flowsync *fs = router_flows(r);
        if (fs) {
            xf_pipeline_group_remove(g->id, fs);
        }
        hmap_remove(&r->groups, &g->node);
        free(g->key);
        free(g);
    }
}

/* Removes every group of 'r'. */
static void
router_clear_groups(struct xf_router *r)
{
    struct xf_flowsync *fs = router_flows(r);
    struct xf_ecmp_group *g;

    HMAP_FOR_EACH_POP (g, node, &r->groups) {
        if (fs) {
            xf_pipeline_group_remove(g->id, fs);
        }
        free(g->key);
        free(g);
    }
}

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
        route->group_id = router_ref_group(r, route, fs);
        ok = route->group_id && xf_pipeline_route_put(r, route, fs);
    } else {
        ok = xf_pipeline_route_put(r, route, fs);
    }
    if (!ok && route->group_id) {
        router_unref_group(r, route->group_id);
        route->group_id = 0;
    }
    router_unref_group(r, old_group);
    return ok;
}

/* Installs (or updates) the flow of 'route' if the router's limits allow.
 * Over a limit the route stays in the RIB, not installed: its traffic falls
 * to the router's "no route" flow and is routed by the VM itself, so
 * nothing is lost (the seed paper's default route to the VM). */
static void
router_install_route(struct xf_router *r, struct xf_route *route)
{
    struct xf_flowsync *fs = router_flows(r);

    if (!fs) {
        return;
    } else if (route->installed) {
        if (!put_route(r, route, fs)) {
            xf_pipeline_route_remove(r, route, fs);
            route->installed = false;
            r->n_routes_installed--;
        }
    } else if (r->n_routes_installed < r->limits.max_routes
               && router_has_flow_room(r)
               && put_route(r, route, fs)) {
        route->installed = true;
        r->n_routes_installed++;
    }
}

static void
router_install_neigh(struct xf_router *r, struct xf_neigh *neigh)
{
    struct xf_flowsync *fs = router_flows(r);

    if (!fs) {
        return;
    } else if (neigh->installed) {
        if (!xf_pipeline_neigh_put(r, neigh, fs)) {
            neigh->installed = false;
            r->n_neighs_installed--;
        }
    } else if (r->n_neighs_installed < r->limits.max_neighbors
               && router_has_flow_room(r)
               && xf_pipeline_neigh_put(r, neigh, fs)) {
        neigh->installed = true;
        r->n_neighs_installed++;
    }
}

static bool
router_over_limit(const struct xf_router *r)
{
    return (r->n_routes_installed < hmap_count(&r->rib.routes)
            || r->n_neighs_installed < hmap_count(&r->rib.neighs));
}

/* After a removal, installs entries that were waiting for room. */
static void
router_promote(struct xf_router *r)
{
    struct xf_route *route;
    struct xf_neigh *neigh;

    if (!router_over_limit(r)) {
        return;
    }
    /* Stop as soon as the router is full again, rather than walk every
     * route after every removal. */
    HMAP_FOR_EACH (route, node, &r->rib.routes) {
        if (!route->installed) {
            router_install_route(r, route);
            if (r->n_routes_installed >= r->limits.max_routes
                || !router_has_flow_room(r)) {
                break;
            }
        }
    }
    HMAP_FOR_EACH (neigh, node, &r->rib.neighs) {
        if (!neigh->installed) {
            router_install_neigh(r, neigh);
            if (r->n_neighs_installed >= r->limits.max_neighbors
                || !router_has_flow_room(r)) {
                break;
            }
        }
    }
}

static void
router_remove_route(struct xf_router *r, struct xf_route *route)
{
    struct xf_flowsync *fs = router_flows(r);

    if (route->installed) {
        if (fs) {
            xf_pipeline_route_remove(r, route, fs);
        }
        r->n_routes_installed--;
    }
    router_unref_group(r, route->group_id);
    xf_route_free(route);
}

static void
router_remove_neigh(struct xf_router *r, struct xf_neigh *neigh)
{
    struct xf_flowsync *fs = router_flows(r);

    if (neigh->installed) {
        if (fs) {
            xf_pipeline_neigh_remove(r, neigh, fs);
        }
        r->n_neighs_installed--;
    }
    free(neigh);
}

/* (Re)installs everything of router 'r' from scratch: its fixed flows, and
 * its routes and neighbours within its limits. */
static void
router_install_all(struct xf_router *r)
{
    struct xf_flowsync *fs = router_flows(r);
    struct xf_route *route;
    struct xf_neigh *neigh;

    r->n_routes_installed = r->n_neighs_installed = 0;
    router_clear_groups(r);
    HMAP_FOR_EACH (route, node, &r->rib.routes) {
        route->installed = false;
        route->group_id = 0;
    }
    HMAP_FOR_EACH (neigh, node, &r->rib.neighs) {
        neigh->installed = false;
    }
    if (!fs) {
        return;
    }
    xf_pipeline_router(r, fs);
    HMAP_FOR_EACH (neigh, node, &r->rib.neighs) {
        router_install_neigh(r, neigh);
    }
    HMAP_FOR_EACH (route, node, &r->rib.routes) {
        router_install_route(r, route);
    }
}

static void
xf_router_destroy(struct xf_router *r)
{
    router_clear_groups(r);
    hmap_destroy(&r->groups);
    xf_rib_destroy(&r->rib);
    xf_ifaces_destroy(r->ifaces, r->n_ifaces);
    simap_destroy(&r->iface_ids);
    free(r->limits.name);
    free(r->limits.client_id);
    free(r->bridge);
    free(r->name);
    free(r);
}

/* Configuration. */

static bool
cookie_is_router(uint64_t cookie, void *router_)
{
    const struct xf_router *r = router_;
    enum xf_flow_kind kind = xf_cookie_kind(cookie);

    return (xf_cookie_owner(cookie) == r->id
            && kind != XF_FLOW_CLASSIFY && kind != XF_FLOW_EGRESS
            && kind != XF_FLOW_LEARNED);
}

/* Only the flows of 'router_''s routes and neighbours. */
static bool
cookie_is_router_table(uint64_t cookie, void *router_)
{
    const struct xf_router *r = router_;
    enum xf_flow_kind kind = xf_cookie_kind(cookie);

    return (xf_cookie_owner(cookie) == r->id
            && (kind == XF_FLOW_ROUTE || kind == XF_FLOW_NEIGH));
}

static ofp_port_t
query_ofport(const struct ofproto *ofproto, const char *name)
{
    struct ofproto_port port;
    ofp_port_t ofport = OFPP_NONE;

    if (ofproto && !ofproto_port_query_by_name(ofproto, name, &port)) {
        ofport = port.ofp_port;
        ofproto_port_destroy(&port);
    }
    return ofport;
}

/* A router's interfaces as found while reading one snapshot. */
struct router_build {
    struct hmap_node node;      /* In a local hmap, by name. */
    char *name;
    char *bridge;
    struct xf_iface *ifaces;
    size_t n_ifaces, allocated_ifaces;
    struct xf_router_conf limits;
};

static struct router_build *
router_build_find(struct hmap *builds, const char *name)
{
    struct router_build *rb;

    HMAP_FOR_EACH_WITH_HASH (rb, node, hash_string(name, 0), builds) {
        if (!strcmp(rb->name, name)) {
            return rb;
        }
    }
    return NULL;
}

static int
compare_ports(const void *a_, const void *b_)
{
    const struct xf_port *a = a_;
    const struct xf_port *b = b_;
    return strcmp(a->name, b->name);
}

/* Sorts 'ports' by name.  An empty array may be NULL, which qsort() must
 * not be given even with no elements (its argument is declared nonnull). */
static void
sort_ports(struct xf_port *ports, size_t n)
{
    if (n > 1) {
        qsort(ports, n, sizeof *ports, compare_ports);
    }
}

static int
compare_ifaces(const void *a_, const void *b_)
{
    const struct xf_iface *a = a_;
    const struct xf_iface *b = b_;
    return strcmp(a->name, b->name);
}

static void
add_port(struct xf_port **ports, size_t *n, const char *name,
         ofp_port_t ofport)
{
    *ports = xrealloc(*ports, (*n + 1) * sizeof **ports);
    (*ports)[(*n)++] = (struct xf_port) { xstrdup(name), ofport };
}

/* Builds the model of bridge 'br_cfg' (XenFlow enabled) into a new
 * xf_bridge, adding its routers' interfaces to 'builds'. */
static struct xf_bridge *
build_bridge(const struct ovsrec_bridge *br_cfg,
             const struct xf_bridge_conf *conf, struct hmap *builds,
             struct svec *errors)
{
    const struct ofproto *ofproto = ofproto_lookup(br_cfg->name);
    struct xf_bridge *br = xzalloc(sizeof *br);
    struct shash_node *snode;

    br->name = xstrdup(br_cfg->name);
    br->datapath_type = xstrdup(br_cfg->datapath_type[0]
                                ? br_cfg->datapath_type : "system");
    hmap_init(&br->networks);

    SHASH_FOR_EACH (snode, &conf->networks) {
        const struct xf_network_conf *nc = snode->data;
        struct xf_network *net = xzalloc(sizeof *net);
        net->name = xstrdup(nc->name);
        net->vlan = nc->vlan;
        hmap_insert(&br->networks, &net->node, hash_string(net->name, 0));
    }

    for (size_t i = 0; i < br_cfg->n_ports; i++) {
        const struct ovsrec_port *port_cfg = br_cfg->ports[i];
        for (size_t j = 0; j < port_cfg->n_interfaces; j++) {
            const struct ovsrec_interface *if_cfg = port_cfg->interfaces[j];
            struct xf_iface_conf ic;

            if (!xf_iface_conf_parse(br->name, if_cfg->name,
                                     &if_cfg->other_config, &ic, errors)) {
                xf_iface_conf_destroy(&ic);
                continue;
            }

            ofp_port_t ofport = query_ofport(ofproto, if_cfg->name);
            struct xf_network *net = NULL;
            if (ic.network) {
                HMAP_FOR_EACH_WITH_HASH (net, node,
                                         hash_string(ic.network, 0),
                                         &br->networks) {
                    if (!strcmp(net->name, ic.network)) {
                        break;
                    }
                }
                if (!net) {
                    svec_add_nocopy(errors, xasprintf(
                        "bridge %s: interface %s: network %s is not defined "
                        "(set Bridge %s other_config:"XF_KEY_NETWORK"%s=VLAN)"
                        "; XenFlow ignores this interface", br->name,
                        if_cfg->name, ic.network, br->name, ic.network));
                    xf_iface_conf_destroy(&ic);
                    continue;
                }
            }

            if (ic.trunk) {
                add_port(&br->trunks, &br->n_trunks, if_cfg->name, ofport);
                if (ic.trusted) {
                    add_port(&br->trusted, &br->n_trusted, if_cfg->name,
                             ofport);
                }
            } else {
                add_port(&net->vm_ports, &net->n_vm_ports, if_cfg->name,
                         ofport);
            }

            if (ic.router) {
                struct router_build *rb = router_build_find(builds,
                                                            ic.router);
                if (rb && strcmp(rb->bridge, br->name)) {
                    svec_add_nocopy(errors, xasprintf(
                        "bridge %s: interface %s: router %s already has "
                        "interfaces on bridge %s; a router lives on one "
                        "bridge; interface ignored", br->name, if_cfg->name,
                        ic.router, rb->bridge));
                    xf_iface_conf_destroy(&ic);
                    continue;
                }
                if (!rb) {
                    rb = xzalloc(sizeof *rb);
                    rb->name = xstrdup(ic.router);
                    rb->bridge = xstrdup(br->name);
                    struct xf_router_conf *lc = shash_find_data(
                        &conf->routers, ic.router);
                    struct xf_router_conf *def = NULL;
                    if (!lc) {
                        lc = def = xf_router_conf_default(ic.router);
                    }
                    rb->limits = *lc;
                    rb->limits.name = xstrdup(ic.router);
                    rb->limits.client_id = nullable_xstrdup(lc->client_id);
                    if (def) {
                        free(def->name);
                        free(def);
                    }
                    hmap_insert(builds, &rb->node, hash_string(rb->name, 0));
                }
                if (rb->n_ifaces >= rb->allocated_ifaces) {
                    rb->ifaces = x2nrealloc(rb->ifaces, &rb->allocated_ifaces,
                                            sizeof *rb->ifaces);
                }
                rb->ifaces[rb->n_ifaces++] = (struct xf_iface) {
                    .name = xstrdup(if_cfg->name),
                    .ofport = ofport,
                    .mac = ic.mac,
                    .network = xstrdup(net->name),
                    .vlan = net->vlan,
                    .addrs = ic.addrs,
                    .n_addrs = ic.n_addrs,
                };
                ic.addrs = NULL;
            }
            xf_iface_conf_destroy(&ic);
        }
    }

    /* Stable order, so that flows (e.g. flood lists) and output do not
     * depend on the database's hash order. */
    struct xf_network *net;
    HMAP_FOR_EACH (net, node, &br->networks) {
        sort_ports(net->vm_ports, net->n_vm_ports);
    }
    sort_ports(br->trunks, br->n_trunks);
    sort_ports(br->trusted, br->n_trusted);
    return br;
}

/* Whether two interface lists differ in anything route and neighbour flows
 * depend on.  Ports do not count: those flows name interfaces by their 'id'
 * (see assign_iface_ids()), and only the router's fixed flows, which
 * xf_pipeline_router() puts at every reconfiguration, use ports. */
static bool
ifaces_differ(const struct xf_iface *a, size_t n_a,
              const struct xf_iface *b, size_t n_b)
{
    if (n_a != n_b) {
        return true;
    }
    for (size_t i = 0; i < n_a; i++) {
        if (strcmp(a[i].name, b[i].name)
            || !eth_addr_equals(a[i].mac, b[i].mac) || a[i].vlan != b[i].vlan
            || a[i].n_addrs != b[i].n_addrs) {
            return true;
        }
        for (size_t j = 0; j < a[i].n_addrs; j++) {
            if (!xf_prefix_equals(&a[i].addrs[j], &b[i].addrs[j])) {
                return true;
            }
        }
    }
    return false;
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

static void
start_draining(struct xf_flowsync *fs)
{
    xf_flowsync_clear(fs);
    if (n_draining >= allocated_draining) {
        draining = x2nrealloc(draining, &allocated_draining,
                              sizeof *draining);
    }
    draining[n_draining++] = fs;
}

/* If XenFlow was turned off on 'bridge' and is on again before its flows
 * were all removed, takes that flowsync back (flows put again are simply
 * no longer removed), so the two never fight over the same flows. */
static struct xf_flowsync *
reclaim_draining(const char *bridge)
{
    for (size_t i = 0; i < n_draining; i++) {
        if (!strcmp(xf_flowsync_bridge(draining[i]), bridge)) {
            struct xf_flowsync *fs = draining[i];
            draining[i] = draining[--n_draining];
            return fs;
        }
    }
    return NULL;
}

/* Removes router 'r' and its flows at once (for a router whose interfaces
 * left the configuration while a migration held it). */
void
xf_router_remove(struct xf_router *r)
{
    struct xf_flowsync *fs = router_flows(r);

    VLOG_INFO("router %s removed", r->name);
    if (fs) {
        xf_flowsync_mark_stale(fs, cookie_is_router, r);
        xf_flowsync_sweep(fs);
    }
    hmap_remove(&xf_routers, &r->node);
    xf_router_destroy(r);
}

/* Applies database snapshot 'ovs_cfg', which the bridge layer has just
 * applied too: every bridge named there exists as an ofproto now. */
void
xenflow_reconfigure(const struct ovsrec_open_vswitch *ovs_cfg)
{
    struct hmap new_bridges = HMAP_INITIALIZER(&new_bridges);
    struct hmap builds = HMAP_INITIALIZER(&builds);
    struct svec errors = SVEC_EMPTY_INITIALIZER;

    COVERAGE_INC(xenflow_reconfigure);

    /* 1. Read the snapshot into a new model. */
    for (size_t i = 0; i < ovs_cfg->n_bridges; i++) {
        const struct ovsrec_bridge *br_cfg = ovs_cfg->bridges[i];
        struct xf_bridge_conf conf;

        xf_bridge_conf_parse(br_cfg->name, &br_cfg->other_config, &conf,
                             &errors);
        if (conf.enabled && !xf_bridge_find(&new_bridges, br_cfg->name)) {
            struct xf_bridge *br = build_bridge(br_cfg, &conf, &builds,
                                                &errors);
            hmap_insert(&new_bridges, &br->node, hash_string(br->name, 0));
        }
        xf_bridge_conf_destroy(&conf);
    }

    /* 2. Bridges: keep the flowsync of bridges that stay enabled. */
    struct xf_bridge *br;
    HMAP_FOR_EACH (br, node, &new_bridges) {
        struct xf_bridge *old = xf_bridge_find(&xf_bridges, br->name);
        if (old) {
            br->flows = old->flows;
            old->flows = NULL;
        } else {
            VLOG_INFO("XenFlow enabled on bridge %s", br->name);
            br->flows = reclaim_draining(br->name);
            if (!br->flows) {
                br->flows = xf_flowsync_create(br->name);
            }
        }
        xf_flowsync_mark_config_stale(br->flows);
    }
    HMAP_FOR_EACH_POP (br, node, &xf_bridges) {
        if (br->flows) {
            VLOG_INFO("XenFlow disabled on bridge %s", br->name);
            start_draining(br->flows);
        }
        xf_bridge_free(br);
    }
    hmap_swap(&xf_bridges, &new_bridges);
    hmap_destroy(&new_bridges);

    /* 3. Routers: update in place (their RIBs survive reconfiguration),
     * delete those no longer configured. */
    struct xf_router *r;
    HMAP_FOR_EACH_SAFE (r, node, &xf_routers) {
        struct router_build *rb = router_build_find(&builds, r->name);
        if (!rb && r->held && router_flows(r)) {
            /* Its VM left (e.g. libvirt removed its ports): it keeps
             * forwarding until its migration released it. */
            if (!r->unconfigured) {
                VLOG_INFO("router %s: interfaces gone, kept until its "
                          "migration ends", r->name);
            }
            r->unconfigured = true;
            xf_pipeline_router(r, router_flows(r));
        } else if (!rb) {
            VLOG_INFO("router %s removed", r->name);
            struct xf_flowsync *fs = router_flows(r);
            if (fs) {
                xf_flowsync_mark_stale(fs, cookie_is_router, r);
            }
            hmap_remove(&xf_routers, &r->node);
            xf_router_destroy(r);
        }
    }

    struct router_build *rb;
    HMAP_FOR_EACH_POP (rb, node, &builds) {
        qsort(rb->ifaces, rb->n_ifaces, sizeof *rb->ifaces, compare_ifaces);
        r = xf_router_find(rb->name);
        bool reinstall;
        if (!r) {
            r = xzalloc(sizeof *r);
            r->name = xstrdup(rb->name);
            r->id = next_router_id++;
            r->bridge = xstrdup(rb->bridge);
            xf_rib_init(&r->rib);
            simap_init(&r->iface_ids);
            hmap_init(&r->groups);
            hmap_insert(&xf_routers, &r->node, hash_string(r->name, 0));
            VLOG_INFO("router %s created on bridge %s (id %"PRIu32")",
                      r->name, r->bridge, r->id);
            reinstall = true;
        } else {
            const char *changed
                = (strcmp(r->bridge, rb->bridge) ? "bridge"
                   : ifaces_differ(r->ifaces, r->n_ifaces,
                                   rb->ifaces, rb->n_ifaces) ? "interfaces"
                   : (r->limits.max_routes != rb->limits.max_routes
                      || r->limits.max_neighbors != rb->limits.max_neighbors
                      || r->limits.max_flows != rb->limits.max_flows)
                   ? "limits" : NULL);
            reinstall = changed != NULL;
            if (reinstall) {
                VLOG_INFO("router %s: %s changed; reinstalling its %"PRIuSIZE
                          " routes and %"PRIuSIZE" neighbours", r->name,
                          changed, hmap_count(&r->rib.routes),
                          hmap_count(&r->rib.neighs));
                struct xf_flowsync *fs = router_flows(r);
                if (fs) {
                    /* Everything of the old incarnation goes; what is
                     * still wanted is put back below, unchanged flows
                     * without any gap. */
                    xf_flowsync_mark_stale(fs, cookie_is_router, r);
                }
                /* While 'r->bridge' still names the old bridge. */
                router_clear_groups(r);
            }
        }
        r->unconfigured = false;
        xf_ifaces_destroy(r->ifaces, r->n_ifaces);
        r->ifaces = rb->ifaces;
        r->n_ifaces = rb->n_ifaces;
        assign_iface_ids(r);
        free(r->limits.name);
        free(r->limits.client_id);
        r->limits = rb->limits;
        free(r->bridge);
        r->bridge = rb->bridge;

        if (reinstall) {
            router_install_all(r);
        } else {
            xf_pipeline_router(r, router_flows(r));
        }
        free(rb->name);
        free(rb);
    }
    hmap_destroy(&builds);

    /* 4. Queues, which bridge-level flows select. */
    struct sset enabled = SSET_INITIALIZER(&enabled);
    HMAP_FOR_EACH (br, node, &xf_bridges) {
        sset_add(&enabled, br->name);
    }
    xf_qos_reconfigure(ovs_cfg, &enabled, &errors);
    sset_destroy(&enabled);

    /* 5. Bridge-level flows, then drop what is no longer wanted. */
    HMAP_FOR_EACH (br, node, &xf_bridges) {
        xf_pipeline_bridge(br, br->flows);
        xf_flowsync_sweep(br->flows);
    }

    /* 6. The client channel. */
    xf_server_reconfigure(&ovs_cfg->other_config, &errors);
    xf_migrate_reconfigure(&ovs_cfg->other_config, &errors);

    /* 7. Bulk work rests only if it would starve ports that the main
     * thread polls: those of the userspace datapath.  (The dummy datapath,
     * for tests and benchmarks, has no real ports to starve.) */
    bool userspace = false;
    HMAP_FOR_EACH (br, node, &xf_bridges) {
        userspace |= !strcmp(br->datapath_type, "netdev");
    }
    xf_bulk_set_share(xf_bulk_share_parse(
                          &ovs_cfg->other_config,
                          userspace ? XF_PACE_DEFAULT_SHARE : 100, &errors));

    /* Log configuration problems that are new since the last time. */
    struct sset new_errors = SSET_INITIALIZER(&new_errors);
    const char *error;
    size_t j;
    SVEC_FOR_EACH (j, error, &errors) {
        if (!sset_contains(&conf_errors, error)) {
            COVERAGE_INC(xenflow_config_error);
            VLOG_WARN("%s", error);
        }
        sset_add(&new_errors, error);
    }
    sset_swap(&conf_errors, &new_errors);
    sset_destroy(&new_errors);
    svec_destroy(&errors);
}

void
xenflow_run(void)
{
    struct xf_bridge *br;

    xf_bulk_run();
    if (load_job && xf_bulk_allows()) {
        load_job_run();
    }
    xf_server_run();
    xf_qos_run();
    xf_migrate_run();

    HMAP_FOR_EACH (br, node, &xf_bridges) {
        xf_flowsync_run(br->flows);
    }
    for (size_t i = 0; i < n_draining; ) {
        xf_flowsync_run(draining[i]);
        if (xf_flowsync_drained(draining[i])) {
            xf_flowsync_destroy(draining[i]);
            draining[i] = draining[--n_draining];
        } else {
            i++;
        }
    }
    xf_bulk_run_end();
}

void
xenflow_wait(void)
{
    struct xf_bridge *br;

    if (load_job) {
        xf_bulk_wait();
    }
    xf_server_wait();
    xf_qos_wait();
    xf_migrate_wait();

    HMAP_FOR_EACH (br, node, &xf_bridges) {
        xf_flowsync_wait(br->flows);
    }
    for (size_t i = 0; i < n_draining; i++) {
        xf_flowsync_wait(draining[i]);
    }
}

void
xenflow_destroy(void)
{
    struct xf_bridge *br;
    struct xf_router *r;

    xf_migrate_destroy();
    xf_server_destroy();
    xf_qos_destroy();
    HMAP_FOR_EACH_POP (r, node, &xf_routers) {
        xf_router_destroy(r);
    }
    HMAP_FOR_EACH_POP (br, node, &xf_bridges) {
        xf_flowsync_destroy(br->flows);
        xf_bridge_free(br);
    }
    for (size_t i = 0; i < n_draining; i++) {
        xf_flowsync_destroy(draining[i]);
    }
    n_draining = 0;
    if (load_job) {
        load_job_destroy(load_job);
        load_job = NULL;
    }
    sset_clear(&conf_errors);
}

/* Route and neighbour operations shared by the unixctl commands and, later,
 * the client channel. */

/* Resolves the egress interface of a route: 'spec->dev' if given (it must be
 * one of the router's interfaces), otherwise the interface whose subnet
 * holds the gateway.  Returns NULL and sets '*dev', or an error. */
static char *
resolve_dev(const struct xf_router *r, const char *dev,
            const struct in6_addr *addr, const char *what)
{
    if (dev) {
        return (xf_router_find_iface(r, dev) ? NULL
                : xasprintf("router %s has no interface %s", r->name, dev));
    }
    for (size_t i = 0; i < r->n_ifaces; i++) {
        for (size_t j = 0; j < r->ifaces[i].n_addrs; j++) {
            if (xf_prefix_contains(&r->ifaces[i].addrs[j], addr)) {
                return NULL;
            }
        }
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    xf_addr_format(addr, &s);
    char *error = xasprintf("%s %s is not in the subnet of any interface of "
                            "router %s; add \"dev INTERFACE\"", what,
                            ds_cstr(&s), r->name);
    ds_destroy(&s);
    return error;
}

/* Returns 'dev' if nonnull, otherwise the name of the interface of 'r' whose
 * subnet holds 'addr', or NULL if there is none (possible when the router's
 * interfaces changed since the entry was checked, e.g. during a long
 * xenflow/load). */
static const char *
resolved_dev(const struct xf_router *r, const char *dev,
             const struct in6_addr *addr)
{
    if (dev) {
        return dev;
    }
    for (size_t i = 0; i < r->n_ifaces; i++) {
        for (size_t j = 0; j < r->ifaces[i].n_addrs; j++) {
            if (xf_prefix_contains(&r->ifaces[i].addrs[j], addr)) {
                return r->ifaces[i].name;
            }
        }
    }
    return NULL;
}

char *
xf_router_check_route(const struct xf_router *r, const struct xf_route_spec *spec)
{
    for (size_t i = 0; i < spec->n_nexthops; i++) {
        const struct xf_nexthop_spec *nh = &spec->nexthops[i];
        char *error = (nh->has_gw
                       ? resolve_dev(r, nh->dev, &nh->gw, "gateway")
                       : resolve_dev(r, nh->dev, NULL, NULL));
        if (error) {
            return error;
        }
    }
    return NULL;
}

/* Sets route 'spec' (already checked) in router 'r'.  Returns false, and
 * changes nothing, if a gateway is no longer on any of the router's
 * subnets. */
bool
xf_router_set_route(struct xf_router *r, const struct xf_route_spec *spec)
{
    struct xf_nexthop nexthops[XF_MAX_NEXTHOPS];

    for (size_t i = 0; i < spec->n_nexthops; i++) {
        const struct xf_nexthop_spec *nh = &spec->nexthops[i];
        nexthops[i] = (struct xf_nexthop) {
            .has_gw = nh->has_gw,
            .gw = nh->gw,
            .dev = nh->has_gw ? resolved_dev(r, nh->dev, &nh->gw) : nh->dev,
        };
        if (!nexthops[i].dev) {
            r->n_rejected++;
            return false;
        }
    }

    bool changed;
    struct xf_route *route = xf_rib_route_set(&r->rib, &spec->prefix,
                                              nexthops, spec->n_nexthops,
                                              &changed);
    if (changed || !route->installed) {
        router_install_route(r, route);
        r->n_route_updates++;
        COVERAGE_INC(xenflow_route_update);
    }
    return true;
}

/* Like xf_router_set_route(), for a neighbour. */
bool
xf_router_set_neigh(struct xf_router *r, const struct xf_neigh_spec *spec)
{
    const char *dev = resolved_dev(r, spec->dev, &spec->ip);
    if (!dev) {
        r->n_rejected++;
        return false;
    }

    bool changed;
    struct xf_neigh *neigh = xf_rib_neigh_set(&r->rib, dev, &spec->ip,
                                              spec->mac, &changed);
    if (changed || !neigh->installed) {
        router_install_neigh(r, neigh);
        r->n_neigh_updates++;
        COVERAGE_INC(xenflow_neigh_update);
    }
    return true;
}

/* Removes every route and neighbour still marked stale. */
size_t
xf_router_sweep(struct xf_router *r)
{
    struct xf_route *route;
    struct xf_neigh *neigh;
    size_t n = 0;

    if (!r->rib.n_stale) {
        /* Everything was set again: a walk over a million routes saved,
         * after a client's snapshot that reconciled with a pre-copy. */
        return 0;
    }
    HMAP_FOR_EACH_SAFE (route, node, &r->rib.routes) {
        if (route->stale) {
            hmap_remove(&r->rib.routes, &route->node);
            router_remove_route(r, route);
            r->n_route_updates++;
            n++;
        }
    }
    HMAP_FOR_EACH_SAFE (neigh, node, &r->rib.neighs) {
        if (neigh->stale) {
            hmap_remove(&r->rib.neighs, &neigh->node);
            router_remove_neigh(r, neigh);
            r->n_neigh_updates++;
            n++;
        }
    }
    r->rib.n_stale = 0;
    router_promote(r);
    return n;
}

/* Checks neighbour 'spec' against router 'r''s interfaces. */
char *
xf_router_check_neigh(const struct xf_router *r,
                      const struct xf_neigh_spec *spec)
{
    return resolve_dev(r, spec->dev, &spec->ip, "neighbour");
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
    router_remove_route(r, route);
    router_promote(r);
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
    dev = resolved_dev(r, dev, ip);
    struct xf_neigh *neigh = dev ? xf_rib_neigh_remove(&r->rib, dev, ip) : NULL;
    if (!neigh) {
        return false;
    }
    router_remove_neigh(r, neigh);
    router_promote(r);
    r->n_neigh_updates++;
    COVERAGE_INC(xenflow_neigh_update);
    return true;
}

/* Starts a full resynchronisation of 'r''s tables: every entry becomes
 * stale until it is set again; xf_router_sweep() removes the rest. */
void
xf_router_begin_sync(struct xf_router *r)
{
    xf_rib_mark_stale(&r->rib);
}

/* Withdraws every route and neighbour of 'r' (its traffic goes to the VM
 * again).  Returns how many entries were removed.
 *
 * This runs in one main-loop iteration (e.g. when a migrated router's copy
 * is released), so it does not remove entries one by one, which costs a
 * flow lookup each (seconds for a million routes): it selects the router's
 * route and neighbour flows by cookie in one pass over the bridge's flows,
 * whose removal flowsync then applies in batches, and frees the tables. */
size_t
xf_router_withdraw_all(struct xf_router *r)
{
    size_t n_routes = hmap_count(&r->rib.routes);
    size_t n_neighs = hmap_count(&r->rib.neighs);
    struct xf_flowsync *fs = router_flows(r);

    if (fs) {
        xf_flowsync_mark_stale(fs, cookie_is_router_table, r);
        xf_flowsync_sweep(fs);
    }
    router_clear_groups(r);
    xf_rib_destroy(&r->rib);
    xf_rib_init(&r->rib);
    r->n_routes_installed = r->n_neighs_installed = 0;
    r->n_route_updates += n_routes;
    r->n_neigh_updates += n_neighs;
    return n_routes + n_neighs;
}

/* The identity a xenflow-client must present to program 'r'. */
void
xf_router_set_held(struct xf_router *r, bool held)
{
    r->held = held;
}

const char *
xf_router_client_id(const struct xf_router *r)
{
    return r->limits.client_id ? r->limits.client_id : r->name;
}

/* unixctl commands. */

/* Looks up the router named in argv[1]; replies with an error and returns
 * NULL if there is none. */
static struct xf_router *
lookup_router(struct unixctl_conn *conn, int argc, const char *argv[])
{
    if (argc < 2) {
        xf_appctl_reply_error(conn, "%s: missing ROUTER", argv[0]);
        return NULL;
    }
    struct xf_router *r = xf_router_find(argv[1]);
    if (!r) {
        xf_appctl_reply_error(conn, "%s: no router named \"%s\" (see xenflow/show)",
                    argv[0], argv[1]);
    }
    return r;
}


static void
cmd_route_add(struct unixctl_conn *conn, int argc, const char *argv[],
              void *aux OVS_UNUSED)
{
    struct xf_router *r = lookup_router(conn, argc, argv);
    if (!r) {
        return;
    }

    struct xf_route_spec spec;
    char *error = xf_route_spec_parse(argc - 2, argv + 2, &spec);
    if (!error) {
        error = xf_router_check_route(r, &spec);
    }
    if (error) {
        r->n_rejected++;
        xf_appctl_reply_error(conn, "%s: %s", argv[0], error);
        free(error);
    } else {
        xf_router_set_route(r, &spec);
        unixctl_command_reply(conn, NULL);
    }
    xf_route_spec_destroy(&spec);
}

static void
cmd_route_del(struct unixctl_conn *conn, int argc, const char *argv[],
              void *aux OVS_UNUSED)
{
    struct xf_router *r = lookup_router(conn, argc, argv);
    if (!r) {
        return;
    }

    struct xf_prefix prefix;
    char *error = xf_prefix_parse(argv[2], false, &prefix);
    if (error) {
        r->n_rejected++;
        xf_appctl_reply_error(conn, "%s: %s", argv[0], error);
        free(error);
        return;
    }
    if (!xf_router_del_route(r, &prefix)) {
        xf_appctl_reply_error(conn, "%s: router %s has no route %s", argv[0], r->name,
                    argv[2]);
        return;
    }
    unixctl_command_reply(conn, NULL);
}

static void
cmd_neigh_add(struct unixctl_conn *conn, int argc, const char *argv[],
              void *aux OVS_UNUSED)
{
    struct xf_router *r = lookup_router(conn, argc, argv);
    if (!r) {
        return;
    }

    struct xf_neigh_spec spec;
    char *error = xf_neigh_spec_parse(argc - 2, argv + 2, true, &spec);
    if (!error) {
        error = resolve_dev(r, spec.dev, &spec.ip, "neighbour");
    }
    if (error) {
        r->n_rejected++;
        xf_appctl_reply_error(conn, "%s: %s", argv[0], error);
        free(error);
    } else {
        xf_router_set_neigh(r, &spec);
        unixctl_command_reply(conn, NULL);
    }
    free(spec.dev);
}

static void
cmd_neigh_del(struct unixctl_conn *conn, int argc, const char *argv[],
              void *aux OVS_UNUSED)
{
    struct xf_router *r = lookup_router(conn, argc, argv);
    if (!r) {
        return;
    }

    struct xf_neigh_spec spec;
    char *error = xf_neigh_spec_parse(argc - 2, argv + 2, false, &spec);
    if (!error) {
        error = resolve_dev(r, spec.dev, &spec.ip, "neighbour");
    }
    if (error) {
        r->n_rejected++;
        xf_appctl_reply_error(conn, "%s: %s", argv[0], error);
        free(error);
        free(spec.dev);
        return;
    }

    if (!xf_router_del_neigh(r, spec.dev, &spec.ip)) {
        xf_appctl_reply_error(conn, "%s: router %s has no neighbour %s on %s", argv[0],
                    r->name, argv[2],
                    resolved_dev(r, spec.dev, &spec.ip));
    } else {
        unixctl_command_reply(conn, NULL);
    }
    free(spec.dev);
}

/* One parsed line of a file for xenflow/load.  Compact (a route's next hops
 * are copied out of the parser's fixed-size spec): a million of them are
 * held until the whole file has been checked. */
struct load_entry {
    bool is_route;
    struct xf_prefix prefix;            /* Route. */
    size_t n_nexthops;                  /* Route. */
    struct xf_nexthop_spec *nexthops;   /* Route, malloc()'d. */
    struct xf_neigh_spec neigh;         /* Neighbour. */
};

static void
load_entry_destroy(struct load_entry *e)
{
    for (size_t i = 0; i < e->n_nexthops; i++) {
        free(e->nexthops[i].dev);
    }
    free(e->nexthops);
    free(e->neigh.dev);
}

static void
load_entry_to_route_spec(const struct load_entry *e,
                         struct xf_route_spec *spec)
{
    spec->prefix = e->prefix;
    spec->n_nexthops = e->n_nexthops;
    memcpy(spec->nexthops, e->nexthops,
           e->n_nexthops * sizeof *e->nexthops);
}

static char *
parse_load_line(const struct xf_router *r, char *line,
                struct load_entry *e)
{
    const char *words[XF_MAX_WORDS];
    int n = xf_split_words(line, words);
    if (n < 0) {
        return xstrdup("too many words");
    }

    char *error;
    memset(e, 0, sizeof *e);
    if (!strcmp(words[0], "route")) {
        struct xf_route_spec spec;

        e->is_route = true;
        error = xf_route_spec_parse(n - 1, words + 1, &spec);
        if (!error) {
            error = xf_router_check_route(r, &spec);
        }
        /* The entry takes over the next hops' 'dev' strings. */
        e->prefix = spec.prefix;
        e->n_nexthops = spec.n_nexthops;
        e->nexthops = xmemdup(spec.nexthops,
                              spec.n_nexthops * sizeof *spec.nexthops);
    } else if (!strcmp(words[0], "neigh")) {
        error = xf_neigh_spec_parse(n - 1, words + 1, true, &e->neigh);
        if (!error) {
            error = resolve_dev(r, e->neigh.dev, &e->neigh.ip, "neighbour");
        }
    } else {
        error = xasprintf("\"%s\" is neither \"route\" nor \"neigh\"",
                          words[0]);
    }
    return error;
}

/* A xenflow/load in progress.  Nothing is applied until every line has been
 * read and checked, so a bad file changes nothing; both the reading and the
 * applying proceed XF_LOAD_BATCH lines at a time, as bulk work
 * (xenflow/pace.h), so that a million routes do not stall the switch.  The command replies when the last
 * entry is in.  (A deferred unixctl reply is safe: unixctl does not read from,
 * and so does not close, a connection with a request outstanding.) */
struct load_job {
    struct unixctl_conn *conn;
    char *router;               /* Router name (it may go away meanwhile). */
    char *file_name;
    FILE *file;                 /* Nonnull while reading. */
    int line_number;
    struct load_entry *entries;
    size_t n, allocated, next;
    bool replace;
    size_t n_routes, n_neighs, n_skipped;
};

/* About 10 ms of work per main-loop iteration at ~2 us per route: the main
 * thread also polls the userspace datapath's ports. */
#define XF_LOAD_BATCH 5000

static void
load_job_destroy(struct load_job *job)
{
    for (size_t i = 0; i < job->n; i++) {
        load_entry_destroy(&job->entries[i]);
    }
    if (job->file) {
        fclose(job->file);
    }
    free(job->entries);
    free(job->file_name);
    free(job->router);
    free(job);
}

/* Reads and checks up to XF_LOAD_BATCH lines of 'job''s file.  Returns an
 * error message (nothing will be loaded) or NULL. */
static char *
load_job_read(struct load_job *job, const struct xf_router *r)
{
    char *line = NULL;
    size_t line_size = 0;
    char *error = NULL;

    for (int i = 0; i < XF_LOAD_BATCH; i++) {
        if (getline(&line, &line_size, job->file) < 0) {
            if (ferror(job->file)) {
                error = xasprintf("%s: read error: %s", job->file_name,
                                  ovs_strerror(errno));
            }
            fclose(job->file);
            job->file = NULL;
            break;
        }
        job->line_number++;

        char *p = line + strspn(line, " \t\r\n");
        if (!*p || *p == '#') {
            continue;
        }
        if (job->n >= job->allocated) {
            job->entries = x2nrealloc(job->entries, &job->allocated,
                                      sizeof *job->entries);
        }
        char *e = parse_load_line(r, p, &job->entries[job->n]);
        job->n++;
        if (e) {
            error = xasprintf("%s:%d: %s", job->file_name, job->line_number,
                              e);
            free(e);
            break;
        }
    }
    free(line);
    return error;
}

static void
load_job_run(void)
{
    struct load_job *job = load_job;
    struct xf_router *r = xf_router_find(job->router);

    if (!r) {
        xf_appctl_reply_error(job->conn, "xenflow/load: router %s was removed while "
                    "loading; %"PRIuSIZE" of %"PRIuSIZE" entries applied",
                    job->router, job->next, job->n);
    } else if (job->file) {
        char *error = load_job_read(job, r);
        if (!error) {
            if (!job->file) {
                /* Read and checked: size the tables once for all of it. */
                struct xf_flowsync *fs = router_flows(r);
                xf_rib_reserve_routes(&r->rib, job->n);
                if (fs) {
                    xf_flowsync_reserve(fs, job->n);
                }
                if (job->replace) {
                    xf_rib_mark_stale(&r->rib);
                }
            }
            return;
        }
        r->n_rejected++;
        xf_appctl_reply_error(job->conn, "xenflow/load: %s; nothing loaded", error);
        free(error);
    } else {
        size_t end = MIN(job->n, job->next + XF_LOAD_BATCH);
        for (; job->next < end; job->next++) {
            struct load_entry *e = &job->entries[job->next];
            struct xf_route_spec spec;
            if (e->is_route) {
                load_entry_to_route_spec(e, &spec);
            }
            if (e->is_route ? !xf_router_set_route(r, &spec)
                : !xf_router_set_neigh(r, &e->neigh)) {
                job->n_skipped++;
            } else if (e->is_route) {
                job->n_routes++;
            } else {
                job->n_neighs++;
            }
        }
        if (job->next < job->n) {
            return;
        }

        size_t n_removed = job->replace ? xf_router_sweep(r) : 0;
        char *msg = xasprintf("%s: %"PRIuSIZE" routes, %"PRIuSIZE
                              " neighbours loaded, %"PRIuSIZE" removed%s\n",
                              r->name, job->n_routes, job->n_neighs,
                              n_removed,
                              job->n_skipped ? " (some entries skipped: the "
                              "router's interfaces changed meanwhile)" : "");
        unixctl_command_reply(job->conn, msg);
        free(msg);
    }
    load_job_destroy(job);
    load_job = NULL;
}

/* xenflow/load ROUTER FILE [--replace]. */
static void
cmd_load(struct unixctl_conn *conn, int argc, const char *argv[],
         void *aux OVS_UNUSED)
{
    bool replace = false;
    if (argc == 4) {
        if (strcmp(argv[3], "--replace")) {
            xf_appctl_reply_error(conn, "%s: unknown option \"%s\" (usage: %s ROUTER "
                        "FILE [--replace])", argv[0], argv[3], argv[0]);
            return;
        }
        replace = true;
    }
    struct xf_router *r = lookup_router(conn, argc, argv);
    if (!r) {
        return;
    } else if (load_job) {
        xf_appctl_reply_error(conn, "%s: busy loading router %s (%"PRIuSIZE" of %"
                    PRIuSIZE" entries %s); try again when it is done",
                    argv[0], load_job->router,
                    load_job->file ? load_job->n : load_job->next,
                    load_job->n, load_job->file ? "read" : "applied");
        return;
    }
    FILE *file = fopen(argv[2], "r");
    if (!file) {
        /* ovs-vswitchd --detach runs in "/", which surprises operators who
         * pass a name relative to their shell's directory. */
        xf_appctl_reply_error(conn, "%s: %s: %s%s", argv[0], argv[2],
                    ovs_strerror(errno),
                    argv[2][0] != '/' ? " (a relative name is resolved from "
                    "ovs-vswitchd's working directory; give an absolute "
                    "path)" : "");
        return;
    }

    struct load_job *job = xzalloc(sizeof *job);
    job->conn = conn;
    job->router = xstrdup(r->name);
    job->file_name = xstrdup(argv[2]);
    job->file = file;
    job->replace = replace;
    load_job = job;
    load_job_run();
}

static int
compare_routes(const void *a_, const void *b_)
{
    const struct xf_route *const *a = a_;
    const struct xf_route *const *b = b_;
    int cmp = memcmp(&(*a)->prefix.addr, &(*b)->prefix.addr,
                     sizeof (*a)->prefix.addr);
    return cmp ? cmp : (int) (*a)->prefix.plen - (int) (*b)->prefix.plen;
}

static void
cmd_routes(struct unixctl_conn *conn, int argc, const char *argv[],
           void *aux OVS_UNUSED)
{
    bool json = xf_appctl_take_json(&argc, argv);
    struct xf_router *r = lookup_router(conn, argc, argv);
    if (!r) {
        return;
    }

    /* With a PREFIX, just that route: a cheap query, even with a million
     * routes, for scripts that wait for one change. */
    size_t n = hmap_count(&r->rib.routes);
    const struct xf_route **routes = xmalloc(MAX(n, 1) * sizeof *routes);
    const struct xf_route *route;
    size_t i = 0;
    if (argc > 2) {
        struct xf_prefix prefix;
        char *error = xf_prefix_parse(argv[2], false, &prefix);
        if (error) {
            xf_appctl_reply_error(conn, "%s: %s", argv[0], error);
            free(error);
            free(routes);
            return;
        }
        route = xf_rib_route_find(&r->rib, &prefix);
        n = 0;
        if (route) {
            routes[n++] = route;
        }
    } else {
        HMAP_FOR_EACH (route, node, &r->rib.routes) {
            routes[i++] = route;
        }
        qsort(routes, n, sizeof *routes, compare_routes);
    }

    struct table t;
    table_init(&t);
    table_add_column(&t, "prefix");
    table_add_column(&t, "via");
    table_add_column(&t, "dev");
    table_add_column(&t, "installed");
    for (i = 0; i < n; i++) {
        struct ds s = DS_EMPTY_INITIALIZER;
        xf_prefix_format(&routes[i]->prefix, &s);
        table_add_row(&t);
        table_add_cell(&t)->text = ds_steal_cstr(&s);

        /* ECMP next hops are listed comma-separated, in the same order in
         * both columns. */
        struct ds via = DS_EMPTY_INITIALIZER;
        struct ds dev = DS_EMPTY_INITIALIZER;
        for (size_t j = 0; j < routes[i]->n_nexthops; j++) {
            const struct xf_nexthop *nh = &routes[i]->nexthops[j];
            if (j) {
                ds_put_char(&via, ',');
                ds_put_char(&dev, ',');
            }
            if (nh->has_gw) {
                xf_addr_format(&nh->gw, &via);
            } else {
                ds_put_char(&via, '-');
            }
            ds_put_cstr(&dev, nh->dev);
        }
        table_add_cell(&t)->text = ds_steal_cstr(&via);
        table_add_cell(&t)->text = ds_steal_cstr(&dev);
        xf_table_add_text(&t, routes[i]->installed ? "yes" : "no (over limit)");
    }
    free(routes);
    xf_appctl_reply_table(conn, &t, json);
}

static int
compare_neighs(const void *a_, const void *b_)
{
    const struct xf_neigh *const *a = a_;
    const struct xf_neigh *const *b = b_;
    int cmp = strcmp((*a)->dev, (*b)->dev);
    return cmp ? cmp : memcmp(&(*a)->ip, &(*b)->ip, sizeof (*a)->ip);
}

static void
cmd_neighbors(struct unixctl_conn *conn, int argc, const char *argv[],
              void *aux OVS_UNUSED)
{
    bool json = xf_appctl_take_json(&argc, argv);
    struct xf_router *r = lookup_router(conn, argc, argv);
    if (!r) {
        return;
    }

    size_t n = hmap_count(&r->rib.neighs);
    const struct xf_neigh **neighs = xmalloc(MAX(n, 1) * sizeof *neighs);
    const struct xf_neigh *neigh;
    size_t i = 0;
    HMAP_FOR_EACH (neigh, node, &r->rib.neighs) {
        neighs[i++] = neigh;
    }
    qsort(neighs, n, sizeof *neighs, compare_neighs);

    struct table t;
    table_init(&t);
    table_add_column(&t, "address");
    table_add_column(&t, "mac");
    table_add_column(&t, "dev");
    table_add_column(&t, "installed");
    for (i = 0; i < n; i++) {
        table_add_row(&t);
        xf_table_add_addr(&t, &neighs[i]->ip);
        table_add_cell(&t)->text = xasprintf(ETH_ADDR_FMT,
                                             ETH_ADDR_ARGS(neighs[i]->mac));
        xf_table_add_text(&t, neighs[i]->dev);
        xf_table_add_text(&t, neighs[i]->installed ? "yes" : "no (over limit)");
    }
    free(neighs);
    xf_appctl_reply_table(conn, &t, json);
}

static void
cmd_flows(struct unixctl_conn *conn, int argc, const char *argv[],
          void *aux OVS_UNUSED)
{
    bool json = xf_appctl_take_json(&argc, argv);
    struct xf_router *r = lookup_router(conn, argc, argv);
    if (!r) {
        return;
    }
    struct xf_flowsync *fs = router_flows(r);
    struct xf_flow_info *infos = NULL;
    size_t n = fs ? xf_flowsync_collect(fs, cookie_is_router, r, &infos) : 0;

    struct table t;
    table_init(&t);
    table_add_column(&t, "cookie");
    table_add_column(&t, "installed");
    table_add_column(&t, "flow");
    for (size_t i = 0; i < n; i++) {
        table_add_row(&t);
        table_add_cell(&t)->text = xasprintf("%#"PRIx64, infos[i].cookie);
        xf_table_add_text(&t, infos[i].installed ? "yes" : "pending");
        table_add_cell(&t)->text = infos[i].text;
    }
    free(infos);
    xf_appctl_reply_table(conn, &t, json);
}

/* Packet counters of router 'r', read from its flows in ofproto: packets
 * that matched a neighbour (rewrite) flow were routed by the switch, those
 * that matched a slow-path flow were delivered to the VM. */
static struct xf_router_stats
router_stats(const struct xf_router *r)
{
    struct xf_router_stats stats = { 0, 0 };
    struct ofproto *ofproto = ofproto_lookup(r->bridge);

    if (!ofproto) {
        return stats;
    }
    for (int t = XF_TABLE_INGRESS; t <= XF_TABLE_NEIGH
                                   && t < ofproto->n_tables; t++) {
        struct rule *rule;
        CLS_FOR_EACH (rule, cr, &ofproto->tables[t].cls) {
            uint64_t cookie = ntohll(rule->flow_cookie);
            if (!xf_cookie_is_ours(cookie)
                || xf_cookie_owner(cookie) != r->id) {
                continue;
            }
            enum xf_flow_kind kind = xf_cookie_kind(cookie);
            if (kind == XF_FLOW_NEIGH || kind == XF_FLOW_SLOWPATH) {
                struct pkt_stats ps;
                long long int used;
                ofproto->ofproto_class->rule_get_stats(rule, &ps, &used);
                if (kind == XF_FLOW_NEIGH) {
                    stats.routed_packets += ps.n_packets;
                } else {
                    stats.slowpath_packets += ps.n_packets;
                }
            }
        }
    }
    return stats;
}

static void
cmd_version(struct unixctl_conn *conn, int argc, const char *argv[],
            void *aux OVS_UNUSED)
{
    bool json = xf_appctl_take_json(&argc, argv);
    char *upstream = upstream_version();

    if (argc > 1) {
        xf_appctl_reply_error(conn, "%s: unknown argument \"%s\" (usage: %s [--json])",
                    argv[0], argv[1], argv[0]);
    } else if (json) {
        struct json *obj = json_object_create();
        json_object_put_string(obj, "xenflow", xf_version());
        json_object_put_string(obj, "openvswitch", upstream);
        xf_appctl_reply_json(conn, obj);
    } else {
        char *s = xasprintf("XenFlow %s (Open vSwitch %s)\n",
                            xf_version(), upstream);
        unixctl_command_reply(conn, s);
        free(s);
    }
    free(upstream);
}

static int
compare_names(const void *a_, const void *b_)
{
    const char *const *a = a_;
    const char *const *b = b_;
    return strcmp(*a, *b);
}

static const char *
bridge_state(const struct xf_bridge *br)
{
    return ofproto_lookup(br->name) ? "active" : "no-datapath";
}

static const char *
router_status(const struct xf_router *r)
{
    return router_over_limit(r) ? "over-limit" : "ok";
}

static void
ports_to_string(const struct xf_port *ports, size_t n, struct ds *s)
{
    const char **names = xmalloc(MAX(n, 1) * sizeof *names);
    for (size_t i = 0; i < n; i++) {
        names[i] = ports[i].name;
    }
    qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "%s%s", i ? "," : "", names[i]);
    }
    free(names);
    if (!n) {
        ds_put_cstr(s, "-");
    }
}

static size_t
bridge_router_count(const struct xf_bridge *br)
{
    const struct xf_router *r;
    size_t n = 0;

    HMAP_FOR_EACH (r, node, &xf_routers) {
        n += !strcmp(r->bridge, br->name);
    }
    return n;
}

/* Builds the three tables of xenflow/show. */
static void
show_tables(struct table *bt, struct table *nt, struct table *rt)
{
    struct sset br_names = SSET_INITIALIZER(&br_names);
    struct sset r_names = SSET_INITIALIZER(&r_names);
    const struct xf_bridge *br;
    const struct xf_router *r;

    HMAP_FOR_EACH (br, node, &xf_bridges) {
        sset_add(&br_names, br->name);
    }
    HMAP_FOR_EACH (r, node, &xf_routers) {
        sset_add(&r_names, r->name);
    }
    const char **bridges = sset_sort(&br_names);
    const char **routers = sset_sort(&r_names);
    size_t n_br = sset_count(&br_names);
    size_t n_r = sset_count(&r_names);

    table_init(bt);
    table_set_caption(bt, xstrdup("Bridges"));
    table_add_column(bt, "bridge");
    table_add_column(bt, "datapath");
    table_add_column(bt, "state");
    table_add_column(bt, "networks");
    table_add_column(bt, "routers");
    table_add_column(bt, "flows");
    table_add_column(bt, "pending");

    table_init(nt);
    table_set_caption(nt, xstrdup("Virtual networks"));
    table_add_column(nt, "bridge");
    table_add_column(nt, "network");
    table_add_column(nt, "vlan");
    table_add_column(nt, "vm-ports");
    table_add_column(nt, "trunks");

    for (size_t i = 0; i < n_br; i++) {
        br = xf_bridge_find(&xf_bridges, bridges[i]);
        table_add_row(bt);
        xf_table_add_text(bt, br->name);
        xf_table_add_text(bt, br->datapath_type);
        xf_table_add_text(bt, bridge_state(br));
        xf_table_add_int(bt, hmap_count(&br->networks));
        xf_table_add_int(bt, bridge_router_count(br));
        xf_table_add_int(bt, xf_flowsync_count(br->flows));
        xf_table_add_int(bt, xf_flowsync_pending(br->flows));

        /* Networks in VLAN order. */
        for (int vlan = 1; vlan < 4095; vlan++) {
            const struct xf_network *net;
            HMAP_FOR_EACH (net, node, &br->networks) {
                if (net->vlan != vlan) {
                    continue;
                }
                struct ds s = DS_EMPTY_INITIALIZER;
                table_add_row(nt);
                xf_table_add_text(nt, br->name);
                xf_table_add_text(nt, net->name);
                xf_table_add_int(nt, net->vlan);
                ports_to_string(net->vm_ports, net->n_vm_ports, &s);
                table_add_cell(nt)->text = ds_steal_cstr(&s);
                ports_to_string(br->trunks, br->n_trunks, &s);
                table_add_cell(nt)->text = ds_steal_cstr(&s);
            }
        }
    }

    table_init(rt);
    table_set_caption(rt, xstrdup("Virtual routers"));
    table_add_column(rt, "router");
    table_add_column(rt, "bridge");
    table_add_column(rt, "id");
    table_add_column(rt, "interfaces");
    table_add_column(rt, "routes");
    table_add_column(rt, "neighbors");
    table_add_column(rt, "routed-pkts");
    table_add_column(rt, "to-vm-pkts");
    table_add_column(rt, "status");
    table_add_column(rt, "client");
    for (size_t i = 0; i < n_r; i++) {
        r = xf_router_find(routers[i]);
        struct xf_router_stats stats = router_stats(r);
        struct ds s = DS_EMPTY_INITIALIZER;

        table_add_row(rt);
        xf_table_add_text(rt, r->name);
        xf_table_add_text(rt, r->bridge);
        xf_table_add_int(rt, r->id);
        for (size_t j = 0; j < r->n_ifaces; j++) {
            ds_put_format(&s, "%s%s", j ? "," : "", r->ifaces[j].name);
        }
        table_add_cell(rt)->text = ds_steal_cstr(&s);
        table_add_cell(rt)->text = xasprintf(
            "%"PRIuSIZE"/%"PRIuSIZE, r->n_routes_installed,
            hmap_count(&r->rib.routes));
        table_add_cell(rt)->text = xasprintf(
            "%"PRIuSIZE"/%"PRIuSIZE, r->n_neighs_installed,
            hmap_count(&r->rib.neighs));
        xf_table_add_int(rt, stats.routed_packets);
        xf_table_add_int(rt, stats.slowpath_packets);
        xf_table_add_text(rt, router_status(r));
        table_add_cell(rt)->text = xf_server_router_state(r->name);
    }
    free(bridges);
    free(routers);
    sset_destroy(&br_names);
    sset_destroy(&r_names);
}

static struct json *
show_json(void)
{
    struct json *bridges = json_array_create_empty();
    struct json *networks = json_array_create_empty();
    struct json *routers = json_array_create_empty();
    const struct xf_bridge *br;
    const struct xf_router *r;

    HMAP_FOR_EACH (br, node, &xf_bridges) {
        struct json *o = json_object_create();
        json_object_put_string(o, "name", br->name);
        json_object_put_string(o, "datapath_type", br->datapath_type);
        json_object_put_string(o, "state", bridge_state(br));
        json_object_put(o, "flows",
                        json_integer_create(xf_flowsync_count(br->flows)));
        json_object_put(o, "pending",
                        json_integer_create(xf_flowsync_pending(br->flows)));
        json_object_put(o, "flow_errors",
                        json_integer_create(xf_flowsync_errors(br->flows)));
        json_array_add(bridges, o);

        const struct xf_network *net;
        HMAP_FOR_EACH (net, node, &br->networks) {
            struct json *n = json_object_create();
            struct json *ports = json_array_create_empty();
            json_object_put_string(n, "bridge", br->name);
            json_object_put_string(n, "name", net->name);
            json_object_put(n, "vlan", json_integer_create(net->vlan));
            for (size_t i = 0; i < net->n_vm_ports; i++) {
                json_array_add(ports,
                               json_string_create(net->vm_ports[i].name));
            }
            json_object_put(n, "vm_ports", ports);
            json_array_add(networks, n);
        }
    }
    HMAP_FOR_EACH (r, node, &xf_routers) {
        struct xf_router_stats stats = router_stats(r);
        struct json *o = json_object_create();
        struct json *ifaces = json_array_create_empty();
        json_object_put_string(o, "name", r->name);
        json_object_put_string(o, "bridge", r->bridge);
        json_object_put(o, "id", json_integer_create(r->id));
        for (size_t i = 0; i < r->n_ifaces; i++) {
            const struct xf_iface *iface = &r->ifaces[i];
            struct json *io = json_object_create();
            json_object_put_string(io, "name", iface->name);
            json_object_put_format(io, "mac", ETH_ADDR_FMT,
                                   ETH_ADDR_ARGS(iface->mac));
            json_object_put_string(io, "network", iface->network);
            json_object_put(io, "ofport", json_integer_create(
                                ofp_to_u16(iface->ofport)));
            json_array_add(ifaces, io);
        }
        json_object_put(o, "interfaces", ifaces);
        json_object_put(o, "routes",
                        json_integer_create(hmap_count(&r->rib.routes)));
        json_object_put(o, "routes_installed",
                        json_integer_create(r->n_routes_installed));
        json_object_put(o, "neighbors",
                        json_integer_create(hmap_count(&r->rib.neighs)));
        json_object_put(o, "neighbors_installed",
                        json_integer_create(r->n_neighs_installed));
        json_object_put(o, "max_routes",
                        json_integer_create(r->limits.max_routes));
        json_object_put(o, "max_neighbors",
                        json_integer_create(r->limits.max_neighbors));
        json_object_put(o, "max_flows",
                        json_integer_create(r->limits.max_flows));
        json_object_put(o, "routed_packets",
                        json_integer_create(stats.routed_packets));
        json_object_put(o, "to_vm_packets",
                        json_integer_create(stats.slowpath_packets));
        json_object_put(o, "route_updates",
                        json_integer_create(r->n_route_updates));
        json_object_put(o, "neighbor_updates",
                        json_integer_create(r->n_neigh_updates));
        json_object_put(o, "rejected", json_integer_create(r->n_rejected));
        json_object_put_string(o, "status", router_status(r));
        json_object_put(o, "client", json_string_create_nocopy(
                            xf_server_router_state(r->name)));
        json_array_add(routers, o);
    }

    struct json *errors_json = json_array_create_empty();
    const char **errors = sset_sort(&conf_errors);
    for (size_t i = 0; i < sset_count(&conf_errors); i++) {
        json_array_add(errors_json, json_string_create(errors[i]));
    }
    free(errors);

    char *upstream = upstream_version();
    struct json *obj = json_object_create();
    json_object_put_string(obj, "version", xf_version());
    json_object_put_string(obj, "openvswitch", upstream);
    json_object_put(obj, "bridges", bridges);
    json_object_put(obj, "networks", networks);
    json_object_put(obj, "routers", routers);
    json_object_put(obj, "config_errors", errors_json);
    free(upstream);
    return obj;
}

/* Appends 'table' to 's' after a blank line, or 'if_empty' if it has no
 * rows.  Destroys 'table'. */
static void
append_table(struct ds *s, struct table *table, const char *if_empty)
{
    struct table_style style = TABLE_STYLE_DEFAULT;

    style.format = TF_TABLE;
    if (table->n_rows) {
        if (s->length) {
            ds_put_char(s, '\n');
        }
        table_format_reset();
        table_format(table, &style, s);
    } else if (if_empty) {
        ds_put_format(s, "\n%s", if_empty);
    }
    table_destroy(table);
}

static void
cmd_show(struct unixctl_conn *conn, int argc, const char *argv[],
         void *aux OVS_UNUSED)
{
    bool json = xf_appctl_take_json(&argc, argv);

    if (argc > 1) {
        xf_appctl_reply_error(conn, "%s: unknown argument \"%s\" (usage: %s [--json])",
                    argv[0], argv[1], argv[0]);
        return;
    } else if (json) {
        xf_appctl_reply_json(conn, show_json());
        return;
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    char *upstream = upstream_version();
    ds_put_format(&s, "XenFlow %s (Open vSwitch %s)\n",
                  xf_version(), upstream);
    free(upstream);

    if (hmap_is_empty(&xf_bridges)) {
        ds_put_cstr(&s, "\nXenFlow is not enabled on any bridge "
                    "(ovs-vsctl set Bridge BRIDGE "
                    "other_config:" XF_KEY_ENABLE "=true).\n");
    }

    struct table bt, nt, rt;
    show_tables(&bt, &nt, &rt);
    append_table(&s, &bt, NULL);
    append_table(&s, &nt, "Virtual networks: none\n");
    append_table(&s, &rt, "Virtual routers: none\n");

    if (!sset_is_empty(&conf_errors)) {
        const char **errors = sset_sort(&conf_errors);

        ds_put_format(&s, "\nConfiguration problems (%"PRIuSIZE"):\n",
                      sset_count(&conf_errors));
        for (size_t i = 0; i < sset_count(&conf_errors); i++) {
            ds_put_format(&s, "  %s\n", errors[i]);
        }
        free(errors);
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* xenflow/latency [--clear] [--json]: how long flow changes took to reach
 * the switch, per bridge. */
static void
cmd_latency(struct unixctl_conn *conn, int argc, const char *argv[],
            void *aux OVS_UNUSED)
{
    bool json = xf_appctl_take_json(&argc, argv);
    bool clear = argc > 1 && !strcmp(argv[1], "--clear");

    if (argc > 1 && !clear) {
        xf_appctl_reply_error(conn, "%s: unknown argument \"%s\" (usage: %s [--clear] "
                    "[--json])", argv[0], argv[1], argv[0]);
        return;
    }

    struct table t;
    table_init(&t);
    table_add_column(&t, "bridge");
    table_add_column(&t, "samples");
    table_add_column(&t, "p50-us");
    table_add_column(&t, "p99-us");
    table_add_column(&t, "max-us");

    struct xf_bridge *br;
    HMAP_FOR_EACH (br, node, &xf_bridges) {
        struct xf_latency_stats stats;
        xf_flowsync_latency(br->flows, &stats);
        table_add_row(&t);
        xf_table_add_text(&t, br->name);
        xf_table_add_int(&t, stats.n);
        xf_table_add_int(&t, stats.p50);
        xf_table_add_int(&t, stats.p99);
        xf_table_add_int(&t, stats.max);
        if (clear) {
            xf_flowsync_latency_clear(br->flows);
        }
    }
    xf_appctl_reply_table(conn, &t, json);
}

/* xenflow/bulk [--json]: how bulk work shares the main thread
 * (xenflow/pace.h). */
static void
cmd_bulk(struct unixctl_conn *conn, int argc, const char *argv[],
         void *aux OVS_UNUSED)
{
    bool json = xf_appctl_take_json(&argc, argv);

    if (argc > 1) {
        xf_appctl_reply_error(conn, "%s: unknown argument \"%s\" (usage: %s "
                              "[--json])", argv[0], argv[1], argv[0]);
        return;
    }

    const struct xf_pace *pace = xf_bulk_pace();
    struct table t;
    table_init(&t);
    table_add_column(&t, "share-%%");
    table_add_column(&t, "slice-ms");
    table_add_column(&t, "slices");
    table_add_column(&t, "rests");
    table_add_column(&t, "rested-ms");
    table_add_column(&t, "state");
    table_add_row(&t);
    xf_table_add_int(&t, pace->share);
    xf_table_add_int(&t, XF_PACE_SLICE_MS);
    xf_table_add_int(&t, pace->n_slices);
    xf_table_add_int(&t, pace->n_rests);
    xf_table_add_int(&t, pace->rested_us / 1000);
    xf_table_add_text(&t, xf_bulk_resting() ? "resting" : "free");
    xf_appctl_reply_table(conn, &t, json);
}

/* xenflow/resync [BRIDGE]: pushes every XenFlow flow and group of BRIDGE
 * (default: all) to the switch again, e.g. after someone deleted them with
 * "ovs-ofctl del-flows".  Unchanged flows are rewritten in place, so
 * traffic is not disturbed. */
static void
cmd_resync(struct unixctl_conn *conn, int argc, const char *argv[],
           void *aux OVS_UNUSED)
{
    struct xf_bridge *br;
    size_t n = 0;

    if (argc > 1 && !xf_bridge_find(&xf_bridges, argv[1])) {
        xf_appctl_reply_error(conn, "%s: XenFlow is not enabled on a bridge "
                              "named \"%s\" (see xenflow/show)", argv[0],
                              argv[1]);
        return;
    }
    HMAP_FOR_EACH (br, node, &xf_bridges) {
        if (argc < 2 || !strcmp(br->name, argv[1])) {
            xf_flowsync_resync(br->flows);
            n += xf_flowsync_count(br->flows);
        }
    }
    char *msg = xasprintf("%"PRIuSIZE" flows queued for reinstallation\n", n);
    unixctl_command_reply(conn, msg);
    free(msg);
}

static void
register_commands(void)
{
    unixctl_command_register("xenflow/latency", "[--clear] [--json]", 0, 2,
                             cmd_latency, NULL);
    unixctl_command_register("xenflow/bulk", "[--json]", 0, 1, cmd_bulk,
                             NULL);
    unixctl_command_register("xenflow/version", "[--json]", 0, 1,
                             cmd_version, NULL);
    unixctl_command_register("xenflow/show", "[--json]", 0, 1,
                             cmd_show, NULL);
    unixctl_command_register("xenflow/route-add",
                             "ROUTER PREFIX [via GATEWAY] [dev INTERFACE]...",
                             3, 2 + 4 * XF_MAX_NEXTHOPS, cmd_route_add, NULL);
    unixctl_command_register("xenflow/route-del", "ROUTER PREFIX", 2, 2,
                             cmd_route_del, NULL);
    unixctl_command_register("xenflow/neigh-add",
                             "ROUTER ADDRESS MAC [dev INTERFACE]", 3, 5,
                             cmd_neigh_add, NULL);
    unixctl_command_register("xenflow/neigh-del",
                             "ROUTER ADDRESS [dev INTERFACE]", 2, 4,
                             cmd_neigh_del, NULL);
    unixctl_command_register("xenflow/load", "ROUTER FILE [--replace]", 2, 3,
                             cmd_load, NULL);
    unixctl_command_register("xenflow/routes", "ROUTER [PREFIX] [--json]",
                             1, 3, cmd_routes, NULL);
    unixctl_command_register("xenflow/neighbors", "ROUTER [--json]", 1, 2,
                             cmd_neighbors, NULL);
    unixctl_command_register("xenflow/flows", "ROUTER [--json]", 1, 2,
                             cmd_flows, NULL);
    unixctl_command_register("xenflow/resync", "[BRIDGE]", 0, 1,
                             cmd_resync, NULL);
    xf_server_register_commands();
    xf_qos_register_commands();
    xf_migrate_register_commands();
}
