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

#include "xenflow/latency.h"

#include <stdlib.h>
#include <string.h>

static int
compare_uint32(const void *a_, const void *b_)
{
    uint32_t a = *(const uint32_t *) a_;
    uint32_t b = *(const uint32_t *) b_;
    return a < b ? -1 : a > b;
}

/* Computes the percentiles of the samples in 'latency' (the last
 * XF_LATENCY_SAMPLES).  Returns the number of samples used. */
size_t
xf_latency_compute(const struct xf_latency *latency,
                   struct xf_latency_stats *stats)
{
    size_t n = MIN(latency->n, XF_LATENCY_SAMPLES);

    memset(stats, 0, sizeof *stats);
    if (n) {
        uint32_t *copy = xmemdup(latency->samples, n * sizeof *copy);
        qsort(copy, n, sizeof *copy, compare_uint32);
        stats->p50 = copy[(n - 1) / 2];
        stats->p99 = copy[(n - 1) * 99 / 100];
        stats->max = copy[n - 1];
        free(copy);
    }
    stats->n = n;
    return n;
}
