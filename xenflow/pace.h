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

#ifndef XENFLOW_PACE_H
#define XENFLOW_PACE_H 1

#include <stdbool.h>

/* Pacing of XenFlow's bulk work in ovs-vswitchd's main thread.
 *
 * Bulk work is what a million routes cost: a client's snapshot, a pre-copy
 * sent or received, "xenflow/load", installing the flows.  With the
 * userspace datapath the same main thread polls the ports that have no PMD
 * thread (AF_PACKET devices), NETDEV_MAX_BURST packets per port per
 * main-loop iteration.  Bulk work done in every iteration, even in small
 * pieces, leaves each port 32 packets per piece: at tens of thousands of
 * packets per second the ports' sockets overflow and the switch drops the
 * traffic of every router on it, not just the one being synchronised.
 *
 * So bulk work runs in slices.  A slice is consecutive main-loop iterations
 * that did bulk work, and ends once XenFlow's part of them (from the start
 * of xenflow_run() to its end, or to now) adds up to XF_PACE_SLICE_MS (a
 * piece of work that started within it finishes).  Then bulk work rests for
 * as long as the slice worked times (100 - share) / share, and the main loop
 * only forwards and drains the ports meanwhile.  'share' is the percentage
 * of the main thread bulk work may take: 100 never rests (only ends the
 * iteration).  An iteration with no bulk work ends the slice without a
 * rest, and time spent waiting in poll_block() never counts.
 *
 * Callers ask xf_bulk_allows() only when they have a piece of work at hand,
 * and wait with xf_bulk_wait() while they hold one back.
 *
 * The functions taking 'now' are pure, for unit tests; the xf_bulk_*()
 * ones use the process's single pacer and the real clock. */

#define XF_PACE_SLICE_MS 10
#define XF_PACE_DEFAULT_SHARE 50

struct xf_pace {
    unsigned int share;         /* 1...100. */
    /* Times in microseconds. */
    long long int busy;         /* Slice so far, before this iteration. */
    long long int iteration_start;
    long long int resume_at;    /* No bulk work before then. */
    bool worked;                /* Work allowed in this iteration. */
    bool ended;                 /* A slice ended in this iteration. */

    /* Statistics. */
    unsigned long long n_slices;
    unsigned long long n_rests;
    long long int rested_us;    /* Sum of the rests. */
};

void xf_pace_init(struct xf_pace *, unsigned int share);
void xf_pace_set_share(struct xf_pace *, unsigned int share);
void xf_pace_start_iteration(struct xf_pace *, long long int now);
void xf_pace_end_iteration(struct xf_pace *, long long int now);
bool xf_pace_allows(struct xf_pace *, long long int now);
bool xf_pace_resting(const struct xf_pace *, long long int now);

/* The process's pacer.  'ports_polled' says whether the main thread polls
 * ports (xenflow.c decides): pieces of bulk work that cannot rest midway,
 * such as a batch of flow_mods, are then kept short whatever the share. */
void xf_bulk_set_share(unsigned int share);
void xf_bulk_set_ports_polled(bool ports_polled);
bool xf_bulk_ports_polled(void);
/* Whether the share is the restore share (for xenflow/bulk). */
void xf_bulk_set_restoring(bool restoring);
bool xf_bulk_restoring(void);
void xf_bulk_run(void);
void xf_bulk_run_end(void);
bool xf_bulk_allows(void);
bool xf_bulk_resting(void);
void xf_bulk_wait(void);
const struct xf_pace *xf_bulk_pace(void);

#endif /* xenflow/pace.h */
