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

#ifndef XENFLOW_FLOWSYNC_ACTIONS_H
#define XENFLOW_FLOWSYNC_ACTIONS_H 1

/* Shared, reference-counted action lists for flowsync's desired flows.
 *
 * A full routing table is a million flows but only as many distinct action
 * lists as the router has next hops and ECMP groups (a few thousand): every
 * route via one gateway rewrites the same MACs and outputs to the same
 * place.  Keeping one copy per distinct list saves an allocation per flow
 * and most of the memory its actions took, and makes "same actions" a
 * pointer comparison. */

#include <stddef.h>

#include "openvswitch/hmap.h"

struct ofpact;

struct xf_actions {
    struct hmap_node node;      /* In 'xf_actions_table', by content. */
    size_t n_refs;
    size_t len;                 /* In bytes. */
    struct ofpact *ofpacts;     /* Points just past this struct. */
};

struct xf_actions_table {
    struct hmap lists;          /* Contains "struct xf_actions"s. */
};

void xf_actions_table_init(struct xf_actions_table *);
void xf_actions_table_destroy(struct xf_actions_table *);

struct xf_actions *xf_actions_ref(struct xf_actions_table *,
                                  const struct ofpact *, size_t len);
void xf_actions_unref(struct xf_actions_table *, struct xf_actions *);
size_t xf_actions_count(const struct xf_actions_table *);

#endif /* xenflow/flowsync-actions.h */
