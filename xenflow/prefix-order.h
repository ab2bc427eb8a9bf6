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

#ifndef XENFLOW_PREFIX_ORDER_H
#define XENFLOW_PREFIX_ORDER_H 1

/* The order in which a large batch of routes becomes flows.
 *
 * ofproto's classifier keeps a prefix trie per address field: every route
 * flow added or removed walks its prefix down the trie, one node per
 * branching bit.  A full table's trie is tens of megabytes, so a walk for
 * a prefix far from the last one misses the CPU cache at most of its
 * nodes, and the trie's share of a withdrawal was 30% (perf, 500,000
 * routes).  Prefixes taken in address order share most of their path with
 * the one before.  So a batch of routes set or removed together
 * (xenflow/load's table, a replace's sweep) is applied in address order,
 * whatever order it came in: an order is a radix sort of one 64-bit value
 * per entry, the top 40 bits of its address (for IPv4 the address and
 * then the prefix length) above the entry's index, stable, so that of two
 * entries for one prefix the later stays later.
 *
 * Sorting runs one 8-bit pass at a time (a few milliseconds per million
 * entries each), so that callers doing bulk work can spread it over
 * main-loop iterations. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xf_prefix;

/* Entries an order can sort; a larger batch keeps its own order. */
#define XF_PREFIX_ORDER_MAX ((size_t) 1 << 24)

struct xf_prefix_order {
    uint64_t *values;           /* Sort key above index, 'n' of them. */
    uint64_t *tmp;              /* Scratch for a pass, 'n' values. */
    size_t n, allocated;
    int pass;                   /* Passes done, XF_PREFIX_ORDER_PASSES
                                 * once sorted. */
};

#define XF_PREFIX_ORDER_PASSES 5

void xf_prefix_order_init(struct xf_prefix_order *, size_t n_hint);
void xf_prefix_order_destroy(struct xf_prefix_order *);
void xf_prefix_order_add(struct xf_prefix_order *, const struct xf_prefix *,
                         size_t index);
void xf_prefix_order_add_first(struct xf_prefix_order *, size_t index);
bool xf_prefix_order_step(struct xf_prefix_order *);
void xf_prefix_order_sort(struct xf_prefix_order *);
void xf_prefix_order_init_sorted(struct xf_prefix_order *,
                                 const struct xf_prefix *first, size_t n,
                                 size_t stride);

/* The index given for the 'i'th entry in sorted order; for an order left
 * empty (a batch too large to sort), 'i': the batch's own order. */
static inline size_t
xf_prefix_order_get(const struct xf_prefix_order *order, size_t i)
{
    return order->n ? order->values[i] & (XF_PREFIX_ORDER_MAX - 1) : i;
}

#endif /* xenflow/prefix-order.h */
