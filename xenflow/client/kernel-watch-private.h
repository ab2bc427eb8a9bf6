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


#ifndef XENFLOW_CLIENT_KERNEL_WATCH_PRIVATE_H
#define XENFLOW_CLIENT_KERNEL_WATCH_PRIVATE_H 1

/* The kernel watcher's state, shared by the files that implement it:
 * kernel-watch.c (sockets, caches, neighbours, the main loop's calls),
 * kernel-links.c (links, addresses, connected routes), kernel-routes.c (the
 * kernel's and FPM's route messages) and kernel-nl.c (helpers).  Nothing
 * else includes this. */

#include <stdbool.h>
#include <stdint.h>

#include "openvswitch/hmap.h"
#include "xenflow/client/kernel-watch.h"

struct nl_cache;
struct nl_cache_mngr;
struct nl_sock;

struct kw_link {
    struct hmap_node node;      /* In kernel_watch's 'links', by ifindex. */
    int ifindex;
    char *name;
    unsigned int flags;         /* IFF_*. */
    bool running;               /* Up, and its carrier too, as of the last
                                 * event (see kw_note_link_event()). */
};

/* Links, addresses and neighbours are mirrored by libnl's cache manager.
 * Routes are not: libnl 3.7's route cache hashes into a fixed 1024 buckets
 * (every event costs a walk of a long chain with a large table), spends
 * ~700 bytes per route, and merges IPv6 multipath notifications as older
 * kernels sent them (a "replace" keeps the old next hop, a next hop's
 * deletion is ignored).  The client table already is a route cache, keyed
 * by prefix, so route messages are parsed with rtnl_route_parse() and
 * applied to it directly, with kernel semantics (see
 * kernel_watch_route_apply()). */
struct kernel_watch {
    struct ct_table *table;
    uint32_t table_id;
    enum kw_route_mode mode;

    struct nl_sock *event_sock; /* The cache manager's. */
    struct nl_sock *route_sock; /* Route events (KW_ROUTES_KERNEL only). */
    struct nl_sock *sync_sock;  /* For dumps. */
    struct nl_cache_mngr *mngr;
    struct nl_cache *link_cache;
    struct nl_cache *addr_cache;
    struct nl_cache *neigh_cache;

    struct hmap links;          /* Contains "struct kw_link"s. */

    bool ifaces_dirty;          /* A link or address changed. */
    bool full_resync;           /* Events were lost: re-read everything. */
    bool rescan_needed;         /* Interface renamed: re-read neighbours. */
    bool mngr_ready;            /* Initial read done. */
    long long int route_resync_at; /* LLONG_MAX if none scheduled. */

    /* Links going down and coming back up (see kernel_watch_get_links()). */
    unsigned int n_links_lost, n_links_regained;
    long long int link_lost_at; /* LLONG_MIN if no link was ever lost. */

    /* Statistics. */
    unsigned long long int n_events[4]; /* Routes, neighs, links, addrs. */
    unsigned long long int n_routes_set, n_routes_unset, n_routes_ignored;
    unsigned int n_resyncs;
    unsigned int n_errors;
    char *last_error;
};

#endif /* xenflow/client/kernel-watch-private.h */
