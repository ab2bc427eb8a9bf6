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

#include "xenflow/qos-calc.h"

#include <math.h>

#include "util.h"

static double
ceiling_of(uint64_t link, const struct xf_qos_queue_in *q)
{
    return q->ceiling && q->ceiling < link ? q->ceiling : link;
}

/* Weight of queue 'i' when sharing among 'n_active' queues whose contracts
 * add up to 'sum': its contract, or an equal part if no queue left has a
 * contract. */
static double
weight_of(const double *contract, size_t i, double sum, size_t n_active)
{
    return sum > 0 ? contract[i] / sum : 1.0 / n_active;
}

void
xf_qos_compute(uint64_t link, const struct xf_qos_queue_in *in,
               struct xf_qos_queue_out *out, size_t n)
{
    double *contract = xmalloc(n * sizeof *contract);
    double *expected = xmalloc(n * sizeof *expected);
    bool *satisfied = xmalloc(n * sizeof *satisfied);
    double sum_contracts = 0, sum_rates = 0;

    for (size_t i = 0; i < n; i++) {
        sum_contracts += in[i].contract;
        sum_rates += in[i].rate;
        satisfied[i] = false;
    }
    /* Contracts that promise more than the link are scaled down to fit. */
    double scale = sum_contracts > link ? link / sum_contracts : 1.0;
    for (size_t i = 0; i < n; i++) {
        contract[i] = in[i].contract * scale;
    }
    sum_contracts *= scale;

    /* Expected shares: Eq. 1 over the queues that want their share, again
     * and again as queues that want less (or cannot take more) drop out.
     * Shares only grow as queues drop out, so each round can remove every
     * queue that is below the current share. */
    double capacity = link;
    for (;;) {
        double sum = 0;
        size_t n_active = 0;
        for (size_t i = 0; i < n; i++) {
            if (!satisfied[i]) {
                sum += contract[i];
                n_active++;
            }
        }
        if (!n_active) {
            break;
        }

        bool changed = false;
        for (size_t i = 0; i < n; i++) {
            if (satisfied[i]) {
                continue;
            }
            double share = capacity * weight_of(contract, i, sum, n_active);
            double ceiling = ceiling_of(link, &in[i]);
            if (!in[i].wants_more && in[i].rate < share) {
                expected[i] = in[i].rate;
            } else if (ceiling < share) {
                expected[i] = ceiling;
            } else {
                expected[i] = share;
                continue;
            }
            satisfied[i] = true;
            capacity -= expected[i];
            changed = true;
        }
        if (!changed) {
            break;
        }
    }

    /* Capacity nobody uses right now, shared per Eq. 1 on top of the
     * ceilings so that a queue can grow into it before the next period. */
    double idle = MAX(0.0, (double) link - sum_rates);
    double unallocated = MAX(0.0, (double) link - sum_contracts);
    double sum_weights = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i].wants_more && contract[i] > 0) {
            sum_weights += contract[i] * contract[i]
                           / MAX((double) in[i].rate, contract[i]);
        }
    }

    for (size_t i = 0; i < n; i++) {
        double ceiling = ceiling_of(link, &in[i]);
        double headroom = idle * weight_of(contract, i, sum_contracts, n);
        double max = (satisfied[i] ? MAX(contract[i], expected[i])
                                   : expected[i]) + headroom;
        max = MIN(max, ceiling);

        double min = contract[i];
        if (in[i].wants_more && sum_weights > 0 && contract[i] > 0) {
            double w = contract[i] * contract[i]
                       / MAX((double) in[i].rate, contract[i]);
            min += unallocated * w / sum_weights;
        }
        /* A queue may always reach its contract; a minimum above the
         * ceiling would override the ceiling. */
        max = MAX(max, MIN(contract[i], ceiling));
        min = MIN(min, max);

        out[i].expected = llround(expected[i]);
        out[i].min = llround(min);
        out[i].max = llround(max);
    }

    free(contract);
    free(expected);
    free(satisfied);
}

/* The paper's fitness (Eq. 2): 1 - |1 - obtained / expected|, never below
 * 0.  Nothing obtained of nothing expected is a perfect fit. */
double
xf_qos_fitness(double obtained, double expected)
{
    if (expected <= 0) {
        return obtained <= 0 ? 1.0 : 0.0;
    }
    return MAX(0.0, 1.0 - fabs(1.0 - obtained / expected));
}
