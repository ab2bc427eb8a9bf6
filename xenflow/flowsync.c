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

#include "xenflow/flowsync.h"

#include <string.h>

#include "coverage.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "ofproto/ofproto-provider.h"
#include "openvswitch/poll-loop.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/flow-owners.h"
#include "xenflow/flowsync-actions.h"
#include "xenflow/flowsync-bulk.h"
#include "xenflow/flowsync-group.h"
#include "xenflow/flowsync-modify.h"
#include "xenflow/flowsync-private.h"
#include "xenflow/flowsync-restore.h"
#include "xenflow/memtrim.h"
#include "xenflow/pace.h"

VLOG_DEFINE_THIS_MODULE(xenflow_flowsync);

COVERAGE_DEFINE(xenflow_flow_mod);
COVERAGE_DEFINE(xenflow_flow_mod_error);
COVERAGE_DEFINE(xenflow_flow_adopted); /* Restored flow kept as is. */

/* How many flow_mods one xf_flowsync_run() applies, as one batch, before
 * yielding to the rest of the main loop.  A batch cannot be split once
 * started (it is one tables version), so its size adapts to the cost per
 * flow_mod measured on the previous batch, aiming at XF_FLOWSYNC_TARGET_US
 * of work: with the userspace datapath the main thread also polls ports,
 * and a longer iteration delays every router's packets on the bridge.
 * Bigger batches are cheaper per flow, hence the floor.  Batches are bulk
 * work: xenflow/pace.h spaces them out.
 *
 * Each batch also costs the iteration after it a fixed price that grows
 * with the bridge's ports, not with the batch: ofproto-dpif rebuilds its
 * whole translation configuration (xlate_txn_start(), every port) and
 * revalidates once per change of the flow tables.  With 16,000 ports that
 * is tens of milliseconds, more than a 10 ms batch, so that loading a
 * bridge of N networks took N x N time.  When no XenFlow bridge has a port
 * that the main thread polls (xf_bulk_ports_polled(), xenflow/pace.h), no
 * packet waits for a long iteration, and batches aim at
 * XF_FLOWSYNC_UNPACED_US instead: ten times fewer of them.  (A share of 100
 * with such ports, e.g. while saved tables are set again after a restart,
 * keeps the short batches.) */
#define XF_FLOWSYNC_TARGET_US 10000
#define XF_FLOWSYNC_UNPACED_US 100000
#define XF_FLOWSYNC_MIN_BATCH 500
#define XF_FLOWSYNC_MAX_BATCH 20000

#define XF_FLOWSYNC_PREFETCH 8   /* Flows a batch prefetches ahead. */

/* A minimatch whose miniflows live in the caller's stack frame: looking a
 * flow up, or removing it, allocates nothing. */
struct xf_stack_match {
    struct minimatch mm;
    uint64_t storage[2 * (sizeof(struct miniflow) / 8 + FLOW_U64S)];
};

struct xf_flowsync *
xf_flowsync_create(const char *bridge)
{
    struct xf_flowsync *fs = xzalloc(sizeof *fs);
    fs->bridge = xstrdup(bridge);
    fs->batch = XF_FLOWSYNC_MIN_BATCH;
    hmap_init(&fs->flows);
    xf_actions_table_init(&fs->actions);
    xf_masks_init(&fs->masks);
    xf_groups_init(&fs->groups);
    xf_queue_init(&fs->pending);
    ofpbuf_init(&fs->batch_miniflows, 0);
    xf_flow_owners_init(&fs->owners);
    ovs_list_init(&fs->drains);
    return fs;
}

/* Allocates a flow with a copy of 'src''s values in the same block and a
 * reference to the shared copy of its mask (flowsync-masks.h): one
 * allocation per flow, of the values only (a million routes are a million
 * flows but a few dozen masks).  A tunnel metadata allocation is not kept:
 * XenFlow's flows have none (a restored rule with one is removed, by its
 * values and mask). */
static struct xf_flow *
flow_alloc(struct xf_flowsync *fs, const struct minimatch *src)
{
    size_t size = MINIFLOW_VALUES_SIZE(miniflow_n_values(&src->mask->masks));
    struct xf_flow *flow = xzalloc(sizeof *flow + size);

    /* Its values' map is the mask's (minimatch_init()). */
    ovs_assert(flowmap_equal(src->flow->map, src->mask->masks.map));
    memcpy(flow + 1, miniflow_get_values(src->flow), size);
    flow->mask = xf_masks_ref(&fs->masks, src->mask);
    xf_memtrim_note_added(1);
    return flow;
}

static void
free_batch(struct xf_flowsync *fs)
{
    free(fs->batch_flows);
    free(fs->batch_fms);
    free(fs->batch_rules);
    free(fs->batch_errors);
    fs->batch_flows = NULL;
    fs->batch_fms = NULL;
    fs->batch_rules = NULL;
    fs->batch_errors = NULL;
    fs->batch_allocated = 0;
    ofpbuf_uninit(&fs->batch_miniflows);
    ofpbuf_init(&fs->batch_miniflows, 0);
}

static void
stack_match_init(struct xf_stack_match *s, const struct match *match)
{
    struct miniflow map;

    miniflow_map_init(&map, &match->wc.masks);
    size_t n = miniflow_n_values(&map);
    struct miniflow *flow = (struct miniflow *) s->storage;
    struct miniflow *mask = (struct miniflow *) ((uint64_t *) (flow + 1) + n);
    *flow = *mask = map;
    s->mm.flow = flow;
    s->mm.mask = (struct minimask *) mask;
    s->mm.tun_md = NULL;
    miniflow_init(flow, &match->flow);
    minimask_init(s->mm.mask, &match->wc);
}

/* Destroys 'fs' without touching the flows in ofproto: the caller removes
 * them first if it wants them gone. */
void
xf_flowsync_destroy(struct xf_flowsync *fs)
{
    if (fs) {
        struct xf_flow *flow;
        xf_flowsync_free_slices(fs);
        xf_flowsync_free_drains(fs);
        xf_memtrim_note(hmap_count(&fs->flows));
        HMAP_FOR_EACH_POP (flow, node, &fs->flows) {
            xf_flow_free(fs, flow);
        }
        xf_dead_rules_flush(&fs->dead_rules);
        hmap_destroy(&fs->flows);
        xf_queue_destroy(&fs->pending);
        xf_actions_table_destroy(&fs->actions);
        xf_masks_destroy(&fs->masks);
        free_batch(fs);         /* 'batch_miniflows' too. */
        free(fs->stale_owners);
        xf_flow_owners_destroy(&fs->owners);
        xf_groups_destroy(&fs->groups);
        free(fs->bridge);
        free(fs);
    }
}

/* Prepares 'fs' for 'n' more flows (see xf_rib_reserve_routes()). */
void
xf_flowsync_reserve(struct xf_flowsync *fs, size_t n)
{
    hmap_reserve(&fs->flows, 2 * (hmap_count(&fs->flows) + n));
}

static uint32_t
xf_flow_hash(uint8_t table_id, uint16_t priority, const struct minimatch *match)
{
    return minimatch_hash(match, hash_2words(table_id, priority));
}

static struct xf_flow *
flow_find(const struct xf_flowsync *fs, uint8_t table_id, uint16_t priority,
          const struct minimatch *match, uint32_t hash)
{
    struct xf_flow *flow;

    /* 'match''s values have its mask's map, as 'flow''s have. */
    ovs_assert(flowmap_equal(match->flow->map, match->mask->masks.map));
    HMAP_FOR_EACH_WITH_HASH (flow, node, hash, &fs->flows) {
        if (flow->table_id == table_id && flow->priority == priority
            && minimask_equal(flow->mask, match->mask)
            && !memcmp(flow + 1, miniflow_get_values(match->flow),
                       xf_flow_values_size(flow))) {
            return flow;
        }
    }
    return NULL;
}

/* Wants the flow in table 'table_id' with 'priority' and 'match' to have
 * 'ofpacts' and 'cookie'. */
void
xf_flowsync_put_match(struct xf_flowsync *fs, uint64_t cookie,
                      uint8_t table_id, uint16_t priority,
                      const struct match *match,
                      const struct ofpact *ofpacts, size_t ofpacts_len)
{
    struct xf_stack_match sm;

    xf_flowsync_drain_guard(fs, xf_cookie_owner(cookie),
                            XF_FLOW_KIND_BIT(xf_flow_owners_kind(cookie)));
    stack_match_init(&sm, match);
    uint32_t hash = xf_flow_hash(table_id, priority, &sm.mm);
    struct xf_flow *flow = flow_find(fs, table_id, priority, &sm.mm, hash);
    if (xf_cookie_is_sliced(cookie)) {
        /* A flow keeps its slice; a new one takes the current slice. */
        cookie = (flow && xf_cookie_unsliced(flow->cookie) == cookie
                  ? flow->cookie
                  : xf_cookie_with_slice(cookie, (fs->n_sliced++
                                                  / XF_COOKIE_SLICE_RUN)));
    }
    if (flow) {
        flow->stale = false;
        if (!flow->removing && flow->cookie == cookie
            && ofpacts_equal(flow->actions->ofpacts, flow->actions->len,
                             ofpacts, ofpacts_len)) {
            return;
        }
        if (flow->removing && flow->pending) {
            /* Wanted again while its delete waits: behind any slice delete
             * queued meanwhile (flowsync-bulk.c), which would otherwise
             * remove it after this change. */
            xf_flow_unqueue(fs, flow);
            flow->qpos = xf_queue_push(&fs->pending, flow);
        }
        xf_actions_unref(&fs->actions, flow->actions);
        if (flow->cookie != cookie) {
            xf_flow_owners_remove(&fs->owners, flow->cookie,
                                  &flow->owner_node, flow->pending);
            flow->cookie = cookie;
            xf_flow_owners_add(&fs->owners, cookie, &flow->owner_node,
                               flow->pending);
        }
    } else {
        flow = flow_alloc(fs, &sm.mm);
        flow->table_id = table_id;
        flow->priority = priority;
        flow->fresh = true;
        flow->cookie = cookie;
        xf_flow_owners_add(&fs->owners, cookie, &flow->owner_node, false);
        hmap_insert(&fs->flows, &flow->node, hash);
    }
    flow->actions = xf_actions_ref(&fs->actions, ofpacts, ofpacts_len);
    flow->removing = false;
    xf_flow_make_pending(fs, flow);
}

static void
flow_remove(struct xf_flowsync *fs, struct xf_flow *flow)
{
    flow->removing = true;
    xf_flow_make_pending(fs, flow);
}

void
xf_flowsync_remove_match(struct xf_flowsync *fs, uint8_t table_id,
                         uint16_t priority, const struct match *match)
{
    struct xf_stack_match sm;

    stack_match_init(&sm, match);
    uint32_t hash = xf_flow_hash(table_id, priority, &sm.mm);
    struct xf_flow *flow = flow_find(fs, table_id, priority, &sm.mm, hash);
    if (flow && xf_flowsync_draining(fs)) {
        xf_flowsync_drain_guard(
            fs, xf_cookie_owner(flow->cookie),
            XF_FLOW_KIND_BIT(xf_flow_owners_kind(flow->cookie)));
        flow = flow_find(fs, table_id, priority, &sm.mm, hash);
    }
    if (flow) {
        flow_remove(fs, flow);
    }
}

/* Wants group 'gm->group_id' installed as 'gm' describes it (type,
 * properties, buckets), which the caller keeps. */
void
xf_flowsync_put_group(struct xf_flowsync *fs,
                      const struct ofputil_group_mod *gm)
{
    xf_groups_put(&fs->groups, gm);
}

void
xf_flowsync_remove_group(struct xf_flowsync *fs, uint32_t group_id)
{
    xf_groups_remove(&fs->groups, group_id);
}

/* Marks stale, or removes if 'remove', the flows of 'owner' whose kinds
 * are in 'kinds' (and only looks at those).  The sweep finds the stale
 * flows through their owners: a flow has no list of its own for it. */
static void
owner_select(struct xf_flowsync *fs, struct xf_flow_owner *owner,
             uint32_t kinds, bool remove)
{
    struct xf_flow *flow;
    size_t n = 0;
    int kind;

    if (owner && !remove && (kinds & ~owner->stale_kinds)) {
        if (!owner->stale_kinds) {
            if (fs->n_stale_owners >= fs->allocated_stale_owners) {
                fs->stale_owners = x2nrealloc(fs->stale_owners,
                                              &fs->allocated_stale_owners,
                                              sizeof *fs->stale_owners);
            }
            fs->stale_owners[fs->n_stale_owners++] = owner->id;
        }
        owner->stale_kinds |= kinds;
    }
    XF_FLOW_OWNER_FOR_EACH (flow, owner_node, kind, kinds, owner) {
        n++;
        if (flow->removing) {
            continue;
        } else if (remove) {
            flow_remove(fs, flow);
        } else {
            flow->stale = true;
        }
    }
    xf_flowsync_note_visits(n);
}

/* Marks stale the flows of 'owner' whose kinds are in 'kinds' (a mask of
 * XF_FLOW_KIND_BIT()s).  Flows put again before xf_flowsync_sweep() lose
 * the mark. */
void
xf_flowsync_mark_owner_stale(struct xf_flowsync *fs, uint32_t owner,
                             uint32_t kinds)
{
    xf_flowsync_drain_guard(fs, owner, kinds);
    owner_select(fs, xf_flow_owners_find(&fs->owners, owner), kinds, false);
}

/* No longer wants the flows of 'owner' whose kinds are in 'kinds': what
 * marking them stale and sweeping does, without sweeping anything else. */
void
xf_flowsync_remove_owner(struct xf_flowsync *fs, uint32_t owner,
                         uint32_t kinds)
{
    /* Route and neighbour tables go by slice (flowsync-bulk.c).  Dropping
     * one may free the owner: look it up again.  A drain of one of them
     * ends first. */
    xf_flowsync_drain_guard(fs, owner, kinds);
    for (int kind = 0; kind < XF_FLOW_N_KINDS; kind++) {
        struct xf_flow_owner *o = xf_flow_owners_find(&fs->owners, owner);
        if (o && kinds & XF_FLOW_KINDS_TABLES & XF_FLOW_KIND_BIT(kind)) {
            xf_flowsync_note_visits(xf_flowsync_drop_kind(fs, o, kind));
        }
    }
    owner_select(fs, xf_flow_owners_find(&fs->owners, owner),
                 kinds & ~XF_FLOW_KINDS_TABLES, true);
}

/* Returns how many flows of 'owner' whose kinds are in 'kinds' are not yet
 * in ofproto as wanted (to be added, changed or removed); each drain of
 * one of its tables counts as one, as in xf_flowsync_pending(). */
size_t
xf_flowsync_owner_pending(const struct xf_flowsync *fs, uint32_t owner,
                          uint32_t kinds)
{
    return (xf_flow_owners_pending(&fs->owners, owner, kinds)
            + xf_flowsync_drains_of(fs, owner, kinds));
}

/* Returns how many flows 'owner' has in 'fs', pending or not. */
size_t
xf_flowsync_owner_count(const struct xf_flowsync *fs, uint32_t owner)
{
    const struct xf_flow_owner *o = xf_flow_owners_find(&fs->owners, owner);
    return o ? o->n_flows : 0;
}

/* Marks stale every flow other than route and neighbour flows: the flows
 * that configuration decides, which a reconfiguration puts again.  Looks at
 * those flows only, so its cost does not grow with the routing tables.
 *
 * If 'networks_too' is false, the networks' own flows (cookie.h: kinds
 * XF_FLOW_KINDS_NETWORK of an owner from XF_OWNER_NETWORK_MIN to
 * XF_OWNER_NETWORK_MAX) are left as they are, not even looked at: the
 * caller marks those of the networks it puts again itself
 * (xf_flowsync_mark_owner_stale()), so that a reconfiguration that adds one
 * network does not touch the flows of all the others. */
void
xf_flowsync_mark_config_stale(struct xf_flowsync *fs, bool networks_too)
{
    struct xf_flow_owner *owner;

    HMAP_FOR_EACH (owner, node, &fs->owners.owners) {
        uint32_t kinds = ~XF_FLOW_KINDS_TABLES;
        if (!networks_too && owner->id >= XF_OWNER_NETWORK_MIN
            && owner->id <= XF_OWNER_NETWORK_MAX) {
            kinds &= ~XF_FLOW_KINDS_NETWORK;
        }
        owner_select(fs, owner, kinds, false);
    }
}

/* Removes every flow still marked stale.  Returns how many. */
size_t
xf_flowsync_sweep(struct xf_flowsync *fs)
{
    size_t n = 0, n_visited = 0;

    for (size_t i = 0; i < fs->n_stale_owners; i++) {
        /* Gone if its last flow went meanwhile (owner ids are not
         * reused). */
        struct xf_flow_owner *owner = xf_flow_owners_find(
            &fs->owners, fs->stale_owners[i]);
        struct xf_flow *flow;
        int kind;

        if (!owner) {
            continue;
        }
        XF_FLOW_OWNER_FOR_EACH (flow, owner_node, kind, owner->stale_kinds,
                                owner) {
            n_visited++;
            if (flow->stale) {
                flow->stale = false;
                if (!flow->removing) {
                    flow_remove(fs, flow);
                    n++;
                }
            }
        }
        owner->stale_kinds = 0;
    }
    fs->n_stale_owners = 0;
    xf_flowsync_note_visits(n_visited);
    return n;
}

/* Nothing pending: the bulk work that removed flows is done for now,
 * unless a table is still being drained (flowsync-bulk.c), whose removals
 * count as one. */
static void
idle(const struct xf_flowsync *fs)
{
    if (!xf_flowsync_draining(fs)) {
        xf_memtrim_idle();
    }
}

/* Wants nothing any more: every flow and group is removed. */
void
xf_flowsync_clear(struct xf_flowsync *fs)
{
    struct xf_flow *flow;

    xf_flowsync_drain_finish(fs);

    HMAP_FOR_EACH (flow, node, &fs->flows) {
        flow_remove(fs, flow);
    }
    xf_groups_clear(&fs->groups);
}

/* Forgets what ofproto holds and installs every desired flow again, e.g.
 * after the bridge's datapath was recreated. */
void
xf_flowsync_resync(struct xf_flowsync *fs)
{
    struct xf_flow *flow;

    xf_groups_resync(&fs->groups);
    HMAP_FOR_EACH (flow, node, &fs->flows) {
        flow->installed = false;
        xf_flow_forget_rule(fs, flow);
        xf_flow_make_pending(fs, flow);
    }
}

static void
init_flow_mod(struct ofputil_flow_mod *fm, const struct xf_flow *flow,
              enum ofp_flow_mod_command command)
{
    *fm = (struct ofputil_flow_mod) {
        .match = { .mask = CONST_CAST(struct minimask *, flow->mask) },
        .priority = flow->priority,
        .new_cookie = htonll(flow->cookie),
        .modify_cookie = true,
        .table_id = flow->table_id,
        .command = command,
        .buffer_id = UINT32_MAX,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .ofpacts = flow->actions->ofpacts,
        .ofpacts_len = flow->actions->len,
    };
}

static void
log_flow_error(const struct xf_flowsync *fs, const struct xf_flow *flow,
               enum ofperr error)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    struct xf_miniflow_buf buf;
    struct minimatch match = xf_flow_match(flow, &buf);
    struct ds s = DS_EMPTY_INITIALIZER;

    minimatch_format(&match, NULL, NULL, &s, flow->priority);
    VLOG_WARN_RL(&rl, "%s: ofproto refused XenFlow flow (table=%d, %s): %s",
                 fs->bridge, flow->table_id, ds_cstr(&s),
                 ofperr_to_string(error));
    ds_destroy(&s);
}

static void adopt_restored(struct xf_flowsync *, const struct ofproto *);

/* Applies up to 'fs->batch' pending flow changes to the bridge's
 * ofproto as one batch (one classifier publication, one tables version),
 * plus the group changes that must come before or after them. */
void
xf_flowsync_run(struct xf_flowsync *fs)
{
    struct ofproto *ofproto = ofproto_lookup(fs->bridge);

    xf_dead_rules_flush(&fs->dead_rules);
    if (xf_flowsync_draining(fs) && xf_bulk_allows()) {
        xf_flowsync_drain_run(fs);
    }
    if (!ofproto) {
        if (fs->ofproto) {
            /* The bridge's ofproto went: let its rules, and it, go. */
            struct xf_flow *flow;
            HMAP_FOR_EACH (flow, node, &fs->flows) {
                xf_flow_forget_rule(fs, flow);
            }
        }
        fs->ofproto = NULL;
        return;
    } else if (ofproto != fs->ofproto && xf_restore_waiting(ofproto)) {
        return;                 /* Its flows are being restored. */
    } else if (ofproto != fs->ofproto) {
        /* A new datapath for this bridge: it has none of our flows, and
         * the slice deletes queued for the old one have nothing to do. */
        xf_flowsync_free_slices(fs);
        if (fs->ofproto || !hmap_is_empty(&fs->flows)) {
            xf_flowsync_resync(fs);
        }
        fs->ofproto = ofproto;
        adopt_restored(fs, ofproto);
    }

    if (fs->groups.n_pending) {
        fs->n_errors += xf_groups_run(&fs->groups, ofproto, fs->bridge, true);
    }

    size_t n = MIN(xf_queue_count(&fs->pending), fs->batch);
    if (!n || !xf_bulk_allows()) {
        /* Nothing to apply, or bulk work rests (asked once: the pace
         * counts the slices it grants). */
    } else if (xf_flowsync_run_slices(fs, ofproto, fs->batch)) {
        if (!xf_queue_count(&fs->pending)) {
            free_batch(fs);
            idle(fs);
        }
    } else {
        long long int start = time_usec();
        if (n > fs->batch_allocated) {
            free_batch(fs);
            size_t m = fs->batch_allocated = MAX(n, XF_FLOWSYNC_MIN_BATCH);
            fs->batch_flows = xmalloc(m * sizeof *fs->batch_flows);
            fs->batch_fms = xmalloc(m * sizeof *fs->batch_fms);
            fs->batch_rules = xmalloc(m * sizeof *fs->batch_rules);
            fs->batch_errors = xmalloc(m * sizeof *fs->batch_errors);
        }
        struct xf_flow **flows = fs->batch_flows;
        struct ofputil_flow_mod *fms = fs->batch_fms;
        struct rule **rules = fs->batch_rules;
        enum ofperr *errors = fs->batch_errors;
        size_t n_fms = 0;
        size_t n_freed = 0;

        for (size_t i = 0; i < n; i++) {
            /* Queued flows are scattered over the heap; one half as far
             * ahead is in the cache by now: its bucket, for hmap_remove(). */
            xf_queue_prefetch(&fs->pending, XF_FLOWSYNC_PREFETCH);
            struct xf_flow *ahead = xf_queue_peek(&fs->pending,
                                                  XF_FLOWSYNC_PREFETCH / 2);
            if (ahead && ahead->removing) {
                OVS_PREFETCH(&fs->flows.buckets[ahead->node.hash
                                                & fs->flows.mask]);
            }
            struct xf_flow *flow = xf_queue_front(&fs->pending);
            if (flow->slice_delete) {
                n = i;          /* Next batch: they go in one of their own. */
                break;
            }
            xf_queue_pop(&fs->pending);
            xf_flow_owners_set_pending(&fs->owners, flow->cookie, false);
            flow->pending = false;
            flows[i] = flow;
            if (flow->removing) {
                hmap_remove(&fs->flows, &flow->node);
                xf_flow_owners_remove(&fs->owners, flow->cookie,
                                      &flow->owner_node, false);
                if (!flow->installed) {
                    continue;   /* Never reached the switch. */
                }
            }
            rules[n_fms] = flow->rule;  /* Handed over, and back. */
            flow->rule = NULL;
            init_flow_mod(&fms[n_fms++], flow, (flow->removing
                                                ? OFPFC_DELETE_STRICT
                                                : flow->fresh ? OFPFC_ADD
                                                : OFPFC_MODIFY_STRICT));
            xf_flow_put_miniflow(flow, &fs->batch_miniflows);
            flow->fresh = false;
        }

        COVERAGE_ADD(xenflow_flow_mod, n_fms);
        if (n_fms) {
            xf_flow_mods_set_miniflows(fms, n_fms, &fs->batch_miniflows);
            xf_flow_mod_batch(ofproto, fms, n_fms, rules, errors);
        }

        ofpbuf_clear(&fs->batch_miniflows);

        long long int now = time_usec();
        size_t j = 0;
        for (size_t i = 0; i < n; i++) {
            struct xf_flow *flow = flows[i];
            enum ofperr error = 0;

            if (i + XF_FLOWSYNC_PREFETCH < n) {
                OVS_PREFETCH(flows[i + XF_FLOWSYNC_PREFETCH]);
            }
            if (!flow->removing || flow->installed) {
                flow->rule = rules[j];
                error = errors[j++];
            }
            if (error) {
                log_flow_error(fs, flow, error);
                COVERAGE_INC(xenflow_flow_mod_error);
                fs->n_errors++;
            }
            if (flow->removing) {
                xf_flow_free(fs, flow);
                n_freed++;
            } else {
                flow->installed = !error;
                xf_latency_add(&fs->latency, (uint32_t) now - flow->queued);
            }
        }
        xf_memtrim_note(n_freed);
        if (n_freed) {
            xf_hmap_shrink_sparse(&fs->flows);
        }
        if (!xf_queue_count(&fs->pending)) {
            free_batch(fs);
            idle(fs);
        }

        if (n >= XF_FLOWSYNC_MIN_BATCH) {
            long long int elapsed = MAX(time_usec() - start, 1);
            long long int target = (xf_bulk_ports_polled()
                                    ? XF_FLOWSYNC_TARGET_US
                                    : XF_FLOWSYNC_UNPACED_US);
            fs->batch = MIN(MAX(n * target / elapsed,
                                XF_FLOWSYNC_MIN_BATCH),
                            XF_FLOWSYNC_MAX_BATCH);
        }
    }

    if (fs->groups.n_pending && !xf_queue_count(&fs->pending)
        && !xf_flowsync_draining(fs)) {
        /* Deletions last: after the flow changes, and after a drain's
         * slice deletes (a group's delete takes its rules all at once). */
        fs->n_errors += xf_groups_run(&fs->groups, ofproto, fs->bridge, false);
    }
}

void
xf_flowsync_wait(struct xf_flowsync *fs)
{
    if (xf_flowsync_draining(fs)
        || (xf_flowsync_pending(fs) && ofproto_lookup(fs->bridge))) {
        xf_bulk_wait();
    }
}

/* Flow and group changes not yet in ofproto; each drain under way counts
 * as one, as each of the slice deletes that follow it does. */
size_t
xf_flowsync_pending(const struct xf_flowsync *fs)
{
    return (xf_queue_count(&fs->pending) + fs->groups.n_pending
            + fs->n_drains);
}

/* Restarts (flowsync-restore.h). */

/* Takes restored flow 'rf' into account: if it equals the desired flow
 * with its table, priority and match, that flow is installed as it is (no
 * flow_mod); if it differs, the desired flow replaces it in place
 * (MODIFY_STRICT, no gap); if XenFlow does not want it, it goes.  Returns
 * which of the three. */
enum adoption { ADOPTED, REPLACED, UNWANTED };

/* Whether a restored flow's cookie 'b' is the desired 'a', but for the
 * slice of a route or neighbour flow (the previous ovs-vswitchd's). */
static bool
same_cookie(uint64_t a, uint64_t b)
{
    return a == b || (xf_cookie_is_sliced(a)
                      && xf_cookie_unsliced(a) == xf_cookie_unsliced(b));
}

static enum adoption
adopt_flow(struct xf_flowsync *fs, const struct xf_restored_flow *rf)
{
    uint32_t hash = xf_flow_hash(rf->table_id, rf->priority, rf->match);
    struct xf_flow *flow = flow_find(fs, rf->table_id, rf->priority,
                                     rf->match, hash);
    if (flow && !flow->removing) {
        flow->installed = true;
        flow->fresh = false;
        if (flow->pending && same_cookie(flow->cookie, rf->cookie)
            && xf_ofpacts_same(flow->actions->ofpacts, flow->actions->len,
                               rf->ofpacts, rf->ofpacts_len)) {
            xf_flow_unqueue(fs, flow);
            flow->pending = false;
            xf_flow_owners_set_pending(&fs->owners, flow->cookie, false);
            flow->cookie = rf->cookie;  /* Its slice, in ofproto. */
            return ADOPTED;
        }
        return REPLACED;
    } else if (!flow) {
        flow = flow_alloc(fs, rf->match);
        flow->table_id = rf->table_id;
        flow->priority = rf->priority;
        flow->cookie = rf->cookie;
        flow->actions = xf_actions_ref(&fs->actions, rf->ofpacts,
                                       rf->ofpacts_len);
        flow->installed = true;
        xf_flow_owners_add(&fs->owners, flow->cookie, &flow->owner_node,
                           false);
        hmap_insert(&fs->flows, &flow->node, hash);
    }
    flow_remove(fs, flow);
    return UNWANTED;
}

/* Adopts the flows of XenFlow's that a restore put into 'ofproto' before
 * XenFlow first touched it. */
static void
adopt_restored(struct xf_flowsync *fs, const struct ofproto *ofproto)
{
    struct xf_restored_flow *rfs;
    size_t n = xf_restored_flows(ofproto, &rfs);
    size_t counts[3] = { 0, 0, 0 };

    for (size_t i = 0; i < n; i++) {
        counts[adopt_flow(fs, &rfs[i])]++;
    }
    free(rfs);
    if (n) {
        COVERAGE_ADD(xenflow_flow_adopted, counts[ADOPTED]);
        VLOG_INFO("%s: %"PRIuSIZE" restored XenFlow flows: %"PRIuSIZE
                  " kept as installed, %"PRIuSIZE" replaced, %"PRIuSIZE
                  " no longer wanted (deleted)", fs->bridge, n,
                  counts[ADOPTED], counts[REPLACED], counts[UNWANTED]);
    }

    size_t g[3] = { 0, 0, 0 };
    xf_groups_adopt(&fs->groups, ofproto, g);
    if (g[0] + g[1] + g[2]) {
        VLOG_INFO("%s: %"PRIuSIZE" restored XenFlow groups: %"PRIuSIZE
                  " kept as installed, %"PRIuSIZE" modified in place, "
                  "%"PRIuSIZE" no longer wanted (deleted)", fs->bridge,
                  g[0] + g[1] + g[2], g[0], g[1], g[2]);
    }
}
