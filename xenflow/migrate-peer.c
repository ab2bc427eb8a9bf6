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

#include "xenflow/migrate-peer.h"

#include <string.h>

#include "coverage.h"
#include "dp-packet.h"
#include "jsonrpc.h"
#include "netdev.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/list.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "sset.h"
#include "table.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/appctl.h"
#include "xenflow/bridges.h"
#include "xenflow/conf.h"
#include "xenflow/ctlhold.h"
#include "xenflow/flowsync.h"
#include "xenflow/model.h"
#include "xenflow/pipeline-trunk.h"
#include "xenflow/proto.h"
#include "xenflow/rib.h"
#include "xenflow/router.h"
#include "xenflow/router-update.h"
#include "xenflow/routers.h"
#include "xenflow/session.h"

VLOG_DEFINE_THIS_MODULE(xenflow_migrate_peer);

COVERAGE_DEFINE(xenflow_migrate_incoming);
COVERAGE_DEFINE(xenflow_peer_connect);
COVERAGE_DEFINE(xenflow_peer_error);

/* Requests a destination session handles per main-loop iteration. */
#define MAX_PEER_REQUESTS_PER_RUN 2

/* The largest message a node accepts from another.  The source's pre-copy
 * sends 2,000 entries per "update" (a few hundred kB); the limit is the
 * client channel's default, far above that. */
#define PEER_MAX_MESSAGE (16 * 1024 * 1024)

/* How long the destination waits for the router's ports to appear and its
 * flows to be installed before it refuses to announce. */
#define ANNOUNCE_WAIT_MS 30000

/* Finished incoming migrations kept for xenflow/migrate/show. */
#define MAX_ARRIVALS 32

static const struct eth_addr reserved_mac = ETH_ADDR_C(aa,aa,aa,aa,aa,aa);

/* Certificate names of the trusted nodes (other_config:xenflow-peers). */
static struct sset peers = SSET_INITIALIZER(&peers);

enum peer_state {
    P_NEW,                      /* Waiting for "migrate-begin". */
    P_COPYING,                  /* Receiving the router's tables. */
    P_READY,                    /* Copy complete ("migrate-ready"). */
    P_ANNOUNCING,               /* Waiting to announce. */
    P_ARRIVED,                  /* Announced: the router lives here. */
};

/* A session from another node, which the router's copy arrives on. */
struct peer_session {
    struct xf_session up;
    bool authorized;
    enum peer_state state;
    char *peer_version;         /* The source's software, from
                                 * "migrate-begin" ("client"), or NULL. */
    struct json *announce_id;   /* P_ANNOUNCING: the request. */
    long long int announce_deadline;
};

static const struct xf_session_class peer_class;
static struct xf_session_server nodes = XF_SESSION_SERVER_INITIALIZER(
    &nodes, &peer_class, PEER_MAX_MESSAGE);

static struct peer_session *
peer_cast(const struct xf_session *s)
{
    return CONTAINER_OF(s, struct peer_session, up);
}

static const char *
peer_state_name(const struct xf_session *s)
{
    switch (peer_cast(s)->state) {
    case P_NEW: return "new";
    case P_COPYING: return "receiving";
    case P_READY: return "ready";
    case P_ANNOUNCING: return "announcing";
    case P_ARRIVED: return "arrived";
    }
    return "?";
}

/* The node at the other end of 's': its certificate name, else its
 * remote. */
static const char *
peer_node(const struct peer_session *s)
{
    return s->up.peer_id ? s->up.peer_id : s->up.name;
}

/* A finished incoming migration, for xenflow/migrate/show. */
struct arrival {
    struct ovs_list node;       /* In 'arrivals', newest last. */
    unsigned int session_id;
    char *router;
    char *peer;
    bool arrived;               /* Else abandoned. */
    long long int elapsed;
    size_t n_routes, n_neighs;
    unsigned long long n_applied, n_rejected;
    char *result;
};

static struct ovs_list arrivals = OVS_LIST_INITIALIZER(&arrivals);

static bool
port_ok(ofp_port_t port)
{
    return port != OFPP_NONE;
}

void
xf_migrate_peer_reconfigure(const struct sset *listen, struct sset *peers_,
                            struct svec *errors)
{
    sset_swap(&peers, peers_);
    xf_session_server_listen(&nodes, listen, errors);
}

bool
xf_migrate_peer_allowed(const char *cn)
{
    const char *name;

    SSET_FOR_EACH (name, &peers) {
        if (xf_session_identity_matches(cn, name)) {
            return true;
        }
    }
    return false;
}

static struct peer_session *
incoming_session(const char *router)
{
    struct xf_session *s;

    LIST_FOR_EACH (s, node, &nodes.sessions) {
        struct peer_session *ps = peer_cast(s);
        if (s->router && ps->state >= P_COPYING
            && ps->state <= P_ANNOUNCING && !s->closing
            && !strcmp(s->router, router)) {
            return ps;
        }
    }
    return NULL;
}

const char *
xf_migrate_peer_arriving(const char *router)
{
    const struct peer_session *s = incoming_session(router);
    return s ? peer_node(s) : NULL;
}

/* Sessions. */

static struct xf_session *
peer_alloc(void)
{
    struct peer_session *s = xzalloc(sizeof *s);
    s->state = P_NEW;
    return &s->up;
}

static void
peer_dealloc(struct xf_session *s)
{
    free(peer_cast(s));
}

/* Drops the copy of a router whose migration did not complete: its VM is
 * not here. */
static void
peer_abandon(struct peer_session *s, const char *why)
{
    if (s->up.router && s->state >= P_COPYING && s->state <= P_ANNOUNCING) {
        struct xf_router *r = xf_router_find(s->up.router);
        size_t n = r ? xf_router_withdraw_all(r) : 0;
        if (r) {
            xf_router_set_held(r, false);
        }
        xf_ctlhold_cancel(s->up.router);
        VLOG_WARN("incoming migration of router %s from %s abandoned (%s): "
                  "%"PRIuSIZE" copied routes and neighbours withdrawn",
                  s->up.router, peer_node(s), why, n);
        s->state = P_NEW;
    }
}

static void
arrival_destroy(struct arrival *a)
{
    ovs_list_remove(&a->node);
    free(a->router);
    free(a->peer);
    free(a->result);
    free(a);
}

/* Remembers how the migration that 's' carried ended. */
static void
arrival_record(const struct peer_session *s, const char *why)
{
    const struct xf_router *r = xf_router_find(s->up.router);
    struct arrival *a = xzalloc(sizeof *a);

    a->session_id = s->up.id;
    a->router = xstrdup(s->up.router);
    a->peer = xstrdup(peer_node(s));
    a->arrived = s->state == P_ARRIVED;
    a->elapsed = time_msec() - s->up.connected;
    a->n_routes = r ? hmap_count(&r->rib.routes) : 0;
    a->n_neighs = r ? hmap_count(&r->rib.neighs) : 0;
    a->n_applied = s->up.n_applied;
    a->n_rejected = s->up.n_rejected;
    a->result = xstrdup(a->arrived ? "arrived" : why);
    ovs_list_push_back(&arrivals, &a->node);
    if (ovs_list_size(&arrivals) > MAX_ARRIVALS) {
        arrival_destroy(CONTAINER_OF(ovs_list_front(&arrivals),
                                     struct arrival, node));
    }
}

static void
peer_close(struct xf_session *s_, const char *why)
{
    struct peer_session *s = peer_cast(s_);

    if (s_->router) {
        arrival_record(s, s_->last_error ? s_->last_error : why);
    }
    peer_abandon(s, why);
    json_destroy(s->announce_id);
    free(s->peer_version);
}

/* The router that 'hello' (the params of "migrate-begin") names, if it may
 * arrive here now; otherwise NULL, after an error reply. */
static struct xf_router *
begin_router(struct peer_session *s, const struct jsonrpc_msg *req,
             const struct xf_proto_hello *hello)
{
    struct xf_session *up = &s->up;
    struct xf_router *r = xf_router_find(hello->router);

    if (!r) {
        xf_session_send_error(up, req->id, XF_ERR_UNKNOWN_ROUTER, "no "
                              "XenFlow router is named %s here (configure "
                              "its interfaces on this node first)",
                              hello->router);
    } else if (incoming_session(r->name)) {
        xf_session_send_error(up, req->id, XF_ERR_BUSY, "router %s is "
                              "already arriving from %s", r->name,
                              peer_node(incoming_session(r->name)));
        r = NULL;
    } else if (r->held) {
        /* A migration out of this node holds it. */
        xf_session_send_error(up, req->id, XF_ERR_BUSY, "router %s is "
                              "migrating out of this node", r->name);
        r = NULL;
    }
    return r;
}

static void
handle_begin(struct peer_session *s, const struct jsonrpc_msg *req)
{
    struct xf_session *up = &s->up;
    struct xf_proto_hello hello = { .router = NULL };
    struct xf_router *r = NULL;

    if (s->state != P_NEW) {
        xf_session_send_error(up, req->id, XF_ERR_DUPLICATE_BEGIN, "this "
                              "session already carries router %s",
                              up->router);
    } else if (xf_session_parse_hello(up, req, &hello)) {
        r = begin_router(s, req, &hello);
    }
    if (!r) {
        xf_proto_hello_destroy(&hello);
        return;
    }

    free(s->peer_version);
    s->peer_version = nullable_xstrdup(hello.client);
    size_t n_mapped;
    struct json *result = xf_session_accept_hello(
        up, &hello, r->name, xf_router_update_iface_by_mac, r, &n_mapped);
    xf_proto_hello_destroy(&hello);

    /* What the router had here before (an earlier stay) goes unless the
     * copy sets it again. */
    xf_router_begin_sync(r);
    xf_ctlhold_prepare(r->name, true);  /* Its control traffic waits. */
    /* Kept while it arrives: libvirt (or the mover) replaces the ports
     * made ready for it by its own, without XenFlow's keys until the agent
     * sets them, and a router with one interface would otherwise go, with
     * the tables just copied. */
    xf_router_set_held(r, true);
    s->state = P_COPYING;
    COVERAGE_INC(xenflow_migrate_incoming);
    VLOG_INFO("%s: node session %u: router %s arriving from %s (%s), "
              "%"PRIuSIZE" interfaces mapped", up->name, up->id, r->name,
              peer_node(s),
              s->peer_version ? s->peer_version : "unknown software",
              n_mapped);
    xf_session_reply(up, result, req->id);
}

/* Translates source interface '*devp' (may be NULL) to the local one. */
static char *
translate_dev(const void *s_, const struct xf_router *r, char **devp)
{
    const struct peer_session *s = s_;

    switch (xf_session_map_dev(&s->up, devp, xf_router_update_iface_by_mac,
                               r)) {
    case XF_DEV_MAPPED:
        return NULL;
    case XF_DEV_NO_MAC:
        return xasprintf("dev %s has no interface with its MAC here",
                         *devp);
    case XF_DEV_UNANNOUNCED:
    default:
        return xasprintf("dev %s was not announced in migrate-begin",
                         *devp);
    }
}

/* Whether 's' is in 'state'; if not, replies to 'req' with an error that
 * says when 'req' is valid. */
static bool
check_state(struct peer_session *s, const struct jsonrpc_msg *req,
            enum peer_state state, const char *valid)
{
    if (s->state != state) {
        xf_session_send_error(&s->up, req->id, XF_ERR_OUT_OF_ORDER, "%s is "
                              "only valid %s (state %s)", req->method, valid,
                              peer_state_name(&s->up));
        return false;
    }
    return true;
}

static void
handle_update(struct peer_session *s, const struct jsonrpc_msg *req)
{
    struct xf_session *up = &s->up;
    if (!check_state(s, req, P_COPYING,
                     "between migrate-begin and migrate-ready")) {
        return;
    }
    struct xf_router *r = xf_session_router(&s->up, req->id);
    if (!r) {
        return;
    }

    struct xf_proto_update u;
    if (!xf_session_parse_update(up, req, &u)) {
        return;
    }
    if (u.n_routes_withdrawn || u.n_neighs_withdrawn) {
        xf_session_send_error(up, req->id, XF_ERR_INVALID_PARAMS, "a "
                              "migration copies entries; it withdraws none");
        xf_proto_update_destroy(&u);
        return;
    }

    size_t n_applied = xf_router_update_apply(r, &u, translate_dev, s);
    xf_session_count_update(up, n_applied, &u.errors);
    xf_session_reply(up, xf_router_update_result(n_applied, &u.errors),
                     req->id);
    xf_proto_update_destroy(&u);
}

static void
handle_ready(struct peer_session *s, const struct jsonrpc_msg *req)
{
    if (!check_state(s, req, P_COPYING, "after migrate-begin")) {
        return;
    }
    struct xf_router *r = xf_session_router(&s->up, req->id);
    if (!r) {
        return;
    }
    size_t n = xf_router_sweep(r);
    s->state = P_READY;
    VLOG_INFO("%s: node session %u: router %s copied (%"PRIuSIZE" routes, "
              "%"PRIuSIZE" neighbours, %"PRIuSIZE" stale entries removed)",
              s->up.name, s->up.id, r->name, hmap_count(&r->rib.routes),
              hmap_count(&r->rib.neighs), n);

    struct json *result = json_object_create();
    json_object_put(result, "routes",
                    json_integer_create(hmap_count(&r->rib.routes)));
    json_object_put(result, "neighbors",
                    json_integer_create(hmap_count(&r->rib.neighs)));
    json_object_put(result, "removed", json_integer_create(n));
    xf_session_reply(&s->up, result, req->id);
}

/* Returns NULL if router 'r' forwards from this switch as its copy says:
 * every interface has its port here and every route and neighbour within
 * the limits is in the flow table; otherwise what it still waits for. */
static char *
router_unready(const struct xf_router *r)
{
    for (size_t i = 0; i < r->n_ifaces; i++) {
        if (!port_ok(r->ifaces[i].ofport)) {
            return xasprintf("interface %s has no port on this switch",
                             r->ifaces[i].name);
        }
    }
    size_t n_routes = hmap_count(&r->rib.routes);
    size_t n_neighs = hmap_count(&r->rib.neighs);
    if (r->n_routes_offloaded < MIN(n_routes, r->limits.max_routes)
        || r->n_neighs_offloaded < MIN(n_neighs, r->limits.max_neighbors)) {
        return xasprintf("%"PRIuSIZE" of %"PRIuSIZE" routes and %"PRIuSIZE
                         " of %"PRIuSIZE" neighbours installed",
                         r->n_routes_offloaded, n_routes,
                         r->n_neighs_offloaded, n_neighs);
    }
    if (!xf_router_flows_settled(r)) {
        return xstrdup("flows still being installed");
    }
    return NULL;
}

size_t
xf_migrate_announce(const struct xf_router *r)
{
    const struct xf_bridge *br = xf_bridge_find(r->bridge);
    size_t n = 0;

    for (size_t i = 0; br && i < br->n_trusted; i++) {
        struct netdev *netdev;
        int error = netdev_open(br->trusted[i].name, NULL, &netdev);
        if (error) {
            VLOG_WARN("%s: cannot announce router %s there (%s)",
                      br->trusted[i].name, r->name, ovs_strerror(error));
            continue;
        }
        for (size_t j = 0; j < r->n_ifaces; j++) {
            const struct xf_iface *iface = &r->ifaces[j];
            ovs_be32 ip = 0;
            for (size_t k = 0; k < iface->n_addrs && !ip; k++) {
                ip = in6_addr_get_mapped_ipv4(&iface->addrs[k].addr);
            }
            struct dp_packet *packet = dp_packet_new(0);
            compose_arp(packet, ARP_OP_REPLY, iface->mac, reserved_mac,
                        false, ip, ip);
            if (!xf_encap_carries(br->trusted[i].encap,
                                  iface->network_id)) {
                dp_packet_delete(packet);
                continue;
            }
            xf_pipeline_trunk_encapsulate(&br->trusted[i],
                                          iface->network_id, packet);
            struct dp_packet_batch batch;
            dp_packet_batch_init_packet(&batch, packet);
            error = netdev_send(netdev, 0, &batch, true);
            if (error) {
                VLOG_WARN("%s: announcing router %s failed (%s)",
                          br->trusted[i].name, r->name,
                          ovs_strerror(error));
            } else {
                n++;
            }
        }
        netdev_close(netdev);
    }
    return n;
}

/* P_ANNOUNCING: announces once the router is ready, or gives up. */
static void
peer_try_announce(struct peer_session *s)
{
    struct xf_router *r = xf_router_find(s->up.router);
    char *why = r ? router_unready(r) : xasprintf("router %s is no longer "
                                                  "configured here",
                                                  s->up.router);
    if (!why) {
        xf_ctlhold_release(r->name);    /* The source's held frames first. */
        size_t n = xf_migrate_announce(r);
        VLOG_INFO("%s: node session %u: router %s arrived; %"PRIuSIZE
                  " announcements sent", s->up.name, s->up.id, r->name, n);
        struct json *result = json_object_create();
        json_object_put(result, "announced", json_integer_create(n));
        xf_session_reply(&s->up, result, s->announce_id);
        xf_router_set_held(r, false);
        s->state = P_ARRIVED;
    } else if (time_msec() >= s->announce_deadline) {
        xf_session_send_error(&s->up, s->announce_id, XF_ERR_NOT_READY,
                              "router %s cannot forward here after %d s: "
                              "%s", s->up.router, ANNOUNCE_WAIT_MS / 1000,
                              why);
        s->state = P_READY;
    } else {
        free(why);
        return;
    }
    free(why);
    json_destroy(s->announce_id);
    s->announce_id = NULL;
}

static void
handle_announce(struct peer_session *s, const struct jsonrpc_msg *req)
{
    if (!check_state(s, req, P_READY, "after migrate-ready")) {
        return;
    }
    s->state = P_ANNOUNCING;
    s->announce_id = json_clone(req->id);
    s->announce_deadline = time_msec() + ANNOUNCE_WAIT_MS;
    s->up.yield = true;
    peer_try_announce(s);
}

static void
peer_handle_request(struct xf_session *up, const struct jsonrpc_msg *req)
{
    struct peer_session *s = peer_cast(up);
    const char *method = req->method;

    if (!s->authorized) {
        const char *cn = xf_session_take_peer_id(up);
        s->authorized = !up->is_ssl || xf_migrate_peer_allowed(cn);
        if (!s->authorized) {
            xf_session_send_error(up, req->id, XF_ERR_NOT_AUTHORIZED,
                                  "certificate \"%s\" is not a XenFlow node "
                                  "(other_config:%s)", cn ? cn : "(no CN)",
                                  XF_KEY_PEERS);
            xf_session_close_after(up, NULL);
            return;
        }
    }

    if (!strcmp(method, "echo")) {
        xf_session_reply(up, json_clone(req->params), req->id);
    } else if (!strcmp(method, "migrate-begin")) {
        handle_begin(s, req);
    } else if (!strcmp(method, "update")) {
        handle_update(s, req);
    } else if (!strcmp(method, "migrate-ready")) {
        handle_ready(s, req);
    } else if (!strcmp(method, "migrate-announce")) {
        handle_announce(s, req);
    } else {
        xf_session_unknown_method(up, req);
    }
}

static bool
peer_handle_notify(struct xf_session *up, const struct jsonrpc_msg *msg)
{
    struct peer_session *s = peer_cast(up);

    if (!strcmp(msg->method, "migrate-held") && s->authorized
        && s->state >= P_COPYING) {
        char *error = xf_ctlhold_receive(s->up.router, msg->params);
        if (error) {
            VLOG_WARN("%s: node session %u: %s", up->name, up->id, error);
            free(error);
        }
        return true;
    } else if (strcmp(msg->method, "migrate-abort") || !s->authorized) {
        return false;
    }

    const struct json *p = msg->params;
    const struct json *reason = NULL;
    if (p && p->type == JSON_ARRAY && json_array(p)->n == 1
        && json_array(p)->elems[0]->type == JSON_OBJECT) {
        reason = shash_find_data(json_object(json_array(p)->elems[0]),
                                 "reason");
    }
    char *why = xasprintf("source aborted: %s",
                          reason && reason->type == JSON_STRING
                          ? json_string(reason) : "no reason given");
    xf_session_set_error(up, why);
    peer_abandon(s, why);
    free(why);
    return true;
}

static void
peer_run(struct xf_session *up)
{
    struct peer_session *s = peer_cast(up);

    if (s->state == P_ANNOUNCING) {
        peer_try_announce(s);
    }
}

static void
peer_wait(struct xf_session *up)
{
    if (peer_cast(up)->state == P_ANNOUNCING) {
        /* Ports appear and flows get installed elsewhere: look again
         * soon. */
        poll_timer_wait(10);
    }
}

static void
peer_count(bool error)
{
    if (error) {
        COVERAGE_INC(xenflow_peer_error);
    } else {
        COVERAGE_INC(xenflow_peer_connect);
    }
}

static const struct xf_session_class peer_class = {
    .what = "XenFlow node",
    .what_plural = "XenFlow nodes",
    .listen_key = XF_KEY_PEER_LISTEN,
    .limit_source = "limit of the node protocol",
    .invalid_message = "invalid JSON-RPC message or TLS failure",
    .max_per_run = MAX_PEER_REQUESTS_PER_RUN,
    .protocol = XF_MIGRATE_PROTOCOL,
    .protocol_name = "node protocol",
    .self = "node",
    .count = peer_count,
    .state_name = peer_state_name,
    .find_router = xf_router_find,
    .alloc = peer_alloc,
    .close = peer_close,
    .dealloc = peer_dealloc,
    .run = peer_run,
    .wait = peer_wait,
    .handle_request = peer_handle_request,
    .handle_notify = peer_handle_notify,
};

void
xf_migrate_peer_run(void)
{
    xf_session_server_run(&nodes);
}

void
xf_migrate_peer_wait(void)
{
    xf_session_server_wait(&nodes);
}

void
xf_migrate_peer_destroy(void)
{
    xf_session_server_destroy(&nodes, "ovs-vswitchd exiting");

    struct arrival *a;
    LIST_FOR_EACH_SAFE (a, node, &arrivals) {
        arrival_destroy(a);
    }
    sset_clear(&peers);
}

size_t
xf_migrate_peer_show(struct table *t)
{
    const struct arrival *a;
    LIST_FOR_EACH (a, node, &arrivals) {
        table_add_row(t);
        xf_table_add_int(t, a->session_id);
        xf_table_add_text(t, a->router);
        xf_table_add_text(t, "in");
        xf_table_add_text(t, a->peer);
        xf_table_add_text(t, a->arrived ? "arrived" : "abandoned");
        xf_table_add_int(t, a->elapsed);
        xf_table_add_int(t, a->n_routes);
        xf_table_add_int(t, a->n_neighs);
        xf_table_add_int(t, a->n_applied);
        xf_table_add_int(t, a->n_rejected);
        xf_table_add_text(t, "-");
        xf_table_add_text(t, "-");
        xf_table_add_text(t, a->result);
    }

    long long int now = time_msec();
    const struct xf_session *up;
    LIST_FOR_EACH (up, node, &nodes.sessions) {
        const struct peer_session *s = peer_cast(up);
        const struct xf_router *r = up->router ? xf_router_find(up->router)
                                               : NULL;
        table_add_row(t);
        xf_table_add_int(t, up->id);
        xf_table_add_text(t, up->router ? up->router : "-");
        xf_table_add_text(t, "in");
        xf_table_add_text(t, peer_node(s));
        xf_table_add_text(t, xf_session_state_name(up));
        xf_table_add_int(t, now - up->connected);
        xf_table_add_int(t, r ? hmap_count(&r->rib.routes) : 0);
        xf_table_add_int(t, r ? hmap_count(&r->rib.neighs) : 0);
        xf_table_add_int(t, up->n_applied);
        xf_table_add_int(t, up->n_rejected);
        xf_table_add_text(t, "-");
        xf_table_add_text(t, "-");
        xf_table_add_text(t, up->last_error ? up->last_error
                          : s->state == P_ARRIVED ? "arrived" : "-");
    }
    return ovs_list_size(&arrivals) + ovs_list_size(&nodes.sessions);
}

void
xf_migrate_peer_format_listeners(struct ds *s)
{
    xf_session_server_format_listeners(&nodes, s);
}
