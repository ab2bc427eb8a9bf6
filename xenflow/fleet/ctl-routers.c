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

/* xenflow-ctl's router commands: router-add, router-del, router-list,
 * router-iface-add, router-iface-del, router-start, router-stop,
 * router-migrate, router-set-cpu.  They write desired state only; each
 * node's xenflow-agent makes it so and reports in Router_State. */

#include <config.h>

#include <string.h>

#include "db-ctl-base.h"
#include "openvswitch/dynamic-string.h"
#include "svec.h"
#include "table.h"
#include "util.h"
#include "xenflow/addr.h"
#include "xenflow/fleet/ctl.h"
#include "xenflow/fleet/placement.h"

/* Checks that 'node' can run 'router' as the database now stands (every
 * other router counted where it is): available, trunks for all its
 * networks, capacity.  'what' starts the error. */
static bool
check_fits(struct ctl_context *ctx, const struct fleetrec_router *router,
           const struct fleetrec_node *node, const char *what)
{
    struct xf_place_router pr;
    struct xf_ctl_model model;
    struct ds why = DS_EMPTY_INITIALIZER;
    bool ok;

    xf_ctl_fleet_model(ctx, &model, router, NULL, NULL);
    xf_ctl_place_router_init(&pr, router);
    ok = xf_place_check(xf_ctl_model_node(&model, node->name), &pr, &why);
    if (!ok) {
        ctl_error(ctx, "%s: node %s cannot run router %s: %s", what,
                  node->name, router->name, ds_cstr(&why));
    }
    ds_destroy(&why);
    xf_place_router_destroy(&pr);
    xf_ctl_fleet_model_destroy(&model);
    return ok;
}

/* Places 'router' on the least loaded node that can run it. */
static const struct fleetrec_node *
place(struct ctl_context *ctx, const struct fleetrec_router *router)
{
    const struct fleetrec_node *node = NULL;
    struct xf_place_router pr;
    struct xf_ctl_model model;
    struct ds why = DS_EMPTY_INITIALIZER;

    xf_ctl_fleet_model(ctx, &model, router, NULL, NULL);
    xf_ctl_place_router_init(&pr, router);
    struct xf_place_node *pn = xf_place_router(model.nodes, model.n, &pr,
                                               NULL, &why);
    if (pn) {
        node = xf_ctl_node(ctx, pn->name, true);
    } else {
        ctl_error(ctx, "router %s cannot be placed: %s", router->name,
                  ds_cstr(&why));
    }
    ds_destroy(&why);
    xf_place_router_destroy(&pr);
    xf_ctl_fleet_model_destroy(&model);
    return node;
}

static void
cmd_router_add(struct ctl_context *ctx)
{
    const char *name = ctx->argv[1];
    const struct fleetrec_node *node = NULL;
    struct svec columns = SVEC_EMPTY_INITIALIZER;
    int vcpus, memory_mb;

    if (xf_ctl_router(ctx, name, false)) {
        ctl_error(ctx, "router %s already exists", name);
        return;
    }

    const struct fleetrec_router *router = fleetrec_router_insert(ctx->txn);
    fleetrec_router_set_name(router, name);
    fleetrec_router_set_state(router, "stopped");
    for (int i = 2; i < ctx->argc; i++) {
        const char *arg = ctx->argv[i];

        if (i == 2 && !strchr(arg, '=')) {
            node = xf_ctl_node(ctx, arg, true);
            if (!node) {
                goto out;
            }
        } else if (!strncmp(arg, "template=", 9)) {
            const struct fleetrec_template *t = xf_ctl_template(ctx, arg + 9,
                                                                true);
            if (!t) {
                goto out;
            }
            fleetrec_router_set_template_(router, t);
        } else {
            svec_add(&columns, arg);
        }
    }
    if (!xf_ctl_set_columns(ctx, &fleetrec_table_router, &router->header_,
                            columns.names, columns.n)) {
        goto out;
    }
    if (!xf_ctl_router_size(router, &vcpus, &memory_mb)) {
        ctl_error(ctx, "router %s: give its size (vcpus=N memory_mb=N) or "
                  "a template (template=NAME)", name);
        goto out;
    }
    if (node) {
        fleetrec_router_set_node(router, node);
        check_fits(ctx, router, node, "router-add");
    } else {
        node = place(ctx, router);
        if (node) {
            fleetrec_router_set_node(router, node);
        }
    }
out:
    svec_destroy(&columns);
}

static void
cmd_router_del(struct ctl_context *ctx)
{
    bool if_exists = shash_find(&ctx->options, "--if-exists") != NULL;
    const struct fleetrec_router *router = xf_ctl_router(ctx, ctx->argv[1],
                                                         !if_exists);
    if (router) {
        fleetrec_router_delete(router);
    }
}

/* The states the agents report for 'router', "NODE:STATE" each, and
 * "NODE:STATE(fenced)" for what a fenced node last reported (stale). */
static char *
reported_states(struct ctl_context *ctx, const char *router)
{
    const struct fleetrec_router_state *rs;
    struct svec states = SVEC_EMPTY_INITIALIZER;

    FLEETREC_ROUTER_STATE_FOR_EACH (rs, ctx->idl) {
        if (!strcmp(rs->name, router)) {
            const struct fleetrec_node *by = xf_ctl_node(ctx, rs->node,
                                                         false);

            svec_add_nocopy(&states, xasprintf("%s:%s%s", rs->node,
                                               rs->state,
                                               (by && by->fenced
                                                ? "(fenced)" : "")));
        }
    }
    svec_sort(&states);
    char *s = svec_join(&states, " ", "");
    svec_destroy(&states);
    return s;
}

static void
cmd_router_list(struct ctl_context *ctx)
{
    struct table *t = xf_ctl_table(ctx, "name,node,state,vcpus,memory_mb,"
                                   "cpu_weight,cpu_cap,template,reported");
    const struct fleetrec_router *router;
    struct svec names = SVEC_EMPTY_INITIALIZER;
    const char *name;
    size_t i;

    FLEETREC_ROUTER_FOR_EACH (router, ctx->idl) {
        svec_add(&names, router->name);
    }
    svec_sort(&names);
    SVEC_FOR_EACH (i, name, &names) {
        int vcpus, memory_mb;

        router = xf_ctl_router(ctx, name, true);
        xf_ctl_router_size(router, &vcpus, &memory_mb);
        table_add_row(t);
        xf_ctl_cell(t, "%s", router->name);
        xf_ctl_cell(t, "%s", router->node->name);
        xf_ctl_cell(t, "%s", router->state);
        xf_ctl_cell(t, "%d", vcpus);
        xf_ctl_cell(t, "%d", memory_mb);
        table_add_cell(t)->text = (router->n_cpu_weight
                                   ? xasprintf("%"PRId64, *router->cpu_weight)
                                   : xstrdup(""));
        table_add_cell(t)->text = (router->n_cpu_cap
                                   ? xasprintf("%"PRId64, *router->cpu_cap)
                                   : xstrdup(""));
        xf_ctl_cell(t, "%s", (router->template_ ? router->template_->name
                              : ""));
        table_add_cell(t)->text = reported_states(ctx, router->name);
    }
    svec_destroy(&names);
}

/* Checks that 'prefix' (an interface's ADDRESS/LENGTH) lies in one of
 * 'net''s address ranges, if it has any. */
static bool
check_in_network(struct ctl_context *ctx,
                 const struct fleetrec_network *net,
                 const struct xf_prefix *prefix, const char *s)
{
    if (!net->n_addresses) {
        return true;
    }
    for (size_t i = 0; i < net->n_addresses; i++) {
        struct xf_prefix range;
        char *error = xf_prefix_parse(net->addresses[i], false, &range);

        if (!error && xf_prefix_contains(&range, &prefix->addr)) {
            return true;
        }
        free(error);
    }
    ctl_error(ctx, "address %s is outside network %s's address ranges",
              s, net->name);
    return false;
}

/* Rewrites 'router''s whole "interfaces" column (not a partial update, so
 * that later commands of the same command line see it) with 'add' added
 * and 'del' removed (either may be NULL). */
static void
set_interfaces(const struct fleetrec_router *router,
               const struct fleetrec_router_interface *add,
               const struct fleetrec_router_interface *del)
{
    struct fleetrec_router_interface **ifaces;
    size_t n = 0;

    ifaces = xmalloc((router->n_interfaces + 1) * sizeof *ifaces);
    for (size_t i = 0; i < router->n_interfaces; i++) {
        if (router->interfaces[i] != del) {
            ifaces[n++] = router->interfaces[i];
        }
    }
    if (add) {
        ifaces[n++] = CONST_CAST(struct fleetrec_router_interface *, add);
    }
    fleetrec_router_set_interfaces(router, ifaces, n);
    free(ifaces);
}

static void
cmd_router_iface_add(struct ctl_context *ctx)
{
    const char *iface = ctx->argv[2], *mac = ctx->argv[4];
    const struct fleetrec_router *router;
    const struct fleetrec_network *net;
    const struct fleetrec_router_interface *ri;

    router = xf_ctl_router(ctx, ctx->argv[1], true);
    net = router ? xf_ctl_network(ctx, ctx->argv[3], true) : NULL;
    if (!net || !xf_ctl_check_mac(ctx, "MAC", mac)) {
        return;
    }
    if (strlen(iface) > 15) {
        ctl_error(ctx, "interface name %s is longer than 15 characters",
                  iface);
        return;
    }
    for (size_t i = 0; i < router->n_interfaces; i++) {
        if (!strcmp(router->interfaces[i]->name, iface)) {
            ctl_error(ctx, "router %s already has an interface %s",
                      router->name, iface);
            return;
        }
    }
    FLEETREC_ROUTER_INTERFACE_FOR_EACH (ri, ctx->idl) {
        if (!strcasecmp(ri->mac, mac)) {
            const struct fleetrec_router *r;
            FLEETREC_ROUTER_FOR_EACH (r, ctx->idl) {
                for (size_t i = 0; i < r->n_interfaces; i++) {
                    if (r->interfaces[i] == ri) {
                        ctl_error(ctx, "MAC %s is already interface %s of "
                                  "router %s", mac, ri->name, r->name);
                        return;
                    }
                }
            }
        }
    }
    for (int i = 5; i < ctx->argc; i++) {
        struct xf_prefix prefix;

        if (!xf_ctl_parse_prefix(ctx, "interface address", ctx->argv[i],
                                 true, &prefix)
            || !check_in_network(ctx, net, &prefix, ctx->argv[i])) {
            return;
        }
    }

    ri = fleetrec_router_interface_insert(ctx->txn);
    fleetrec_router_interface_set_name(ri, iface);
    fleetrec_router_interface_set_network(ri, net);
    fleetrec_router_interface_set_mac(ri, mac);
    fleetrec_router_interface_set_addresses(ri, (const char **) &ctx->argv[5],
                                            ctx->argc - 5);
    set_interfaces(router, ri, NULL);
    check_fits(ctx, router, router->node, "router-iface-add");
}

static void
cmd_router_iface_del(struct ctl_context *ctx)
{
    const struct fleetrec_router *router = xf_ctl_router(ctx, ctx->argv[1],
                                                         true);
    for (size_t i = 0; router && i < router->n_interfaces; i++) {
        if (!strcmp(router->interfaces[i]->name, ctx->argv[2])) {
            set_interfaces(router, NULL, router->interfaces[i]);
            return;
        }
    }
    if (router) {
        ctl_error(ctx, "router %s has no interface %s", router->name,
                  ctx->argv[2]);
    }
}

static void
cmd_router_start_stop(struct ctl_context *ctx)
{
    const struct fleetrec_router *router = xf_ctl_router(ctx, ctx->argv[1],
                                                         true);
    if (router) {
        bool start = !strcmp(ctx->argv[0], "router-start");
        fleetrec_router_set_state(router, start ? "running" : "stopped");
    }
}

static void
cmd_router_migrate(struct ctl_context *ctx)
{
    const struct fleetrec_router *router;
    const struct fleetrec_node *node;

    router = xf_ctl_router(ctx, ctx->argv[1], true);
    node = router ? xf_ctl_node(ctx, ctx->argv[2], true) : NULL;
    if (!node) {
        return;
    }
    if (router->node == node) {
        ctl_error(ctx, "router %s is already on node %s", router->name,
                  node->name);
        return;
    }
    if (check_fits(ctx, router, node, "router-migrate")) {
        fleetrec_router_set_node(router, node);
    }
}

static void
cmd_router_set_cpu(struct ctl_context *ctx)
{
    const struct fleetrec_router *router = xf_ctl_router(ctx, ctx->argv[1],
                                                         true);
    int weight, cap;

    if (!router
        || !xf_ctl_parse_int(ctx, "WEIGHT", ctx->argv[2], 1, 65535, &weight)
        || (ctx->argc > 3
            && !xf_ctl_parse_int(ctx, "CAP", ctx->argv[3], 0, 12800,
                                 &cap))) {
        return;
    }
    int64_t w = weight, c = ctx->argc > 3 ? cap : 0;
    fleetrec_router_set_cpu_weight(router, &w, 1);
    fleetrec_router_set_cpu_cap(router, &c, ctx->argc > 3);
}

static const struct ctl_command_syntax router_commands[] = {
    {"router-add", 1, INT_MAX, "ROUTER [NODE] [COLUMN[:KEY]=VALUE]...",
     NULL, cmd_router_add, NULL, "", RW},
    {"router-del", 1, 1, "ROUTER", NULL, cmd_router_del, NULL,
     "--if-exists", RW},
    {"router-list", 0, 0, "", NULL, cmd_router_list, NULL, "", RO},
    {"router-iface-add", 4, INT_MAX, "ROUTER IFACE NET MAC [PREFIX...]",
     NULL, cmd_router_iface_add, NULL, "", RW},
    {"router-iface-del", 2, 2, "ROUTER IFACE", NULL, cmd_router_iface_del,
     NULL, "", RW},
    {"router-start", 1, 1, "ROUTER", NULL, cmd_router_start_stop, NULL, "",
     RW},
    {"router-stop", 1, 1, "ROUTER", NULL, cmd_router_start_stop, NULL, "",
     RW},
    {"router-migrate", 2, 2, "ROUTER NODE", NULL, cmd_router_migrate, NULL,
     "", RW},
    {"router-set-cpu", 2, 3, "ROUTER WEIGHT [CAP]", NULL,
     cmd_router_set_cpu, NULL, "", RW},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, RO},
};

void
xf_ctl_routers_register(void)
{
    ctl_register_commands(router_commands);
}
