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

#include "xenflow/pipeline.h"
#include "xenflow/pipeline-build.h"
#include "xenflow/pipeline-vm.h"

#include <string.h>

#include "byte-order.h"
#include "openvswitch/match.h"
#include "openvswitch/meta-flow.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-group.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/ofp-port.h"
#include "flow.h"
#include "packets.h"
#include "util.h"
#include "xenflow/flowsync.h"
#include "xenflow/model.h"

/* Matches the frames of router 'r' ("metadata=ID"). */
static void
match_router(struct match *m, const struct xf_router *r)
{
    match_init_catchall(m);
    match_set_metadata(m, htonll(r->id));
}

/* "load:ID->OXM_OF_METADATA[],load:PORT->NXM_NX_REG5[0..15]": the frame is
 * router 'r''s, for its interface 'iface'. */
static void
put_enter_router(struct ofpbuf *ofpacts, const struct xf_router *r,
                 const struct xf_iface *iface)
{
    xf_put_load(ofpacts, MFF_METADATA, 64,
                &(union mf_value) { .be64 = htonll(r->id) });
    xf_put_load(ofpacts, MFF_REG5, 16, &(union mf_value) {
                    .be32 = htonl(ofp_to_u16(iface->ofport)) });
}

/* Matches, in router 'r''s tables, packets whose destination address is in
 * prefix 'dst'/'plen' ('dst' v4-mapped for IPv4, 'plen' in the family's
 * own bits): "ip,nw_dst=DST/PLEN" or "ipv6,ipv6_dst=DST/PLEN".  With the
 * packet type that ovs-ofctl implies, so that a route flow restored by
 * ovs-save has the same match (route flows do not go through put()). */
static void
match_router_dst(struct match *m, const struct xf_router *r,
                 const struct in6_addr *dst, int plen)
{
    match_router(m, r);
    match_set_default_packet_type(m);
    if (xf_addr_is_ipv4(dst)) {
        match_set_dl_type(m, htons(ETH_TYPE_IP));
        match_set_nw_dst_masked(m, in6_addr_get_mapped_ipv4(dst),
                                be32_prefix_mask(plen));
    } else {
        struct in6_addr mask = ipv6_create_mask(plen);
        match_set_dl_type(m, htons(ETH_TYPE_IPV6));
        match_set_ipv6_dst_masked(m, dst, &mask);
    }
}

/* Router 'r''s slow path, what its control plane handles (table 201), and
 * what it routes and resolves itself (no route in 202, next hop not
 * resolved yet in 203: the resolved neighbour then gets a flow). */
static const struct {
    enum xf_table table;
    enum xf_priority priority;
    uint16_t dl_type;           /* 0: any. */
    int ttl;                    /* -1: any. */
    uint32_t dst;               /* Destination prefix's first 32 bits... */
    int plen;                   /* ...and its length; 0: any. */
} slow_path[] = {
    { XF_TABLE_ROUTER, XF_PRIO_OWN_ADDR, ETH_TYPE_ARP, -1, 0, 0 },
    { XF_TABLE_ROUTER, XF_PRIO_SLOW_PATH, ETH_TYPE_IP, 0, 0, 0 },
    { XF_TABLE_ROUTER, XF_PRIO_SLOW_PATH, ETH_TYPE_IP, 1, 0, 0 },
    { XF_TABLE_ROUTER, XF_PRIO_SLOW_PATH, ETH_TYPE_IP, -1, 0xe0000000, 4 },
    { XF_TABLE_ROUTER, XF_PRIO_SLOW_PATH, ETH_TYPE_IP, -1, 0xffffffff, 32 },
    { XF_TABLE_ROUTER, XF_PRIO_SLOW_PATH, ETH_TYPE_IPV6, 0, 0, 0 },
    { XF_TABLE_ROUTER, XF_PRIO_SLOW_PATH, ETH_TYPE_IPV6, 1, 0, 0 },
    { XF_TABLE_ROUTER, XF_PRIO_SLOW_PATH, ETH_TYPE_IPV6, -1, 0xff000000, 8 },
    { XF_TABLE_ROUTER, XF_PRIO_SLOW_PATH, ETH_TYPE_IPV6, -1, 0xfe800000, 10 },
    { XF_TABLE_ROUTER, XF_PRIO_MISS, 0, -1, 0, 0 },
    { XF_TABLE_ROUTE, XF_PRIO_MISS, 0, -1, 0, 0 },
    { XF_TABLE_NEIGH, XF_PRIO_MISS, 0, -1, 0, 0 },
};

/* Puts 'slow_path' for router 'r': "metadata=ID,MATCH actions=" 'to_vm'
 * (xf_pipeline_to_vm()). */
static void
put_slow_path(const struct xf_router *r, struct xf_flowsync *fs,
              struct ofpbuf *to_vm)
{
    const uint64_t slow = xf_cookie(XF_FLOW_SLOWPATH, r->id);
    struct match m;

    for (size_t i = 0; i < ARRAY_SIZE(slow_path); i++) {
        match_router(&m, r);
        if (slow_path[i].plen) {
            struct in6_addr dst = in6addr_any;
            ovs_be32 first = htonl(slow_path[i].dst);
            if (slow_path[i].dl_type == ETH_TYPE_IP) {
                in6_addr_set_mapped_ipv4(&dst, first);
            } else {
                memcpy(dst.s6_addr, &first, sizeof first);
            }
            match_router_dst(&m, r, &dst, slow_path[i].plen);
        } else if (slow_path[i].dl_type) {
            match_set_dl_type(&m, htons(slow_path[i].dl_type));
        }
        if (slow_path[i].ttl >= 0) {
            match_set_nw_ttl(&m, slow_path[i].ttl);
        }
        xf_pipeline_put(fs, slow, slow_path[i].table, slow_path[i].priority,
                        &m, to_vm);
    }
}

/* The fixed flows of router 'r': its interfaces' ingress and its slow
 * path. */
void
xf_pipeline_router(const struct xf_router *r, struct xf_flowsync *fs)
{
    const uint64_t slow = xf_cookie(XF_FLOW_SLOWPATH, r->id);
    const uint64_t cookie = xf_cookie(XF_FLOW_ROUTER, r->id);
    uint64_t stub[512 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    uint64_t to_vm_stub[64 / 8];
    struct ofpbuf to_vm = OFPBUF_STUB_INITIALIZER(to_vm_stub);
    struct match m;
    bool any = false;

    xf_pipeline_to_vm(r, &to_vm);
    for (size_t i = 0; i < r->n_ifaces; i++) {
        const struct xf_iface *iface = &r->ifaces[i];
        if (iface->ofport == OFPP_NONE) {
            continue;
        }
        any = true;

        /* "learn(...),load:ID->OXM_OF_METADATA[],
         *  load:PORT->NXM_NX_REG5[0..15],goto_table:201". */
        match_init_catchall(&m);
        match_set_reg(&m, XF_REG_NETWORK, iface->network_id);
        match_set_dl_dst(&m, iface->mac);
        ofpbuf_clear(&ofpacts);
        xf_put_learn_source(&ofpacts, XF_PRIO_LEARNED);
        put_enter_router(&ofpacts, r, iface);
        ofpact_put_GOTO_TABLE(&ofpacts)->table_id = XF_TABLE_ROUTER;
        xf_pipeline_put(fs, xf_cookie(XF_FLOW_INGRESS, r->id),
                        XF_TABLE_INGRESS, XF_PRIO_ROUTER_MAC, &m, &ofpacts);

        /* A frame another router of this bridge routed to this one enters
         * it here, so that the switch routes it again instead of handing
         * it to this router's VM (no learning: its in_port is cleared). */
        ofpbuf_clear(&ofpacts);
        put_enter_router(&ofpacts, r, iface);
        xf_put_resubmit(&ofpacts, XF_TABLE_ROUTER);
        xf_pipeline_put(fs, xf_cookie(XF_FLOW_INGRESS, r->id),
                        XF_TABLE_NEXT_ROUTER, XF_PRIO_ROUTER_MAC, &m,
                        &ofpacts);

        for (size_t j = 0; j < iface->n_addrs; j++) {
            const struct in6_addr *addr = &iface->addrs[j].addr;
            match_router_dst(&m, r, addr, xf_addr_is_ipv4(addr) ? 32 : 128);
            xf_pipeline_put(fs, slow, XF_TABLE_ROUTER, XF_PRIO_OWN_ADDR, &m,
                            &to_vm);
        }
    }
    if (any) {
        /* The control plane is the slow path. */
        put_slow_path(r, fs, &to_vm);

        ofpbuf_clear(&ofpacts);
        ofpact_put_GOTO_TABLE(&ofpacts)->table_id = XF_TABLE_ROUTE;
        match_router(&m, r);
        match_set_dl_type(&m, htons(ETH_TYPE_IP));
        xf_pipeline_put(fs, cookie, XF_TABLE_ROUTER, XF_PRIO_ROUTED, &m,
                        &ofpacts);
        match_set_dl_type(&m, htons(ETH_TYPE_IPV6));
        xf_pipeline_put(fs, cookie, XF_TABLE_ROUTER, XF_PRIO_ROUTED, &m,
                        &ofpacts);
    }
    ofpbuf_uninit(&to_vm);
    ofpbuf_uninit(&ofpacts);
}

static uint16_t
route_priority(const struct xf_route *route)
{
    return XF_PRIO_ROUTE_BASE + route->plen;
}

/* Appends to 'ofpacts' the actions that select next hop 'nh' of a route of
 * address family 'v4': its address into reg0 (IPv4) or xxreg0 (IPv6), its
 * egress interface's number (not its port, which the packet does not leave
 * by: the neighbour flow rewrites it for L2 delivery) into reg1 (IPv4) or
 * reg6 (IPv6).  Returns
 * false if the interface is not one of the router's.  An interface without
 * a port here (its VM not plugged in, or being moved here) still routes: the
 * switch forwards for the router without its VM. */
static bool
put_nexthop_actions(const struct xf_router *r, const struct xf_nexthop *nh,
                    bool v4, struct ofpbuf *ofpacts)
{
    const struct xf_iface *iface = xf_router_find_iface(r, nh->dev);
    if (!iface) {
        return false;
    }

    if (v4 && nh->has_gw) {
        /* "load:GW_ID->NXM_NX_XREG0[]" (OXM_OF_PKT_REG0): the gateway into
         * reg0 and the interface's number into reg1 in one action, 16 bytes
         * less in each of a million route flows than two loads. */
        ovs_be32 gw = in6_addr_get_mapped_ipv4(&nh->gw);
        union mf_value value = {
            .be64 = htonll(((uint64_t) ntohl(gw) << 32) | iface->id),
        };
        xf_put_load(ofpacts, MFF_XREG0, 64, &value);
        return true;
    }

    if (nh->has_gw) {
        /* "load:GW->NXM_NX_XXREG0[]". */
        union mf_value value = { .ipv6 = nh->gw };
        xf_put_load(ofpacts, MFF_XXREG0, 128, &value);
    } else {
        /* Directly connected: the next hop is the destination itself,
         * "move:NXM_OF_IP_DST[]->NXM_NX_REG0[]" (or IPv6's). */
        const struct mf_field *dst = mf_from_id(v4 ? MFF_IPV4_DST
                                                : MFF_IPV6_DST);
        const struct mf_field *nh_reg = mf_from_id(v4 ? MFF_REG0 : MFF_XXREG0);
        struct ofpact_reg_move *move = ofpact_put_REG_MOVE(ofpacts);
        move->src = (struct mf_subfield) { dst, 0, dst->n_bits };
        move->dst = (struct mf_subfield) { nh_reg, 0, nh_reg->n_bits };
    }

    /* "load:ID->NXM_NX_REG1[]" (IPv4) or "load:ID->NXM_NX_REG6[]" (IPv6,
     * whose next hop takes reg0 to reg3). */
    xf_put_load(ofpacts, v4 ? MFF_REG1 : MFF_REG6, 32,
                &(union mf_value) { .be32 = htonl(iface->id) });
    return true;
}

/* Puts the flow for 'route'.  An ECMP route (several next hops) sends its
 * packets to select group 'route->group_id', which the caller put first
 * with xf_pipeline_group_put().  Returns false if the route cannot be
 * installed (an interface is not one of the router's). */
bool
xf_pipeline_route_put(const struct xf_router *r, const struct xf_route *route,
                      struct xf_flowsync *fs)
{
    bool v4 = !route->ipv6;
    uint64_t stub[128 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    bool ok = true;

    if (route->n_nexthops > 1) {
        ofpact_put_GROUP(&ofpacts)->group_id = route->group_id;
    } else if (put_nexthop_actions(r, &route->nexthops[0], v4, &ofpacts)) {
        ofpact_put_GOTO_TABLE(&ofpacts)->table_id = XF_TABLE_NEIGH;
    } else {
        ok = false;
    }
    if (ok) {
        struct xf_prefix prefix = xf_route_prefix(route);
        struct match m;
        match_router_dst(&m, r, &prefix.addr, prefix.plen);
        xf_flowsync_put_match(fs, xf_cookie(XF_FLOW_ROUTE, r->id),
                              XF_TABLE_ROUTE, route_priority(route), &m,
                              ofpacts.data, ofpacts.size);
    }
    ofpbuf_uninit(&ofpacts);
    return ok;
}

/* Puts select group 'group_id' with one bucket per next hop of 'route'
 * ("bucket=bucket_id=I,actions=NEXTHOP,resubmit(,203)").  Returns false if
 * a next hop's interface is unusable. */
bool
xf_pipeline_group_put(const struct xf_router *r, uint32_t group_id,
                      const struct xf_route *route, struct xf_flowsync *fs)
{
    bool v4 = !route->ipv6;
    bool ok = true;

    /* dp_hash: the datapath hashes the 5-tuple (UDP ports included, which
     * the default symmetric L4 hash leaves out), so each flow keeps its
     * next hop and flows spread over the buckets.  Explicit bucket ids:
     * OpenFlow 1.5 group stats need them, and OVS's fallback bucket choice
     * relies on them. */
    struct ofputil_group_mod gm = {
        .command = OFPGC11_ADD_OR_MOD,
        .type = OFPGT11_SELECT,
        .group_id = group_id,
        .command_bucket_id = OFPG15_BUCKET_ALL,
        .props = { .selection_method = "dp_hash" },
    };
    ovs_list_init(&gm.buckets);

    for (size_t i = 0; ok && i < route->n_nexthops; i++) {
        struct ofputil_bucket *bucket = xzalloc(sizeof *bucket);
        struct ofpbuf ofpacts;

        ofpbuf_init(&ofpacts, 128);
        ok = put_nexthop_actions(r, &route->nexthops[i], v4, &ofpacts);
        xf_put_resubmit(&ofpacts, XF_TABLE_NEIGH);
        bucket->weight = 1;
        bucket->watch_port = OFPP_ANY;
        bucket->watch_group = OFPG_ANY;
        bucket->bucket_id = i;
        bucket->ofpacts_len = ofpacts.size;
        bucket->ofpacts = ofpbuf_steal_data(&ofpacts);
        ovs_list_push_back(&gm.buckets, &bucket->list_node);
    }
    if (ok) {
        xf_flowsync_put_group(fs, &gm);
    }
    ofputil_uninit_group_mod(&gm);
    return ok;
}

void
xf_pipeline_group_remove(uint32_t group_id, struct xf_flowsync *fs)
{
    xf_flowsync_remove_group(fs, group_id);
}

void
xf_pipeline_route_remove(const struct xf_router *r,
                         const struct xf_route *route, struct xf_flowsync *fs)
{
    struct xf_prefix prefix = xf_route_prefix(route);
    struct match m;

    match_router_dst(&m, r, &prefix.addr, prefix.plen);
    xf_flowsync_remove_match(fs, XF_TABLE_ROUTE, route_priority(route), &m);
}

/* Matches, in table 203, next hop 'neigh' of router 'r' through 'iface':
 * "metadata=ID,reg1=IFACE,vlan_tci=0x1000/0x1000,ip,reg0=ADDR" or
 * "metadata=ID,reg6=IFACE,vlan_tci=0x1000/0x1000,ipv6,xxreg0=ADDR". */
static void
neigh_match(const struct xf_router *r, const struct xf_neigh *neigh,
            const struct xf_iface *iface, struct match *m)
{
    match_router(m, r);
    if (xf_addr_is_ipv4(&neigh->ip)) {
        match_set_reg(m, 1, iface->id);
        match_set_dl_type(m, htons(ETH_TYPE_IP));
        match_set_reg(m, 0, ntohl(in6_addr_get_mapped_ipv4(&neigh->ip)));
    } else {
        ovs_be128 be;
        memcpy(&be, &neigh->ip, sizeof be);
        match_set_reg(m, 6, iface->id);
        match_set_dl_type(m, htons(ETH_TYPE_IPV6));
        match_set_xxreg(m, 0, ntoh128(be));
    }
}

/* Puts the rewrite flow for 'neigh'.  Returns false if its interface is not
 * one of the router's. */
bool
xf_pipeline_neigh_put(const struct xf_router *r, const struct xf_neigh *neigh,
                      struct xf_flowsync *fs)
{
    const struct xf_iface *iface = xf_router_find_iface(r, neigh->dev);
    if (!iface) {
        return false;
    }

    uint64_t stub[256 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match m;

    /* "mod_dl_src:IFACE,mod_dl_dst:NEIGH,load:NET->NXM_NX_REG7[0..23],
     *  dec_ttl,load:0->NXM_OF_IN_PORT[],resubmit(,206)": the frame is now
     * the egress network's.  in_port is cleared so that a packet may leave
     * by the port it came in (e.g. a trunk carrying both networks). */
    ofpact_put_SET_ETH_SRC(&ofpacts)->mac = iface->mac;
    ofpact_put_SET_ETH_DST(&ofpacts)->mac = neigh->mac;
    xf_pipeline_load_network(&ofpacts, iface->network_id);

    ofpact_put_DEC_TTL(&ofpacts);
    ofpbuf_put_zeros(&ofpacts, sizeof(uint16_t));   /* Controller id 0. */
    struct ofpact_cnt_ids *ids = ofpacts.header;
    ids->n_controllers = 1;
    ofpact_finish_DEC_TTL(&ofpacts, &ids);

    xf_put_load(&ofpacts, MFF_IN_PORT, 16, &(union mf_value) { .be16 = 0 });
    xf_put_resubmit(&ofpacts, XF_TABLE_NEXT_ROUTER);

    neigh_match(r, neigh, iface, &m);
    xf_pipeline_put(fs, xf_cookie(XF_FLOW_NEIGH, r->id), XF_TABLE_NEIGH,
                    XF_PRIO_NEIGH, &m, &ofpacts);
    ofpbuf_uninit(&ofpacts);
    return true;
}

void
xf_pipeline_neigh_remove(const struct xf_router *r,
                         const struct xf_neigh *neigh, struct xf_flowsync *fs)
{
    const struct xf_iface *iface = xf_router_find_iface(r, neigh->dev);
    if (iface) {
        struct match m;
        neigh_match(r, neigh, iface, &m);
        xf_match_set_implied_packet_type(&m);
        xf_flowsync_remove_match(fs, XF_TABLE_NEIGH, XF_PRIO_NEIGH, &m);
    }
}
