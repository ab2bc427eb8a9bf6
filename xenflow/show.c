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

/* What XenFlow shows (show.h).  Every command replies with a readable table
 * or, with --json, the same rows for tools. */

#include <config.h>

#include "xenflow/show.h"

#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "packets.h"
#include "sset.h"
#include "svec.h"
#include "table.h"
#include "unixctl.h"
#include "util.h"
#include "xenflow/appctl.h"
#include "xenflow/bridges.h"
#include "xenflow/conf.h"
#include "xenflow/flowsync.h"
#include "xenflow/load.h"
#include "xenflow/model.h"
#include "xenflow/pace.h"
#include "xenflow/rib.h"
#include "xenflow/router-cmd.h"
#include "xenflow/router.h"
#include "xenflow/routers.h"
#include "xenflow/server.h"

/* The Open vSwitch release XenFlow is built on, i.e. VERSION without our
 * "+xenflowN" suffix. */
static char *
upstream_version(void)
{
    return xmemdup0(VERSION, strcspn(VERSION, "+"));
}

static char *
version_line(void)
{
    char *upstream = upstream_version();
    char *s = xasprintf("XenFlow %s (Open vSwitch %s)\n", xf_version(),
                        upstream);
    free(upstream);
    return s;
}

static void
cmd_version(struct unixctl_conn *conn, int argc, const char *argv[],
            void *aux OVS_UNUSED)
{
    bool json = xf_appctl_take_json(&argc, argv);

    if (xf_appctl_refuse_extra(conn, argc, argv, 1, "[--json]")) {
        return;
    } else if (json) {
        struct json *obj = json_object_create();
        json_object_put_string(obj, "xenflow", xf_version());
        json_object_put(obj, "openvswitch",
                        json_string_create_nocopy(upstream_version()));
        xf_appctl_reply_json(conn, obj);
    } else {
        char *s = version_line();
        unixctl_command_reply(conn, s);
        free(s);
    }
}

/* xenflow/show: the rows, in the order both formats print them. */

static int
compare_bridges(const void *a_, const void *b_)
{
    const struct xf_bridge *const *a = a_;
    const struct xf_bridge *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

static int
compare_routers(const void *a_, const void *b_)
{
    const struct xf_router *const *a = a_;
    const struct xf_router *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

static int
compare_networks(const void *a_, const void *b_)
{
    const struct xf_network *const *a = a_;
    const struct xf_network *const *b = b_;
    return (*a)->id < (*b)->id ? -1 : (*a)->id > (*b)->id;
}

/* Returns the elements of 'map' (an hmap of structures whose 'hmap_node'
 * is at 'offset'), sorted with 'compare', in '*n' pointers. */
static const void **
sorted(const struct hmap *map, size_t offset,
       int (*compare)(const void *, const void *), size_t *n)
{
    const void **v = xmalloc(MAX(hmap_count(map), 1) * sizeof *v);
    *n = 0;
    for (const struct hmap_node *node = hmap_first(map); node;
         node = hmap_next(map, node)) {
        v[(*n)++] = (const char *) node - offset;
    }
    if (*n) {
        qsort(v, *n, sizeof *v, compare);
    }
    return v;
}

#define SORTED(MAP, TYPE, COMPARE, N)                                   \
    ((const TYPE **) sorted(MAP, offsetof(TYPE, node), COMPARE, N))

/* What xenflow/show says of one router, computed once for both formats. */
struct router_view {
    struct xf_router_stats stats;
    const char *status;
    char *client;
};

static void
router_view_init(struct router_view *v, const struct xf_router *r)
{
    v->stats = xf_router_stats(r);
    v->status = xf_router_over_limit(r) ? "over-limit" : "ok";
    v->client = xf_server_router_state(r->name);
}

static const char *
bridge_state(const struct xf_bridge *br)
{
    return xf_ofproto_exists(br->name) ? "active" : "no-datapath";
}

static size_t
bridge_router_count(const struct xf_bridge *br)
{
    const struct xf_router *r;
    size_t n = 0;

    XF_ROUTER_FOR_EACH (r) {
        n += !strcmp(r->bridge, br->name);
    }
    return n;
}

static char *
ports_to_string(const struct xf_port *ports, size_t n)
{
    struct svec names = SVEC_EMPTY_INITIALIZER;

    for (size_t i = 0; i < n; i++) {
        svec_add(&names, ports[i].name);
    }
    svec_sort(&names);
    char *s = n ? svec_join(&names, ",", "") : xstrdup("-");
    svec_destroy(&names);
    return s;
}

static void
show_table_columns(struct table *bt, struct table *nt, struct table *rt)
{
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
    table_add_column(nt, "id");
    table_add_column(nt, "vm-ports");
    table_add_column(nt, "trunks");

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
}

static void
bridge_row(const struct xf_bridge *br, struct table *t, struct json *array)
{
    if (t) {
        table_add_row(t);
        xf_table_add_text(t, br->name);
        xf_table_add_text(t, br->datapath_type);
        xf_table_add_text(t, bridge_state(br));
        xf_table_add_int(t, hmap_count(&br->networks));
        xf_table_add_int(t, bridge_router_count(br));
        xf_table_add_int(t, xf_flowsync_count(br->flows));
        xf_table_add_int(t, xf_flowsync_pending(br->flows));
    } else {
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
        json_array_add(array, o);
    }
}

static void
network_row(const struct xf_bridge *br, const struct xf_network *net,
            struct table *t, struct json *array)
{
    if (t) {
        table_add_row(t);
        xf_table_add_text(t, br->name);
        xf_table_add_text(t, net->name);
        xf_table_add_int(t, net->id);
        table_add_cell(t)->text = ports_to_string(net->vm_ports,
                                                  net->n_vm_ports);
        table_add_cell(t)->text = ports_to_string(br->trunks, br->n_trunks);
    } else {
        struct json *n = json_object_create();
        struct json *ports = json_array_create_empty();
        json_object_put_string(n, "bridge", br->name);
        json_object_put_string(n, "name", net->name);
        json_object_put(n, "id", json_integer_create(net->id));
        for (size_t i = 0; i < net->n_vm_ports; i++) {
            json_array_add(ports, json_string_create(net->vm_ports[i].name));
        }
        json_object_put(n, "vm_ports", ports);
        json_array_add(array, n);
    }
}

static void
put_uint(struct json *o, const char *name, unsigned long long int value)
{
    json_object_put(o, name, json_integer_create(value));
}

static struct json *
router_json(const struct xf_router *r, struct router_view *v)
{
    struct json *o = json_object_create();
    struct json *ifaces = json_array_create_empty();

    json_object_put_string(o, "name", r->name);
    json_object_put_string(o, "bridge", r->bridge);
    put_uint(o, "id", r->id);
    for (size_t i = 0; i < r->n_ifaces; i++) {
        const struct xf_iface *iface = &r->ifaces[i];
        struct json *io = json_object_create();
        json_object_put_string(io, "name", iface->name);
        json_object_put_format(io, "mac", ETH_ADDR_FMT,
                               ETH_ADDR_ARGS(iface->mac));
        json_object_put_string(io, "network", iface->network);
        put_uint(io, "ofport", ofp_to_u16(iface->ofport));
        json_array_add(ifaces, io);
    }
    json_object_put(o, "interfaces", ifaces);
    put_uint(o, "routes", hmap_count(&r->rib.routes));
    put_uint(o, "routes_installed", r->n_routes_offloaded);
    put_uint(o, "neighbors", hmap_count(&r->rib.neighs));
    put_uint(o, "neighbors_installed", r->n_neighs_offloaded);
    put_uint(o, "flows_pending", xf_router_flows_pending(r));
    put_uint(o, "max_routes", r->limits.max_routes);
    put_uint(o, "max_neighbors", r->limits.max_neighbors);
    put_uint(o, "max_flows", r->limits.max_flows);
    put_uint(o, "flow_count", v->stats.flows);
    put_uint(o, "flows_pending", v->stats.flows_pending);
    put_uint(o, "routed_packets", v->stats.routed_packets);
    put_uint(o, "to_vm_packets", v->stats.slowpath_packets);
    put_uint(o, "route_updates", r->n_route_updates);
    put_uint(o, "neighbor_updates", r->n_neigh_updates);
    put_uint(o, "rejected", r->n_rejected);
    json_object_put_string(o, "status", v->status);
    json_object_put(o, "client", json_string_create_nocopy(v->client));
    v->client = NULL;
    return o;
}

static void
router_row(const struct xf_router *r, struct table *t, struct json *array)
{
    struct router_view v;

    router_view_init(&v, r);
    if (t) {
        struct ds s = DS_EMPTY_INITIALIZER;

        table_add_row(t);
        xf_table_add_text(t, r->name);
        xf_table_add_text(t, r->bridge);
        xf_table_add_int(t, r->id);
        for (size_t j = 0; j < r->n_ifaces; j++) {
            ds_put_format(&s, "%s%s", j ? "," : "", r->ifaces[j].name);
        }
        table_add_cell(t)->text = ds_steal_cstr(&s);
        table_add_cell(t)->text = xasprintf(
            "%"PRIuSIZE"/%"PRIuSIZE, r->n_routes_offloaded,
            hmap_count(&r->rib.routes));
        table_add_cell(t)->text = xasprintf(
            "%"PRIuSIZE"/%"PRIuSIZE, r->n_neighs_offloaded,
            hmap_count(&r->rib.neighs));
        xf_table_add_int(t, v.stats.routed_packets);
        xf_table_add_int(t, v.stats.slowpath_packets);
        xf_table_add_text(t, v.status);
        table_add_cell(t)->text = v.client;
    } else {
        json_array_add(array, router_json(r, &v));
    }
}

/* Adds every bridge, network and router to the tables 'bt', 'nt', 'rt', or
 * (if 'bt' is NULL) to the JSON arrays 'bj', 'nj', 'rj'. */
static void
show_rows(struct table *bt, struct table *nt, struct table *rt,
          struct json *bj, struct json *nj, struct json *rj)
{
    size_t n_br, n_r;
    const struct xf_bridge **bridges = SORTED(xf_bridges_map(),
                                              struct xf_bridge,
                                              compare_bridges, &n_br);
    for (size_t i = 0; i < n_br; i++) {
        const struct xf_bridge *br = bridges[i];
        bridge_row(br, bt, bj);

        size_t n_net;
        const struct xf_network **nets = SORTED(&br->networks,
                                                struct xf_network,
                                                compare_networks, &n_net);
        for (size_t j = 0; j < n_net; j++) {
            network_row(br, nets[j], nt, nj);
        }
        free(nets);
    }
    free(bridges);

    const struct xf_router **routers = SORTED(xf_routers_map(),
                                              struct xf_router,
                                              compare_routers, &n_r);
    for (size_t i = 0; i < n_r; i++) {
        router_row(routers[i], rt, rj);
    }
    free(routers);
}

static struct json *
show_json(void)
{
    struct json *bridges = json_array_create_empty();
    struct json *networks = json_array_create_empty();
    struct json *routers = json_array_create_empty();
    const struct sset *problems = xf_conf_problems();

    show_rows(NULL, NULL, NULL, bridges, networks, routers);

    struct json *errors_json = json_array_create_empty();
    const char **errors = sset_sort(problems);
    for (size_t i = 0; i < sset_count(problems); i++) {
        json_array_add(errors_json, json_string_create(errors[i]));
    }
    free(errors);

    struct json *obj = json_object_create();
    json_object_put_string(obj, "version", xf_version());
    json_object_put(obj, "openvswitch",
                    json_string_create_nocopy(upstream_version()));
    json_object_put(obj, "bridges", bridges);
    json_object_put(obj, "networks", networks);
    json_object_put(obj, "routers", routers);
    json_object_put(obj, "config_errors", errors_json);
    json_object_put(obj, "load", xf_load_progress_json());
    return obj;
}

/* Appends 'table' to 's' after a blank line, or 'if_empty' if it has no
 * rows.  Destroys 'table'. */
static void
append_table(struct ds *s, struct table *table, const char *if_empty)
{
    if (table->n_rows ? s->length != 0 : if_empty != NULL) {
        ds_put_char(s, '\n');
    }
    xf_appctl_put_table(s, table, if_empty);
}

static void
cmd_show(struct unixctl_conn *conn, int argc, const char *argv[],
         void *aux OVS_UNUSED)
{
    bool json = xf_appctl_take_json(&argc, argv);

    if (xf_appctl_refuse_extra(conn, argc, argv, 1, "[--json]")) {
        return;
    } else if (json) {
        xf_appctl_reply_json(conn, show_json());
        return;
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_and_free_cstr(&s, version_line());
    if (hmap_is_empty(xf_bridges_map())) {
        ds_put_cstr(&s, "\nXenFlow is not enabled on any bridge "
                    "(ovs-vsctl set Bridge BRIDGE "
                    "other_config:" XF_KEY_ENABLE "=true).\n");
    }

    struct table bt, nt, rt;
    show_table_columns(&bt, &nt, &rt);
    show_rows(&bt, &nt, &rt, NULL, NULL, NULL);
    append_table(&s, &bt, NULL);
    append_table(&s, &nt, "Virtual networks: none\n");
    append_table(&s, &rt, "Virtual routers: none\n");

    /* A long xenflow/load's progress. */
    if (xf_load_busy()) {
        ds_put_char(&s, '\n');
        xf_load_put_progress(&s);
    }

    const struct sset *problems = xf_conf_problems();
    if (!sset_is_empty(problems)) {
        const char **errors = sset_sort(problems);

        ds_put_format(&s, "\nConfiguration problems (%"PRIuSIZE"):\n",
                      sset_count(problems));
        for (size_t i = 0; i < sset_count(problems); i++) {
            ds_put_format(&s, "  %s\n", errors[i]);
        }
        free(errors);
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* xenflow/routes, xenflow/neighbors, xenflow/flows: one router's tables. */

static int
compare_routes(const void *a_, const void *b_)
{
    const struct xf_route *const *a = a_;
    const struct xf_route *const *b = b_;
    struct xf_prefix pa = xf_route_prefix(*a);
    struct xf_prefix pb = xf_route_prefix(*b);
    int cmp = memcmp(&pa.addr, &pb.addr, sizeof pa.addr);
    return cmp ? cmp : (int) pa.plen - (int) pb.plen;
}

static const char *
offloaded_text(bool offloaded)
{
    return offloaded ? "yes" : "no (over limit)";
}

static void
route_row(struct table *t, const struct xf_route *route)
{
    struct xf_prefix prefix = xf_route_prefix(route);
    struct ds s = DS_EMPTY_INITIALIZER;
    xf_prefix_format(&prefix, &s);
    table_add_row(t);
    table_add_cell(t)->text = ds_steal_cstr(&s);

    /* ECMP next hops are listed comma-separated, in the same order in both
     * columns. */
    struct ds via = DS_EMPTY_INITIALIZER;
    struct ds dev = DS_EMPTY_INITIALIZER;
    for (size_t j = 0; j < route->n_nexthops; j++) {
        const struct xf_nexthop *nh = &route->nexthops[j];
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
    table_add_cell(t)->text = ds_steal_cstr(&via);
    table_add_cell(t)->text = ds_steal_cstr(&dev);
    xf_table_add_text(t, offloaded_text(route->offloaded));
}

/* xenflow/routes ROUTER [PREFIX] [--json].  "installed" says whether a
 * route is offloaded to the switch (within the router's limits). */
static void
cmd_routes(struct unixctl_conn *conn, int argc, const char *argv[],
           void *aux OVS_UNUSED)
{
    bool json = xf_appctl_take_json(&argc, argv);
    struct xf_router *r = xf_router_cmd_lookup(conn, argc, argv);
    if (!r) {
        return;
    }

    /* With a PREFIX, just that route: a cheap query, even with a million
     * routes, for scripts that wait for one change. */
    size_t n = 0;
    const struct xf_route **routes;
    if (argc > 2) {
        struct xf_prefix prefix;
        char *error = xf_prefix_parse(argv[2], false, &prefix);
        if (error) {
            xf_appctl_reply_error(conn, "%s: %s", argv[0], error);
            free(error);
            return;
        }
        const struct xf_route *route = xf_rib_route_find(&r->rib, &prefix);
        routes = xmalloc(sizeof *routes);
        if (route) {
            routes[n++] = route;
        }
    } else {
        routes = SORTED(&r->rib.routes, struct xf_route, compare_routes, &n);
    }

    struct table t;
    table_init(&t);
    table_add_column(&t, "prefix");
    table_add_column(&t, "via");
    table_add_column(&t, "dev");
    table_add_column(&t, "installed");
    for (size_t i = 0; i < n; i++) {
        route_row(&t, routes[i]);
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
    struct xf_router *r = xf_router_cmd_lookup(conn, argc, argv);
    if (!r) {
        return;
    }

    size_t n;
    const struct xf_neigh **neighs = SORTED(&r->rib.neighs, struct xf_neigh,
                                            compare_neighs, &n);
    struct table t;
    table_init(&t);
    table_add_column(&t, "address");
    table_add_column(&t, "mac");
    table_add_column(&t, "dev");
    table_add_column(&t, "installed");
    for (size_t i = 0; i < n; i++) {
        table_add_row(&t);
        xf_table_add_addr(&t, &neighs[i]->ip);
        table_add_cell(&t)->text = xasprintf(ETH_ADDR_FMT,
                                             ETH_ADDR_ARGS(neighs[i]->mac));
        xf_table_add_text(&t, neighs[i]->dev);
        xf_table_add_text(&t, offloaded_text(neighs[i]->offloaded));
    }
    free(neighs);
    xf_appctl_reply_table(conn, &t, json);
}

/* xenflow/flows ROUTER [--json].  "installed" says whether a flow is in
 * ofproto yet ("pending": queued). */
static void
cmd_flows(struct unixctl_conn *conn, int argc, const char *argv[],
          void *aux OVS_UNUSED)
{
    bool json = xf_appctl_take_json(&argc, argv);
    struct xf_router *r = xf_router_cmd_lookup(conn, argc, argv);
    if (!r) {
        return;
    }
    struct xf_flowsync *fs = xf_bridge_flows(r->bridge);
    struct xf_flow_info *infos = NULL;
    size_t n = (fs ? xf_flowsync_collect(fs, r->id, XF_FLOW_KINDS_ROUTER,
                                         &infos) : 0);

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

/* xenflow/latency [--clear] [--json]: how long flow changes took to reach
 * the switch, per bridge. */
static void
cmd_latency(struct unixctl_conn *conn, int argc, const char *argv[],
            void *aux OVS_UNUSED)
{
    bool json = xf_appctl_take_json(&argc, argv);
    bool clear = argc > 1 && !strcmp(argv[1], "--clear");

    if (xf_appctl_refuse_extra(conn, argc, argv, 1 + clear,
                               "[--clear] [--json]")) {
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
    XF_BRIDGE_FOR_EACH (br) {
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

    if (xf_appctl_refuse_extra(conn, argc, argv, 1, "[--json]")) {
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
    table_add_column(&t, "share-of");
    table_add_row(&t);
    xf_table_add_int(&t, pace->share);
    xf_table_add_int(&t, XF_PACE_SLICE_MS);
    xf_table_add_int(&t, pace->n_slices);
    xf_table_add_int(&t, pace->n_rests);
    xf_table_add_int(&t, pace->rested_us / 1000);
    xf_table_add_text(&t, xf_bulk_resting() ? "resting" : "free");
    xf_table_add_text(&t, (xf_bulk_restoring() ? "xenflow-restore-share"
                           : "xenflow-bulk-share"));
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

    if (argc > 1 && !xf_bridge_find(argv[1])) {
        xf_appctl_reply_error(conn, "%s: XenFlow is not enabled on a bridge "
                              "named \"%s\" (see xenflow/show)", argv[0],
                              argv[1]);
        return;
    }
    XF_BRIDGE_FOR_EACH (br) {
        if (argc < 2 || !strcmp(br->name, argv[1])) {
            xf_flowsync_resync(br->flows);
            n += xf_flowsync_count(br->flows);
        }
    }
    char *msg = xasprintf("%"PRIuSIZE" flows queued for reinstallation\n", n);
    unixctl_command_reply(conn, msg);
    free(msg);
}

void
xf_show_register(void)
{
    unixctl_command_register("xenflow/latency", "[--clear] [--json]", 0, 2,
                             cmd_latency, NULL);
    unixctl_command_register("xenflow/bulk", "[--json]", 0, 1, cmd_bulk,
                             NULL);
    unixctl_command_register("xenflow/version", "[--json]", 0, 1,
                             cmd_version, NULL);
    unixctl_command_register("xenflow/show", "[--json]", 0, 1,
                             cmd_show, NULL);
    unixctl_command_register("xenflow/routes", "ROUTER [PREFIX] [--json]",
                             1, 3, cmd_routes, NULL);
    unixctl_command_register("xenflow/neighbors", "ROUTER [--json]", 1, 2,
                             cmd_neighbors, NULL);
    unixctl_command_register("xenflow/flows", "ROUTER [--json]", 1, 2,
                             cmd_flows, NULL);
    unixctl_command_register("xenflow/resync", "[BRIDGE]", 0, 1,
                             cmd_resync, NULL);
}
