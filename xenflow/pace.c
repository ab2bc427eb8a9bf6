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

#include "xenflow/pace.h"

#include <limits.h>

#include "coverage.h"
#include "openvswitch/poll-loop.h"
#include "timeval.h"
#include "util.h"

COVERAGE_DEFINE(xenflow_bulk_rest);

void
xf_pace_init(struct xf_pace *pace, unsigned int share)
{
    *pace = (struct xf_pace) { .resume_at = LLONG_MIN };
    xf_pace_set_share(pace, share);
}

void
xf_pace_set_share(struct xf_pace *pace, unsigned int share)
{
    pace->share = MIN(MAX(share, 1), 100);
}

/* Called at the start of XenFlow's part of each main-loop iteration, before
 * any bulk work... */
void
xf_pace_start_iteration(struct xf_pace *pace, long long int now)
{
    pace->iteration_start = now;
    pace->worked = pace->ended = false;
}

/* ...and at its end. */
void
xf_pace_end_iteration(struct xf_pace *pace, long long int now)
{
    if (pace->worked) {
        pace->busy += now - pace->iteration_start;
    } else {
        /* Nothing was left to do: the main loop ran free. */
        pace->busy = 0;
    }
}

/* Returns true if a piece of bulk work may start at 'now' (in microseconds,
 * as all times here: a piece often takes less than a millisecond). */
bool
xf_pace_allows(struct xf_pace *pace, long long int now)
{
    if (now < pace->resume_at || pace->ended) {
        return false;
    }

    long long int busy = pace->busy;
    if (pace->worked) {
        busy += now - pace->iteration_start;
    } else if (!busy) {
        pace->n_slices++;
    }
    if (busy >= XF_PACE_SLICE_MS * 1000LL) {
        long long int rest = busy * (100 - pace->share) / pace->share;

        /* Even without a rest the iteration's bulk work ends here, so that
         * the rest of the main loop (OpenFlow, the database, the ports)
         * runs. */
        pace->busy = 0;
        pace->worked = false;
        pace->ended = true;
        pace->resume_at = now + rest;
        if (rest) {
            pace->n_rests++;
            pace->rested_us += rest;
            COVERAGE_INC(xenflow_bulk_rest);
        }
        return false;
    }
    pace->worked = true;
    return true;
}

bool
xf_pace_resting(const struct xf_pace *pace, long long int now)
{
    return now < pace->resume_at;
}

static struct xf_pace bulk = {
    .share = XF_PACE_DEFAULT_SHARE,
    .resume_at = LLONG_MIN,
};

static bool bulk_ports_polled = true;
static bool bulk_restoring;

void
xf_bulk_set_share(unsigned int share)
{
    xf_pace_set_share(&bulk, share);
}

void
xf_bulk_set_ports_polled(bool ports_polled)
{
    bulk_ports_polled = ports_polled;
}

bool
xf_bulk_ports_polled(void)
{
    return bulk_ports_polled;
}

void
xf_bulk_set_restoring(bool restoring)
{
    bulk_restoring = restoring;
}

bool
xf_bulk_restoring(void)
{
    return bulk_restoring;
}

void
xf_bulk_run(void)
{
    xf_pace_start_iteration(&bulk, time_usec());
}

void
xf_bulk_run_end(void)
{
    xf_pace_end_iteration(&bulk, time_usec());
}

bool
xf_bulk_allows(void)
{
    return xf_pace_allows(&bulk, time_usec());
}

bool
xf_bulk_resting(void)
{
    return xf_pace_resting(&bulk, time_usec());
}

/* For a caller that has bulk work left: wakes the main loop when it may go
 * on (at once, or when the rest ends). */
void
xf_bulk_wait(void)
{
    if (xf_bulk_resting()) {
        poll_timer_wait_until(DIV_ROUND_UP(bulk.resume_at, 1000));
    } else {
        poll_immediate_wake();
    }
}

const struct xf_pace *
xf_bulk_pace(void)
{
    return &bulk;
}
