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

#ifndef XENFLOW_FLOWSYNC_MASKS_H
#define XENFLOW_FLOWSYNC_MASKS_H 1

/* Shared, reference-counted masks for flowsync's desired flows.
 *
 * A full routing table is a million flows with as many masks as prefix
 * lengths (33 for IPv4, 129 for IPv6): a route flow's mask is its
 * router's metadata, the Ethernet type and the prefix length.  Each flow
 * keeps its own match values and points to the one shared copy of its
 * mask, 48 bytes less per flow than a copy of both. */

#include <stddef.h>

#include "openvswitch/hmap.h"

struct minimask;

struct xf_mask {
    struct hmap_node node;      /* In 'xf_masks', by content. */
    size_t n_refs;
    struct minimask *mask;      /* Points just past this struct. */
};

struct xf_masks {
    struct hmap masks;          /* Contains "struct xf_mask"s. */
};

void xf_masks_init(struct xf_masks *);
void xf_masks_destroy(struct xf_masks *);

const struct minimask *xf_masks_ref(struct xf_masks *,
                                    const struct minimask *);
void xf_masks_unref(struct xf_masks *, const struct minimask *);
size_t xf_masks_count(const struct xf_masks *);

#endif /* xenflow/flowsync-masks.h */
