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

#ifndef XENFLOW_FLOWSYNC_GROUP_H
#define XENFLOW_FLOWSYNC_GROUP_H 1

/* Desired-versus-installed OpenFlow groups of one bridge, for flowsync.c.
 *
 * A group is kept as what the pipeline built: its type, properties and
 * buckets of ofpacts (struct ofputil_group_mod), so that nothing is parsed
 * when it is pushed.  Like flows, "put" and "remove" only record what is
 * wanted; xf_groups_run() applies it to the bridge's ofproto through
 * ofproto_group_mod() (patch 0004): additions and modifications before the
 * flows that use them, deletions once no pending flow may still use them. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/hmap.h"
#include "openvswitch/list.h"

struct ofproto;
struct ofputil_group_mod;

struct xf_groups {
    struct hmap groups;         /* Contains "struct xf_group"s, by id. */
    struct ovs_list pending;    /* Groups that need a group_mod, so that
                                 * applying them never walks the others. */
    size_t n_pending;
};

void xf_groups_init(struct xf_groups *);
void xf_groups_destroy(struct xf_groups *);

void xf_groups_put(struct xf_groups *, const struct ofputil_group_mod *);
void xf_groups_remove(struct xf_groups *, uint32_t group_id);
void xf_groups_clear(struct xf_groups *);
void xf_groups_resync(struct xf_groups *);

void xf_groups_adopt(struct xf_groups *, const struct ofproto *,
                     size_t counts[3]);
unsigned int xf_groups_run(struct xf_groups *, struct ofproto *,
                           const char *bridge, bool adds);

#endif /* xenflow/flowsync-group.h */
