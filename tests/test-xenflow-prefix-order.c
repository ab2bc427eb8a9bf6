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

/* Unit tests for xenflow/prefix-order.c, driven by tests/xenflow-unit.at.
 *
 *   ovstest test-xenflow-prefix-order ENTRY...
 *       Orders the entries, each a prefix or "-" (an entry to come first,
 *       as a neighbour), and prints them in that order, each with its
 *       index.
 *
 *   ovstest test-xenflow-prefix-order --random N SEED
 *       Orders N random IPv4 and IPv6 prefixes (many of them twice) one
 *       pass at a time, and in one go (xf_prefix_order_init_sorted()), and
 *       checks both against a comparison sort: by key, and of equal keys by
 *       index.  Prints "N entries ordered". */

#include <config.h>
#undef NDEBUG

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packets.h"
#include "random.h"
#include "tests/ovstest.h"
#include "util.h"
#include "xenflow/addr.h"
#include "xenflow/prefix-order.h"

/* The key prefix-order.h describes, for the comparison sort. */
static uint64_t
expected_key(const struct xf_prefix *p)
{
    const uint8_t *a = p->addr.s6_addr;
    uint64_t key = 0;

    if (xf_addr_is_ipv4(&p->addr)) {
        for (int i = 12; i < 16; i++) {
            key = key << 8 | a[i];
        }
        return key << 8 | p->plen;
    }
    for (int i = 0; i < 5; i++) {
        key = key << 8 | a[i];
    }
    return key;
}

struct item {
    uint64_t key;
    size_t index;
};

static int
compare_items(const void *a_, const void *b_)
{
    const struct item *a = a_, *b = b_;
    return (a->key != b->key ? (a->key < b->key ? -1 : 1)
            : a->index < b->index ? -1 : a->index > b->index);
}

static void
test_random(size_t n, uint32_t seed)
{
    struct xf_prefix *prefixes = xcalloc(n, sizeof *prefixes);
    struct item *items = xcalloc(n, sizeof *items);
    struct xf_prefix_order order;
    int steps = 0;

    random_set_seed(seed);
    for (size_t i = 0; i < n; i++) {
        struct xf_prefix *p = &prefixes[i];
        if (i && random_range(4) == 0) {
            *p = prefixes[random_range(i)];     /* Again, later. */
        } else if (random_range(3)) {
            uint32_t ip = random_uint32();
            p->plen = 8 + random_range(25);
            ip &= p->plen == 32 ? UINT32_MAX : ~(UINT32_MAX >> p->plen);
            in6_addr_set_mapped_ipv4(&p->addr, htonl(ip));
        } else {
            p->addr.s6_addr[0] = 0x20;
            for (int j = 1; j < 8; j++) {
                p->addr.s6_addr[j] = random_uint8();
            }
            p->plen = 64;
        }
        items[i].key = expected_key(p);
        items[i].index = i;
    }

    xf_prefix_order_init(&order, n / 2);        /* Grows. */
    for (size_t i = 0; i < n; i++) {
        xf_prefix_order_add(&order, &prefixes[i], i);
    }
    while (!xf_prefix_order_step(&order)) {
        steps++;
    }
    ovs_assert(steps == XF_PREFIX_ORDER_PASSES - 1);
    ovs_assert(xf_prefix_order_step(&order));   /* Done stays done. */

    qsort(items, n, sizeof *items, compare_items);
    ovs_assert(order.n == n);
    for (size_t i = 0; i < n; i++) {
        ovs_assert(xf_prefix_order_get(&order, i) == items[i].index);
    }

    /* The same in one go, from the array. */
    struct xf_prefix_order sorted;
    xf_prefix_order_init_sorted(&sorted, prefixes, n, sizeof *prefixes);
    ovs_assert(sorted.n == n);
    for (size_t i = 0; i < n; i++) {
        ovs_assert(xf_prefix_order_get(&sorted, i) == items[i].index);
    }
    xf_prefix_order_destroy(&sorted);

    /* An order left empty keeps the batch's own. */
    xf_prefix_order_init(&sorted, 0);
    ovs_assert(xf_prefix_order_get(&sorted, 7) == 7);
    xf_prefix_order_destroy(&sorted);

    printf("%"PRIuSIZE" entries ordered\n", n);

    xf_prefix_order_destroy(&order);
    free(items);
    free(prefixes);
}

static void
test_xenflow_prefix_order_main(int argc, char *argv[])
{
    if (argc == 4 && !strcmp(argv[1], "--random")) {
        test_random(atoi(argv[2]), atoi(argv[3]));
        return;
    }

    struct xf_prefix *prefixes = xcalloc(argc, sizeof *prefixes);
    struct xf_prefix_order order;

    xf_prefix_order_init(&order, argc - 1);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-")) {
            xf_prefix_order_add_first(&order, i - 1);
        } else {
            char *error = xf_prefix_parse(argv[i], false, &prefixes[i - 1]);
            if (error) {
                ovs_fatal(0, "%s", error);
            }
            xf_prefix_order_add(&order, &prefixes[i - 1], i - 1);
        }
    }
    xf_prefix_order_sort(&order);
    for (size_t i = 0; i < order.n; i++) {
        size_t index = xf_prefix_order_get(&order, i);
        printf("%"PRIuSIZE" %s\n", index, argv[index + 1]);
    }
    xf_prefix_order_destroy(&order);
    free(prefixes);
}

OVSTEST_REGISTER("test-xenflow-prefix-order", test_xenflow_prefix_order_main);
