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

/* Address order for batches of routes (prefix-order.h). */

#include <config.h>

#include "xenflow/prefix-order.h"

#include <string.h>

#include "util.h"
#include "xenflow/addr.h"

/* The index takes the low 24 bits; the key the 40 above, in 5 passes. */
#define INDEX_BITS 24
BUILD_ASSERT_DECL(INDEX_BITS + 8 * XF_PREFIX_ORDER_PASSES == 64);

/* Initializes 'order' for about 'n_hint' entries. */
void
xf_prefix_order_init(struct xf_prefix_order *order, size_t n_hint)
{
    memset(order, 0, sizeof *order);
    order->allocated = MIN(n_hint, XF_PREFIX_ORDER_MAX);
    order->values = (order->allocated
                     ? xmalloc(order->allocated * sizeof *order->values)
                     : NULL);
}

void
xf_prefix_order_destroy(struct xf_prefix_order *order)
{
    if (order) {
        free(order->values);
        free(order->tmp);
        order->values = order->tmp = NULL;
        order->n = order->allocated = 0;
    }
}

static void
order_append(struct xf_prefix_order *order, uint64_t key, size_t index)
{
    ovs_assert(index < XF_PREFIX_ORDER_MAX);
    free(order->tmp);               /* Sized for fewer entries. */
    order->tmp = NULL;
    if (order->n >= order->allocated) {
        order->values = x2nrealloc(order->values, &order->allocated,
                                   sizeof *order->values);
    }
    order->values[order->n++] = (key << INDEX_BITS) | index;
    order->pass = 0;
}

/* Adds the entry at 'index' (less than XF_PREFIX_ORDER_MAX), for
 * 'prefix'.  Entries must be added in increasing 'index' order. */
void
xf_prefix_order_add(struct xf_prefix_order *order,
                    const struct xf_prefix *prefix, size_t index)
{
    const uint8_t *a = prefix->addr.s6_addr;
    uint64_t key;

    if (xf_addr_is_ipv4(&prefix->addr)) {
        /* The address, then the length: a prefix before those it holds. */
        key = ((uint64_t) a[12] << 32 | (uint64_t) a[13] << 24
               | (uint64_t) a[14] << 16 | (uint64_t) a[15] << 8
               | prefix->plen);
    } else {
        key = ((uint64_t) a[0] << 32 | (uint64_t) a[1] << 24
               | (uint64_t) a[2] << 16 | (uint64_t) a[3] << 8 | a[4]);
    }
    order_append(order, key, index);
}

/* Adds the entry at 'index', to come before every prefix but IPv4's
 * 0.0.0.0/0 (e.g. a neighbour, which routes resolve through). */
void
xf_prefix_order_add_first(struct xf_prefix_order *order, size_t index)
{
    order_append(order, 0, index);
}

/* Does one pass of the sort.  Returns true once the order is sorted. */
bool
xf_prefix_order_step(struct xf_prefix_order *order)
{
    if (order->pass >= XF_PREFIX_ORDER_PASSES) {
        return true;
    }

    int shift = INDEX_BITS + 8 * order->pass++;
    size_t count[256] = { 0 };
    for (size_t i = 0; i < order->n; i++) {
        count[(order->values[i] >> shift) & 0xff]++;
    }

    /* A byte that all keys share (most of an IPv6 table's first) needs no
     * pass. */
    if (order->n && count[(order->values[0] >> shift) & 0xff] < order->n) {
        size_t start[256];
        size_t sum = 0;
        for (int b = 0; b < 256; b++) {
            start[b] = sum;
            sum += count[b];
        }
        if (!order->tmp) {
            order->tmp = xmalloc(order->allocated * sizeof *order->tmp);
        }
        for (size_t i = 0; i < order->n; i++) {
            uint64_t v = order->values[i];
            order->tmp[start[(v >> shift) & 0xff]++] = v;
        }

        uint64_t *swap = order->values;
        order->values = order->tmp;
        order->tmp = swap;
    }

    if (order->pass >= XF_PREFIX_ORDER_PASSES) {
        free(order->tmp);
        order->tmp = NULL;
        return true;
    }
    return false;
}

/* Initializes 'order' with the 'n' prefixes that start at 'first', 'stride'
 * bytes apart (an array of prefixes, or of structures that hold one), and
 * sorts it in one go.  A batch of more than XF_PREFIX_ORDER_MAX leaves it
 * empty. */
void
xf_prefix_order_init_sorted(struct xf_prefix_order *order,
                            const struct xf_prefix *first, size_t n,
                            size_t stride)
{
    if (n > XF_PREFIX_ORDER_MAX) {
        xf_prefix_order_init(order, 0);
        return;
    }
    xf_prefix_order_init(order, n);
    for (size_t i = 0; i < n; i++) {
        const void *p = (const char *) first + i * stride;
        xf_prefix_order_add(order, p, i);
    }
    xf_prefix_order_sort(order);
}

/* Sorts 'order' in one go. */
void
xf_prefix_order_sort(struct xf_prefix_order *order)
{
    while (!xf_prefix_order_step(order)) {
        continue;
    }
}
