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


/* xenflow-ctl show: the fleet as a tree, nodes -> their trunks and routers
 * -> each router's interfaces, with what the agents report next to what
 * was asked; then the networks. */

#include <config.h>

#include <string.h>

#include "db-ctl-base.h"
#include "openvswitch/dynamic-string.h"
#include "svec.h"
#include "util.h"
#include "xenflow/fleet/ctl.h"
#include "xenflow/fleet/placement.h"
#include "xenflow/fleet/topology.h"

/* What is left undone of 'router', whose node's own report is 'own' (NULL
 * if none): its node's agent, which has reported, has not made it what
 * the row asks (an agent or libvirt that died in the middle, a migration
 * under way), and its unfinished migrations. */
static void
show_undone(struct ctl_context *ctx, const struct fleetrec_router *router,
            const struct fleetrec_router_state *own)
{
    const struct fleetrec_node *node = router->node;
    const struct fleetrec_migration *m;
    struct ds *out = &ctx->output;

    if (node->agent_state && strcmp(node->agent_state, "unknown")
        && !node->fenced && (!own || strcmp(own->state, router->state))) {
        ds_put_format(out, "        pending: %s on %s, ", router->state,
                      node->name);
        if (own) {
            ds_put_format(out, "which reports it %s\n", own->state);
        } else {
            ds_put_format(out, "which has not reported it\n");
        }
    }
    FLEETREC_MIGRATION_FOR_EACH (m, ctx->idl) {
        if (m->router == router && !m->result) {
            ds_put_format(out, "        migration from %s to %s: %s, "
                          "%"PRId64"%%, unfinished\n", m->source,
                          m->destination, m->phase, m->progress);
        }
    }
}

static void
show_router(struct ctl_context *ctx, const struct fleetrec_router *router)
{
    const struct fleetrec_router_state *rs;
    struct ds *out = &ctx->output;
    int vcpus, memory_mb;

    xf_ctl_router_size(router, &vcpus, &memory_mb);
    ds_put_format(out, "    Router %s: %s, %d vCPUs, %d MB", router->name,
                  router->state, vcpus, memory_mb);
    if (router->template_) {
        ds_put_format(out, ", template %s", router->template_->name);
    }
    if (router->n_cpu_weight) {
        ds_put_format(out, ", cpu weight %"PRId64, *router->cpu_weight);
    }
    if (router->n_cpu_cap) {
        ds_put_format(out, " cap %"PRId64"%%", *router->cpu_cap);
    }
    ds_put_char(out, '\n');

    const struct fleetrec_router_state *own = NULL;
    FLEETREC_ROUTER_STATE_FOR_EACH (rs, ctx->idl) {
        if (!strcmp(rs->name, router->name)
            && !strcmp(rs->node, router->node->name)) {
            own = rs;
        }
        if (!strcmp(rs->name, router->name)) {
            const char *client = smap_get(&rs->client, "state");
            const struct fleetrec_node *by = xf_ctl_node(ctx, rs->node,
                                                         false);

            ds_put_format(out, "        reported by %s: %s", rs->node,
                          rs->state);
            if (by && by->fenced) {
                /* Kept as the node last said, believed by nobody. */
                ds_put_format(out, " (stale: node %s is fenced)", by->name);
            }
            if (client) {
                ds_put_format(out, ", client %s", client);
            }
            if (rs->error) {
                ds_put_format(out, ", error: %s", rs->error);
            }
            ds_put_char(out, '\n');
        }
    }
    show_undone(ctx, router, own);

    struct svec ifaces = SVEC_EMPTY_INITIALIZER;
    for (size_t i = 0; i < router->n_interfaces; i++) {
        const struct fleetrec_router_interface *ri = router->interfaces[i];
        struct ds line = DS_EMPTY_INITIALIZER;

        ds_put_format(&line, "        Interface %s: network %s (%s "
                      "%"PRId64"), %s", ri->name, ri->network->name,
                      ri->network->vlan <= 4094 ? "VLAN" : "id",
                      ri->network->vlan, ri->mac);
        for (size_t j = 0; j < ri->n_addresses; j++) {
            ds_put_format(&line, " %s", ri->addresses[j]);
        }
        svec_add_nocopy(&ifaces, ds_steal_cstr(&line));
    }
    svec_sort(&ifaces);
    for (size_t i = 0; i < ifaces.n; i++) {
        ds_put_format(out, "%s\n", ifaces.names[i]);
    }
    svec_destroy(&ifaces);
}

/* What link probes found on 'link' (xenflow/fleet/topology.h), seen from
 * its end 'end' (0 or 1): its round trip, "not seen", or the peer that an
 * end sees instead of the declared one. */
static void
put_link_probes(struct ds *line, const struct fleetrec_link *link,
                const struct xf_topo_link *t, int end)
{
    for (int k = 0; k < 2; k++) {
        int i = k ? !end : end;
        if (t->peer[i]) {
            const struct fleetrec_node *n = i ? link->node2 : link->node1;
            ds_put_format(line, ", seen: %s:%s <-> %s, declared %s:%s",
                          n->name, i ? link->port2 : link->port1, t->peer[i],
                          (i ? link->node1 : link->node2)->name,
                          i ? link->port1 : link->port2);
        }
    }
    if (t->seen == 0) {
        ds_put_cstr(line, ", not seen");
    } else if (t->seen > 0 && t->latency_ms >= 0) {
        ds_put_format(line, ", RTT %.3f ms", t->latency_ms);
    }
}

/* Links that link probes found and no Link declares. */
static void
show_undeclared(struct ctl_context *ctx)
{
    struct xf_topo_edge *edges;
    size_t n = xf_topo_undeclared(ctx->idl, &edges);

    for (size_t i = 0; i < n; i++) {
        const struct xf_topo_edge *e = &edges[i];
        ds_put_format(&ctx->output, "Undeclared link: %s:%s <-> %s:%s%s\n",
                      e->node1, e->port1, e->node2, e->port2,
                      e->seen ? "" : ", not seen now");
    }
    xf_topo_edges_destroy(edges, n);
}

static void
show_node(struct ctl_context *ctx, const struct xf_place_node *pn)
{
    const struct fleetrec_node *node = xf_ctl_node(ctx, pn->name, true);
    const struct fleetrec_router *router;
    const struct fleetrec_link *link;
    struct svec lines = SVEC_EMPTY_INITIALIZER;
    struct ds *out = &ctx->output;
    const char *name;
    size_t i;

    ds_put_format(out, "Node %s: %d/%d vCPUs, %d/%d MB used, %s%s, power "
                  "%s, agent %s", node->name, pn->used_cpus, pn->cpus,
                  pn->used_memory_mb, pn->memory_mb, node->admin_state,
                  node->fenced ? ", fenced" : "", node->power,
                  node->agent_state ? node->agent_state : "unknown");
    long long int silence = (node->fenced ? -1
                             : xf_ctl_agent_silence(ctx, node));
    if (silence >= 0) {
        /* Its agent or the node died: what it reported is stale. */
        ds_put_format(out, " (silent for %lld s: stale)", silence);
    }
    if (node->error) {
        ds_put_format(out, ", error: %s", node->error);
    }
    ds_put_char(out, '\n');

    FLEETREC_LINK_FOR_EACH (link, ctx->idl) {
        bool first = link->node1 == node;
        const char *encap = smap_get(&link->options, "encap");
        if (encap && !strcmp(encap, "802.1q")) {
            encap = NULL;
        }
        if (first || link->node2 == node) {
            struct ds line = DS_EMPTY_INITIALIZER;
            struct xf_topo_link t;

            ds_put_format(&line, "    Trunk %s: link %s to %s port %s%s%s%s",
                          first ? link->port1 : link->port2, link->name,
                          (first ? link->node2 : link->node1)->name,
                          first ? link->port2 : link->port1,
                          link->trusted ? ", trusted" : "",
                          encap ? ", " : "", encap ? encap : "");
            xf_topo_link_read(link, &t);
            put_link_probes(&line, link, &t, first ? 0 : 1);
            xf_topo_link_destroy(&t);
            svec_add_nocopy(&lines, ds_steal_cstr(&line));
        }
    }
    svec_sort(&lines);
    SVEC_FOR_EACH (i, name, &lines) {
        ds_put_format(out, "%s\n", name);
    }
    svec_clear(&lines);

    FLEETREC_ROUTER_FOR_EACH (router, ctx->idl) {
        if (router->node == node) {
            svec_add(&lines, router->name);
        }
    }
    svec_sort(&lines);
    SVEC_FOR_EACH (i, name, &lines) {
        show_router(ctx, xf_ctl_router(ctx, name, true));
    }
    svec_destroy(&lines);
}

static void
cmd_show(struct ctl_context *ctx)
{
    const struct fleetrec_network *net;
    struct xf_ctl_model model;
    struct svec nets = SVEC_EMPTY_INITIALIZER;
    const char *name;
    size_t i;

    xf_ctl_fleet_model(ctx, &model, NULL, NULL, NULL);
    for (i = 0; i < model.n; i++) {
        show_node(ctx, &model.nodes[i]);
    }
    xf_ctl_fleet_model_destroy(&model);
    show_undeclared(ctx);

    FLEETREC_NETWORK_FOR_EACH (net, ctx->idl) {
        struct ds line = DS_EMPTY_INITIALIZER;
        struct svec links = SVEC_EMPTY_INITIALIZER;

        ds_put_format(&line, "Network %s: %s %"PRId64, net->name,
                      net->vlan <= 4094 ? "VLAN" : "id", net->vlan);
        for (size_t j = 0; j < net->n_addresses; j++) {
            ds_put_format(&line, " %s", net->addresses[j]);
        }
        for (size_t j = 0; j < net->n_links; j++) {
            svec_add(&links, net->links[j]->name);
        }
        svec_sort(&links);
        if (links.n) {
            char *list = svec_join(&links, ", ", "");
            ds_put_format(&line, ", links %s", list);
            free(list);
        }
        svec_destroy(&links);
        svec_add_nocopy(&nets, ds_steal_cstr(&line));
    }
    svec_sort(&nets);
    SVEC_FOR_EACH (i, name, &nets) {
        ds_put_format(&ctx->output, "%s\n", name);
    }
    svec_destroy(&nets);
}

static const struct ctl_command_syntax show_commands[] = {
    {"show", 0, 0, "", NULL, cmd_show, NULL, "", RO},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, RO},
};

void
xf_ctl_show_register(void)
{
    ctl_register_commands(show_commands);
}
