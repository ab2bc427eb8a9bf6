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

/* xenflow-ctl's network and template commands: net-add, net-del,
 * net-list, net-link-add, net-link-del, template-add, template-del,
 * template-list. */

#include <config.h>

#include <string.h>

#include "db-ctl-base.h"
#include "openvswitch/dynamic-string.h"
#include "svec.h"
#include "table.h"
#include "util.h"
#include "xenflow/addr.h"
#include "xenflow/encap.h"
#include "xenflow/fleet/ctl.h"
#include "xenflow/fleet/placement.h"

static void
cmd_net_add(struct ctl_context *ctx)
{
    const char *name = ctx->argv[1];
    const struct fleetrec_network *net;
    int vlan;

    if (xf_ctl_network(ctx, name, false)) {
        ctl_error(ctx, "network %s already exists", name);
        return;
    }
    if (!xf_ctl_parse_int(ctx, "ID", ctx->argv[2], 1, XF_NETWORK_ID_MAX,
                          &vlan)) {
        return;
    }
    FLEETREC_NETWORK_FOR_EACH (net, ctx->idl) {
        if (net->vlan == vlan) {
            ctl_error(ctx, "network %s: id %d is already network %s's",
                      name, vlan, net->name);
            return;
        }
    }
    for (int i = 3; i < ctx->argc; i++) {
        struct xf_prefix prefix;

        if (!xf_ctl_parse_prefix(ctx, "network address range",
                                 ctx->argv[i], false, &prefix)) {
            return;
        }
    }
    net = fleetrec_network_insert(ctx->txn);
    fleetrec_network_set_name(net, name);
    fleetrec_network_set_vlan(net, vlan);
    fleetrec_network_set_addresses(net, (const char **) &ctx->argv[3],
                                   ctx->argc - 3);
}

static void
cmd_net_del(struct ctl_context *ctx)
{
    bool if_exists = shash_find(&ctx->options, "--if-exists") != NULL;
    const struct fleetrec_network *net = xf_ctl_network(ctx, ctx->argv[1],
                                                        !if_exists);
    const struct fleetrec_router *router;
    struct svec users = SVEC_EMPTY_INITIALIZER;

    if (!net) {
        return;
    }
    FLEETREC_ROUTER_FOR_EACH (router, ctx->idl) {
        for (size_t i = 0; i < router->n_interfaces; i++) {
            if (router->interfaces[i]->network == net) {
                svec_add_nocopy(&users, xasprintf(
                                    "%s:%s", router->name,
                                    router->interfaces[i]->name));
            }
        }
    }
    if (users.n) {
        svec_sort(&users);
        char *list = svec_join(&users, ", ", "");
        ctl_error(ctx, "network %s is used by router interfaces %s: delete "
                  "them first", net->name, list);
        free(list);
    } else {
        fleetrec_network_delete(net);
    }
    svec_destroy(&users);
}

static int64_t
link_rate(const struct fleetrec_link *const *keys, const int64_t *values,
          size_t n, const struct fleetrec_link *link)
{
    for (size_t i = 0; i < n; i++) {
        if (keys[i] == link) {
            return values[i];
        }
    }
    return -1;
}

/* "LINK" or "LINK:CONTRACT" or "LINK:CONTRACT/CEILING" per link, in link
 * name order. */
static char *
format_links(const struct fleetrec_network *net)
{
    struct svec items = SVEC_EMPTY_INITIALIZER;

    for (size_t i = 0; i < net->n_links; i++) {
        const struct fleetrec_link *link = net->links[i];
        int64_t c = link_rate((const struct fleetrec_link *const *)
                              net->key_contracts, net->value_contracts,
                              net->n_contracts, link);
        int64_t m = link_rate((const struct fleetrec_link *const *)
                              net->key_ceilings, net->value_ceilings,
                              net->n_ceilings, link);
        struct ds s = DS_EMPTY_INITIALIZER;

        ds_put_cstr(&s, link->name);
        if (c >= 0) {
            ds_put_format(&s, ":%"PRId64, c);
        }
        if (m >= 0) {
            ds_put_format(&s, "/%"PRId64, m);
        }
        svec_add_nocopy(&items, ds_steal_cstr(&s));
    }
    svec_sort(&items);
    char *s = svec_join(&items, " ", "");
    svec_destroy(&items);
    return s;
}

static void
cmd_net_list(struct ctl_context *ctx)
{
    struct table *t = xf_ctl_table(ctx, "name,vlan,addresses,links");
    const struct fleetrec_network *net;
    struct svec names = SVEC_EMPTY_INITIALIZER;
    const char *name;
    size_t i;

    FLEETREC_NETWORK_FOR_EACH (net, ctx->idl) {
        svec_add(&names, net->name);
    }
    svec_sort(&names);
    SVEC_FOR_EACH (i, name, &names) {
        net = xf_ctl_network(ctx, name, true);

        struct svec addrs = SVEC_EMPTY_INITIALIZER;
        for (size_t j = 0; j < net->n_addresses; j++) {
            svec_add(&addrs, net->addresses[j]);
        }
        svec_sort(&addrs);

        table_add_row(t);
        xf_ctl_cell(t, "%s", net->name);
        xf_ctl_cell(t, "%"PRId64, net->vlan);
        table_add_cell(t)->text = svec_join(&addrs, " ", "");
        table_add_cell(t)->text = format_links(net);
        svec_destroy(&addrs);
    }
    svec_destroy(&names);
}

static bool
parse_rate(struct ctl_context *ctx, const char *what, const char *s,
           int64_t *rate)
{
    long long int value;

    if (!str_to_llong(s, 10, &value) || value < 0) {
        ctl_error(ctx, "%s: \"%s\" is not a rate in bits per second", what,
                  s);
        return false;
    }
    *rate = value;
    return true;
}

/* Rewrites 'net''s whole "links", "contracts" and "ceilings" columns (not
 * partial updates, so that later commands of the same command line see
 * them) with 'link' in or out, and its contract and ceiling if given. */
static void
set_link(const struct fleetrec_network *net,
         const struct fleetrec_link *link, bool add,
         bool has_contract, int64_t contract,
         bool has_ceiling, int64_t ceiling)
{
    size_t n = MAX(net->n_links, MAX(net->n_contracts, net->n_ceilings)) + 1;
    struct fleetrec_link **links = xmalloc(n * sizeof *links);
    struct fleetrec_link **keys = xmalloc(n * sizeof *keys);
    int64_t *values = xmalloc(n * sizeof *values);
    size_t n_links = 0, n_values;

    for (size_t i = 0; i < net->n_links; i++) {
        if (net->links[i] != link) {
            links[n_links++] = net->links[i];
        }
    }
    if (add) {
        links[n_links++] = CONST_CAST(struct fleetrec_link *, link);
    }
    fleetrec_network_set_links(net, links, n_links);

    for (int col = 0; col < 2; col++) {
        struct fleetrec_link **k = col ? net->key_ceilings
                                       : net->key_contracts;
        int64_t *v = col ? net->value_ceilings : net->value_contracts;
        size_t n_kv = col ? net->n_ceilings : net->n_contracts;
        bool has = col ? has_ceiling : has_contract;

        n_values = 0;
        for (size_t i = 0; i < n_kv; i++) {
            if (k[i] != link || (add && !has)) {
                keys[n_values] = k[i];
                values[n_values++] = v[i];
            }
        }
        if (add && has) {
            keys[n_values] = CONST_CAST(struct fleetrec_link *, link);
            values[n_values++] = col ? ceiling : contract;
        }
        if (col) {
            fleetrec_network_set_ceilings(net, keys, values, n_values);
        } else {
            fleetrec_network_set_contracts(net, keys, values, n_values);
        }
    }
    free(links);
    free(keys);
    free(values);
}

static void
cmd_net_link_add(struct ctl_context *ctx)
{
    const struct fleetrec_network *net = xf_ctl_network(ctx, ctx->argv[1],
                                                        true);
    const struct fleetrec_link *link = (net
                                        ? xf_ctl_link(ctx, ctx->argv[2], true)
                                        : NULL);
    int64_t contract = 0, ceiling = 0;

    if (!link || !xf_ctl_check_carries(ctx, link, net)) {
        return;
    }
    if (ctx->argc > 3
        && !parse_rate(ctx, "CONTRACT", ctx->argv[3], &contract)) {
        return;
    }
    if (ctx->argc > 4) {
        if (!parse_rate(ctx, "CEILING", ctx->argv[4], &ceiling)) {
            return;
        }
        if (ceiling < contract) {
            ctl_error(ctx, "network %s on link %s: ceiling %"PRId64" is "
                      "below the contract %"PRId64, net->name, link->name,
                      ceiling, contract);
            return;
        }
    }
    set_link(net, link, true, ctx->argc > 3, contract, ctx->argc > 4,
             ceiling);
}

static void
cmd_net_link_del(struct ctl_context *ctx)
{
    const struct fleetrec_network *net = xf_ctl_network(ctx, ctx->argv[1],
                                                        true);
    const struct fleetrec_link *link = (net
                                        ? xf_ctl_link(ctx, ctx->argv[2], true)
                                        : NULL);
    struct xf_ctl_model model;

    if (!link) {
        return;
    }
    xf_ctl_fleet_model(ctx, &model, NULL, link, net);
    char *why = xasprintf("removing network %s from link %s", net->name,
                          link->name);
    if (xf_ctl_check_trunks(ctx, &model, why)) {
        set_link(net, link, false, false, 0, false, 0);
    }
    free(why);
    xf_ctl_fleet_model_destroy(&model);
}

static void
cmd_template_add(struct ctl_context *ctx)
{
    const char *name = ctx->argv[1];
    int vcpus, memory_mb;

    if (xf_ctl_template(ctx, name, false)) {
        ctl_error(ctx, "template %s already exists", name);
        return;
    }
    if (!xf_ctl_parse_int(ctx, "VCPUS", ctx->argv[2], 1, 4096, &vcpus)
        || !xf_ctl_parse_int(ctx, "MEMORY-MB", ctx->argv[3], 1, INT_MAX,
                             &memory_mb)) {
        return;
    }

    const struct fleetrec_template *t = fleetrec_template_insert(ctx->txn);
    fleetrec_template_set_name(t, name);
    fleetrec_template_set_vcpus(t, vcpus);
    fleetrec_template_set_memory_mb(t, memory_mb);
    xf_ctl_set_columns(ctx, &fleetrec_table_template, &t->header_,
                       &ctx->argv[4], ctx->argc - 4);
}

static void
cmd_template_del(struct ctl_context *ctx)
{
    bool if_exists = shash_find(&ctx->options, "--if-exists") != NULL;
    const struct fleetrec_template *t = xf_ctl_template(ctx, ctx->argv[1],
                                                        !if_exists);
    const struct fleetrec_router *router;

    if (!t) {
        return;
    }
    FLEETREC_ROUTER_FOR_EACH (router, ctx->idl) {
        if (router->template_ == t) {
            ctl_error(ctx, "template %s is used by router %s", t->name,
                      router->name);
            return;
        }
    }
    fleetrec_template_delete(t);
}

static void
cmd_template_list(struct ctl_context *ctx)
{
    struct table *table = xf_ctl_table(ctx, "name,driver,vcpus,memory_mb,"
                                       "filesystem,image");
    const struct fleetrec_template *t;
    struct svec names = SVEC_EMPTY_INITIALIZER;
    const char *name;
    size_t i;

    FLEETREC_TEMPLATE_FOR_EACH (t, ctx->idl) {
        svec_add(&names, t->name);
    }
    svec_sort(&names);
    SVEC_FOR_EACH (i, name, &names) {
        t = xf_ctl_template(ctx, name, true);
        table_add_row(table);
        xf_ctl_cell(table, "%s", t->name);
        xf_ctl_cell(table, "%s", t->driver ? t->driver : "");
        xf_ctl_cell(table, "%"PRId64, t->vcpus);
        xf_ctl_cell(table, "%"PRId64, t->memory_mb);
        xf_ctl_cell(table, "%s", t->filesystem ? t->filesystem : "");
        xf_ctl_cell(table, "%s", t->image ? t->image : "");
    }
    svec_destroy(&names);
}

static const struct ctl_command_syntax network_commands[] = {
    {"net-add", 2, INT_MAX, "NET ID [PREFIX...]", NULL, cmd_net_add, NULL,
     "", RW},
    {"net-del", 1, 1, "NET", NULL, cmd_net_del, NULL, "--if-exists", RW},
    {"net-list", 0, 0, "", NULL, cmd_net_list, NULL, "", RO},
    {"net-link-add", 2, 4, "NET LINK [CONTRACT [CEILING]]", NULL,
     cmd_net_link_add, NULL, "", RW},
    {"net-link-del", 2, 2, "NET LINK", NULL, cmd_net_link_del, NULL, "", RW},
    {"template-add", 3, INT_MAX,
     "TEMPLATE VCPUS MEMORY-MB [COLUMN[:KEY]=VALUE]...", NULL,
     cmd_template_add, NULL, "", RW},
    {"template-del", 1, 1, "TEMPLATE", NULL, cmd_template_del, NULL,
     "--if-exists", RW},
    {"template-list", 0, 0, "", NULL, cmd_template_list, NULL, "", RO},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, RO},
};

void
xf_ctl_networks_register(void)
{
    ctl_register_commands(network_commands);
}
