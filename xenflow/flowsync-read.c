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

/* Reports on a flowsync's flows and reads from the ofproto they went into
 * (xenflow/flows, xenflow/show): nothing here changes a flow. */

#include "xenflow/flowsync.h"

#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-actions.h"
#include "ofproto/ofproto-provider.h"
#include "util.h"
#include "xenflow/flow-owners.h"
#include "xenflow/flowsync-private.h"

static void
format_flow(const struct xf_flow *flow, struct ds *s)
{
    ds_put_format(s, "table=%d, ", flow->table_id);
    struct xf_miniflow_buf buf;
    struct minimatch match = xf_flow_match(flow, &buf);
    minimatch_format(&match, NULL, NULL, s, flow->priority);
    if (s->length && s->string[s->length - 1] != ' ') {
        ds_put_char(s, ' ');
    }
    ds_put_cstr(s, "actions=");
    struct ofpact_format_params fp = { .s = s };
    ofpacts_format(flow->actions->ofpacts, flow->actions->len, &fp);
}

static int
compare_flow_info(const void *a_, const void *b_)
{
    const struct xf_flow_info *a = a_;
    const struct xf_flow_info *b = b_;

    return strcmp(a->text, b->text);
}

/* Returns in '*infos' the desired flows of 'owner' of 'kinds', sorted by
 * text.  The caller frees each text and the array. */
size_t
xf_flowsync_collect(const struct xf_flowsync *fs, uint32_t owner,
                    uint32_t kinds, struct xf_flow_info **infos)
{
    const struct xf_flow_owner *o = xf_flow_owners_find(&fs->owners, owner);
    const struct xf_flow *flow;
    size_t n = 0, allocated = 0;
    int kind;

    *infos = NULL;
    XF_FLOW_OWNER_FOR_EACH (flow, owner_node, kind, kinds, o) {
        if (flow->removing) {
            continue;
        }
        if (n >= allocated) {
            *infos = x2nrealloc(*infos, &allocated, sizeof **infos);
        }
        struct ds s = DS_EMPTY_INITIALIZER;
        format_flow(flow, &s);
        (*infos)[n++] = (struct xf_flow_info) {
            .cookie = flow->cookie,
            .installed = flow->installed && !flow->pending,
            .text = ds_steal_cstr(&s),
        };
    }
    if (n) {
        qsort(*infos, n, sizeof **infos, compare_flow_info);
    }
    return n;
}

/* Other reads from ofproto. */

bool
xf_ofproto_exists(const char *bridge)
{
    return ofproto_lookup(bridge) != NULL;
}

/* The OpenFlow port number of 'port_name' on 'bridge', or OFPP_NONE. */
ofp_port_t
xf_ofproto_port(const char *bridge, const char *port_name)
{
    const struct ofproto *ofproto = ofproto_lookup(bridge);
    struct ofproto_port port;
    ofp_port_t ofport = OFPP_NONE;

    if (ofproto && !ofproto_port_query_by_name(ofproto, port_name, &port)) {
        ofport = port.ofp_port;
        ofproto_port_destroy(&port);
    }
    return ofport;
}

/* Sets 'packets[K]', for each kind K in the bitmap 'kinds' (1 << K), to the
 * packets counted by the installed flows of that kind owned by 'owner';
 * the others to 0.  Costs O(those flows), through the index by owner, not
 * O(the bridge's flows): xenflow/show, which monitoring polls, asks for
 * each router's neighbour and slow-path flows, not its million routes. */
void
xf_flowsync_count_packets(const struct xf_flowsync *fs, uint32_t owner,
                          uint32_t kinds,
                          unsigned long long packets[XF_FLOW_N_KINDS])
{
    const struct xf_flow_owner *o = xf_flow_owners_find(&fs->owners, owner);
    struct ofproto *ofproto = ofproto_lookup(fs->bridge);
    const struct xf_flow *flow;
    int kind;

    memset(packets, 0, XF_FLOW_N_KINDS * sizeof *packets);
    if (!ofproto) {
        return;
    }
    XF_FLOW_OWNER_FOR_EACH (flow, owner_node, kind, kinds, o) {
        if (!flow->installed || flow->table_id >= ofproto->n_tables) {
            continue;
        }
        struct xf_miniflow_buf buf;
        struct minimatch match = xf_flow_match(flow, &buf);
        const struct cls_rule *cr = classifier_find_minimatch_exactly(
            &ofproto->tables[flow->table_id].cls, &match,
            flow->priority, ofproto->tables_version);
        if (cr) {
            struct rule *rule = rule_from_cls_rule(cr);
            struct pkt_stats ps;
            long long int used;

            ofproto->ofproto_class->rule_get_stats(rule, &ps, &used);
            packets[kind] += ps.n_packets;
        }
    }
}

/* Counts and statistics. */

/* Percentiles of the latency, from put to installed in ofproto, of the
 * last flow changes.  Returns the number of samples used. */
size_t
xf_flowsync_latency(const struct xf_flowsync *fs,
                    struct xf_latency_stats *stats)
{
    return xf_latency_compute(&fs->latency, stats);
}

void
xf_flowsync_latency_clear(struct xf_flowsync *fs)
{
    xf_latency_clear(&fs->latency);
}

const char *
xf_flowsync_bridge(const struct xf_flowsync *fs)
{
    return fs->bridge;
}

/* True if 'fs' has nothing left to apply, or nowhere to apply it (its bridge
 * is gone, and with it every flow). */
bool
xf_flowsync_drained(const struct xf_flowsync *fs)
{
    return !xf_flowsync_pending(fs) || !ofproto_lookup(fs->bridge);
}

size_t
xf_flowsync_count(const struct xf_flowsync *fs)
{
    return hmap_count(&fs->flows);
}

/* The distinct masks the desired flows share. */
size_t
xf_flowsync_n_masks(const struct xf_flowsync *fs)
{
    return xf_masks_count(&fs->masks);
}

/* The distinct action lists the desired flows share. */
size_t
xf_flowsync_n_actions(const struct xf_flowsync *fs)
{
    return xf_actions_count(&fs->actions);
}

unsigned long long
xf_flowsync_errors(const struct xf_flowsync *fs)
{
    return fs->n_errors;
}
