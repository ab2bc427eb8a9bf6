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
#include "xenflow/qos.h"

/* The reserved destination MAC of link-migration announcements. */
static const struct eth_addr reserved_mac = ETH_ADDR_C(aa,aa,aa,aa,aa,aa);

/* As ovs-ofctl's parser does: a match on a packet field or a protocol
 * ("ip", "arp": an Ethernet type), not only on metadata such as in_port,
 * registers or the metadata field, is a match on Ethernet packets. */
static void
match_set_implied_packet_type(struct match *m)
{
    for (enum mf_field_id id = 0; id < MFF_N_IDS; id++) {
        const struct mf_field *mf = mf_from_id(id);
        if ((mf->prereqs != MFP_NONE || id == MFF_ETH_TYPE)
            && !mf_is_all_wild(mf, &m->wc)) {
            match_set_default_packet_type(m);
            return;
        }
    }
}

/* Puts the flow with match 'm' and actions 'ofpacts'.  Flows are built as a
 * match and ofpacts, as upstream's in-band.c and fail-open.c build theirs,
 * each action as ovs-ofctl's parser builds the one quoted in comments, and
 * completed here as that parser would: the implied packet type, and
 * ofpacts_check(), which also records whether the packet has a VLAN by then.
 * (Route flows, the bulk, skip both: they are put directly, and
 * match_router_dst() sets their packet type.) */
static void
put(struct xf_flowsync *fs, uint64_t cookie, enum xf_table table,
    int priority, struct match *m, struct ofpbuf *ofpacts)
{
    struct ofpact_check_params cp = { .match = m, .max_ports = OFPP_MAX,
                                      .table_id = table, .n_tables = 255 };

    match_set_implied_packet_type(m);
    ovs_assert(!ofpacts_check(ofpacts->data, ofpacts->size, &cp));
    xf_flowsync_put_match(fs, cookie, table, priority, m, ofpacts->data,
                          ofpacts->size);
}

/* Matches frames received on 'port'. */
static void
match_in_port(struct match *m, ofp_port_t port)
{
    match_init_catchall(m);
    match_set_in_port(m, port);
}

/* Matches frames of network 'vlan' ("dl_vlan=VLAN") for destination port
 * 'port' ("reg4=PORT"), in table 205. */
static void
match_vlan_reg4(struct match *m, uint16_t vlan, uint32_t port)
{
    match_init_catchall(m);
    match_set_dl_vlan(m, htons(vlan), 0);
    match_set_reg(m, 4, port);
}

/* Matches the frames of router 'r' ("metadata=ID"). */
static void
match_router(struct match *m, const struct xf_router *r)
{
    match_init_catchall(m);
    match_set_metadata(m, htonll(r->id));
}

/* "load:VALUE->FIELD[0..N_BITS-1]", 'value' being a number of the field's
 * size.  (ofpact_put_reg_load() with a value leaves padding uninitialized,
 * which would make equal actions compare different.) */
static void
put_load(struct ofpbuf *ofpacts, enum mf_field_id id, unsigned int n_bits,
         const union mf_value *value)
{
    const struct mf_field *field = mf_from_id(id);
    struct ofpact_set_field *sf = ofpact_put_reg_load(ofpacts, field,
                                                      NULL, NULL);

    bitwise_copy(value, field->n_bytes, 0, sf->value, field->n_bytes, 0,
                 n_bits);
    bitwise_one(ofpact_set_field_mask(sf), field->n_bytes, 0, n_bits);
}

/* "load:ID->OXM_OF_METADATA[],load:PORT->NXM_NX_REG5[0..15]": the frame is
 * router 'r''s, for its interface 'iface'. */
static void
put_enter_router(struct ofpbuf *ofpacts, const struct xf_router *r,
                 const struct xf_iface *iface)
{
    put_load(ofpacts, MFF_METADATA, 64,
             &(union mf_value) { .be64 = htonll(r->id) });
    put_load(ofpacts, MFF_REG5, 16,
             &(union mf_value) { .be32 = htonl(ofp_to_u16(iface->ofport)) });
}

/* "resubmit(,TABLE)". */
static void
put_resubmit(struct ofpbuf *ofpacts, enum xf_table table)
{
    struct ofpact_resubmit *resubmit = ofpact_put_RESUBMIT(ofpacts);

    resubmit->in_port = OFPP_IN_PORT;
    resubmit->table_id = table;
}

/* "resubmit(,204),resubmit(,205)": switches the frame within its network:
 * looks up the learned location, then delivers (or floods). */
static void
put_switch_in_network(struct ofpbuf *ofpacts)
{
    put_resubmit(ofpacts, XF_TABLE_L2);
    put_resubmit(ofpacts, XF_TABLE_EGRESS);
}

static void
put_learn_spec(struct ofpbuf *ofpacts, enum mf_field_id src,
               enum mf_field_id dst, unsigned int n_bits, bool load)
{
    struct ofpact_learn_spec *spec = ofpbuf_put_zeros(ofpacts, sizeof *spec);

    spec->src = (struct mf_subfield) { mf_from_id(src), 0, n_bits };
    spec->dst = (struct mf_subfield) { mf_from_id(dst), 0, n_bits };
    spec->src_type = NX_LEARN_SRC_FIELD;
    spec->dst_type = load ? NX_LEARN_DST_LOAD : NX_LEARN_DST_MATCH;
    spec->n_bits = n_bits;
}

/* Learns where the frame's source MAC lives in its network (VLAN): table
 * 204 gets "VLAN, dl_dst=SRC -> reg4=in_port" at 'priority' (XF_PRIO_PINNED
 * pins a migrated router's MAC, above what traffic teaches):
 *   learn(table=204,idle_timeout=300,priority=P,cookie=C,
 *         NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],
 *         load:NXM_OF_IN_PORT[]->NXM_NX_REG4[0..15]) */
static void
put_learn_source(struct ofpbuf *ofpacts, enum xf_priority priority)
{
    struct ofpact_learn *learn = ofpact_put_LEARN(ofpacts);

    learn->idle_timeout = 300;
    learn->hard_timeout = OFP_FLOW_PERMANENT;
    learn->priority = priority;
    learn->table_id = XF_TABLE_L2;
    learn->cookie = htonll(xf_cookie(XF_FLOW_LEARNED, 0));

    put_learn_spec(ofpacts, MFF_VLAN_TCI, MFF_VLAN_TCI, 12, false);
    put_learn_spec(ofpacts, MFF_ETH_SRC, MFF_ETH_DST, 48, false);
    put_learn_spec(ofpacts, MFF_IN_PORT, MFF_REG4, 16, true);

    learn = ofpacts->header;
    ofpact_finish_LEARN(ofpacts, &learn);
}

/* "[strip_vlan,]output:PORT": 'untag' if 'port' is a VM port. */
static void
put_output(struct ofpbuf *ofpacts, const struct xf_port *port, bool untag)
{
    if (untag) {
        ofpact_put_STRIP_VLAN(ofpacts);
    }
    ofpact_put_OUTPUT(ofpacts)->port = port->ofport;
}

/* Appends "set_queue:N" (the queue of network 'net' on port 'port') and
 * returns true, or, if the port has no queue for it, returns false after
 * appending "pop_queue" (which drops an earlier selection) if 'pop'.
 * Classes of the network's flows get their own flows (put_class_queues()). */
static bool
put_queue_action(const struct xf_port *port, const struct xf_network *net,
                 bool pop, struct ofpbuf *ofpacts)
{
    size_t n;
    const struct xf_queue_sel *sels = xf_qos_port_queues(port->name, &n);

    for (size_t i = 0; i < n; i++) {
        if (!sels[i].has_class && !strcmp(sels[i].network, net->name)) {
            ofpact_put_SET_QUEUE(ofpacts)->queue_id = sels[i].queue_id;
            return true;
        }
    }
    if (pop) {
        ofpact_put_POP_QUEUE(ofpacts);
    }
    return false;
}

/* Adds to 'm' what selects class 'c' of IPv4 or, if 'ipv6', IPv6 packets
 * ("ip[v6],nw_proto=P,ip_dscp=D,tp_src=S,tp_dst=D").  Returns false if the
 * class cannot match that family (icmp is IPv4's, icmp6 IPv6's). */
static bool
match_qos_class(struct match *m, const struct xf_qos_class *c, bool ipv6)
{
    if (c->proto == (ipv6 ? IPPROTO_ICMP : IPPROTO_ICMPV6)) {
        return false;
    }
    match_set_dl_type(m, htons(ipv6 ? ETH_TYPE_IPV6 : ETH_TYPE_IP));
    if (c->proto) {
        match_set_nw_proto(m, c->proto);
    }
    if (c->has_dscp) {
        match_set_nw_dscp(m, c->dscp << 2);
    }
    if (c->tp_src) {
        match_set_tp_src(m, htons(c->tp_src));
    }
    if (c->tp_dst) {
        match_set_tp_dst(m, htons(c->tp_dst));
    }
    return true;
}

/* Intra-network QoS: frames of a class of network 'net''s flows leaving
 * through 'port' go to the class's queue.  'untag' if the port is a VM
 * port. */
static void
put_class_queues(struct xf_flowsync *fs, const struct xf_port *port,
                 const struct xf_network *net, bool untag,
                 struct ofpbuf *ofpacts)
{
    size_t n;
    const struct xf_queue_sel *sels = xf_qos_port_queues(port->name, &n);

    for (size_t i = 0; i < n; i++) {
        if (!sels[i].has_class || strcmp(sels[i].network, net->name)) {
            continue;
        }
        for (int v6 = 0; v6 < 2; v6++) {
            struct match m;

            match_vlan_reg4(&m, net->vlan, ofp_to_u16(port->ofport));
            if (match_qos_class(&m, &sels[i].class, v6)) {
                ofpbuf_clear(ofpacts);
                ofpact_put_SET_QUEUE(ofpacts)->queue_id = sels[i].queue_id;
                put_output(ofpacts, port, untag);
                put(fs, xf_cookie(XF_FLOW_EGRESS, net->vlan), XF_TABLE_EGRESS,
                    XF_PRIO_CLASS_QUEUE, &m, ofpacts);
            }
        }
    }
}

/* The flow that delivers network 'net''s frames for 'port' (reg4) there:
 * "[set_queue:Q,][strip_vlan,]output:PORT". */
static void
put_delivery(struct xf_flowsync *fs, const struct xf_port *port,
             const struct xf_network *net, bool untag)
{
    uint64_t stub[256 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match m;

    match_vlan_reg4(&m, net->vlan, ofp_to_u16(port->ofport));
    put_queue_action(port, net, false, &ofpacts);
    put_output(&ofpacts, port, untag);
    put(fs, xf_cookie(XF_FLOW_EGRESS, net->vlan), XF_TABLE_EGRESS,
        XF_PRIO_DELIVERY, &m, &ofpacts);
    put_class_queues(fs, port, net, untag, &ofpacts);
    ofpbuf_uninit(&ofpacts);
}

/* Table 0: "in_port=PORT,dl_vlan=VLAN actions=goto_table:200", network
 * 'net''s tagged frames from 'port' are accepted as they are. */
static void
put_accept_tagged(struct xf_flowsync *fs, ofp_port_t port,
                  const struct xf_network *net, struct ofpbuf *ofpacts)
{
    struct match m;

    match_in_port(&m, port);
    match_set_dl_vlan(&m, htons(net->vlan), 0);
    ofpbuf_clear(ofpacts);
    ofpact_put_GOTO_TABLE(ofpacts)->table_id = XF_TABLE_INGRESS;
    put(fs, xf_cookie(XF_FLOW_CLASSIFY, net->vlan), XF_TABLE_CLASSIFY,
        XF_PRIO_CLASSIFY_ACCEPT, &m, ofpacts);
}

/* Table 0's flows for a VM port 'port' of network 'net', the VLAN tagger:
 * untagged frames join the network ("mod_vlan_vid:VLAN"); a frame that
 * already carries the network's tag is accepted as is; any other tag is
 * another network's and is dropped. */
static void
put_vm_port_classify(struct xf_flowsync *fs, ofp_port_t port,
                     const struct xf_network *net, struct ofpbuf *ofpacts)
{
    uint64_t cookie = xf_cookie(XF_FLOW_CLASSIFY, net->vlan);
    struct match m;

    match_in_port(&m, port);
    match_set_dl_tci_masked(&m, htons(0), htons(VLAN_CFI));
    ofpbuf_clear(ofpacts);
    struct ofpact_vlan_vid *vid = ofpact_put_SET_VLAN_VID(ofpacts);
    vid->vlan_vid = net->vlan;
    vid->push_vlan_if_needed = true;
    ofpact_put_GOTO_TABLE(ofpacts)->table_id = XF_TABLE_INGRESS;
    put(fs, cookie, XF_TABLE_CLASSIFY, XF_PRIO_CLASSIFY_ACCEPT, &m, ofpacts);

    put_accept_tagged(fs, port, net, ofpacts);

    match_in_port(&m, port);
    ofpbuf_clear(ofpacts);
    put(fs, cookie, XF_TABLE_CLASSIFY, XF_PRIO_CLASSIFY_DROP, &m, ofpacts);
}

/* Flows that depend only on the bridge's networks and trunks. */
void
xf_pipeline_bridge(const struct xf_bridge *br, struct xf_flowsync *fs)
{
    uint64_t stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    const struct xf_network *net;
    struct match m;

    /* Link-migration announcements are never forwarded.  From a trusted
     * trunk (another XenFlow node), an announcement first pins the
     * announced router MAC behind that trunk, above what this switch
     * learns from traffic, so that the source's last packets cannot move
     * it back. */
    match_init_catchall(&m);
    match_set_dl_dst(&m, reserved_mac);
    put(fs, xf_cookie(XF_FLOW_CLASSIFY, XF_OWNER_ANNOUNCE_DROPPED),
        XF_TABLE_CLASSIFY, XF_PRIO_CLASSIFY_RESERVED, &m, &ofpacts);
    for (size_t i = 0; i < br->n_trusted; i++) {
        if (br->trusted[i].ofport != OFPP_NONE) {
            match_in_port(&m, br->trusted[i].ofport);
            match_set_dl_type(&m, htons(ETH_TYPE_ARP));
            match_set_nw_proto(&m, ARP_OP_REPLY);
            match_set_dl_dst(&m, reserved_mac);
            ofpbuf_clear(&ofpacts);
            put_learn_source(&ofpacts, XF_PRIO_PINNED);
            put(fs, xf_cookie(XF_FLOW_CLASSIFY, XF_OWNER_ANNOUNCE_ACCEPTED),
                XF_TABLE_CLASSIFY, XF_PRIO_CLASSIFY_ANNOUNCE, &m, &ofpacts);
        }
    }

    /* Frames that are not for a router: switched within their network. */
    match_init_catchall(&m);
    ofpbuf_clear(&ofpacts);
    put_learn_source(&ofpacts, XF_PRIO_LEARNED);
    put_switch_in_network(&ofpacts);
    put(fs, xf_cookie(XF_FLOW_EGRESS, 0), XF_TABLE_INGRESS, XF_PRIO_MISS, &m,
        &ofpacts);

    /* Routed frames whose next hop is not another router of this bridge:
     * switched within the egress network. */
    ofpbuf_clear(&ofpacts);
    put_switch_in_network(&ofpacts);
    put(fs, xf_cookie(XF_FLOW_EGRESS, 0), XF_TABLE_NEXT_ROUTER, XF_PRIO_MISS,
        &m, &ofpacts);

    /* Trunks: anything tagged with a VLAN we do not own is dropped;
     * untagged frames are not ours and keep ordinary switching. */
    for (size_t i = 0; i < br->n_trunks; i++) {
        if (br->trunks[i].ofport != OFPP_NONE) {
            match_in_port(&m, br->trunks[i].ofport);
            match_set_dl_tci_masked(&m, htons(VLAN_CFI), htons(VLAN_CFI));
            ofpbuf_clear(&ofpacts);
            put(fs, xf_cookie(XF_FLOW_CLASSIFY, 0), XF_TABLE_CLASSIFY,
                XF_PRIO_CLASSIFY_DROP, &m, &ofpacts);
        }
    }

    HMAP_FOR_EACH (net, node, &br->networks) {
        uint64_t flood_stub[1024 / 8];
        struct ofpbuf flood = OFPBUF_STUB_INITIALIZER(flood_stub);
        bool queued = false;    /* 'flood' has selected a queue. */

        for (size_t i = 0; i < br->n_trunks; i++) {
            ofp_port_t port = br->trunks[i].ofport;
            if (port == OFPP_NONE) {
                continue;
            }
            put_accept_tagged(fs, port, net, &ofpacts);
            put_delivery(fs, &br->trunks[i], net, false);
            queued = put_queue_action(&br->trunks[i], net, queued, &flood);
            ofpact_put_OUTPUT(&flood)->port = port;
        }
        ofpact_put_STRIP_VLAN(&flood);

        for (size_t i = 0; i < net->n_vm_ports; i++) {
            ofp_port_t port = net->vm_ports[i].ofport;
            if (port == OFPP_NONE) {
                continue;
            }
            put_vm_port_classify(fs, port, net, &ofpacts);
            put_delivery(fs, &net->vm_ports[i], net, true);
            queued = put_queue_action(&net->vm_ports[i], net, queued,
                                      &flood);
            ofpact_put_OUTPUT(&flood)->port = port;
        }

        /* Unknown destination, broadcast, multicast: flood within the
         * network only (tagged to trunks, untagged to VM ports). */
        match_vlan_reg4(&m, net->vlan, 0);
        put(fs, xf_cookie(XF_FLOW_EGRESS, net->vlan), XF_TABLE_EGRESS,
            XF_PRIO_FLOOD, &m, &flood);
        ofpbuf_uninit(&flood);
    }
    ofpbuf_uninit(&ofpacts);
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
        match_set_vlan_vid_masked(&m, htons(VLAN_CFI), htons(VLAN_CFI));
        match_set_default_packet_type(&m);
        put(fs, slow, slow_path[i].table, slow_path[i].priority, &m, to_vm);
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
        match_set_dl_vlan(&m, htons(iface->vlan), 0);
        match_set_dl_dst(&m, iface->mac);
        ofpbuf_clear(&ofpacts);
        put_learn_source(&ofpacts, XF_PRIO_LEARNED);
        put_enter_router(&ofpacts, r, iface);
        ofpact_put_GOTO_TABLE(&ofpacts)->table_id = XF_TABLE_ROUTER;
        put(fs, xf_cookie(XF_FLOW_INGRESS, r->id), XF_TABLE_INGRESS,
            XF_PRIO_ROUTER_MAC, &m, &ofpacts);

        /* A frame another router of this bridge routed to this one enters
         * it here, so that the switch routes it again instead of handing
         * it to this router's VM (no learning: its in_port is cleared). */
        ofpbuf_clear(&ofpacts);
        put_enter_router(&ofpacts, r, iface);
        put_resubmit(&ofpacts, XF_TABLE_ROUTER);
        put(fs, xf_cookie(XF_FLOW_INGRESS, r->id), XF_TABLE_NEXT_ROUTER,
            XF_PRIO_ROUTER_MAC, &m, &ofpacts);

        for (size_t j = 0; j < iface->n_addrs; j++) {
            const struct in6_addr *addr = &iface->addrs[j].addr;
            match_router_dst(&m, r, addr, xf_addr_is_ipv4(addr) ? 32 : 128);
            match_set_vlan_vid_masked(&m, htons(VLAN_CFI), htons(VLAN_CFI));
            put(fs, slow, XF_TABLE_ROUTER, XF_PRIO_OWN_ADDR, &m, &to_vm);
        }
    }
    if (any) {
        /* The control plane is the slow path. */
        put_slow_path(r, fs, &to_vm);

        ofpbuf_clear(&ofpacts);
        ofpact_put_GOTO_TABLE(&ofpacts)->table_id = XF_TABLE_ROUTE;
        match_router(&m, r);
        match_set_dl_type(&m, htons(ETH_TYPE_IP));
        put(fs, cookie, XF_TABLE_ROUTER, XF_PRIO_ROUTED, &m, &ofpacts);
        match_set_dl_type(&m, htons(ETH_TYPE_IPV6));
        put(fs, cookie, XF_TABLE_ROUTER, XF_PRIO_ROUTED, &m, &ofpacts);
    }
    ofpbuf_uninit(&to_vm);
    ofpbuf_uninit(&ofpacts);
}

static uint16_t
route_priority(const struct xf_route *route)
{
    return XF_PRIO_ROUTE_BASE + route->prefix.plen;
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

    if (nh->has_gw) {
        /* "load:GW->NXM_NX_REG0[]" or "load:GW->NXM_NX_XXREG0[]". */
        union mf_value value;   /* put_load() reads the field's size. */
        if (v4) {
            value.be32 = in6_addr_get_mapped_ipv4(&nh->gw);
        } else {
            value.ipv6 = nh->gw;
        }
        put_load(ofpacts, v4 ? MFF_REG0 : MFF_XXREG0, v4 ? 32 : 128, &value);
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

    /* "load:ID->NXM_NX_REG6[0..15]". */
    put_load(ofpacts, MFF_REG6, 16,
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
        match_router_dst(&m, r, &route->prefix.addr, route->prefix.plen);
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
    bool v4 = xf_addr_is_ipv4(&route->prefix.addr);
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
        put_resubmit(&ofpacts, XF_TABLE_NEIGH);
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
    struct match m;

    match_router_dst(&m, r, &route->prefix.addr, route->prefix.plen);
    xf_flowsync_remove_match(fs, XF_TABLE_ROUTE, route_priority(route), &m);
}

/* Matches, in table 203, next hop 'neigh' of router 'r' through 'iface':
 * "metadata=ID,reg6=IFACE,vlan_tci=0x1000/0x1000,ip,reg0=ADDR" or
 * "...,ipv6,xxreg0=ADDR". */
static void
neigh_match(const struct xf_router *r, const struct xf_neigh *neigh,
            const struct xf_iface *iface, struct match *m)
{
    match_router(m, r);
    match_set_reg(m, 6, iface->id);
    /* Always true here (table 0 tagged the frame), and it makes the
     * OpenFlow 1.1+ encoding of "mod_vlan_vid" a plain set_field: without
     * it, ovs-save would save "push_vlan,set_field" and the restored flow
     * would tag the frame twice. */
    match_set_vlan_vid_masked(m, htons(VLAN_CFI), htons(VLAN_CFI));
    if (xf_addr_is_ipv4(&neigh->ip)) {
        match_set_dl_type(m, htons(ETH_TYPE_IP));
        match_set_reg(m, 0, ntohl(in6_addr_get_mapped_ipv4(&neigh->ip)));
    } else {
        ovs_be128 be;
        memcpy(&be, &neigh->ip, sizeof be);
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

    /* "mod_dl_src:IFACE,mod_dl_dst:NEIGH,mod_vlan_vid:VLAN,dec_ttl,
     *  load:0->NXM_OF_IN_PORT[],resubmit(,206)".  in_port is cleared so
     * that a packet may leave by the port it came in (e.g. a trunk carrying
     * both networks). */
    ofpact_put_SET_ETH_SRC(&ofpacts)->mac = iface->mac;
    ofpact_put_SET_ETH_DST(&ofpacts)->mac = neigh->mac;
    struct ofpact_vlan_vid *vid = ofpact_put_SET_VLAN_VID(&ofpacts);
    vid->vlan_vid = iface->vlan;
    vid->push_vlan_if_needed = true;

    ofpact_put_DEC_TTL(&ofpacts);
    ofpbuf_put_zeros(&ofpacts, sizeof(uint16_t));   /* Controller id 0. */
    struct ofpact_cnt_ids *ids = ofpacts.header;
    ids->n_controllers = 1;
    ofpact_finish_DEC_TTL(&ofpacts, &ids);

    put_load(&ofpacts, MFF_IN_PORT, 16, &(union mf_value) { .be16 = 0 });
    put_resubmit(&ofpacts, XF_TABLE_NEXT_ROUTER);

    neigh_match(r, neigh, iface, &m);
    put(fs, xf_cookie(XF_FLOW_NEIGH, r->id), XF_TABLE_NEIGH, XF_PRIO_NEIGH,
        &m, &ofpacts);
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
        match_set_implied_packet_type(&m);
        xf_flowsync_remove_match(fs, XF_TABLE_NEIGH, XF_PRIO_NEIGH, &m);
    }
}
