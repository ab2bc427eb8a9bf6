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

/* A router's mark-and-sweep and withdrawal (router.h): removing the
 * entries a resynchronisation did not keep, a whole table at once or in
 * steps, and every entry of a router. */

#include <config.h>

#include "xenflow/router.h"

#include "coverage.h"
#include "util.h"
#include "xenflow/bridges.h"
#include "xenflow/cookie.h"
#include "xenflow/flowsync.h"
#include "xenflow/flowsync-bulk.h"
#include "xenflow/memtrim.h"
#include "xenflow/prefix-order.h"
#include "xenflow/rib.h"

COVERAGE_DEFINE(xenflow_sweep_all); /* Whole tables swept by owner. */
COVERAGE_DEFINE(xenflow_sweep_step); /* Steps of a stepwise sweep. */

/* Withdraws every route of 'r', stale or not, and its ECMP groups: at
 * once out of the RIB and out of flowsync's lists (a route set meanwhile is
 * a new one), then in steps, as bulk work: flowsync drains the flows
 * (flowsync-bulk.h) and deletes the groups after them, and
 * xf_routers_run() (or a sweep's steps) frees the routes
 * (xf_rib_free_withdrawn()).  Done in one main-loop iteration, a million
 * routes took most of a second of it (issue 16).  The caller updates
 * 'n_stale'.  Returns how many routes went. */
static size_t
withdraw_routes(struct xf_router *r)
{
    struct xf_flowsync *fs = xf_bridge_flows(r->bridge);

    if (fs) {
        xf_flowsync_drain_start(fs, r->id, XF_FLOW_ROUTE);
    }
    xf_router_clear_groups(r);
    size_t n = xf_rib_withdraw_routes(&r->rib);
    r->n_routes_offloaded = 0;
    r->n_route_updates += n;
    return n;
}

/* Removes every neighbour of 'r', stale or not, through flowsync's index
 * by owner and kind: no flow lookup per entry.  Returns how many went. */
static size_t
withdraw_neighs(struct xf_router *r)
{
    struct xf_flowsync *fs = xf_bridge_flows(r->bridge);
    struct xf_neigh *neigh;
    size_t n = hmap_count(&r->rib.neighs);

    if (fs) {
        xf_flowsync_remove_owner(fs, r->id, XF_FLOW_KIND_BIT(XF_FLOW_NEIGH));
    }
    HMAP_FOR_EACH_POP (neigh, node, &r->rib.neighs) {
        free(neigh);
    }
    hmap_shrink(&r->rib.neighs);
    r->n_neighs_offloaded = 0;
    r->n_neigh_updates += n;
    return n;
}

/* Removes the 'n' routes in 'stale', which the caller took out of 'r''s
 * routes, in address order (prefix-order.h). */
static void
remove_routes_ordered(struct xf_router *r, struct xf_route **stale, size_t n)
{
    size_t n_ordered = n <= XF_PREFIX_ORDER_MAX ? n : 0;
    struct xf_prefix_order order;

    xf_prefix_order_init(&order, n_ordered);
    for (size_t i = 0; i < n_ordered; i++) {
        struct xf_prefix prefix = xf_route_prefix(stale[i]);
        xf_prefix_order_add(&order, &prefix, i);
    }
    xf_prefix_order_sort(&order);
    for (size_t i = 0; i < n; i++) {
        xf_router_remove_route_entry(r, stale[xf_prefix_order_get(&order, i)]);
    }
    xf_prefix_order_destroy(&order);
    r->n_route_updates += n;
}

/* How many buckets ahead sweep_buckets() prefetches. */
#define SWEEP_PREFETCH 16

/* Takes the routes of 'r' still marked stale out of its routes, from bucket
 * '*bucket' on, until it has looked at 'max' routes or the last bucket, and
 * removes them.  Returns how many it removed. */
static size_t
sweep_buckets(struct xf_router *r, size_t *bucket, size_t max)
{
    struct hmap *routes = &r->rib.routes;
    struct xf_route **stale = NULL;
    size_t n = 0, allocated = 0, visited = 0;

    for (; *bucket <= routes->mask && visited < max; ++*bucket) {
        /* The buckets are walked in order, their routes are scattered
         * over the heap: prefetch a few buckets' first routes ahead. */
        if (*bucket + SWEEP_PREFETCH <= routes->mask) {
            OVS_PREFETCH(routes->buckets[*bucket + SWEEP_PREFETCH]);
        }
        struct hmap_node *node = routes->buckets[*bucket];
        for (; node; visited++) {
            struct xf_route *route = CONTAINER_OF(node, struct xf_route, node);
            node = node->next;
            if (xf_rib_route_is_stale(&r->rib, route)) {
                if (n >= allocated) {
                    stale = x2nrealloc(stale, &allocated, sizeof *stale);
                }
                hmap_remove(routes, &route->node);
                r->rib.n_stale--;
                stale[n++] = route;
            }
        }
    }
    remove_routes_ordered(r, stale, n);
    free(stale);
    return n;
}

static size_t
count_stale_neighs(const struct xf_router *r)
{
    const struct xf_neigh *neigh;
    size_t n = 0;

    HMAP_FOR_EACH (neigh, node, &r->rib.neighs) {
        n += neigh->stale;
    }
    return n;
}

/* Starts removing the stale routes of 'r' in steps (xf_router_sweep_step()).
 * When none of its routes was kept the whole table goes (withdraw_routes()),
 * and the steps free the routes as well and wait for the drain.  Returns
 * how many routes it removed. */
size_t
xf_router_sweep_start(struct xf_router *r, struct xf_router_sweep *s)
{
    size_t n_routes = r->rib.n_stale - count_stale_neighs(r);

    s->bucket = 0;
    s->mask = r->rib.routes.mask;
    s->done = !n_routes;
    s->withdrawing = n_routes && n_routes == hmap_count(&r->rib.routes);
    if (!s->withdrawing) {
        return 0;
    }
    COVERAGE_INC(xenflow_sweep_all);
    size_t n = withdraw_routes(r);
    r->rib.n_stale -= n;
    return n;
}

/* Removes the stale routes among the next 'max' or so routes of 'r' that
 * '*s' has not looked at; sets 's->done' after the last bucket.  Between
 * steps a route set again is no longer stale, one added is not, and a
 * resized table is walked again from its first bucket.  xf_router_sweep()
 * ends the sweep: stale neighbours, any stale route a walk did not see. */
size_t
xf_router_sweep_step(struct xf_router *r, struct xf_router_sweep *s,
                     size_t max)
{
    struct hmap *routes = &r->rib.routes;

    if (s->done) {
        return 0;
    } else if (s->withdrawing) {
        /* flowsync drains the flows (xf_flowsync_run()); the routes are
         * freed here. */
        struct xf_flowsync *fs = xf_bridge_flows(r->bridge);
        bool flows_done = !fs || !xf_flowsync_drains_of(
            fs, r->id, XF_FLOW_KIND_BIT(XF_FLOW_ROUTE));
        s->done = xf_rib_free_withdrawn(&r->rib, max) && flows_done;
        COVERAGE_INC(xenflow_sweep_step);
        return 0;
    } else if (s->mask != routes->mask) {
        s->mask = routes->mask;
        s->bucket = 0;
    }
    COVERAGE_INC(xenflow_sweep_step);
    size_t n = sweep_buckets(r, &s->bucket, max);
    if (s->bucket > routes->mask) {
        s->done = true;
        xf_hmap_shrink_sparse(routes);
        xf_router_promote(r);   /* xf_router_sweep() may have nothing left. */
    }
    return n;
}

/* Removes every route and neighbour still marked stale. */
size_t
xf_router_sweep(struct xf_router *r)
{
    struct xf_neigh *neigh;
    size_t n = 0;

    if (!r->rib.n_stale) {
        /* Everything was set again: a walk over a million routes saved,
         * after a client's snapshot that reconciled with a pre-copy. */
        return 0;
    }

    /* A table none of whose entries was kept goes whole, by owner
     * (withdraw_routes(), withdraw_neighs()).  Neighbours are few: count
     * theirs, and the rest of the stale entries are routes. */
    size_t n_neighs = count_stale_neighs(r);
    size_t n_routes = r->rib.n_stale - n_neighs;
    if (n_routes && n_routes == hmap_count(&r->rib.routes)) {
        COVERAGE_INC(xenflow_sweep_all);
        n += withdraw_routes(r);
    } else if (n_routes) {
        size_t bucket = 0;      /* In address order, all at once. */
        n += sweep_buckets(r, &bucket, SIZE_MAX);
        xf_hmap_shrink_sparse(&r->rib.routes);
    }
    if (n_neighs && n_neighs == hmap_count(&r->rib.neighs)) {
        COVERAGE_INC(xenflow_sweep_all);
        n += withdraw_neighs(r);
    } else if (n_neighs) {
        HMAP_FOR_EACH_SAFE (neigh, node, &r->rib.neighs) {
            if (neigh->stale) {
                hmap_remove(&r->rib.neighs, &neigh->node);
                xf_router_remove_neigh_entry(r, neigh);
                r->n_neigh_updates++;
                n++;
            }
        }
    }
    r->rib.n_stale = 0;
    xf_router_promote(r);
    return n;
}

/* Withdraws every route and neighbour of 'r' (its traffic goes to the VM
 * again): a migrated router's copy released or abandoned, a client gone for
 * good.  Returns how many entries were removed.
 *
 * Not one by one, which costs a flow lookup each (seconds for a million
 * routes): through flowsync's index by owner, the routes in steps
 * (withdraw_routes()). */
size_t
xf_router_withdraw_all(struct xf_router *r)
{
    size_t n = withdraw_routes(r) + withdraw_neighs(r);
    r->rib.n_stale = 0;
    return n;
}
