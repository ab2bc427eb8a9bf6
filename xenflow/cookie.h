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

#ifndef XENFLOW_COOKIE_H
#define XENFLOW_COOKIE_H 1

/* What the cookie of a XenFlow flow says: XF_COOKIE_MAGIC in the top 16
 * bits, a kind (enum xf_flow_kind) and an owner id (a router's, a
 * network's VLAN, or 0 for the bridge), so that operators can tell
 * XenFlow's flows apart in ovs-ofctl dump-flows and XenFlow can select one
 * owner's flows. */

#include <stdbool.h>
#include <stdint.h>

#define XF_COOKIE_MAGIC 0x5846ULL      /* "XF" */

enum xf_flow_kind {
    XF_FLOW_CLASSIFY = 1,       /* Table 0: VLAN tagger, trunk filter. */
    XF_FLOW_INGRESS,            /* Router MAC -> router pipeline. */
    XF_FLOW_SLOWPATH,           /* Delivered to the router VM. */
    XF_FLOW_ROUTER,             /* Router table: IP -> routing. */
    XF_FLOW_ROUTE,              /* One per route (LPM). */
    XF_FLOW_NEIGH,              /* One per resolved neighbour (rewrite). */
    XF_FLOW_EGRESS,             /* L2 delivery within a network. */
    XF_FLOW_LEARNED,            /* Learned MAC locations. */
    XF_FLOW_N_KINDS
};

/* Sets of kinds, for selecting one owner's flows. */
#define XF_FLOW_KIND_BIT(KIND) (1u << (KIND))
#define XF_FLOW_KINDS_TABLES (XF_FLOW_KIND_BIT(XF_FLOW_ROUTE)     \
                              | XF_FLOW_KIND_BIT(XF_FLOW_NEIGH))
/* A router's flows (owner: the router's id); the other kinds belong to a
 * network (owner: its VLAN) or to the bridge (owner 0). */
#define XF_FLOW_KINDS_ROUTER (XF_FLOW_KINDS_TABLES                 \
                              | XF_FLOW_KIND_BIT(XF_FLOW_INGRESS)   \
                              | XF_FLOW_KIND_BIT(XF_FLOW_SLOWPATH)  \
                              | XF_FLOW_KIND_BIT(XF_FLOW_ROUTER))
#define XF_FLOW_KINDS_NETWORK (XF_FLOW_KIND_BIT(XF_FLOW_CLASSIFY)   \
                               | XF_FLOW_KIND_BIT(XF_FLOW_EGRESS))
/* A network's own flows are those of XF_FLOW_KINDS_NETWORK whose owner is
 * its id, 1 to XF_NETWORK_ID_MAX (xenflow/encap.h); the bridge's flows of
 * those kinds have owner 0 or an owner above that range
 * (xenflow/pipeline-tables.h), so that a reconfiguration can select one
 * network's flows and leave the others alone. */
#define XF_OWNER_NETWORK_MIN 1
#define XF_OWNER_NETWORK_MAX 16777215

static inline uint64_t
xf_cookie(enum xf_flow_kind kind, uint32_t owner)
{
    return (XF_COOKIE_MAGIC << 48) | ((uint64_t) kind << 40) | owner;
}

static inline enum xf_flow_kind
xf_cookie_kind(uint64_t cookie)
{
    return (cookie >> 40) & 0xff;
}

static inline uint32_t
xf_cookie_owner(uint64_t cookie)
{
    return cookie & 0xffffffff;
}

static inline bool
xf_cookie_is_ours(uint64_t cookie)
{
    return (cookie >> 48) == XF_COOKIE_MAGIC;
}

/* A route or neighbour flow (XF_FLOW_KINDS_TABLES) also carries a slice
 * in bits 32 to 39 of its cookie: flowsync gives each run of
 * XF_COOKIE_SLICE_RUN new flows of a bridge the next slice, round robin, so
 * that a router's table of a million routes is 256 cookies of about 4,000
 * flows added together.  A whole table then goes with one flow_mod per
 * slice (a delete by exact cookie, which ofproto finds through its cookie
 * index) rather than one per flow, in pieces that never hold ofproto_mutex
 * long, and in about the order the flows were added, which is the order
 * that frees their memory fastest (flowsync-bulk.c).  The kind and the
 * owner read the same with or without a slice. */
#define XF_COOKIE_SLICE_SHIFT 32
#define XF_COOKIE_N_SLICES 256
#define XF_COOKIE_SLICE_RUN 4096
#define XF_COOKIE_SLICE_MASK ((uint64_t) (XF_COOKIE_N_SLICES - 1) \
                              << XF_COOKIE_SLICE_SHIFT)

static inline bool
xf_cookie_is_sliced(uint64_t cookie)
{
    enum xf_flow_kind kind = xf_cookie_kind(cookie);
    return kind == XF_FLOW_ROUTE || kind == XF_FLOW_NEIGH;
}

static inline unsigned int
xf_cookie_slice(uint64_t cookie)
{
    return (cookie & XF_COOKIE_SLICE_MASK) >> XF_COOKIE_SLICE_SHIFT;
}

static inline uint64_t
xf_cookie_unsliced(uint64_t cookie)
{
    return cookie & ~XF_COOKIE_SLICE_MASK;
}

static inline uint64_t
xf_cookie_with_slice(uint64_t cookie, unsigned int slice)
{
    return (xf_cookie_unsliced(cookie)
            | (uint64_t) (slice % XF_COOKIE_N_SLICES) << XF_COOKIE_SLICE_SHIFT);
}

/* OpenFlow group ids are XenFlow's from XF_GROUP_ID_MIN to XF_GROUP_ID_MAX
 * ("XF" in the top 16 bits, far above the small numbers operators usually
 * pick): that range identifies them, as the cookie identifies flows. */
#define XF_GROUP_ID_MIN (XF_COOKIE_MAGIC << 16 | 1)
#define XF_GROUP_ID_MAX (XF_COOKIE_MAGIC << 16 | 0xffff)

static inline bool
xf_group_id_is_ours(uint32_t group_id)
{
    return group_id >> 16 == XF_COOKIE_MAGIC && group_id & 0xffff;
}

#endif /* xenflow/cookie.h */
