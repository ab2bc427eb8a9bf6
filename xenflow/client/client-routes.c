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

#include "xenflow/client/client-routes.h"

#include <stdlib.h>
#include <string.h>

#include "xenflow/client/client-table-private.h"

static int
nexthop_cmp(const struct ct_nexthop *a, const struct ct_nexthop *b)
{
    if (a->dev != b->dev) {
        if (!a->dev || !b->dev) {
            return a->dev ? 1 : -1;
        }
        int cmp = strcmp(a->dev, b->dev);
        if (cmp) {
            return cmp;
        }
    }
    if (a->has_gw != b->has_gw) {
        return a->has_gw ? 1 : -1;
    }
    return a->has_gw ? memcmp(&a->gw, &b->gw, sizeof a->gw) : 0;
}

static int
nexthop_qsort_cmp(const void *a_, const void *b_)
{
    return nexthop_cmp(a_, b_);
}

static bool
cand_nexthops_equal(const struct ct_cand *a, const struct ct_cand *b)
{
    if (a->n_nexthops != b->n_nexthops) {
        return false;
    }
    for (size_t i = 0; i < a->n_nexthops; i++) {
        if (nexthop_cmp(&a->nexthops[i], &b->nexthops[i])) {
            return false;
        }
    }
    return true;
}

/* Returns true if 'a' is preferred over 'b'. */
static bool
cand_better(const struct ct_cand *a, const struct ct_cand *b)
{
    return (a->metric != b->metric
            ? a->metric < b->metric
            : a->source < b->source);
}

static struct ct_cand *
cand_create(struct ct_table *t, enum ct_source source, uint32_t metric,
            const struct ct_nexthop *nexthops, size_t n)
{
    struct ct_cand *cand = xmalloc(sizeof *cand + n * sizeof *cand->nexthops);
    cand->source = source;
    cand->metric = metric;
    cand->stale = false;

    /* Copy (interning device names), sort, drop duplicates and next hops
     * with neither gateway nor device, then cap. */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct ct_nexthop *nh = &nexthops[i];
        if (!nh->has_gw && !nh->dev) {
            continue;
        }
        struct ct_nexthop *dst = &cand->nexthops[k++];
        memset(dst, 0, sizeof *dst);
        dst->has_gw = nh->has_gw;
        if (nh->has_gw) {
            dst->gw = nh->gw;
        }
        dst->dev = nh->dev ? ct_intern(t, nh->dev) : NULL;
    }
    qsort(cand->nexthops, k, sizeof *cand->nexthops, nexthop_qsort_cmp);
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        if (!m || nexthop_cmp(&cand->nexthops[m - 1], &cand->nexthops[i])) {
            cand->nexthops[m++] = cand->nexthops[i];
        }
    }
    if (m > CT_MAX_NEXTHOPS) {
        t->n_nexthops_dropped += m - CT_MAX_NEXTHOPS;
        m = CT_MAX_NEXTHOPS;
    }
    cand->n_nexthops = m;
    return cand;
}

static struct ct_route *
route_find(const struct ct_table *t, const struct xf_prefix *prefix)
{
    struct ct_route *route;

    HMAP_FOR_EACH_WITH_HASH (route, node, xf_prefix_hash(prefix, 0),
                             &t->routes) {
        if (xf_prefix_equals(&route->prefix, prefix)) {
            return route;
        }
    }
    return NULL;
}

static struct ct_cand *
route_find_cand(const struct ct_route *route, enum ct_source source,
                uint32_t metric)
{
    struct ct_cand *cand;

    LIST_FOR_EACH (cand, node, &route->cands) {
        if (cand->source == source && cand->metric == metric) {
            return cand;
        }
    }
    return NULL;
}

/* Called after 'route''s candidates changed, with 'old_best' its best
 * candidate before (possibly already unlinked, but not yet freed). */
static void
route_changed(struct ct_table *t, struct ct_route *route,
              const struct ct_cand *old_best)
{
    const struct ct_cand *new_best = ct_route_best(route);

    if (!new_best) {
        if (old_best) {
            t->n_routes--;
        }
        if (route->e.announced) {
            ct_entry_enqueue(t, &route->e);      /* Withdrawal. */
        } else {
            ct_route_free(t, route);
        }
    } else {
        if (!old_best) {
            t->n_routes++;
        }
        if (!old_best || !cand_nexthops_equal(old_best, new_best)) {
            ct_entry_enqueue(t, &route->e);
        }
    }
}

static void
route_remove_cand(struct ct_table *t, struct ct_route *route,
                  struct ct_cand *cand)
{
    struct ct_cand *old_best = ct_route_best(route);

    ovs_list_remove(&cand->node);
    t->n_cands[cand->source]--;
    route_changed(t, route, old_best);
    free(cand);
}

/* Sets the candidate of 'source' with 'metric' for 'prefix' to the 'n' next
 * hops in 'nexthops'.  Next hops with neither gateway nor device are
 * ignored; if none is left, this is ct_route_unset(). */
void
ct_route_set(struct ct_table *t, const struct xf_prefix *prefix,
             enum ct_source source, uint32_t metric,
             const struct ct_nexthop *nexthops, size_t n)
{
    ovs_assert(source < CT_N_SOURCES);

    struct ct_cand *new = cand_create(t, source, metric, nexthops, n);
    if (!new->n_nexthops) {
        free(new);
        ct_route_unset(t, prefix, source, metric);
        return;
    }

    struct ct_route *route = route_find(t, prefix);
    if (!route) {
        route = xzalloc(sizeof *route);
        route->e.type = CT_ROUTE;
        route->prefix = *prefix;
        ovs_list_init(&route->cands);
        hmap_insert(&t->routes, &route->node, xf_prefix_hash(prefix, 0));
    }

    struct ct_cand *old = route_find_cand(route, source, metric);
    if (old && cand_nexthops_equal(old, new)) {
        old->stale = false;
        free(new);
        return;
    }

    struct ct_cand *old_best = ct_route_best(route);
    if (old) {
        ovs_list_remove(&old->node);
        t->n_cands[source]--;
    }

    /* Insert in order of preference. */
    struct ct_cand *pos;
    struct ovs_list *before = &route->cands;
    LIST_FOR_EACH (pos, node, &route->cands) {
        if (cand_better(new, pos)) {
            before = &pos->node;
            break;
        }
    }
    ovs_list_insert(before, &new->node);
    t->n_cands[source]++;

    route_changed(t, route, old_best);
    free(old);
}

void
ct_route_unset(struct ct_table *t, const struct xf_prefix *prefix,
               enum ct_source source, uint32_t metric)
{
    struct ct_route *route = route_find(t, prefix);
    if (route) {
        struct ct_cand *cand = route_find_cand(route, source, metric);
        if (cand) {
            route_remove_cand(t, route, cand);
        }
    }
}

static bool
nexthop_matches(const struct ct_nexthop *nh, const struct ct_nexthop *pattern)
{
    return (nh->has_gw == pattern->has_gw
            && (!nh->has_gw || ipv6_addr_equals(&nh->gw, &pattern->gw))
            && (!pattern->dev
                || (nh->dev && !strcmp(nh->dev, pattern->dev))));
}

/* Updates the candidate of 'source' with 'metric' for 'prefix' with the 'n'
 * next hops in 'nexthops', combined with its current ones as 'merge' says
 * (see enum ct_merge). */
void
ct_route_update(struct ct_table *t, const struct xf_prefix *prefix,
                enum ct_source source, uint32_t metric,
                const struct ct_nexthop *nexthops, size_t n,
                enum ct_merge merge)
{
    struct ct_route *route = route_find(t, prefix);
    struct ct_cand *cand = (route ? route_find_cand(route, source, metric)
                            : NULL);
    bool current = cand && !cand->stale;

    switch (merge) {
    case CT_MERGE_REPLACE:
        ct_route_set(t, prefix, source, metric, nexthops, n);
        break;

    case CT_MERGE_KEEP:
        if (!current) {
            ct_route_set(t, prefix, source, metric, nexthops, n);
        }
        break;

    case CT_MERGE_ADD:
        if (!current) {
            ct_route_set(t, prefix, source, metric, nexthops, n);
        } else {
            size_t n_all = cand->n_nexthops + n;
            struct ct_nexthop *all = xmalloc(n_all * sizeof *all);
            memcpy(all, cand->nexthops, cand->n_nexthops * sizeof *all);
            memcpy(all + cand->n_nexthops, nexthops, n * sizeof *all);
            ct_route_set(t, prefix, source, metric, all, n_all);
            free(all);
        }
        break;

    case CT_MERGE_REMOVE:
        if (!cand) {
            break;
        } else if (!n) {
            route_remove_cand(t, route, cand);
        } else {
            struct ct_nexthop *left = xmalloc(cand->n_nexthops
                                              * sizeof *left);
            size_t n_left = 0;
            for (size_t i = 0; i < cand->n_nexthops; i++) {
                bool removed = false;
                for (size_t j = 0; j < n && !removed; j++) {
                    removed = nexthop_matches(&cand->nexthops[i],
                                              &nexthops[j]);
                }
                if (!removed) {
                    left[n_left++] = cand->nexthops[i];
                }
            }
            if (n_left != cand->n_nexthops) {
                bool stale = cand->stale;
                ct_route_set(t, prefix, source, metric, left, n_left);
                cand = route_find(t, prefix)
                       ? route_find_cand(route_find(t, prefix), source,
                                         metric)
                       : NULL;
                if (cand) {
                    cand->stale = stale;
                }
            }
            free(left);
        }
        break;
    }
}

void
ct_routes_mark(struct ct_table *t, enum ct_source source)
{
    struct ct_route *route;

    HMAP_FOR_EACH (route, node, &t->routes) {
        struct ct_cand *cand;
        LIST_FOR_EACH (cand, node, &route->cands) {
            if (cand->source == source) {
                cand->stale = true;
            }
        }
    }
}

/* Removes every candidate of 'source' marked by ct_routes_mark() and not set
 * since.  Returns how many were removed. */
size_t
ct_routes_sweep(struct ct_table *t, enum ct_source source)
{
    struct ct_route *route;
    size_t n = 0;

    HMAP_FOR_EACH_SAFE (route, node, &t->routes) {
        for (;;) {
            struct ct_cand *cand, *victim = NULL;
            LIST_FOR_EACH (cand, node, &route->cands) {
                if (cand->source == source && cand->stale) {
                    victim = cand;
                    break;
                }
            }
            if (!victim) {
                break;
            }

            /* Removing the last candidate may free 'route'. */
            bool last = ovs_list_is_singleton(&route->cands);
            route_remove_cand(t, route, victim);
            n++;
            if (last) {
                break;
            }
        }
    }
    return n;
}
