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


#ifndef XENFLOW_CLIENT_TABLE_PRIVATE_H
#define XENFLOW_CLIENT_TABLE_PRIVATE_H 1

/* The client table's structures, shared by the files that implement its
 * parts (see client-table.h), and the storage helpers of client-table.c
 * that they use.  Nothing outside the table's files includes this. */

#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/shash.h"
#include "sset.h"
#include "util.h"
#include "xenflow/client/client-routes.h"
#include "xenflow/client/client-table.h"

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

/* Storage (client-table.c). */
const char *ct_intern(struct ct_table *, const char *name);
void ct_entry_enqueue(struct ct_table *, struct ct_entry *);
void ct_entry_dequeue(struct ct_table *, struct ct_entry *);
void ct_route_free(struct ct_table *, struct ct_route *);
void ct_neigh_free(struct ct_table *, struct ct_neigh *);
void ct_ifaces_clear(struct shash *ifaces);

/* Returns the candidate in use for 'route', or NULL for a tombstone. */
static inline struct ct_cand *
ct_route_best(const struct ct_route *route)
{
    return (ovs_list_is_empty(&route->cands)
            ? NULL
            : CONTAINER_OF(ovs_list_front(&route->cands), struct ct_cand,
                           node));
}

#endif /* xenflow/client/client-table-private.h */
