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

#include "xenflow/flowsync-queue.h"

#include <string.h>

#include "util.h"

void
xf_queue_init(struct xf_queue *q)
{
    memset(q, 0, sizeof *q);
}

void
xf_queue_destroy(struct xf_queue *q)
{
    free(q->slots);
    xf_queue_init(q);
}

/* Empty (only NULLs left, or nothing): the memory goes, the positions go
 * on from where they were. */
static void
reset_if_empty(struct xf_queue *q)
{
    if (!q->n && q->allocated) {
        uint32_t next = q->base + q->tail;
        free(q->slots);
        xf_queue_init(q);
        q->base = next;
    }
}

/* Appends 'p' (not NULL) to 'q' and returns its position. */
uint32_t
xf_queue_push(struct xf_queue *q, void *p)
{
    ovs_assert(p);
    if (q->tail == q->allocated) {
        if (q->head >= q->allocated / 2 && q->head) {
            /* At least half of it has gone from the front: move the rest
             * down rather than grow. */
            memmove(q->slots, q->slots + q->head,
                    (q->tail - q->head) * sizeof *q->slots);
            q->base += q->head;
            q->tail -= q->head;
            q->head = 0;
        } else {
            q->slots = x2nrealloc(q->slots, &q->allocated, sizeof *q->slots);
        }
    }
    q->slots[q->tail] = p;
    q->n++;
    return q->base + q->tail++;
}

/* Removes 'p', which xf_queue_push() put at 'pos' and which is still in
 * 'q'. */
void
xf_queue_remove(struct xf_queue *q, uint32_t pos, const void *p)
{
    size_t i = (uint32_t) (pos - q->base);

    ovs_assert(i >= q->head && i < q->tail && q->slots[i] == p);
    q->slots[i] = NULL;
    q->n--;
    reset_if_empty(q);
}

/* Returns the entry at the front of 'q', or NULL if 'q' is empty. */
void *
xf_queue_front(struct xf_queue *q)
{
    if (!q->n) {
        return NULL;
    }
    while (!q->slots[q->head]) {
        q->head++;
    }
    return q->slots[q->head];
}

/* Removes the entry at the front of 'q' and returns it, or returns NULL if
 * 'q' is empty. */
void *
xf_queue_pop(struct xf_queue *q)
{
    void *p = xf_queue_front(q);
    if (p) {
        q->slots[q->head++] = NULL;
        q->n--;
        reset_if_empty(q);
    }
    return p;
}

size_t
xf_queue_span(const struct xf_queue *q)
{
    return q->tail - q->head;
}

void *
xf_queue_at(const struct xf_queue *q, size_t i, uint32_t *pos)
{
    ovs_assert(i < q->tail - q->head);
    *pos = q->base + q->head + i;
    return q->slots[q->head + i];
}
