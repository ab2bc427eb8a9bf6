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


#ifndef XENFLOW_FLOWSYNC_QUEUE_H
#define XENFLOW_FLOWSYNC_QUEUE_H 1

/* A first-in first-out queue of pointers whose entries may also leave from
 * the middle: flowsync's pending flow changes.
 *
 * A million route flows are a million queued changes after a bulk load,
 * and none once they are applied.  A list node in every flow costs 16
 * bytes for the flow's whole life; this queue costs 8 bytes per queued
 * entry while it is queued.  An entry that leaves from the middle (a flow
 * adopted, dropped with its table, or moved to the back) leaves a NULL
 * behind, which the front skips: each push returns the entry's position,
 * which its owner keeps (32 bits) to remove it again.
 *
 * Positions are absolute and wrap around at 2**32; a queue never holds
 * that many entries at once. */

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct xf_queue {
    void **slots;               /* Entries at [head, tail), NULL if gone. */
    size_t head, tail, allocated;
    uint32_t base;              /* Position of 'slots[0]'. */
    size_t n;                   /* Entries not NULL. */
};

void xf_queue_init(struct xf_queue *);
void xf_queue_destroy(struct xf_queue *);

uint32_t xf_queue_push(struct xf_queue *, void *);
void xf_queue_remove(struct xf_queue *, uint32_t pos, const void *);
void *xf_queue_front(struct xf_queue *);
void *xf_queue_pop(struct xf_queue *);

/* Slot 'i' of [0, xf_queue_span()), or NULL, and its position in '*pos':
 * walks the queue in order, e.g. to remove some of its entries. */
size_t xf_queue_span(const struct xf_queue *);
void *xf_queue_at(const struct xf_queue *, size_t i, uint32_t *pos);

/* Returns the number of entries. */
static inline size_t
xf_queue_count(const struct xf_queue *q)
{
    return q->n;
}

/* Returns the entry 'ahead' slots behind the front of 'q', or NULL if
 * there is none or it went: for a consumer that prefetches what it will
 * pop (entries that went from the middle are not skipped). */
static inline void *
xf_queue_peek(const struct xf_queue *q, size_t ahead)
{
    return q->head + ahead < q->tail ? q->slots[q->head + ahead] : NULL;
}

/* Prefetches the entry 'ahead' slots behind the front of 'q', if any: a
 * consumer that pops entries one after another, each a cache miss in a
 * large table, overlaps the misses. */
static inline void
xf_queue_prefetch(const struct xf_queue *q, size_t ahead)
{
    OVS_PREFETCH(xf_queue_peek(q, ahead));
}

#endif /* xenflow/flowsync-queue.h */
