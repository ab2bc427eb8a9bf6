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

#ifndef XENFLOW_QOS_CALC_H
#define XENFLOW_QOS_CALC_H 1

/* The proportional redistributor's arithmetic (XenFlow paper, §II-E).  Pure
 * functions of a link's contracts and measured rates, so that they can be
 * unit-tested on simulated links; xenflow/qos.c feeds them queue statistics
 * and applies what they return.  All rates are in bit/s.
 *
 * Expected share.  Each queue q has a contract m_q, its guaranteed minimum.
 * When every queue wants more than the link gives, the link's capacity L
 * beyond the contracts is shared in proportion to them (Eq. 1):
 *
 *     e_q = m_q + C * m_q / sum(m_i),   C = L - sum(m_i)
 *
 * A queue that wants less than that (it drops nothing and does not reach its
 * ceiling) keeps what it uses, and the capacity it leaves idle is shared by
 * the others in the same proportion: Eq. 1 applied again to the rest (a
 * weighted max-min fair share with weights m_q).  Contracts that add up to
 * more than the link are scaled down to fit it.
 *
 * Ceilings (the maximum level).  A queue that wants more than it gets is
 * capped at its expected share plus its part of the capacity nobody uses
 * right now (Eq. 1 with C = L - sum(measured rates)), so the link stays
 * full and the excess goes where the contracts say.  A queue that wants less
 * may grow to its contract plus its part of that idle capacity at once.
 *
 * Minimums (the minimum level).  When the queues together want more than
 * the link, the capacity not covered by contracts, U = L - sum(m_i), is
 * added to the guaranteed minimums of the queues that want more, with
 * weight w_q = m_q * m_q / max(r_q, m_q): more for networks that contracted
 * more, less for networks that use more than they contracted (r_q is the
 * measured rate).  Its fixed point is the expected share.  A minimum never
 * exceeds its queue's ceiling. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xf_qos_queue_in {
    uint64_t contract;          /* Guaranteed minimum (configured). */
    uint64_t ceiling;           /* Configured maximum; 0: the link. */
    uint64_t rate;              /* Measured rate, averaged over k_med. */
    bool wants_more;            /* Dropped packets or hit its ceiling. */
};

struct xf_qos_queue_out {
    uint64_t expected;          /* Its share of the link (see above). */
    uint64_t min;               /* Minimum to apply. */
    uint64_t max;               /* Ceiling to apply. */
};

void xf_qos_compute(uint64_t link, const struct xf_qos_queue_in *,
                    struct xf_qos_queue_out *, size_t n);
double xf_qos_fitness(double obtained, double expected);

#endif /* xenflow/qos-calc.h */
