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


#ifndef XENFLOW_RIB_H
#define XENFLOW_RIB_H 1

/* A virtual router's routing and neighbour tables (pure data, no flows).
 *
 * Routes are keyed by prefix (replace semantics: setting an existing prefix
 * replaces its next hop); neighbours by (interface, address).  Each entry
 * remembers whether it is offloaded to the switch (it may not be, when the
 * router is over a limit) and a 'stale' mark used by full resynchronisation:
 * xf_rib_mark_stale(), then re-set every valid entry, then
 * xf_rib_sweep_*() returns what was not re-set.  Entries that are re-set
 * unchanged are never withdrawn in between. */

#include <stdbool.h>
#include <string.h>

#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/types.h"
#include "packets.h"
#include "sset.h"
#include "util.h"
#include "xenflow/addr.h"

/* Most routes have one next hop; more than one is ECMP. */
#define XF_MAX_NEXTHOPS 16

struct xf_nexthop {
    bool has_gw;                /* false: directly connected via 'dev'. */
    struct in6_addr gw;         /* Gateway, if 'has_gw'. */
    const char *dev;            /* Egress interface (interned in the rib). */
};

/* A route: 40 bytes for IPv4 (a 48-byte malloc block), 52 for IPv6.  A full
 * Internet table is a million of them, so the prefix's address is stored in
 * its family's size: xf_route_prefix() gives it back as a struct xf_prefix,
 * xf_route_has_prefix() compares without building one. */
struct xf_route {
    struct hmap_node node;      /* In 'routes', hashed on its prefix. */
    const struct xf_nexthop *nexthops; /* Sorted.  Shared by every route
                                        * of the rib through the same next
                                        * hops (struct xf_nexthop_set):
                                        * same next hops, same pointer. */
    uint32_t group_id;          /* ECMP select group in use, or 0. */
    uint32_t epoch;             /* Stale if not the rib's 'route_epoch'. */
    uint8_t plen;               /* Prefix length, in the family's bits. */
    uint8_t n_nexthops;         /* 1, or more for ECMP. */
    bool offloaded;             /* Within the router's limits, so its flow
                                 * is in the switch (or queued for it);
                                 * false: the VM routes it. */
    bool ipv6;                  /* 'addr' holds 4 words, else 1. */
    ovs_be32 addr[];            /* The prefix's address: IPv4 in 1 word,
                                 * IPv6 in 4. */
};

/* Returns 'route''s prefix. */
static inline struct xf_prefix
xf_route_prefix(const struct xf_route *route)
{
    struct xf_prefix prefix = { .plen = route->plen };
    if (route->ipv6) {
        memcpy(&prefix.addr, route->addr, sizeof prefix.addr);
    } else {
        in6_addr_set_mapped_ipv4(&prefix.addr, route->addr[0]);
    }
    return prefix;
}

/* Returns whether 'route''s prefix is 'prefix'. */
static inline bool
xf_route_has_prefix(const struct xf_route *route,
                    const struct xf_prefix *prefix)
{
    if (route->plen != prefix->plen) {
        return false;
    } else if (route->ipv6) {
        return !xf_addr_is_ipv4(&prefix->addr)
               && !memcmp(route->addr, &prefix->addr, sizeof prefix->addr);
    } else {
        return xf_addr_is_ipv4(&prefix->addr)
               && route->addr[0] == in6_addr_get_mapped_ipv4(&prefix->addr);
    }
}

struct xf_neigh {
    struct hmap_node node;      /* In 'neighs', hashed on 'dev', 'ip'. */
    const char *dev;            /* Interface (interned in the rib). */
    struct in6_addr ip;
    struct eth_addr mac;
    bool offloaded;             /* Like xf_route's. */
    bool stale;
};

struct xf_rib {
    struct hmap routes;         /* Contains "struct xf_route"s. */
    struct ovs_list graves;     /* Route tables withdrawn whole, not yet
                                 * freed (xf_rib_withdraw_routes()). */
    struct hmap nexthop_sets;   /* Contains "struct xf_nexthop_set"s. */
    struct hmap neighs;         /* Contains "struct xf_neigh"s. */
    struct sset devs;           /* Interned interface names. */
    size_t n_stale;             /* Routes and neighbours marked stale, so
                                 * that a sweep with nothing to remove (a
                                 * snapshot that re-announced everything)
                                 * walks nothing. */
    uint32_t route_epoch;       /* Marking routes stale increments it rather
                                 * than walking a million routes: a route
                                 * whose 'epoch' differs is stale.  (It
                                 * would take 2**32 marks without a sweep
                                 * for a stale route to look current.) */
};

static inline bool
xf_rib_route_is_stale(const struct xf_rib *rib, const struct xf_route *route)
{
    return route->epoch != rib->route_epoch;
}

/* Clears 'route''s stale mark. */
static inline void
xf_rib_route_keep(struct xf_rib *rib, struct xf_route *route)
{
    if (xf_rib_route_is_stale(rib, route)) {
        route->epoch = rib->route_epoch;
        rib->n_stale--;
    }
}

void xf_rib_init(struct xf_rib *);
void xf_rib_destroy(struct xf_rib *);

void xf_rib_reserve_routes(struct xf_rib *, size_t n);
struct xf_route *xf_rib_route_find(const struct xf_rib *,
                                   const struct xf_prefix *);
struct xf_route *xf_rib_route_find_hash(const struct xf_rib *,
                                        const struct xf_prefix *,
                                        uint32_t hash);

/* For a caller that looks up many prefixes in a row (xenflow/load
 * --replace), each lookup two cache misses in a large table (the bucket,
 * then the route): a few lookups ahead, xf_rib_prefetch_bucket() with the
 * prefix's hash (xf_prefix_hash(prefix, 0)); a few closer,
 * xf_rib_prefetch_route(), which reads the bucket, by then in the cache,
 * and prefetches its first route.  The misses of several lookups then
 * overlap. */
static inline void
xf_rib_prefetch_bucket(const struct xf_rib *rib, uint32_t hash)
{
    OVS_PREFETCH(&rib->routes.buckets[hash & rib->routes.mask]);
}

static inline void
xf_rib_prefetch_route(const struct xf_rib *rib, uint32_t hash)
{
    OVS_PREFETCH(rib->routes.buckets[hash & rib->routes.mask]);
}
struct xf_route *xf_rib_route_set(struct xf_rib *, const struct xf_prefix *,
                                  struct xf_route *hint,
                                  const struct xf_nexthop *, size_t n,
                                  bool *changed);
void xf_rib_route_free(struct xf_rib *, struct xf_route *);
uint64_t xf_rib_route_frees(void);
size_t xf_rib_withdraw_routes(struct xf_rib *);
bool xf_rib_free_withdrawn(struct xf_rib *, size_t max);
bool xf_rib_has_withdrawn(const struct xf_rib *);
size_t xf_rib_withdrawn_count(void);
struct xf_rib *xf_rib_detach(struct xf_rib *);
uint32_t xf_nexthops_hash(const struct xf_nexthop *, size_t n);
bool xf_nexthops_equal(const struct xf_nexthop *, size_t n_a,
                       const struct xf_nexthop *, size_t n_b);
size_t xf_rib_n_nexthop_sets(const struct xf_rib *);
struct xf_route *xf_rib_route_remove(struct xf_rib *,
                                     const struct xf_prefix *);

struct xf_neigh *xf_rib_neigh_find(const struct xf_rib *, const char *dev,
                                   const struct in6_addr *);
struct xf_neigh *xf_rib_neigh_set(struct xf_rib *, const char *dev,
                                  const struct in6_addr *,
                                  struct eth_addr mac, bool *changed);
struct xf_neigh *xf_rib_neigh_remove(struct xf_rib *, const char *dev,
                                     const struct in6_addr *);

void xf_rib_mark_stale(struct xf_rib *);

/* A parsed route or neighbour command, before it is checked against the
 * router's interfaces. */
struct xf_nexthop_spec {
    bool has_gw;
    struct in6_addr gw;
    char *dev;                  /* NULL: infer from 'gw'. */
};

struct xf_route_spec {
    struct xf_prefix prefix;
    struct xf_nexthop_spec nexthops[XF_MAX_NEXTHOPS];
    size_t n_nexthops;
};

/* Most words in one route or neighbour line: a keyword, the prefix, and
 * "via GATEWAY dev INTERFACE" per next hop. */
#define XF_MAX_WORDS (2 + 4 * XF_MAX_NEXTHOPS)
int xf_split_words(char *s, const char *words[XF_MAX_WORDS]);

char *xf_route_spec_parse(int argc, const char *argv[],
                          struct xf_route_spec *) OVS_WARN_UNUSED_RESULT;
void xf_route_spec_destroy(struct xf_route_spec *);

struct xf_neigh_spec {
    struct in6_addr ip;
    struct eth_addr mac;
    char *dev;                  /* NULL: infer from 'ip'. */
};

char *xf_neigh_spec_parse(int argc, const char *argv[], bool want_mac,
                          struct xf_neigh_spec *) OVS_WARN_UNUSED_RESULT;

#endif /* xenflow/rib.h */
