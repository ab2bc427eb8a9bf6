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
#include "xenflow/flowsync-bulk.h"
#include "xenflow/flowsync-private.h"
#include "xenflow/memtrim.h"

VLOG_DEFINE_THIS_MODULE(xenflow_flowsync_bulk);

COVERAGE_DEFINE(xenflow_slice_delete); /* Flows removed by slice. */
COVERAGE_DEFINE(xenflow_drain_step);   /* Steps of a table's drain. */
COVERAGE_DEFINE(xenflow_drain_cut_short); /* Drains finished at once. */
COVERAGE_DEFINE(xenflow_flow_visit); /* Looked at by owner or staleness. */

/* At most this many slice deletes in one batch. */
#define XF_SLICES_PER_BATCH 64

/* Flows forgotten per step of a drain: a few milliseconds. */
#define XF_DRAIN_BATCH 5000

/* Counts 'flow', which is or may be in ofproto, in the delete of its
 * slice and table among 'markers', made if needed: queued at once if
 * 'queue', else by the caller (a drain's, once it ends). */
static void
count_in_slice(struct xf_flowsync *fs,
               struct xf_flow *markers[XF_COOKIE_N_SLICES],
               const struct xf_flow *flow, bool queue)
{
    unsigned int s = xf_cookie_slice(flow->cookie);
    struct xf_flow *m = markers[s];

    if (!m || m->cookie != flow->cookie || m->table_id != flow->table_id) {
        if (m && !queue) {
            xf_flow_make_pending(fs, m);    /* Another table: rare. */
        }
        m = markers[s] = xzalloc(sizeof *m);
        m->cookie = flow->cookie;
        m->table_id = flow->table_id;
        m->removing = true;
        m->slice_delete = true;
        xf_flow_owners_add(&fs->owners, m->cookie, &m->owner_node, false);
        if (queue) {
            xf_flow_make_pending(fs, m);
        }
    }
    m->n_slice++;
}

/* Forgets 'flow' (its change, if pending, too). */
static void
forget_flow(struct xf_flowsync *fs, struct xf_flow *flow)
{
    if (flow->pending) {
        xf_flow_unqueue(fs, flow);
    }
    hmap_remove(&fs->flows, &flow->node);
    xf_flow_owners_remove(&fs->owners, flow->cookie, &flow->owner_node,
                          flow->pending);
    xf_flow_free(fs, flow);
}

/* Forgets 'flow' of a table that goes whole, counting it in its slice's
 * delete in 'markers' (queued at once) if it is or may be in ofproto.  A
 * flow already going, or whose change is pending (its rule in ofproto may
 * differ), is left to go on its own, strictly.  Returns true if it freed
 * 'flow'. */
static bool
drop_flow(struct xf_flowsync *fs, struct xf_flow *flow,
          struct xf_flow *markers[XF_COOKIE_N_SLICES])
{
    if (flow->slice_delete || flow->removing) {
        return false;           /* Already on its way out. */
    } else if (flow->pending && flow->installed) {
        flow->removing = true;  /* Strict delete, in its place. */
        return false;
    }
    if (flow->installed || !flow->fresh) {
        /* In ofproto, or may be (sent once, then resynchronised or
         * refused): its slice's delete takes it.  (A delete that finds
         * nothing does nothing.) */
        count_in_slice(fs, markers, flow, true);
    }
    forget_flow(fs, flow);
    return true;
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
        n_freed += drop_flow(fs, flow, markers);
    }
    xf_memtrim_note(n_freed);
    xf_hmap_shrink_sparse(&fs->flows);
    return n;
}

/* Dropping a whole table in steps.
 *
 * xf_flowsync_drop_kind() forgets a million flows in one main-loop
 * iteration, most of a second.  A drain instead moves the owner's list
 * for the kind aside (struct xf_drain) at once, and xf_flowsync_run()
 * forgets its flows a batch at a time as bulk work, counting them in one
 * slice delete per slice and table as drop_flow() does ('markers'), queued
 * once the last flow is forgotten: the same slice deletes, after every
 * flow is forgotten, so that none removes a rule whose flow flowsync still
 * holds.  Until then the rules stay in ofproto, and group deletions wait
 * (a group's delete takes the rules that use it, all at once).  A flow
 * already going, or with a change pending, goes on its own, strictly, as
 * in drop_flow().  Drains run one after the other, oldest first.
 *
 * What must not happen is a flow of the owner and kind being put or
 * removed while its table drains: the change would be to a flow about to
 * be forgotten, or would come before the slice deletes, which would then
 * remove it.  So any change to the drained owner's flows of that kind,
 * one by one or as a whole, first finishes that drain at once
 * (xf_flowsync_drain_guard()), and the slice deletes go before it.  A
 * drain belongs to the flowsync: it ends whatever becomes of the router
 * that started it. */

/* Starts dropping every flow of 'owner' of 'kind' (one of
 * XF_FLOW_KINDS_TABLES) in steps, after the drains under way.  (A drain of
 * the same owner and kind may be under way, e.g. a router removed while
 * its table drains: the new one takes what its owner's list holds now,
 * flows that go on their own and flows put since, which finished the
 * older drain first.) */
void
xf_flowsync_drain_start(struct xf_flowsync *fs, uint32_t owner, int kind)
{
    struct xf_flow_owner *o = xf_flow_owners_find(&fs->owners, owner);

    if (o && !ovs_list_is_empty(&o->flows[kind])) {
        struct xf_drain *d = xzalloc(sizeof *d);
        ovs_list_init(&d->dying);
        ovs_list_splice(&d->dying, ovs_list_front(&o->flows[kind]),
                        &o->flows[kind]);
        d->owner = owner;
        d->kind = kind;
        ovs_list_push_back(&fs->drains, &d->node);
        fs->n_drains++;
    }
}

/* True while a drain is under way (its slice deletes not yet queued). */
bool
xf_flowsync_draining(const struct xf_flowsync *fs)
{
    return fs->n_drains > 0;
}

/* Forgets 'flow', being drained by 'd', and counts it in its slice's
 * delete if it is or may be in ofproto.  A slice delete queued before the
 * drain began, a flow already going or one whose change is pending goes
 * back to its owner's list, to go on its own.  Returns true if it freed
 * 'flow'. */
static bool
drain_flow(struct xf_flowsync *fs, struct xf_drain *d, struct xf_flow *flow)
{
    if (flow->slice_delete || flow->removing
        || (flow->pending && flow->installed)) {
        struct xf_flow_owner *o = xf_flow_owners_find(&fs->owners, d->owner);
        flow->removing = true;  /* A strict delete, in its place. */
        ovs_list_remove(&flow->owner_node);
        ovs_list_push_back(&o->flows[d->kind], &flow->owner_node);
        return false;
    }
    if (flow->installed || !flow->fresh) {
        count_in_slice(fs, d->markers, flow, false);
    }
    forget_flow(fs, flow);
    return true;
}

/* Forgets up to 'max' of the flows 'd' drains; after the last one, queues
 * its slice deletes and ends it (frees 'd'). */
static void
drain_step(struct xf_flowsync *fs, struct xf_drain *d, size_t max)
{
    size_t n = 0, n_freed = 0;

    for (; n < max && !ovs_list_is_empty(&d->dying); n++) {
        n_freed += drain_flow(fs, d, CONTAINER_OF(ovs_list_front(&d->dying),
                                                  struct xf_flow,
                                                  owner_node));
    }
    xf_flowsync_note_visits(n);
    xf_memtrim_note(n_freed);
    if (!ovs_list_is_empty(&d->dying)) {
        return;
    }
    for (size_t s = 0; s < XF_COOKIE_N_SLICES; s++) {
        if (d->markers[s]) {
            xf_flow_make_pending(fs, d->markers[s]);
        }
    }
    ovs_list_remove(&d->node);
    fs->n_drains--;
    free(d);
    xf_hmap_shrink_sparse(&fs->flows);
}

/* One step of the oldest drain under way, if any (bulk work:
 * xf_flowsync_run() asks first). */
void
xf_flowsync_drain_run(struct xf_flowsync *fs)
{
    if (fs->n_drains) {
        COVERAGE_INC(xenflow_drain_step);
        drain_step(fs, CONTAINER_OF(ovs_list_front(&fs->drains),
                                    struct xf_drain, node), XF_DRAIN_BATCH);
    }
}

/* Finishes every drain under way, at once. */
void
xf_flowsync_drain_finish(struct xf_flowsync *fs)
{
    struct xf_drain *d;

    LIST_FOR_EACH_SAFE (d, node, &fs->drains) {
        drain_step(fs, d, SIZE_MAX);
    }
}

/* Before a change to flows of 'owner' whose kinds are in 'kinds' (a mask
 * of XF_FLOW_KIND_BIT()s): finishes the drains of any of them at once. */
void
xf_flowsync_drain_guard(struct xf_flowsync *fs, uint32_t owner,
                        uint32_t kinds)
{
    struct xf_drain *d;

    LIST_FOR_EACH_SAFE (d, node, &fs->drains) {
        if (d->owner == owner && kinds & XF_FLOW_KIND_BIT(d->kind)) {
            COVERAGE_INC(xenflow_drain_cut_short);
            drain_step(fs, d, SIZE_MAX);
        }
    }
}

/* How many drains of 'owner' whose kinds are in 'kinds' are under way. */
size_t
xf_flowsync_drains_of(const struct xf_flowsync *fs, uint32_t owner,
                      uint32_t kinds)
{
    const struct xf_drain *d;
    size_t n = 0;

    LIST_FOR_EACH (d, node, &fs->drains) {
        n += d->owner == owner && kinds & XF_FLOW_KIND_BIT(d->kind);
    }
    return n;
}

/* Frees the drains under way, and the slice deletes they have not queued,
 * when 'fs' is destroyed (the flows go with 'fs->flows'). */
void
xf_flowsync_free_drains(struct xf_flowsync *fs)
{
    struct xf_drain *d;

    LIST_FOR_EACH_POP (d, node, &fs->drains) {
        for (size_t s = 0; s < XF_COOKIE_N_SLICES; s++) {
            free(d->markers[s]);
        }
        free(d);
    }
    fs->n_drains = 0;
}

/* Counts 'n' flows looked at by owner or staleness. */
void
xf_flowsync_note_visits(size_t n)
{
    COVERAGE_ADD(xenflow_flow_visit, n);
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
        ofproto_flow_mod_batch(ofproto, fms, n, errors, NULL);
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
