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

#include "xenflow/probe.h"

#include <string.h>

#include "coverage.h"
#include "hash.h"
#include "openvswitch/hmap.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/vlog.h"
#include "openvswitch/poll-loop.h"
#include "sset.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/probe-frame.h"
#include "xenflow/punt.h"

VLOG_DEFINE_THIS_MODULE(xenflow_probe);

COVERAGE_DEFINE(xenflow_probe_sent);
COVERAGE_DEFINE(xenflow_probe_reply_sent);
COVERAGE_DEFINE(xenflow_probe_rtt);
COVERAGE_DEFINE(xenflow_probe_stale_reply);
COVERAGE_DEFINE(xenflow_probe_malformed);
COVERAGE_DEFINE(xenflow_probe_foreign);
COVERAGE_DEFINE(xenflow_probe_limited);
COVERAGE_DEFINE(xenflow_probe_unknown_port);
COVERAGE_DEFINE(xenflow_probe_neighbor_change);

/* Probe frames taken per trunk per second; the rest are dropped (a trunk
 * normally brings one request and one reply per interval). */
#define RATE_LIMIT 20

/* Requests remembered per trunk, to match replies. */
#define N_SENT 8

struct sent_probe {
    uint32_t seq;
    uint64_t timestamp;
    bool answered;
};

struct probe_trunk {
    struct hmap_node node;      /* In 'trunks', by bridge and port. */
    char *bridge;
    char *port;
    ofp_port_t ofport;
    bool marked;                /* Seen in this xf_probe_trunks_*() pass. */

    uint32_t seq;               /* Of the last request sent. */
    struct sent_probe sent[N_SENT];     /* By seq % N_SENT. */
    long long int next_send;    /* time_msec(). */
    long long int since;        /* Probing since, for "not seen". */
    bool seen;                  /* As last logged. */

    char *peer_node;
    char *peer_port;
    long long int last_seen;    /* time_msec(), or LLONG_MIN. */
    long long int rtt_us[XF_PROBE_N_RTT];
    size_t n_rtt;
    size_t next_rtt;
    long long int last_rtt_us;

    long long int window;       /* Current second, for the rate limit. */
    unsigned int n_window;      /* Frames taken in it. */

    unsigned long long int sent_count, answered, requests;
    unsigned long long int malformed, foreign, limited;
};

static struct hmap trunks = HMAP_INITIALIZER(&trunks);
static struct xf_punt *punt;
static unsigned int interval;   /* ms; 0: off. */
static char *node_name;

static uint32_t
trunk_hash(const char *bridge, const char *port)
{
    return hash_string(port, hash_string(bridge, 0));
}

static struct probe_trunk *
trunk_find(const char *bridge, const char *port)
{
    struct probe_trunk *t;

    HMAP_FOR_EACH_WITH_HASH (t, node, trunk_hash(bridge, port), &trunks) {
        if (!strcmp(t->bridge, bridge) && !strcmp(t->port, port)) {
            return t;
        }
    }
    return NULL;
}

static struct probe_trunk *
trunk_find_ofport(const char *bridge, ofp_port_t ofport)
{
    struct probe_trunk *t;

    HMAP_FOR_EACH (t, node, &trunks) {
        if (t->ofport == ofport && !strcmp(t->bridge, bridge)) {
            return t;
        }
    }
    return NULL;
}

static void
trunk_restart(struct probe_trunk *t, long long int now)
{
    t->next_send = now;
    t->since = now;
    t->seen = false;
}

static void
trunk_destroy(struct probe_trunk *t)
{
    hmap_remove(&trunks, &t->node);
    free(t->bridge);
    free(t->port);
    free(t->peer_node);
    free(t->peer_port);
    free(t);
}

/* Probes every 'interval_ms' (0: none) as node 'node', which must be valid
 * (xf_probe_name_is_valid()) if 'interval_ms' is not 0. */
void
xf_probe_configure(unsigned int interval_ms, const char *node)
{
    if (interval_ms == interval
        && !strcmp(node ? node : "", node_name ? node_name : "")) {
        return;
    }
    if (interval_ms) {
        VLOG_INFO("link probes on trunks every %u ms as node %s",
                  interval_ms, node);
    } else if (interval) {
        VLOG_INFO("link probes on trunks off");
    }
    interval = interval_ms;
    free(node_name);
    node_name = interval_ms ? xstrdup(node) : NULL;

    long long int now = time_msec();
    struct probe_trunk *t;
    HMAP_FOR_EACH (t, node, &trunks) {
        trunk_restart(t, now);
    }
}

void
xf_probe_trunks_begin(void)
{
    struct probe_trunk *t;

    HMAP_FOR_EACH (t, node, &trunks) {
        t->marked = false;
    }
}

/* Probes trunk 'port' of 'bridge' (a name a probe cannot carry, with a
 * space for example, is skipped: its probes are dropped unanswered). */
void
xf_probe_trunks_add(const char *bridge, const char *port, ofp_port_t ofport)
{
    if (!xf_probe_name_is_valid(port)) {
        return;
    }

    struct probe_trunk *t = trunk_find(bridge, port);

    if (!t) {
        t = xzalloc(sizeof *t);
        t->bridge = xstrdup(bridge);
        t->port = xstrdup(port);
        t->last_seen = LLONG_MIN;
        t->last_rtt_us = -1;
        trunk_restart(t, time_msec());
        hmap_insert(&trunks, &t->node, trunk_hash(bridge, port));
    }
    t->ofport = ofport;
    t->marked = true;
}

void
xf_probe_trunks_end(void)
{
    struct probe_trunk *t;

    HMAP_FOR_EACH_SAFE (t, node, &trunks) {
        if (!t->marked) {
            trunk_destroy(t);
        }
    }
}

static void
send_msg(struct probe_trunk *t, const struct xf_probe_msg *msg)
{
    uint8_t frame[XF_PROBE_FRAME_MAX];
    size_t len = xf_probe_encode(msg, frame);

    xf_punt_output(punt, t->bridge, t->ofport, frame, len);
}

static void
fill_msg(const struct probe_trunk *t, enum xf_probe_kind kind,
         struct xf_probe_msg *msg)
{
    memset(msg, 0, sizeof *msg);
    msg->kind = kind;
    msg->ttl = MIN((3ULL * interval + 999) / 1000, UINT16_MAX);
    ovs_strlcpy(msg->node, node_name, sizeof msg->node);
    ovs_strlcpy(msg->port, t->port, sizeof msg->port);
}

static void
send_request(struct probe_trunk *t)
{
    struct xf_probe_msg msg;
    struct sent_probe *sp;

    fill_msg(t, XF_PROBE_REQUEST, &msg);
    msg.seq = ++t->seq;
    msg.timestamp = time_usec();
    sp = &t->sent[msg.seq % N_SENT];
    sp->seq = msg.seq;
    sp->timestamp = msg.timestamp;
    sp->answered = false;
    send_msg(t, &msg);
    t->sent_count++;
    COVERAGE_INC(xenflow_probe_sent);
}

static void
set_neighbor(struct probe_trunk *t, const char *node, const char *port)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

    if (t->peer_node && !strcmp(t->peer_node, node)
        && !strcmp(t->peer_port, port)) {
        return;
    }
    COVERAGE_INC(xenflow_probe_neighbor_change);
    if (t->peer_node) {
        VLOG_INFO_RL(&rl, "bridge %s trunk %s: neighbour is now %s:%s "
                     "(was %s:%s)", t->bridge, t->port, node, port,
                     t->peer_node, t->peer_port);
    } else {
        VLOG_INFO_RL(&rl, "bridge %s trunk %s: neighbour %s:%s", t->bridge,
                     t->port, node, port);
    }
    free(t->peer_node);
    free(t->peer_port);
    t->peer_node = xstrdup(node);
    t->peer_port = xstrdup(port);
}

static void
take_reply(struct probe_trunk *t, const struct xf_probe_msg *msg)
{
    struct sent_probe *sp = &t->sent[msg->seq % N_SENT];
    long long int now_us = time_usec();

    if (sp->seq != msg->seq || sp->timestamp != msg->timestamp
        || sp->answered || !msg->seq || msg->timestamp > now_us) {
        COVERAGE_INC(xenflow_probe_stale_reply);
        return;
    }
    sp->answered = true;
    t->answered++;
    t->last_rtt_us = now_us - msg->timestamp;
    t->rtt_us[t->next_rtt] = t->last_rtt_us;
    t->next_rtt = (t->next_rtt + 1) % XF_PROBE_N_RTT;
    t->n_rtt = MIN(t->n_rtt + 1, XF_PROBE_N_RTT);
    COVERAGE_INC(xenflow_probe_rtt);
}

/* A probe frame that a trunk of 'bridge' received. */
static void
probe_cb(const char *bridge, uint64_t metadata OVS_UNUSED,
         uint32_t reg5 OVS_UNUSED, ofp_port_t in_port, const void *data,
         size_t size, void *aux OVS_UNUSED)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    struct probe_trunk *t = trunk_find_ofport(bridge, in_port);
    long long int now = time_msec();

    if (!t || !interval) {
        COVERAGE_INC(xenflow_probe_unknown_port);
        return;
    }
    if (now / 1000 != t->window) {
        t->window = now / 1000;
        t->n_window = 0;
    }
    if (++t->n_window > RATE_LIMIT) {
        t->limited++;
        COVERAGE_INC(xenflow_probe_limited);
        return;
    }

    struct xf_probe_msg msg;
    const char *why;
    switch (xf_probe_decode(data, size, &msg, &why)) {
    case XF_PROBE_MALFORMED:
        t->malformed++;
        COVERAGE_INC(xenflow_probe_malformed);
        VLOG_WARN_RL(&rl, "bridge %s trunk %s: dropped a malformed probe "
                     "(%"PRIuSIZE" bytes): %s", bridge, t->port, size, why);
        return;
    case XF_PROBE_FOREIGN:
        t->foreign++;
        COVERAGE_INC(xenflow_probe_foreign);
        return;
    case XF_PROBE_OK:
        break;
    }

    set_neighbor(t, msg.node, msg.port);
    t->last_seen = now;
    if (msg.kind == XF_PROBE_REQUEST) {
        struct xf_probe_msg reply;

        t->requests++;
        fill_msg(t, XF_PROBE_REPLY, &reply);
        reply.seq = msg.seq;
        reply.timestamp = msg.timestamp;
        send_msg(t, &reply);
        COVERAGE_INC(xenflow_probe_reply_sent);
    } else {
        take_reply(t, &msg);
    }
}

static bool
trunk_seen(const struct probe_trunk *t, long long int now)
{
    return t->last_seen != LLONG_MIN && now - t->last_seen < 3LL * interval;
}

void
xf_probe_run(void)
{
    if (!interval) {
        xf_punt_destroy(punt);
        punt = NULL;
        return;
    }

    struct sset bridges = SSET_INITIALIZER(&bridges);
    struct probe_trunk *t;
    HMAP_FOR_EACH (t, node, &trunks) {
        sset_add(&bridges, t->bridge);
    }
    if (!punt) {
        punt = xf_punt_create("xenflow-probe", XF_PROBE_CONTROLLER_ID);
    }
    xf_punt_set_wanted(punt, &bridges);
    sset_destroy(&bridges);
    xf_punt_run(punt, probe_cb, NULL);

    long long int now = time_msec();
    HMAP_FOR_EACH (t, node, &trunks) {
        if (t->ofport != OFPP_NONE && now >= t->next_send
            && xf_punt_ready(punt, t->bridge)) {
            send_request(t);
            t->next_send = now + interval;
        }

        bool seen = trunk_seen(t, now);
        if (seen != t->seen) {
            t->seen = seen;
            if (!seen) {
                VLOG_INFO("bridge %s trunk %s: neighbour %s:%s not seen for "
                          "%u ms", t->bridge, t->port, t->peer_node,
                          t->peer_port, 3 * interval);
            }
        }
    }
}

void
xf_probe_wait(void)
{
    if (!interval || !punt) {
        return;
    }

    const struct probe_trunk *t;

    xf_punt_wait(punt);
    HMAP_FOR_EACH (t, node, &trunks) {
        if (t->ofport == OFPP_NONE) {
            continue;
        } else if (!xf_punt_ready(punt, t->bridge)) {
            poll_timer_wait(100);       /* Channel settings applied. */
        } else {
            poll_timer_wait_until(t->next_send);
        }
        if (t->seen) {
            poll_timer_wait_until(t->last_seen + 3LL * interval);
        }
    }
}

void
xf_probe_destroy(void)
{
    struct probe_trunk *t;

    HMAP_FOR_EACH_SAFE (t, node, &trunks) {
        trunk_destroy(t);
    }
    xf_punt_destroy(punt);
    punt = NULL;
    free(node_name);
    node_name = NULL;
    interval = 0;
}

/* Fills 'v' with what trunk 'port' of 'bridge' found; false if XenFlow
 * knows no such trunk. */
bool
xf_probe_get(const char *bridge, const char *port, struct xf_probe_view *v)
{
    const struct probe_trunk *t = trunk_find(bridge, port);
    long long int now = time_msec();

    memset(v, 0, sizeof *v);
    v->last_seen_ms = v->rtt_us = v->rtt_min_us = v->rtt_avg_us = -1;
    if (!t) {
        return false;
    }
    v->enabled = interval != 0;
    v->peer_node = t->peer_node;
    v->peer_port = t->peer_port;
    if (t->last_seen != LLONG_MIN) {
        v->last_seen_ms = now - t->last_seen;
    }
    v->seen = interval && trunk_seen(t, now);
    v->pending = interval && !v->seen && now - t->since < 3LL * interval;
    v->rtt_us = t->last_rtt_us;
    if (t->n_rtt) {
        long long int sum = 0;
        v->rtt_min_us = LLONG_MAX;
        for (size_t i = 0; i < t->n_rtt; i++) {
            v->rtt_min_us = MIN(v->rtt_min_us, t->rtt_us[i]);
            sum += t->rtt_us[i];
        }
        v->rtt_avg_us = sum / t->n_rtt;
    }
    v->sent = t->sent_count;
    v->answered = t->answered;
    v->requests = t->requests;
    v->malformed = t->malformed;
    v->foreign = t->foreign;
    v->limited = t->limited;
    return true;
}

/* "controller(id=0x5847,max_len=65535)": a probe to this module. */
void
xf_probe_put_action(struct ofpbuf *ofpacts)
{
    xf_punt_put_action_id(ofpacts, XF_PROBE_CONTROLLER_ID);
}
