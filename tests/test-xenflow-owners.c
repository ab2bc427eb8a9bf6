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

/* Unit test for xenflow/flow-owners.c, driven by tests/xenflow-unit.at.
 *
 *   ovstest test-xenflow-owners N
 *       Groups N route flows of router 1, N of router 2 and a few fixed
 *       ones, checks what one owner's walk and pending counts see, and
 *       prints how many flows each selection looked at. */

#include <config.h>
#undef NDEBUG

#include <stdio.h>
#include <stdlib.h>

#include "tests/ovstest.h"
#include "util.h"
#include "xenflow/flow-owners.h"

struct test_flow {
    struct ovs_list node;
    uint64_t cookie;
    bool pending;
};

/* Counts the flows of 'owner' in 'kinds', as flowsync walks them. */
static size_t
walk(const struct xf_flow_owners *owners, uint32_t owner, uint32_t kinds)
{
    const struct xf_flow_owner *o = xf_flow_owners_find(owners, owner);
    struct test_flow *flow;
    size_t n = 0;
    int kind;

    XF_FLOW_OWNER_FOR_EACH (flow, node, kind, kinds, o) {
        ovs_assert(xf_cookie_owner(flow->cookie) == owner);
        ovs_assert(kinds & XF_FLOW_KIND_BIT(xf_cookie_kind(flow->cookie)));
        n++;
    }
    return n;
}

static void
test_xenflow_owners_main(int argc, char *argv[])
{
    size_t n = argc > 1 ? atoi(argv[1]) : 1000;
    size_t n_flows = 2 * n + 4;
    struct test_flow *flows = xcalloc(n_flows, sizeof *flows);
    struct xf_flow_owners owners;

    xf_flow_owners_init(&owners);
    for (size_t i = 0; i < n_flows; i++) {
        struct test_flow *f = &flows[i];
        f->cookie = (i < 2 * n ? xf_cookie(XF_FLOW_ROUTE, 1 + i % 2)
                     : i < 2 * n + 2 ? xf_cookie(XF_FLOW_INGRESS, 1 + i % 2)
                     : xf_cookie(XF_FLOW_CLASSIFY, 1));  /* VLAN 1. */
        f->pending = i % 2;                 /* Router 2's are pending. */
        xf_flow_owners_add(&owners, f->cookie, &f->node, f->pending);
    }
    printf("router 1: %"PRIuSIZE" flows, %"PRIuSIZE" tables, %"PRIuSIZE
           " pending\n", walk(&owners, 1, XF_FLOW_KINDS_ROUTER),
           walk(&owners, 1, XF_FLOW_KINDS_TABLES),
           xf_flow_owners_pending(&owners, 1, XF_FLOW_KINDS_ROUTER));
    printf("router 2: %"PRIuSIZE" flows, %"PRIuSIZE" pending\n",
           walk(&owners, 2, XF_FLOW_KINDS_ROUTER),
           xf_flow_owners_pending(&owners, 2, XF_FLOW_KINDS_ROUTER));
    printf("network 1: %"PRIuSIZE" flows\n",
           walk(&owners, 1, XF_FLOW_KINDS_NETWORK));

    /* Router 2's flows reach ofproto; one changes owner. */
    for (size_t i = 1; i < n_flows; i += 2) {
        xf_flow_owners_set_pending(&owners, flows[i].cookie, false);
        flows[i].pending = false;
    }
    xf_flow_owners_remove(&owners, flows[1].cookie, &flows[1].node, false);
    flows[1].cookie = xf_cookie(XF_FLOW_ROUTE, 3);
    xf_flow_owners_add(&owners, flows[1].cookie, &flows[1].node, true);
    printf("router 2: %"PRIuSIZE" flows, %"PRIuSIZE" pending; "
           "router 3: %"PRIuSIZE" flows, %"PRIuSIZE" pending\n",
           walk(&owners, 2, XF_FLOW_KINDS_ROUTER),
           xf_flow_owners_pending(&owners, 2, XF_FLOW_KINDS_ROUTER),
           walk(&owners, 3, XF_FLOW_KINDS_ROUTER),
           xf_flow_owners_pending(&owners, 3, XF_FLOW_KINDS_ROUTER));

    /* Router 3's only flow goes, and its group with it. */
    xf_flow_owners_remove(&owners, flows[1].cookie, &flows[1].node, true);
    ovs_assert(!xf_flow_owners_find(&owners, 3));
    printf("owners: %"PRIuSIZE"\n", hmap_count(&owners.owners));

    xf_flow_owners_destroy(&owners);
    free(flows);
}

OVSTEST_REGISTER("test-xenflow-owners", test_xenflow_owners_main);
