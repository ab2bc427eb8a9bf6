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
#include "openvswitch/hmap.h"
#include "openvswitch/json.h"
#include "openvswitch/list.h"
#include "openvswitch/shash.h"
#include "sset.h"
#include "util.h"

enum ct_entry_type {
    CT_ROUTE,
    CT_NEIGH,
    CT_BARRIER
};

/* What routes and neighbours have in common: their place in the pending
 * queue and whether the server may hold them. */
struct ct_entry {
    struct ovs_list pending_node; /* In ct_table's 'pending' if 'pending'. */
    enum ct_entry_type type;
    bool pending;
    bool announced;             /* Sent since the last sync-begin. */
};

/* One source's proposal for a prefix. */
struct ct_cand {
    struct ovs_list node;       /* In ct_route's 'cands', best first. */
    enum ct_source source;
    uint32_t metric;
    bool stale;                 /* Marked, not re-set since (mark/sweep). */
    size_t n_nexthops;
    struct ct_nexthop nexthops[]; /* Sorted, distinct; 'dev' interned. */
};

struct ct_route {
    struct ct_entry e;
    struct hmap_node node;      /* In ct_table's 'routes'. */
    struct xf_prefix prefix;
    struct ovs_list cands;      /* Empty: a tombstone awaiting withdrawal. */
};

struct ct_neigh {
    struct ct_entry e;
    struct hmap_node node;      /* In ct_table's 'neighs'. */
    const char *dev;            /* Interned. */
    struct in6_addr ip;
    struct eth_addr mac;
    bool present;               /* false: a tombstone awaiting withdrawal. */
    bool stale;
};

struct ct_iface {
    char *name;
    struct eth_addr mac;
    struct sset addrs;          /* "ADDRESS/PLEN" strings. */
};

struct ct_table {
    struct hmap routes;         /* Contains "struct ct_route"s. */
    struct hmap neighs;         /* Contains "struct ct_neigh"s. */
    struct ovs_list pending;    /* Contains "struct ct_entry"s. */
    size_t n_pending;
    struct ct_entry barrier;    /* End of a snapshot, when pending. */
    struct sset devs;           /* Interned interface names. */

    struct shash ifaces;        /* Contains "struct ct_iface"s. */
    struct shash new_ifaces;    /* Being built: ct_ifaces_begin/commit. */
    uint64_t ifaces_seqno;

    size_t n_routes;            /* Routes with at least one candidate. */
    size_t n_cands[CT_N_SOURCES];
    size_t n_neighs;            /* Present neighbours. */
    uint64_t n_nexthops_dropped;
    bool text_routes;           /* Server takes "routes-text". */
};

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

static void
ifaces_clear(struct shash *ifaces)
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

    ifaces_clear(&t->ifaces);
    shash_destroy(&t->ifaces);
    ifaces_clear(&t->new_ifaces);
    shash_destroy(&t->new_ifaces);
    sset_destroy(&t->devs);
    free(t);
}

static const char *
intern(struct ct_table *t, const char *name)
{
    struct sset_node *node = sset_find(&t->devs, name);
    if (!node) {
        node = sset_add(&t->devs, name);
    }
    return node->name;
}

/* The pending queue. */

static void
entry_enqueue(struct ct_table *t, struct ct_entry *e)
{
    if (!e->pending) {
        ovs_list_push_back(&t->pending, &e->pending_node);
        e->pending = true;
        t->n_pending++;
    }
}

static void
entry_dequeue(struct ct_table *t, struct ct_entry *e)
{
    if (e->pending) {
        ovs_list_remove(&e->pending_node);
        e->pending = false;
        t->n_pending--;
    }
}

/* Routes. */

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
        dst->dev = nh->dev ? intern(t, nh->dev) : NULL;
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
route_best(const struct ct_route *route)
{
    return (ovs_list_is_empty(&route->cands)
            ? NULL
            : CONTAINER_OF(ovs_list_front(&route->cands), struct ct_cand,
                           node));
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

static void
route_free(struct ct_table *t, struct ct_route *route)
{
    ovs_assert(ovs_list_is_empty(&route->cands));
    entry_dequeue(t, &route->e);
    hmap_remove(&t->routes, &route->node);
    free(route);
}

/* Called after 'route''s candidates changed, with 'old_best' its best
 * candidate before (possibly already unlinked, but not yet freed). */
static void
route_changed(struct ct_table *t, struct ct_route *route,
              const struct ct_cand *old_best)
{
    const struct ct_cand *new_best = route_best(route);

    if (!new_best) {
        if (old_best) {
            t->n_routes--;
        }
        if (route->e.announced) {
            entry_enqueue(t, &route->e);      /* Withdrawal. */
        } else {
            route_free(t, route);
        }
    } else {
        if (!old_best) {
            t->n_routes++;
        }
        if (!old_best || !cand_nexthops_equal(old_best, new_best)) {
            entry_enqueue(t, &route->e);
        }
    }
}

static void
route_remove_cand(struct ct_table *t, struct ct_route *route,
                  struct ct_cand *cand)
{
    struct ct_cand *old_best = route_best(route);

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

    struct ct_cand *old_best = route_best(route);
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

/* Neighbours. */

static uint32_t
neigh_hash(const char *dev, const struct in6_addr *ip)
{
    return hash_bytes(ip, sizeof *ip, hash_string(dev, 0));
}

static struct ct_neigh *
neigh_find(const struct ct_table *t, const char *dev,
           const struct in6_addr *ip)
{
    struct ct_neigh *neigh;

    HMAP_FOR_EACH_WITH_HASH (neigh, node, neigh_hash(dev, ip), &t->neighs) {
        if (!strcmp(neigh->dev, dev) && ipv6_addr_equals(&neigh->ip, ip)) {
            return neigh;
        }
    }
    return NULL;
}

static void
neigh_remove(struct ct_table *t, struct ct_neigh *neigh)
{
    if (neigh->present) {
        neigh->present = false;
        t->n_neighs--;
    }
    if (neigh->e.announced) {
        entry_enqueue(t, &neigh->e);          /* Withdrawal. */
    } else {
        entry_dequeue(t, &neigh->e);
        hmap_remove(&t->neighs, &neigh->node);
        free(neigh);
    }
}

void
ct_neigh_set(struct ct_table *t, const char *dev, const struct in6_addr *ip,
             const struct eth_addr *mac)
{
    struct ct_neigh *neigh = neigh_find(t, dev, ip);

    if (!neigh) {
        neigh = xzalloc(sizeof *neigh);
        neigh->e.type = CT_NEIGH;
        neigh->dev = intern(t, dev);
        neigh->ip = *ip;
        hmap_insert(&t->neighs, &neigh->node, neigh_hash(dev, ip));
    }
    neigh->stale = false;
    if (!neigh->present || !eth_addr_equals(neigh->mac, *mac)) {
        if (!neigh->present) {
            neigh->present = true;
            t->n_neighs++;
        }
        neigh->mac = *mac;
        entry_enqueue(t, &neigh->e);
    }
}

void
ct_neigh_unset(struct ct_table *t, const char *dev, const struct in6_addr *ip)
{
    struct ct_neigh *neigh = neigh_find(t, dev, ip);

    if (neigh && neigh->present) {
        neigh_remove(t, neigh);
    }
}

void
ct_neighs_mark(struct ct_table *t)
{
    struct ct_neigh *neigh;

    HMAP_FOR_EACH (neigh, node, &t->neighs) {
        neigh->stale = true;
    }
}

size_t
ct_neighs_sweep(struct ct_table *t)
{
    struct ct_neigh *neigh;
    size_t n = 0;

    HMAP_FOR_EACH_SAFE (neigh, node, &t->neighs) {
        if (neigh->present && neigh->stale) {
            neigh_remove(t, neigh);
            n++;
        }
    }
    return n;
}

/* Interfaces. */

void
ct_ifaces_begin(struct ct_table *t)
{
    ifaces_clear(&t->new_ifaces);
}

void
ct_iface_add(struct ct_table *t, const char *name, const struct eth_addr *mac)
{
    struct ct_iface *iface = shash_find_data(&t->new_ifaces, name);

    if (!iface) {
        iface = xzalloc(sizeof *iface);
        iface->name = xstrdup(name);
        sset_init(&iface->addrs);
        shash_add(&t->new_ifaces, name, iface);
    }
    iface->mac = *mac;
}

/* Adds 'addr'/'plen' to interface 'name', which must have been added with
 * ct_iface_add() since ct_ifaces_begin() (otherwise the address is
 * ignored). */
void
ct_iface_add_addr(struct ct_table *t, const char *name,
                  const struct in6_addr *addr, int plen)
{
    struct ct_iface *iface = shash_find_data(&t->new_ifaces, name);

    if (iface) {
        struct ds s = DS_EMPTY_INITIALIZER;
        xf_addr_format(addr, &s);
        ds_put_format(&s, "/%d", plen);
        sset_add_and_free(&iface->addrs, ds_steal_cstr(&s));
    }
}

static bool
ifaces_equal(const struct shash *a, const struct shash *b)
{
    struct shash_node *node;

    if (shash_count(a) != shash_count(b)) {
        return false;
    }
    SHASH_FOR_EACH (node, a) {
        const struct ct_iface *x = node->data;
        const struct ct_iface *y = shash_find_data(b, node->name);
        if (!y || !eth_addr_equals(x->mac, y->mac)
            || !sset_equals(&x->addrs, &y->addrs)) {
            return false;
        }
    }
    return true;
}

bool
ct_ifaces_commit(struct ct_table *t)
{
    if (ifaces_equal(&t->ifaces, &t->new_ifaces)) {
        ifaces_clear(&t->new_ifaces);
        return false;
    }
    ifaces_clear(&t->ifaces);
    shash_swap(&t->ifaces, &t->new_ifaces);
    t->ifaces_seqno++;
    return true;
}

uint64_t
ct_ifaces_seqno(const struct ct_table *t)
{
    return t->ifaces_seqno;
}

static struct json *
mac_to_json(const struct eth_addr *mac)
{
    return json_string_create_nocopy(xasprintf(ETH_ADDR_FMT,
                                               ETH_ADDR_ARGS(*mac)));
}

static struct json *
addr_to_json(const struct in6_addr *addr)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    xf_addr_format(addr, &s);
    return json_string_create_nocopy(ds_steal_cstr(&s));
}

static struct json *
prefix_to_json(const struct xf_prefix *prefix)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    xf_prefix_format(prefix, &s);
    return json_string_create_nocopy(ds_steal_cstr(&s));
}

/* Returns the interfaces as the "interfaces" member of "hello": an array of
 * {"name", "mac", "addresses"} objects sorted by name. */
struct json *
ct_ifaces_to_json(const struct ct_table *t)
{
    const struct shash_node **nodes = shash_sort(&t->ifaces);
    struct json *array = json_array_create_empty();

    for (size_t i = 0; i < shash_count(&t->ifaces); i++) {
        const struct ct_iface *iface = nodes[i]->data;
        struct json *obj = json_object_create();
        json_object_put_string(obj, "name", iface->name);
        json_object_put(obj, "mac", mac_to_json(&iface->mac));

        struct json *addrs = json_array_create_empty();
        const char **sorted = sset_sort(&iface->addrs);
        for (size_t j = 0; j < sset_count(&iface->addrs); j++) {
            json_array_add(addrs, json_string_create(sorted[j]));
        }
        free(sorted);
        json_object_put(obj, "addresses", addrs);
        json_array_add(array, obj);
    }
    free(nodes);
    return array;
}

/* Draining. */

/* Forgets what the server knows and queues every entry, then the barrier.
 * The caller sends "sync-begin" first. */
void
ct_snapshot_start(struct ct_table *t)
{
    while (!ovs_list_is_empty(&t->pending)) {
        struct ct_entry *e = CONTAINER_OF(ovs_list_front(&t->pending),
                                          struct ct_entry, pending_node);
        entry_dequeue(t, e);
    }

    struct ct_route *route;
    HMAP_FOR_EACH_SAFE (route, node, &t->routes) {
        route->e.announced = false;
        if (ovs_list_is_empty(&route->cands)) {
            route_free(t, route);
        } else {
            entry_enqueue(t, &route->e);
        }
    }

    struct ct_neigh *neigh;
    HMAP_FOR_EACH_SAFE (neigh, node, &t->neighs) {
        neigh->e.announced = false;
        if (!neigh->present) {
            hmap_remove(&t->neighs, &neigh->node);
            free(neigh);
        } else {
            entry_enqueue(t, &neigh->e);
        }
    }

    entry_enqueue(t, &t->barrier);
}

enum ct_pending
ct_pending(const struct ct_table *t)
{
    if (ovs_list_is_empty(&t->pending)) {
        return CT_PENDING_NONE;
    }
    const struct ct_entry *e = CONTAINER_OF(ovs_list_front(&t->pending),
                                            struct ct_entry, pending_node);
    return e->type == CT_BARRIER ? CT_PENDING_BARRIER : CT_PENDING_ENTRIES;
}

void
ct_snapshot_finish(struct ct_table *t)
{
    ovs_assert(ct_pending(t) == CT_PENDING_BARRIER);
    entry_dequeue(t, &t->barrier);
}

static struct json *
route_to_json(const struct ct_route *route, size_t *bytes)
{
    const struct ct_cand *best = route_best(route);
    struct json *obj = json_object_create();
    struct json *nexthops = json_array_create_empty();

    json_object_put(obj, "dst", prefix_to_json(&route->prefix));
    for (size_t i = 0; i < best->n_nexthops; i++) {
        const struct ct_nexthop *nh = &best->nexthops[i];
        struct json *nh_json = json_object_create();
        if (nh->has_gw) {
            json_object_put(nh_json, "gw", addr_to_json(&nh->gw));
        }
        if (nh->dev) {
            json_object_put_string(nh_json, "dev", nh->dev);
        }
        json_array_add(nexthops, nh_json);
    }
    json_object_put(obj, "nexthops", nexthops);
    *bytes += 40 + 64 * best->n_nexthops;
    return obj;
}

/* Returns 'route' as one "routes-text" string ("PREFIX via GW dev DEV..."),
 * or NULL if its next hops cannot be written that way unambiguously (a
 * next hop without an interface). */
static struct json *
route_to_text(const struct ct_route *route, size_t *bytes)
{
    const struct ct_cand *best = route_best(route);
    struct ds s = DS_EMPTY_INITIALIZER;

    xf_prefix_format(&route->prefix, &s);
    for (size_t i = 0; i < best->n_nexthops; i++) {
        const struct ct_nexthop *nh = &best->nexthops[i];
        if (!nh->dev) {
            ds_destroy(&s);
            return NULL;
        }
        if (nh->has_gw) {
            ds_put_cstr(&s, " via ");
            xf_addr_format(&nh->gw, &s);
        }
        ds_put_format(&s, " dev %s", nh->dev);
    }
    *bytes += s.length + 8;
    return json_string_create_nocopy(ds_steal_cstr(&s));
}

/* Whether updates may carry routes as "routes-text" strings (the server
 * said so in its hello result): a third of the JSON objects for the server
 * to decode. */
void
ct_set_text_routes(struct ct_table *t, bool text_routes)
{
    t->text_routes = text_routes;
}

static struct json *
neigh_to_json(const struct ct_neigh *neigh, bool withdrawn, size_t *bytes)
{
    struct json *obj = json_object_create();

    json_object_put(obj, "ip", addr_to_json(&neigh->ip));
    if (!withdrawn) {
        json_object_put(obj, "mac", mac_to_json(&neigh->mac));
    }
    json_object_put_string(obj, "dev", neigh->dev);
    *bytes += 96;
    return obj;
}

static void
add_member(struct json *params, const char *name, struct json *array)
{
    if (json_array(array)->n) {
        json_object_put(params, name, array);
    } else {
        json_destroy(array);
    }
}

/* Dequeues up to 'max_entries' pending entries (stopping at the snapshot
 * barrier) and returns them as the parameter object of an "update" request,
 * or NULL if nothing is pending before the barrier.  'max_bytes' roughly caps
 * the message size (at least one entry is always taken).  Adds what was
 * taken to '*counts'. */
struct json *
ct_next_update(struct ct_table *t, size_t max_entries, size_t max_bytes,
               struct ct_update_counts *counts)
{
    struct json *routes = json_array_create_empty();
    struct json *routes_text = json_array_create_empty();
    struct json *routes_withdrawn = json_array_create_empty();
    struct json *neighs = json_array_create_empty();
    struct json *neighs_withdrawn = json_array_create_empty();
    size_t n = 0, bytes = 0;

    while (n < MAX(max_entries, 1) && (!n || bytes < max_bytes)
           && ct_pending(t) == CT_PENDING_ENTRIES) {
        struct ct_entry *e = CONTAINER_OF(ovs_list_front(&t->pending),
                                          struct ct_entry, pending_node);
        entry_dequeue(t, e);
        n++;

        if (e->type == CT_ROUTE) {
            struct ct_route *route = CONTAINER_OF(e, struct ct_route, e);
            if (route_best(route)) {
                struct json *text = (t->text_routes
                                     ? route_to_text(route, &bytes) : NULL);
                if (text) {
                    json_array_add(routes_text, text);
                } else {
                    json_array_add(routes, route_to_json(route, &bytes));
                }
                route->e.announced = true;
                counts->routes++;
            } else {
                json_array_add(routes_withdrawn,
                               prefix_to_json(&route->prefix));
                bytes += 48;
                counts->routes_withdrawn++;
                route->e.announced = false;
                route_free(t, route);
            }
        } else {
            struct ct_neigh *neigh = CONTAINER_OF(e, struct ct_neigh, e);
            ovs_assert(e->type == CT_NEIGH);
            if (neigh->present) {
                json_array_add(neighs, neigh_to_json(neigh, false, &bytes));
                neigh->e.announced = true;
                counts->neighs++;
            } else {
                json_array_add(neighs_withdrawn,
                               neigh_to_json(neigh, true, &bytes));
                counts->neighs_withdrawn++;
                hmap_remove(&t->neighs, &neigh->node);
                free(neigh);
            }
        }
    }

    struct json *params = json_object_create();
    add_member(params, "routes", routes);
    add_member(params, "routes-text", routes_text);
    add_member(params, "routes-withdrawn", routes_withdrawn);
    add_member(params, "neighbors", neighs);
    add_member(params, "neighbors-withdrawn", neighs_withdrawn);
    if (!n) {
        json_destroy(params);
        return NULL;
    }
    return params;
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
