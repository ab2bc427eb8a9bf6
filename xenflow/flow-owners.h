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

#ifndef XENFLOW_FLOW_OWNERS_H
#define XENFLOW_FLOW_OWNERS_H 1

/* A bridge's desired flows grouped by the owner and the kind in their
 * cookie (see flowsync.h), with how many of each group are pending, so
 * that flowsync selects one router's flows, or the few that configuration
 * decides, without walking a million others, and a router can ask whether
 * its own flows are all installed.
 *
 * The flows are flowsync's: each is linked in by an ovs_list node, and
 * flowsync says whether it is pending when it adds or removes it and when
 * that changes in between. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "xenflow/cookie.h"

/* The flows of one owner (a router, a network, the bridge's own flows). */
struct xf_flow_owner {
    struct hmap_node node;      /* In 'xf_flow_owners.owners', by 'id'. */
    uint32_t id;
    size_t n_flows;
    struct ovs_list flows[XF_FLOW_N_KINDS]; /* By kind (0: not ours). */
    size_t n_pending[XF_FLOW_N_KINDS];      /* Of those, pending. */
    uint32_t stale_kinds;       /* Kinds with flows marked stale since the
                                 * last sweep (flowsync's). */
};

struct xf_flow_owners {
    struct hmap owners;         /* Contains "struct xf_flow_owner"s. */
};

void xf_flow_owners_init(struct xf_flow_owners *);
void xf_flow_owners_destroy(struct xf_flow_owners *);

void xf_flow_owners_add(struct xf_flow_owners *, uint64_t cookie,
                        struct ovs_list *, bool pending);
void xf_flow_owners_remove(struct xf_flow_owners *, uint64_t cookie,
                           struct ovs_list *, bool pending);
void xf_flow_owners_set_pending(struct xf_flow_owners *, uint64_t cookie,
                                bool pending);

struct xf_flow_owner *xf_flow_owners_find(const struct xf_flow_owners *,
                                          uint32_t owner);
size_t xf_flow_owners_pending(const struct xf_flow_owners *, uint32_t owner,
                              uint32_t kinds);

/* The index in 'struct xf_flow_owner''s arrays of the kind in 'cookie'. */
static inline int
xf_flow_owners_kind(uint64_t cookie)
{
    int kind = xf_cookie_kind(cookie);
    return kind < XF_FLOW_N_KINDS ? kind : 0;
}

/* Iterates FLOW (of type TYPE, linked by MEMBER) over the flows of
 * 'struct xf_flow_owner' OWNER (possibly NULL) whose kinds are in the mask
 * KINDS, using int KIND. */
#define XF_FLOW_OWNER_FOR_EACH(FLOW, MEMBER, KIND, KINDS, OWNER)          \
    for (KIND = 0; (OWNER) && KIND < XF_FLOW_N_KINDS; KIND++)             \
        if ((KINDS) & XF_FLOW_KIND_BIT(KIND))                               \
            LIST_FOR_EACH (FLOW, MEMBER, &(OWNER)->flows[KIND])

#endif /* xenflow/flow-owners.h */
