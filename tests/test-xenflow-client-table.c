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

/* Unit tests for the client table (xenflow/client/client-*.c), driven by
 * tests/xenflow-client-unit.at:
 *
 *   ovstest test-xenflow-client-table < SCRIPT
 *
 * SCRIPT has one command per line ('#' starts a comment):
 *
 *   route set PREFIX SOURCE METRIC NEXTHOP...   NEXTHOP: GW@DEV, GW or @DEV
 *   route update MERGE PREFIX SOURCE METRIC [NEXTHOP...]
 *                                    MERGE: replace, add, keep or remove
 *   route unset PREFIX SOURCE METRIC
 *   route mark SOURCE | route sweep SOURCE
 *   neigh set DEV IP MAC | neigh unset DEV IP
 *   neigh mark | neigh sweep
 *   ifaces [NAME,MAC[,ADDR/PLEN]...]...   replaces the interface set
 *   hello                                 prints the "interfaces" member
 *   snapshot                              ct_snapshot_start()
 *   flush [MAX-ENTRIES [MAX-BYTES]]       drains: one "update" block per
 *                                         batch (entries sorted), then
 *                                         "sync-end" at a snapshot's end
 *   show | stats
 */

#include <config.h>
#undef NDEBUG

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "packets.h"
#include "svec.h"
#include "tests/ovstest.h"
#include "util.h"
#include "xenflow/client/client-ifaces.h"
#include "xenflow/client/client-neighs.h"
#include "xenflow/client/client-routes.h"
#include "xenflow/client/client-table.h"
#include "xenflow/client/client-update.h"

static struct xf_prefix
parse_prefix(const char *s)
{
    struct xf_prefix prefix;
    char *error = xf_prefix_parse(s, false, &prefix);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    return prefix;
}

static struct in6_addr
parse_addr(const char *s)
{
    struct in6_addr addr;
    char *error = xf_addr_parse(s, &addr);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    return addr;
}

static struct eth_addr
parse_mac(const char *s)
{
    struct eth_addr mac;
    if (!eth_addr_from_string(s, &mac)) {
        ovs_fatal(0, "%s: bad MAC", s);
    }
    return mac;
}

static enum ct_source
parse_source(const char *s)
{
    enum ct_source source;
    if (!ct_source_from_string(s, &source)) {
        ovs_fatal(0, "%s: unknown source", s);
    }
    return source;
}

static uint32_t
parse_u32(const char *s)
{
    return strtoul(s, NULL, 10);
}

static void
need(const struct svec *args, size_t n)
{
    if (args->n < n) {
        ovs_fatal(0, "%s: needs %"PRIuSIZE" arguments", args->names[0], n);
    }
}

/* Parses NEXTHOP arguments 'args[0]' to 'args[n - 1]' into 'n' next hops
 * that point into 'copies' (freed by the caller with svec_destroy()). */
static struct ct_nexthop *
parse_nexthops(char *args[], size_t n, struct svec *copies)
{
    struct ct_nexthop *nhs = xcalloc(MAX(n, 1), sizeof *nhs);

    for (size_t i = 0; i < n; i++) {
        svec_add(copies, args[i]);
    }
    for (size_t i = 0; i < n; i++) {
        char *s = copies->names[i];
        char *at = strchr(s, '@');
        if (at) {
            *at = '\0';
            nhs[i].dev = at + 1;
        }
        if (s[0]) {
            nhs[i].has_gw = true;
            nhs[i].gw = parse_addr(s);
        }
    }
    return nhs;
}

static enum ct_merge
parse_merge(const char *s)
{
    return (!strcmp(s, "replace") ? CT_MERGE_REPLACE
            : !strcmp(s, "add") ? CT_MERGE_ADD
            : !strcmp(s, "keep") ? CT_MERGE_KEEP
            : !strcmp(s, "remove") ? CT_MERGE_REMOVE
            : (ovs_fatal(0, "%s: unknown merge", s), CT_MERGE_REPLACE));
}

static void
do_route(struct ct_table *t, const struct svec *a)
{
    need(a, 3);
    const char *op = a->names[1];
    if (!strcmp(op, "set") || !strcmp(op, "update")) {
        /* route set PREFIX SOURCE METRIC NEXTHOP...
         * route update MERGE PREFIX SOURCE METRIC [NEXTHOP...] */
        bool update = !strcmp(op, "update");
        size_t first = update ? 3 : 2;
        need(a, first + (update ? 3 : 4));
        struct xf_prefix prefix = parse_prefix(a->names[first]);
        enum ct_source source = parse_source(a->names[first + 1]);
        uint32_t metric = parse_u32(a->names[first + 2]);
        size_t n = a->n - (first + 3);
        struct svec copies = SVEC_EMPTY_INITIALIZER;
        struct ct_nexthop *nhs = parse_nexthops(a->names + first + 3, n,
                                                &copies);
        if (update) {
            ct_route_update(t, &prefix, source, metric, nhs, n,
                            parse_merge(a->names[2]));
        } else {
            ct_route_set(t, &prefix, source, metric, nhs, n);
        }
        svec_destroy(&copies);
        free(nhs);
    } else if (!strcmp(op, "unset")) {
        need(a, 5);
        struct xf_prefix prefix = parse_prefix(a->names[2]);
        ct_route_unset(t, &prefix, parse_source(a->names[3]),
                       parse_u32(a->names[4]));
    } else if (!strcmp(op, "mark")) {
        ct_routes_mark(t, parse_source(a->names[2]));
    } else if (!strcmp(op, "sweep")) {
        printf("swept %"PRIuSIZE"\n",
               ct_routes_sweep(t, parse_source(a->names[2])));
    } else {
        ovs_fatal(0, "route %s: unknown", op);
    }
}

static void
do_neigh(struct ct_table *t, const struct svec *a)
{
    need(a, 2);
    const char *op = a->names[1];
    if (!strcmp(op, "set")) {
        need(a, 5);
        struct in6_addr ip = parse_addr(a->names[3]);
        struct eth_addr mac = parse_mac(a->names[4]);
        ct_neigh_set(t, a->names[2], &ip, &mac);
    } else if (!strcmp(op, "unset")) {
        need(a, 4);
        struct in6_addr ip = parse_addr(a->names[3]);
        ct_neigh_unset(t, a->names[2], &ip);
    } else if (!strcmp(op, "mark")) {
        ct_neighs_mark(t);
    } else if (!strcmp(op, "sweep")) {
        printf("swept %"PRIuSIZE"\n", ct_neighs_sweep(t));
    } else {
        ovs_fatal(0, "neigh %s: unknown", op);
    }
}

static void
do_ifaces(struct ct_table *t, const struct svec *a)
{
    ct_ifaces_begin(t);
    for (size_t i = 1; i < a->n; i++) {
        char *s = xstrdup(a->names[i]);
        char *save_ptr = NULL;
        char *name = strtok_r(s, ",", &save_ptr);
        char *mac_s = strtok_r(NULL, ",", &save_ptr);
        if (!name || !mac_s) {
            ovs_fatal(0, "%s: expected NAME,MAC[,ADDR/PLEN]...", a->names[i]);
        }
        struct eth_addr mac = parse_mac(mac_s);
        ct_iface_add(t, name, &mac);
        for (char *p = strtok_r(NULL, ",", &save_ptr); p;
             p = strtok_r(NULL, ",", &save_ptr)) {
            char *slash = strchr(p, '/');
            if (!slash) {
                ovs_fatal(0, "%s: expected ADDR/PLEN", p);
            }
            *slash = '\0';
            struct in6_addr addr = parse_addr(p);
            ct_iface_add_addr(t, name, &addr, atoi(slash + 1));
        }
        free(s);
    }
    printf("ifaces %s\n", ct_ifaces_commit(t) ? "changed" : "unchanged");
}

/* Prints each element of member 'name' of 'params' as "  NAME JSON",
 * sorted, so that output does not depend on hash order. */
static void
print_member(const struct json *params, const char *name)
{
    const struct json *array = shash_find_data(json_object(params), name);
    if (!array) {
        return;
    }

    struct svec lines = SVEC_EMPTY_INITIALIZER;
    for (size_t i = 0; i < json_array(array)->n; i++) {
        char *s = json_to_string(json_array(array)->elems[i], JSSF_SORT);
        svec_add_nocopy(&lines, xasprintf("  %s %s", name, s));
        free(s);
    }
    svec_sort(&lines);

    const char *line;
    size_t i;
    SVEC_FOR_EACH (i, line, &lines) {
        printf("%s\n", line);
    }
    svec_destroy(&lines);
}

static void
do_flush(struct ct_table *t, const struct svec *a)
{
    size_t max_entries = a->n > 1 ? atoi(a->names[1]) : 10000;
    size_t max_bytes = a->n > 2 ? atoi(a->names[2]) : SIZE_MAX;

    for (;;) {
        enum ct_pending pending = ct_pending(t);
        if (pending == CT_PENDING_NONE) {
            break;
        } else if (pending == CT_PENDING_BARRIER) {
            printf("sync-end\n");
            ct_snapshot_finish(t);
            continue;
        }

        struct ct_update_counts counts = { 0, 0, 0, 0 };
        struct json *params = ct_next_update(t, max_entries, max_bytes,
                                             &counts);
        ovs_assert(params);
        printf("update: %"PRIuSIZE" routes, %"PRIuSIZE" withdrawn, "
               "%"PRIuSIZE" neighbors, %"PRIuSIZE" withdrawn\n",
               counts.routes, counts.routes_withdrawn, counts.neighs,
               counts.neighs_withdrawn);
        print_member(params, "routes");
        print_member(params, "routes-withdrawn");
        print_member(params, "neighbors");
        print_member(params, "neighbors-withdrawn");
        json_destroy(params);
    }
}

static void
do_stats(const struct ct_table *t)
{
    struct ct_stats stats;
    ct_get_stats(t, &stats);
    printf("routes %"PRIuSIZE" (fpm %"PRIuSIZE", kernel %"PRIuSIZE
           ", connected %"PRIuSIZE"), neighbors %"PRIuSIZE
           ", interfaces %"PRIuSIZE", pending %"PRIuSIZE
           ", nexthops dropped %"PRIu64"\n",
           stats.n_routes, stats.n_candidates[CT_SRC_FPM],
           stats.n_candidates[CT_SRC_KERNEL],
           stats.n_candidates[CT_SRC_CONNECTED], stats.n_neighs,
           stats.n_ifaces, stats.n_pending, stats.n_nexthops_dropped);
}

static void
run_command(struct ct_table *t, const struct svec *a)
{
    const char *cmd = a->names[0];

    if (!strcmp(cmd, "route")) {
        do_route(t, a);
    } else if (!strcmp(cmd, "neigh")) {
        do_neigh(t, a);
    } else if (!strcmp(cmd, "ifaces")) {
        do_ifaces(t, a);
    } else if (!strcmp(cmd, "hello")) {
        struct json *json = ct_ifaces_to_json(t);
        char *s = json_to_string(json, JSSF_SORT);
        printf("%s\n", s);
        free(s);
        json_destroy(json);
    } else if (!strcmp(cmd, "snapshot")) {
        ct_snapshot_start(t);
    } else if (!strcmp(cmd, "flush")) {
        do_flush(t, a);
    } else if (!strcmp(cmd, "show")) {
        struct ds s = DS_EMPTY_INITIALIZER;
        ct_format(t, &s);
        fputs(ds_cstr(&s), stdout);
        ds_destroy(&s);
    } else if (!strcmp(cmd, "stats")) {
        do_stats(t);
    } else {
        ovs_fatal(0, "%s: unknown command", cmd);
    }
}

static void
test_xenflow_client_table_main(int argc OVS_UNUSED, char *argv[])
{
    struct ct_table *t = ct_table_create();
    struct ds line = DS_EMPTY_INITIALIZER;

    set_program_name(argv[0]);
    while (!ds_get_line(&line, stdin)) {
        char *hash = strchr(ds_cstr(&line), '#');
        if (hash) {
            *hash = '\0';
        }

        struct svec args = SVEC_EMPTY_INITIALIZER;
        svec_parse_words(&args, ds_cstr(&line));
        if (args.n) {
            run_command(t, &args);
            fflush(stdout);
        }
        svec_destroy(&args);
    }
    ds_destroy(&line);
    ct_table_destroy(t);
}

OVSTEST_REGISTER("test-xenflow-client-table", test_xenflow_client_table_main);
