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

#include "xenflow/server.h"

#include <errno.h>
#include <string.h>

#include "coverage.h"
#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/json.h"
#include "openvswitch/list.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/token-bucket.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "smap.h"
#include "stream-ssl.h"
#include "stream.h"
#include "svec.h"
#include "table.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "xenflow/appctl.h"
#include "xenflow/conf.h"
#include "xenflow/model.h"
#include "xenflow/pace.h"
#include "xenflow/proto.h"
#include "xenflow/rib.h"
#include "xenflow/router.h"
#include "xenflow/routers.h"
#include "xenflow/rpc.h"

VLOG_DEFINE_THIS_MODULE(xenflow_server);

COVERAGE_DEFINE(xenflow_client_connect);
COVERAGE_DEFINE(xenflow_client_request);
COVERAGE_DEFINE(xenflow_client_error);
COVERAGE_DEFINE(xenflow_client_withdraw);

static long long int grace_ms;
static unsigned int max_message;
static unsigned int rate_limit;
static unsigned int probe_ms;

/* Most requests handled per session per main-loop iteration.  A client's
 * snapshot (a million routes) is bulk work: xenflow/pace.h decides how much
 * of the main thread it gets, and the rest waits in the socket. */
#define MAX_REQUESTS_PER_RUN 10
static bool paced;              /* A session's message waits. */

/* OVS's jsonrpc reads 4096 bytes at a time, so the bytes received while a
 * message completes may include that much of the next one. */
#define RX_SLACK 4096


/* Passive remotes, by name ("pssl:6653"). */
static struct shash listeners = SHASH_INITIALIZER(&listeners);

enum session_state {
    S_NEW,                      /* Waiting for "hello". */
    S_READY,                    /* Hello done, no snapshot yet. */
    S_SYNCING,                  /* Between "sync-begin" and "sync-end". */
    S_SYNCED,                   /* Snapshot done, incremental updates. */
    S_CLOSING,                  /* Flushing a last message, then closed. */
};

static const char *
session_state_name(enum session_state state)
{
    switch (state) {
    case S_NEW: return "hello-wait";
    case S_READY: return "ready";
    case S_SYNCING: return "syncing";
    case S_SYNCED: return "synced";
    case S_CLOSING: return "closing";
    }
    return "?";
}

/* The VM's view of one of its interfaces, from "hello". */
struct vm_iface {
    char *name;
    struct eth_addr mac;
};

/* One client connection. */
struct session {
    struct ovs_list node;       /* In 'sessions'. */
    unsigned int id;
    struct jsonrpc *rpc;
    struct stream *stream;      /* Owned by 'rpc', which closes it on any
                                 * error: only read while 'rpc' is known
                                 * healthy (in handle_hello()). */
    char *peer_id;              /* Certificate CN, copied at hello. */
    char *name;                 /* Remote, for logs. */
    bool is_ssl;
    enum session_state state;
    long long int connected;    /* time_msec() of accept. */
    long long int last_rx;      /* time_msec() of the last message. */
    long long int close_at;     /* S_CLOSING: give up flushing then. */
    unsigned int rx_mark;       /* Received bytes at the last message. */
    struct jsonrpc_msg *held;   /* Waits for bulk work to resume. */
    struct token_bucket bucket;

    /* After "hello". */
    char *router;
    char *client;
    struct vm_iface *ifaces;
    size_t n_ifaces;

    /* Counters. */
    unsigned long long n_requests;
    unsigned long long n_applied;    /* Entries applied. */
    unsigned long long n_rejected;   /* Entries refused. */
    unsigned long long n_errors;     /* Requests refused. */
    unsigned long long n_rate_limited;
    char *last_error;
};

static struct ovs_list sessions = OVS_LIST_INITIALIZER(&sessions);
static unsigned int next_session_id = 1;

/* What the server knows of a router's client, across sessions. */
struct router_link {
    struct hmap_node node;      /* In 'links', by 'router'. */
    char *router;
    struct session *session;    /* Current session, or NULL. */
    bool orphaned;              /* Its tables came from a session that
                                 * ended and no snapshot completed since. */
    long long int orphaned_at;  /* When that session ended. */
    char *moved_to;             /* The node the router migrated to, until
                                 * a client says hello for it here again;
                                 * else NULL. */
    unsigned long long n_sessions;
};

static struct hmap links = HMAP_INITIALIZER(&links);

static struct router_link *
link_find(const char *router)
{
    struct router_link *link;

    HMAP_FOR_EACH_WITH_HASH (link, node, hash_string(router, 0), &links) {
        if (!strcmp(link->router, router)) {
            return link;
        }
    }
    return NULL;
}

static struct router_link *
link_get(const char *router)
{
    struct router_link *link = link_find(router);
    if (!link) {
        link = xzalloc(sizeof *link);
        link->router = xstrdup(router);
        hmap_insert(&links, &link->node, hash_string(router, 0));
    }
    return link;
}

/* Configuration. */

/* Applies the server's keys from the Open_vSwitch table's 'other_config'
 * (parsed by conf.c).  Problems go to 'errors'; a listener that cannot be
 * opened is reported and retried at the next reconfiguration. */
void
xf_server_reconfigure(const struct smap *cfg, struct svec *errors)
{
    struct xf_server_conf conf;

    xf_server_conf_parse(cfg, &conf, errors);
    grace_ms = conf.grace * 1000LL;
    max_message = conf.max_message;
    rate_limit = conf.rate;
    probe_ms = conf.probe;

    struct session *s;
    LIST_FOR_EACH (s, node, &sessions) {
        token_bucket_set(&s->bucket, rate_limit, rate_limit * 1000);
    }

    xf_rpc_listeners_reconfigure(&listeners, &conf.listen, XF_KEY_LISTEN,
                                 "xenflow clients", errors);
    xf_server_conf_destroy(&conf);
}

/* Sessions. */

static void
session_set_error(struct session *s, const char *error)
{
    free(s->last_error);
    s->last_error = xstrdup(error);
}

static void
session_close(struct session *s, const char *why)
{
    VLOG_INFO("%s: xenflow client session %u%s%s closed (%s)", s->name,
              s->id, s->router ? " for router " : "",
              s->router ? s->router : "", why);

    if (s->router) {
        struct router_link *link = link_find(s->router);
        if (link && link->session == s) {
            link->session = NULL;
            link->orphaned = true;
            link->orphaned_at = time_msec();
        }
    }
    ovs_list_remove(&s->node);
    jsonrpc_msg_destroy(s->held);
    jsonrpc_close(s->rpc);
    for (size_t i = 0; i < s->n_ifaces; i++) {
        free(s->ifaces[i].name);
    }
    free(s->ifaces);
    free(s->router);
    free(s->client);
    free(s->name);
    free(s->peer_id);
    free(s->last_error);
    free(s);
}

/* Sends 'msg' and then closes 's' once it is flushed (or after a second). */
static void
session_close_after(struct session *s, struct jsonrpc_msg *msg)
{
    jsonrpc_send(s->rpc, msg);
    s->state = S_CLOSING;
    s->close_at = time_msec() + 1000;
}

/* Tells the client of 's' why, and closes 's' from its own session_run(),
 * not here: the caller may be iterating over 'sessions'. */
static void
session_close_soon(struct session *s, const char *why)
{
    session_set_error(s, why);
    session_close_after(s, jsonrpc_create_notify(
                            "error", json_array_create_1(
                                json_string_create(why))));
    s->close_at = time_msec();
}

static void
send_error(struct session *s, const struct json *id, const char *code,
           const char *format, ...) OVS_PRINTF_FORMAT(4, 5);

/* Replies to request 'id' with an error 'code' ("rate limited", ...) and
 * details, counts and logs it. */
static void
send_error(struct session *s, const struct json *id, const char *code,
           const char *format, ...)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    va_list args;

    va_start(args, format);
    char *details = xvasprintf(format, args);
    va_end(args);

    VLOG_WARN_RL(&rl, "%s: session %u%s%s: %s: %s", s->name, s->id,
                 s->router ? " router " : "", s->router ? s->router : "",
                 code, details);
    COVERAGE_INC(xenflow_client_error);
    s->n_errors++;
    char *text = xasprintf("%s: %s", code, details);
    session_set_error(s, text);
    free(text);

    jsonrpc_send(s->rpc, xf_rpc_error(id, code, details));
    free(details);
}

/* Returns the switch-side interface of router 'r' that VM interface
 * 'vm_name' (from "hello") maps to, by MAC, or NULL. */
static const char *
map_dev(const struct session *s, const struct xf_router *r,
        const char *vm_name)
{
    for (size_t i = 0; i < s->n_ifaces; i++) {
        if (!strcmp(s->ifaces[i].name, vm_name)) {
            for (size_t j = 0; j < r->n_ifaces; j++) {
                if (eth_addr_equals(r->ifaces[j].mac, s->ifaces[i].mac)) {
                    return r->ifaces[j].name;
                }
            }
            return NULL;
        }
    }
    return NULL;
}

/* Translates VM interface name '*devp' (may be NULL) to the switch's.
 * Returns NULL or an error. */
static char *
translate_dev(const void *s_, const struct xf_router *r, char **devp)
{
    const struct session *s = s_;

    if (*devp) {
        const char *port = map_dev(s, r, *devp);
        if (!port) {
            bool announced = false;
            for (size_t i = 0; i < s->n_ifaces; i++) {
                announced |= !strcmp(s->ifaces[i].name, *devp);
            }
            return (announced
                    ? xasprintf("dev %s is not an interface of router %s "
                                "(no XenFlow port has its MAC)", *devp,
                                r->name)
                    : xasprintf("dev %s was not announced in hello", *devp));
        }
        free(*devp);
        *devp = xstrdup(port);
    }
    return NULL;
}

static struct xf_router *
session_router(struct session *s, const struct json *id)
{
    struct xf_router *r = xf_router_find(s->router);
    if (!r) {
        send_error(s, id, "unknown router", "router %s is no longer "
                   "configured", s->router);
    }
    return r;
}

/* Whether certificate common name 'cn' is identity 'id'.  "ovs-pki
 * req+sign NAME" without --unique makes "NAME id:UUID", which counts as
 * NAME. */
bool
xf_server_identity_matches(const char *cn, const char *id)
{
    size_t len = strlen(id);

    return (cn && !strncmp(cn, id, len)
            && (!cn[len] || !strncmp(cn + len, " id:", 4)));
}

static void
handle_hello(struct session *s, const struct jsonrpc_msg *req)
{
    if (s->state != S_NEW) {
        send_error(s, req->id, "duplicate hello", "this session already "
                   "said hello (router %s)", s->router);
        return;
    }

    struct xf_proto_hello hello;
    char *error = xf_proto_parse_hello(req->params, &hello);
    if (error) {
        send_error(s, req->id, "invalid params", "%s", error);
        free(error);
        xf_proto_hello_destroy(&hello);
        return;
    }
    if (hello.protocol != XF_PROTO_VERSION) {
        send_error(s, req->id, "protocol version", "protocol %"PRId64" is "
                   "not supported; this server speaks version %d",
                   hello.protocol, XF_PROTO_VERSION);
        xf_proto_hello_destroy(&hello);
        return;
    }

    struct xf_router *r = xf_router_find(hello.router);
    const char *peer = stream_get_peer_id(s->stream);
    free(s->peer_id);
    s->peer_id = nullable_xstrdup(peer);
    if (!r) {
        send_error(s, req->id, "unknown router", "no XenFlow router is "
                   "named %s here", hello.router);
    } else if (s->is_ssl
               && !xf_server_identity_matches(peer,
                                              xf_router_client_id(r))) {
        send_error(s, req->id, "not authorized", "certificate \"%s\" may "
                   "not program router %s (it accepts \"%s\")",
                   peer ? peer : "(no CN)", r->name, xf_router_client_id(r));
        r = NULL;
    }
    if (!r) {
        xf_proto_hello_destroy(&hello);
        return;
    }

    /* A newer session for the same router wins: the old one is a client
     * that restarted, or one left behind on a host the router moved from. */
    struct router_link *link = link_get(r->name);
    if (link->session) {
        char *why = xasprintf("replaced by session %u for router %s", s->id,
                              r->name);
        session_close_soon(link->session, why);
        free(why);
    }
    link->session = s;
    link->n_sessions++;
    free(link->moved_to);
    link->moved_to = NULL;

    s->state = S_READY;
    s->router = xstrdup(r->name);
    s->client = nullable_xstrdup(hello.client);
    s->ifaces = xcalloc(hello.n_ifaces, sizeof *s->ifaces);
    s->n_ifaces = hello.n_ifaces;

    struct json *mapped = json_array_create_empty();
    struct json *unmapped = json_array_create_empty();
    for (size_t i = 0; i < hello.n_ifaces; i++) {
        s->ifaces[i].name = xstrdup(hello.ifaces[i].name);
        s->ifaces[i].mac = hello.ifaces[i].mac;
        const char *port = map_dev(s, r, s->ifaces[i].name);
        if (port) {
            struct json *m = json_object_create();
            json_object_put_string(m, "name", s->ifaces[i].name);
            json_object_put_string(m, "port", port);
            json_array_add(mapped, m);
        } else {
            json_array_add(unmapped, json_string_create(s->ifaces[i].name));
        }
    }
    VLOG_INFO("%s: session %u: router %s (%s), %"PRIuSIZE" interfaces, "
              "%"PRIuSIZE" mapped", s->name, s->id, r->name,
              s->client ? s->client : "unknown client", hello.n_ifaces,
              json_array(mapped)->n);

    struct json *result = json_object_create();
    json_object_put(result, "protocol", json_integer_create(XF_PROTO_VERSION));
    json_object_put_string(result, "router", r->name);
    json_object_put(result, "session", json_integer_create(s->id));
    json_object_put(result, "max-batch",
                    json_integer_create(XF_PROTO_MAX_BATCH));
    json_object_put(result, "probe-interval", json_integer_create(probe_ms));
    json_object_put(result, "max-message", json_integer_create(max_message));
    json_object_put(result, "routes-text", json_boolean_create(true));
    json_object_put(result, "interfaces", mapped);
    json_object_put(result, "unmapped", unmapped);
    jsonrpc_send(s->rpc, jsonrpc_create_reply(result, req->id));
    xf_proto_hello_destroy(&hello);
}

static void
handle_update(struct session *s, const struct jsonrpc_msg *req)
{
    struct xf_router *r = session_router(s, req->id);
    if (!r) {
        return;
    }

    struct xf_proto_update u;
    char *error = xf_proto_parse_update(req->params, XF_PROTO_MAX_BATCH, &u);
    if (error) {
        send_error(s, req->id, (strstr(error, "allowed in one request")
                                ? "too many entries" : "invalid params"),
                   "%s", error);
        free(error);
        xf_proto_update_destroy(&u);
        return;
    }

    size_t n_parse_errors = u.errors.n;
    size_t n_applied = xf_rpc_apply_update(r, &u, translate_dev, s);

    size_t n_rejected = u.errors.n;
    s->n_applied += n_applied;
    s->n_rejected += n_rejected;
    r->n_rejected += n_rejected - n_parse_errors;
    if (n_rejected) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
        VLOG_WARN_RL(&rl, "%s: session %u router %s: %"PRIuSIZE" entries "
                     "rejected, first: %s", s->name, s->id, r->name,
                     n_rejected, u.errors.names[0]);
        session_set_error(s, u.errors.names[0]);
    }

    jsonrpc_send(s->rpc, jsonrpc_create_reply(
                     xf_rpc_update_result(n_applied, &u.errors), req->id));
    xf_proto_update_destroy(&u);
}

static void
handle_sync(struct session *s, const struct jsonrpc_msg *req, bool begin)
{
    char *error = xf_proto_parse_empty(req->params);
    if (error) {
        send_error(s, req->id, "invalid params", "%s", error);
        free(error);
        return;
    }
    struct xf_router *r = session_router(s, req->id);
    if (!r) {
        return;
    }

    struct json *result = json_object_create();
    if (begin) {
        xf_router_begin_sync(r);
        s->state = S_SYNCING;
    } else if (s->state != S_SYNCING) {
        json_destroy(result);
        send_error(s, req->id, "invalid params", "sync-end without "
                   "sync-begin");
        return;
    } else {
        size_t n = xf_router_sweep(r);
        struct router_link *link = link_get(r->name);
        link->orphaned = false;
        s->state = S_SYNCED;
        VLOG_INFO("%s: session %u: router %s synchronised (%"PRIuSIZE
                  " stale entries removed)", s->name, s->id, r->name, n);
        json_object_put(result, "removed", json_integer_create(n));
    }
    jsonrpc_send(s->rpc, jsonrpc_create_reply(result, req->id));
}

static void
handle_request(struct session *s, const struct jsonrpc_msg *req)
{
    const char *method = req->method;

    COVERAGE_INC(xenflow_client_request);
    s->n_requests++;
    if (!strcmp(method, "echo")) {
        jsonrpc_send(s->rpc, jsonrpc_create_reply(json_clone(req->params),
                                                  req->id));
    } else if (!token_bucket_withdraw(&s->bucket, 1000)) {
        s->n_rate_limited++;
        send_error(s, req->id, "rate limited", "more than %u requests per "
                   "second; request not applied, resynchronise later",
                   rate_limit);
    } else if (!strcmp(method, "hello")) {
        handle_hello(s, req);
    } else if (strcmp(method, "update") && strcmp(method, "sync-begin")
               && strcmp(method, "sync-end")) {
        send_error(s, req->id, "unknown method", "\"%s\" is not a method "
                   "of protocol version %d", method, XF_PROTO_VERSION);
    } else if (s->state == S_NEW) {
        send_error(s, req->id, "no hello", "send \"hello\" before \"%s\"",
                   method);
    } else if (!strcmp(method, "update")) {
        handle_update(s, req);
    } else {
        handle_sync(s, req, !strcmp(method, "sync-begin"));
    }
}

static void
handle_message(struct session *s, struct jsonrpc_msg *msg)
{
    if (msg->type == JSONRPC_REQUEST) {
        handle_request(s, msg);
    } else if (msg->type == JSONRPC_NOTIFY) {
        /* Nothing to reply to; the protocol has no notifications from the
         * client.  Count it so that a confused client is visible. */
        s->n_errors++;
        session_set_error(s, "unexpected notification");
    }
    /* Replies (to our echo requests, if any) need no handling. */
}

static void
session_close_oversized(struct session *s)
{
    char *why = xasprintf("message exceeds %u bytes (other_config:%s)",
                          max_message, XF_KEY_CLIENT_MAX_MESSAGE);
    s->n_errors++;
    COVERAGE_INC(xenflow_client_error);
    session_set_error(s, why);
    struct json *params = json_array_create_1(json_string_create(why));
    session_close_after(s, jsonrpc_create_notify("error", params));
    free(why);
}

/* Returns false if 's' was closed. */
static bool
session_run(struct session *s)
{
    jsonrpc_run(s->rpc);
    int error = jsonrpc_get_status(s->rpc);
    if (error) {
        session_close(s, error == EOF ? "end of stream"
                      : ovs_strerror(error));
        return false;
    }

    long long int now = time_msec();
    if (s->state == S_CLOSING) {
        if (!jsonrpc_get_backlog(s->rpc) || now >= s->close_at) {
            session_close(s, s->last_error ? s->last_error : "closing");
            return false;
        }
        return true;
    }

    for (int i = 0; i < MAX_REQUESTS_PER_RUN; i++) {
        struct jsonrpc_msg *msg;

        error = xf_rpc_recv_paced(s->rpc, &s->held, &msg);
        if (error) {
            if (s->held) {
                s->last_rx = now;
                paced = true;
            }
            break;
        }
        s->last_rx = now;
        unsigned int received = jsonrpc_get_received_bytes(s->rpc);
        unsigned int size = received - s->rx_mark;
        s->rx_mark = received;
        if (size > max_message + RX_SLACK) {
            /* It arrived whole, within one iteration: refuse it anyway. */
            jsonrpc_msg_destroy(msg);
            session_close_oversized(s);
            return true;
        }
        handle_message(s, msg);
        jsonrpc_msg_destroy(msg);
        if (s->state == S_CLOSING) {
            return true;
        }
    }
    if (error && error != EAGAIN) {
        /* A JSON or JSON-RPC syntax error, or the end of the stream.  The
         * stream cannot be resynchronised after a syntax error, so it
         * ends; the client reconnects and resends a snapshot. */
        const char *why = (error == EOF ? "end of stream"
                           : s->is_ssl && !s->n_requests
                           ? "TLS handshake failed or invalid first message"
                           : "invalid JSON-RPC message");
        if (error != EOF) {
            s->n_errors++;
            COVERAGE_INC(xenflow_client_error);
            session_set_error(s, why);
        }
        session_close(s, why);
        return false;
    }

    unsigned int pending = jsonrpc_get_received_bytes(s->rpc) - s->rx_mark;
    if (pending > max_message + RX_SLACK) {
        /* Still incomplete, and already too big: stop reading it. */
        session_close_oversized(s);
        return true;
    }
    if (now - s->last_rx > 3LL * probe_ms) {
        session_close(s, "no message for three probe intervals");
        return false;
    }
    return true;
}

static void
accept_session(struct stream *stream, const char *listener)
{
    struct session *s = xzalloc(sizeof *s);
    s->id = next_session_id++;
    s->stream = stream;
    s->rpc = jsonrpc_open(stream);
    s->name = xstrdup(stream_get_name(stream));
    s->is_ssl = !strncmp(listener, "pssl:", 5);
    s->state = S_NEW;
    s->connected = s->last_rx = time_msec();
    token_bucket_init(&s->bucket, rate_limit, rate_limit * 1000);
    ovs_list_push_back(&sessions, &s->node);
    COVERAGE_INC(xenflow_client_connect);
    VLOG_INFO("%s: xenflow client session %u connected via %s",
              s->name, s->id, listener);
}

/* Withdraws the tables of routers whose client went away more than the
 * grace period ago without a new snapshot. */
static void
expire_links(void)
{
    long long int now = time_msec();
    struct router_link *link;

    HMAP_FOR_EACH (link, node, &links) {
        if (link->orphaned && now >= link->orphaned_at + grace_ms
            && (!link->session || link->session->state < S_SYNCING)) {
            struct xf_router *r = xf_router_find(link->router);
            link->orphaned = false;
            if (r) {
                size_t n = xf_router_withdraw_all(r);
                COVERAGE_INC(xenflow_client_withdraw);
                VLOG_WARN("router %s: no client resynchronised within %lld "
                          "s; %"PRIuSIZE" routes and neighbours withdrawn, "
                          "its traffic goes to the VM", link->router,
                          grace_ms / 1000, n);
            }
        }
    }
}

void
xf_server_run(void)
{
    xf_rpc_listeners_accept(&listeners, accept_session);

    struct session *s;
    paced = false;
    LIST_FOR_EACH_SAFE (s, node, &sessions) {
        session_run(s);
    }
    if (paced && !ovs_list_is_empty(&sessions)) {
        /* Bulk work stopped: next time, start with another session. */
        ovs_list_push_back(&sessions, ovs_list_pop_front(&sessions));
    }
    expire_links();
}

void
xf_server_wait(void)
{
    xf_rpc_listeners_wait(&listeners);

    struct session *s;
    LIST_FOR_EACH (s, node, &sessions) {
        jsonrpc_wait(s->rpc);
        if (s->state == S_CLOSING) {
            poll_timer_wait_until(s->close_at);
        } else {
            if (s->held) {
                xf_bulk_wait();
            } else {
                jsonrpc_recv_wait(s->rpc);
            }
            poll_timer_wait_until(s->last_rx + 3LL * probe_ms);
        }
    }

    struct router_link *link;
    HMAP_FOR_EACH (link, node, &links) {
        if (link->orphaned) {
            poll_timer_wait_until(link->orphaned_at + grace_ms);
        }
    }
}

void
xf_server_destroy(void)
{
    struct session *s;
    LIST_FOR_EACH_SAFE (s, node, &sessions) {
        session_close(s, "ovs-vswitchd exiting");
    }

    xf_rpc_listeners_close(&listeners, "xenflow clients");

    struct router_link *link;
    HMAP_FOR_EACH_POP (link, node, &links) {
        free(link->router);
        free(link->moved_to);
        free(link);
    }
}

/* Router 'router' migrated to node 'peer', and this node released its copy.
 * Its client's session here, if any, is one the VM left behind: closed now
 * (the client reconnects to the switch on its new host), without leaving
 * the router's tables here to a withdrawal after the grace period (they
 * are released already). */
void
xf_server_router_moved(const char *router, const char *peer)
{
    struct router_link *link = link_get(router);
    struct session *s = link->session;

    if (s && s->state != S_CLOSING) {
        char *why = xasprintf("router %s migrated to %s", router, peer);
        session_close_soon(s, why);
        free(why);
    }
    link->session = NULL;
    link->orphaned = false;
    free(link->moved_to);
    link->moved_to = xstrdup(peer);
}

char *
xf_server_router_state(const char *name)
{
    const struct router_link *link = link_find(name);

    if (!link) {
        return xstrdup("-");
    } else if (link->session && link->session->state != S_CLOSING) {
        return xasprintf("%s (session %u)",
                         session_state_name(link->session->state),
                         link->session->id);
    } else if (link->orphaned) {
        long long int left = link->orphaned_at + grace_ms - time_msec();
        return xasprintf("stale (withdrawn in %lld s)",
                         MAX(0, (left + 999) / 1000));
    } else if (link->moved_to) {
        return xasprintf("moved to %s", link->moved_to);
    } else {
        return xstrdup("disconnected");
    }
}

/* xenflow/clients [--json]: the listeners and every session. */
static void
cmd_clients(struct unixctl_conn *conn, int argc, const char *argv[],
            void *aux OVS_UNUSED)
{
    bool json = xf_appctl_take_json(&argc, argv);
    struct table t;

    if (argc > 1) {
        xf_appctl_reply_error(conn, "%s: unexpected argument \"%s\" "
                              "(usage: %s [--json])", argv[0], argv[1],
                              argv[0]);
        return;
    }

    table_init(&t);
    table_add_column(&t, "session");
    table_add_column(&t, "remote");
    table_add_column(&t, "identity");
    table_add_column(&t, "router");
    table_add_column(&t, "state");
    table_add_column(&t, "age-s");
    table_add_column(&t, "requests");
    table_add_column(&t, "applied");
    table_add_column(&t, "rejected");
    table_add_column(&t, "errors");
    table_add_column(&t, "rate-limited");
    table_add_column(&t, "last-error");

    long long int now = time_msec();
    const struct session *s;
    LIST_FOR_EACH (s, node, &sessions) {
        const char *peer = s->peer_id;

        table_add_row(&t);
        xf_table_add_int(&t, s->id);
        xf_table_add_text(&t, s->name);
        xf_table_add_text(&t, peer ? peer : "-");
        xf_table_add_text(&t, s->router ? s->router : "-");
        xf_table_add_text(&t, session_state_name(s->state));
        xf_table_add_int(&t, (now - s->connected) / 1000);
        xf_table_add_int(&t, s->n_requests);
        xf_table_add_int(&t, s->n_applied);
        xf_table_add_int(&t, s->n_rejected);
        xf_table_add_int(&t, s->n_errors);
        xf_table_add_int(&t, s->n_rate_limited);
        xf_table_add_text(&t, s->last_error ? s->last_error : "-");
    }

    if (json) {
        xf_appctl_reply_table(conn, &t, true);
        return;
    }

    struct ds out = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&out, "Listeners:");
    if (shash_is_empty(&listeners)) {
        ds_put_format(&out, " none (set other_config:%s)", XF_KEY_LISTEN);
    }
    const struct shash_node **nodes = shash_sort(&listeners);
    for (size_t i = 0; i < shash_count(&listeners); i++) {
        ds_put_format(&out, " %s", nodes[i]->name);
    }
    free(nodes);
    ds_put_format(&out, "\nGrace period %lld s, rate limit %u requests/s, "
                  "max message %u bytes, probe %u ms\n\n",
                  grace_ms / 1000, rate_limit, max_message, probe_ms);
    if (ovs_list_is_empty(&sessions)) {
        ds_put_cstr(&out, "No sessions.\n");
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
xf_server_register_commands(void)
{
    unixctl_command_register("xenflow/clients", "[--json]", 0, 1,
                             cmd_clients, NULL);
}
