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
 * copy and ofproto's rules).  When they are withdrawn or replaced, glibc
 * keeps the freed memory in its heap, so ovs-vswitchd's RSS stays at its
 * high-water mark although nothing uses it.  Flowsync notes how many flows
 * it removed (and xenflow/load how many parsed entries it freed); once
 * XF_MEMTRIM_MIN_FLOWS have been removed and the work that removed them is
 * done, malloc_trim() returns the free pages, as
 * ovsdb-server's memory/trim-on-compaction does after a compaction.  It
 * runs after three RCU grace periods, in the RCU thread, so that ofproto's
 * rules (freed in postponed callbacks, which postpone more) are free by
 * then and the main thread never waits for it. */

#include <stdbool.h>
#include <stddef.h>

#define XF_MEMTRIM_MIN_FLOWS 10000

void xf_memtrim_note(size_t n_flows_removed);
void xf_memtrim_idle(void);
void xf_memtrim_run(void);
void xf_memtrim_wait(void);
void xf_memtrim_now(void);

struct xf_memtrim_stats {
    unsigned long long n_trims;   /* Completed. */
    bool busy;                    /* One under way. */
    size_t n_removed;             /* Flows removed since the last one. */
    long long int rss_before_kb;  /* Around the last one, or -1. */
    long long int rss_after_kb;
};
void xf_memtrim_get_stats(struct xf_memtrim_stats *);
long long int xf_memtrim_rss_kb(void);

#endif /* xenflow/memtrim.h */
