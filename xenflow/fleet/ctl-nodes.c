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

/* xenflow-ctl's node and link commands: node-add, node-del, node-list,
 * node-set, link-add, link-del, link-list. */

#include <config.h>

#include <string.h>

#include "db-ctl-base.h"
#include "smap.h"
#include "openvswitch/dynamic-string.h"
#include "stream.h"
#include "svec.h"
#include "table.h"
#include "util.h"
#include "xenflow/encap.h"
#include "xenflow/fleet/channel.h"
#include "xenflow/fleet/ctl.h"
#include "xenflow/fleet/placement.h"

/* Everything a node row must satisfy beyond the schema, after node-add or
 * node-set changed it: addresses that parse and on which XenFlow can listen
 * (its agent would refuse them with the same message), a Wake-on-LAN MAC no
 * other node has, and a capacity its routers fit in. */
static bool
check_node(struct ctl_context *ctx, const struct fleetrec_node *node)
{
    const struct fleetrec_node *other;

    if (node->peer_address[0] && stream_verify_name(node->peer_address)) {
        ctl_error(ctx, "node %s: peer_address \"%s\" is not a connection "
                  "method (e.g. ssl:192.0.2.1:6650)", node->name,
                  node->peer_address);
        return false;
    }
    struct svec errors = SVEC_EMPTY_INITIALIZER;
    xf_channel_check_node(node->name, node->peer_address,
                          smap_get(&node->options, "peer-listen"),
                          smap_get(&node->options, "client-listen"),
                          smap_get(&node->options, "mover"), &errors);
    if (errors.n) {
        char *all = svec_join(&errors, "; ", "");
        ctl_error(ctx, "%s", all);
        free(all);
        svec_destroy(&errors);
        return false;
    }
    svec_destroy(&errors);
    if (node->wol_mac) {
        if (!xf_ctl_check_mac(ctx, "wol_mac", node->wol_mac)) {
            return false;
        }
        FLEETREC_NODE_FOR_EACH (other, ctx->idl) {
            if (other != node && other->wol_mac
                && !strcasecmp(other->wol_mac, node->wol_mac)) {
                ctl_error(ctx, "node %s: wol_mac %s is already node %s's",
                          node->name, node->wol_mac, other->name);
                return false;
            }
        }
    }

    struct xf_ctl_model model;
    bool ok = true;

    xf_ctl_fleet_model(ctx, &model, NULL, NULL, NULL);
    struct xf_place_node *pn = xf_ctl_model_node(&model, node->name);
    if (pn && (pn->used_cpus > pn->cpus
               || pn->used_memory_mb > pn->memory_mb)) {
        ctl_error(ctx, "node %s: its routers use %d vCPUs and %d MB, more "
                  "than %d vCPUs and %d MB", node->name, pn->used_cpus,
                  pn->used_memory_mb, pn->cpus, pn->memory_mb);
        ok = false;
    }
    xf_ctl_fleet_model_destroy(&model);
    return ok;
}

static void
cmd_node_add(struct ctl_context *ctx)
{
    const char *name = ctx->argv[1];
    int cpus, memory_mb;

    if (xf_ctl_node(ctx, name, false)) {
        ctl_error(ctx, "node %s already exists", name);
        return;
    }
    if (!xf_ctl_parse_int(ctx, "CPUS", ctx->argv[2], 1, 65536, &cpus)
        || !xf_ctl_parse_int(ctx, "MEMORY-MB", ctx->argv[3], 1, INT_MAX,
                             &memory_mb)) {
        return;
    }

    const struct fleetrec_node *node = fleetrec_node_insert(ctx->txn);
    fleetrec_node_set_name(node, name);
    fleetrec_node_set_cpus(node, cpus);
    fleetrec_node_set_memory_mb(node, memory_mb);
    fleetrec_node_set_admin_state(node, "enabled");
    fleetrec_node_set_power(node, "on");
    if (xf_ctl_set_columns(ctx, &fleetrec_table_node, &node->header_,
                           &ctx->argv[4], ctx->argc - 4)) {
        check_node(ctx, node);
    }
}

static void
cmd_node_set(struct ctl_context *ctx)
{
    const struct fleetrec_node *node = xf_ctl_node(ctx, ctx->argv[1], true);

    if (node && xf_ctl_set_columns(ctx, &fleetrec_table_node,
                                   &node->header_, &ctx->argv[2],
                                   ctx->argc - 2)) {
        check_node(ctx, node);
    }
}

/* Appends to 'names' the links with an end on 'node'. */
static void
node_links(struct ctl_context *ctx, const struct fleetrec_node *node,
           struct svec *names)
{
    const struct fleetrec_link *link;

    FLEETREC_LINK_FOR_EACH (link, ctx->idl) {
        if (link->node1 == node || link->node2 == node) {
            svec_add(names, link->name);
        }
    }
    svec_sort(names);
}

static void
cmd_node_del(struct ctl_context *ctx)
{
    bool if_exists = shash_find(&ctx->options, "--if-exists") != NULL;
    const struct fleetrec_node *node = xf_ctl_node(ctx, ctx->argv[1],
                                                   !if_exists);
    const struct fleetrec_router *router;
    struct svec names = SVEC_EMPTY_INITIALIZER;

    if (!node) {
        return;
    }
    FLEETREC_ROUTER_FOR_EACH (router, ctx->idl) {
        if (router->node == node) {
            svec_add(&names, router->name);
        }
    }
    if (names.n) {
        svec_sort(&names);
        char *list = svec_join(&names, ", ", "");
        ctl_error(ctx, "node %s still runs routers %s: migrate them "
                  "(node-evacuate) or delete them first", node->name, list);
        free(list);
    } else {
        node_links(ctx, node, &names);
        if (names.n) {
            char *list = svec_join(&names, ", ", "");
            ctl_error(ctx, "node %s is an end of links %s: delete them "
                      "first", node->name, list);
            free(list);
        } else {
            fleetrec_node_delete(node);
        }
    }
    svec_destroy(&names);
}

static void
cmd_node_list(struct ctl_context *ctx)
{
    struct table *t = xf_ctl_table(ctx, "name,cpus,cpus_used,memory_mb,"
                                   "memory_used_mb,admin_state,fenced,"
                                   "power,agent_state");
    struct xf_ctl_model model;

    xf_ctl_fleet_model(ctx, &model, NULL, NULL, NULL);
    for (size_t i = 0; i < model.n; i++) {
        const struct xf_place_node *pn = &model.nodes[i];
        const struct fleetrec_node *node = xf_ctl_node(ctx, pn->name, true);

        table_add_row(t);
        xf_ctl_cell(t, "%s", node->name);
        xf_ctl_cell(t, "%d", pn->cpus);
        xf_ctl_cell(t, "%d", pn->used_cpus);
        xf_ctl_cell(t, "%d", pn->memory_mb);
        xf_ctl_cell(t, "%d", pn->used_memory_mb);
        xf_ctl_cell(t, "%s", node->admin_state);
        xf_ctl_cell(t, "%s", node->fenced ? "true" : "false");
        xf_ctl_cell(t, "%s", node->power);
        xf_ctl_cell(t, "%s", node->agent_state ? node->agent_state
                                               : "unknown");
    }
    xf_ctl_fleet_model_destroy(&model);
}

/* Returns the link that already uses 'port' of 'node' as a trunk, if
 * any. */
static const struct fleetrec_link *
port_link(struct ctl_context *ctx, const struct fleetrec_node *node,
          const char *port, const struct fleetrec_link *self)
{
    const struct fleetrec_link *link;

    FLEETREC_LINK_FOR_EACH (link, ctx->idl) {
        if (link != self
            && ((link->node1 == node && !strcmp(link->port1, port))
                || (link->node2 == node && !strcmp(link->port2, port)))) {
            return link;
        }
    }
    return NULL;
}

static void
cmd_link_add(struct ctl_context *ctx)
{
    const char *name = ctx->argv[1];
    const struct fleetrec_node *n1, *n2;
    const struct fleetrec_link *other;

    if (xf_ctl_link(ctx, name, false)) {
        ctl_error(ctx, "link %s already exists", name);
        return;
    }
    n1 = xf_ctl_node(ctx, ctx->argv[2], true);
    n2 = n1 ? xf_ctl_node(ctx, ctx->argv[4], true) : NULL;
    if (!n2) {
        return;
    }
    if (n1 == n2) {
        ctl_error(ctx, "link %s: both ends are node %s", name, n1->name);
        return;
    }

    const struct fleetrec_link *link = fleetrec_link_insert(ctx->txn);
    fleetrec_link_set_name(link, name);
    fleetrec_link_set_node1(link, n1);
    fleetrec_link_set_port1(link, ctx->argv[3]);
    fleetrec_link_set_node2(link, n2);
    fleetrec_link_set_port2(link, ctx->argv[5]);
    fleetrec_link_set_trusted(link, true);
    enum xf_encap encap;
    if (!xf_ctl_set_columns(ctx, &fleetrec_table_link, &link->header_,
                            &ctx->argv[6], ctx->argc - 6)
        || !xf_ctl_link_encap(ctx, link, &encap)) {
        return;
    }
    for (int end = 0; end < 2; end++) {
        const struct fleetrec_node *node = end ? link->node2 : link->node1;
        const char *port = end ? link->port2 : link->port1;

        other = port_link(ctx, node, port, link);
        if (other) {
            ctl_error(ctx, "link %s: port %s of node %s is already the "
                      "trunk of link %s", name, port, node->name,
                      other->name);
            return;
        }
    }
}

static void
cmd_link_del(struct ctl_context *ctx)
{
    bool if_exists = shash_find(&ctx->options, "--if-exists") != NULL;
    const struct fleetrec_link *link = xf_ctl_link(ctx, ctx->argv[1],
                                                   !if_exists);
    struct xf_ctl_model model;

    if (!link) {
        return;
    }
    xf_ctl_fleet_model(ctx, &model, NULL, link, NULL);
    char *why = xasprintf("deleting link %s", link->name);
    if (xf_ctl_check_trunks(ctx, &model, why)) {
        fleetrec_link_delete(link);
    }
    free(why);
    xf_ctl_fleet_model_destroy(&model);
}

static void
cmd_link_list(struct ctl_context *ctx)
{
    struct table *t = xf_ctl_table(ctx, "name,node1,port1,node2,port2,"
                                   "trusted");
    const struct fleetrec_link *link;
    struct svec names = SVEC_EMPTY_INITIALIZER;
    const char *name;
    size_t i;

    FLEETREC_LINK_FOR_EACH (link, ctx->idl) {
        svec_add(&names, link->name);
    }
    svec_sort(&names);
    SVEC_FOR_EACH (i, name, &names) {
        link = xf_ctl_link(ctx, name, true);
        table_add_row(t);
        xf_ctl_cell(t, "%s", link->name);
        xf_ctl_cell(t, "%s", link->node1->name);
        xf_ctl_cell(t, "%s", link->port1);
        xf_ctl_cell(t, "%s", link->node2->name);
        xf_ctl_cell(t, "%s", link->port2);
        xf_ctl_cell(t, "%s", link->trusted ? "true" : "false");
    }
    svec_destroy(&names);
}

static const struct ctl_command_syntax node_commands[] = {
    {"node-add", 3, INT_MAX, "NODE CPUS MEMORY-MB [COLUMN[:KEY]=VALUE]...",
     NULL, cmd_node_add, NULL, "", RW},
    {"node-set", 2, INT_MAX, "NODE COLUMN[:KEY]=VALUE...",
     NULL, cmd_node_set, NULL, "", RW},
    {"node-del", 1, 1, "NODE", NULL, cmd_node_del, NULL, "--if-exists", RW},
    {"node-list", 0, 0, "", NULL, cmd_node_list, NULL, "", RO},
    {"link-add", 5, INT_MAX,
     "LINK NODE1 PORT1 NODE2 PORT2 [COLUMN[:KEY]=VALUE]...",
     NULL, cmd_link_add, NULL, "", RW},
    {"link-del", 1, 1, "LINK", NULL, cmd_link_del, NULL, "--if-exists", RW},
    {"link-list", 0, 0, "", NULL, cmd_link_list, NULL, "", RO},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, RO},
};

void
xf_ctl_nodes_register(void)
{
    ctl_register_commands(node_commands);
}
