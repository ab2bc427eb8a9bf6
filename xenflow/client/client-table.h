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


#ifndef XENFLOW_CLIENT_TABLE_H
#define XENFLOW_CLIENT_TABLE_H 1

/* xenflow-client's view of the virtual router: its routes, neighbours and
 * interfaces, with the change tracking that feeds the XenFlow server.
 *
 * Pure data: no netlink, no sockets.  Sources (kernel-watch.c, fpm.c) set and
 * unset entries; the session (client-session.c) drains what changed as
 * protocol "update" messages.  Snapshots and incremental updates come from the
 * same place, a queue of pending entries:
 *
 *   - Every entry whose state the server has not heard yet is in the
 *     pending queue once, however often it changed (bursts coalesce).  A
 *     removed entry stays as a tombstone until its withdrawal is sent, unless
 *     the server never heard of it, in which case it just disappears.
 *
 *   - ct_snapshot_start() forgets what the server knows (its "sync-begin"
 *     marks everything stale there), queues every entry followed by a
 *     barrier, and drops tombstones (the server's "sync-end" sweeps them).
 *     ct_next_update() stops at the barrier; the session then sends
 *     "sync-end" and calls ct_snapshot_finish().  Changes made while a
 *     snapshot is being sent simply join the queue, before or after the
 *     barrier.
 *
 * The table is spread over one file per part, each with its header:
 *
 *   client-table.c    this header: the table itself (creation, the pending
 *                     queue's storage, statistics, the "show" dump);
 *   client-routes.c   route candidates per prefix and source;
 *   client-neighs.c   neighbours;
 *   client-ifaces.c   the interface set announced in "hello";
 *   client-update.c   draining the pending queue into protocol messages.
 *
 * They share the structures of client-table-private.h. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ct_table;
struct ds;

/* Where a route comes from.  The route sent for a prefix is the candidate
 * with the lowest metric, ties broken by source in this order. */
enum ct_source {
    CT_SRC_FPM,                 /* FRR's Forwarding Plane Manager. */
    CT_SRC_KERNEL,              /* The kernel's routing table. */
    CT_SRC_CONNECTED,           /* Derived from interface addresses. */
    CT_N_SOURCES
};

const char *ct_source_to_string(enum ct_source);
bool ct_source_from_string(const char *, enum ct_source *);

struct ct_table *ct_table_create(void);
void ct_table_destroy(struct ct_table *);

/* Statistics and display. */
struct ct_stats {
    size_t n_routes;            /* Prefixes with at least one candidate. */
    size_t n_candidates[CT_N_SOURCES];
    size_t n_neighs;
    size_t n_ifaces;
    size_t n_pending;           /* Entries queued (including tombstones). */
    uint64_t n_nexthops_dropped; /* Beyond CT_MAX_NEXTHOPS. */
};
void ct_get_stats(const struct ct_table *, struct ct_stats *);
void ct_format(const struct ct_table *, struct ds *);

#endif /* xenflow/client/client-table.h */
