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

#ifndef XENFLOW_FLOWSYNC_H
#define XENFLOW_FLOWSYNC_H 1

/* Desired-versus-installed OpenFlow flows of one bridge.
 *
 * The pipeline states what flows it wants ("put") or no longer wants
 * ("remove"), built as a match and ofpacts, as state changes; nothing is sent
 * to ofproto at that point.  xf_flowsync_run() then applies pending changes
 * to the bridge's ofproto in bounded batches, so that loading a million
 * routes never blocks the main loop, and keeps asking for another iteration
 * until it has caught up.  Putting a flow identical to an installed one
 * costs nothing in ofproto.
 *
 * Every flow carries a cookie (cookie.h) naming its owner and kind; flows
 * are indexed by owner (flow-owners.h), so that selecting one router's
 * flows costs O(its flows). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/types.h"
#include "xenflow/cookie.h"
#include "xenflow/latency.h"

struct ds;
struct ofproto;

struct xf_flowsync;

struct xf_flowsync *xf_flowsync_create(const char *bridge);
void xf_flowsync_destroy(struct xf_flowsync *);

/* Flows and groups are built as a match and ofpacts (groups: buckets of
 * ofpacts), never as text to parse. */
struct match;
struct ofpact;
struct ofputil_group_mod;
void xf_flowsync_put_match(struct xf_flowsync *, uint64_t cookie,
                           uint8_t table_id, uint16_t priority,
                           const struct match *,
                           const struct ofpact *, size_t ofpacts_len);
void xf_flowsync_remove_match(struct xf_flowsync *, uint8_t table_id,
                              uint16_t priority, const struct match *);

void xf_flowsync_put_group(struct xf_flowsync *,
                           const struct ofputil_group_mod *);
void xf_flowsync_remove_group(struct xf_flowsync *, uint32_t group_id);

/* Selecting flows by owner and kinds (a mask of XF_FLOW_KIND_BIT()s) looks
 * at that owner's flows of those kinds only: removing one router costs
 * O(its flows), whatever else the bridge holds. */
void xf_flowsync_mark_owner_stale(struct xf_flowsync *, uint32_t owner,
                                  uint32_t kinds);
void xf_flowsync_remove_owner(struct xf_flowsync *, uint32_t owner,
                              uint32_t kinds);
size_t xf_flowsync_owner_pending(const struct xf_flowsync *, uint32_t owner,
                                 uint32_t kinds);
size_t xf_flowsync_owner_count(const struct xf_flowsync *, uint32_t owner);
void xf_flowsync_mark_config_stale(struct xf_flowsync *, bool networks_too);
size_t xf_flowsync_sweep(struct xf_flowsync *);
void xf_flowsync_clear(struct xf_flowsync *);

void xf_flowsync_reserve(struct xf_flowsync *, size_t n);
void xf_flowsync_run(struct xf_flowsync *);
void xf_flowsync_wait(struct xf_flowsync *);
void xf_flowsync_resync(struct xf_flowsync *);

/* Microseconds from xf_flowsync_put_match() to the flow being in ofproto. */
size_t xf_flowsync_latency(const struct xf_flowsync *,
                           struct xf_latency_stats *);
void xf_flowsync_latency_clear(struct xf_flowsync *);

const char *xf_flowsync_bridge(const struct xf_flowsync *);
bool xf_flowsync_drained(const struct xf_flowsync *);
size_t xf_flowsync_count(const struct xf_flowsync *);
size_t xf_flowsync_pending(const struct xf_flowsync *);
size_t xf_flowsync_n_actions(const struct xf_flowsync *);
size_t xf_flowsync_n_masks(const struct xf_flowsync *);
unsigned long long xf_flowsync_errors(const struct xf_flowsync *);

/* Iteration over desired flows, for xenflow/flows. */
struct xf_flow_info {
    uint64_t cookie;
    bool installed;
    char *text;                 /* ovs-ofctl syntax, owned by the caller. */
};
size_t xf_flowsync_collect(const struct xf_flowsync *, uint32_t owner,
                           uint32_t kinds, struct xf_flow_info **);

/* What else XenFlow reads from a bridge's ofproto (flowsync*.c are the
 * only files that look inside ofproto; these are in flowsync-read.c). */
bool xf_ofproto_exists(const char *bridge);
ofp_port_t xf_ofproto_port(const char *bridge, const char *port_name);
void xf_flowsync_count_packets(const struct xf_flowsync *, uint32_t owner,
                               uint32_t kinds,
                               unsigned long long packets[XF_FLOW_N_KINDS]);

#endif /* xenflow/flowsync.h */
