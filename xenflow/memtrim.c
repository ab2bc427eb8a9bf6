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

#include "xenflow/memtrim.h"

#include <stdio.h>
#if HAVE_DECL_MALLOC_TRIM
#include <malloc.h>
#endif

#include "coverage.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(xenflow_memtrim);

COVERAGE_DEFINE(xenflow_memtrim);

/* RCU grace periods to wait: ofproto frees a rule in a postponed callback
 * that postpones the freeing of its actions and classifier match. */
#define XF_MEMTRIM_STAGES 3

static size_t n_removed;        /* Flows removed since the last trim. */
static size_t n_live;           /* Flows desired now, on every bridge. */
static size_t n_peak;           /* Most 'n_live' since the last trim. */
static bool retry;              /* Idle while a trim was under way. */

/* The trim under way (one at a time). */
struct trim_job {
    int stages_left;
};
static struct trim_job trim_job;
static atomic_bool trimming = false;
static atomic_ullong n_trims = 0;
static atomic_llong rss_before = -1;
static atomic_llong rss_after = -1;

/* Counts 'n' flows added to the switch. */
void
xf_memtrim_note_added(size_t n)
{
    n_live += n;
    n_peak = MAX(n_peak, n_live);
}

/* Counts 'n' flows removed from the switch. */
void
xf_memtrim_note(size_t n)
{
    n_removed += n;
    n_live -= MIN(n, n_live);
}

/* ovs-vswitchd's resident set size in kB, or -1. */
long long int
xf_memtrim_rss_kb(void)
{
    long long int pages = -1;
    FILE *f = fopen("/proc/self/statm", "r");

    if (f) {
        if (fscanf(f, "%*d %lld", &pages) != 1) {
            pages = -1;
        }
        fclose(f);
    }
    return pages < 0 ? -1 : pages * (get_page_size() / 1024);
}

static void
trim_stage(struct trim_job *job)
{
    if (--job->stages_left > 0) {
        ovsrcu_postpone(trim_stage, job);
        return;
    }
    long long int before = xf_memtrim_rss_kb();
    long long int start = time_msec();
#if HAVE_DECL_MALLOC_TRIM
    malloc_trim(0);
#endif
    long long int after = xf_memtrim_rss_kb();
    VLOG_INFO("returned freed memory to the system after a large table "
              "change: RSS %lld MB -> %lld MB in %lld ms", before / 1024,
              after / 1024, time_msec() - start);
    atomic_store(&rss_before, before);
    atomic_store(&rss_after, after);
    unsigned long long orig;
    atomic_add(&n_trims, 1, &orig);
    atomic_store(&trimming, false);
}

static bool
start_trim(void)
{
    bool busy;

    atomic_read(&trimming, &busy);
    if (!busy) {
        n_removed = 0;
        n_peak = n_live;
        atomic_store(&trimming, true);
        COVERAGE_INC(xenflow_memtrim);
        trim_job.stages_left = XF_MEMTRIM_STAGES;
        ovsrcu_postpone(trim_stage, &trim_job);
    }
    return !busy;
}

/* Whether the switch holds enough fewer flows than at its most since the
 * last trim for a trim to be worth it: XF_MEMTRIM_MIN_FLOWS and half as
 * many.  A change that leaves as many flows (a replace, a reload) reuses
 * the memory it freed for the next one; given back, it would be faulted in
 * again, at a cost of several seconds per gigabyte on a virtual machine. */
static bool
shrank(void)
{
    return n_peak - n_live >= XF_MEMTRIM_MIN_FLOWS && n_live <= n_peak / 2;
}

/* Says that the bulk work that removed flows is done for now (flowsync
 * drained).  Trims if the switch shrank (shrank()) and no trim is under
 * way.  (Only then: a trim that started while removed rules were still
 * being deleted would give back little, and the next would not be due.) */
void
xf_memtrim_idle(void)
{
    if (shrank()) {
        retry = !start_trim();
    }
}

/* Starts the trim that xf_memtrim_idle() could not start because another
 * was under way, once that one is done. */
void
xf_memtrim_run(void)
{
    if (retry) {
        xf_memtrim_idle();
    }
}

void
xf_memtrim_wait(void)
{
    if (retry) {
        /* The RCU thread finishes a trim: poll for it (rare, short). */
        poll_timer_wait(100);
    }
}

/* Trims (after the same grace periods) whatever was removed, unless a trim
 * is already under way: for "xenflow/memory --trim". */
void
xf_memtrim_now(void)
{
    start_trim();
}

void
xf_memtrim_get_stats(struct xf_memtrim_stats *s)
{
    atomic_read(&n_trims, &s->n_trims);
    atomic_read(&trimming, &s->busy);
    atomic_read(&rss_before, &s->rss_before_kb);
    atomic_read(&rss_after, &s->rss_after_kb);
    s->n_removed = n_removed;
    s->due = shrank();
}
