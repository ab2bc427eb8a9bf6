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

#ifndef XENFLOW_MEMTRIM_H
#define XENFLOW_MEMTRIM_H 1

/* Giving memory back to the system after a large table goes away.
 *
 * A million routes take about a gigabyte of small allocations (XenFlow's
 * copy and ofproto's rules).  When they are withdrawn, glibc keeps the
 * freed memory in its heap, so ovs-vswitchd's RSS stays at its high-water
 * mark although nothing uses it.  Flowsync notes the flows it adds and
 * removes; once the switch holds at least XF_MEMTRIM_MIN_FLOWS fewer and
 * at most half as many flows as at its most since the last trim, and the
 * work that removed them is done (flowsync drained), malloc_trim() returns
 * the free pages, as ovsdb-server's memory/trim-on-compaction does after a
 * compaction.  A change that leaves
 * as many flows (a replace) is not trimmed: the next one reuses what it
 * freed, where memory given back would be faulted in again.  The trim
 * runs after three RCU grace periods, in the RCU thread, so that ofproto's
 * rules (freed in postponed callbacks, which postpone more) are free by
 * then and the main thread never waits for it. */

#include <stdbool.h>
#include <stddef.h>

#include "openvswitch/hmap.h"

#define XF_MEMTRIM_MIN_FLOWS 10000

void xf_memtrim_note_added(size_t n_flows_added);
void xf_memtrim_note(size_t n_flows_removed);
void xf_memtrim_idle(void);
void xf_memtrim_run(void);
void xf_memtrim_wait(void);
void xf_memtrim_now(void);

struct xf_memtrim_stats {
    unsigned long long n_trims;   /* Completed. */
    bool busy;                    /* One under way. */
    size_t n_removed;             /* Flows removed since the last one. */
    bool due;                     /* Enough fewer flows now for one. */
    long long int rss_before_kb;  /* Around the last one, or -1. */
    long long int rss_after_kb;
};
void xf_memtrim_get_stats(struct xf_memtrim_stats *);

/* Shrinks 'hmap' once it holds fewer than one node per 16 buckets: hash
 * tables never shrink by themselves, and a million routes' tables keep
 * 16 MB of empty buckets each after they are withdrawn.  Each shrink
 * rehashes what is left, at most a sixteenth of the buckets, so a table
 * emptied one node at a time costs O(1) per node.  (Tables below 1,024
 * buckets are left alone.) */
static inline void
xf_hmap_shrink_sparse(struct hmap *hmap)
{
    if (hmap->mask >= 1023 && hmap_count(hmap) < (hmap->mask + 1) / 16) {
        hmap_shrink(hmap);
    }
}
long long int xf_memtrim_rss_kb(void);

#endif /* xenflow/memtrim.h */
