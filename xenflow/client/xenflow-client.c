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

/* xenflow-client: runs inside a virtual router and streams its routing and
 * neighbour tables to the XenFlow server inside ovs-vswitchd, following
 * Documentation/xenflow-protocol.md.  See xenflow-client(8). */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/route/route.h>
#include <linux/rtnetlink.h>

#include "command-line.h"
#include "coverage.h"
#include "daemon.h"
#include "fatal-signal.h"
#include "hash.h"
#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "stream-ssl.h"
#include "stream.h"
#include "svec.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "xenflow/client/client-table.h"
#include "xenflow/client/fpm.h"
#include "xenflow/client/kernel-watch.h"

VLOG_DEFINE_THIS_MODULE(xenflow_client);

COVERAGE_DEFINE(xfc_update_sent);
COVERAGE_DEFINE(xfc_snapshot);
COVERAGE_DEFINE(xfc_error_reply);

/* The protocol version we speak. */
#define XFC_PROTOCOL 1

/* Entries per "update" unless the server's hello result says otherwise. */
#define XFC_DEFAULT_MAX_BATCH 10000

/* Rough cap on one "update" message, well under the server's default
 * 16 MiB message limit. */
#define XFC_MAX_UPDATE_BYTES (4 * 1024 * 1024)

/* Flow control: requests awaiting their reply, and bytes queued in the
 * connection, beyond which we stop sending (the table keeps coalescing). */
#define XFC_MAX_OUTSTANDING 4
#define XFC_MAX_BACKLOG (8 * 1024 * 1024)

/* Incremental updates that do not fill a batch are sent at most once per
 * this many ms, far below the server's default rate limit (2000/s). */
#define XFC_MIN_UPDATE_INTERVAL_MS 1

/* After an error reply to sync-begin/update/sync-end: wait this long (then
 * twice as long after each further failure, up to the maximum) before a new
 * snapshot. */
#define XFC_RESYNC_DELAY_MS 2000
#define XFC_RESYNC_MAX_DELAY_MS 60000

/* After an error reply to hello: wait this long (doubling up to the
 * maximum) before reconnecting to try again. */
#define XFC_HELLO_RETRY_MS 5000
#define XFC_HELLO_RETRY_MAX_MS 60000

/* The interface set must be stable this long before it triggers a new hello
 * (interfaces coming up produce bursts of link and address changes). */
#define XFC_IFACE_SETTLE_MS 1000

/* After a link comes back (see check_links()), the server must answer an
 * echo within this long, or the client reconnects. */
#define XFC_LINK_CHECK_MS 2000

/* Rejection reasons kept for "status". */
#define XFC_MAX_REJECTIONS 10

/* Command line. */
static char *router_name;
static uint32_t table_id = RT_TABLE_MAIN;
static char *fpm_remote;
static char *unixctl_path;

enum client_state {
    S_DISCONNECTED,             /* Not connected. */
    S_HELLO,                    /* Hello sent, awaiting its reply. */
    S_HELLO_FAILED,             /* Hello refused: reconnect later. */
    S_SYNCING,                  /* Sending a snapshot. */
    S_RESYNC_WAIT,              /* Error reply: new snapshot later. */
    S_ACTIVE                    /* In sync: incremental updates. */
};

static const char *
state_to_string(enum client_state state)
{
    switch (state) {
    case S_DISCONNECTED: return "disconnected";
    case S_HELLO: return "hello sent";
    case S_HELLO_FAILED: return "hello refused";
    case S_SYNCING: return "sending snapshot";
    case S_RESYNC_WAIT: return "waiting to resynchronise";
    case S_ACTIVE: return "active";
    }
    return "<unknown>";
}

enum request_type {
    REQ_HELLO,
    REQ_SYNC_BEGIN,
    REQ_UPDATE,
    REQ_SYNC_END,
    REQ_ECHO                    /* Link check (see check_links()). */
};

static const char *const request_methods[] = {
    [REQ_HELLO] = "hello",
    [REQ_SYNC_BEGIN] = "sync-begin",
    [REQ_UPDATE] = "update",
    [REQ_SYNC_END] = "sync-end",
    [REQ_ECHO] = "echo",
};

/* A request awaiting its reply. */
struct request {
    struct hmap_node node;      /* In client's 'requests', by 'id'. */
    int64_t id;
    enum request_type type;
    unsigned int epoch;         /* Snapshot it belongs to. */
};

struct client {
    struct jsonrpc_session *session;
    unsigned int seqno;         /* jsonrpc_session_get_seqno() seen. */
    enum client_state state;
    struct ct_table *table;
    struct kernel_watch *kw;
    struct fpm *fpm;            /* NULL unless --fpm. */
    const char *router;
    const char *remote;

    /* Current connection. */
    struct hmap requests;       /* Contains "struct request"s. */
    char *hello_ifaces;         /* Interfaces sent in hello (JSON). */
    uint64_t hello_ifaces_seqno;
    long long int ifaces_changed_at; /* LLONG_MIN if unchanged. */
    long long int connected_at;
    long long int hello_retry_at;
    long long int resync_at;
    long long int last_update_at;
    long long int snapshot_started_at;
    int64_t session_id;         /* From hello's result, or -1. */
    size_t max_batch;
    size_t max_update_bytes;    /* Rough cap on an "update" message. */
    int probe_interval;
    struct svec iface_map;      /* "eth0 -> vr1" from hello's result. */
    struct svec unmapped;
    unsigned int epoch;         /* Of the current snapshot. */
    struct ct_update_counts snapshot_counts;

    /* Control-plane interruptions: from losing a session the server knew
     * the router by (a live migration to another host, a server restart)
     * until the next session's snapshot is complete. */
    unsigned int links_seqno;   /* kernel_watch_get_links() seen. */
    long long int links_lost_seen; /* Its 'lost_at' seen. */
    long long int link_lost_at; /* A link loss that no check has shown to
                                 * be harmless, or LLONG_MIN. */
    long long int link_check_deadline; /* LLONG_MAX if none pending. */
    long long int lost_at;      /* Session lost at, or LLONG_MIN. */
    long long int hello_ok_at;  /* Last hello accepted at. */
    long long int last_down_ms; /* Last interruption: until hello. */
    long long int last_resync_ms; /* Last interruption: its snapshot. */
    unsigned long long int n_interruptions, n_link_checks;
    unsigned long long int n_link_check_failures;

    /* Delays, doubled after each failure. */
    int hello_retry_delay;
    int resync_delay;

    /* Statistics since start. */
    unsigned long long int n_connections, n_hellos;
    unsigned long long int n_snapshots, n_snapshots_done, n_updates;
    struct ct_update_counts sent;
    unsigned long long int n_error_replies, n_applied, n_rejected;
    unsigned long long int n_removed;
    char *last_error;
    struct svec rejections;     /* Last XFC_MAX_REJECTIONS reasons. */
};

static void parse_options(int argc, char *argv[], char **remotep);
OVS_NO_RETURN static void usage(void);

static unixctl_cb_func xfc_exit;
static unixctl_cb_func xfc_status;
static unixctl_cb_func xfc_resync;
static unixctl_cb_func xfc_reconnect;
static unixctl_cb_func xfc_show;

/* Errors. */

static void
client_set_error(struct client *c, char *error)
{
    free(c->last_error);
    c->last_error = error;
}

static char *
format_error_reply(const struct json *error)
{
    if (error && error->type == JSON_OBJECT) {
        const struct json *name = shash_find_data(json_object(error),
                                                  "error");
        const struct json *details = shash_find_data(json_object(error),
                                                     "details");
        if (name && name->type == JSON_STRING) {
            return (details && details->type == JSON_STRING
                    ? xasprintf("%s: %s", json_string(name),
                                json_string(details))
                    : xstrdup(json_string(name)));
        }
    }
    return json_to_string(error, 0);
}

/* Requests. */

static void
requests_clear(struct client *c)
{
    struct request *req;

    HMAP_FOR_EACH_POP (req, node, &c->requests) {
        free(req);
    }
}

static struct request *
request_find(struct client *c, int64_t id)
{
    struct request *req;

    HMAP_FOR_EACH_WITH_HASH (req, node, hash_uint64(id), &c->requests) {
        if (req->id == id) {
            return req;
        }
    }
    return NULL;
}

/* Sends request 'type' with 'params' (an object, put in an array). */
static void
send_request(struct client *c, enum request_type type, struct json *params)
{
    struct json *id;
    struct jsonrpc_msg *msg = jsonrpc_create_request(
        request_methods[type], json_array_create_1(params), &id);

    struct request *req = xmalloc(sizeof *req);
    req->id = json_integer(id);
    json_destroy(id);           /* A copy of the message's. */
    req->type = type;
    req->epoch = c->epoch;
    hmap_insert(&c->requests, &req->node, hash_uint64(req->id));

    jsonrpc_session_send(c->session, msg);
}

/* Session. */

static void
connection_reset(struct client *c)
{
    /* Losing a session that said hello interrupts the control plane.  It
     * was lost when a link went down, if that is what led here (the VM left
     * its host then), or else now, when it is noticed. */
    if ((c->state == S_SYNCING || c->state == S_RESYNC_WAIT
         || c->state == S_ACTIVE) && c->lost_at == LLONG_MIN) {
        c->lost_at = (c->link_lost_at != LLONG_MIN ? c->link_lost_at
                                                   : time_msec());
    }
    c->link_check_deadline = LLONG_MAX;
    requests_clear(c);
    free(c->hello_ifaces);
    c->hello_ifaces = NULL;
    c->ifaces_changed_at = LLONG_MIN;
    c->state = S_DISCONNECTED;
    c->session_id = -1;
    c->max_batch = XFC_DEFAULT_MAX_BATCH;
    svec_clear(&c->iface_map);
    svec_clear(&c->unmapped);
}

static void
send_hello(struct client *c)
{
    struct json *ifaces = ct_ifaces_to_json(c->table);
    struct json *params = json_object_create();

    free(c->hello_ifaces);
    c->hello_ifaces = json_to_string(ifaces, JSSF_SORT);
    c->hello_ifaces_seqno = ct_ifaces_seqno(c->table);
    c->ifaces_changed_at = LLONG_MIN;

    json_object_put(params, "protocol", json_integer_create(XFC_PROTOCOL));
    json_object_put_string(params, "router", c->router);
    json_object_put_string(params, "client", "xenflow-client " VERSION);
    json_object_put(params, "interfaces", ifaces);
    send_request(c, REQ_HELLO, params);

    c->state = S_HELLO;
    c->n_hellos++;
}

static void
start_snapshot(struct client *c)
{
    COVERAGE_INC(xfc_snapshot);
    c->epoch++;
    ct_snapshot_start(c->table);
    send_request(c, REQ_SYNC_BEGIN, json_object_create());
    c->state = S_SYNCING;
    c->n_snapshots++;
    c->snapshot_started_at = time_msec();
    memset(&c->snapshot_counts, 0, sizeof c->snapshot_counts);
}

/* An error reply to a request of the current snapshot: the server's view is
 * unknown, so start a new snapshot after a delay. */
static void
schedule_resync(struct client *c, const struct request *req,
                const char *error)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

    client_set_error(c, xasprintf("%s: %s", request_methods[req->type],
                                  error));
    if (req->epoch != c->epoch
        || (c->state != S_SYNCING && c->state != S_ACTIVE)) {
        /* Already handled: an earlier reply of the same snapshot failed. */
        return;
    }

    VLOG_WARN_RL(&rl, "%s: server replied with an error to %s (%s); new "
                 "full snapshot in %d ms", c->remote,
                 request_methods[req->type], error, c->resync_delay);
    c->state = S_RESYNC_WAIT;
    c->resync_at = time_msec() + c->resync_delay;
    c->resync_delay = MIN(c->resync_delay * 2, XFC_RESYNC_MAX_DELAY_MS);
}

static void
add_rejections(struct client *c, const struct json *errors)
{
    if (!errors || errors->type != JSON_ARRAY) {
        return;
    }
    for (size_t i = 0; i < json_array(errors)->n; i++) {
        const struct json *e = json_array(errors)->elems[i];
        if (e->type == JSON_STRING) {
            svec_add(&c->rejections, json_string(e));
        }
    }
    if (c->rejections.n > XFC_MAX_REJECTIONS) {
        size_t excess = c->rejections.n - XFC_MAX_REJECTIONS;
        for (size_t i = 0; i < excess; i++) {
            free(c->rejections.names[i]);
        }
        memmove(c->rejections.names, c->rejections.names + excess,
                XFC_MAX_REJECTIONS * sizeof *c->rejections.names);
        c->rejections.n = XFC_MAX_REJECTIONS;
    }
}

static int64_t
get_int(const struct json *obj, const char *name, int64_t default_value)
{
    const struct json *value = (obj && obj->type == JSON_OBJECT
                                ? shash_find_data(json_object(obj), name)
                                : NULL);
    return value && value->type == JSON_INTEGER ? json_integer(value)
                                                : default_value;
}

static void
handle_hello_reply(struct client *c, const struct json *result)
{
    c->session_id = get_int(result, "session", -1);
    int64_t max_batch = get_int(result, "max-batch", XFC_DEFAULT_MAX_BATCH);
    c->max_batch = max_batch >= 1 && max_batch <= INT_MAX
                   ? max_batch : XFC_DEFAULT_MAX_BATCH;

    /* A server that says how large a message may be (an optional member,
     * not in protocol 1's hello result yet) gets updates of half that. */
    int64_t max_message = get_int(result, "max-message", 0);
    if (max_message >= 4096 && max_message / 2 < c->max_update_bytes) {
        c->max_update_bytes = max_message / 2;
    }

    /* A server that offers it gets routes as compact "routes-text". */
    const struct json *text = (result && result->type == JSON_OBJECT
                               ? shash_find_data(json_object(result),
                                                 "routes-text")
                               : NULL);
    ct_set_text_routes(c->table, text && text->type == JSON_TRUE);

    /* Probe at the server's interval: it drops sessions silent for three
     * of them. */
    int64_t probe = get_int(result, "probe-interval", 0);
    if (probe >= 1000 && probe <= INT_MAX) {
        c->probe_interval = probe;
        jsonrpc_session_set_probe_interval(c->session, probe);
    }

    const struct json *ifaces = (result && result->type == JSON_OBJECT
                                 ? shash_find_data(json_object(result),
                                                   "interfaces")
                                 : NULL);
    if (ifaces && ifaces->type == JSON_ARRAY) {
        for (size_t i = 0; i < json_array(ifaces)->n; i++) {
            const struct json *m = json_array(ifaces)->elems[i];
            const struct json *name = (m->type == JSON_OBJECT
                                       ? shash_find_data(json_object(m),
                                                         "name")
                                       : NULL);
            const struct json *port = (m->type == JSON_OBJECT
                                       ? shash_find_data(json_object(m),
                                                         "port")
                                       : NULL);
            if (name && port && name->type == JSON_STRING
                && port->type == JSON_STRING) {
                svec_add_nocopy(&c->iface_map,
                                xasprintf("%s -> %s", json_string(name),
                                          json_string(port)));
            }
        }
    }
    const struct json *unmapped = (result && result->type == JSON_OBJECT
                                   ? shash_find_data(json_object(result),
                                                     "unmapped")
                                   : NULL);
    if (unmapped && unmapped->type == JSON_ARRAY) {
        for (size_t i = 0; i < json_array(unmapped)->n; i++) {
            const struct json *name = json_array(unmapped)->elems[i];
            if (name->type == JSON_STRING) {
                svec_add(&c->unmapped, json_string(name));
            }
        }
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "%s: router %s, session %"PRId64", interfaces: ",
                  c->remote, c->router, c->session_id);
    for (size_t i = 0; i < c->iface_map.n; i++) {
        ds_put_format(&s, "%s%s", i ? ", " : "", c->iface_map.names[i]);
    }
    if (c->unmapped.n) {
        ds_put_cstr(&s, "; unmapped:");
        for (size_t i = 0; i < c->unmapped.n; i++) {
            ds_put_format(&s, " %s", c->unmapped.names[i]);
        }
    }
    VLOG_INFO("%s", ds_cstr(&s));
    ds_destroy(&s);

    c->hello_retry_delay = XFC_HELLO_RETRY_MS;
    c->hello_ok_at = time_msec();
    start_snapshot(c);
}

static void
handle_update_reply(struct client *c, const struct json *result)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    int64_t rejected = get_int(result, "rejected", 0);

    c->n_applied += MAX(get_int(result, "applied", 0), 0);
    if (rejected > 0) {
        const struct json *errors = shash_find_data(json_object(result),
                                                    "errors");
        c->n_rejected += rejected;
        add_rejections(c, errors);
        VLOG_WARN_RL(&rl, "%s: server rejected %"PRId64" entries%s%s",
                     c->remote, rejected,
                     c->rejections.n ? ", e.g. " : "",
                     c->rejections.n
                     ? c->rejections.names[c->rejections.n - 1] : "");
    }
}

static void
handle_sync_end_reply(struct client *c, const struct request *req,
                      const struct json *result)
{
    int64_t removed = MAX(get_int(result, "removed", 0), 0);

    c->n_removed += removed;
    if (req->epoch == c->epoch && c->state == S_SYNCING) {
        const struct ct_update_counts *n = &c->snapshot_counts;
        c->state = S_ACTIVE;
        c->n_snapshots_done++;
        c->resync_delay = XFC_RESYNC_DELAY_MS;
        VLOG_INFO("%s: snapshot complete in %lld ms: %"PRIuSIZE" routes, "
                  "%"PRIuSIZE" neighbours; the server withdrew %"PRId64
                  " stale entries", c->remote,
                  time_msec() - c->snapshot_started_at, n->routes, n->neighs,
                  removed);
        if (c->lost_at != LLONG_MIN) {
            long long int now = time_msec();
            c->last_down_ms = MAX(c->hello_ok_at - c->lost_at, 0);
            c->last_resync_ms = now - MAX(c->hello_ok_at, c->lost_at);
            c->n_interruptions++;
            c->lost_at = LLONG_MIN;
            VLOG_INFO("%s: control plane back after %lld ms: disconnected "
                      "%lld ms, snapshot %lld ms", c->remote,
                      c->last_down_ms + c->last_resync_ms, c->last_down_ms,
                      c->last_resync_ms);
        }
        /* In sync: a link loss from before cannot date a later loss. */
        c->link_lost_at = LLONG_MIN;
    }
}

/* The server answered the echo sent when a link came back: the session
 * survived whatever took the link down. */
static void
handle_echo_reply(struct client *c)
{
    if (c->link_check_deadline != LLONG_MAX) {
        VLOG_INFO("%s: the server still answers: the session survived the "
                  "link going down", c->remote);
        c->link_check_deadline = LLONG_MAX;
        c->link_lost_at = LLONG_MIN;
    }
}

static void
handle_reply(struct client *c, const struct jsonrpc_msg *msg)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

    if (!msg->id || msg->id->type != JSON_INTEGER) {
        VLOG_DBG_RL(&rl, "%s: reply with unexpected id", c->remote);
        return;
    }
    struct request *req = request_find(c, json_integer(msg->id));
    if (!req) {
        VLOG_DBG_RL(&rl, "%s: reply to unknown request", c->remote);
        return;
    }
    hmap_remove(&c->requests, &req->node);

    if (msg->type == JSONRPC_ERROR) {
        char *error = format_error_reply(msg->error);

        COVERAGE_INC(xfc_error_reply);
        c->n_error_replies++;
        if (req->type == REQ_ECHO) {
            /* Whatever it says, the server is there. */
            handle_echo_reply(c);
        } else if (req->type == REQ_HELLO) {
            client_set_error(c, xasprintf("hello: %s", error));
            VLOG_WARN("%s: server refused hello as router %s (%s); "
                      "reconnecting in %d s", c->remote, c->router, error,
                      c->hello_retry_delay / 1000);
            c->state = S_HELLO_FAILED;
            c->hello_retry_at = time_msec() + c->hello_retry_delay;
            c->hello_retry_delay = MIN(c->hello_retry_delay * 2,
                                       XFC_HELLO_RETRY_MAX_MS);
        } else {
            schedule_resync(c, req, error);
        }
        free(error);
    } else {
        switch (req->type) {
        case REQ_HELLO:
            if (c->state == S_HELLO) {
                handle_hello_reply(c, msg->result);
            }
            break;
        case REQ_SYNC_BEGIN:
            break;
        case REQ_UPDATE:
            handle_update_reply(c, msg->result);
            break;
        case REQ_SYNC_END:
            handle_sync_end_reply(c, req, msg->result);
            break;
        case REQ_ECHO:
            handle_echo_reply(c);
            break;
        }
    }
    free(req);
}

/* The server closes a session whose message was too large, after an
 * "error" notification that says "message exceeds N bytes": later updates
 * are kept to half that. */
static void
handle_size_error(struct client *c, const struct json *params)
{
    if (params && params->type == JSON_ARRAY && json_array(params)->n
        && json_array(params)->elems[0]->type == JSON_STRING) {
        const char *reason = json_string(json_array(params)->elems[0]);
        const char *p = strstr(reason, "exceeds ");
        unsigned int limit;

        if (p && sscanf(p, "exceeds %u", &limit) == 1 && limit >= 2048
            && limit / 2 < c->max_update_bytes) {
            c->max_update_bytes = limit / 2;
            VLOG_INFO("%s: updates now kept under %"PRIuSIZE" bytes",
                      c->remote, c->max_update_bytes);
        }
    }
}

static void
handle_msg(struct client *c, const struct jsonrpc_msg *msg)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

    switch (msg->type) {
    case JSONRPC_REPLY:
    case JSONRPC_ERROR:
        handle_reply(c, msg);
        break;

    case JSONRPC_NOTIFY:
        if (!strcmp(msg->method, "error")) {
            char *params = json_to_string(msg->params, 0);
            VLOG_WARN_RL(&rl, "%s: server says: %s", c->remote, params);
            client_set_error(c, xasprintf("server: %s", params));
            handle_size_error(c, msg->params);
            free(params);
        }
        break;

    case JSONRPC_REQUEST: {
        struct json *error = json_object_create();
        json_object_put_string(error, "error", "unknown method");
        json_object_put_string(error, "details", msg->method);
        jsonrpc_session_send(c->session,
                             jsonrpc_create_error(error, msg->id));
        break;
    }
    }
}

/* True once every route source has delivered its table (FPM may take a
 * while after start): a snapshot's end waits for it. */
static bool
sources_ready(const struct client *c)
{
    return !c->fpm || fpm_is_synced(c->fpm);
}

/* Sends what the table has pending, within flow control. */
static void
send_updates(struct client *c)
{
    while (hmap_count(&c->requests) < XFC_MAX_OUTSTANDING
           && jsonrpc_session_get_backlog(c->session) < XFC_MAX_BACKLOG) {
        enum ct_pending pending = ct_pending(c->table);

        if (pending == CT_PENDING_NONE) {
            break;
        } else if (pending == CT_PENDING_BARRIER) {
            if (!sources_ready(c)) {
                break;
            }
            send_request(c, REQ_SYNC_END, json_object_create());
            ct_snapshot_finish(c->table);
            continue;
        }

        long long int now = time_msec();
        if (c->state == S_ACTIVE
            && now < c->last_update_at + XFC_MIN_UPDATE_INTERVAL_MS) {
            struct ct_stats stats;
            ct_get_stats(c->table, &stats);
            if (stats.n_pending < c->max_batch) {
                break;          /* client_wait() wakes us up. */
            }
        }

        struct ct_update_counts counts = { 0, 0, 0, 0 };
        struct json *params = ct_next_update(c->table, c->max_batch,
                                             c->max_update_bytes, &counts);
        if (!params) {
            break;
        }
        send_request(c, REQ_UPDATE, params);
        COVERAGE_INC(xfc_update_sent);
        c->last_update_at = now;
        c->n_updates++;
        c->sent.routes += counts.routes;
        c->sent.routes_withdrawn += counts.routes_withdrawn;
        c->sent.neighs += counts.neighs;
        c->sent.neighs_withdrawn += counts.neighs_withdrawn;
        if (c->state == S_SYNCING) {
            c->snapshot_counts.routes += counts.routes;
            c->snapshot_counts.neighs += counts.neighs;
        }
    }
}

/* A new interface set needs a new hello, hence a new connection. */
static void
check_ifaces(struct client *c)
{
    if (c->state == S_DISCONNECTED || !c->hello_ifaces
        || ct_ifaces_seqno(c->table) == c->hello_ifaces_seqno) {
        return;
    }

    struct json *ifaces = ct_ifaces_to_json(c->table);
    char *s = json_to_string(ifaces, JSSF_SORT);
    json_destroy(ifaces);

    long long int now = time_msec();
    if (!strcmp(s, c->hello_ifaces)) {
        /* Changed back. */
        c->hello_ifaces_seqno = ct_ifaces_seqno(c->table);
        c->ifaces_changed_at = LLONG_MIN;
    } else if (c->ifaces_changed_at == LLONG_MIN) {
        c->ifaces_changed_at = now;
    } else if (now >= c->ifaces_changed_at + XFC_IFACE_SETTLE_MS) {
        VLOG_INFO("%s: interfaces changed: reconnecting to send a new hello",
                  c->remote);
        jsonrpc_session_force_reconnect(c->session);
    }
    free(s);
}

/* A link that stops running and comes back may mean that the VM was live
 * migrated: it now runs on another host, whose switch has the same address
 * but not this connection.  Nothing tells TCP so until it sends, so check
 * now, instead of at the next probe (seconds later): an echo that the old
 * connection cannot carry meets a reset from the new host, or no answer at
 * all, and the client reconnects at once, to the switch the router lives
 * on now.  A link that merely flapped costs an echo. */
static void
check_links(struct client *c)
{
    long long int lost_at;
    unsigned int seqno = kernel_watch_get_links(c->kw, &lost_at);

    if (lost_at != c->links_lost_seen) {
        c->links_lost_seen = lost_at;
        c->link_lost_at = lost_at;
    }
    if (seqno != c->links_seqno) {
        c->links_seqno = seqno;
        if (c->state != S_DISCONNECTED
            && c->link_check_deadline == LLONG_MAX) {
            VLOG_INFO("%s: a link runs again: checking that the server "
                      "still answers", c->remote);
            c->n_link_checks++;
            c->link_check_deadline = time_msec() + XFC_LINK_CHECK_MS;
            /* If the connection is gone, reconnect without backoff. */
            jsonrpc_session_reset_backoff(c->session);
            send_request(c, REQ_ECHO, json_object_create());
        }
    }
    if (time_msec() >= c->link_check_deadline) {
        VLOG_INFO("%s: no answer %d ms after a link came back: reconnecting",
                  c->remote, XFC_LINK_CHECK_MS);
        c->n_link_check_failures++;
        c->link_check_deadline = LLONG_MAX;
        jsonrpc_session_reset_backoff(c->session);
        jsonrpc_session_force_reconnect(c->session);
    }
}

static void
client_run(struct client *c)
{
    /* Before the session runs: a reset that the links' return explains
     * must not cost a backoff. */
    check_links(c);
    jsonrpc_session_run(c->session);

    unsigned int seqno = jsonrpc_session_get_seqno(c->session);
    if (seqno != c->seqno) {
        c->seqno = seqno;
        connection_reset(c);
        if (jsonrpc_session_is_connected(c->session)) {
            c->n_connections++;
            c->connected_at = time_msec();
            send_hello(c);
        }
    }
    if (!jsonrpc_session_is_connected(c->session)) {
        c->state = S_DISCONNECTED;
        return;
    }

    for (int i = 0; i < 50; i++) {
        struct jsonrpc_msg *msg = jsonrpc_session_recv(c->session);
        if (!msg) {
            break;
        }
        handle_msg(c, msg);
        jsonrpc_msg_destroy(msg);
    }

    long long int now = time_msec();
    switch (c->state) {
    case S_HELLO_FAILED:
        if (now >= c->hello_retry_at) {
            jsonrpc_session_force_reconnect(c->session);
        }
        break;
    case S_RESYNC_WAIT:
        if (now >= c->resync_at) {
            VLOG_INFO("%s: sending a new full snapshot", c->remote);
            start_snapshot(c);
            send_updates(c);
        }
        break;
    case S_SYNCING:
    case S_ACTIVE:
        send_updates(c);
        break;
    case S_DISCONNECTED:
    case S_HELLO:
        break;
    }
    check_ifaces(c);
}

static void
client_wait(struct client *c)
{
    jsonrpc_session_wait(c->session);
    if (!jsonrpc_session_is_connected(c->session)) {
        return;
    }
    jsonrpc_session_recv_wait(c->session);

    switch (c->state) {
    case S_HELLO_FAILED:
        poll_timer_wait_until(c->hello_retry_at);
        break;
    case S_RESYNC_WAIT:
        poll_timer_wait_until(c->resync_at);
        break;
    case S_SYNCING:
    case S_ACTIVE:
        if (hmap_count(&c->requests) < XFC_MAX_OUTSTANDING
            && jsonrpc_session_get_backlog(c->session) < XFC_MAX_BACKLOG) {
            enum ct_pending pending = ct_pending(c->table);
            if (pending == CT_PENDING_ENTRIES) {
                poll_timer_wait_until(c->last_update_at
                                      + XFC_MIN_UPDATE_INTERVAL_MS);
            } else if (pending == CT_PENDING_BARRIER && sources_ready(c)) {
                poll_immediate_wake();
            }
        }
        break;
    case S_DISCONNECTED:
    case S_HELLO:
        break;
    }
    if (c->link_check_deadline != LLONG_MAX) {
        poll_timer_wait_until(c->link_check_deadline);
    }
    if (c->ifaces_changed_at != LLONG_MIN) {
        poll_timer_wait_until(c->ifaces_changed_at + XFC_IFACE_SETTLE_MS);
    } else if (c->hello_ifaces
               && ct_ifaces_seqno(c->table) != c->hello_ifaces_seqno) {
        poll_immediate_wake();
    }
}

/* Status. */

static void
format_counts(const char *what, const struct ct_update_counts *n,
              struct ds *s)
{
    ds_put_format(s, "%s: routes %"PRIuSIZE", routes withdrawn %"PRIuSIZE
                  ", neighbours %"PRIuSIZE", neighbours withdrawn %"PRIuSIZE
                  "\n", what, n->routes, n->routes_withdrawn, n->neighs,
                  n->neighs_withdrawn);
}

static void
client_format_status(const struct client *c, struct ds *s)
{
    long long int now = time_msec();
    struct ct_stats stats;

    ds_put_format(s, "state: %s\n", state_to_string(c->state));
    ds_put_format(s, "remote: %s (%s", c->remote,
                  jsonrpc_session_is_connected(c->session)
                  ? "connected" : "not connected");
    if (jsonrpc_session_is_connected(c->session)) {
        ds_put_format(s, " for %lld s", (now - c->connected_at) / 1000);
    } else if (jsonrpc_session_get_last_error(c->session)) {
        ds_put_format(s, ", last connection error: %s",
                      ovs_retval_to_string(
                          jsonrpc_session_get_last_error(c->session)));
    }
    ds_put_format(s, ", %llu connections)\n", c->n_connections);
    ds_put_format(s, "router: %s\n", c->router);
    if (c->session_id >= 0) {
        ds_put_format(s, "session: %"PRId64" (max-batch %"PRIuSIZE
                      ", probe interval %d ms)\n", c->session_id,
                      c->max_batch, c->probe_interval);
        ds_put_cstr(s, "interfaces:");
        for (size_t i = 0; i < c->iface_map.n; i++) {
            ds_put_format(s, "%s %s", i ? "," : "", c->iface_map.names[i]);
        }
        if (c->unmapped.n) {
            ds_put_cstr(s, "; unmapped:");
            for (size_t i = 0; i < c->unmapped.n; i++) {
                ds_put_format(s, " %s", c->unmapped.names[i]);
            }
        }
        ds_put_char(s, '\n');
    } else {
        ds_put_cstr(s, "session: none\n");
    }

    ct_get_stats(c->table, &stats);
    ds_put_format(s, "table: %"PRIuSIZE" routes (candidates: kernel "
                  "%"PRIuSIZE", fpm %"PRIuSIZE", connected %"PRIuSIZE"), "
                  "%"PRIuSIZE" neighbours, %"PRIuSIZE" interfaces, "
                  "%"PRIuSIZE" changes pending\n",
                  stats.n_routes, stats.n_candidates[CT_SRC_KERNEL],
                  stats.n_candidates[CT_SRC_FPM],
                  stats.n_candidates[CT_SRC_CONNECTED], stats.n_neighs,
                  stats.n_ifaces, stats.n_pending);
    if (stats.n_nexthops_dropped) {
        ds_put_format(s, "next hops dropped beyond %d per route: %"PRIu64
                      "\n", CT_MAX_NEXTHOPS, stats.n_nexthops_dropped);
    }

    format_counts("sent", &c->sent, s);
    ds_put_format(s, "sent messages: hellos %llu, snapshots %llu "
                  "(completed %llu), updates %llu\n", c->n_hellos,
                  c->n_snapshots, c->n_snapshots_done, c->n_updates);
    ds_put_format(s, "server: applied %llu, rejected %llu, withdrew %llu "
                  "stale entries at sync-end\n",
                  c->n_applied, c->n_rejected, c->n_removed);
    ds_put_format(s, "interruptions: %llu", c->n_interruptions);
    if (c->n_interruptions) {
        ds_put_format(s, ", last: disconnected %lld ms, snapshot %lld ms",
                      c->last_down_ms, c->last_resync_ms);
    }
    if (c->lost_at != LLONG_MIN) {
        ds_put_format(s, ", one in progress for %lld ms", now - c->lost_at);
    }
    ds_put_format(s, "\nlink checks: %llu, without answer %llu\n",
                  c->n_link_checks, c->n_link_check_failures);
    ds_put_format(s, "errors received: %llu\n", c->n_error_replies);
    ds_put_format(s, "last error: %s\n",
                  c->last_error ? c->last_error : "none");
    if (c->rejections.n) {
        ds_put_cstr(s, "last rejections:\n");
        for (size_t i = 0; i < c->rejections.n; i++) {
            ds_put_format(s, "  %s\n", c->rejections.names[i]);
        }
    }
    if (c->state == S_RESYNC_WAIT) {
        ds_put_format(s, "next snapshot in %lld ms\n", c->resync_at - now);
    } else if (c->state == S_HELLO_FAILED) {
        ds_put_format(s, "next hello in %lld ms\n", c->hello_retry_at - now);
    }
    kernel_watch_format(c->kw, s);
    if (c->fpm) {
        fpm_format(c->fpm, s);
    }
}

/* Main. */

int
main(int argc, char *argv[])
{
    struct unixctl_server *unixctl;
    struct client c;
    bool exiting = false;
    char *remote;
    char *error;
    int retval;

    ovs_cmdl_proctitle_init(argc, argv);
    set_program_name(argv[0]);
    service_start(&argc, &argv);
    parse_options(argc, argv, &remote);
    fatal_ignore_sigpipe();

    daemon_become_new_user(false);
    daemonize_start(false);

    retval = unixctl_server_create(unixctl_path, &unixctl);
    if (retval) {
        exit(EXIT_FAILURE);
    }

    memset(&c, 0, sizeof c);
    c.remote = remote;
    c.router = router_name;
    c.table = ct_table_create();
    hmap_init(&c.requests);
    svec_init(&c.iface_map);
    svec_init(&c.unmapped);
    svec_init(&c.rejections);
    c.hello_retry_delay = XFC_HELLO_RETRY_MS;
    c.resync_delay = XFC_RESYNC_DELAY_MS;
    c.probe_interval = 5000;
    c.max_update_bytes = XFC_MAX_UPDATE_BYTES;
    c.lost_at = c.link_lost_at = LLONG_MIN;
    c.last_down_ms = c.last_resync_ms = -1;
    connection_reset(&c);

    c.kw = kernel_watch_create(c.table, table_id,
                               fpm_remote ? KW_ROUTES_CONNECTED
                                          : KW_ROUTES_KERNEL, &error);
    if (!c.kw) {
        ovs_fatal(0, "%s", error);
    }
    if (fpm_remote) {
        c.fpm = fpm_create(fpm_remote, c.table, c.kw, &error);
        if (!c.fpm) {
            ovs_fatal(0, "%s", error);
        }
    }

    c.links_seqno = kernel_watch_get_links(c.kw, &c.links_lost_seen);
    c.session = jsonrpc_session_open(remote, true);
    c.seqno = jsonrpc_session_get_seqno(c.session);

    unixctl_command_register("exit", "", 0, 0, xfc_exit, &exiting);
    unixctl_command_register("status", "", 0, 0, xfc_status, &c);
    unixctl_command_register("xenflow-client/resync", "", 0, 0, xfc_resync,
                             &c);
    unixctl_command_register("xenflow-client/reconnect", "", 0, 0,
                             xfc_reconnect, &c);
    unixctl_command_register("xenflow-client/show", "", 0, 0, xfc_show, &c);

    daemonize_complete();
    VLOG_INFO("router %s, server %s", c.router, remote);

    while (!exiting) {
        kernel_watch_run(c.kw);
        if (c.fpm) {
            fpm_run(c.fpm);
        }
        client_run(&c);
        unixctl_server_run(unixctl);

        kernel_watch_wait(c.kw);
        if (c.fpm) {
            fpm_wait(c.fpm);
        }
        client_wait(&c);
        unixctl_server_wait(unixctl);
        if (exiting) {
            poll_immediate_wake();
        }
        poll_block();
    }

    jsonrpc_session_close(c.session);
    fpm_destroy(c.fpm);
    kernel_watch_destroy(c.kw);
    requests_clear(&c);
    hmap_destroy(&c.requests);
    ct_table_destroy(c.table);
    svec_destroy(&c.iface_map);
    svec_destroy(&c.unmapped);
    svec_destroy(&c.rejections);
    free(c.hello_ifaces);
    free(c.last_error);
    unixctl_server_destroy(unixctl);
    free(remote);
    free(router_name);
    free(fpm_remote);
    service_stop();
    return 0;
}

static void
xfc_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
         const char *argv[] OVS_UNUSED, void *exiting_)
{
    bool *exiting = exiting_;
    *exiting = true;
    unixctl_command_reply(conn, NULL);
}

static void
xfc_status(struct unixctl_conn *conn, int argc OVS_UNUSED,
           const char *argv[] OVS_UNUSED, void *c_)
{
    struct client *c = c_;
    struct ds s = DS_EMPTY_INITIALIZER;

    client_format_status(c, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
xfc_resync(struct unixctl_conn *conn, int argc OVS_UNUSED,
           const char *argv[] OVS_UNUSED, void *c_)
{
    struct client *c = c_;

    /* Re-read the kernel's tables first, in case they were missed. */
    kernel_watch_resync(c->kw);
    kernel_watch_run(c->kw);

    if (c->state == S_SYNCING || c->state == S_ACTIVE
        || c->state == S_RESYNC_WAIT) {
        VLOG_INFO("%s: full snapshot requested", c->remote);
        start_snapshot(c);
        unixctl_command_reply(conn, "full snapshot started");
    } else {
        unixctl_command_reply(conn, "not in session: a full snapshot "
                              "follows the next successful hello");
    }
}

static void
xfc_reconnect(struct unixctl_conn *conn, int argc OVS_UNUSED,
              const char *argv[] OVS_UNUSED, void *c_)
{
    struct client *c = c_;

    VLOG_INFO("%s: reconnection requested", c->remote);
    jsonrpc_session_force_reconnect(c->session);
    unixctl_command_reply(conn, NULL);
}

static void
xfc_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
         const char *argv[] OVS_UNUSED, void *c_)
{
    struct client *c = c_;
    struct ds s = DS_EMPTY_INITIALIZER;

    ct_format(c->table, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* Command line. */

static uint32_t
parse_table(const char *s)
{
    unsigned int id;

    if (str_to_uint(s, 10, &id) && id > 0) {
        return id;
    }
    int named = rtnl_route_str2table(s);
    if (named > 0) {
        return named;
    }
    ovs_fatal(0, "--table: \"%s\" is not a routing table number or name "
              "(e.g. 254 or main)", s);
}

static void
parse_options(int argc, char *argv[], char **remotep)
{
    enum {
        OPT_ROUTER = UCHAR_MAX + 1,
        OPT_TABLE,
        OPT_FPM,
        OPT_UNIXCTL,
        OPT_BOOTSTRAP_CA_CERT,
        VLOG_OPTION_ENUMS,
        DAEMON_OPTION_ENUMS,
        SSL_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"router", required_argument, NULL, OPT_ROUTER},
        {"table", required_argument, NULL, OPT_TABLE},
        {"fpm", required_argument, NULL, OPT_FPM},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        DAEMON_LONG_OPTIONS,
        VLOG_LONG_OPTIONS,
        STREAM_SSL_LONG_OPTIONS,
        {"bootstrap-ca-cert", required_argument, NULL, OPT_BOOTSTRAP_CA_CERT},
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }

        switch (c) {
        case OPT_ROUTER:
            if (!optarg[0]) {
                ovs_fatal(0, "--router: the router name must not be empty");
            }
            free(router_name);
            router_name = xstrdup(optarg);
            break;

        case OPT_TABLE:
            table_id = parse_table(optarg);
            break;

        case OPT_FPM:
            if (pstream_verify_name(optarg)) {
                ovs_fatal(0, "--fpm: \"%s\" is not a passive stream name "
                          "(e.g. ptcp:2620:127.0.0.1)", optarg);
            }
            free(fpm_remote);
            fpm_remote = xstrdup(optarg);
            break;

        case OPT_UNIXCTL:
            unixctl_path = optarg;
            break;

        case 'h':
            usage();

        case 'V':
            ovs_print_version(0, 0);
            exit(EXIT_SUCCESS);

        VLOG_OPTION_HANDLERS
        DAEMON_OPTION_HANDLERS
        STREAM_SSL_OPTION_HANDLERS

        case OPT_BOOTSTRAP_CA_CERT:
            stream_ssl_set_ca_cert_file(optarg, true);
            break;

        case '?':
            exit(EXIT_FAILURE);

        default:
            OVS_NOT_REACHED();
        }
    }
    free(short_options);

    argc -= optind;
    argv += optind;
    if (argc != 1) {
        ovs_fatal(0, "exactly one REMOTE argument is required "
                  "(use --help for usage)");
    }
    if (stream_verify_name(argv[0])) {
        ovs_fatal(0, "%s: not an active stream name (e.g. ssl:HOST:PORT, "
                  "tcp:HOST:PORT or unix:PATH)", argv[0]);
    }
    *remotep = xstrdup(argv[0]);

    if (!router_name) {
        char host[HOST_NAME_MAX + 1];
        if (gethostname(host, sizeof host) || !host[0]) {
            ovs_fatal(errno, "cannot get the host name: use --router");
        }
        host[HOST_NAME_MAX] = '\0';
        router_name = xstrdup(host);
    }
}

static void
usage(void)
{
    printf("%s: XenFlow client, streams this virtual router's routing and\n"
           "neighbour tables to the XenFlow server inside ovs-vswitchd\n"
           "usage: %s [OPTIONS] REMOTE\n"
           "where REMOTE is the XenFlow server's address.\n",
           program_name, program_name);
    stream_usage("REMOTE", true, false, true);
    printf("\nXenFlow options:\n"
           "  --router=NAME           router to program (default: host name)\n"
           "  --table=ID              kernel routing table to export "
           "(default: main)\n"
           "  --fpm=PREMOTE           take routes from FRR's FPM, listening "
           "on PREMOTE\n"
           "                          (e.g. ptcp:2620:127.0.0.1), not from "
           "the kernel\n");
    daemon_usage();
    vlog_usage();
    printf("\nOther options:\n"
           "  --unixctl=SOCKET        override default control socket name\n"
           "  -h, --help              display this help message\n"
           "  -V, --version           display version information\n");
    exit(EXIT_SUCCESS);
}
