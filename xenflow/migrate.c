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

#include "xenflow/migrate.h"

#include <errno.h>
#include <string.h>

#include "coverage.h"
#include "dp-packet.h"
#include "jsonrpc.h"
#include "netdev.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/json.h"
#include "openvswitch/list.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ofproto/ofproto-provider.h"
#include "packets.h"
#include "smap.h"
#include "sset.h"
#include "stream-ssl.h"
#include "stream.h"
#include "svec.h"
#include "table.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "xenflow/appctl.h"
#include "xenflow/conf.h"
#include "xenflow/flowsync.h"
#include "xenflow/bridges.h"
#include "xenflow/model.h"
#include "xenflow/mover.h"
#include "xenflow/pace.h"
#include "xenflow/pipeline.h"
#include "xenflow/proto.h"
#include "xenflow/rib.h"
#include "xenflow/router.h"
#include "xenflow/routers.h"
#include "xenflow/rpc.h"
#include "xenflow/server.h"

VLOG_DEFINE_THIS_MODULE(xenflow_migrate);

COVERAGE_DEFINE(xenflow_migrate_start);
COVERAGE_DEFINE(xenflow_migrate_done);
COVERAGE_DEFINE(xenflow_migrate_failed);
COVERAGE_DEFINE(xenflow_migrate_incoming);
COVERAGE_DEFINE(xenflow_peer_error);

/* The node-to-node protocol's version. */
#define PEER_PROTOCOL 1

/* Pre-copy: entries per "update", "update"s in flight, and at most one
 * built per main-loop iteration, as bulk work (xenflow/pace.h): the source
 * forwards for the router meanwhile, and with the userspace datapath its
 * ports are polled from the main loop. */
#define PRECOPY_BATCH 2000
#define PRECOPY_WINDOW 4

/* Requests a destination session handles per main-loop iteration. */
#define MAX_PEER_REQUESTS_PER_RUN 2

/* How long the destination waits for the router's ports to appear and its
 * flows to be installed before it refuses to announce. */
#define ANNOUNCE_WAIT_MS 30000

/* Finished migrations kept for xenflow/migrate/show. */
#define MAX_FINISHED 32

static const struct eth_addr reserved_mac = ETH_ADDR_C(aa,aa,aa,aa,aa,aa);

/* Configuration. */
static struct shash listeners = SHASH_INITIALIZER(&listeners);
static struct sset peers = SSET_INITIALIZER(&peers);
static char *mover_spec;
static long long int drain_ms = 1000;
static long long int timeout_ms = 300 * 1000;

/* Source side: one migration of a router to another node. */
enum mig_phase {
    MIG_CONNECT,                /* Connecting to the destination. */
    MIG_BEGIN,                  /* "migrate-begin" sent. */
    MIG_PRECOPY,                /* Copying routes and neighbours. */
    MIG_COMMIT,                 /* "migrate-ready" sent. */
    MIG_MOVE,                   /* The mover moves the VM. */
    MIG_ANNOUNCE,               /* The destination announces the MACs. */
    MIG_DRAIN,                  /* In-flight packets drain through here. */
    MIG_DONE,
    MIG_FAILED,
};

static const char *
phase_name(enum mig_phase phase)
{
    switch (phase) {
    case MIG_CONNECT: return "connecting";
    case MIG_BEGIN: return "begin";
    case MIG_PRECOPY: return "pre-copy";
    case MIG_COMMIT: return "commit";
    case MIG_MOVE: return "moving-vm";
    case MIG_ANNOUNCE: return "announcing";
    case MIG_DRAIN: return "draining";
    case MIG_DONE: return "done";
    case MIG_FAILED: return "failed";
    }
    return "?";
}

struct migration {
    struct ovs_list node;       /* In 'migrations', newest last. */
    unsigned int id;
    char *router;
    char *peer;                 /* The destination node's remote. */
    char *vm_dest;              /* The destination, for the mover. */
    char *mover_spec;
    enum mig_phase phase;
    long long int started;
    long long int phase_started;
    long long int deadline;     /* The current phase fails after it. */
    long long int ended;        /* MIG_DONE, MIG_FAILED: when. */
    long long int precopy_ms;   /* Time from connect to commit. */
    long long int move_ms;      /* Time the mover took. */

    struct stream *stream;      /* MIG_CONNECT only. */
    struct jsonrpc *rpc;        /* Afterwards, until the end. */
    unsigned int n_outstanding; /* Requests without a reply yet. */

    struct hmap_position route_pos;
    struct hmap_position neigh_pos;
    bool routes_sent, neighs_sent;
    size_t n_routes, n_neighs;  /* Entries at the start of the copy. */
    size_t n_sent;              /* Entries sent. */
    size_t n_applied;           /* Entries the destination applied. */
    size_t n_rejected;          /* ... and refused. */

    struct xf_mover *mover;
    char *error;                /* MIG_FAILED: why. */
};

static struct ovs_list migrations = OVS_LIST_INITIALIZER(&migrations);
static unsigned int next_migration_id = 1;

/* Destination side: a session from another node. */
enum peer_state {
    P_NEW,                      /* Waiting for "migrate-begin". */
    P_COPYING,                  /* Receiving the router's tables. */
    P_READY,                    /* Copy complete ("migrate-ready"). */
    P_ANNOUNCING,               /* Waiting to announce. */
    P_ARRIVED,                  /* Announced: the router lives here. */
    P_CLOSING,
};

static const char *
peer_state_name(enum peer_state state)
{
    switch (state) {
    case P_NEW: return "new";
    case P_COPYING: return "receiving";
    case P_READY: return "ready";
    case P_ANNOUNCING: return "announcing";
    case P_ARRIVED: return "arrived";
    case P_CLOSING: return "closing";
    }
    return "?";
}

/* A source interface and the local interface with the same MAC. */
struct iface_map {
    char *source;
    char *local;                /* NULL: none here. */
};

struct peer_session {
    struct ovs_list node;       /* In 'peer_sessions'. */
    unsigned int id;
    struct jsonrpc *rpc;
    struct stream *stream;      /* Owned by 'rpc'; see server.c. */
    char *name;                 /* Remote, for logs. */
    char *peer_id;              /* Certificate name, NULL for punix. */
    bool is_ssl;
    bool authorized;
    enum peer_state state;
    long long int connected;
    long long int close_at;     /* P_CLOSING: give up flushing then. */
    struct jsonrpc_msg *held;   /* Waits for bulk work to resume (the copy
                                 * is bulk work, xenflow/pace.h). */
    char *router;               /* After "migrate-begin". */
    char *source;               /* The source node's name for itself. */
    struct iface_map *ifaces;
    size_t n_ifaces;
    struct json *announce_id;   /* P_ANNOUNCING: the request. */
    long long int announce_deadline;
    unsigned long long n_applied, n_rejected, n_errors;
    char *last_error;
};

static struct ovs_list peer_sessions = OVS_LIST_INITIALIZER(&peer_sessions);
static unsigned int next_session_id = 1;

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

/* Whether a peer presenting certificate name 'cn' is a XenFlow node
 * listed in other_config:xenflow-peers. */
static bool
peer_allowed(const char *cn)
{
    const char *name;

    SSET_FOR_EACH (name, &peers) {
        if (xf_server_identity_matches(cn, name)) {
            return true;
        }
    }
    return false;
}

/* Whether 'router' is migrating out of this node right now. */
static struct migration *
migration_running(const char *router)
{
    struct migration *m;

    LIST_FOR_EACH (m, node, &migrations) {
        if (m->phase < MIG_DONE && !strcmp(m->router, router)) {
            return m;
        }
    }
    return NULL;
}

/* Whether 'router' is arriving from another node right now. */
static struct peer_session *
incoming_session(const char *router)
{
    struct peer_session *s;

    LIST_FOR_EACH (s, node, &peer_sessions) {
        if (s->router && s->state >= P_COPYING && s->state <= P_ANNOUNCING
            && !strcmp(s->router, router)) {
            return s;
        }
    }
    return NULL;
}

/* Configuration. */

void
xf_migrate_reconfigure(const struct smap *cfg, struct svec *errors)
{
    struct xf_migrate_conf conf;

    xf_migrate_conf_parse(cfg, &conf, errors);
    drain_ms = conf.drain;
    timeout_ms = conf.timeout * 1000LL;
    sset_swap(&peers, &conf.peers);

    free(mover_spec);
    mover_spec = NULL;
    if (conf.mover) {
        char *error = xf_mover_check_spec(conf.mover);
        if (error) {
            svec_add_nocopy(errors, xasprintf(
                                "Open_vSwitch: other_config:%s: %s; no "
                                "migrations", XF_KEY_MOVER, error));
            free(error);
        } else {
            mover_spec = xstrdup(conf.mover);
        }
    }

    if (!sset_is_empty(&conf.listen) && sset_is_empty(&peers)) {
        svec_add_nocopy(errors, xasprintf(
                            "Open_vSwitch: other_config:%s: no node may "
                            "connect over SSL until other_config:%s names "
                            "them", XF_KEY_PEER_LISTEN, XF_KEY_PEERS));
    }
    xf_rpc_listeners_reconfigure(&listeners, &conf.listen,
                                 XF_KEY_PEER_LISTEN, "XenFlow nodes", errors);
    xf_migrate_conf_destroy(&conf);
}

/* Source side. */

static size_t announce(const struct xf_router *);

static void
migration_set_phase(struct migration *m, enum mig_phase phase)
{
    long long int now = time_msec();

    VLOG_INFO("migration %u of router %s to %s: %s -> %s (%lld ms)", m->id,
              m->router, m->peer, phase_name(m->phase), phase_name(phase),
              now - m->phase_started);
    m->phase = phase;
    m->phase_started = now;
    m->deadline = now + timeout_ms;
    if (phase >= MIG_DONE) {
        struct xf_router *r = xf_router_find(m->router);
        if (r) {
            xf_router_set_held(r, false);
        }
        m->ended = now;
    }
}

static void
migration_close_rpc(struct migration *m)
{
    stream_close(m->stream);
    m->stream = NULL;
    jsonrpc_close(m->rpc);
    m->rpc = NULL;
}

static void migration_fail(struct migration *, const char *format, ...)
    OVS_PRINTF_FORMAT(2, 3);

/* Ends 'm' with an error.  Before the VM moved, the destination is told to
 * drop its copy; the source never stopped forwarding. */
static void
migration_fail(struct migration *m, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    free(m->error);
    m->error = xvasprintf(format, args);
    va_end(args);

    if (m->phase > MIG_MOVE) {
        char *why = xasprintf("%s (the VM moved; this node keeps its copy "
                              "of the router and forwards for it)",
                              m->error);
        free(m->error);
        m->error = why;
    }
    COVERAGE_INC(xenflow_migrate_failed);
    VLOG_WARN("migration %u of router %s to %s failed in phase %s: %s",
              m->id, m->router, m->peer, phase_name(m->phase), m->error);
    if (m->rpc && m->phase <= MIG_MOVE) {
        struct json *params = json_object_create();
        json_object_put_string(params, "reason", m->error);
        jsonrpc_send(m->rpc, jsonrpc_create_notify(
                         "migrate-abort", json_array_create_1(params)));
        jsonrpc_run(m->rpc);
    }
    xf_mover_destroy(m->mover);
    m->mover = NULL;
    migration_close_rpc(m);
    migration_set_phase(m, MIG_FAILED);
}

static void
migration_send(struct migration *m, const char *method, struct json *params)
{
    jsonrpc_send(m->rpc, jsonrpc_create_request(
                     method, json_array_create_1(params), NULL));
    m->n_outstanding++;
}

/* "PREFIX via GW dev DEV..." as xf_route_spec_parse() reads it. */
static void
format_route(const struct xf_route *route, struct ds *s)
{
    xf_prefix_format(&route->prefix, s);
    for (size_t i = 0; i < route->n_nexthops; i++) {
        const struct xf_nexthop *nh = &route->nexthops[i];
        if (nh->has_gw) {
            ds_put_cstr(s, " via ");
            xf_addr_format(&nh->gw, s);
        }
        ds_put_format(s, " dev %s", nh->dev);
    }
}

static void
migration_begin(struct migration *m, const struct xf_router *r)
{
    struct json *ifaces = json_array_create_empty();
    for (size_t i = 0; i < r->n_ifaces; i++) {
        struct json *iface = json_object_create();
        json_object_put_string(iface, "name", r->ifaces[i].name);
        json_object_put_format(iface, "mac", ETH_ADDR_FMT,
                               ETH_ADDR_ARGS(r->ifaces[i].mac));
        json_array_add(ifaces, iface);
    }
    struct json *params = json_object_create();
    json_object_put(params, "protocol", json_integer_create(PEER_PROTOCOL));
    json_object_put_string(params, "router", r->name);
    json_object_put_format(params, "client", "ovs-vswitchd %s",
                           xf_version());
    json_object_put(params, "interfaces", ifaces);
    migration_send(m, "migrate-begin", params);

    m->n_routes = hmap_count(&r->rib.routes);
    m->n_neighs = hmap_count(&r->rib.neighs);
    memset(&m->route_pos, 0, sizeof m->route_pos);
    memset(&m->neigh_pos, 0, sizeof m->neigh_pos);
    migration_set_phase(m, MIG_BEGIN);
}

/* Sends one batch of the router's neighbours (first) or routes.  Routes
 * and neighbours that change during the copy are walked in place
 * (hmap_at_position()); the client's snapshot on the destination
 * reconciles whatever the copy missed. */
static void
migration_send_batch(struct migration *m, const struct xf_router *r)
{
    struct json *params = json_object_create();
    size_t n = 0;

    if (!m->neighs_sent) {
        struct json *neighs = json_array_create_empty();
        while (n < PRECOPY_BATCH) {
            struct hmap_node *hn = hmap_at_position(&r->rib.neighs,
                                                    &m->neigh_pos);
            if (!hn) {
                m->neighs_sent = true;
                break;
            }
            const struct xf_neigh *neigh = CONTAINER_OF(hn, struct xf_neigh,
                                                        node);
            struct json *e = json_object_create();
            struct ds ip = DS_EMPTY_INITIALIZER;
            xf_addr_format(&neigh->ip, &ip);
            json_object_put(e, "ip", json_string_create_nocopy(
                                ds_steal_cstr(&ip)));
            json_object_put_format(e, "mac", ETH_ADDR_FMT,
                                   ETH_ADDR_ARGS(neigh->mac));
            json_object_put_string(e, "dev", neigh->dev);
            json_array_add(neighs, e);
            n++;
        }
        json_object_put(params, "neighbors", neighs);
    }

    struct json *routes = json_array_create_empty();
    struct ds s = DS_EMPTY_INITIALIZER;
    while (m->neighs_sent && n < PRECOPY_BATCH) {
        struct hmap_node *hn = hmap_at_position(&r->rib.routes,
                                                &m->route_pos);
        if (!hn) {
            m->routes_sent = true;
            break;
        }
        ds_clear(&s);
        format_route(CONTAINER_OF(hn, struct xf_route, node), &s);
        json_array_add(routes, json_string_create(ds_cstr(&s)));
        n++;
    }
    ds_destroy(&s);
    json_object_put(params, "routes-text", routes);

    m->n_sent += n;
    migration_send(m, "update", params);
}

/* Handles 'reply', an answer to the request 'm' sent last in its phase. */
static void
migration_handle_reply(struct migration *m, const struct jsonrpc_msg *reply)
{
    m->n_outstanding--;
    if (reply->type == JSONRPC_ERROR) {
        const struct json *e = reply->error;
        const char *code = NULL, *details = NULL;
        if (e && e->type == JSON_OBJECT) {
            const struct json *c = shash_find_data(json_object(e), "error");
            const struct json *d = shash_find_data(json_object(e),
                                                   "details");
            code = c && c->type == JSON_STRING ? json_string(c) : NULL;
            details = d && d->type == JSON_STRING ? json_string(d) : NULL;
        }
        migration_fail(m, "destination refused %s: %s%s%s",
                       phase_name(m->phase), code ? code : "error",
                       details ? ": " : "", details ? details : "");
        return;
    }

    const struct json *result = reply->result;
    const struct shash *obj = (result && result->type == JSON_OBJECT
                               ? json_object(result) : NULL);
    if (!obj) {
        migration_fail(m, "destination sent a malformed reply in phase %s",
                       phase_name(m->phase));
        return;
    }

    switch (m->phase) {
    case MIG_BEGIN: {
        const struct json *unmapped = shash_find_data(obj, "unmapped");
        if (unmapped && unmapped->type == JSON_ARRAY
            && json_array(unmapped)->n) {
            const struct json *first = json_array(unmapped)->elems[0];
            migration_fail(m, "the destination has no interface with the "
                           "MAC of %s (configure the router's interfaces "
                           "there first)", first->type == JSON_STRING
                           ? json_string(first) : "?");
            return;
        }
        /* Pin the router's MACs here, on the nodes next to this one,
         * before its VM moves: otherwise the first frames the VM sends
         * from the destination (after the move, before the destination
         * forwards for it) would teach them the new location too early. */
        const struct xf_router *r = xf_router_find(m->router);
        size_t n = r ? announce(r) : 0;
        VLOG_INFO("migration %u: %"PRIuSIZE" announcements pin router %s "
                  "here until the destination takes over", m->id, n,
                  m->router);
        migration_set_phase(m, MIG_PRECOPY);
        break;
    }

    case MIG_PRECOPY: {
        const struct json *a = shash_find_data(obj, "applied");
        const struct json *j = shash_find_data(obj, "rejected");
        if (a && a->type == JSON_INTEGER) {
            m->n_applied += json_integer(a);
        }
        if (j && j->type == JSON_INTEGER) {
            m->n_rejected += json_integer(j);
        }
        break;
    }

    case MIG_COMMIT: {
        m->precopy_ms = time_msec() - m->started;
        char *error = xf_mover_start(m->mover_spec, m->router, m->vm_dest,
                                     &m->mover);
        if (error) {
            migration_fail(m, "%s", error);
            free(error);
            return;
        }
        migration_set_phase(m, MIG_MOVE);
        break;
    }

    case MIG_ANNOUNCE:
        migration_set_phase(m, MIG_DRAIN);
        m->deadline = time_msec() + drain_ms;
        migration_close_rpc(m);
        break;

    case MIG_CONNECT:
    case MIG_MOVE:
    case MIG_DRAIN:
    case MIG_DONE:
    case MIG_FAILED:
    default:
        migration_fail(m, "unexpected reply from the destination in phase "
                       "%s", phase_name(m->phase));
        break;
    }
}

static void
migration_connect(struct migration *m)
{
    int error = stream_connect(m->stream);
    if (error == EAGAIN) {
        return;
    } else if (error) {
        migration_fail(m, "cannot connect to %s: %s", m->peer,
                       ovs_retval_to_string(error));
        return;
    }
    if (!strncmp(m->peer, "ssl:", 4)) {
        const char *cn = stream_get_peer_id(m->stream);
        if (!peer_allowed(cn)) {
            migration_fail(m, "%s presented certificate \"%s\", which is "
                           "not a XenFlow node (other_config:%s)", m->peer,
                           cn ? cn : "(no CN)", XF_KEY_PEERS);
            return;
        }
    }
    m->rpc = jsonrpc_open(m->stream);
    m->stream = NULL;

    struct xf_router *r = xf_router_find(m->router);
    if (!r) {
        migration_fail(m, "router %s was removed from this switch",
                       m->router);
        return;
    }
    migration_begin(m, r);
}

static void
migration_run(struct migration *m)
{
    long long int now = time_msec();

    if (m->phase == MIG_CONNECT) {
        stream_run(m->stream);
        migration_connect(m);
    }
    if (m->rpc) {
        jsonrpc_run(m->rpc);
        for (int i = 0; i < 50 && m->rpc; i++) {
            struct jsonrpc_msg *msg;
            int error = jsonrpc_recv(m->rpc, &msg);
            if (error == EAGAIN) {
                break;
            } else if (error) {
                migration_fail(m, "connection to %s lost: %s", m->peer,
                               ovs_retval_to_string(error));
                return;
            }
            if (msg->type == JSONRPC_REPLY || msg->type == JSONRPC_ERROR) {
                migration_handle_reply(m, msg);
            }
            jsonrpc_msg_destroy(msg);
            if (m->phase >= MIG_DONE) {
                return;
            }
        }
    }

    struct xf_router *r = xf_router_find(m->router);
    if (!r && m->phase > MIG_CONNECT && m->phase < MIG_DRAIN) {
        /* E.g. XenFlow was turned off on its bridge. */
        migration_fail(m, "router %s was removed from this switch",
                       m->router);
        return;
    }
    if (m->phase == MIG_PRECOPY) {
        if (!m->routes_sent && m->n_outstanding < PRECOPY_WINDOW
            && xf_bulk_allows()) {
            migration_send_batch(m, r);
        }
        if (m->routes_sent && !m->n_outstanding) {
            migration_send(m, "migrate-ready", json_object_create());
            migration_set_phase(m, MIG_COMMIT);
        }
    } else if (m->phase == MIG_MOVE) {
        char *error;
        int retval = xf_mover_poll(m->mover, &error);
        if (retval == EAGAIN) {
            /* Still moving. */
        } else if (retval) {
            migration_fail(m, "%s", error);
            free(error);
            return;
        } else {
            m->move_ms = now - m->phase_started;
            xf_mover_destroy(m->mover);
            m->mover = NULL;
            migration_send(m, "migrate-announce", json_object_create());
            migration_set_phase(m, MIG_ANNOUNCE);
        }
    } else if (m->phase == MIG_DRAIN && now >= m->deadline) {
        /* Links moved and in-flight packets drained: release this node's
         * copy.  The router may be gone already (its ports removed). */
        size_t n = 0;
        if (r && r->unconfigured) {
            /* Its interfaces left the configuration: the router goes, and
             * its flows with it (one pass, not a withdrawal first). */
            n = hmap_count(&r->rib.routes) + hmap_count(&r->rib.neighs);
            xf_router_remove(r);
        } else if (r) {
            n = xf_router_withdraw_all(r);
        }
        VLOG_INFO("migration %u: router %s now lives at %s; %"PRIuSIZE
                  " routes and neighbours released here", m->id, m->router,
                  m->peer, n);
        xf_server_router_moved(m->router, m->peer);
        COVERAGE_INC(xenflow_migrate_done);
        migration_set_phase(m, MIG_DONE);
        return;
    }

    if (m->phase < MIG_DRAIN && now >= m->deadline) {
        migration_fail(m, "timed out after %lld s in phase %s (other_config:"
                       "%s)", timeout_ms / 1000, phase_name(m->phase),
                       XF_KEY_MIGRATE_TIMEOUT);
    }
}

static void
migration_wait(const struct migration *m)
{
    if (m->phase >= MIG_DONE) {
        return;
    }
    poll_timer_wait_until(m->deadline);
    if (m->phase == MIG_PRECOPY && !m->routes_sent
        && m->n_outstanding < PRECOPY_WINDOW) {
        xf_bulk_wait();         /* Next batch. */
    }
    if (m->stream) {
        stream_run_wait(m->stream);
        stream_connect_wait(m->stream);
    }
    if (m->rpc) {
        jsonrpc_wait(m->rpc);
        jsonrpc_recv_wait(m->rpc);
    }
    if (m->mover) {
        xf_mover_wait(m->mover);
    }
}

static void
migration_destroy(struct migration *m)
{
    ovs_list_remove(&m->node);
    xf_mover_destroy(m->mover);
    migration_close_rpc(m);
    free(m->router);
    free(m->peer);
    free(m->vm_dest);
    free(m->mover_spec);
    free(m->error);
    free(m);
}

/* Forgets the oldest finished migrations beyond MAX_FINISHED. */
static void
migrations_trim(void)
{
    size_t n_finished = 0;
    struct migration *m;

    LIST_FOR_EACH_REVERSE_SAFE (m, node, &migrations) {
        if (m->phase >= MIG_DONE && ++n_finished > MAX_FINISHED) {
            migration_destroy(m);
        }
    }
}

/* Destination side. */

static void
session_set_error(struct peer_session *s, const char *error)
{
    free(s->last_error);
    s->last_error = xstrdup(error);
}

/* Drops the copy of a router whose migration did not complete: its VM is
 * not here. */
static void
session_abandon(struct peer_session *s, const char *why)
{
    if (s->router && s->state >= P_COPYING && s->state <= P_ANNOUNCING) {
        struct xf_router *r = xf_router_find(s->router);
        size_t n = r ? xf_router_withdraw_all(r) : 0;
        VLOG_WARN("incoming migration of router %s from %s abandoned (%s): "
                  "%"PRIuSIZE" copied routes and neighbours withdrawn",
                  s->router, s->source ? s->source : s->name, why, n);
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
    const struct xf_router *r = xf_router_find(s->router);
    struct arrival *a = xzalloc(sizeof *a);

    a->session_id = s->id;
    a->router = xstrdup(s->router);
    a->peer = xstrdup(s->peer_id ? s->peer_id : s->name);
    a->arrived = s->state == P_ARRIVED;
    a->elapsed = time_msec() - s->connected;
    a->n_routes = r ? hmap_count(&r->rib.routes) : 0;
    a->n_neighs = r ? hmap_count(&r->rib.neighs) : 0;
    a->n_applied = s->n_applied;
    a->n_rejected = s->n_rejected;
    a->result = xstrdup(a->arrived ? "arrived" : why);
    ovs_list_push_back(&arrivals, &a->node);
    if (ovs_list_size(&arrivals) > MAX_FINISHED) {
        arrival_destroy(CONTAINER_OF(ovs_list_front(&arrivals),
                                     struct arrival, node));
    }
}

static void
session_close(struct peer_session *s, const char *why)
{
    VLOG_INFO("%s: XenFlow node session %u closed (%s)", s->name, s->id,
              why);
    if (s->router) {
        arrival_record(s, s->last_error ? s->last_error : why);
    }
    session_abandon(s, why);
    ovs_list_remove(&s->node);
    jsonrpc_msg_destroy(s->held);
    jsonrpc_close(s->rpc);
    for (size_t i = 0; i < s->n_ifaces; i++) {
        free(s->ifaces[i].source);
        free(s->ifaces[i].local);
    }
    free(s->ifaces);
    json_destroy(s->announce_id);
    free(s->router);
    free(s->source);
    free(s->name);
    free(s->peer_id);
    free(s->last_error);
    free(s);
}

static void send_error(struct peer_session *, const struct json *id,
                       const char *code, const char *format, ...)
    OVS_PRINTF_FORMAT(4, 5);

static void
send_error(struct peer_session *s, const struct json *id, const char *code,
           const char *format, ...)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    va_list args;

    va_start(args, format);
    char *details = xvasprintf(format, args);
    va_end(args);

    VLOG_WARN_RL(&rl, "%s: node session %u: %s: %s", s->name, s->id, code,
                 details);
    COVERAGE_INC(xenflow_peer_error);
    s->n_errors++;
    char *text = xasprintf("%s: %s", code, details);
    session_set_error(s, text);
    free(text);

    jsonrpc_send(s->rpc, xf_rpc_error(id, code, details));
    free(details);
}

/* The router 's' copies, or NULL after replying with an error. */
static struct xf_router *
session_router(struct peer_session *s, const struct json *id)
{
    struct xf_router *r = xf_router_find(s->router);
    if (!r) {
        send_error(s, id, "unknown router", "router %s is no longer "
                   "configured here", s->router);
    }
    return r;
}

static void
handle_begin(struct peer_session *s, const struct jsonrpc_msg *req)
{
    if (s->state != P_NEW) {
        send_error(s, req->id, "duplicate migrate-begin", "this session "
                   "already carries router %s", s->router);
        return;
    }

    struct xf_proto_hello hello;
    char *error = xf_proto_parse_hello(req->params, &hello);
    struct xf_router *r = NULL;
    if (error) {
        send_error(s, req->id, "invalid params", "%s", error);
        free(error);
    } else if (hello.protocol != PEER_PROTOCOL) {
        send_error(s, req->id, "protocol version", "node protocol %"PRId64
                   " is not supported; this node speaks version %d",
                   hello.protocol, PEER_PROTOCOL);
    } else if (!(r = xf_router_find(hello.router))) {
        send_error(s, req->id, "unknown router", "no XenFlow router is "
                   "named %s here (configure its interfaces on this node "
                   "first)", hello.router);
    } else if (migration_running(r->name)) {
        send_error(s, req->id, "busy", "router %s is migrating out of "
                   "this node", r->name);
        r = NULL;
    } else if (incoming_session(r->name)) {
        send_error(s, req->id, "busy", "router %s is already arriving "
                   "from %s", r->name, incoming_session(r->name)->name);
        r = NULL;
    }
    if (!r) {
        xf_proto_hello_destroy(&hello);
        return;
    }

    s->router = xstrdup(r->name);
    s->source = nullable_xstrdup(hello.client);
    s->ifaces = xcalloc(hello.n_ifaces, sizeof *s->ifaces);
    s->n_ifaces = hello.n_ifaces;
    struct json *mapped = json_array_create_empty();
    struct json *unmapped = json_array_create_empty();
    for (size_t i = 0; i < hello.n_ifaces; i++) {
        s->ifaces[i].source = xstrdup(hello.ifaces[i].name);
        for (size_t j = 0; j < r->n_ifaces; j++) {
            if (eth_addr_equals(r->ifaces[j].mac, hello.ifaces[i].mac)) {
                s->ifaces[i].local = xstrdup(r->ifaces[j].name);
            }
        }
        if (s->ifaces[i].local) {
            struct json *m = json_object_create();
            json_object_put_string(m, "name", s->ifaces[i].source);
            json_object_put_string(m, "port", s->ifaces[i].local);
            json_array_add(mapped, m);
        } else {
            json_array_add(unmapped, json_string_create(s->ifaces[i].source));
        }
    }
    xf_proto_hello_destroy(&hello);

    /* What the router had here before (an earlier stay) goes unless the
     * copy sets it again. */
    xf_router_begin_sync(r);
    s->state = P_COPYING;
    COVERAGE_INC(xenflow_migrate_incoming);
    VLOG_INFO("%s: node session %u: router %s arriving from %s", s->name,
              s->id, r->name, s->source ? s->source : "?");

    struct json *result = json_object_create();
    json_object_put(result, "protocol", json_integer_create(PEER_PROTOCOL));
    json_object_put_string(result, "router", r->name);
    json_object_put(result, "interfaces", mapped);
    json_object_put(result, "unmapped", unmapped);
    jsonrpc_send(s->rpc, jsonrpc_create_reply(result, req->id));
}

/* Translates source interface '*devp' (may be NULL) to the local one. */
static char *
translate_dev(const void *s_, const struct xf_router *r OVS_UNUSED,
              char **devp)
{
    const struct peer_session *s = s_;

    if (!*devp) {
        return NULL;
    }
    for (size_t i = 0; i < s->n_ifaces; i++) {
        if (!strcmp(s->ifaces[i].source, *devp)) {
            if (!s->ifaces[i].local) {
                return xasprintf("dev %s has no interface with its MAC "
                                 "here", *devp);
            }
            free(*devp);
            *devp = xstrdup(s->ifaces[i].local);
            return NULL;
        }
    }
    return xasprintf("dev %s was not announced in migrate-begin", *devp);
}

static void
handle_update(struct peer_session *s, const struct jsonrpc_msg *req)
{
    if (s->state != P_COPYING) {
        send_error(s, req->id, "out of order", "update is only valid "
                   "between migrate-begin and migrate-ready (state %s)",
                   peer_state_name(s->state));
        return;
    }
    struct xf_router *r = session_router(s, req->id);
    if (!r) {
        return;
    }

    struct xf_proto_update u;
    char *error = xf_proto_parse_update(req->params, XF_PROTO_MAX_BATCH, &u);
    if (error) {
        send_error(s, req->id, "invalid params", "%s", error);
        free(error);
        xf_proto_update_destroy(&u);
        return;
    }
    if (u.n_routes_withdrawn || u.n_neighs_withdrawn) {
        send_error(s, req->id, "invalid params", "a migration copies "
                   "entries; it withdraws none");
        xf_proto_update_destroy(&u);
        return;
    }

    size_t n_applied = xf_rpc_apply_update(r, &u, translate_dev, s);
    s->n_applied += n_applied;
    s->n_rejected += u.errors.n;
    if (u.errors.n) {
        session_set_error(s, u.errors.names[0]);
    }
    jsonrpc_send(s->rpc, jsonrpc_create_reply(
                     xf_rpc_update_result(n_applied, &u.errors), req->id));
    xf_proto_update_destroy(&u);
}

static void
handle_ready(struct peer_session *s, const struct jsonrpc_msg *req)
{
    if (s->state != P_COPYING) {
        send_error(s, req->id, "out of order", "migrate-ready is only valid "
                   "after migrate-begin (state %s)",
                   peer_state_name(s->state));
        return;
    }
    struct xf_router *r = session_router(s, req->id);
    if (!r) {
        return;
    }
    size_t n = xf_router_sweep(r);
    s->state = P_READY;
    VLOG_INFO("%s: node session %u: router %s copied (%"PRIuSIZE" routes, "
              "%"PRIuSIZE" neighbours, %"PRIuSIZE" stale entries removed)",
              s->name, s->id, r->name, hmap_count(&r->rib.routes),
              hmap_count(&r->rib.neighs), n);

    struct json *result = json_object_create();
    json_object_put(result, "routes",
                    json_integer_create(hmap_count(&r->rib.routes)));
    json_object_put(result, "neighbors",
                    json_integer_create(hmap_count(&r->rib.neighs)));
    json_object_put(result, "removed", json_integer_create(n));
    jsonrpc_send(s->rpc, jsonrpc_create_reply(result, req->id));
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
    /* Its own flows, and its networks' (their ports' taggers and delivery):
     * another router's million routes being installed do not delay it. */
    const struct xf_bridge *br = xf_bridge_find(r->bridge);
    bool pending = !br || xf_flowsync_owner_pending(br->flows, r->id,
                                                    XF_FLOW_KINDS_ROUTER);
    for (size_t i = 0; !pending && i < r->n_ifaces; i++) {
        pending = xf_flowsync_owner_pending(br->flows, r->ifaces[i].vlan,
                                            XF_FLOW_KINDS_NETWORK) != 0;
    }
    if (pending) {
        return xstrdup("flows still being installed");
    }
    return NULL;
}

/* Sends the reserved ARP reply for each of 'r''s interfaces out of every
 * trusted trunk of its bridge.  Returns the number of frames sent. */
static size_t
announce(const struct xf_router *r)
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
            eth_push_vlan(packet, htons(ETH_TYPE_VLAN),
                          htons(iface->vlan & VLAN_VID_MASK));
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
session_try_announce(struct peer_session *s)
{
    struct xf_router *r = xf_router_find(s->router);
    char *why = r ? router_unready(r) : xasprintf("router %s is no longer "
                                                  "configured here",
                                                  s->router);
    if (!why) {
        size_t n = announce(r);
        VLOG_INFO("%s: node session %u: router %s arrived; %"PRIuSIZE
                  " announcements sent", s->name, s->id, r->name, n);
        struct json *result = json_object_create();
        json_object_put(result, "announced", json_integer_create(n));
        jsonrpc_send(s->rpc, jsonrpc_create_reply(result, s->announce_id));
        s->state = P_ARRIVED;
    } else if (time_msec() >= s->announce_deadline) {
        send_error(s, s->announce_id, "not ready", "router %s cannot "
                   "forward here after %d s: %s", s->router,
                   ANNOUNCE_WAIT_MS / 1000, why);
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
    if (s->state != P_READY) {
        send_error(s, req->id, "out of order", "migrate-announce is only "
                   "valid after migrate-ready (state %s)",
                   peer_state_name(s->state));
        return;
    }
    s->state = P_ANNOUNCING;
    s->announce_id = json_clone(req->id);
    s->announce_deadline = time_msec() + ANNOUNCE_WAIT_MS;
    session_try_announce(s);
}

static void
handle_request(struct peer_session *s, const struct jsonrpc_msg *req)
{
    const char *method = req->method;

    if (!s->authorized) {
        const char *cn = stream_get_peer_id(s->stream);
        free(s->peer_id);
        s->peer_id = nullable_xstrdup(cn);
        s->authorized = !s->is_ssl || peer_allowed(cn);
        if (!s->authorized) {
            send_error(s, req->id, "not authorized", "certificate \"%s\" is "
                       "not a XenFlow node (other_config:%s)",
                       cn ? cn : "(no CN)", XF_KEY_PEERS);
            s->state = P_CLOSING;
            s->close_at = time_msec() + 1000;
            return;
        }
    }

    if (!strcmp(method, "echo")) {
        jsonrpc_send(s->rpc, jsonrpc_create_reply(json_clone(req->params),
                                                  req->id));
    } else if (!strcmp(method, "migrate-begin")) {
        handle_begin(s, req);
    } else if (!strcmp(method, "update")) {
        handle_update(s, req);
    } else if (!strcmp(method, "migrate-ready")) {
        handle_ready(s, req);
    } else if (!strcmp(method, "migrate-announce")) {
        handle_announce(s, req);
    } else {
        send_error(s, req->id, "unknown method", "\"%s\" is not a method of "
                   "node protocol version %d", method, PEER_PROTOCOL);
    }
}

static void
handle_notify(struct peer_session *s, const struct jsonrpc_msg *msg)
{
    if (!strcmp(msg->method, "migrate-abort") && s->authorized) {
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
        session_set_error(s, why);
        session_abandon(s, why);
        free(why);
    } else {
        s->n_errors++;
        session_set_error(s, "unexpected notification");
    }
}

/* Returns false if 's' was closed. */
static bool
session_run(struct peer_session *s)
{
    jsonrpc_run(s->rpc);
    int error = jsonrpc_get_status(s->rpc);
    if (error) {
        session_close(s, ovs_retval_to_string(error));
        return false;
    }
    if (s->state == P_CLOSING) {
        if (!jsonrpc_get_backlog(s->rpc) || time_msec() >= s->close_at) {
            session_close(s, s->last_error ? s->last_error : "closing");
            return false;
        }
        return true;
    }
    if (s->state == P_ANNOUNCING) {
        session_try_announce(s);
    }

    for (int i = 0; i < MAX_PEER_REQUESTS_PER_RUN; i++) {
        struct jsonrpc_msg *msg;
        error = xf_rpc_recv_paced(s->rpc, &s->held, &msg);
        if (error) {
            break;
        }
        if (msg->type == JSONRPC_REQUEST) {
            handle_request(s, msg);
        } else if (msg->type == JSONRPC_NOTIFY) {
            handle_notify(s, msg);
        }
        jsonrpc_msg_destroy(msg);
        if (s->state == P_CLOSING || s->state == P_ANNOUNCING) {
            break;
        }
    }
    if (error && error != EAGAIN) {
        const char *why = (error == EOF ? "end of stream"
                           : "invalid JSON-RPC message or TLS failure");
        if (error != EOF) {
            s->n_errors++;
            COVERAGE_INC(xenflow_peer_error);
            session_set_error(s, why);
        }
        session_close(s, why);
        return false;
    }
    return true;
}

static void
accept_session(struct stream *stream, const char *listener)
{
    struct peer_session *s = xzalloc(sizeof *s);
    s->id = next_session_id++;
    s->stream = stream;
    s->rpc = jsonrpc_open(stream);
    s->name = xstrdup(stream_get_name(stream));
    s->is_ssl = !strncmp(listener, "pssl:", 5);
    s->state = P_NEW;
    s->connected = time_msec();
    ovs_list_push_back(&peer_sessions, &s->node);
    VLOG_INFO("%s: XenFlow node session %u connected via %s", s->name, s->id,
              listener);
}

void
xf_migrate_run(void)
{
    xf_rpc_listeners_accept(&listeners, accept_session);

    struct peer_session *s;
    LIST_FOR_EACH_SAFE (s, node, &peer_sessions) {
        session_run(s);
    }

    struct migration *m;
    LIST_FOR_EACH_SAFE (m, node, &migrations) {
        if (m->phase < MIG_DONE) {
            migration_run(m);
        }
    }
}

void
xf_migrate_wait(void)
{
    xf_rpc_listeners_wait(&listeners);

    struct peer_session *s;
    LIST_FOR_EACH (s, node, &peer_sessions) {
        jsonrpc_wait(s->rpc);
        if (s->state == P_CLOSING) {
            poll_timer_wait_until(s->close_at);
        } else if (s->held) {
            xf_bulk_wait();
        } else {
            jsonrpc_recv_wait(s->rpc);
        }
        if (s->state == P_ANNOUNCING) {
            /* Ports appear and flows get installed elsewhere: look again
             * soon. */
            poll_timer_wait(10);
        }
    }

    const struct migration *m;
    LIST_FOR_EACH (m, node, &migrations) {
        migration_wait(m);
    }
}

void
xf_migrate_destroy(void)
{
    struct migration *m;
    LIST_FOR_EACH_SAFE (m, node, &migrations) {
        if (m->phase < MIG_DONE) {
            migration_fail(m, "ovs-vswitchd exiting");
        }
        migration_destroy(m);
    }

    struct peer_session *s;
    LIST_FOR_EACH_SAFE (s, node, &peer_sessions) {
        session_close(s, "ovs-vswitchd exiting");
    }

    struct arrival *a;
    LIST_FOR_EACH_SAFE (a, node, &arrivals) {
        arrival_destroy(a);
    }

    xf_rpc_listeners_close(&listeners, "XenFlow nodes");
    sset_clear(&peers);
    free(mover_spec);
    mover_spec = NULL;
}

/* Commands. */

/* xenflow/migrate ROUTER PEER [VM-DEST] */
static void
cmd_migrate(struct unixctl_conn *conn, int argc, const char *argv[],
            void *aux OVS_UNUSED)
{
    const char *router = argv[1];
    const char *peer = argv[2];

    struct xf_router *r = xf_router_find(router);
    if (!r) {
        xf_appctl_reply_error(conn, "no router named %s", router);
        return;
    }
    const struct migration *running = migration_running(router);
    if (running) {
        xf_appctl_reply_error(conn, "router %s is already migrating to %s "
                              "(migration %u, phase %s); try again when it "
                              "ends", router, running->peer, running->id,
                              phase_name(running->phase));
        return;
    }
    const struct peer_session *incoming = incoming_session(router);
    if (incoming) {
        xf_appctl_reply_error(conn, "router %s is arriving here from %s; "
                              "it cannot leave before it arrived", router,
                              incoming->name);
        return;
    }
    if (!mover_spec) {
        xf_appctl_reply_error(conn, "no control-plane mover: set "
                              "Open_vSwitch other_config:%s=exec:PROGRAM "
                              "or libvirt:URI", XF_KEY_MOVER);
        return;
    }
    if (strncmp(peer, "ssl:", 4) && strncmp(peer, "unix:", 5)) {
        xf_appctl_reply_error(conn, "%s: a XenFlow node is reached through "
                              "ssl:HOST[:PORT] or unix:PATH", peer);
        return;
    }
    if (!strncmp(peer, "ssl:", 4) && !stream_ssl_is_configured()) {
        xf_appctl_reply_error(conn, "%s: SSL is not configured (ovs-vsctl "
                              "set-ssl PRIVATE-KEY CERTIFICATE CA-CERT)",
                              peer);
        return;
    }

    struct stream *stream;
    int error = stream_open(peer, &stream, DSCP_DEFAULT);
    if (error) {
        xf_appctl_reply_error(conn, "%s: %s", peer,
                              ovs_retval_to_string(error));
        return;
    }

    struct migration *m = xzalloc(sizeof *m);
    m->id = next_migration_id++;
    m->router = xstrdup(router);
    m->peer = xstrdup(peer);
    if (argc > 3) {
        m->vm_dest = xstrdup(argv[3]);
    } else {
        /* "ssl:HOST:PORT" -> "HOST"; "unix:PATH" -> "PATH". */
        const char *host = strchr(peer, ':') + 1;
        const char *colon = strchr(host, ':');
        m->vm_dest = (colon && !strncmp(peer, "ssl:", 4)
                      ? xmemdup0(host, colon - host) : xstrdup(host));
    }
    m->mover_spec = xstrdup(mover_spec);
    m->stream = stream;
    m->started = m->phase_started = time_msec();
    m->deadline = m->started + timeout_ms;
    m->phase = MIG_CONNECT;
    xf_router_set_held(r, true);
    ovs_list_push_back(&migrations, &m->node);
    migrations_trim();
    COVERAGE_INC(xenflow_migrate_start);
    VLOG_INFO("migration %u of router %s to %s (VM to %s) started", m->id,
              router, peer, m->vm_dest);

    char *reply = xasprintf("migration %u of router %s to %s started\n",
                            m->id, router, peer);
    unixctl_command_reply(conn, reply);
    free(reply);
}

/* Packets counted by table 0's announcement flows of 'br'. */
static void
announce_counts(const char *bridge, unsigned long long *accepted,
                unsigned long long *dropped)
{
    struct ofproto *ofproto = ofproto_lookup(bridge);
    struct rule *rule;

    *accepted = *dropped = 0;
    if (!ofproto || !ofproto->n_tables) {
        return;
    }
    CLS_FOR_EACH (rule, cr, &ofproto->tables[XF_TABLE_CLASSIFY].cls) {
        uint64_t cookie = ntohll(rule->flow_cookie);
        if (xf_cookie_is_ours(cookie)
            && xf_cookie_kind(cookie) == XF_FLOW_CLASSIFY
            && xf_cookie_owner(cookie) >= XF_OWNER_ANNOUNCE_ACCEPTED) {
            struct pkt_stats ps;
            long long int used;
            ofproto->ofproto_class->rule_get_stats(rule, &ps, &used);
            *(xf_cookie_owner(cookie) == XF_OWNER_ANNOUNCE_ACCEPTED
              ? accepted : dropped) += ps.n_packets;
        }
    }
}

/* xenflow/migrate/show [--json] */
static void
cmd_show(struct unixctl_conn *conn, int argc, const char *argv[],
         void *aux OVS_UNUSED)
{
    bool json = xf_appctl_take_json(&argc, argv);
    if (argc > 1) {
        xf_appctl_reply_error(conn, "%s: unexpected argument \"%s\" "
                              "(usage: %s [--json])", argv[0], argv[1],
                              argv[0]);
        return;
    }

    struct table t;
    table_init(&t);
    table_add_column(&t, "id");
    table_add_column(&t, "router");
    table_add_column(&t, "direction");
    table_add_column(&t, "peer");
    table_add_column(&t, "phase");
    table_add_column(&t, "elapsed-ms");
    table_add_column(&t, "routes");
    table_add_column(&t, "neighbors");
    table_add_column(&t, "copied");
    table_add_column(&t, "rejected");
    table_add_column(&t, "precopy-ms");
    table_add_column(&t, "move-ms");
    table_add_column(&t, "result");

    long long int now = time_msec();
    const struct migration *m;
    LIST_FOR_EACH (m, node, &migrations) {
        table_add_row(&t);
        xf_table_add_int(&t, m->id);
        xf_table_add_text(&t, m->router);
        xf_table_add_text(&t, "out");
        xf_table_add_text(&t, m->peer);
        xf_table_add_text(&t, phase_name(m->phase));
        xf_table_add_int(&t, (m->phase >= MIG_DONE ? m->ended : now)
                         - m->started);
        xf_table_add_int(&t, m->n_routes);
        xf_table_add_int(&t, m->n_neighs);
        xf_table_add_int(&t, m->n_applied);
        xf_table_add_int(&t, m->n_rejected);
        xf_table_add_int(&t, m->precopy_ms);
        xf_table_add_int(&t, m->move_ms);
        xf_table_add_text(&t, (m->phase == MIG_DONE ? "completed"
                               : m->phase == MIG_FAILED ? m->error
                               : "running"));
    }
    const struct arrival *a;
    LIST_FOR_EACH (a, node, &arrivals) {
        table_add_row(&t);
        xf_table_add_int(&t, a->session_id);
        xf_table_add_text(&t, a->router);
        xf_table_add_text(&t, "in");
        xf_table_add_text(&t, a->peer);
        xf_table_add_text(&t, a->arrived ? "arrived" : "abandoned");
        xf_table_add_int(&t, a->elapsed);
        xf_table_add_int(&t, a->n_routes);
        xf_table_add_int(&t, a->n_neighs);
        xf_table_add_int(&t, a->n_applied);
        xf_table_add_int(&t, a->n_rejected);
        xf_table_add_text(&t, "-");
        xf_table_add_text(&t, "-");
        xf_table_add_text(&t, a->result);
    }
    const struct peer_session *s;
    LIST_FOR_EACH (s, node, &peer_sessions) {
        const struct xf_router *r = s->router ? xf_router_find(s->router)
                                              : NULL;
        table_add_row(&t);
        xf_table_add_int(&t, s->id);
        xf_table_add_text(&t, s->router ? s->router : "-");
        xf_table_add_text(&t, "in");
        xf_table_add_text(&t, s->peer_id ? s->peer_id : s->name);
        xf_table_add_text(&t, peer_state_name(s->state));
        xf_table_add_int(&t, now - s->connected);
        xf_table_add_int(&t, r ? hmap_count(&r->rib.routes) : 0);
        xf_table_add_int(&t, r ? hmap_count(&r->rib.neighs) : 0);
        xf_table_add_int(&t, s->n_applied);
        xf_table_add_int(&t, s->n_rejected);
        xf_table_add_text(&t, "-");
        xf_table_add_text(&t, "-");
        xf_table_add_text(&t, s->last_error ? s->last_error
                          : s->state == P_ARRIVED ? "arrived" : "-");
    }

    if (json) {
        xf_appctl_reply_table(conn, &t, true);
        return;
    }

    struct ds out = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&out, "Node listeners:");
    if (shash_is_empty(&listeners)) {
        ds_put_format(&out, " none (set other_config:%s)",
                      XF_KEY_PEER_LISTEN);
    }
    const struct shash_node **nodes = shash_sort(&listeners);
    for (size_t i = 0; i < shash_count(&listeners); i++) {
        ds_put_format(&out, " %s", nodes[i]->name);
    }
    free(nodes);
    ds_put_format(&out, "\nMover: %s\nDrain %lld ms, timeout %lld s\n",
                  mover_spec ? mover_spec : "none", drain_ms,
                  timeout_ms / 1000);

    struct sset bridges = SSET_INITIALIZER(&bridges);
    xf_get_bridge_names(&bridges);
    const char *name;
    SSET_FOR_EACH (name, &bridges) {
        unsigned long long accepted, dropped;
        announce_counts(name, &accepted, &dropped);
        if (accepted || dropped) {
            ds_put_format(&out, "Bridge %s: %llu announcements accepted "
                          "from trusted ports, %llu dropped\n", name,
                          accepted, dropped);
        }
    }
    sset_destroy(&bridges);
    ds_put_char(&out, '\n');

    if (ovs_list_is_empty(&migrations) && ovs_list_is_empty(&peer_sessions)
        && ovs_list_is_empty(&arrivals)) {
        ds_put_cstr(&out, "No migrations.\n");
        table_destroy(&t);
    } else {
        struct table_style style = TABLE_STYLE_DEFAULT;
        style.format = TF_TABLE;
        table_format_reset();
        table_format(&t, &style, &out);
        table_destroy(&t);
    }
    unixctl_command_reply(conn, ds_cstr(&out));
    ds_destroy(&out);
}

void
xf_migrate_register_commands(void)
{
    unixctl_command_register("xenflow/migrate", "ROUTER PEER [VM-DEST]", 2,
                             3, cmd_migrate, NULL);
    unixctl_command_register("xenflow/migrate/show", "[--json]", 0, 1,
                             cmd_show, NULL);
}
