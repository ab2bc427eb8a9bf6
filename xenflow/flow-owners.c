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

#include "xenflow/flow-owners.h"

#include "hash.h"
#include "util.h"

void
xf_flow_owners_init(struct xf_flow_owners *owners)
{
    hmap_init(&owners->owners);
}

/* Frees the groups; the flows in them are the caller's. */
void
xf_flow_owners_destroy(struct xf_flow_owners *owners)
{
    struct xf_flow_owner *owner;

    HMAP_FOR_EACH_POP (owner, node, &owners->owners) {
        free(owner);
    }
    hmap_destroy(&owners->owners);
}

struct xf_flow_owner *
xf_flow_owners_find(const struct xf_flow_owners *owners, uint32_t id)
{
    struct xf_flow_owner *owner;

    HMAP_FOR_EACH_WITH_HASH (owner, node, hash_int(id, 0), &owners->owners) {
        if (owner->id == id) {
            return owner;
        }
    }
    return NULL;
}

/* Links 'node' (a flow's) to the group of 'cookie''s owner and kind. */
void
xf_flow_owners_add(struct xf_flow_owners *owners, uint64_t cookie,
                   struct ovs_list *node, bool pending)
{
    uint32_t id = xf_cookie_owner(cookie);
    struct xf_flow_owner *owner = xf_flow_owners_find(owners, id);
    int kind = xf_flow_owners_kind(cookie);

    if (!owner) {
        owner = xzalloc(sizeof *owner);
        owner->id = id;
        for (int i = 0; i < XF_FLOW_N_KINDS; i++) {
            ovs_list_init(&owner->flows[i]);
        }
        hmap_insert(&owners->owners, &owner->node, hash_int(id, 0));
    }
    ovs_list_push_back(&owner->flows[kind], node);
    owner->n_pending[kind] += pending;
    owner->n_flows++;
}

/* Unlinks 'node', added with 'cookie'.  An owner's group goes with its last
 * flow (router ids are not reused). */
void
xf_flow_owners_remove(struct xf_flow_owners *owners, uint64_t cookie,
                      struct ovs_list *node, bool pending)
{
    struct xf_flow_owner *owner = xf_flow_owners_find(
        owners, xf_cookie_owner(cookie));

    ovs_list_remove(node);
    owner->n_pending[xf_flow_owners_kind(cookie)] -= pending;
    if (!--owner->n_flows) {
        hmap_remove(&owners->owners, &owner->node);
        free(owner);
    }
}

/* A flow added with 'cookie' became pending, or no longer is. */
void
xf_flow_owners_set_pending(struct xf_flow_owners *owners, uint64_t cookie,
                           bool pending)
{
    struct xf_flow_owner *owner = xf_flow_owners_find(
        owners, xf_cookie_owner(cookie));
    size_t *n = &owner->n_pending[xf_flow_owners_kind(cookie)];

    if (pending) {
        ++*n;
    } else {
        ovs_assert(*n);
        --*n;
    }
}

/* Returns how many flows of owner 'id' whose kinds are in 'kinds' are
 * pending. */
size_t
xf_flow_owners_pending(const struct xf_flow_owners *owners, uint32_t id,
                       uint32_t kinds)
{
    const struct xf_flow_owner *owner = xf_flow_owners_find(owners, id);
    size_t n = 0;

    for (int kind = 0; owner && kind < XF_FLOW_N_KINDS; kind++) {
        if (kinds & XF_FLOW_KIND_BIT(kind)) {
            n += owner->n_pending[kind];
        }
    }
    return n;
}
