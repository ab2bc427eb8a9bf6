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

#include "xenflow/ctlhold.h"

#include <string.h>

#include "flow.h"
#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/list.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "sset.h"
#include "table.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/appctl.h"
#include "xenflow/bridges.h"
#include "xenflow/cookie.h"
#include "xenflow/flowsync.h"
#include "xenflow/hold.h"
#include "xenflow/model.h"
#include "xenflow/punt.h"
#include "xenflow/routers.h"

VLOG_DEFINE_THIS_MODULE(xenflow_ctlhold);

/* After a release, packets that left the switch's flows for the packet-in
 * channel before the flows changed back are passed on to the VM for this
 * long; then the channel closes. */
#define PASS_MS 2000

/* Finished holds kept for xenflow/migrate/show. */
#define MAX_FINISHED 32

/* Largest frame accepted from another node. */
#define MAX_FRAME 65535

enum hold_state {
    HS_ARMED,                   /* Channel opening; frames still go to the
                                 * VM. */
    HS_HOLDING,                 /* Frames for the VM are queued. */
    HS_PASSING,                 /* Released: late frames go to the VM. */
    HS_ENDED,
};

static const char *
state_name(enum hold_state state)
{
    switch (state) {
    case HS_ARMED: return "armed";
    case HS_HOLDING: return "holding";
    case HS_PASSING: return "released";
    case HS_ENDED: return "ended";
    }
    return "?";
}

struct ctlhold {
    struct ovs_list node;       /* In 'holds', newest last. */
    char *router;
    char *bridge;
    bool incoming;              /* Destination (else source). */
    enum hold_state state;
    struct xf_hold_queue backlog;  /* Incoming: what the source held. */
    struct xf_hold_queue queue;    /* Held on this node. */
    struct xf_hold_stats stats;
    long long int pass_until;   /* HS_PASSING: when it ends. */
};

static struct ovs_list holds = OVS_LIST_INITIALIZER(&holds);
static struct xf_punt *punt;    /* Created by the first xf_ctlhold_run(). */
static struct xf_hold_limits limits = { 1000, 1 << 20, 10000 };

/* The unfinished hold of 'router', if any. */
static struct ctlhold *
hold_find(const char *router)
{
    struct ctlhold *h;

    LIST_FOR_EACH (h, node, &holds) {
        if (h->state != HS_ENDED && !strcmp(h->router, router)) {
            return h;
        }
    }
    return NULL;
}

static void
hold_destroy(struct ctlhold *h)
{
    xf_hold_queue_clear(&h->backlog, &h->stats);
    xf_hold_queue_clear(&h->queue, &h->stats);
    ovs_list_remove(&h->node);
    free(h->router);
    free(h->bridge);
    free(h);
}

void
xf_ctlhold_reconfigure(const struct smap *cfg, struct svec *errors)
{
    xf_hold_limits_parse(cfg, &limits, errors);
}

/* Opens the packet-in channel of 'router''s bridge, so that holding can
 * start at once later.  An incoming router holds from now on. */
void
xf_ctlhold_prepare(const char *router, bool incoming)
{
    const struct xf_router *r = xf_router_find(router);
    struct ctlhold *h = hold_find(router);

    if (!r) {
        return;
    }
    if (h) {
        xf_ctlhold_cancel(router);
        h->state = HS_ENDED;
    }
    h = xzalloc(sizeof *h);
    h->router = xstrdup(router);
    h->bridge = xstrdup(r->bridge);
    h->incoming = incoming;
    h->state = incoming ? HS_HOLDING : HS_ARMED;
    xf_hold_queue_init(&h->backlog);
    xf_hold_queue_init(&h->queue);
    ovs_list_push_back(&holds, &h->node);

    size_t n_finished = 0;
    struct ctlhold *old;
    LIST_FOR_EACH_REVERSE_SAFE (old, node, &holds) {
        if (old->state == HS_ENDED && ++n_finished > MAX_FINISHED) {
            hold_destroy(old);
        }
    }
}

/* The source's VM is about to pause: hold its frames from now on. */
void
xf_ctlhold_start(const char *router)
{
    struct ctlhold *h = hold_find(router);
    if (h && h->state == HS_ARMED) {
        h->state = HS_HOLDING;
    }
}

static void deliver_all(struct ctlhold *, struct xf_hold_queue *);

/* The source's mover holds only when the VM pauses (it said so): what was
 * held since the commit goes to the VM, which still runs here, and holding
 * waits for xf_ctlhold_start(). */
void
xf_ctlhold_rearm(const char *router)
{
    struct ctlhold *h = hold_find(router);
    if (h && !h->incoming && h->state == HS_HOLDING) {
        deliver_all(h, &h->queue);
        h->state = HS_ARMED;
    }
}

/* Whether 'router''s control traffic goes to the hold queue now: holding,
 * and its flows and its networks' flood flows in that form are in the
 * switch. */
bool
xf_ctlhold_in_place(const char *router)
{
    const struct ctlhold *h = hold_find(router);
    const struct xf_router *r = xf_router_find(router);

    return (h && r && h->state == HS_HOLDING && r->ctl_hold
            && xf_router_flows_settled(r));
}

/* Hands frame 'f' to its interface of router 'h'; frees it. */
static void
deliver(struct ctlhold *h, struct xf_hold_frame *f, long long int now)
{
    const struct xf_router *r = xf_router_find(h->router);
    ofp_port_t port = OFPP_NONE;

    for (size_t i = 0; r && i < r->n_ifaces; i++) {
        if (eth_addr_equals(r->ifaces[i].mac, f->mac)) {
            port = r->ifaces[i].ofport;
        }
    }
    if (port != OFPP_NONE && r
        && xf_punt_output(punt, r->bridge, port, f->data, f->size)) {
        xf_hold_stats_delivered(&h->stats, f, now);
    } else {
        h->stats.dropped++;
    }
    free(f);
}

static void
deliver_all(struct ctlhold *h, struct xf_hold_queue *q)
{
    long long int now = time_msec();
    struct xf_hold_frame *f;

    while ((f = xf_hold_queue_pop(q))) {
        deliver(h, f, now);
    }
}

static void
pass(struct ctlhold *h)
{
    h->state = HS_PASSING;
    h->pass_until = time_msec() + PASS_MS;
}

/* Delivers what 'router' holds here, the source's backlog first, and stops
 * holding. */
void
xf_ctlhold_release(const char *router)
{
    struct ctlhold *h = hold_find(router);
    if (h) {
        size_t n = h->backlog.n_packets + h->queue.n_packets;
        deliver_all(h, &h->backlog);
        deliver_all(h, &h->queue);
        VLOG_INFO("router %s: %"PRIuSIZE" held control frames released "
                  "(%llu delivered, %llu dropped in all)", router, n,
                  h->stats.delivered, h->stats.dropped);
        pass(h);
    }
}

/* The source's migration ended: the held frames go to the VM here if it
 * runs here ('vm_here'), else they are dropped (counted). */
void
xf_ctlhold_end(const char *router, bool vm_here)
{
    if (vm_here) {
        xf_ctlhold_release(router);
    } else {
        xf_ctlhold_cancel(router);
    }
}

/* Sends what 'router' holds here to the destination over 'rpc', as a
 * "migrate-held" notification. */
void
xf_ctlhold_send(const char *router, struct jsonrpc *rpc)
{
    struct json *params = xf_ctlhold_take(router);
    if (params && rpc) {
        jsonrpc_send(rpc, jsonrpc_create_notify("migrate-held",
                                                json_array_create_1(params)));
    } else {
        json_destroy(params);
    }
}

/* Drops what 'router' holds (counted) and stops holding. */
void
xf_ctlhold_cancel(const char *router)
{
    struct ctlhold *h = hold_find(router);
    if (h) {
        xf_hold_queue_clear(&h->backlog, &h->stats);
        xf_hold_queue_clear(&h->queue, &h->stats);
        pass(h);
    }
}

static void
put_hex(struct ds *s, const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        ds_put_format(s, "%02x", data[i]);
    }
}

/* Takes the frames 'router' holds here for the destination: the params of
 * a "migrate-held" notification, or NULL if there are none. */
struct json *
xf_ctlhold_take(const char *router)
{
    struct ctlhold *h = hold_find(router);
    if (!h || !h->queue.n_packets) {
        return NULL;
    }

    long long int now = time_msec();
    struct json *frames = json_array_create_empty();
    struct xf_hold_frame *f;
    struct ds s = DS_EMPTY_INITIALIZER;
    while ((f = xf_hold_queue_pop(&h->queue))) {
        struct json *frame = json_object_create();
        json_object_put_format(frame, "mac", ETH_ADDR_FMT,
                               ETH_ADDR_ARGS(f->mac));
        json_object_put(frame, "age", json_integer_create(now - f->held_at));
        ds_clear(&s);
        put_hex(&s, f->data, f->size);
        json_object_put_string(frame, "data", ds_cstr(&s));
        json_array_add(frames, frame);
        h->stats.handed_over++;
        free(f);
    }
    ds_destroy(&s);

    struct json *params = json_object_create();
    json_object_put(params, "frames", frames);
    return params;
}

/* Parses one frame of "migrate-held" into 'h''s backlog. */
static char *
receive_frame(struct ctlhold *h, const struct json *frame, long long int now)
{
    if (frame->type != JSON_OBJECT) {
        return xstrdup("not an object");
    }
    const struct json *mac = shash_find_data(json_object(frame), "mac");
    const struct json *age = shash_find_data(json_object(frame), "age");
    const struct json *data = shash_find_data(json_object(frame), "data");
    struct eth_addr ea;
    if (!mac || mac->type != JSON_STRING
        || !eth_addr_from_string(json_string(mac), &ea)) {
        return xstrdup("\"mac\" must be a MAC address");
    } else if (!age || age->type != JSON_INTEGER || json_integer(age) < 0
               || json_integer(age) > 86400000) {
        return xstrdup("\"age\" must be milliseconds from 0 to 86400000");
    } else if (!data || data->type != JSON_STRING) {
        return xstrdup("\"data\" must be a string of hex digits");
    }

    const char *hex = json_string(data);
    size_t len = strlen(hex);
    if (len % 2 || len < 2 * ETH_HEADER_LEN || len > 2 * MAX_FRAME) {
        return xasprintf("\"data\" must be an Ethernet frame of %d to %d "
                         "bytes in hex digits", ETH_HEADER_LEN, MAX_FRAME);
    }
    uint8_t *bytes = xmalloc(len / 2);
    for (size_t i = 0; i < len / 2; i++) {
        bool ok;
        bytes[i] = hexits_value(&hex[2 * i], 2, &ok);
        if (!ok) {
            free(bytes);
            return xstrdup("\"data\" must be a string of hex digits");
        }
    }
    xf_hold_queue_push(&h->backlog, &limits, &h->stats, ea, bytes, len / 2,
                       now - json_integer(age));
    free(bytes);
    return NULL;
}

/* The destination: queues the frames of a "migrate-held" notification's
 * 'params' from the source of 'router' (delivered at once if the router
 * was released already).  Returns NULL, or what was wrong with the frames
 * refused (the others are kept). */
char *
xf_ctlhold_receive(const char *router, const struct json *params)
{
    struct ctlhold *h = hold_find(router);
    const struct json *frames = NULL;

    if (params && params->type == JSON_ARRAY && json_array(params)->n == 1
        && json_array(params)->elems[0]->type == JSON_OBJECT) {
        frames = shash_find_data(json_object(json_array(params)->elems[0]),
                                 "frames");
    }
    if (!frames || frames->type != JSON_ARRAY) {
        return xstrdup("migrate-held: params must be [{\"frames\": [...]}]");
    }
    if (!h) {
        return xasprintf("migrate-held: router %s holds nothing here",
                         router);
    }

    long long int now = time_msec();
    char *error = NULL;
    for (size_t i = 0; i < json_array(frames)->n; i++) {
        char *e = receive_frame(h, json_array(frames)->elems[i], now);
        if (e) {
            h->stats.dropped++;
            if (!error) {
                error = xasprintf("migrate-held: frame %"PRIuSIZE": %s", i,
                                  e);
            }
            free(e);
        }
    }
    if (h->state != HS_HOLDING) {
        deliver_all(h, &h->backlog);
    }
    return error;
}

/* Whether a frame that came in on 'in_port' ('data', 'size') and was
 * flooded or punted to router interface 'iface' is for its VM.  A flood
 * outputs to every port but the input port, and the VM takes only frames
 * to its MAC and to broadcast and multicast addresses: its own floods and
 * unknown unicast to others are not held (they would fill its queue). */
static bool
for_vm(const struct xf_iface *iface, ofp_port_t in_port, const void *data,
       size_t size)
{
    if (in_port == iface->ofport || size < ETH_HEADER_LEN) {
        return false;
    }
    const struct eth_header *eth = data;
    return (eth_addr_is_multicast(eth->eth_dst)
            || eth_addr_equals(eth->eth_dst, iface->mac));
}

/* A packet-in from a flow of 'bridge': held if its router holds, else
 * passed on to its VM (sent before the flows changed). */
static void
punt_cb(const char *bridge, uint64_t metadata, uint32_t reg5,
        ofp_port_t in_port, const void *data, size_t size,
        void *aux OVS_UNUSED)
{
    /* Only a router with a hold punts: look among the holds (a few), not
     * among every router. */
    const struct xf_router *r = NULL;
    struct ctlhold *h = NULL, *candidate;
    LIST_FOR_EACH (candidate, node, &holds) {
        if (candidate->state == HS_ENDED) {
            continue;
        }
        const struct xf_router *cr = xf_router_find(candidate->router);
        if (cr && cr->id == metadata && !strcmp(cr->bridge, bridge)) {
            r = cr;
            h = candidate;
            break;
        }
    }
    if (!h) {
        return;
    }

    ofp_port_t port = u16_to_ofp(reg5);
    const struct xf_iface *iface = NULL;
    for (size_t i = 0; i < r->n_ifaces; i++) {
        if (r->ifaces[i].ofport == port) {
            iface = &r->ifaces[i];
        }
    }
    if (iface && !for_vm(iface, in_port, data, size)) {
        return;
    }
    if (h->state == HS_HOLDING && iface) {
        xf_hold_queue_push(&h->queue, &limits, &h->stats, iface->mac, data,
                           size, time_msec());
        return;
    }

    /* Counted as held too, so that held = delivered + handed over +
     * dropped + queued. */
    h->stats.held++;
    if (iface && xf_punt_output(punt, bridge, port, data, size)) {
        h->stats.delivered++;   /* Late: left the flows before a release. */
    } else {
        h->stats.dropped++;
    }
}

void
xf_ctlhold_run(void)
{
    struct sset bridges = SSET_INITIALIZER(&bridges);
    long long int now = time_msec();
    struct ctlhold *h;

    LIST_FOR_EACH (h, node, &holds) {
        if (h->state == HS_PASSING && now >= h->pass_until) {
            h->state = HS_ENDED;
        }
        if (h->state != HS_ENDED) {
            sset_add(&bridges, h->bridge);
        }
    }
    if (!punt) {
        punt = xf_punt_create("xenflow-punt", XF_PUNT_CONTROLLER_ID);
    }
    xf_punt_set_wanted(punt, &bridges);
    sset_destroy(&bridges);
    xf_punt_run(punt, punt_cb, NULL);

    LIST_FOR_EACH (h, node, &holds) {
        if (h->state == HS_ENDED) {
            continue;
        }
        xf_hold_queue_expire(&h->backlog, &limits, &h->stats, now);
        xf_hold_queue_expire(&h->queue, &limits, &h->stats, now);

        /* The router's slow path goes to the packet-in channel exactly
         * while it holds and the channel is ready. */
        struct xf_router *r = xf_router_find(h->router);
        bool want = h->state == HS_HOLDING && xf_punt_ready(punt, h->bridge);
        if (r && !strcmp(r->bridge, h->bridge) && r->ctl_hold != want) {
            VLOG_INFO("router %s: control traffic %s", r->name,
                      want ? "held from now on" : "goes to the VM again");
            xf_router_set_ctl_hold(r, want);
        }
    }
}

void
xf_ctlhold_wait(void)
{
    const struct ctlhold *h;

    if (punt) {
        xf_punt_wait(punt);
    }
    LIST_FOR_EACH (h, node, &holds) {
        if (h->state == HS_PASSING) {
            poll_timer_wait_until(h->pass_until);
        }
        poll_timer_wait_until(MIN(
                        xf_hold_queue_next_expiry(&h->backlog, &limits),
                        xf_hold_queue_next_expiry(&h->queue, &limits)));
        if (h->state == HS_ARMED || h->state == HS_HOLDING) {
            if (!xf_punt_ready(punt, h->bridge)) {
                poll_timer_wait(100);   /* Channel settings applied. */
            }
        }
    }
}

void
xf_ctlhold_destroy(void)
{
    struct ctlhold *h;

    LIST_FOR_EACH_SAFE (h, node, &holds) {
        hold_destroy(h);
    }
    xf_punt_destroy(punt);
    punt = NULL;
}

/* For xenflow/migrate/show: initializes 't' with a row per hold. */
void
xf_ctlhold_table(struct table *t)
{
    const struct ctlhold *h;

    table_init(t);
    table_add_column(t, "router");
    table_add_column(t, "direction");
    table_add_column(t, "state");
    table_add_column(t, "held");
    table_add_column(t, "delivered");
    table_add_column(t, "handed-over");
    table_add_column(t, "dropped");
    table_add_column(t, "queued");
    table_add_column(t, "longest-ms");
    LIST_FOR_EACH (h, node, &holds) {
        table_add_row(t);
        xf_table_add_text(t, h->router);
        xf_table_add_text(t, h->incoming ? "in" : "out");
        xf_table_add_text(t, state_name(h->state));
        xf_table_add_int(t, h->stats.held);
        xf_table_add_int(t, h->stats.delivered);
        xf_table_add_int(t, h->stats.handed_over);
        xf_table_add_int(t, h->stats.dropped);
        xf_table_add_int(t, h->backlog.n_packets + h->queue.n_packets);
        xf_table_add_int(t, h->stats.longest_ms);
    }
}

/* Appends the held-traffic table as text to 'out'. */
void
xf_ctlhold_show(struct ds *out)
{
    struct table t;

    xf_ctlhold_table(&t);
    ds_put_format(out, "\nControl traffic held (limits: %u frames, %u bytes,"
                  " %u ms per router):\n", limits.max_packets,
                  limits.max_bytes, limits.max_ms);
    xf_appctl_put_table(out, &t, "None.\n");
}
