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

#include "xenflow/pipeline-trunk.h"

#include <string.h>

#include "bitmap.h"
#include "dp-packet.h"
#include "openvswitch/match.h"
#include "openvswitch/meta-flow.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/ofp-port.h"
#include "flow.h"
#include "packets.h"
#include "util.h"
#include "xenflow/encap.h"
#include "xenflow/flowsync.h"
#include "xenflow/model.h"
#include "xenflow/pipeline-build.h"
#include "xenflow/probe.h"

#define ETH_TYPE_LLDP 0x88cc

/* LLDP's nearest-bridge address, which link probes use. */
static const struct eth_addr lldp_mac = ETH_ADDR_C(01,80,c2,00,00,0e);

/* The reserved destination MAC of link-migration announcements. */
static const struct eth_addr reserved_mac = ETH_ADDR_C(aa,aa,aa,aa,aa,aa);

/* The outer Ethernet header of an mpls trunk's frames.  An mpls trunk is a
 * point-to-point link between two XenFlow nodes, which match only its
 * label: the outer addresses are a fixed, locally administered source and
 * the broadcast address, so that any NIC on the link receives them. */
static const struct eth_addr mpls_src = ETH_ADDR_C(02,58,46,00,00,01);
static const struct eth_addr mpls_dst = ETH_ADDR_C(ff,ff,ff,ff,ff,ff);

/* The cookie of trunk 'trunk''s drops of unknown tags and labels, whose
 * packet counts xenflow/show reports. */
uint64_t
xf_pipeline_trunk_unknown_cookie(const struct xf_port *trunk)
{
    return xf_cookie(XF_FLOW_CLASSIFY,
                     XF_OWNER_UNKNOWN_TAG + ofp_to_u16(trunk->ofport));
}

/* "push_vlan:TPID,set_field:VID->vlan_vid" (VID with the CFI bit, as
 * ovs-ofctl writes it: 4096 + VID). */
static void
put_push_vlan(struct ofpbuf *ofpacts, uint16_t tpid, uint16_t vid)
{
    ovs_be16 tci = htons(VLAN_CFI | vid);

    ofpact_put_PUSH_VLAN(ofpacts)->ethertype = htons(tpid);
    ofpact_put_set_field(ofpacts, mf_from_id(MFF_VLAN_VID), &tci, NULL);
}

/* "encap(TYPE)". */
static void
put_encap(struct ofpbuf *ofpacts, uint32_t packet_type)
{
    struct ofpact_encap *encap = ofpact_put_ENCAP(ofpacts);

    encap->new_pkt_type = htonl(packet_type);
    ofpact_finish_ENCAP(ofpacts, &encap);
}

/* Appends to 'ofpacts' trunk 'trunk''s encapsulation of network 'id' (which
 * the trunk must carry) and "output:TRUNK", all inside "clone(...)" if
 * 'clone':
 *
 *   802.1q   push_vlan:0x8100,set_field:4096+ID->vlan_vid
 *   802.1ad  push_vlan:0x8100,set_field:4096+C->vlan_vid,
 *            push_vlan:0x88a8,set_field:4096+S->vlan_vid
 *   mpls     encap(mpls),set_mpls_label:LABEL,encap(ethernet),
 *            mod_dl_src:02:58:46:00:00:01,mod_dl_dst:ff:ff:ff:ff:ff:ff */
void
xf_pipeline_trunk_output(const struct xf_port *trunk, uint32_t id,
                         bool clone, struct ofpbuf *ofpacts)
{
    size_t clone_ofs = ofpacts->size;
    uint16_t s_vid, c_vid;

    if (clone) {
        ofpact_put_CLONE(ofpacts);
    }
    switch (trunk->encap) {
    case XF_ENCAP_8021Q:
        put_push_vlan(ofpacts, ETH_TYPE_VLAN_8021Q, id);
        break;
    case XF_ENCAP_8021AD:
        xf_encap_qinq(id, &s_vid, &c_vid);
        put_push_vlan(ofpacts, ETH_TYPE_VLAN_8021Q, c_vid);
        put_push_vlan(ofpacts, ETH_TYPE_VLAN_8021AD, s_vid);
        break;
    case XF_ENCAP_MPLS:
        put_encap(ofpacts, PT_MPLS);
        ofpact_put_SET_MPLS_LABEL(ofpacts)->label
            = htonl(xf_encap_label(id));
        put_encap(ofpacts, PT_ETH);
        ofpact_put_SET_ETH_SRC(ofpacts)->mac = mpls_src;
        ofpact_put_SET_ETH_DST(ofpacts)->mac = mpls_dst;
        break;
    case XF_N_ENCAPS:
    default:
        OVS_NOT_REACHED();
    }
    ofpact_put_OUTPUT(ofpacts)->port = trunk->ofport;
    if (clone) {
        struct ofpact_nest *nest = ofpbuf_at_assert(ofpacts, clone_ofs,
                                                    sizeof *nest);
        ofpacts->header = nest;
        ofpact_finish_CLONE(ofpacts, &nest);
    }
}

/* Encapsulates 'packet', a frame of network 'id' (which 'trunk' must
 * carry), as 'trunk' carries it: the same as xf_pipeline_trunk_output()'s
 * actions, for frames that XenFlow itself sends (link-migration
 * announcements). */
void
xf_pipeline_trunk_encapsulate(const struct xf_port *trunk, uint32_t id,
                              struct dp_packet *packet)
{
    uint16_t s_vid, c_vid;

    switch (trunk->encap) {
    case XF_ENCAP_8021Q:
        eth_push_vlan(packet, htons(ETH_TYPE_VLAN_8021Q), htons(id));
        break;
    case XF_ENCAP_8021AD:
        xf_encap_qinq(id, &s_vid, &c_vid);
        eth_push_vlan(packet, htons(ETH_TYPE_VLAN_8021Q), htons(c_vid));
        eth_push_vlan(packet, htons(ETH_TYPE_VLAN_8021AD), htons(s_vid));
        break;
    case XF_ENCAP_MPLS:
        add_mpls(packet, htons(ETH_TYPE_MPLS),
                 set_mpls_lse_values(64, 0, 1,
                                     htonl(xf_encap_label(id))), false);
        push_eth(packet, &mpls_dst, &mpls_src);
        break;
    case XF_N_ENCAPS:
    default:
        OVS_NOT_REACHED();
    }
}

/* "load:VALUE->NXM_NX_REGn[0..N_BITS-1]". */
static void
put_load_reg(struct ofpbuf *ofpacts, int reg, unsigned int n_bits,
             uint32_t value)
{
    xf_put_load(ofpacts, MFF_REG0 + reg, n_bits,
                &(union mf_value) { .be32 = htonl(value) });
}

/* Puts a flow that drops what 'm' matches, with 'cookie'. */
static void
put_drop(struct xf_flowsync *fs, uint64_t cookie, enum xf_table table,
         int priority, struct match *m)
{
    struct ofpbuf ofpacts;

    ofpbuf_init(&ofpacts, 0);
    xf_pipeline_put(fs, cookie, table, priority, m, &ofpacts);
    ofpbuf_uninit(&ofpacts);
}

/* Table 198's drop of frames that are still tagged after decapsulation
 * (received on 'port', or from anywhere if OFPP_NONE): a second VLAN
 * header.  (With upstream's vlan-limit=1 a second header is not parsed:
 * such a frame stays in the network of its outer tag, as payload.) */
static void
put_still_tagged(struct xf_flowsync *fs, uint64_t cookie, ofp_port_t port,
                 int priority)
{
    struct match m;

    match_init_catchall(&m);
    if (port != OFPP_NONE) {
        match_set_in_port(&m, port);
    }
    match_set_dl_tci_masked(&m, htons(VLAN_CFI), htons(VLAN_CFI));
    put_drop(fs, cookie, XF_TABLE_ADMIT, priority, &m);
}

/* Table 0's flows for 'trunk': its tagged (802.1q, 802.1ad) or labelled
 * (mpls) frames go to table 196 with reg8 = 1 + its encapsulation
 * ("load:E->NXM_NX_REG8[],goto_table:196"); a tag on an mpls trunk, MPLS
 * on an 802.1q or 802.1ad trunk, and multicast MPLS are dropped as
 * unknown (the far end's encapsulation differs).  Untagged (unlabelled) frames are
 * not XenFlow's and keep ordinary switching.  Then the drops that count
 * its unknown tags and labels in tables 196, 197 and 198. */
static void
put_trunk(struct xf_flowsync *fs, const struct xf_port *trunk)
{
    uint64_t cookie = xf_pipeline_trunk_unknown_cookie(trunk);
    uint64_t stub[64 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match m;

    xf_match_in_port(&m, trunk->ofport);
    match_set_dl_type(&m, htons(ETH_TYPE_MPLS_MCAST));
    put_drop(fs, cookie, XF_TABLE_CLASSIFY, XF_PRIO_CLASSIFY_TRUNK_DROP, &m);
    if (trunk->encap == XF_ENCAP_MPLS) {
        xf_match_in_port(&m, trunk->ofport);
        match_set_dl_tci_masked(&m, htons(VLAN_CFI), htons(VLAN_CFI));
        put_drop(fs, cookie, XF_TABLE_CLASSIFY, XF_PRIO_CLASSIFY_TRUNK_DROP,
                 &m);
        xf_match_in_port(&m, trunk->ofport);
        match_set_dl_type(&m, htons(ETH_TYPE_MPLS));
    } else {
        /* MPLS on a VLAN trunk: the far end is an mpls trunk. */
        xf_match_in_port(&m, trunk->ofport);
        match_set_dl_type(&m, htons(ETH_TYPE_MPLS));
        put_drop(fs, cookie, XF_TABLE_CLASSIFY, XF_PRIO_CLASSIFY_TRUNK_DROP,
                 &m);
        xf_match_in_port(&m, trunk->ofport);
        match_set_dl_tci_masked(&m, htons(VLAN_CFI), htons(VLAN_CFI));
    }
    put_load_reg(&ofpacts, XF_REG_ENCAP, 32, 1 + trunk->encap);
    ofpact_put_GOTO_TABLE(&ofpacts)->table_id = XF_TABLE_TRUNK;
    xf_pipeline_put(fs, xf_cookie(XF_FLOW_CLASSIFY, 0), XF_TABLE_CLASSIFY,
                    XF_PRIO_CLASSIFY_TRUNK, &m, &ofpacts);
    ofpbuf_uninit(&ofpacts);

    xf_match_in_port(&m, trunk->ofport);
    put_drop(fs, cookie, XF_TABLE_TRUNK, XF_PRIO_UNKNOWN, &m);
    if (trunk->encap == XF_ENCAP_8021AD) {
        put_drop(fs, cookie, XF_TABLE_TRUNK_INNER, XF_PRIO_UNKNOWN, &m);
    }
    put_still_tagged(fs, cookie, trunk->ofport, XF_PRIO_STILL_TAGGED);
}

/* Table 196's flow for 802.1ad S-VLAN 's_vid': "reg8=2,dl_vlan=S
 * actions=strip_vlan,load:S->NXM_NX_REG9[0..11],goto_table:197".  One per
 * S-VLAN that some network uses, shared by the networks in it: a flow of
 * the bridge's (owner 0). */
static void
put_svlan(struct xf_flowsync *fs, uint16_t s_vid)
{
    uint64_t stub[64 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match m;

    match_init_catchall(&m);
    match_set_reg(&m, XF_REG_ENCAP, 1 + XF_ENCAP_8021AD);
    match_set_dl_vlan(&m, htons(s_vid), 0);
    ofpact_put_STRIP_VLAN(&ofpacts);
    put_load_reg(&ofpacts, XF_REG_SVLAN, 12, s_vid);
    ofpact_put_GOTO_TABLE(&ofpacts)->table_id = XF_TABLE_TRUNK_INNER;
    xf_pipeline_put(fs, xf_cookie(XF_FLOW_CLASSIFY, 0), XF_TABLE_TRUNK,
                    XF_PRIO_DECAP, &m, &ofpacts);
    ofpbuf_uninit(&ofpacts);
}

/* Table 196's (802.1ad: 197's) flow that takes network 'net''s frames off
 * the trunks of encapsulation 'encap', which must carry it, into the
 * network: a flow of the network's own. */
static void
put_decap(struct xf_flowsync *fs, const struct xf_network *net,
          enum xf_encap encap)
{
    uint64_t cookie = xf_cookie(XF_FLOW_CLASSIFY, net->id);
    uint64_t stub[128 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    enum xf_table table = XF_TABLE_TRUNK;
    uint16_t s_vid, c_vid;
    struct match m;

    match_init_catchall(&m);
    switch (encap) {
    case XF_ENCAP_8021Q:
        /* "reg8=1,dl_vlan=ID actions=strip_vlan,load:ID->reg7,...". */
        match_set_reg(&m, XF_REG_ENCAP, 1 + encap);
        match_set_dl_vlan(&m, htons(net->id), 0);
        ofpact_put_STRIP_VLAN(&ofpacts);
        break;
    case XF_ENCAP_8021AD:
        /* "reg9=S,dl_vlan=C actions=strip_vlan,load:ID->reg7,...", after
         * the S-VLAN's flow in 196 (put_svlan()). */
        xf_encap_qinq(net->id, &s_vid, &c_vid);
        table = XF_TABLE_TRUNK_INNER;
        match_set_reg(&m, XF_REG_SVLAN, s_vid);
        match_set_dl_vlan(&m, htons(c_vid), 0);
        ofpact_put_STRIP_VLAN(&ofpacts);
        break;
    case XF_ENCAP_MPLS:
        /* "reg8=3,mpls,mpls_label=LABEL,mpls_bos=1 actions=decap(),
         *  decap(packet_type(ns=0,type=0)),load:ID->reg7,...": the label
         * alone (a stack of two is unknown), then the frame inside. */
        match_set_reg(&m, XF_REG_ENCAP, 1 + encap);
        match_set_dl_type(&m, htons(ETH_TYPE_MPLS));
        match_set_mpls_label(&m, 0, htonl(xf_encap_label(net->id)));
        match_set_mpls_bos(&m, 0, 1);
        ofpact_put_DECAP(&ofpacts)->new_pkt_type = htonl(PT_USE_NEXT_PROTO);
        ofpact_put_DECAP(&ofpacts)->new_pkt_type = htonl(PT_ETH);
        break;
    case XF_N_ENCAPS:
    default:
        OVS_NOT_REACHED();
    }
    xf_pipeline_load_network(&ofpacts, net->id);
    ofpact_put_GOTO_TABLE(&ofpacts)->table_id = XF_TABLE_ADMIT;
    xf_pipeline_put(fs, cookie, table, XF_PRIO_DECAP, &m, &ofpacts);
    ofpbuf_uninit(&ofpacts);
}

/* Marks in 'used' the encapsulations of 'br''s trunks that are in the
 * datapath. */
static void
encaps_in_use(const struct xf_bridge *br, bool used[XF_N_ENCAPS])
{
    memset(used, 0, XF_N_ENCAPS * sizeof *used);
    for (size_t i = 0; i < br->n_trunks; i++) {
        if (br->trunks[i].ofport != OFPP_NONE) {
            used[br->trunks[i].encap] = true;
        }
    }
}

/* Network 'net''s own trunk flows on bridge 'br': one decapsulation flow
 * per encapsulation that 'br''s trunks use and that carries it. */
void
xf_pipeline_trunk_decap(const struct xf_bridge *br,
                        const struct xf_network *net, struct xf_flowsync *fs)
{
    bool used[XF_N_ENCAPS];

    encaps_in_use(br, used);
    for (int e = 0; e < XF_N_ENCAPS; e++) {
        if (used[e] && xf_encap_carries(e, net->id)) {
            put_decap(fs, net, e);
        }
    }
}

/* Link-migration announcements are never forwarded.  From a trusted trunk
 * (another XenFlow node), an announcement first pins the announced router
 * MAC behind that trunk in its network, above what this switch learns from
 * traffic, so that the source's last packets cannot move it back.  Table 0
 * drops them from VM ports and other ports, table 198 from trunks (after
 * decapsulation: on an mpls trunk the reserved address is inside). */
static void
put_reserved_arp(const struct xf_bridge *br, struct xf_flowsync *fs)
{
    uint64_t dropped = xf_cookie(XF_FLOW_CLASSIFY, XF_OWNER_ANNOUNCE_DROPPED);
    uint64_t stub[256 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match m;

    match_init_catchall(&m);
    match_set_dl_dst(&m, reserved_mac);
    put_drop(fs, dropped, XF_TABLE_CLASSIFY, XF_PRIO_CLASSIFY_RESERVED, &m);
    put_drop(fs, dropped, XF_TABLE_ADMIT, XF_PRIO_CLASSIFY_RESERVED, &m);
    for (size_t i = 0; i < br->n_trusted; i++) {
        if (br->trusted[i].ofport != OFPP_NONE) {
            xf_match_in_port(&m, br->trusted[i].ofport);
            match_set_dl_type(&m, htons(ETH_TYPE_ARP));
            match_set_nw_proto(&m, ARP_OP_REPLY);
            match_set_dl_dst(&m, reserved_mac);
            ofpbuf_clear(&ofpacts);
            xf_put_learn_source(&ofpacts, XF_PRIO_PINNED);
            xf_pipeline_put(fs, xf_cookie(XF_FLOW_CLASSIFY,
                                          XF_OWNER_ANNOUNCE_ACCEPTED),
                            XF_TABLE_ADMIT, XF_PRIO_ANNOUNCE, &m, &ofpacts);
        }
    }
    ofpbuf_uninit(&ofpacts);
}

/* Link probes (xenflow/probe.h): LLDP to the nearest-bridge address,
 * which no bridge forwards (802.1AB).  Table 0 sends a trunk's to XenFlow's
 * probe channel ("in_port=T,dl_dst=01:80:c2:00:00:0e,dl_type=0x88cc
 * actions=controller(id=0x5847)"), above the trunk's own flows, and drops
 * everyone else's: a VM can neither reach the probe code nor pass a probe
 * to another network. */
static void
put_probes(const struct xf_bridge *br, struct xf_flowsync *fs)
{
    uint64_t stub[64 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match m;

    match_init_catchall(&m);
    match_set_dl_dst(&m, lldp_mac);
    match_set_dl_type(&m, htons(ETH_TYPE_LLDP));
    put_drop(fs, xf_cookie(XF_FLOW_CLASSIFY, XF_OWNER_PROBE_DROPPED),
             XF_TABLE_CLASSIFY, XF_PRIO_CLASSIFY_RESERVED, &m);
    xf_probe_put_action(&ofpacts);
    for (size_t i = 0; i < br->n_trunks; i++) {
        if (br->trunks[i].ofport != OFPP_NONE) {
            xf_match_in_port(&m, br->trunks[i].ofport);
            match_set_dl_dst(&m, lldp_mac);
            match_set_dl_type(&m, htons(ETH_TYPE_LLDP));
            xf_pipeline_put(fs, xf_cookie(XF_FLOW_CLASSIFY, XF_OWNER_PROBE),
                            XF_TABLE_CLASSIFY, XF_PRIO_CLASSIFY_PROBE, &m,
                            &ofpacts);
        }
    }
    ofpbuf_uninit(&ofpacts);
}

/* The bridge's own trunk flows: the reserved ARP's, each trunk's, what
 * stays tagged after decapsulation, and one per 802.1ad S-VLAN in use. */
void
xf_pipeline_trunks(const struct xf_bridge *br, struct xf_flowsync *fs)
{
    bool used[XF_N_ENCAPS];
    uint64_t stub[64 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match m;

    put_reserved_arp(br, fs);
    put_probes(br, fs);

    /* Table 198: what VM ports send still tagged after table 0 (a double
     * tag under the network's own) is dropped, and so is MPLS, from VM
     * ports or inside a trunk's frame: a network carries Ethernet frames
     * whose payload is not MPLS (encap(mpls) would push a label that is not
     * the bottom of the stack on such a frame, and the far end would not
     * know it); the rest goes on to 200. */
    put_still_tagged(fs, xf_cookie(XF_FLOW_CLASSIFY, 0), OFPP_NONE,
                     XF_PRIO_STILL_TAGGED_VM);
    for (int mcast = 0; mcast < 2; mcast++) {
        match_init_catchall(&m);
        match_set_dl_type(&m, htons(mcast ? ETH_TYPE_MPLS_MCAST
                                    : ETH_TYPE_MPLS));
        put_drop(fs, xf_cookie(XF_FLOW_CLASSIFY, 0), XF_TABLE_ADMIT,
                 XF_PRIO_STILL_TAGGED_VM, &m);
    }
    match_init_catchall(&m);
    ofpact_put_GOTO_TABLE(&ofpacts)->table_id = XF_TABLE_INGRESS;
    xf_pipeline_put(fs, xf_cookie(XF_FLOW_CLASSIFY, 0), XF_TABLE_ADMIT,
                    XF_PRIO_MISS, &m, &ofpacts);
    ofpbuf_uninit(&ofpacts);

    for (size_t i = 0; i < br->n_trunks; i++) {
        if (br->trunks[i].ofport != OFPP_NONE) {
            put_trunk(fs, &br->trunks[i]);
        }
    }

    /* The S-VLANs that the networks use, if an 802.1ad trunk carries
     * them: a pass over the networks without a flow per network (their
     * own flows are xf_pipeline_trunk_decap()'s). */
    encaps_in_use(br, used);
    if (used[XF_ENCAP_8021AD]) {
        unsigned long *svlans = bitmap_allocate(VLAN_VID_MASK + 1);
        const struct xf_network *net;
        uint16_t s_vid, c_vid;

        HMAP_FOR_EACH (net, node, &br->networks) {
            if (xf_encap_carries(XF_ENCAP_8021AD, net->id)) {
                xf_encap_qinq(net->id, &s_vid, &c_vid);
                bitmap_set1(svlans, s_vid);
            }
        }
        size_t s;
        BITMAP_FOR_EACH_1 (s, VLAN_VID_MASK + 1, svlans) {
            put_svlan(fs, s);
        }
        bitmap_free(svlans);
    }
}
