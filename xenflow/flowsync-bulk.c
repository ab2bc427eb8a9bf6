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

/* Removing a whole route or neighbour table by cookie slice.
 *
 * A router's table going whole (a BGP session's withdrawal, a migrated
 * router's release, a router removed) used to be one strict delete per
 * flow: ofproto built criteria and looked each rule up before removing it,
 * a third of a withdrawal's CPU in the main thread.  The flows of a table
 * carry their slice in the cookie (cookie.h), so the table goes instead
 * with one non-strict delete per slice that has installed flows, an exact
 * cookie that ofproto finds through its cookie index: 256 flow_mods for a
 * million routes, each removing about 4,000 rules in one tables version,
 * whose classifier removal the RCU thread then does under ofproto_mutex
 * one slice at a time, never the whole table at once.
 *
 * flowsync forgets the flows at once.  Each slice's delete is queued in
 * 'pending' as a marker ('slice_delete'), in order with the flow changes
 * before and after it: a flow put again after the withdrawal is a new flow,
 * added after its slice's delete.  A marker is also in its owner's list for
 * its kind, so the owner counts it as pending until the delete is done. */

#include <config.h>

#include "coverage.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/vlog.h"
#include "ofproto/ofproto-provider.h"
#include "util.h"
#include "xenflow/cookie.h"
#include "xenflow/flowsync-private.h"
#include "xenflow/memtrim.h"

VLOG_DEFINE_THIS_MODULE(xenflow_flowsync_bulk);

COVERAGE_DEFINE(xenflow_slice_delete); /* Flows removed by slice. */

/* At most this many slice deletes in one batch. */
#define XF_SLICES_PER_BATCH 64

static struct xf_flow *
slice_marker(struct xf_flowsync *fs, const struct xf_flow *flow)
{
    struct xf_flow *m = xzalloc(sizeof *m);

    m->cookie = flow->cookie;
    m->table_id = flow->table_id;
    m->removing = true;
    m->slice_delete = true;
    xf_flow_owners_add(&fs->owners, m->cookie, &m->owner_node, false);
    xf_flow_make_pending(fs, m);
    return m;
}

/* No longer wants any flow of 'owner' of 'kind' (one of
 * XF_FLOW_KINDS_TABLES).  A flow in ofproto as last set (or that may be
 * there) is forgotten now and goes with its slice's delete; a flow whose
 * change is still pending (its rule in ofproto may differ) is removed on
 * its own, as before, and moves behind the slice deletes if it is wanted
 * again (xf_flowsync_put_match()); a flow never sent is forgotten.
 * 'owner' may be freed.  Returns how many flows it looked at. */
size_t
xf_flowsync_drop_kind(struct xf_flowsync *fs, struct xf_flow_owner *owner,
                      int kind)
{
    struct xf_flow *markers[XF_COOKIE_N_SLICES] = { NULL };
    struct xf_flow *flow;
    size_t n_freed = 0, n = 0;

    LIST_FOR_EACH_SAFE (flow, owner_node, &owner->flows[kind]) {
        n++;
        if (flow->slice_delete || flow->removing) {
            continue;           /* Already on its way out. */
        } else if (flow->pending && flow->installed) {
            flow->removing = true;      /* Strict delete, in its place. */
            continue;
        }
        if (flow->installed || !flow->fresh) {
            /* In ofproto, or may be (sent once, then resynchronised or
             * refused): its slice's delete takes it.  (A delete that finds
             * nothing does nothing.) */
            unsigned int s = xf_cookie_slice(flow->cookie);
            struct xf_flow *m = markers[s];
            if (!m || m->cookie != flow->cookie
                || m->table_id != flow->table_id) {
                m = markers[s] = slice_marker(fs, flow);
            }
            m->n_slice++;
        }
        if (flow->pending) {
            xf_flow_unqueue(fs, flow);
        }
        hmap_remove(&fs->flows, &flow->node);
        xf_flow_owners_remove(&fs->owners, flow->cookie, &flow->owner_node,
                              flow->pending);
        xf_flow_free(fs, flow);
        n_freed++;
    }
    xf_memtrim_note(n_freed);
    xf_hmap_shrink_sparse(&fs->flows);
    return n;
}

static void
log_slice_error(const struct xf_flowsync *fs, const struct xf_flow *m,
                enum ofperr error)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

    VLOG_WARN_RL(&rl, "%s: ofproto refused to delete XenFlow's flows with "
                 "cookie %#"PRIx64" (%"PRIu32" flows): %s", fs->bridge,
                 m->cookie, m->n_slice, ofperr_to_string(error));
}

/* Applies the slice deletes at the head of 'fs->pending', as one batch
 * of at most 'budget' flows (at least one slice).  Returns how many
 * markers it applied (0 if the head is not one). */
size_t
xf_flowsync_run_slices(struct xf_flowsync *fs, struct ofproto *ofproto,
                       size_t budget)
{
    struct ofputil_flow_mod fms[XF_SLICES_PER_BATCH];
    enum ofperr errors[XF_SLICES_PER_BATCH];
    struct xf_flow *markers[XF_SLICES_PER_BATCH];
    struct minimatch catchall;
    struct match match;
    size_t n = 0, n_flows = 0;

    struct xf_flow *front = xf_queue_front(&fs->pending);
    if (!front || !front->slice_delete) {
        return 0;               /* The usual case: flow changes first. */
    }
    match_init_catchall(&match);
    minimatch_init(&catchall, &match);
    while (n < XF_SLICES_PER_BATCH) {
        struct xf_flow *m = xf_queue_front(&fs->pending);
        if (!m || !m->slice_delete || (n && n_flows + m->n_slice > budget)) {
            break;
        }
        xf_queue_pop(&fs->pending);
        m->pending = false;
        xf_flow_owners_remove(&fs->owners, m->cookie, &m->owner_node, true);
        markers[n] = m;
        fms[n++] = (struct ofputil_flow_mod) {
            .match = catchall,
            .cookie = htonll(m->cookie),
            .cookie_mask = OVS_BE64_MAX,
            .table_id = m->table_id,
            .command = OFPFC_DELETE,
            .buffer_id = UINT32_MAX,
            .out_port = OFPP_ANY,
            .out_group = OFPG_ANY,
        };
        n_flows += m->n_slice;
    }
    if (n) {
        ofproto_flow_mod_batch(ofproto, fms, n, errors);
        COVERAGE_ADD(xenflow_slice_delete, n_flows);
        for (size_t i = 0; i < n; i++) {
            if (errors[i]) {
                log_slice_error(fs, markers[i], errors[i]);
                fs->n_errors++;
            }
            free(markers[i]);
        }
    }
    minimatch_destroy(&catchall);
    return n;
}

/* Frees the slice deletes still queued, when 'fs' goes. */
void
xf_flowsync_free_slices(struct xf_flowsync *fs)
{
    /* Removing may empty the queue, so its span is read each time. */
    for (size_t i = 0; i < xf_queue_span(&fs->pending); i++) {
        uint32_t pos;
        struct xf_flow *m = xf_queue_at(&fs->pending, i, &pos);
        if (m && m->slice_delete) {
            xf_queue_remove(&fs->pending, pos, m);
            xf_flow_owners_remove(&fs->owners, m->cookie, &m->owner_node,
                                  true);
            free(m);
        }
    }
}
