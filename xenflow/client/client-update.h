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


#ifndef XENFLOW_CLIENT_UPDATE_H
#define XENFLOW_CLIENT_UPDATE_H 1

/* The client table in the protocol's terms (Documentation/
 * xenflow-protocol.md): snapshots and incremental updates drained from the
 * pending queue as the parameters of "update" requests (see client-table.h
 * for how the queue and the snapshot barrier work), and the "interfaces"
 * member of "hello". */

#include <stdbool.h>
#include <stddef.h>

struct ct_table;
struct json;

enum ct_pending {
    CT_PENDING_NONE,            /* Nothing to send. */
    CT_PENDING_ENTRIES,         /* Entries to send: ct_next_update(). */
    CT_PENDING_BARRIER          /* Snapshot fully queued: send sync-end. */
};

struct ct_update_counts {
    size_t routes;
    size_t routes_withdrawn;
    size_t neighs;
    size_t neighs_withdrawn;
};

void ct_snapshot_start(struct ct_table *);
enum ct_pending ct_pending(const struct ct_table *);
void ct_set_text_routes(struct ct_table *, bool);
struct json *ct_next_update(struct ct_table *, size_t max_entries,
                            size_t max_bytes, struct ct_update_counts *);
void ct_snapshot_finish(struct ct_table *);

struct json *ct_ifaces_to_json(const struct ct_table *);

#endif /* xenflow/client/client-update.h */
