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
#include "xenflow/router-update.h"
#include "xenflow/session.h"

VLOG_DEFINE_THIS_MODULE(xenflow_server);

COVERAGE_DEFINE(xenflow_client_connect);
COVERAGE_DEFINE(xenflow_client_error);
COVERAGE_DEFINE(xenflow_client_request);
COVERAGE_DEFINE(xenflow_client_withdraw);

static long long int grace_ms;
static unsigned int rate_limit;

/* Most requests handled per session per main-loop iteration.  A client's
 * snapshot (a million routes) is bulk work: xenflow/pace.h decides how much
 * of the main thread it gets, and the rest waits in the socket. */
#define MAX_REQUESTS_PER_RUN 10

enum client_state {
    S_NEW,                      /* Waiting for "hello". */
    S_READY,                    /* Hello done, no snapshot yet. */
    S_SYNCING,                  /* Between "sync-begin" and "sync-end". */
    S_SYNCED,                   /* Snapshot done, incremental updates. */
};

/* One client connection. */
struct client {
    struct xf_session up;
    enum client_state state;
    struct token_bucket bucket;
    char *client;               /* The client's software, from "hello". */
    unsigned long long n_rate_limited;
    size_t pending;             /* Flows not installed, as last told. */
};

static const struct xf_session_class client_class;
static struct xf_session_server clients = XF_SESSION_SERVER_INITIALIZER(
    &clients, &client_class, 0);

static struct client *
client_cast(const struct xf_session *s)
{
    return CONTAINER_OF(s, struct client, up);
}

static const char *
client_state_name(const struct xf_session *s)
{
    switch (client_cast(s)->state) {
    case S_NEW: return "hello-wait";
    case S_READY: return "ready";
    case S_SYNCING: return "syncing";
    case S_SYNCED: return "synced";
    }
    return "?";
}

/* What the server knows of a router's client, across sessions. */
struct router_link {
    struct hmap_node node;      /* In 'links', by 'router'. */
    char *router;
    struct client *client;      /* Current session, or NULL. */
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
    clients.max_message = conf.max_message;
    rate_limit = conf.rate;
    clients.probe_ms = conf.probe;

    struct xf_session *s;
    LIST_FOR_EACH (s, node, &clients.sessions) {
        token_bucket_set(&client_cast(s)->bucket, rate_limit,
                         rate_limit * 1000);
    }

    xf_session_server_listen(&clients, &conf.listen, errors);
    xf_server_conf_destroy(&conf);
}

/* Sessions. */

static struct xf_session *
client_alloc(void)
{
    struct client *c = xzalloc(sizeof *c);
    c->state = S_NEW;
    token_bucket_init(&c->bucket, rate_limit, rate_limit * 1000);
    return &c->up;
}

static void
client_close(struct xf_session *s, const char *why OVS_UNUSED)
{
    struct client *c = client_cast(s);

    if (s->router) {
        struct router_link *link = link_find(s->router);
        if (link && link->client == c) {
            link->client = NULL;
            link->orphaned = true;
            link->orphaned_at = time_msec();
        }
    }
    free(c->client);
}

static void
client_dealloc(struct xf_session *s)
{
    free(client_cast(s));
}

/* Translates VM interface name '*devp' (may be NULL) to the switch's.
 * Returns NULL or an error. */
static char *
translate_dev(const void *c_, const struct xf_router *r, char **devp)
{
    const struct client *c = c_;

    switch (xf_session_map_dev(&c->up, devp, xf_router_update_iface_by_mac,
                               r)) {
    case XF_DEV_MAPPED:
        return NULL;
    case XF_DEV_NO_MAC:
        return xasprintf("dev %s is not an interface of router %s (no "
                         "XenFlow port has its MAC)", *devp, r->name);
    case XF_DEV_UNANNOUNCED:
    default:
        return xasprintf("dev %s was not announced in hello", *devp);
    }
}

/* The router that 'hello' names, if this client may program it; otherwise
 * NULL, after an error reply. */
static struct xf_router *
hello_router(struct client *c, const struct jsonrpc_msg *req,
             const struct xf_proto_hello *hello)
{
    struct xf_session *s = &c->up;
    struct xf_router *r = xf_router_find(hello->router);
    const char *peer = xf_session_take_peer_id(s);
    if (!r) {
        xf_session_send_error(s, req->id, XF_ERR_UNKNOWN_ROUTER, "no XenFlow "
                              "router is named %s here", hello->router);
    } else if (s->is_ssl
               && !xf_session_identity_matches(peer,
                                               xf_router_client_id(r))) {
        xf_session_send_error(s, req->id, XF_ERR_NOT_AUTHORIZED,
                              "certificate \"%s\" may not program router "
                              "%s (it accepts \"%s\")",
                              peer ? peer : "(no CN)", r->name,
                              xf_router_client_id(r));
        r = NULL;
    }
    return r;
}

/* Client 'c''s hello names router 'r', which it may program. */
static void
accept_hello(struct client *c, const struct jsonrpc_msg *req,
             const struct xf_proto_hello *hello, const struct xf_router *r)
{
    struct xf_session *s = &c->up;

    /* A newer session for the same router wins: the old one is a client
     * that restarted, or one left behind on a host the router moved from. */
    struct router_link *link = link_get(r->name);
    if (link->client) {
        char *why = xasprintf("replaced by session %u for router %s", s->id,
                              r->name);
        xf_session_close_soon(&link->client->up, why);
        free(why);
    }
    link->client = c;
    link->n_sessions++;
    free(link->moved_to);
    link->moved_to = NULL;

    c->state = S_READY;
    c->client = nullable_xstrdup(hello->client);

    size_t n_mapped;
    struct json *result = xf_session_accept_hello(
        s, hello, r->name, xf_router_update_iface_by_mac, r, &n_mapped);
    VLOG_INFO("%s: session %u: router %s (%s), %"PRIuSIZE" interfaces, "
              "%"PRIuSIZE" mapped", s->name, s->id, r->name,
              c->client ? c->client : "unknown client", hello->n_ifaces,
              n_mapped);

    json_object_put(result, "session", json_integer_create(s->id));
    json_object_put(result, "max-batch",
                    json_integer_create(XF_PROTO_MAX_BATCH));
    json_object_put(result, "probe-interval",
                    json_integer_create(clients.probe_ms));
    json_object_put(result, "max-message",
                    json_integer_create(clients.max_message));
    json_object_put(result, "routes-text", json_boolean_create(true));
    xf_session_reply(s, result, req->id);
}

static void
handle_hello(struct client *c, const struct jsonrpc_msg *req)
{
    struct xf_session *s = &c->up;

    if (c->state != S_NEW) {
        xf_session_send_error(s, req->id, XF_ERR_DUPLICATE_HELLO, "this "
                              "session already said hello (router %s)",
                              s->router);
        return;
    }

    struct xf_proto_hello hello;
    struct xf_router *r = (xf_session_parse_hello(s, req, &hello)
                           ? hello_router(c, req, &hello) : NULL);
    if (r) {
        accept_hello(c, req, &hello, r);
    }
    xf_proto_hello_destroy(&hello);
}

/* Puts "pending" in 'result', the result of an "update" or "sync-end" for
 * router 'r', and remembers it: once it is 0 again, the client is told
 * (notify_installed()). */
static void
put_pending(struct client *c, const struct xf_router *r, struct json *result)
{
    c->pending = xf_router_flows_pending(r);
    json_object_put(result, "pending", json_integer_create(c->pending));
}

/* True if 'link''s client was last told of flows not yet installed and
 * they all are now. */
static bool
installed_untold(const struct router_link *link)
{
    const struct client *c = link->client;
    const struct xf_router *r;
    return (c && c->pending && !c->up.closing
            && (r = xf_router_find(link->router))
            && !xf_router_flows_pending(r));
}

/* Sends an "installed" notification to each client that was last told of
 * flows not yet installed, once they all are. */
static void
notify_installed(void)
{
    struct router_link *link;
    HMAP_FOR_EACH (link, node, &links) {
        if (installed_untold(link)) {
            struct json *params = json_object_create();
            json_object_put(params, "pending", json_integer_create(0));
            jsonrpc_send(link->client->up.rpc, jsonrpc_create_notify(
                             "installed", json_array_create_1(params)));
            link->client->pending = 0;
        }
    }
}

static void
handle_update(struct client *c, const struct jsonrpc_msg *req)
{
    struct xf_session *s = &c->up;
    struct xf_router *r = xf_session_router(&c->up, req->id);
    if (!r) {
        return;
    }

    struct xf_proto_update u;
    if (!xf_session_parse_update(s, req, &u)) {
        return;
    }

    size_t n_applied = xf_router_update_apply(r, &u, translate_dev, c);
    xf_session_count_update(s, n_applied, &u.errors);
    if (u.errors.n) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
        VLOG_WARN_RL(&rl, "%s: session %u router %s: %"PRIuSIZE" entries "
                     "rejected, first: %s", s->name, s->id, r->name,
                     u.errors.n, u.errors.names[0]);
    }

    struct json *result = xf_router_update_result(n_applied, &u.errors);
    put_pending(c, r, result);
    xf_session_reply(s, result, req->id);
    xf_proto_update_destroy(&u);
}

static void
handle_sync(struct client *c, const struct jsonrpc_msg *req, bool begin)
{
    struct xf_session *s = &c->up;
    char *error = xf_proto_parse_empty(req->params);
    if (error) {
        xf_session_send_error(s, req->id, XF_ERR_INVALID_PARAMS, "%s",
                              error);
        free(error);
        return;
    }
    struct xf_router *r = xf_session_router(&c->up, req->id);
    if (!r) {
        return;
    }

    struct json *result = json_object_create();
    if (begin) {
        xf_router_begin_sync(r);
        c->state = S_SYNCING;
    } else if (c->state != S_SYNCING) {
        json_destroy(result);
        xf_session_send_error(s, req->id, XF_ERR_INVALID_PARAMS,
                              "sync-end without sync-begin");
        return;
    } else {
        size_t n = xf_router_sweep(r);
        struct router_link *link = link_get(r->name);
        link->orphaned = false;
        c->state = S_SYNCED;
        VLOG_INFO("%s: session %u: router %s synchronised (%"PRIuSIZE
                  " stale entries removed)", s->name, s->id, r->name, n);
        json_object_put(result, "removed", json_integer_create(n));
        put_pending(c, r, result);
    }
    xf_session_reply(s, result, req->id);
}

static void
client_handle_request(struct xf_session *s, const struct jsonrpc_msg *req)
{
    struct client *c = client_cast(s);
    const char *method = req->method;

    COVERAGE_INC(xenflow_client_request);
    if (!strcmp(method, "echo")) {
        xf_session_reply(s, json_clone(req->params), req->id);
    } else if (!token_bucket_withdraw(&c->bucket, 1000)) {
        c->n_rate_limited++;
        xf_session_send_error(s, req->id, XF_ERR_RATE_LIMITED, "more than "
                              "%u requests per second; request not "
                              "applied, resynchronise later", rate_limit);
    } else if (!strcmp(method, "hello")) {
        handle_hello(c, req);
    } else if (strcmp(method, "update") && strcmp(method, "sync-begin")
               && strcmp(method, "sync-end")) {
        xf_session_unknown_method(s, req);
    } else if (c->state == S_NEW) {
        xf_session_send_error(s, req->id, XF_ERR_NO_HELLO, "send \"hello\" "
                              "before \"%s\"", method);
    } else if (!strcmp(method, "update")) {
        handle_update(c, req);
    } else {
        handle_sync(c, req, !strcmp(method, "sync-begin"));
    }
}

static void
client_count(bool error)
{
    if (error) {
        COVERAGE_INC(xenflow_client_error);
    } else {
        COVERAGE_INC(xenflow_client_connect);
    }
}

static const struct xf_session_class client_class = {
    .what = "xenflow client",
    .what_plural = "xenflow clients",
    .listen_key = XF_KEY_LISTEN,
    .limit_source = "other_config:" XF_KEY_CLIENT_MAX_MESSAGE,
    .invalid_message = "invalid JSON-RPC message",
    .max_per_run = MAX_REQUESTS_PER_RUN,
    .protocol = XF_PROTO_VERSION,
    .protocol_name = "protocol",
    .self = "server",
    .count = client_count,
    .state_name = client_state_name,
    .find_router = xf_router_find,
    .alloc = client_alloc,
    .close = client_close,
    .dealloc = client_dealloc,
    .handle_request = client_handle_request,
};

/* Withdraws the tables of routers whose client went away more than the
 * grace period ago without a new snapshot. */
static void
expire_links(void)
{
    long long int now = time_msec();
    struct router_link *link;

    HMAP_FOR_EACH (link, node, &links) {
        if (link->orphaned && now >= link->orphaned_at + grace_ms
            && (!link->client || (!link->client->up.closing
                                  && link->client->state < S_SYNCING))) {
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
    xf_session_server_run(&clients);
    expire_links();
    notify_installed();
}

void
xf_server_wait(void)
{
    xf_session_server_wait(&clients);

    struct router_link *link;
    HMAP_FOR_EACH (link, node, &links) {
        if (link->orphaned) {
            poll_timer_wait_until(link->orphaned_at + grace_ms);
        }
        /* The last flows may have been installed after xf_server_run(). */
        if (installed_untold(link)) {
            poll_immediate_wake();
        }
    }
}

void
xf_server_destroy(void)
{
    xf_session_server_destroy(&clients, "ovs-vswitchd exiting");

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
    struct client *c = link->client;

    if (c && !c->up.closing) {
        char *why = xasprintf("router %s migrated to %s", router, peer);
        xf_session_close_soon(&c->up, why);
        free(why);
    }
    link->client = NULL;
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
    } else if (link->client && !link->client->up.closing) {
        return xasprintf("%s (session %u)", xf_session_state_name(&link->client->up),
                         link->client->up.id);
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
    const struct xf_session *s;
    LIST_FOR_EACH (s, node, &clients.sessions) {
        const struct client *c = client_cast(s);
        const char *peer = s->peer_id;

        table_add_row(&t);
        xf_table_add_int(&t, s->id);
        xf_table_add_text(&t, s->name);
        xf_table_add_text(&t, peer ? peer : "-");
        xf_table_add_text(&t, s->router ? s->router : "-");
        xf_table_add_text(&t, xf_session_state_name(s));
        xf_table_add_int(&t, (now - s->connected) / 1000);
        xf_table_add_int(&t, s->n_requests);
        xf_table_add_int(&t, s->n_applied);
        xf_table_add_int(&t, s->n_rejected);
        xf_table_add_int(&t, s->n_errors);
        xf_table_add_int(&t, c->n_rate_limited);
        xf_table_add_text(&t, s->last_error ? s->last_error : "-");
    }

    if (json) {
        xf_appctl_reply_table(conn, &t, true);
        return;
    }

    struct ds out = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&out, "Listeners:");
    xf_session_server_format_listeners(&clients, &out);
    ds_put_format(&out, "\nGrace period %lld s, rate limit %u requests/s, "
                  "max message %u bytes, probe %u ms\n\n",
                  grace_ms / 1000, rate_limit, clients.max_message,
                  clients.probe_ms);
    xf_appctl_put_table(&out, &t, "No sessions.\n");
    unixctl_command_reply(conn, ds_cstr(&out));
    ds_destroy(&out);
}

void
xf_server_register_commands(void)
{
    unixctl_command_register("xenflow/clients", "[--json]", 0, 1,
                             cmd_clients, NULL);
}
