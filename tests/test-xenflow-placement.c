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

/* Unit tests for xenflow/fleet/placement.c, driven by
 * tests/xenflow-fleet.at.
 *
 *   ovstest test-xenflow-placement WORD...
 *       Each WORD, colon-separated, describes the fleet or asks:
 *         node:NAME:CPUS:MB[:NET,NET...]   a node and the networks its
 *                                          trunks carry
 *         used:NAME:CPUS:MB                load already on node NAME
 *         down:NAME:REASON                 node NAME takes no router
 *         router:NAME:VCPUS:MB[:NET,...]   a router to place
 *         exclude:NAME                     the node being emptied
 *       Then places all routers (xf_place_all()) and prints "ROUTER -> NODE"
 *       in the order given, each node's load, or "error: WHY". */

#include <config.h>
#undef NDEBUG

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ovstest.h"
#include "util.h"
#include "xenflow/fleet/placement.h"

static void
add_networks(struct sset *set, const char *list)
{
    char *copy = xstrdup(list ? list : "");
    char *save = NULL;

    for (char *t = strtok_r(copy, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        sset_add(set, t);
    }
    free(copy);
}

static struct xf_place_node *
find_node(struct xf_place_node *nodes, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(nodes[i].name, name)) {
            return &nodes[i];
        }
    }
    ovs_fatal(0, "no node %s", name);
}

static void
test_xenflow_placement_main(int argc, char *argv[])
{
    struct xf_place_node *nodes = xcalloc(argc, sizeof *nodes);
    struct xf_place_router *routers = xcalloc(argc, sizeof *routers);
    size_t n_nodes = 0, n_routers = 0;
    const char *exclude = NULL;

    for (int i = 1; i < argc; i++) {
        char *f[6] = { NULL };
        char *save = NULL;
        int n = 0;

        for (char *t = strtok_r(argv[i], ":", &save); t && n < 6;
             t = strtok_r(NULL, ":", &save)) {
            f[n++] = t;
        }
        if (!strcmp(f[0], "node") && n >= 4) {
            struct xf_place_node *node = &nodes[n_nodes++];
            xf_place_node_init(node, f[1], atoi(f[2]), atoi(f[3]));
            add_networks(&node->networks, f[4]);
        } else if (!strcmp(f[0], "used") && n == 4) {
            struct xf_place_node *node = find_node(nodes, n_nodes, f[1]);
            node->used_cpus = atoi(f[2]);
            node->used_memory_mb = atoi(f[3]);
        } else if (!strcmp(f[0], "down") && n == 3) {
            find_node(nodes, n_nodes, f[1])->unavailable = f[2];
        } else if (!strcmp(f[0], "router") && n >= 4) {
            struct xf_place_router *r = &routers[n_routers++];
            xf_place_router_init(r, f[1], atoi(f[2]), atoi(f[3]));
            add_networks(&r->networks, f[4]);
        } else if (!strcmp(f[0], "exclude") && n == 2) {
            exclude = f[1];
        } else {
            ovs_fatal(0, "bad word %s", argv[i]);
        }
    }

    struct ds why = DS_EMPTY_INITIALIZER;
    if (xf_place_all(nodes, n_nodes, routers, n_routers, exclude, &why)) {
        for (size_t i = 0; i < n_routers; i++) {
            printf("%s -> %s\n", routers[i].name, routers[i].chosen->name);
        }
    } else {
        printf("error: %s\n", ds_cstr(&why));
    }
    for (size_t i = 0; i < n_nodes; i++) {
        printf("%s: %d/%d vCPUs, %d/%d MB\n", nodes[i].name,
               nodes[i].used_cpus, nodes[i].cpus,
               nodes[i].used_memory_mb, nodes[i].memory_mb);
        xf_place_node_destroy(&nodes[i]);
    }
    for (size_t i = 0; i < n_routers; i++) {
        xf_place_router_destroy(&routers[i]);
    }
    ds_destroy(&why);
    free(nodes);
    free(routers);
}

OVSTEST_REGISTER("test-xenflow-placement", test_xenflow_placement_main);
