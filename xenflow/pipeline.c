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

#include <stdarg.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/meta-flow.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "openvswitch/ofp-port.h"
#include "flow.h"
#include "packets.h"
#include "util.h"
#include "xenflow/flowsync.h"
#include "xenflow/model.h"
#include "xenflow/qos.h"

VLOG_DEFINE_THIS_MODULE(xenflow_pipeline);

/* Priorities. */
#define PRIO_CLASSIFY_ANNOUNCE 40110  /* Same, from a trusted trunk. */
#define PRIO_CLASSIFY_RESERVED 40100  /* Reserved link-migration ARP. */
#define PRIO_CLASSIFY_ACCEPT 40010
#define PRIO_CLASSIFY_DROP 40000
#define PRIO_ROUTE_BASE 1000          /* + prefix length: longest wins. */

/* The reserved destination MAC of link-migration announcements. */
#define XF_RESERVED_MAC "aa:aa:aa:aa:aa:aa"

/* Hands a frame to the router VM: the interface it arrived for is in reg5. */
#define DELIVER_TO_VM "strip_vlan,output:NXM_NX_REG5[0..15]"

/* Learns where the frame's source MAC lives in its network (VLAN): table
 * 204 gets "VLAN, dl_dst=SRC -> reg4=in_port". */
#define LEARN_SOURCE \
    "learn(table=204,idle_timeout=300,priority=10,cookie=%#"PRIx64"," \
    "NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[]," \
    "load:NXM_OF_IN_PORT[]->NXM_NX_REG4[0..15])"

/* Pins the frame's source MAC (a migrated router's) behind its ingress
 * port, above LEARN_SOURCE's entries. */
#define PIN_SOURCE \
    "learn(table=204,idle_timeout=300,priority=20,cookie=%#"PRIx64"," \
    "NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[]," \
    "load:NXM_OF_IN_PORT[]->NXM_NX_REG4[0..15])"

/* Switches the frame within its network: look up the learned location,
 * then deliver (or flood). */
#define SWITCH_IN_NETWORK "resubmit(,204),resubmit(,205)"

static void put(struct xf_flowsync *, uint64_t cookie, const char *format,
                ...) OVS_PRINTF_FORMAT(3, 4);

static void
put(struct xf_flowsync *fs, uint64_t cookie, const char *format, ...)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    va_list args;

    va_start(args, format);
    ds_put_format_valist(&s, format, args);
    va_end(args);

    char *error = xf_flowsync_put(fs, cookie, ds_cstr(&s));
    if (error) {
        /* Only a bug in this file can get here. */
        VLOG_ERR("internal error: bad flow \"%s\": %s", ds_cstr(&s), error);
        free(error);
    }
    ds_destroy(&s);
}

static bool
port_ok(ofp_port_t port)
{
    return port != OFPP_NONE;
}

/* Appends to 's' the action that selects the queue of network 'net' on port
 * 'port' ("set_queue:N,") and returns true, or, if the port has no queue for
 * it, returns false after appending the action that drops an earlier
 * selection ("pop_queue,") if 'pop'.  Classes of the network's flows get
 * their own flows (put_class_queues()). */
static bool
put_queue_action(const struct xf_port *port, const struct xf_network *net,
                 bool pop, struct ds *s)
{
    size_t n;
    const struct xf_queue_sel *sels = xf_qos_port_queues(port->name, &n);

    for (size_t i = 0; i < n; i++) {
        if (!sels[i].has_class && !strcmp(sels[i].network, net->name)) {
            ds_put_format(s, "set_queue:%"PRIu32",", sels[i].queue_id);
            return true;
        }
    }
    if (pop) {
        ds_put_cstr(s, "pop_queue,");
    }
    return false;
}

/* Intra-network QoS: frames of a class of network 'net''s flows leaving
 * through 'port' go to the class's queue.  'untag' if the port is a VM
 * port. */
static void
put_class_queues(struct xf_flowsync *fs, const struct xf_port *port,
                 const struct xf_network *net, bool untag)
{
    size_t n;
    const struct xf_queue_sel *sels = xf_qos_port_queues(port->name, &n);

    for (size_t i = 0; i < n; i++) {
        if (!sels[i].has_class || strcmp(sels[i].network, net->name)) {
            continue;
        }
        for (int v6 = 0; v6 < 2; v6++) {
            struct ds match = DS_EMPTY_INITIALIZER;
            if (xf_qos_class_format_match(&sels[i].class, v6, &match)) {
                put(fs, xf_cookie(XF_FLOW_EGRESS, net->vlan),
                    "table=205,priority=110,dl_vlan=%"PRIu16",reg4=%"PRIu32
                    ",%s actions=set_queue:%"PRIu32",%soutput:%"PRIu32,
                    net->vlan, ofp_to_u16(port->ofport), ds_cstr(&match),
                    sels[i].queue_id, untag ? "strip_vlan," : "",
                    ofp_to_u16(port->ofport));
            }
            ds_destroy(&match);
        }
    }
}

/* The flow that delivers network 'net''s frames for 'port' (reg4) there. */
static void
put_delivery(struct xf_flowsync *fs, const struct xf_port *port,
             const struct xf_network *net, bool untag)
{
    struct ds actions = DS_EMPTY_INITIALIZER;

    put_queue_action(port, net, false, &actions);
    put(fs, xf_cookie(XF_FLOW_EGRESS, net->vlan),
        "table=205,priority=100,dl_vlan=%"PRIu16",reg4=%"PRIu32
        " actions=%s%soutput:%"PRIu32, net->vlan, ofp_to_u16(port->ofport),
        ds_cstr(&actions), untag ? "strip_vlan," : "",
        ofp_to_u16(port->ofport));
    put_class_queues(fs, port, net, untag);
    ds_destroy(&actions);
}

/* Flows that depend only on the bridge's networks and trunks. */
void
xf_pipeline_bridge(const struct xf_bridge *br, struct xf_flowsync *fs)
{
    const uint64_t learn_cookie = xf_cookie(XF_FLOW_LEARNED, 0);
    const struct xf_network *net;

    /* Link-migration announcements are never forwarded.  From a trusted
     * trunk (another XenFlow node), an announcement first pins the
     * announced router MAC behind that trunk, above what this switch
     * learns from traffic, so that the source's last packets cannot move
     * it back. */
    put(fs, xf_cookie(XF_FLOW_CLASSIFY, XF_OWNER_ANNOUNCE_DROPPED),
        "table=0,priority=%d,dl_dst="XF_RESERVED_MAC" actions=drop",
        PRIO_CLASSIFY_RESERVED);
    for (size_t i = 0; i < br->n_trusted; i++) {
        if (port_ok(br->trusted[i].ofport)) {
            put(fs, xf_cookie(XF_FLOW_CLASSIFY, XF_OWNER_ANNOUNCE_ACCEPTED),
                "table=0,priority=%d,in_port=%"PRIu32",arp,arp_op=2,"
                "dl_dst="XF_RESERVED_MAC" actions="PIN_SOURCE,
                PRIO_CLASSIFY_ANNOUNCE, ofp_to_u16(br->trusted[i].ofport),
                learn_cookie);
        }
    }

    /* Frames that are not for a router: switched within their network. */
    put(fs, xf_cookie(XF_FLOW_EGRESS, 0),
        "table=200,priority=0 actions="LEARN_SOURCE","SWITCH_IN_NETWORK,
        learn_cookie);

    /* Routed frames whose next hop is not another router of this bridge:
     * switched within the egress network. */
    put(fs, xf_cookie(XF_FLOW_EGRESS, 0),
        "table=206,priority=0 actions="SWITCH_IN_NETWORK);

    /* Trunks: anything tagged with a VLAN we do not own is dropped;
     * untagged frames are not ours and keep ordinary switching. */
    for (size_t i = 0; i < br->n_trunks; i++) {
        if (port_ok(br->trunks[i].ofport)) {
            put(fs, xf_cookie(XF_FLOW_CLASSIFY, 0),
                "table=0,priority=%d,in_port=%"PRIu32","
                "vlan_tci=0x1000/0x1000 actions=drop", PRIO_CLASSIFY_DROP,
                ofp_to_u16(br->trunks[i].ofport));
        }
    }

    HMAP_FOR_EACH (net, node, &br->networks) {
        uint64_t cookie = xf_cookie(XF_FLOW_CLASSIFY, net->vlan);
        struct ds flood = DS_EMPTY_INITIALIZER;
        bool queued = false;    /* 'flood' has selected a queue. */

        for (size_t i = 0; i < br->n_trunks; i++) {
            ofp_port_t port = br->trunks[i].ofport;
            if (!port_ok(port)) {
                continue;
            }
            put(fs, cookie, "table=0,priority=%d,in_port=%"PRIu32","
                "dl_vlan=%"PRIu16" actions=goto_table:200",
                PRIO_CLASSIFY_ACCEPT, ofp_to_u16(port), net->vlan);
            put_delivery(fs, &br->trunks[i], net, false);
            queued = put_queue_action(&br->trunks[i], net, queued, &flood);
            ds_put_format(&flood, "output:%"PRIu32",", ofp_to_u16(port));
        }
        ds_put_cstr(&flood, "strip_vlan,");

        for (size_t i = 0; i < net->n_vm_ports; i++) {
            ofp_port_t port = net->vm_ports[i].ofport;
            if (!port_ok(port)) {
                continue;
            }
            /* The VLAN tagger: untagged frames join the network; a frame
             * that already carries the network's tag is accepted as is;
             * any other tag is another network's and is dropped. */
            put(fs, cookie, "table=0,priority=%d,in_port=%"PRIu32","
                "vlan_tci=0x0000/0x1000 actions=mod_vlan_vid:%"PRIu16","
                "goto_table:200", PRIO_CLASSIFY_ACCEPT, ofp_to_u16(port),
                net->vlan);
            put(fs, cookie, "table=0,priority=%d,in_port=%"PRIu32","
                "dl_vlan=%"PRIu16" actions=goto_table:200",
                PRIO_CLASSIFY_ACCEPT, ofp_to_u16(port), net->vlan);
            put(fs, cookie, "table=0,priority=%d,in_port=%"PRIu32
                " actions=drop", PRIO_CLASSIFY_DROP, ofp_to_u16(port));
            put_delivery(fs, &net->vm_ports[i], net, true);
            queued = put_queue_action(&net->vm_ports[i], net, queued,
                                      &flood);
            ds_put_format(&flood, "output:%"PRIu32",", ofp_to_u16(port));
        }

        /* Unknown destination, broadcast, multicast: flood within the
         * network only (tagged to trunks, untagged to VM ports). */
        ds_chomp(&flood, ',');
        put(fs, xf_cookie(XF_FLOW_EGRESS, net->vlan),
            "table=205,priority=50,dl_vlan=%"PRIu16",reg4=0 actions=%s",
            net->vlan, ds_cstr(&flood));
        ds_destroy(&flood);
    }
}

/* The fixed flows of router 'r': its interfaces' ingress and its slow
 * path. */
void
xf_pipeline_router(const struct xf_router *r, struct xf_flowsync *fs)
{
    const uint64_t learn_cookie = xf_cookie(XF_FLOW_LEARNED, 0);
    const uint64_t slow = xf_cookie(XF_FLOW_SLOWPATH, r->id);
    const uint64_t cookie = xf_cookie(XF_FLOW_ROUTER, r->id);
    bool any = false;

    for (size_t i = 0; i < r->n_ifaces; i++) {
        const struct xf_iface *iface = &r->ifaces[i];
        if (!port_ok(iface->ofport)) {
            continue;
        }
        any = true;
        put(fs, xf_cookie(XF_FLOW_INGRESS, r->id),
            "table=200,priority=100,dl_vlan=%"PRIu16",dl_dst="ETH_ADDR_FMT
            " actions="LEARN_SOURCE",load:%"PRIu32"->OXM_OF_METADATA[],"
            "load:%"PRIu32"->NXM_NX_REG5[0..15],goto_table:201",
            iface->vlan, ETH_ADDR_ARGS(iface->mac), learn_cookie, r->id,
            ofp_to_u16(iface->ofport));
        /* A frame another router of this bridge routed to this one enters
         * it here, so that the switch routes it again instead of handing
         * it to this router's VM (no learning: its in_port is cleared). */
        put(fs, xf_cookie(XF_FLOW_INGRESS, r->id),
            "table=206,priority=100,dl_vlan=%"PRIu16",dl_dst="ETH_ADDR_FMT
            " actions=load:%"PRIu32"->OXM_OF_METADATA[],"
            "load:%"PRIu32"->NXM_NX_REG5[0..15],resubmit(,201)",
            iface->vlan, ETH_ADDR_ARGS(iface->mac), r->id,
            ofp_to_u16(iface->ofport));

        for (size_t j = 0; j < iface->n_addrs; j++) {
            struct ds a = DS_EMPTY_INITIALIZER;
            xf_addr_format(&iface->addrs[j].addr, &a);
            bool v4 = xf_addr_is_ipv4(&iface->addrs[j].addr);
            put(fs, slow, "table=201,priority=300,metadata=%"PRIu32",%s=%s"
                " actions="DELIVER_TO_VM, r->id,
                v4 ? "ip,nw_dst" : "ipv6,ipv6_dst", ds_cstr(&a));
            ds_destroy(&a);
        }
    }
    if (!any) {
        return;
    }

    /* The control plane is the slow path. */
    static const char *const to_vm[] = {
        "priority=300,arp",
        "priority=290,ip,nw_ttl=0",
        "priority=290,ip,nw_ttl=1",
        "priority=290,ip,nw_dst=224.0.0.0/4",
        "priority=290,ip,nw_dst=255.255.255.255",
        "priority=290,ipv6,nw_ttl=0",
        "priority=290,ipv6,nw_ttl=1",
        "priority=290,ipv6,ipv6_dst=ff00::/8",
        "priority=290,ipv6,ipv6_dst=fe80::/10",
        "priority=0",
    };
    for (size_t i = 0; i < ARRAY_SIZE(to_vm); i++) {
        put(fs, slow, "table=201,%s,metadata=%"PRIu32" actions="DELIVER_TO_VM,
            to_vm[i], r->id);
    }
    put(fs, cookie, "table=201,priority=100,metadata=%"PRIu32",ip"
        " actions=goto_table:202", r->id);
    put(fs, cookie, "table=201,priority=100,metadata=%"PRIu32",ipv6"
        " actions=goto_table:202", r->id);

    /* No route, or next hop not resolved yet: the VM routes the packet and
     * resolves the neighbour; the resolved neighbour then gets a flow. */
    put(fs, slow, "table=202,priority=0,metadata=%"PRIu32
        " actions="DELIVER_TO_VM, r->id);
    put(fs, slow, "table=203,priority=0,metadata=%"PRIu32
        " actions="DELIVER_TO_VM, r->id);
}

/* Formats 'addr' as a hexadecimal integer for a "load:" action: 32 bits for
 * IPv4, 128 for IPv6. */
static void
format_addr_hex(const struct in6_addr *addr, struct ds *s)
{
    size_t start = xf_addr_is_ipv4(addr) ? 12 : 0;

    ds_put_cstr(s, "0x");
    for (size_t i = start; i < 16; i++) {
        ds_put_format(s, "%02"PRIx8, addr->s6_addr[i]);
    }
}

/* Route flows are the bulk of a full Internet table, so they are built
 * directly as a match and actions instead of text to parse: this is the
 * hot path when a million routes arrive. */
static uint16_t
route_priority(const struct xf_route *route)
{
    return PRIO_ROUTE_BASE + route->prefix.plen;
}

static void
route_match(const struct xf_router *r, const struct xf_route *route,
            struct match *m)
{
    const struct xf_prefix *p = &route->prefix;

    match_init_catchall(m);
    match_set_metadata(m, htonll(r->id));
    if (xf_addr_is_ipv4(&p->addr)) {
        match_set_dl_type(m, htons(ETH_TYPE_IP));
        match_set_nw_dst_masked(m, in6_addr_get_mapped_ipv4(&p->addr),
                                be32_prefix_mask(p->plen));
    } else {
        struct in6_addr mask = ipv6_create_mask(p->plen);
        match_set_dl_type(m, htons(ETH_TYPE_IPV6));
        match_set_ipv6_dst_masked(m, &p->addr, &mask);
    }
}

/* Appends to 'ofpacts' the actions that select next hop 'nh' of a route of
 * address family 'v4': its address into reg0 (IPv4) or xxreg0 (IPv6), its
 * egress interface's number (not its port, which the packet does not leave
 * by: the neighbour flow rewrites it for L2 delivery) into reg6.  Returns
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

    const struct mf_field *nh_reg = mf_from_id(v4 ? MFF_REG0 : MFF_XXREG0);
    if (nh->has_gw) {
        union mf_value value;
        memset(&value, 0, sizeof value);
        if (v4) {
            value.be32 = in6_addr_get_mapped_ipv4(&nh->gw);
        } else {
            value.ipv6 = nh->gw;
        }
        ofpact_put_reg_load(ofpacts, nh_reg, &value, NULL);
    } else {
        /* Directly connected: the next hop is the destination itself. */
        struct ofpact_reg_move *move = ofpact_put_REG_MOVE(ofpacts);
        move->src.field = mf_from_id(v4 ? MFF_IPV4_DST : MFF_IPV6_DST);
        move->src.ofs = 0;
        move->src.n_bits = move->src.field->n_bits;
        move->dst.field = nh_reg;
        move->dst.ofs = 0;
        move->dst.n_bits = nh_reg->n_bits;
    }

    union mf_value port, mask;
    memset(&port, 0, sizeof port);
    memset(&mask, 0, sizeof mask);
    port.be32 = htonl(iface->id);
    mask.be32 = htonl(0xffff);
    ofpact_put_reg_load(ofpacts, mf_from_id(MFF_REG6), &port, &mask);
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
    bool v4 = xf_addr_is_ipv4(&route->prefix.addr);
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
        struct match m;
        route_match(r, route, &m);
        xf_flowsync_put_match(fs, xf_cookie(XF_FLOW_ROUTE, r->id),
                              XF_TABLE_ROUTE, route_priority(route), &m,
                              ofpacts.data, ofpacts.size);
    }
    ofpbuf_uninit(&ofpacts);
    return ok;
}

/* Puts select group 'group_id' with one bucket per next hop of 'route'.
 * Returns false if a next hop's interface is unusable. */
bool
xf_pipeline_group_put(const struct xf_router *r, uint32_t group_id,
                      const struct xf_route *route, struct xf_flowsync *fs)
{
    bool v4 = xf_addr_is_ipv4(&route->prefix.addr);
    struct ds s = DS_EMPTY_INITIALIZER;

    /* dp_hash: the datapath hashes the 5-tuple (UDP ports included, which
     * the default symmetric L4 hash leaves out), so each flow keeps its
     * next hop and flows spread over the buckets.  Explicit bucket ids:
     * OpenFlow 1.5 group stats need them, and OVS's fallback bucket choice
     * relies on them. */
    ds_put_format(&s, "group_id=%"PRIu32",type=select,"
                  "selection_method=dp_hash,selection_method_param=0",
                  group_id);
    for (size_t i = 0; i < route->n_nexthops; i++) {
        uint64_t stub[128 / 8];
        struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
        bool ok = put_nexthop_actions(r, &route->nexthops[i], v4, &ofpacts);
        if (ok) {
            struct ofpact_format_params fp = { .s = &s };
            ds_put_format(&s, ",bucket=bucket_id=%"PRIuSIZE",actions=", i);
            ofpacts_format(ofpacts.data, ofpacts.size, &fp);
            ds_put_cstr(&s, ",resubmit(,203)");
        }
        ofpbuf_uninit(&ofpacts);
        if (!ok) {
            ds_destroy(&s);
            return false;
        }
    }

    char *error = xf_flowsync_put_group(fs, group_id, ds_cstr(&s));
    if (error) {
        VLOG_ERR("internal error: bad group \"%s\": %s", ds_cstr(&s), error);
        free(error);
    }
    ds_destroy(&s);
    return !error;
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
    struct match m;
    route_match(r, route, &m);
    xf_flowsync_remove_match(fs, XF_TABLE_ROUTE, route_priority(route), &m);
}

static void
neigh_match(const struct xf_router *r, const struct xf_neigh *neigh,
            const struct xf_iface *iface, struct ds *s)
{
    bool v4 = xf_addr_is_ipv4(&neigh->ip);

    ds_put_format(s, "table=203,priority=100,metadata=%"PRIu32","
                  "reg6=%"PRIu32",%s=", r->id, iface->id,
                  v4 ? "ip,reg0" : "ipv6,xxreg0");
    format_addr_hex(&neigh->ip, s);
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

    struct ds s = DS_EMPTY_INITIALIZER;
    neigh_match(r, neigh, iface, &s);
    /* in_port is cleared so that a packet may leave by the port it came in
     * (e.g. a trunk carrying both networks). */
    ds_put_format(&s, " actions=mod_dl_src:"ETH_ADDR_FMT","
                  "mod_dl_dst:"ETH_ADDR_FMT",mod_vlan_vid:%"PRIu16","
                  "dec_ttl,load:0->NXM_OF_IN_PORT[],resubmit(,206)",
                  ETH_ADDR_ARGS(iface->mac), ETH_ADDR_ARGS(neigh->mac),
                  iface->vlan);
    put(fs, xf_cookie(XF_FLOW_NEIGH, r->id), "%s", ds_cstr(&s));
    ds_destroy(&s);
    return true;
}

void
xf_pipeline_neigh_remove(const struct xf_router *r,
                         const struct xf_neigh *neigh, struct xf_flowsync *fs)
{
    const struct xf_iface *iface = xf_router_find_iface(r, neigh->dev);
    if (iface) {
        struct ds s = DS_EMPTY_INITIALIZER;
        neigh_match(r, neigh, iface, &s);
        xf_flowsync_remove(fs, ds_cstr(&s));
        ds_destroy(&s);
    }
}
