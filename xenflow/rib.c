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

#include "xenflow/rib.h"

#include <string.h>

#include "coverage.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"
#include "xenflow/memtrim.h"

/* Routes set again, through the route their caller found earlier
 * (xenflow/load --replace), to the next hops they already have. */
COVERAGE_DEFINE(xenflow_load_unchanged);

/* The next hops of one or more routes of a rib.  A million routes go
 * through a few thousand sets of next hops (16 gateways, some ECMP over 2
 * to 4 of them), so routes share them: a route is then 56 bytes, a 64-byte
 * block with malloc's header, rather than 88 (and an array for ECMP) with
 * its next hop inline, and whether a route's next hops changed is one
 * pointer comparison. */
struct xf_nexthop_set {
    struct hmap_node node;      /* In the rib's 'nexthop_sets'. */
    unsigned int refcount;      /* Routes through it. */
    uint8_t n;
    struct xf_nexthop nexthops[]; /* Sorted, 'dev's interned. */
};

void
xf_rib_init(struct xf_rib *rib)
{
    hmap_init(&rib->routes);
    ovs_list_init(&rib->graves);
    hmap_init(&rib->nexthop_sets);
    hmap_init(&rib->neighs);
    sset_init(&rib->devs);
    rib->n_stale = 0;
}

void
xf_rib_destroy(struct xf_rib *rib)
{
    struct xf_route *route;
    struct xf_neigh *neigh;

    HMAP_FOR_EACH_POP (route, node, &rib->routes) {
        xf_rib_route_free(rib, route);
    }
    hmap_destroy(&rib->routes);
    xf_rib_free_withdrawn(rib, SIZE_MAX);
    ovs_assert(hmap_is_empty(&rib->nexthop_sets));
    hmap_destroy(&rib->nexthop_sets);
    HMAP_FOR_EACH_POP (neigh, node, &rib->neighs) {
        free(neigh);
    }
    hmap_destroy(&rib->neighs);
    sset_destroy(&rib->devs);
}

/* Interned interface names: a route stores a pointer, not a copy, which
 * matters with a million routes over a handful of interfaces. */
static const char *
intern_dev(struct xf_rib *rib, const char *dev)
{
    struct sset_node *node = sset_find(&rib->devs, dev);
    if (!node) {
        node = sset_add(&rib->devs, dev);
    }
    return node->name;
}

/* Prepares 'rib' for 'n' more routes: a bulk load sizes the hash table once
 * and at half the usual load, so that looking up each new prefix (a cache
 * miss per node visited, with a million routes) visits fewer nodes.  (At a
 * quarter of it, 16 MB more per million routes, a replace took no less
 * time; at the usual load, 8-10% more CPU.) */
void
xf_rib_reserve_routes(struct xf_rib *rib, size_t n)
{
    hmap_reserve(&rib->routes, 2 * (hmap_count(&rib->routes) + n));
}

struct xf_route *
xf_rib_route_find(const struct xf_rib *rib, const struct xf_prefix *prefix)
{
    return xf_rib_route_find_hash(rib, prefix, xf_prefix_hash(prefix, 0));
}

/* Like xf_rib_route_find(), for a caller that has the prefix's hash,
 * xf_prefix_hash(prefix, 0). */
struct xf_route *
xf_rib_route_find_hash(const struct xf_rib *rib,
                       const struct xf_prefix *prefix, uint32_t hash)
{
    struct xf_route *route;

    HMAP_FOR_EACH_WITH_HASH (route, node, hash, &rib->routes) {
        if (xf_route_has_prefix(route, prefix)) {
            return route;
        }
    }
    return NULL;
}

static int
compare_nexthops(const void *a_, const void *b_)
{
    const struct xf_nexthop *a = a_;
    const struct xf_nexthop *b = b_;
    int cmp = strcmp(a->dev, b->dev);

    if (!cmp) {
        cmp = (int) a->has_gw - (int) b->has_gw;
    }
    if (!cmp) {
        cmp = memcmp(&a->gw, &b->gw, sizeof a->gw);
    }
    return cmp;
}

/* A hash of the 'n' next hops in 'nhs' (sorted, 'dev's interned, as a
 * route's are), field by field: hash_bytes() over the structs would also
 * hash their padding.  Interned 'dev's stand for themselves by pointer. */
uint32_t
xf_nexthops_hash(const struct xf_nexthop *nhs, size_t n)
{
    uint32_t hash = n;

    for (size_t i = 0; i < n; i++) {
        hash = hash_bytes(&nhs[i].gw, sizeof nhs[i].gw, hash);
        hash = hash_add(hash, nhs[i].has_gw);
        hash = hash_pointer(nhs[i].dev, hash);
    }
    return hash_finish(hash, n);
}

/* Whether next hops 'a' (there are 'n_a') and 'b' ('n_b') are the same,
 * both sorted with 'dev's interned. */
bool
xf_nexthops_equal(const struct xf_nexthop *a, size_t n_a,
                  const struct xf_nexthop *b, size_t n_b)
{
    if (n_a != n_b) {
        return false;
    }
    for (size_t i = 0; i < n_a; i++) {
        if (a[i].dev != b[i].dev || a[i].has_gw != b[i].has_gw
            || !ipv6_addr_equals(&a[i].gw, &b[i].gw)) {
            return false;
        }
    }
    return true;
}

/* Copies the 'n' next hops in 'nexthops' into 'nhs' in a route's form:
 * without a gateway, 'gw' cleared; sorted.  ('dev's as given.) */
static void
normalize_nexthops(struct xf_nexthop nhs[XF_MAX_NEXTHOPS],
                   const struct xf_nexthop *nexthops, size_t n)
{
    ovs_assert(n >= 1 && n <= XF_MAX_NEXTHOPS);
    memcpy(nhs, nexthops, n * sizeof *nhs);
    for (size_t i = 0; i < n; i++) {
        if (!nhs[i].has_gw) {
            nhs[i].gw = in6addr_any;
        }
    }
    if (n > 1) {
        qsort(nhs, n, sizeof *nhs, compare_nexthops);
    }
}

/* Whether 'route' goes through exactly the 'n' next hops in 'nhs', as
 * normalize_nexthops() leaves them ('dev's need not be interned). */
static bool
route_has_nexthops(const struct xf_route *route,
                   const struct xf_nexthop *nhs, size_t n)
{
    if (route->n_nexthops != n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const struct xf_nexthop *a = &route->nexthops[i];
        if (a->has_gw != nhs[i].has_gw || strcmp(a->dev, nhs[i].dev)
            || !ipv6_addr_equals(&a->gw, &nhs[i].gw)) {
            return false;
        }
    }
    return true;
}

/* Returns 'rib''s set of the 'n' next hops in 'nhs' (sorted, 'dev's
 * interned), creating it, with no reference yet, if there is none. */
static struct xf_nexthop_set *
nexthop_set_get(struct xf_rib *rib, const struct xf_nexthop *nhs, size_t n)
{
    uint32_t hash = xf_nexthops_hash(nhs, n);
    struct xf_nexthop_set *set;

    HMAP_FOR_EACH_WITH_HASH (set, node, hash, &rib->nexthop_sets) {
        if (xf_nexthops_equal(set->nexthops, set->n, nhs, n)) {
            return set;
        }
    }
    set = xmalloc(sizeof *set + n * sizeof *nhs);
    set->refcount = 0;
    set->n = n;
    memcpy(set->nexthops, nhs, n * sizeof *nhs);
    hmap_insert(&rib->nexthop_sets, &set->node, hash);
    return set;
}

static struct xf_nexthop_set *
route_nexthop_set(const struct xf_route *route)
{
    return CONTAINER_OF(route->nexthops, struct xf_nexthop_set, nexthops);
}

static void
nexthop_set_unref(struct xf_rib *rib, struct xf_nexthop_set *set)
{
    ovs_assert(set->refcount > 0);
    if (!--set->refcount) {
        hmap_remove(&rib->nexthop_sets, &set->node);
        free(set);
    }
}

/* The number of distinct sets of next hops that 'rib''s routes use. */
size_t
xf_rib_n_nexthop_sets(const struct xf_rib *rib)
{
    return hmap_count(&rib->nexthop_sets);
}

/* Adds a route for 'prefix' through the 'n' next hops in 'nexthops' (whose
 * 'dev' need not be interned; 1 <= n <= XF_MAX_NEXTHOPS), or replaces the
 * existing route for 'prefix': 'hint' if nonnull (the caller found it
 * earlier and knows it is still there, see xf_rib_route_frees()), else
 * looked up.  Clears the route's stale mark.  Sets '*changed' to whether
 * anything the data plane depends on changed (a new route, or different
 * next hops).  Re-setting a route unchanged, what a
 * full snapshot does to most of a table, allocates nothing. */
struct xf_route *
xf_rib_route_set(struct xf_rib *rib, const struct xf_prefix *prefix,
                 struct xf_route *hint,
                 const struct xf_nexthop *nexthops, size_t n, bool *changed)
{
    struct xf_nexthop nhs[XF_MAX_NEXTHOPS];

    ovs_assert(!hint || xf_route_has_prefix(hint, prefix));
    normalize_nexthops(nhs, nexthops, n);
    if (hint && route_has_nexthops(hint, nhs, n)) {
        /* Already so: what a replace finds for half a million routes when
         * half a table changes.  Nothing to intern or look up. */
        COVERAGE_INC(xenflow_load_unchanged);
        *changed = false;
        xf_rib_route_keep(rib, hint);
        return hint;
    }
    for (size_t i = 0; i < n; i++) {
        nhs[i].dev = intern_dev(rib, nhs[i].dev);
    }

    struct xf_nexthop_set *set = nexthop_set_get(rib, nhs, n);
    struct xf_route *route = hint ? hint : xf_rib_route_find(rib, prefix);
    if (!route) {
        bool ipv6 = !xf_addr_is_ipv4(&prefix->addr);
        route = xzalloc(offsetof(struct xf_route, addr)
                        + (ipv6 ? sizeof prefix->addr : sizeof(ovs_be32)));
        route->plen = prefix->plen;
        route->ipv6 = ipv6;
        if (ipv6) {
            memcpy(route->addr, &prefix->addr, sizeof prefix->addr);
        } else {
            route->addr[0] = in6_addr_get_mapped_ipv4(&prefix->addr);
        }
        route->epoch = rib->route_epoch;
        hmap_insert(&rib->routes, &route->node, xf_prefix_hash(prefix, 0));
        *changed = true;
    } else {
        /* Unchanged: the same set, nothing to count. */
        *changed = route->nexthops != set->nexthops;
        if (*changed) {
            nexthop_set_unref(rib, route_nexthop_set(route));
        }
    }
    if (*changed) {
        set->refcount++;
        route->nexthops = set->nexthops;
        route->n_nexthops = n;
    }
    xf_rib_route_keep(rib, route);
    return route;
}

/* How many routes have left a rib, from every rib (xf_rib_route_frees()). */
static uint64_t route_frees;
static size_t n_withdrawn;      /* Withdrawn whole, not yet freed. */

/* Frees 'route', which the caller has removed from 'rib''s routes. */
void
xf_rib_route_free(struct xf_rib *rib, struct xf_route *route)
{
    if (route) {
        nexthop_set_unref(rib, route_nexthop_set(route));
        free(route);
        route_frees++;
    }
}

/* Returns how many routes have left a rib so far, from every rib: freed
 * (xf_rib_route_free()) or withdrawn whole (xf_rib_withdraw_routes()).  A
 * route found earlier is still there if this has not changed since:
 * xenflow/load --replace looks each route up once, to keep it from the
 * sweep, and sets it through what it found. */
uint64_t
xf_rib_route_frees(void)
{
    return route_frees;
}

/* At most this many tables withdrawn whole wait per rib. */
#define XF_RIB_MAX_GRAVES 4

/* A route table withdrawn whole, its routes still to free. */
struct xf_rib_grave {
    struct ovs_list node;       /* In 'graves' of struct xf_rib. */
    struct hmap routes;
    size_t bucket;              /* Next bucket of 'routes' to free. */
};

/* Takes every route out of 'rib' at once (a table withdrawn whole), to be
 * freed in steps by xf_rib_free_withdrawn(): a million routes took a few
 * hundred milliseconds to free, in one main-loop iteration.  They are no
 * longer found, so a route set meanwhile is a new one, and
 * xf_rib_route_frees() counts them as gone.  Tables withdrawn earlier and
 * not yet freed wait their turn.  Returns how many routes went; the caller
 * updates 'n_stale'. */
size_t
xf_rib_withdraw_routes(struct xf_rib *rib)
{
    size_t n = hmap_count(&rib->routes);

    if (n) {
        if (ovs_list_size(&rib->graves) >= XF_RIB_MAX_GRAVES) {
            /* Tables withdrawn faster than they are freed (at a low bulk
             * share): the oldest goes at once rather than memory piling
             * up. */
            struct xf_rib_grave *oldest = CONTAINER_OF(
                ovs_list_front(&rib->graves), struct xf_rib_grave, node);
            xf_rib_free_withdrawn(rib, hmap_count(&oldest->routes));
        }
        struct xf_rib_grave *g = xmalloc(sizeof *g);
        hmap_init(&g->routes);
        hmap_swap(&rib->routes, &g->routes);
        g->bucket = 0;
        ovs_list_push_back(&rib->graves, &g->node);
        n_withdrawn += n;
        route_frees += n;
    }
    return n;
}

/* Whether 'rib' has withdrawn routes not yet freed. */
bool
xf_rib_has_withdrawn(const struct xf_rib *rib)
{
    return !ovs_list_is_empty(&rib->graves);
}

/* Frees up to 'max' of the routes that xf_rib_withdraw_routes() took out
 * of 'rib', oldest table first.  Returns true once none is left. */
bool
xf_rib_free_withdrawn(struct xf_rib *rib, size_t max)
{
    size_t n = 0;

    while (n < max && !ovs_list_is_empty(&rib->graves)) {
        struct xf_rib_grave *g = CONTAINER_OF(ovs_list_front(&rib->graves),
                                              struct xf_rib_grave, node);
        struct hmap *map = &g->routes;

        /* From a cursor: popping from the first bucket each time would
         * walk the emptied buckets again at every step. */
        while (n < max && !hmap_is_empty(map)) {
            struct hmap_node *node = map->buckets[g->bucket];
            if (node) {
                hmap_remove(map, node);
                /* Not xf_rib_route_free(): these routes were counted as
                 * gone when they were withdrawn. */
                struct xf_route *route = CONTAINER_OF(node, struct xf_route,
                                                      node);
                nexthop_set_unref(rib, route_nexthop_set(route));
                free(route);
                n_withdrawn--;
                n++;
            } else {
                g->bucket++;
            }
        }
        if (hmap_is_empty(map)) {
            ovs_list_remove(&g->node);
            hmap_destroy(map);
            free(g);
        }
    }
    return ovs_list_is_empty(&rib->graves);
}

/* Moves what 'rib''s routes need into a new rib, returned, and leaves
 * 'rib' empty: the routes of a router being removed, withdrawn whole
 * there to be freed in steps (xf_rib_free_withdrawn(), then
 * xf_rib_destroy() and free()).  Its neighbours, a few, are freed at
 * once. */
struct xf_rib *
xf_rib_detach(struct xf_rib *rib)
{
    struct xf_rib *dead = xzalloc(sizeof *dead);
    struct xf_neigh *neigh;

    xf_rib_init(dead);
    HMAP_FOR_EACH_POP (neigh, node, &rib->neighs) {
        free(neigh);
    }
    hmap_swap(&rib->nexthop_sets, &dead->nexthop_sets);
    sset_swap(&rib->devs, &dead->devs);
    if (!ovs_list_is_empty(&rib->graves)) {
        ovs_list_splice(&dead->graves, ovs_list_front(&rib->graves),
                        &rib->graves);
    }
    hmap_swap(&rib->routes, &dead->routes);
    xf_rib_withdraw_routes(dead);
    rib->n_stale = 0;
    return dead;
}

/* How many routes withdrawn whole, in every RIB, are still to be freed. */
size_t
xf_rib_withdrawn_count(void)
{
    return n_withdrawn;
}

/* Removes the route for 'prefix' from 'rib' and returns it (the caller frees
 * it), or returns NULL if there is none. */
struct xf_route *
xf_rib_route_remove(struct xf_rib *rib, const struct xf_prefix *prefix)
{
    struct xf_route *route = xf_rib_route_find(rib, prefix);
    if (route) {
        hmap_remove(&rib->routes, &route->node);
        rib->n_stale -= xf_rib_route_is_stale(rib, route);
        xf_hmap_shrink_sparse(&rib->routes);
    }
    return route;
}

static uint32_t
neigh_hash(const char *dev, const struct in6_addr *ip)
{
    return hash_bytes(ip, sizeof *ip, hash_string(dev, 0));
}

struct xf_neigh *
xf_rib_neigh_find(const struct xf_rib *rib, const char *dev,
                  const struct in6_addr *ip)
{
    struct xf_neigh *neigh;

    HMAP_FOR_EACH_WITH_HASH (neigh, node, neigh_hash(dev, ip),
                             &rib->neighs) {
        if (!strcmp(neigh->dev, dev) && ipv6_addr_equals(&neigh->ip, ip)) {
            return neigh;
        }
    }
    return NULL;
}

/* Adds or replaces the neighbour 'ip' on 'dev' with 'mac'.  Clears its stale
 * mark.  Sets '*changed' as for xf_rib_route_set(). */
struct xf_neigh *
xf_rib_neigh_set(struct xf_rib *rib, const char *dev,
                 const struct in6_addr *ip, struct eth_addr mac,
                 bool *changed)
{
    struct xf_neigh *neigh = xf_rib_neigh_find(rib, dev, ip);

    if (!neigh) {
        neigh = xzalloc(sizeof *neigh);
        neigh->dev = intern_dev(rib, dev);
        neigh->ip = *ip;
        hmap_insert(&rib->neighs, &neigh->node, neigh_hash(dev, ip));
        *changed = true;
    } else {
        *changed = !eth_addr_equals(neigh->mac, mac);
    }
    neigh->mac = mac;
    if (neigh->stale) {
        neigh->stale = false;
        rib->n_stale--;
    }
    return neigh;
}

struct xf_neigh *
xf_rib_neigh_remove(struct xf_rib *rib, const char *dev,
                    const struct in6_addr *ip)
{
    struct xf_neigh *neigh = xf_rib_neigh_find(rib, dev, ip);
    if (neigh) {
        hmap_remove(&rib->neighs, &neigh->node);
        rib->n_stale -= neigh->stale;
    }
    return neigh;
}

/* Marks every route and neighbour stale, for mark-and-sweep.  Routes are
 * marked by a new epoch, in O(1) (only a stale route keeps an older one:
 * after a sweep every route has the current one); neighbours, a few, one
 * by one. */
void
xf_rib_mark_stale(struct xf_rib *rib)
{
    struct xf_neigh *neigh;

    rib->route_epoch++;
    HMAP_FOR_EACH (neigh, node, &rib->neighs) {
        neigh->stale = true;
    }
    rib->n_stale = hmap_count(&rib->routes) + hmap_count(&rib->neighs);
}

static bool
is_valid_dev(const char *s)
{
    size_t len = strlen(s);
    return len > 0 && len < 64 && !strpbrk(s, " \t\n,=/\"'");
}

/* Splits 's' in place at white space into 'words'.  Returns the number of
 * words, or -1 if there are more than XF_MAX_WORDS (then no route or
 * neighbour spec can be right). */
int
xf_split_words(char *s, const char *words[XF_MAX_WORDS])
{
    char *save_ptr = NULL;
    int n = 0;

    for (char *w = strtok_r(s, " \t\r\n", &save_ptr); w;
         w = strtok_r(NULL, " \t\r\n", &save_ptr)) {
        if (n >= XF_MAX_WORDS) {
            return -1;
        }
        words[n++] = w;
    }
    return n;
}

/* Parses "PREFIX NEXTHOP..." from 'argv' (with 'argc' words), where each
 * NEXTHOP is "via GATEWAY [dev INTERFACE]" or, for a directly connected
 * prefix, "dev INTERFACE".  Several next hops make an ECMP route.  Returns
 * NULL on success, otherwise a malloc()'d error; either way the caller must
 * call xf_route_spec_destroy(). */
char *
xf_route_spec_parse(int argc, const char *argv[], struct xf_route_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    if (argc < 1) {
        return xstrdup("missing PREFIX");
    }

    char *error = xf_prefix_parse(argv[0], false, &spec->prefix);
    if (error) {
        return error;
    }
    struct xf_nexthop_spec *nh = NULL;
    for (int i = 1; i < argc && !error; i += 2) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        bool via = !strcmp(argv[i], "via");
        bool dev = !strcmp(argv[i], "dev");

        if (!via && !dev) {
            error = xasprintf("unexpected \"%s\" (expected PREFIX "
                              "[via GATEWAY] [dev INTERFACE]...)", argv[i]);
        } else if (!value) {
            error = xasprintf("\"%s\" needs a value", argv[i]);
        } else if (via || !nh || nh->dev) {
            /* "via" always starts a next hop; so does a second "dev". */
            if (spec->n_nexthops >= XF_MAX_NEXTHOPS) {
                error = xasprintf("at most %d next hops", XF_MAX_NEXTHOPS);
                break;
            }
            nh = &spec->nexthops[spec->n_nexthops++];
        }
        if (error) {
            break;
        } else if (via) {
            error = xf_addr_parse(value, &nh->gw);
            if (!error && (xf_addr_is_ipv4(&nh->gw)
                           != xf_addr_is_ipv4(&spec->prefix.addr))) {
                error = xasprintf("gateway %s and prefix %s are not of the "
                                  "same address family", value, argv[0]);
            }
            nh->has_gw = true;
        } else if (!is_valid_dev(value)) {
            error = xasprintf("\"%s\" is not an interface name", value);
        } else {
            nh->dev = xstrdup(value);
        }
    }
    if (!error && !spec->n_nexthops) {
        error = xasprintf("route %s needs \"via GATEWAY\" or "
                          "\"dev INTERFACE\"", argv[0]);
    }
    return error;
}

void
xf_route_spec_destroy(struct xf_route_spec *spec)
{
    for (size_t i = 0; i < spec->n_nexthops; i++) {
        free(spec->nexthops[i].dev);
    }
    spec->n_nexthops = 0;
}

/* Parses "ADDRESS [MAC] [dev INTERFACE]" (MAC only if 'want_mac'). */
char *
xf_neigh_spec_parse(int argc, const char *argv[], bool want_mac,
                    struct xf_neigh_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    if (argc < 1 + want_mac) {
        return xstrdup(want_mac ? "missing ADDRESS MAC" : "missing ADDRESS");
    }

    char *error = xf_addr_parse(argv[0], &spec->ip);
    if (error) {
        return error;
    }
    int i = 1;
    if (want_mac) {
        if (!eth_addr_from_string(argv[1], &spec->mac)
            || eth_addr_is_multicast(spec->mac)
            || eth_addr_is_zero(spec->mac)) {
            return xasprintf("\"%s\" is not a unicast Ethernet address",
                             argv[1]);
        }
        i = 2;
    }
    if (i < argc) {
        if (strcmp(argv[i], "dev") || i + 2 != argc) {
            return xasprintf("unexpected \"%s\" (expected ADDRESS%s "
                             "[dev INTERFACE])", argv[i],
                             want_mac ? " MAC" : "");
        } else if (!is_valid_dev(argv[i + 1])) {
            return xasprintf("\"%s\" is not an interface name", argv[i + 1]);
        }
        spec->dev = xstrdup(argv[i + 1]);
    }
    return NULL;
}
