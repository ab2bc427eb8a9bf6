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

#include "xenflow/fleet/placement.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void
xf_place_node_init(struct xf_place_node *node, const char *name,
                   int cpus, int memory_mb)
{
    memset(node, 0, sizeof *node);
    node->name = name;
    node->cpus = cpus;
    node->memory_mb = memory_mb;
    sset_init(&node->networks);
}

void
xf_place_node_destroy(struct xf_place_node *node)
{
    sset_destroy(&node->networks);
}

void
xf_place_router_init(struct xf_place_router *router, const char *name,
                     int vcpus, int memory_mb)
{
    memset(router, 0, sizeof *router);
    router->name = name;
    router->vcpus = vcpus;
    router->memory_mb = memory_mb;
    sset_init(&router->networks);
}

void
xf_place_router_destroy(struct xf_place_router *router)
{
    sset_destroy(&router->networks);
}

/* Returns true if 'node' can take 'router' (step 1 of the algorithm, less
 * the excluded node).  Otherwise appends why not to 'why' (one phrase, no
 * node name) and returns false. */
bool
xf_place_check(const struct xf_place_node *node,
               const struct xf_place_router *router, struct ds *why)
{
    const char *net;

    if (node->unavailable) {
        ds_put_cstr(why, node->unavailable);
        return false;
    }
    SSET_FOR_EACH (net, &router->networks) {
        if (!sset_contains(&node->networks, net)) {
            ds_put_format(why, "no trunk of the node carries network %s",
                          net);
            return false;
        }
    }
    if (node->cpus - node->used_cpus < router->vcpus) {
        ds_put_format(why, "%d of %d vCPUs free, %d needed",
                      MAX(node->cpus - node->used_cpus, 0), node->cpus,
                      router->vcpus);
        return false;
    }
    if (node->memory_mb - node->used_memory_mb < router->memory_mb) {
        ds_put_format(why, "%d of %d MB free, %d MB needed",
                      MAX(node->memory_mb - node->used_memory_mb, 0),
                      node->memory_mb, router->memory_mb);
        return false;
    }
    return true;
}

/* Counts 'router' as running on 'node'. */
void
xf_place_assign(struct xf_place_node *node,
                const struct xf_place_router *router)
{
    node->used_cpus += router->vcpus;
    node->used_memory_mb += router->memory_mb;
}

/* The load of 'node' if it also ran 'router', in millionths. */
static long long int
load_with(const struct xf_place_node *node,
          const struct xf_place_router *router)
{
    long long int cpu = (node->used_cpus + router->vcpus) * 1000000LL
                        / MAX(node->cpus, 1);
    long long int mem = (node->used_memory_mb + router->memory_mb)
                        * 1000000LL / MAX(node->memory_mb, 1);
    return MAX(cpu, mem);
}

/* Chooses the node of 'nodes' (n of them) that should run 'router', never
 * the one named 'exclude' (if nonnull), and returns it without assigning.
 * If none can, returns NULL and appends to 'why' the reason of each node,
 * as "NODE: REASON; ...". */
struct xf_place_node *
xf_place_router(struct xf_place_node *nodes, size_t n,
                const struct xf_place_router *router, const char *exclude,
                struct ds *why)
{
    struct xf_place_node *best = NULL;
    long long int best_load = 0;
    struct ds reasons = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < n; i++) {
        struct xf_place_node *node = &nodes[i];

        if (exclude && !strcmp(node->name, exclude)) {
            continue;
        }
        if (reasons.length) {
            ds_put_cstr(&reasons, "; ");
        }
        size_t mark = reasons.length;
        ds_put_format(&reasons, "%s: ", node->name);
        if (!xf_place_check(node, router, &reasons)) {
            continue;
        }
        ds_truncate(&reasons, mark ? mark - 2 : 0);

        long long int load = load_with(node, router);
        if (!best || load < best_load
            || (load == best_load && strcmp(node->name, best->name) < 0)) {
            best = node;
            best_load = load;
        }
    }
    if (!best) {
        if (reasons.length) {
            ds_put_format(why, "%s", ds_cstr(&reasons));
        } else {
            ds_put_cstr(why, "no other node");
        }
    }
    ds_destroy(&reasons);
    return best;
}

static int
compare_routers(const void *a_, const void *b_)
{
    const struct xf_place_router *const *a = a_;
    const struct xf_place_router *const *b = b_;

    if ((*a)->memory_mb != (*b)->memory_mb) {
        return (*a)->memory_mb > (*b)->memory_mb ? -1 : 1;
    }
    if ((*a)->vcpus != (*b)->vcpus) {
        return (*a)->vcpus > (*b)->vcpus ? -1 : 1;
    }
    return strcmp((*a)->name, (*b)->name);
}

/* Places every router of 'routers' (step 3), setting each one's 'chosen'
 * and counting it in its node's load.  Returns true if all were placed.
 * Otherwise puts "router R cannot be placed: REASONS" into 'why', leaves
 * every 'chosen' NULL and every node's load as it was, and returns
 * false. */
bool
xf_place_all(struct xf_place_node *nodes, size_t n_nodes,
             struct xf_place_router *routers, size_t n_routers,
             const char *exclude, struct ds *why)
{
    struct xf_place_router **order = xmalloc(n_routers * sizeof *order);
    int *saved = xmalloc(2 * n_nodes * sizeof *saved);
    bool ok = true;

    for (size_t i = 0; i < n_nodes; i++) {
        saved[2 * i] = nodes[i].used_cpus;
        saved[2 * i + 1] = nodes[i].used_memory_mb;
    }
    for (size_t i = 0; i < n_routers; i++) {
        order[i] = &routers[i];
        order[i]->chosen = NULL;
    }
    qsort(order, n_routers, sizeof *order, compare_routers);

    for (size_t i = 0; i < n_routers && ok; i++) {
        struct ds reasons = DS_EMPTY_INITIALIZER;
        struct xf_place_node *node = xf_place_router(nodes, n_nodes,
                                                     order[i], exclude,
                                                     &reasons);
        if (node) {
            xf_place_assign(node, order[i]);
            order[i]->chosen = node;
        } else {
            ds_put_format(why, "router %s cannot be placed (%d vCPUs, "
                          "%d MB): %s", order[i]->name, order[i]->vcpus,
                          order[i]->memory_mb, ds_cstr(&reasons));
            ok = false;
        }
        ds_destroy(&reasons);
    }
    if (!ok) {
        for (size_t i = 0; i < n_nodes; i++) {
            nodes[i].used_cpus = saved[2 * i];
            nodes[i].used_memory_mb = saved[2 * i + 1];
        }
        for (size_t i = 0; i < n_routers; i++) {
            routers[i].chosen = NULL;
        }
    }
    free(saved);
    free(order);
    return ok;
}
