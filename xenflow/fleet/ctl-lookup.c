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

#include "xenflow/fleet/ctl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "db-ctl-base.h"
#include "dirs.h"
#include "openvswitch/dynamic-string.h"
#include "ovsdb-idl.h"
#include "packets.h"
#include "socket-util.h"
#include "table.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/addr.h"
#include "xenflow/encap.h"
#include "xenflow/fleet/placement.h"

#define XF_CTL_FIND(TYPE, FOR_EACH, WHAT)                               \
    const struct fleetrec_##TYPE *row;                                  \
    FOR_EACH (row, ctx->idl) {                                          \
        if (!strcmp(row->name, name)) {                                 \
            return row;                                                 \
        }                                                               \
    }                                                                   \
    if (must_exist) {                                                   \
        ctl_error(ctx, "no %s named %s", WHAT, name);                   \
    }                                                                   \
    return NULL;

const struct fleetrec_node *
xf_ctl_node(struct ctl_context *ctx, const char *name, bool must_exist)
{
    XF_CTL_FIND(node, FLEETREC_NODE_FOR_EACH, "node");
}

const struct fleetrec_link *
xf_ctl_link(struct ctl_context *ctx, const char *name, bool must_exist)
{
    XF_CTL_FIND(link, FLEETREC_LINK_FOR_EACH, "link");
}

const struct fleetrec_network *
xf_ctl_network(struct ctl_context *ctx, const char *name, bool must_exist)
{
    XF_CTL_FIND(network, FLEETREC_NETWORK_FOR_EACH, "network");
}

const struct fleetrec_template *
xf_ctl_template(struct ctl_context *ctx, const char *name, bool must_exist)
{
    XF_CTL_FIND(template, FLEETREC_TEMPLATE_FOR_EACH, "template");
}

const struct fleetrec_router *
xf_ctl_router(struct ctl_context *ctx, const char *name, bool must_exist)
{
    XF_CTL_FIND(router, FLEETREC_ROUTER_FOR_EACH, "router");
}

/* The Fleet row, created if the database has none yet. */
const struct fleetrec_fleet *
xf_ctl_fleet(struct ctl_context *ctx)
{
    const struct fleetrec_fleet *fleet = fleetrec_fleet_first(ctx->idl);

    if (!fleet) {
        fleet = fleetrec_fleet_insert(ctx->txn);
        fleetrec_fleet_set_name(fleet, "fleet");
    }
    return fleet;
}

/* The agents' heartbeat: each writes its Node's last_seen every Fleet
 * options:stats-interval seconds, 0 meaning never (the agent's rule, in
 * xenflow/agent/fleet-stats.c: a value that is not 0 to 86400 means the
 * default, 30). */
int
xf_ctl_stats_interval(struct ctl_context *ctx)
{
    const struct fleetrec_fleet *fleet = fleetrec_fleet_first(ctx->idl);
    const char *s = fleet ? smap_get(&fleet->options, "stats-interval")
                          : NULL;
    int seconds;

    return (s && str_to_int(s, 10, &seconds) && seconds >= 0
            && seconds <= 86400 ? seconds : 30);
}

/* How many seconds ago 'node''s agent last wrote its heartbeat, if that is
 * three stats intervals or more while it says it runs (agent_state other
 * than unknown, powering-off or fenced): the agent, or its node, died, and
 * what it reported is what it last saw.  Otherwise -1. */
long long int
xf_ctl_agent_silence(struct ctl_context *ctx,
                     const struct fleetrec_node *node)
{
    const char *state = node->agent_state;
    int interval = xf_ctl_stats_interval(ctx);

    if (!state || !strcmp(state, "unknown") || !strcmp(state, "fenced")
        || !strcmp(state, "powering-off") || !node->n_last_seen
        || !interval) {
        return -1;
    }
    long long int age = time_wall() - *node->last_seen;
    return age >= 3LL * interval ? age : -1;
}

bool
xf_ctl_parse_int(struct ctl_context *ctx, const char *what, const char *s,
                 int min, int max, int *value)
{
    if (!str_to_int(s, 10, value) || *value < min || *value > max) {
        ctl_error(ctx, "%s: \"%s\" is not an integer between %d and %d",
                  what, s, min, max);
        return false;
    }
    return true;
}

/* A router interface's or Wake-on-LAN MAC: six colon-separated hex bytes,
 * unicast, not all zeros. */
bool
xf_ctl_check_mac(struct ctl_context *ctx, const char *what, const char *mac)
{
    struct eth_addr ea;
    int n = 0;

    if (!ovs_scan(mac, ETH_ADDR_SCAN_FMT"%n", ETH_ADDR_SCAN_ARGS(ea), &n)
        || mac[n]) {
        ctl_error(ctx, "%s: \"%s\" is not a MAC address "
                  "(xx:xx:xx:xx:xx:xx)", what, mac);
        return false;
    }
    if (eth_addr_is_multicast(ea) || eth_addr_is_zero(ea)) {
        ctl_error(ctx, "%s: %s is not a unicast MAC address", what, mac);
        return false;
    }
    return true;
}

/* An address with its prefix length, IPv4 or IPv6 ("10.0.0.1/24"); host
 * bits set only with 'allow_host_bits'. */
bool
xf_ctl_parse_prefix(struct ctl_context *ctx, const char *what,
                    const char *s, bool allow_host_bits,
                    struct xf_prefix *prefix)
{
    char *error;

    if (!strchr(s, '/')) {
        ctl_error(ctx, "%s: \"%s\" has no prefix length (ADDRESS/LENGTH)",
                  what, s);
        return false;
    }
    error = xf_prefix_parse(s, allow_host_bits, prefix);
    if (error) {
        ctl_error(ctx, "%s: %s", what, error);
        free(error);
        return false;
    }
    return true;
}

/* Sets COLUMN[:KEY]=VALUE arguments on 'row' of 'table' as the generic
 * "set" command does. */
bool
xf_ctl_set_columns(struct ctl_context *ctx,
                   const struct ovsdb_idl_table_class *table,
                   const struct ovsdb_idl_row *row,
                   char *args[], int n_args)
{
    for (int i = 0; i < n_args; i++) {
        char *error = ctl_set_column(table->name, row, args[i], ctx->symtab);
        if (error) {
            ctl_error(ctx, "%s", error);
            free(error);
            return false;
        }
    }
    return true;
}

struct table *
xf_ctl_table(struct ctl_context *ctx, const char *headings)
{
    struct table *table = xmalloc(sizeof *table);
    char *copy = xstrdup(headings);
    char *save = NULL;

    table_init(table);
    for (char *h = strtok_r(copy, ",", &save); h;
         h = strtok_r(NULL, ",", &save)) {
        table_add_column(table, "%s", h);
    }
    free(copy);
    ctx->table = table;
    return table;
}

void
xf_ctl_cell(struct table *table, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    table_add_cell(table)->text = xvasprintf(format, args);
    va_end(args);
}

bool
xf_ctl_router_size(const struct fleetrec_router *router,
                   int *vcpus, int *memory_mb)
{
    const struct fleetrec_template *t = router->template_;

    *vcpus = (router->n_vcpus ? *router->vcpus
              : t ? t->vcpus : 0);
    *memory_mb = (router->n_memory_mb ? *router->memory_mb
                  : t ? t->memory_mb : 0);
    return *vcpus > 0 && *memory_mb > 0;
}

static int
compare_nodes(const void *a_, const void *b_)
{
    const struct fleetrec_node *const *a = a_;
    const struct fleetrec_node *const *b = b_;

    return strcmp((*a)->name, (*b)->name);
}

struct xf_place_node *
xf_ctl_model_node(struct xf_ctl_model *model, const char *name)
{
    for (size_t i = 0; i < model->n; i++) {
        if (!strcmp(model->nodes[i].name, name)) {
            return &model->nodes[i];
        }
    }
    return NULL;
}

/* The networks a trunk of each node carries: the networks that name one of
 * its links, and everywhere the networks that name no link (a network on
 * one node needs no trunk). */
static void
add_carried_networks(struct ctl_context *ctx, struct xf_ctl_model *model,
                     const struct fleetrec_link *skip_link,
                     const struct fleetrec_network *skip_net)
{
    const struct fleetrec_network *net;

    FLEETREC_NETWORK_FOR_EACH (net, ctx->idl) {
        if (!net->n_links) {
            for (size_t i = 0; i < model->n; i++) {
                sset_add(&model->nodes[i].networks, net->name);
            }
        }
        for (size_t i = 0; i < net->n_links; i++) {
            const struct fleetrec_link *link = net->links[i];
            struct xf_place_node *n1, *n2;

            if (link == skip_link && (!skip_net || skip_net == net)) {
                continue;
            }
            n1 = xf_ctl_model_node(model, link->node1->name);
            n2 = xf_ctl_model_node(model, link->node2->name);
            if (n1) {
                sset_add(&n1->networks, net->name);
            }
            if (n2) {
                sset_add(&n2->networks, net->name);
            }
        }
    }
}

void
xf_ctl_fleet_model(struct ctl_context *ctx, struct xf_ctl_model *model,
                   const struct fleetrec_router *skip_router,
                   const struct fleetrec_link *skip_link,
                   const struct fleetrec_network *skip_net)
{
    const struct fleetrec_router *router;
    const struct fleetrec_node *node, **rows;
    size_t n = 0;

    /* Sorted by name before the structures are initialized: an sset
     * cannot move. */
    FLEETREC_NODE_FOR_EACH (node, ctx->idl) {
        n++;
    }
    rows = xcalloc(MAX(n, 1), sizeof *rows);
    n = 0;
    FLEETREC_NODE_FOR_EACH (node, ctx->idl) {
        rows[n++] = node;
    }
    qsort(rows, n, sizeof *rows, compare_nodes);

    model->nodes = xcalloc(MAX(n, 1), sizeof *model->nodes);
    model->n = n;
    for (size_t i = 0; i < n; i++) {
        struct xf_place_node *pn = &model->nodes[i];

        node = rows[i];
        xf_place_node_init(pn, node->name, node->cpus, node->memory_mb);
        if (node->fenced) {
            pn->unavailable = "fenced";
        } else if (!strcmp(node->admin_state, "disabled")) {
            pn->unavailable = "disabled (admin_state)";
        } else if (!strcmp(node->power, "off")) {
            pn->unavailable = "powered off";
        }
    }
    free(rows);
    add_carried_networks(ctx, model, skip_link, skip_net);

    FLEETREC_ROUTER_FOR_EACH (router, ctx->idl) {
        struct xf_place_node *pn;
        int vcpus, memory_mb;

        if (router == skip_router || !router->node) {
            continue;
        }
        pn = xf_ctl_model_node(model, router->node->name);
        if (pn) {
            xf_ctl_router_size(router, &vcpus, &memory_mb);
            pn->used_cpus += vcpus;
            pn->used_memory_mb += memory_mb;
        }
    }
}

/* Checks that a trunk of every router's node carries each of the router's
 * networks in 'model'; if not, a ctl_error() says which and 'why' the
 * command would break it. */
bool
xf_ctl_check_trunks(struct ctl_context *ctx, struct xf_ctl_model *model,
                    const char *why)
{
    const struct fleetrec_router *router;

    FLEETREC_ROUTER_FOR_EACH (router, ctx->idl) {
        struct xf_place_node *pn = (router->node
                                    ? xf_ctl_model_node(model,
                                                        router->node->name)
                                    : NULL);
        for (size_t i = 0; pn && i < router->n_interfaces; i++) {
            const char *net = router->interfaces[i]->network->name;

            if (!sset_contains(&pn->networks, net)) {
                ctl_error(ctx, "%s: router %s on node %s would have no "
                          "trunk carrying its network %s", why,
                          router->name, pn->name, net);
                return false;
            }
        }
    }
    return true;
}

void
xf_ctl_fleet_model_destroy(struct xf_ctl_model *model)
{
    for (size_t i = 0; i < model->n; i++) {
        xf_place_node_destroy(&model->nodes[i]);
    }
    free(model->nodes);
}

/* Fills 'pr' with 'router''s size and the networks of its interfaces.
 * The caller destroys it with xf_place_router_destroy(). */
void
xf_ctl_place_router_init(struct xf_place_router *pr,
                         const struct fleetrec_router *router)
{
    int vcpus, memory_mb;

    xf_ctl_router_size(router, &vcpus, &memory_mb);
    xf_place_router_init(pr, router->name, vcpus, memory_mb);
    for (size_t i = 0; i < router->n_interfaces; i++) {
        sset_add(&pr->networks, router->interfaces[i]->network->name);
    }
}

/* The default database: $XENFLOW_FLEET_DB, else the fleet's socket in the
 * run directory. */
char *
xf_ctl_default_db(void)
{
    const char *env = getenv("XENFLOW_FLEET_DB");

    return (env && env[0] ? xstrdup(env)
            : xasprintf("unix:%s/xenflow-fleet.sock", ovs_rundir()));
}

bool
xf_ctl_link_encap(struct ctl_context *ctx, const struct fleetrec_link *link,
                  enum xf_encap *encap)
{
    const char *s = smap_get(&link->options, "encap");

    *encap = XF_ENCAP_8021Q;
    if (s && !xf_encap_parse(s, encap)) {
        ctl_error(ctx, "link %s: options:encap=\"%s\" is not 802.1q, "
                  "802.1ad or mpls", link->name, s);
        return false;
    }
    return true;
}

bool
xf_ctl_check_carries(struct ctl_context *ctx,
                     const struct fleetrec_link *link,
                     const struct fleetrec_network *net)
{
    enum xf_encap encap;

    if (!xf_ctl_link_encap(ctx, link, &encap)) {
        return false;
    }
    if (!xf_encap_carries(encap, net->vlan)) {
        ctl_error(ctx, "network %s (id %"PRId64") cannot cross link %s: "
                  "its encapsulation %s carries ids 1 to %"PRIu32" (set "
                  "Link %s options:encap=802.1ad or mpls)", net->name,
                  net->vlan, link->name, xf_encap_to_string(encap),
                  xf_encap_max_id(encap), link->name);
        return false;
    }
    return true;
}
