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
 * changes them, and flowsync-read.c, which only reports on them. */

#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-errors.h"
#include "xenflow/flow-owners.h"
#include "xenflow/flowsync-actions.h"
#include "xenflow/flowsync-group.h"
#include "xenflow/latency.h"

struct ofproto;
struct ofputil_flow_mod;

struct xf_flow {
    struct hmap_node node;      /* In 'flows', by table, priority, match. */
    struct ovs_list pending_node; /* In 'pending' if 'pending'. */
    struct ovs_list stale_node; /* In 'stale' if 'stale'. */
    struct ovs_list owner_node; /* In its owner's list for its kind. */
    struct minimatch match;
    struct xf_actions *actions; /* Shared (flowsync-actions.h). */
    uint64_t cookie;
    long long int queued;       /* time_usec() when it became pending. */
    uint16_t priority;
    uint8_t table_id;
    bool installed;             /* Present in ofproto as we last set it. */
    bool fresh;                 /* Never sent: an add needs no lookup of
                                 * an existing rule first. */
    bool removing;              /* Wanted gone. */
    bool pending;               /* Needs a flow_mod. */
    bool stale;                 /* For mark-and-sweep. */
};

struct xf_flowsync {
    char *bridge;               /* Name of the bridge (and its ofproto). */
    struct xf_groups groups;    /* Desired OpenFlow groups. */
    const struct ofproto *ofproto; /* The ofproto our flows went into. */
    struct hmap flows;          /* Contains "struct xf_flow"s. */
    struct xf_actions_table actions; /* Their actions, shared. */
    struct ovs_list pending;    /* "struct xf_flow"s that need a flow_mod. */
    struct ovs_list stale;      /* "struct xf_flow"s marked stale. */
    struct xf_flow_owners owners; /* The same flows, by owner and kind. */
    size_t n_pending;
    size_t batch;               /* flow_mods in the next batch. */
    struct xf_flow **batch_flows; /* Room for 'batch_allocated' flows and */
    struct ofputil_flow_mod *batch_fms; /* flow_mods, kept while flows are */
    enum ofperr *batch_errors;  /* pending: no large allocation per batch. */
    size_t batch_allocated;
    unsigned long long n_errors;
    struct xf_latency latency;  /* From "put" to "in ofproto". */
};

#endif /* xenflow/flowsync-private.h */
