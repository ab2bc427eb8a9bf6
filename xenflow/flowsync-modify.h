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

#ifndef XENFLOW_FLOWSYNC_MODIFY_H
#define XENFLOW_FLOWSYNC_MODIFY_H 1

/* A batch of flow changes for ofproto, with the strict modifications that
 * change only a rule's actions made in place (flowsync-modify.c). */

#include <stddef.h>
#include "openvswitch/ofp-errors.h"

struct ofproto;
struct ofputil_flow_mod;
struct rule;

size_t xf_flow_mod_batch(struct ofproto *, struct ofputil_flow_mod *fms,
                         size_t n, struct rule **rules, enum ofperr *errors);

/* References to rules that flows no longer need, dropped by the RCU thread
 * in batches: dropping one touches its rule, a cache miss per flow, and a
 * table forgotten whole is a million of them that the main thread need not
 * wait for (the rules live until then: ofproto holds its own reference to
 * those in its tables). */
struct xf_dead_rules {
    struct rule **rules;        /* Null, or room for 4,096 and a null. */
    size_t n;
};

void xf_dead_rules_add(struct xf_dead_rules *, struct rule *);
void xf_dead_rules_flush(struct xf_dead_rules *);

#endif /* xenflow/flowsync-modify.h */
