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

#ifndef XENFLOW_LATENCY_H
#define XENFLOW_LATENCY_H 1

/* The last XF_LATENCY_SAMPLES latencies of something, in microseconds (a
 * ring), and their percentiles: flowsync's "put" to "in ofproto". */

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define XF_LATENCY_SAMPLES 4096

struct xf_latency {
    uint32_t samples[XF_LATENCY_SAMPLES];
    size_t n;                   /* Samples taken, ever. */
};

struct xf_latency_stats {
    size_t n;                   /* Samples. */
    uint32_t p50, p99, max;
};

static inline void
xf_latency_add(struct xf_latency *latency, long long int us)
{
    latency->samples[latency->n++ % XF_LATENCY_SAMPLES] = MIN(us, UINT32_MAX);
}

static inline void
xf_latency_clear(struct xf_latency *latency)
{
    latency->n = 0;
}

size_t xf_latency_compute(const struct xf_latency *,
                          struct xf_latency_stats *);

#endif /* xenflow/latency.h */
