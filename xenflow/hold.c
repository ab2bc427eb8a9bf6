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

#include "xenflow/hold.h"

#include <string.h>

#include "coverage.h"
#include "smap.h"
#include "svec.h"
#include "util.h"
#include "xenflow/conf.h"

COVERAGE_DEFINE(xenflow_hold_dropped);

/* Reads the three limits from 'cfg' (bad values: the default, reported in
 * 'errors').  The defaults keep a paused BGP, OSPF and ARP exchange and a
 * few seconds of pings; the byte limit keeps what a migration hands over
 * within one node-channel message. */
void
xf_hold_limits_parse(const struct smap *cfg, struct xf_hold_limits *limits,
                     struct svec *errors)
{
    limits->max_packets = xf_get_uint_key(cfg, XF_KEY_HOLD_PACKETS, 0,
                                          100000, 1000, errors);
    limits->max_bytes = xf_get_uint_key(cfg, XF_KEY_HOLD_BYTES, 0,
                                        4 << 20, 1 << 20, errors);
    limits->max_ms = xf_get_uint_key(cfg, XF_KEY_HOLD_MS, 0, 600000, 10000,
                                     errors);
}

void
xf_hold_queue_init(struct xf_hold_queue *q)
{
    ovs_list_init(&q->frames);
    q->n_packets = q->n_bytes = 0;
}

struct xf_hold_frame *
xf_hold_queue_pop(struct xf_hold_queue *q)
{
    if (ovs_list_is_empty(&q->frames)) {
        return NULL;
    }
    struct xf_hold_frame *f = CONTAINER_OF(ovs_list_pop_front(&q->frames),
                                           struct xf_hold_frame, node);
    q->n_packets--;
    q->n_bytes -= f->size;
    return f;
}

static void
drop_oldest(struct xf_hold_queue *q, struct xf_hold_stats *stats)
{
    free(xf_hold_queue_pop(q));
    stats->dropped++;
    COVERAGE_INC(xenflow_hold_dropped);
}

/* Drops every frame of 'q', counted in 'stats'. */
void
xf_hold_queue_clear(struct xf_hold_queue *q, struct xf_hold_stats *stats)
{
    while (q->n_packets) {
        drop_oldest(q, stats);
    }
}

/* Queues a copy of 'data' for the interface with MAC 'mac', first held at
 * 'held_at', then drops the oldest frames while 'q' is over a limit (a
 * frame larger than the byte limit is dropped itself). */
void
xf_hold_queue_push(struct xf_hold_queue *q,
                   const struct xf_hold_limits *limits,
                   struct xf_hold_stats *stats, const struct eth_addr mac,
                   const void *data, size_t size, long long int held_at)
{
    struct xf_hold_frame *f = xmalloc(sizeof *f + size);
    f->held_at = held_at;
    f->mac = mac;
    f->size = size;
    memcpy(f->data, data, size);
    ovs_list_push_back(&q->frames, &f->node);
    q->n_packets++;
    q->n_bytes += size;
    stats->held++;

    while (q->n_packets && (q->n_packets > limits->max_packets
                            || q->n_bytes > limits->max_bytes)) {
        drop_oldest(q, stats);
    }
}

/* Moves every frame of 'src' to the end of 'dst'. */
void
xf_hold_queue_append(struct xf_hold_queue *dst, struct xf_hold_queue *src)
{
    ovs_list_splice(&dst->frames, ovs_list_front(&src->frames),
                    &src->frames);
    dst->n_packets += src->n_packets;
    dst->n_bytes += src->n_bytes;
    xf_hold_queue_init(src);
}

/* Drops the frames held for longer than the limit. */
void
xf_hold_queue_expire(struct xf_hold_queue *q,
                     const struct xf_hold_limits *limits,
                     struct xf_hold_stats *stats, long long int now)
{
    while (xf_hold_queue_next_expiry(q, limits) <= now) {
        drop_oldest(q, stats);
    }
}

/* When the oldest frame of 'q' expires; LLONG_MAX if 'q' is empty. */
long long int
xf_hold_queue_next_expiry(const struct xf_hold_queue *q,
                          const struct xf_hold_limits *limits)
{
    if (ovs_list_is_empty(&q->frames)) {
        return LLONG_MAX;
    }
    const struct xf_hold_frame *f = CONTAINER_OF(ovs_list_front(&q->frames),
                                                 struct xf_hold_frame, node);
    return f->held_at + limits->max_ms;
}

/* Counts 'f' delivered at 'now'. */
void
xf_hold_stats_delivered(struct xf_hold_stats *stats,
                        const struct xf_hold_frame *f, long long int now)
{
    stats->delivered++;
    stats->longest_ms = MAX(stats->longest_ms, now - f->held_at);
}
