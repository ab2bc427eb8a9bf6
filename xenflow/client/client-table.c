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

#include "xenflow/client/client-table.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "xenflow/client/client-table-private.h"

static const char *const source_names[CT_N_SOURCES] = {
    [CT_SRC_FPM] = "fpm",
    [CT_SRC_KERNEL] = "kernel",
    [CT_SRC_CONNECTED] = "connected",
};

const char *
ct_source_to_string(enum ct_source source)
{
    return source < CT_N_SOURCES ? source_names[source] : "<invalid>";
}

bool
ct_source_from_string(const char *s, enum ct_source *source)
{
    for (int i = 0; i < CT_N_SOURCES; i++) {
        if (!strcmp(s, source_names[i])) {
            *source = i;
            return true;
        }
    }
    return false;
}

struct ct_table *
ct_table_create(void)
{
    struct ct_table *t = xzalloc(sizeof *t);

    hmap_init(&t->routes);
    hmap_init(&t->neighs);
    ovs_list_init(&t->pending);
    t->barrier.type = CT_BARRIER;
    sset_init(&t->devs);
    shash_init(&t->ifaces);
    shash_init(&t->new_ifaces);
    return t;
}

static void
ct_iface_free(struct ct_iface *iface)
{
    if (iface) {
        sset_destroy(&iface->addrs);
        free(iface->name);
        free(iface);
    }
}

void
ct_ifaces_clear(struct shash *ifaces)
{
    struct shash_node *node;

    SHASH_FOR_EACH_SAFE (node, ifaces) {
        ct_iface_free(node->data);
        shash_delete(ifaces, node);
    }
}

void
ct_table_destroy(struct ct_table *t)
{
    if (!t) {
        return;
    }

    struct ct_route *route;
    HMAP_FOR_EACH_POP (route, node, &t->routes) {
        struct ct_cand *cand;
        LIST_FOR_EACH_POP (cand, node, &route->cands) {
            free(cand);
        }
        free(route);
    }
    hmap_destroy(&t->routes);

    struct ct_neigh *neigh;
    HMAP_FOR_EACH_POP (neigh, node, &t->neighs) {
        free(neigh);
    }
    hmap_destroy(&t->neighs);

    ct_ifaces_clear(&t->ifaces);
    shash_destroy(&t->ifaces);
    ct_ifaces_clear(&t->new_ifaces);
    shash_destroy(&t->new_ifaces);
    sset_destroy(&t->devs);
    free(t);
}

const char *
ct_intern(struct ct_table *t, const char *name)
{
    struct sset_node *node = sset_find(&t->devs, name);
    if (!node) {
        node = sset_add(&t->devs, name);
    }
    return node->name;
}

/* The pending queue. */

void
ct_entry_enqueue(struct ct_table *t, struct ct_entry *e)
{
    if (!e->pending) {
        ovs_list_push_back(&t->pending, &e->pending_node);
        e->pending = true;
        t->n_pending++;
    }
}

void
ct_entry_dequeue(struct ct_table *t, struct ct_entry *e)
{
    if (e->pending) {
        ovs_list_remove(&e->pending_node);
        e->pending = false;
        t->n_pending--;
    }
}

/* Frees 'route', which has no candidate left (a tombstone that need not or
 * no longer needs to be sent). */
void
ct_route_free(struct ct_table *t, struct ct_route *route)
{
    ovs_assert(ovs_list_is_empty(&route->cands));
    ct_entry_dequeue(t, &route->e);
    hmap_remove(&t->routes, &route->node);
    free(route);
}

/* Frees 'neigh' (not present: a tombstone that need not or no longer needs
 * to be sent). */
void
ct_neigh_free(struct ct_table *t, struct ct_neigh *neigh)
{
    ct_entry_dequeue(t, &neigh->e);
    hmap_remove(&t->neighs, &neigh->node);
    free(neigh);
}

/* Statistics and display. */

void
ct_get_stats(const struct ct_table *t, struct ct_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    stats->n_routes = t->n_routes;
    memcpy(stats->n_candidates, t->n_cands, sizeof stats->n_candidates);
    stats->n_neighs = t->n_neighs;
    stats->n_ifaces = shash_count(&t->ifaces);
    stats->n_pending = t->n_pending;
    stats->n_nexthops_dropped = t->n_nexthops_dropped;
}

static int
addr_cmp(const struct in6_addr *a, const struct in6_addr *b)
{
    /* IPv4 (v4-mapped) first, then numerically. */
    bool a4 = xf_addr_is_ipv4(a), b4 = xf_addr_is_ipv4(b);
    return a4 != b4 ? (a4 ? -1 : 1) : memcmp(a, b, sizeof *a);
}

static int
route_qsort_cmp(const void *a_, const void *b_)
{
    const struct ct_route *const *a = a_;
    const struct ct_route *const *b = b_;
    int cmp = addr_cmp(&(*a)->prefix.addr, &(*b)->prefix.addr);
    return cmp ? cmp : (int) (*a)->prefix.plen - (int) (*b)->prefix.plen;
}

static int
neigh_qsort_cmp(const void *a_, const void *b_)
{
    const struct ct_neigh *const *a = a_;
    const struct ct_neigh *const *b = b_;
    int cmp = strcmp((*a)->dev, (*b)->dev);
    return cmp ? cmp : addr_cmp(&(*a)->ip, &(*b)->ip);
}

static void
format_nexthops(const struct ct_cand *cand, struct ds *s)
{
    for (size_t i = 0; i < cand->n_nexthops; i++) {
        const struct ct_nexthop *nh = &cand->nexthops[i];
        if (nh->has_gw) {
            ds_put_cstr(s, " via ");
            xf_addr_format(&nh->gw, s);
        }
        if (nh->dev) {
            ds_put_format(s, " dev %s", nh->dev);
        }
        if (i + 1 < cand->n_nexthops) {
            ds_put_cstr(s, " |");
        }
    }
}

/* Appends a human-readable dump of 't' to 's', sorted, one entry per line:
 * interfaces, routes (the candidate in use first, then the others as
 * "(also ...)"; "withdrawing" for tombstones) and neighbours. */
void
ct_format(const struct ct_table *t, struct ds *s)
{
    const struct shash_node **ifaces = shash_sort(&t->ifaces);
    for (size_t i = 0; i < shash_count(&t->ifaces); i++) {
        const struct ct_iface *iface = ifaces[i]->data;
        ds_put_format(s, "interface %s "ETH_ADDR_FMT, iface->name,
                      ETH_ADDR_ARGS(iface->mac));
        const char **addrs = sset_sort(&iface->addrs);
        for (size_t j = 0; j < sset_count(&iface->addrs); j++) {
            ds_put_format(s, " %s", addrs[j]);
        }
        free(addrs);
        ds_put_char(s, '\n');
    }
    free(ifaces);

    size_t n = hmap_count(&t->routes), i = 0;
    const struct ct_route **routes = xmalloc(n * sizeof *routes);
    const struct ct_route *route;
    HMAP_FOR_EACH (route, node, &t->routes) {
        routes[i++] = route;
    }
    qsort(routes, n, sizeof *routes, route_qsort_cmp);
    for (i = 0; i < n; i++) {
        route = routes[i];
        ds_put_cstr(s, "route ");
        xf_prefix_format(&route->prefix, s);

        const struct ct_cand *cand;
        bool first = true;
        LIST_FOR_EACH (cand, node, &route->cands) {
            ds_put_cstr(s, first ? "" : " (also");
            format_nexthops(cand, s);
            ds_put_format(s, " [%s %"PRIu32"]%s",
                          ct_source_to_string(cand->source), cand->metric,
                          first ? "" : ")");
            first = false;
        }
        if (first) {
            ds_put_cstr(s, " withdrawing");
        }
        ds_put_char(s, '\n');
    }
    free(routes);

    n = hmap_count(&t->neighs);
    const struct ct_neigh **neighs = xmalloc(n * sizeof *neighs);
    const struct ct_neigh *neigh;
    i = 0;
    HMAP_FOR_EACH (neigh, node, &t->neighs) {
        neighs[i++] = neigh;
    }
    qsort(neighs, n, sizeof *neighs, neigh_qsort_cmp);
    for (i = 0; i < n; i++) {
        neigh = neighs[i];
        ds_put_cstr(s, "neighbor ");
        xf_addr_format(&neigh->ip, s);
        ds_put_format(s, " dev %s", neigh->dev);
        if (neigh->present) {
            ds_put_format(s, " lladdr "ETH_ADDR_FMT,
                          ETH_ADDR_ARGS(neigh->mac));
        } else {
            ds_put_cstr(s, " withdrawing");
        }
        ds_put_char(s, '\n');
    }
    free(neighs);
}
