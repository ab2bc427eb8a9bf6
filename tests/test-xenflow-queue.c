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


/* Unit tests for xenflow/flowsync-queue.c, driven by tests/xenflow-unit.at.
 *
 *   ovstest test-xenflow-queue N SEED
 *       Runs N random operations (push, pop, remove from the middle, move
 *       to the back) on a queue whose positions start just below 2**32,
 *       so that they wrap, and checks that it holds the same entries in
 *       the same order as a plain array doing the same (its front after
 *       each operation, all of it after every 50th).  Prints
 *       "N operations checked, M entries at most". */

#include <config.h>
#undef NDEBUG

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "random.h"
#include "tests/ovstest.h"
#include "util.h"
#include "xenflow/flowsync-queue.h"

#define N_ITEMS 4096

struct item {
    bool queued;
    uint32_t pos;
};

/* The reference: 'order' holds indexes of queued items, front first. */
static size_t order[N_ITEMS];
static size_t n_order;

static void
order_remove(size_t item)
{
    for (size_t i = 0; i < n_order; i++) {
        if (order[i] == item) {
            memmove(&order[i], &order[i + 1],
                    (n_order - i - 1) * sizeof *order);
            n_order--;
            return;
        }
    }
    OVS_NOT_REACHED();
}

static void
check(struct xf_queue *q, struct item *items)
{
    size_t k = 0;

    ovs_assert(xf_queue_count(q) == n_order);
    for (size_t i = 0; i < xf_queue_span(q); i++) {
        uint32_t pos;
        struct item *it = xf_queue_at(q, i, &pos);
        if (it) {
            ovs_assert(k < n_order && it == &items[order[k]]);
            ovs_assert(it->queued && it->pos == pos);
            k++;
        }
    }
    ovs_assert(k == n_order);
    ovs_assert(xf_queue_front(q) == (n_order ? &items[order[0]] : NULL));
}

static void
test_xenflow_queue_main(int argc, char *argv[])
{
    if (argc != 3) {
        ovs_fatal(0, "usage: test-xenflow-queue N SEED");
    }
    int n_ops = atoi(argv[1]);
    random_init();
    random_set_seed(atoi(argv[2]));

    struct item *items = xcalloc(N_ITEMS, sizeof *items);
    struct xf_queue q;
    size_t max = 0;

    xf_queue_init(&q);
    q.base = UINT32_MAX - 1000;     /* Positions wrap. */
    for (int op = 0; op < n_ops; op++) {
        size_t item = random_range(N_ITEMS);
        struct item *it = &items[item];
        /* Phases: mostly pushes, then mostly pops, so that the queue both
         * grows large and drains to empty (its memory freed). */
        bool filling = (op / 20000) % 2 == 0;
        unsigned int r = random_range(100);

        if (r < (filling ? 60 : 20)) {
            if (!it->queued) {              /* Push. */
                it->pos = xf_queue_push(&q, it);
                it->queued = true;
                order[n_order++] = item;
            } else {                        /* Move to the back. */
                xf_queue_remove(&q, it->pos, it);
                it->pos = xf_queue_push(&q, it);
                order_remove(item);
                order[n_order++] = item;
            }
        } else if (r < 80) {                /* Pop. */
            struct item *p = xf_queue_pop(&q);
            if (n_order) {
                ovs_assert(p == &items[order[0]]);
                p->queued = false;
                order_remove(order[0]);
            } else {
                ovs_assert(!p);
            }
        } else if (it->queued) {            /* Remove from the middle. */
            xf_queue_remove(&q, it->pos, it);
            it->queued = false;
            order_remove(item);
        }
        max = MAX(max, n_order);
        if (op % 50 == 0 || n_order < 8) {
            check(&q, items);           /* The whole queue: O(n). */
        } else {
            ovs_assert(xf_queue_front(&q)
                       == (n_order ? &items[order[0]] : NULL));
        }
    }
    printf("%d operations checked, %"PRIuSIZE" entries at most\n",
           n_ops, max);
    xf_queue_destroy(&q);
    free(items);
}

OVSTEST_REGISTER("test-xenflow-queue", test_xenflow_queue_main);
