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

#ifndef XENFLOW_FLOWSYNC_PRIVATE_H
#define XENFLOW_FLOWSYNC_PRIVATE_H 1

/* The insides of a flowsync (flowsync.h), shared by flowsync.c, which
 * changes them, flowsync-bulk.c, which removes whole tables, and
 * flowsync-read.c, which only reports on them. */

#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofpbuf.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/flow-owners.h"
#include "xenflow/flowsync-actions.h"
#include "xenflow/flowsync-group.h"
#include "xenflow/flowsync-masks.h"
#include "xenflow/flowsync-modify.h"
#include "xenflow/flowsync-queue.h"
#include "xenflow/latency.h"

struct ofproto;

struct xf_flow {
    struct hmap_node node;      /* In 'flows', by table, priority, match. */
    struct ovs_list owner_node; /* In its owner's list for its kind. */
    const struct minimask *mask; /* Shared (flowsync-masks.h).  The match's
                                  * values follow the struct, without their
                                  * map (the mask's): xf_flow_match(). */
    struct xf_actions *actions; /* Shared (flowsync-actions.h). */
    struct rule *rule;          /* With a reference: the rule in ofproto
                                 * that this flow's last flow_mod left
                                 * holding it, or NULL if unknown.  Spares
                                 * a delete or an in-place modification its
                                 * lookup (flowsync-modify.c), if nobody
                                 * removed the rule since. */
    uint64_t cookie;
    uint32_t queued;            /* time_usec() when it became pending, its
                                 * low 32 bits: a latency up to 71 minutes
                                 * (a flow pending longer is long lost). */
    uint32_t n_slice;
    uint16_t priority;
    uint8_t table_id;
    /* Bit-fields: a million routes are a million flows, and these keep a
     * flow within 80 bytes (with a route's match values, one 128-byte
     * block; 112 before 'rule'). */
    bool installed:1;           /* Present in ofproto as we last set it. */
    bool fresh:1;               /* Never sent: an add needs no lookup of
                                 * an existing rule first. */
    bool removing:1;            /* Wanted gone. */
    bool pending:1;             /* Needs a flow_mod. */
    bool stale:1;               /* For mark-and-sweep: its owner's
                                 * 'stale_kinds' has its kind. */
    bool slice_delete:1;        /* Not a flow: a queued delete of every
                                 * flow with 'cookie' (flowsync-bulk.c),
                                 * 'n_slice' of them when queued.  In its
                                 * owner's list and 'pending' only. */
    uint32_t qpos;              /* Position in 'pending' if 'pending'. */
};
BUILD_ASSERT_DECL(sizeof(struct xf_flow) <= 80);

/* The size of 'flow''s match values (not of a slice delete marker). */
static inline size_t
xf_flow_values_size(const struct xf_flow *flow)
{
    return MINIFLOW_VALUES_SIZE(miniflow_n_values(&flow->mask->masks));
}

/* Writes into 'mf' 'flow''s match values with their map: the miniflow of
 * its match, 'sizeof *mf + xf_flow_values_size(flow)' bytes. */
static inline void
xf_flow_get_miniflow(const struct xf_flow *flow, struct miniflow *mf)
{
    *mf = flow->mask->masks;    /* The map. */
    memcpy(miniflow_values(mf), flow + 1, xf_flow_values_size(flow));
}

/* Appends 'flow''s miniflow to 'b' (a batch's, see
 * xf_flow_mods_set_miniflows()). */
static inline void
xf_flow_put_miniflow(const struct xf_flow *flow, struct ofpbuf *b)
{
    size_t size = sizeof(struct miniflow) + xf_flow_values_size(flow);

    if (ofpbuf_tailroom(b) < size) {
        /* Doubled: ofpbuf adds only what is asked, and a copy per flow
         * would make a batch quadratic. */
        ofpbuf_prealloc_tailroom(b, MAX(size, b->size));
    }
    xf_flow_get_miniflow(flow, ofpbuf_put_uninit(b, size));
}

/* Points the matches of 'fms' (whose masks are set) at the 'n' miniflows
 * that xf_flow_put_miniflow() appended to 'b', in order, now that 'b' no
 * longer moves. */
static inline void
xf_flow_mods_set_miniflows(struct ofputil_flow_mod *fms, size_t n,
                           const struct ofpbuf *b)
{
    uint64_t *p = b->data;

    for (size_t i = 0; i < n; i++) {
        struct miniflow *mf = (struct miniflow *) p;
        fms[i].match.flow = mf;
        p = miniflow_values(mf) + miniflow_n_values(mf);
    }
}

/* Room for any flow's miniflow. */
struct xf_miniflow_buf {
    uint64_t storage[sizeof(struct miniflow) / 8 + FLOW_U64S];
};

/* 'flow''s match (not of a slice delete marker): its values with their
 * map, written into 'buf', which must outlive the match, and its shared
 * mask.  XenFlow's matches have no tunnel metadata allocation (TLV
 * options). */
static inline struct minimatch
xf_flow_match(const struct xf_flow *flow, struct xf_miniflow_buf *buf)
{
    struct miniflow *mf = (struct miniflow *) buf->storage;

    xf_flow_get_miniflow(flow, mf);
    return (struct minimatch) {
        .flow = mf,
        .mask = CONST_CAST(struct minimask *, flow->mask),
        .tun_md = NULL,
    };
}

struct xf_flowsync {
    char *bridge;               /* Name of the bridge (and its ofproto). */
    struct xf_groups groups;    /* Desired OpenFlow groups. */
    const struct ofproto *ofproto; /* The ofproto our flows went into. */
    struct hmap flows;          /* Contains "struct xf_flow"s. */
    struct xf_actions_table actions; /* Their actions, shared. */
    struct xf_masks masks;      /* Their match's masks, shared. */
    struct xf_dead_rules dead_rules; /* Their rules no longer needed. */
    struct xf_queue pending;    /* "struct xf_flow"s that need a flow_mod,
                                 * in order (flowsync-queue.h); its count
                                 * is the number of pending changes. */
    uint32_t *stale_owners;     /* Owners with flows marked stale (ids). */
    size_t n_stale_owners, allocated_stale_owners;
    struct xf_flow_owners owners; /* The same flows, by owner and kind. */
    size_t batch;               /* flow_mods in the next batch. */
    struct xf_flow **batch_flows; /* Room for 'batch_allocated' flows and */
    struct ofputil_flow_mod *batch_fms; /* flow_mods, kept while flows are */
    struct rule **batch_rules;  /* pending: no large allocation per */
    enum ofperr *batch_errors;  /* batch. */
    size_t batch_allocated;
    struct ofpbuf batch_miniflows; /* The flow_mods' matches' values. */
    unsigned long long n_sliced; /* New route and neighbour flows so far,
                                  * for their cookies' slices (cookie.h). */
    unsigned long long n_errors;
    struct xf_latency latency;  /* From "put" to "in ofproto". */
    struct ovs_list drains;     /* struct xf_drain, oldest first. */
    size_t n_drains;
};

/* A whole table of one owner being dropped in steps (flowsync-bulk.c),
 * until its slice deletes are queued. */
struct xf_drain {
    struct ovs_list node;       /* In 'drains' of struct xf_flowsync. */
    struct ovs_list dying;      /* Its flows still to forget. */
    uint32_t owner;
    int kind;
    struct xf_flow *markers[XF_COOKIE_N_SLICES]; /* Its slice deletes. */
};

/* Shared by flowsync.c and flowsync-bulk.c (inline: flowsync-bulk.c is
 * below flowsync.c and calls nothing of it). */
static inline void
xf_flow_make_pending(struct xf_flowsync *fs, struct xf_flow *flow)
{
    if (!flow->pending) {
        flow->pending = true;
        flow->queued = time_usec();    /* Its low 32 bits. */
        flow->qpos = xf_queue_push(&fs->pending, flow);
        xf_flow_owners_set_pending(&fs->owners, flow->cookie, true);
    }
}

/* Takes 'flow', which is pending, out of 'fs->pending' (the caller updates
 * its 'pending' and its owner's count). */
static inline void
xf_flow_unqueue(struct xf_flowsync *fs, struct xf_flow *flow)
{
    xf_queue_remove(&fs->pending, flow->qpos, flow);
}

/* Gives up 'flow''s reference to its rule (dropped later, by the RCU
 * thread: xf_dead_rules), e.g. when what ofproto holds is forgotten. */
static inline void
xf_flow_forget_rule(struct xf_flowsync *fs, struct xf_flow *flow)
{
    xf_dead_rules_add(&fs->dead_rules, flow->rule);
    flow->rule = NULL;
}

static inline void
xf_flow_free(struct xf_flowsync *fs, struct xf_flow *flow)
{
    xf_flow_forget_rule(fs, flow);
    xf_masks_unref(&fs->masks, flow->mask);
    xf_actions_unref(&fs->actions, flow->actions);
    free(flow);
}

/* flowsync-bulk.c. */

size_t xf_flowsync_drop_kind(struct xf_flowsync *, struct xf_flow_owner *,
                             int kind);
size_t xf_flowsync_run_slices(struct xf_flowsync *, struct ofproto *,
                              size_t budget);
void xf_flowsync_free_slices(struct xf_flowsync *);
void xf_flowsync_note_visits(size_t n);
void xf_flowsync_drain_guard(struct xf_flowsync *, uint32_t owner,
                             uint32_t kinds);
void xf_flowsync_free_drains(struct xf_flowsync *);

#endif /* xenflow/flowsync-private.h */
