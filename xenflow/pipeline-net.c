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

#include "xenflow/pipeline-net.h"

#include <string.h>

#include "openvswitch/match.h"
#include "openvswitch/meta-flow.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/ofp-port.h"
#include "flow.h"
#include "packets.h"
#include "util.h"
#include "xenflow/flowsync.h"
#include "xenflow/model.h"
#include "xenflow/pipeline-build.h"
#include "xenflow/pipeline-trunk.h"
#include "xenflow/punt.h"
#include "xenflow/qos.h"

/* Matches frames of network 'id' ("reg7=ID") for destination port 'port'
 * ("reg4=PORT"), in table 205. */
static void
match_net_reg4(struct match *m, uint32_t id, uint32_t port)
{
    match_init_catchall(m);
    match_set_reg(m, XF_REG_NETWORK, id);
    match_set_reg(m, 4, port);
}

/* "resubmit(,204),resubmit(,205)": switches the frame within its network:
 * looks up the learned location, then delivers (or floods). */
static void
put_switch_in_network(struct ofpbuf *ofpacts)
{
    xf_put_resubmit(ofpacts, XF_TABLE_L2);
    xf_put_resubmit(ofpacts, XF_TABLE_EGRESS);
}

/* "output:PORT" for a VM port; for a trunk, its encapsulation of network
 * 'net' first, inside "clone(...)" if 'clone' (a flood goes on to other
 * ports with the frame as it was). */
static void
put_output(struct ofpbuf *ofpacts, const struct xf_port *port, bool trunk,
           const struct xf_network *net, bool clone)
{
    if (trunk) {
        xf_pipeline_trunk_output(port, net->id, clone, ofpacts);
    } else {
        ofpact_put_OUTPUT(ofpacts)->port = port->ofport;
    }
}

/* Appends to 'flood' what a flood does for VM port 'port': "output:PORT",
 * or, while the control traffic of the router behind it is held (its VM
 * paused by a migration), "clone(load:ID->OXM_OF_METADATA[],
 * load:PORT->NXM_NX_REG5[0..15],controller(id=0x5846,max_len=65535))": the
 * frame goes to the router's hold queue, as its slow path does
 * (xf_pipeline_to_vm()), so that broadcasts and multicasts for it (ARP
 * requests for its addresses, neighbour solicitations, routing protocols'
 * hellos) are held too. */
static void
put_flood_vm_port(struct ofpbuf *flood, const struct xf_port *port)
{
    if (!port->hold_router) {
        ofpact_put_OUTPUT(flood)->port = port->ofport;
        return;
    }

    size_t ofs = flood->size;
    ofpact_put_CLONE(flood);
    xf_put_load(flood, MFF_METADATA, 64,
                &(union mf_value) { .be64 = htonll(port->hold_router) });
    xf_put_load(flood, MFF_REG5, 16, &(union mf_value) {
                    .be32 = htonl(ofp_to_u16(port->ofport)) });
    xf_punt_put_action(flood);
    struct ofpact_nest *clone = ofpbuf_at_assert(flood, ofs, sizeof *clone);
    flood->header = clone;
    ofpact_finish_CLONE(flood, &clone);
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
 * through 'port' go to the class's queue.  'trunk' if the port is one. */
static void
put_class_queues(struct xf_flowsync *fs, const struct xf_port *port,
                 const struct xf_network *net, bool trunk,
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

            match_net_reg4(&m, net->id, ofp_to_u16(port->ofport));
            if (match_qos_class(&m, &sels[i].class, v6)) {
                ofpbuf_clear(ofpacts);
                ofpact_put_SET_QUEUE(ofpacts)->queue_id = sels[i].queue_id;
                put_output(ofpacts, port, trunk, net, false);
                xf_pipeline_put(fs, xf_cookie(XF_FLOW_EGRESS, net->id),
                                XF_TABLE_EGRESS, XF_PRIO_CLASS_QUEUE, &m,
                                ofpacts);
            }
        }
    }
}

/* The flow that delivers network 'net''s frames for 'port' (reg4) there:
 * "[set_queue:Q,]output:PORT", encapsulated first to a trunk. */
static void
put_delivery(struct xf_flowsync *fs, const struct xf_port *port,
             const struct xf_network *net, bool trunk)
{
    uint64_t stub[256 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match m;

    match_net_reg4(&m, net->id, ofp_to_u16(port->ofport));
    put_queue_action(port, net, false, &ofpacts);
    put_output(&ofpacts, port, trunk, net, false);
    xf_pipeline_put(fs, xf_cookie(XF_FLOW_EGRESS, net->id), XF_TABLE_EGRESS,
                    XF_PRIO_DELIVERY, &m, &ofpacts);
    put_class_queues(fs, port, net, trunk, &ofpacts);
    ofpbuf_uninit(&ofpacts);
}

/* Table 0's flows for a VM port 'port' of network 'net': untagged frames
 * join the network ("load:ID->NXM_NX_REG7[0..23],goto_table:198"); a frame
 * tagged with the network's id as VLAN (ids up to 4094) joins it too, its
 * tag popped; any other tag is another network's and is dropped. */
static void
put_vm_port_classify(struct xf_flowsync *fs, ofp_port_t port,
                     const struct xf_network *net, struct ofpbuf *ofpacts)
{
    uint64_t cookie = xf_cookie(XF_FLOW_CLASSIFY, net->id);
    struct match m;

    xf_match_in_port(&m, port);
    match_set_dl_tci_masked(&m, htons(0), htons(VLAN_CFI));
    ofpbuf_clear(ofpacts);
    xf_pipeline_load_network(ofpacts, net->id);
    ofpact_put_GOTO_TABLE(ofpacts)->table_id = XF_TABLE_ADMIT;
    xf_pipeline_put(fs, cookie, XF_TABLE_CLASSIFY, XF_PRIO_CLASSIFY_ACCEPT,
                    &m, ofpacts);

    if (net->id <= VLAN_VID_MASK - 1) {
        xf_match_in_port(&m, port);
        match_set_dl_vlan(&m, htons(net->id), 0);
        ofpbuf_clear(ofpacts);
        ofpact_put_STRIP_VLAN(ofpacts);
        xf_pipeline_load_network(ofpacts, net->id);
        ofpact_put_GOTO_TABLE(ofpacts)->table_id = XF_TABLE_ADMIT;
        xf_pipeline_put(fs, cookie, XF_TABLE_CLASSIFY,
                        XF_PRIO_CLASSIFY_ACCEPT, &m, ofpacts);
    }

    xf_match_in_port(&m, port);
    ofpbuf_clear(ofpacts);
    xf_pipeline_put(fs, cookie, XF_TABLE_CLASSIFY, XF_PRIO_CLASSIFY_DROP, &m,
                    ofpacts);
}

/* Network 'net''s flows on bridge 'br': its VM ports' classification, its
 * decapsulation from the trunks, its delivery to each port, and its flood
 * list.  What they read (the network, its VM ports, the bridge's trunks, the
 * queue selections of those ports) is what xenflow/bridges.c compares to
 * tell whether a reconfiguration must put them again. */
static void
put_network(const struct xf_bridge *br, const struct xf_network *net,
            struct xf_flowsync *fs, struct ofpbuf *ofpacts)
{
    uint64_t flood_stub[1024 / 8];
    struct ofpbuf flood = OFPBUF_STUB_INITIALIZER(flood_stub);
    bool queued = false;        /* 'flood' has selected a queue. */
    struct match m;

    xf_pipeline_trunk_decap(br, net, fs);
    for (size_t i = 0; i < net->n_vm_ports; i++) {
        ofp_port_t port = net->vm_ports[i].ofport;
        if (port == OFPP_NONE) {
            continue;
        }
        put_vm_port_classify(fs, port, net, ofpacts);
        put_delivery(fs, &net->vm_ports[i], net, false);
        queued = put_queue_action(&net->vm_ports[i], net, queued, &flood);
        put_flood_vm_port(&flood, &net->vm_ports[i]);
    }
    for (size_t i = 0; i < br->n_trunks; i++) {
        const struct xf_port *trunk = &br->trunks[i];
        if (trunk->ofport == OFPP_NONE
            || !xf_encap_carries(trunk->encap, net->id)) {
            continue;
        }
        put_delivery(fs, trunk, net, true);
        queued = put_queue_action(trunk, net, queued, &flood);
        put_output(&flood, trunk, true, net, true);
    }

    /* Unknown destination, broadcast, multicast: flood within the network
     * only (untagged to VM ports, encapsulated to trunks). */
    match_net_reg4(&m, net->id, 0);
    xf_pipeline_put(fs, xf_cookie(XF_FLOW_EGRESS, net->id), XF_TABLE_EGRESS,
                    XF_PRIO_FLOOD, &m, &flood);
    ofpbuf_uninit(&flood);
}

/* Puts network 'net''s flows on bridge 'br' (owner 'net->id', kinds
 * XF_FLOW_KINDS_NETWORK): when it is new or changed, or after a change to
 * one of its ports' 'hold_router'. */
void
xf_pipeline_network(const struct xf_bridge *br, const struct xf_network *net,
                    struct xf_flowsync *fs)
{
    uint64_t stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);

    put_network(br, net, fs, &ofpacts);
    ofpbuf_uninit(&ofpacts);
}

/* The bridge's own flows (owner 0 and the trunks' owners), not those of
 * each network (xf_pipeline_network()). */
void
xf_pipeline_bridge(const struct xf_bridge *br, struct xf_flowsync *fs)
{
    uint64_t stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match m;

    /* Frames that are not for a router: switched within their network. */
    match_init_catchall(&m);
    xf_put_learn_source(&ofpacts, XF_PRIO_LEARNED);
    put_switch_in_network(&ofpacts);
    xf_pipeline_put(fs, xf_cookie(XF_FLOW_EGRESS, 0), XF_TABLE_INGRESS,
                    XF_PRIO_MISS, &m, &ofpacts);

    /* Routed frames whose next hop is not another router of this bridge:
     * switched within the egress network. */
    ofpbuf_clear(&ofpacts);
    put_switch_in_network(&ofpacts);
    xf_pipeline_put(fs, xf_cookie(XF_FLOW_EGRESS, 0), XF_TABLE_NEXT_ROUTER,
                    XF_PRIO_MISS, &m, &ofpacts);

    xf_pipeline_trunks(br, fs);
    ofpbuf_uninit(&ofpacts);
}
