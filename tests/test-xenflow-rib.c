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

/* Unit tests for xenflow/rib.c, driven by tests/xenflow-unit.at.
 *
 *   ovstest test-xenflow-rib COMMAND...
 *       Runs each COMMAND on one rib and prints a line for it:
 *
 *         PREFIX=NEXTHOP[,NEXTHOP...]   sets a route, NEXTHOP being
 *                                       "GW@DEV" or "@DEV" (connected);
 *                                       prints "new", "changed" or "same"
 *         -PREFIX                       removes the route; prints
 *                                       "removed" or "none"
 *         mark                          marks every route stale
 *         sweep                         removes the stale routes; prints
 *                                       how many
 *         withdraw                      withdraws every route at once
 *                                       (xf_rib_withdraw_routes()); prints
 *                                       how many, and how many wait to be
 *                                       freed in every rib
 *         free=N                        frees up to N withdrawn routes;
 *                                       prints "done" or "more", and how
 *                                       many wait
 *         detach                        detaches the rib's tables into a
 *                                       new one (xf_rib_detach()), as for
 *                                       a removed router; prints how many
 *                                       wait
 *         freedead=N                    frees up to N routes of the last
 *                                       detached rib, then destroys it;
 *                                       prints "done" or "more", and how
 *                                       many wait
 *
 *       then ": R routes, S next-hop sets" (the distinct sets of next
 *       hops in use).  The rib is destroyed at the end, which checks that
 *       no set outlives its last route. */

#include <config.h>
#undef NDEBUG

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ovstest.h"
#include "util.h"
#include "xenflow/addr.h"
#include "xenflow/rib.h"

static void
parse_nexthop(char *s, struct xf_nexthop *nh)
{
    char *at = strchr(s, '@');

    ovs_assert(at);
    *at = '\0';
    nh->dev = at + 1;
    nh->has_gw = *s != '\0';
    nh->gw = in6addr_any;
    if (nh->has_gw) {
        char *error = xf_addr_parse(s, &nh->gw);
        if (error) {
            ovs_fatal(0, "%s", error);
        }
    }
}

static void
run_set(struct xf_rib *rib, char *arg)
{
    struct xf_nexthop nhs[XF_MAX_NEXTHOPS];
    char *eq = strchr(arg, '=');
    struct xf_prefix prefix;
    size_t n = 0;

    *eq = '\0';
    char *error = xf_prefix_parse(arg, false, &prefix);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    char *save_ptr = NULL;
    for (char *tok = strtok_r(eq + 1, ",", &save_ptr); tok;
         tok = strtok_r(NULL, ",", &save_ptr)) {
        ovs_assert(n < XF_MAX_NEXTHOPS);
        parse_nexthop(tok, &nhs[n++]);
    }

    bool existed = xf_rib_route_find(rib, &prefix) != NULL;
    bool changed;
    struct xf_route *route = xf_rib_route_set(rib, &prefix, NULL, nhs, n,
                                              &changed);
    ovs_assert(route->n_nexthops == n);
    ovs_assert(!xf_rib_route_is_stale(rib, route));
    printf("%s", !existed ? "new" : changed ? "changed" : "same");
}

static void
test_rib_main(int argc, char *argv[])
{
    struct xf_rib *dead[16];
    size_t n_dead = 0;
    struct xf_rib rib;

    xf_rib_init(&rib);
    for (int i = 1; i < argc; i++) {
        char *arg = argv[i];
        unsigned int max;

        printf("%s: ", arg);
        if (!strcmp(arg, "withdraw")) {
            size_t n = xf_rib_withdraw_routes(&rib);
            printf("%"PRIuSIZE" (%"PRIuSIZE" waiting)", n,
                   xf_rib_withdrawn_count());
        } else if (sscanf(arg, "free=%u", &max) == 1) {
            bool done = xf_rib_free_withdrawn(&rib, max);
            ovs_assert(done == !xf_rib_has_withdrawn(&rib));
            printf("%s (%"PRIuSIZE" waiting)", done ? "done" : "more",
                   xf_rib_withdrawn_count());
        } else if (!strcmp(arg, "detach")) {
            ovs_assert(n_dead < ARRAY_SIZE(dead));
            dead[n_dead++] = xf_rib_detach(&rib);
            printf("%"PRIuSIZE" waiting", xf_rib_withdrawn_count());
        } else if (sscanf(arg, "freedead=%u", &max) == 1) {
            ovs_assert(n_dead);
            bool done = xf_rib_free_withdrawn(dead[n_dead - 1], max);
            if (done) {
                xf_rib_destroy(dead[--n_dead]);
                free(dead[n_dead]);
            }
            printf("%s (%"PRIuSIZE" waiting)", done ? "done" : "more",
                   xf_rib_withdrawn_count());
        } else if (!strcmp(arg, "mark")) {
            xf_rib_mark_stale(&rib);
        } else if (!strcmp(arg, "sweep")) {
            struct xf_route *route;
            size_t n = 0;

            HMAP_FOR_EACH_SAFE (route, node, &rib.routes) {
                if (xf_rib_route_is_stale(&rib, route)) {
                    hmap_remove(&rib.routes, &route->node);
                    rib.n_stale--;
                    xf_rib_route_free(&rib, route);
                    n++;
                }
            }
            printf("%"PRIuSIZE, n);
        } else if (arg[0] == '-') {
            struct xf_prefix prefix;
            char *error = xf_prefix_parse(arg + 1, false, &prefix);
            if (error) {
                ovs_fatal(0, "%s", error);
            }
            struct xf_route *route = xf_rib_route_remove(&rib, &prefix);
            printf("%s", route ? "removed" : "none");
            xf_rib_route_free(&rib, route);
        } else {
            char *copy = xstrdup(arg);
            run_set(&rib, copy);
            free(copy);
        }
        printf(": %"PRIuSIZE" routes, %"PRIuSIZE" next-hop sets\n",
               hmap_count(&rib.routes), xf_rib_n_nexthop_sets(&rib));
    }
    xf_rib_destroy(&rib);
    while (n_dead) {
        xf_rib_destroy(dead[--n_dead]);
        free(dead[n_dead]);
    }
}

OVSTEST_REGISTER("test-xenflow-rib", test_rib_main);
