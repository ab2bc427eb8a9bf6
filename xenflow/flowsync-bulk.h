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

#ifndef XENFLOW_FLOWSYNC_BULK_H
#define XENFLOW_FLOWSYNC_BULK_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xf_flowsync;

/* A whole route or neighbour table of one owner dropped in steps
 * (flowsync-bulk.c): set aside at once, forgotten a batch per step by
 * xf_flowsync_run(), gone from ofproto by slice once the last one is
 * forgotten.  Several drains go one after the other. */
void xf_flowsync_drain_start(struct xf_flowsync *, uint32_t owner, int kind);
bool xf_flowsync_draining(const struct xf_flowsync *);
size_t xf_flowsync_drains_of(const struct xf_flowsync *, uint32_t owner,
                             uint32_t kinds);
void xf_flowsync_drain_run(struct xf_flowsync *);
void xf_flowsync_drain_finish(struct xf_flowsync *);

#endif /* xenflow/flowsync-bulk.h */
