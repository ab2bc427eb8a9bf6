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

#include "xenflow/punt.h"

#include "byte-order.h"
#include "coverage.h"
#include "dirs.h"
#include "openflow/nicira-ext.h"
#include "openvswitch/hmap.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-packet.h"
#include "openvswitch/ofp-print.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofp-switch.h"
#include "openvswitch/ofp-util.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/rconn.h"
#include "openvswitch/vlog.h"
#include "hash.h"
#include "socket-util.h"
#include "sset.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(xenflow_punt);

COVERAGE_DEFINE(xenflow_punt_in);
COVERAGE_DEFINE(xenflow_punt_out);

/* Messages read per connection per main-loop iteration. */
#define MAX_RECV 200

/* One user's channel: its connections, one per bridge, with its controller
 * id. */
struct xf_punt {
    struct hmap conns;          /* Of struct punt_conn, by bridge name. */
    uint16_t controller_id;
    char *name;                 /* For the rconn's name. */
};

struct punt_conn {
    struct hmap_node node;      /* In 'conns', by bridge name. */
    char *bridge;
    struct rconn *rconn;
    unsigned int seqno;         /* rconn's connection we configured. */
    ovs_be32 barrier_xid;       /* Its settings are applied at the reply. */
    bool ready;
};

/* Creates a channel whose connections take 'controller_id' ('name' appears
 * in their log messages). */
struct xf_punt *
xf_punt_create(const char *name, uint16_t controller_id)
{
    struct xf_punt *p = xzalloc(sizeof *p);
    hmap_init(&p->conns);
    p->controller_id = controller_id;
    p->name = xstrdup(name);
    return p;
}

static struct punt_conn *
punt_find(const struct xf_punt *p, const char *bridge)
{
    struct punt_conn *c;

    if (!p) {
        return NULL;
    }
    HMAP_FOR_EACH_WITH_HASH (c, node, hash_string(bridge, 0), &p->conns) {
        if (!strcmp(c->bridge, bridge)) {
            return c;
        }
    }
    return NULL;
}

static void
punt_open(struct xf_punt *p, const char *bridge)
{
    struct punt_conn *c = xzalloc(sizeof *c);
    c->bridge = xstrdup(bridge);
    c->rconn = rconn_create(0, 1, DSCP_DEFAULT, OFPUTIL_DEFAULT_VERSIONS);
    char *target = xasprintf("unix:%s/%s.mgmt", ovs_rundir(), bridge);
    char *name = xasprintf("%s:%s", p->name, bridge);
    rconn_connect(c->rconn, target, name);
    free(name);
    free(target);
    c->seqno = rconn_get_connection_seqno(c->rconn);
    hmap_insert(&p->conns, &c->node, hash_string(bridge, 0));
}

static void
punt_close(struct xf_punt *p, struct punt_conn *c)
{
    hmap_remove(&p->conns, &c->node);
    rconn_destroy(c->rconn);
    free(c->bridge);
    free(c);
}

/* Opens a connection for each bridge in 'bridges' without one; closes the
 * others. */
void
xf_punt_set_wanted(struct xf_punt *p, const struct sset *bridges)
{
    struct punt_conn *c;
    const char *name;

    HMAP_FOR_EACH_SAFE (c, node, &p->conns) {
        if (!sset_contains(bridges, c->bridge)) {
            punt_close(p, c);
        }
    }
    SSET_FOR_EACH (name, bridges) {
        if (!punt_find(p, name)) {
            punt_open(p, name);
        }
    }
}

bool
xf_punt_ready(const struct xf_punt *p, const char *bridge)
{
    const struct punt_conn *c = punt_find(p, bridge);
    return c && c->ready;
}

/* A new connection: asynchronous messages on, our controller id, the
 * packet-in format with metadata and registers, then a barrier. */
static void
punt_configure(const struct xf_punt *p, struct punt_conn *c)
{
    enum ofp_version version = rconn_get_version(c->rconn);
    struct ofputil_switch_config config = {
        .frag = OFPUTIL_FRAG_NORMAL,
        .invalid_ttl_to_controller = -1,
        .miss_send_len = UINT16_MAX,
    };

    rconn_send(c->rconn, ofputil_encode_set_config(&config, version), NULL);
    rconn_send(c->rconn, ofputil_encode_set_packet_in_format(
                   version, OFPUTIL_PACKET_IN_NXT2), NULL);

    struct ofpbuf *msg = ofpraw_alloc(OFPRAW_NXT_SET_CONTROLLER_ID, version,
                                      0);
    struct nx_controller_id *cid = ofpbuf_put_zeros(msg, sizeof *cid);
    cid->controller_id = htons(p->controller_id);
    rconn_send(c->rconn, msg, NULL);

    msg = ofputil_encode_barrier_request(version);
    c->barrier_xid = ((struct ofp_header *) msg->data)->xid;
    rconn_send(c->rconn, msg, NULL);
}

static void
punt_handle(struct punt_conn *c, const struct ofpbuf *msg, xf_punt_cb *cb,
            void *aux)
{
    const struct ofp_header *oh = msg->data;
    enum ofptype type;

    if (ofptype_decode(&type, oh)) {
        return;
    }
    if (type == OFPTYPE_BARRIER_REPLY && oh->xid == c->barrier_xid) {
        if (!c->ready) {
            VLOG_INFO("%s: XenFlow's packet-in channel is ready",
                      c->bridge);
        }
        c->ready = true;
    } else if (type == OFPTYPE_PACKET_IN) {
        struct ofputil_packet_in pin;
        size_t total_len;
        uint32_t buffer_id;

        if (!ofputil_decode_packet_in(oh, true, NULL, NULL, &pin,
                                      &total_len, &buffer_id, NULL)
            && pin.packet_len == total_len) {
            COVERAGE_INC(xenflow_punt_in);
            const struct flow *f = &pin.flow_metadata.flow;
            cb(c->bridge, ntohll(f->metadata), f->regs[5],
               f->in_port.ofp_port, pin.packet, pin.packet_len, aux);
        }
    } else if (type == OFPTYPE_ERROR) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
        char *s = ofp_to_string(oh, msg->size, NULL, NULL, 1);
        VLOG_WARN_RL(&rl, "%s: switch refused: %s", c->bridge, s);
        free(s);
    }
}

/* Runs every connection and hands each packet-in to 'cb'. */
void
xf_punt_run(struct xf_punt *p, xf_punt_cb *cb, void *aux)
{
    struct punt_conn *c;

    HMAP_FOR_EACH (c, node, &p->conns) {
        rconn_run(c->rconn);
        unsigned int seqno = rconn_get_connection_seqno(c->rconn);
        if (seqno != c->seqno) {
            c->seqno = seqno;
            c->ready = false;
            if (rconn_is_connected(c->rconn)) {
                punt_configure(p, c);
            }
        }
        for (int i = 0; i < MAX_RECV; i++) {
            struct ofpbuf *msg = rconn_recv(c->rconn);
            if (!msg) {
                break;
            }
            punt_handle(c, msg, cb, aux);
            ofpbuf_delete(msg);
        }
    }
}

void
xf_punt_wait(const struct xf_punt *p)
{
    struct punt_conn *c;

    HMAP_FOR_EACH (c, node, &p->conns) {
        rconn_run_wait(c->rconn);
        rconn_recv_wait(c->rconn);
    }
}

void
xf_punt_destroy(struct xf_punt *p)
{
    if (p) {
        struct punt_conn *c;

        HMAP_FOR_EACH_SAFE (c, node, &p->conns) {
            punt_close(p, c);
        }
        hmap_destroy(&p->conns);
        free(p->name);
        free(p);
    }
}

/* Sends 'data' out of 'port' of 'bridge' ("packet-out in_port=CONTROLLER
 * actions=output:PORT").  Returns false if the channel is not ready. */
bool
xf_punt_output(struct xf_punt *p, const char *bridge, ofp_port_t port,
               const void *data, size_t size)
{
    struct punt_conn *c = punt_find(p, bridge);
    if (!c || !c->ready) {
        return false;
    }

    uint64_t stub[64 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct ofpact_output *output = ofpact_put_OUTPUT(&ofpacts);
    output->port = port;
    output->max_len = 0;

    struct ofputil_packet_out po = {
        .packet = data,
        .packet_len = size,
        .buffer_id = UINT32_MAX,
        .ofpacts = ofpacts.data,
        .ofpacts_len = ofpacts.size,
    };
    match_init_catchall(&po.flow_metadata);
    match_set_in_port(&po.flow_metadata, OFPP_CONTROLLER);
    enum ofputil_protocol protocol = ofputil_protocol_from_ofp_version(
        rconn_get_version(c->rconn));
    rconn_send(c->rconn, ofputil_encode_packet_out(&po, protocol), NULL);
    ofpbuf_uninit(&ofpacts);
    COVERAGE_INC(xenflow_punt_out);
    return true;
}

/* "controller(id=0x5846,max_len=65535)": the action that sends a packet
 * here, whole, to the channel of controller id XF_PUNT_CONTROLLER_ID. */
void
xf_punt_put_action(struct ofpbuf *ofpacts)
{
    xf_punt_put_action_id(ofpacts, XF_PUNT_CONTROLLER_ID);
}

/* "controller(id=ID,max_len=65535)", for the channel of 'controller_id'. */
void
xf_punt_put_action_id(struct ofpbuf *ofpacts, uint16_t controller_id)
{
    struct ofpact_controller *ctl = ofpact_put_CONTROLLER(ofpacts);
    ctl->max_len = UINT16_MAX;
    ctl->controller_id = controller_id;
    ctl->reason = OFPR_ACTION;
    ofpact_finish_CONTROLLER(ofpacts, &ctl);
}
