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
#include <config.h>

#include "xenflow/agent/fleet-json.h"

#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "openvswitch/json.h"
#include "smap.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/agent/gather-node.h"
#include "xenflow/agent/gather-switch.h"
#include "xenflow/fleet/fleet-idl.h"
#include "xenflow/fleet/topology.h"

static struct json *
json_smap(const struct smap *smap)
{
    struct json *o = json_object_create();
    struct smap_node *node;
    SMAP_FOR_EACH (node, smap) {
        json_object_put_string(o, node->key, node->value);
    }
    return o;
}

static void
put_opt_int(struct json *o, const char *key, const int64_t *x, size_t n)
{
    json_object_put(o, key, n ? json_integer_create(*x) : json_null_create());
}

static void
put_opt_string(struct json *o, const char *key, const char *s)
{
    json_object_put(o, key, s ? json_string_create(s) : json_null_create());
}

static struct json *
json_nodes(struct ovsdb_idl *idl)
{
    struct json *a = json_array_create_empty();
    const struct fleetrec_node *n;

    FLEETREC_NODE_FOR_EACH (n, idl) {
        struct json *o = json_object_create();
        json_object_put_string(o, "name", n->name);
        json_object_put_string(o, "management_address",
                               n->management_address);
        json_object_put(o, "cpus", json_integer_create(n->cpus));
        json_object_put(o, "memory_mb", json_integer_create(n->memory_mb));
        json_object_put_string(o, "admin_state", n->admin_state);
        json_object_put_string(o, "power", n->power);
        json_object_put(o, "fenced", json_boolean_create(n->fenced));
        put_opt_string(o, "agent_state", n->agent_state);
        put_opt_int(o, "last_seen", n->last_seen, n->n_last_seen);
        put_opt_string(o, "error", n->error);
        json_object_put(o, "status", json_smap(&n->status));
        json_array_add(a, o);
    }
    return a;
}

/* What the link probes of 'l''s two ends found (xenflow/fleet/topology.h):
 * "seen" (true, false, or null if no end reports), "latency_ms" (or
 * null), "discovered_peer" (null, or {"NODE:PORT": "NODE:PORT"} for each
 * end that sees another peer than the declared other end). */
static void
put_topology(struct json *o, const struct fleetrec_link *l)
{
    struct xf_topo_link t;

    xf_topo_link_read(l, &t);
    json_object_put(o, "seen", (t.seen < 0 ? json_null_create()
                                : json_boolean_create(t.seen)));
    json_object_put(o, "latency_ms", (t.latency_ms >= 0
                                      ? json_real_create(t.latency_ms)
                                      : json_null_create()));
    struct json *peers = NULL;
    for (int i = 0; i < 2; i++) {
        if (t.peer[i]) {
            char *end = xasprintf("%s:%s", (i ? l->node2 : l->node1)->name,
                                  i ? l->port2 : l->port1);
            if (!peers) {
                peers = json_object_create();
            }
            json_object_put_string(peers, end, t.peer[i]);
            free(end);
        }
    }
    json_object_put(o, "discovered_peer", peers ? peers : json_null_create());
    xf_topo_link_destroy(&t);
}

static struct json *
json_links(struct ovsdb_idl *idl)
{
    struct json *a = json_array_create_empty();
    const struct fleetrec_link *l;

    FLEETREC_LINK_FOR_EACH (l, idl) {
        struct json *o = json_object_create();
        json_object_put_string(o, "name", l->name);
        json_object_put_string(o, "node1", l->node1->name);
        json_object_put_string(o, "port1", l->port1);
        json_object_put_string(o, "node2", l->node2->name);
        json_object_put_string(o, "port2", l->port2);
        json_object_put(o, "trusted", json_boolean_create(l->trusted));
        put_topology(o, l);
        json_array_add(a, o);
    }
    return a;
}

/* Links that the nodes' link probes found and no Link declares. */
static struct json *
json_undeclared_links(struct ovsdb_idl *idl)
{
    struct json *a = json_array_create_empty();
    struct xf_topo_edge *edges;
    size_t n = xf_topo_undeclared(idl, &edges);

    for (size_t i = 0; i < n; i++) {
        const struct xf_topo_edge *e = &edges[i];
        struct json *o = json_object_create();
        json_object_put_string(o, "node1", e->node1);
        json_object_put_string(o, "port1", e->port1);
        json_object_put_string(o, "node2", e->node2);
        json_object_put_string(o, "port2", e->port2);
        json_object_put(o, "seen", json_boolean_create(e->seen));
        json_object_put(o, "latency_ms", (e->latency_ms >= 0
                                          ? json_real_create(e->latency_ms)
                                          : json_null_create()));
        json_array_add(a, o);
    }
    xf_topo_edges_destroy(edges, n);
    return a;
}

static struct json *
json_networks(struct ovsdb_idl *idl)
{
    struct json *a = json_array_create_empty();
    const struct fleetrec_network *net;

    FLEETREC_NETWORK_FOR_EACH (net, idl) {
        struct json *o = json_object_create();
        json_object_put_string(o, "name", net->name);
        json_object_put(o, "vlan", json_integer_create(net->vlan));
        struct json *links = json_array_create_empty();
        for (size_t i = 0; i < net->n_links; i++) {
            json_array_add(links, json_string_create(net->links[i]->name));
        }
        json_object_put(o, "links", links);
        json_array_add(a, o);
    }
    return a;
}

/* Each router's Router_State rows, as JSON arrays: router name -> struct
 * json * ("reported"), in one pass over the table. */
static void
json_router_states(struct ovsdb_idl *idl, struct shash *by_router)
{
    const struct fleetrec_router_state *rs;

    FLEETREC_ROUTER_STATE_FOR_EACH (rs, idl) {
        struct json *a = shash_find_data(by_router, rs->name);
        if (!a) {
            a = json_array_create_empty();
            shash_add(by_router, rs->name, a);
        }
        struct json *o = json_object_create();
        json_object_put_string(o, "node", rs->node);
        json_object_put_string(o, "state", rs->state);
        put_opt_string(o, "error", rs->error);
        put_opt_int(o, "updated", rs->updated, rs->n_updated);
        put_opt_int(o, "cpu_weight", rs->cpu_weight, rs->n_cpu_weight);
        put_opt_int(o, "cpu_cap", rs->cpu_cap, rs->n_cpu_cap);
        json_object_put(o, "client", json_smap(&rs->client));
        json_object_put(o, "status", json_smap(&rs->status));
        json_array_add(a, o);
    }
}

static struct json *
json_routers(struct ovsdb_idl *idl)
{
    struct json *a = json_array_create_empty();
    const struct fleetrec_router *r;
    struct shash states = SHASH_INITIALIZER(&states);

    json_router_states(idl, &states);
    FLEETREC_ROUTER_FOR_EACH (r, idl) {
        const struct fleetrec_template *t = r->template_;
        struct json *o = json_object_create();
        json_object_put_string(o, "name", r->name);
        json_object_put_string(o, "node", r->node->name);
        json_object_put_string(o, "state", r->state);
        json_object_put(o, "vcpus", json_integer_create(
                            r->n_vcpus ? *r->vcpus : t ? t->vcpus : 0));
        json_object_put(o, "memory_mb", json_integer_create(
                            r->n_memory_mb ? *r->memory_mb
                            : t ? t->memory_mb : 0));
        put_opt_int(o, "cpu_weight", r->cpu_weight, r->n_cpu_weight);
        put_opt_int(o, "cpu_cap", r->cpu_cap, r->n_cpu_cap);

        struct json *ifaces = json_array_create_empty();
        for (size_t i = 0; i < r->n_interfaces; i++) {
            const struct fleetrec_router_interface *ri = r->interfaces[i];
            struct json *io = json_object_create();
            json_object_put_string(io, "name", ri->name);
            json_object_put_string(io, "network", ri->network->name);
            json_object_put_string(io, "mac", ri->mac);
            struct json *addrs = json_array_create_empty();
            for (size_t j = 0; j < ri->n_addresses; j++) {
                json_array_add(addrs, json_string_create(ri->addresses[j]));
            }
            json_object_put(io, "addresses", addrs);
            json_array_add(ifaces, io);
        }
        json_object_put(o, "interfaces", ifaces);
        struct json *reported = shash_find_and_delete(&states, r->name);
        json_object_put(o, "reported",
                        reported ? reported : json_array_create_empty());
        json_array_add(a, o);
    }
    /* Rows of routers that are gone. */
    struct shash_node *node;
    SHASH_FOR_EACH (node, &states) {
        json_destroy(node->data);
    }
    shash_destroy(&states);
    return a;
}

static struct json *
json_node_stats(const struct xfa_node_stats *st)
{
    struct json *o = json_object_create();
    struct json *cpu = json_object_create();

    for (int m = 0; m < XFA_N_CPU_MODES; m++) {
        json_object_put(cpu, xfa_cpu_mode_name(m),
                        json_real_create(st->cpu_seconds[m]));
    }
    json_object_put(o, "cpu_seconds", cpu);
    json_object_put(o, "cpus", json_integer_create(st->n_cpus));
    json_object_put(o, "memory_total_bytes",
                    json_integer_create(st->mem_total));
    json_object_put(o, "memory_available_bytes",
                    json_integer_create(st->mem_available));
    return o;
}

static struct json *
json_sw_router(const struct xfa_sw_router *r)
{
    struct json *o = json_object_create();
    const struct {
        const char *key;
        unsigned long long x;
    } counts[] = {
        { "routes", r->routes },
        { "routes_installed", r->routes_installed },
        { "neighbors", r->neighbors },
        { "neighbors_installed", r->neighbors_installed },
        { "flows", r->flows },
        { "flows_pending", r->flows_pending },
        { "routed_packets", r->routed_packets },
        { "to_vm_packets", r->to_vm_packets },
        { "route_updates", r->route_updates },
        { "neighbor_updates", r->neighbor_updates },
        { "rejected", r->rejected },
    };
    for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
        json_object_put(o, counts[i].key, json_integer_create(counts[i].x));
    }
    char buf[32];
    json_object_put_string(o, "bridge", r->bridge);
    json_object_put_string(o, "client", r->client);
    json_object_put_string(o, "client_state",
                           xfa_sw_client_state(r->client, buf, sizeof buf));
    json_object_put_string(o, "status", r->status);
    struct json *nets = json_array_create_empty();
    for (size_t i = 0; i < r->networks.n; i++) {
        json_array_add(nets, json_string_create(r->networks.names[i]));
    }
    json_object_put(o, "networks", nets);

    const struct xfa_sw_migration *m = r->migration;
    struct json *mj = json_null_create();
    if (m) {
        json_destroy(mj);
        mj = json_object_create();
        json_object_put_string(mj, "direction", m->direction);
        json_object_put_string(mj, "peer", m->peer);
        json_object_put_string(mj, "phase", m->phase);
        json_object_put_string(mj, "result", m->result);
        json_object_put(mj, "elapsed_ms", json_integer_create(m->elapsed_ms));
    }
    json_object_put(o, "last_migration", mj);
    return o;
}

static struct json *
json_sw_queue(const struct xfa_sw_queue *q)
{
    struct json *o = json_object_create();
    json_object_put_string(o, "port", q->port);
    json_object_put(o, "queue", json_integer_create(q->id));
    json_object_put_string(o, "network", q->network);
    json_object_put_string(o, "mode", q->mode);
    json_object_put(o, "capacity", json_integer_create(q->capacity));
    json_object_put(o, "contract", json_integer_create(q->contract));
    json_object_put(o, "min", json_integer_create(q->min));
    json_object_put(o, "max", json_integer_create(q->max));
    json_object_put(o, "rate", json_integer_create(q->rate));
    json_object_put(o, "expected", json_integer_create(q->expected));
    json_object_put(o, "fitness", (q->fitness >= 0
                                   ? json_real_create(q->fitness)
                                   : json_null_create()));
    return o;
}

/* What this node's ovs-vswitchd said on the last good pass. */
static struct json *
json_switch(const char *node, const struct xfa_sw_figures *f,
            const struct xfa_sw_stats *st)
{
    struct json *o = json_object_create();
    json_object_put_string(o, "node", node);
    json_object_put(o, "stale", json_boolean_create(st->stale
                                                    || !st->n_passes));
    put_opt_string(o, "error", st->last_error);
    int64_t updated = st->last_ok;
    put_opt_int(o, "updated", &updated, st->last_ok != 0);

    struct json *routers = json_object_create();
    struct shash_node *sn;
    SHASH_FOR_EACH (sn, &f->routers) {
        json_object_put(routers, sn->name, json_sw_router(sn->data));
    }
    json_object_put(o, "routers", routers);
    struct json *queues = json_array_create_empty();
    for (size_t i = 0; i < f->n_queues; i++) {
        json_array_add(queues, json_sw_queue(&f->queues[i]));
    }
    json_object_put(o, "queues", queues);
    return o;
}

void
xfa_fleet_json(struct ovsdb_idl *idl, const char *node,
               const struct xfa_node_stats *stats,
               const struct xfa_sw_figures *sw,
               const struct xfa_sw_stats *sw_stats, bool actions,
               struct ds *s)
{
    struct json *o = json_object_create();

    json_object_put(o, "time", json_integer_create(time_wall_msec()));
    json_object_put_string(o, "served_by", node);
    json_object_put(o, "node_stats",
                    stats ? json_node_stats(stats) : json_null_create());
    json_object_put(o, "nodes", json_nodes(idl));
    json_object_put(o, "links", json_links(idl));
    json_object_put(o, "undeclared_links", json_undeclared_links(idl));
    json_object_put(o, "networks", json_networks(idl));
    json_object_put(o, "routers", json_routers(idl));
    json_object_put(o, "switch", (sw ? json_switch(node, sw, sw_stats)
                                  : json_null_create()));
    json_object_put(o, "actions", json_boolean_create(actions));
    json_to_ds(o, JSSF_SORT, s);
    json_destroy(o);
}
