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

#include "xenflow/client/client-session.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/client/client-ifaces.h"
#include "xenflow/client/client-reply.h"
#include "xenflow/client/client-requests.h"
#include "xenflow/client/client-session-private.h"
#include "xenflow/client/client-table.h"
#include "xenflow/client/client-update.h"
#include "xenflow/client/fpm.h"
#include "xenflow/client/kernel-links.h"

VLOG_DEFINE_THIS_MODULE(client_session);

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
 * echo within this long, or the client reconnects.  This is a timeout of its
 * own beside jsonrpc_session's keepalive probe on purpose: that probe is sent
 * only after a whole probe interval without anything received (5 s, or the
 * server's interval) and waits as long again for an answer, so after a live
 * migration the client would stay on a dead connection for up to two
 * intervals; the check sends its echo at once and gives up sooner. */
#define XFC_LINK_CHECK_MS 2000

/* Rejection reasons kept for "status". */
#define XFC_MAX_REJECTIONS 10

static void
session_set_error(struct xfc_session *c, char *error)
{
    free(c->last_error);
    c->last_error = error;
}

/* Sends request 'type' with 'params' (an object, put in an array). */
static void
send_request(struct xfc_session *c, enum xfc_request_type type,
             struct json *params)
{
    xfc_request_send(&c->requests, c->rpc, type, c->epoch, params);
}

/* Session. */

static void
connection_reset(struct xfc_session *c)
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
    xfc_requests_clear(&c->requests);
    free(c->hello_ifaces);
    c->hello_ifaces = NULL;
    c->ifaces_changed_at = LLONG_MIN;
    c->state = S_DISCONNECTED;
    c->session_id = -1;
    c->switch_pending = -1;
    c->max_batch = XFC_DEFAULT_MAX_BATCH;
    svec_clear(&c->iface_map);
    svec_clear(&c->unmapped);
}

static void
send_hello(struct xfc_session *c)
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
    send_request(c, XFC_REQ_HELLO, params);

    c->state = S_HELLO;
    c->n_hellos++;
}

static void
start_snapshot(struct xfc_session *c)
{
    COVERAGE_INC(xfc_snapshot);
    c->epoch++;
    ct_snapshot_start(c->table);
    send_request(c, XFC_REQ_SYNC_BEGIN, json_object_create());
    c->state = S_SYNCING;
    c->n_snapshots++;
    c->snapshot_started_at = time_msec();
    memset(&c->snapshot_counts, 0, sizeof c->snapshot_counts);
}

/* An error reply to a request of the current snapshot: the server's view is
 * unknown, so start a new snapshot after a delay. */
static void
schedule_resync(struct xfc_session *c, const struct xfc_request *req,
                const char *error)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

    session_set_error(c, xasprintf("%s: %s", xfc_request_method(req->type),
                                  error));
    if (req->epoch != c->epoch
        || (c->state != S_SYNCING && c->state != S_ACTIVE)) {
        /* Already handled: an earlier reply of the same snapshot failed. */
        return;
    }

    VLOG_WARN_RL(&rl, "%s: server replied with an error to %s (%s); new "
                 "full snapshot in %d ms", c->remote,
                 xfc_request_method(req->type), error, c->resync_delay);
    c->state = S_RESYNC_WAIT;
    c->resync_at = time_msec() + c->resync_delay;
    c->resync_delay = MIN(c->resync_delay * 2, XFC_RESYNC_MAX_DELAY_MS);
}


static void
handle_hello_reply(struct xfc_session *c, const struct json *result)
{
    struct xfc_hello_result hello;

    xfc_hello_result_parse(result, &hello);
    c->session_id = hello.session;
    c->max_batch = (hello.max_batch >= 1 && hello.max_batch <= INT_MAX
                    ? hello.max_batch : XFC_DEFAULT_MAX_BATCH);

    /* A server that says how large a message may be (an optional member,
     * not in protocol 1's hello result yet) gets updates of half that. */
    if (hello.max_message >= 4096
        && hello.max_message / 2 < c->max_update_bytes) {
        c->max_update_bytes = hello.max_message / 2;
    }

    /* A server that offers it gets routes as compact "routes-text". */
    ct_set_text_routes(c->table, hello.text_routes);

    /* Probe at the server's interval: it drops sessions silent for three
     * of them. */
    if (hello.probe_interval >= 1000 && hello.probe_interval <= INT_MAX) {
        c->probe_interval = hello.probe_interval;
        jsonrpc_session_set_probe_interval(c->rpc, hello.probe_interval);
    }

    svec_swap(&c->iface_map, &hello.iface_map);
    svec_swap(&c->unmapped, &hello.unmapped);
    xfc_hello_result_destroy(&hello);

    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "%s: router %s, session %"PRId64", interfaces: ",
                  c->remote, c->router, c->session_id);
    xfc_format_iface_map(&c->iface_map, &c->unmapped, &s);
    VLOG_INFO("%s", ds_cstr(&s));
    ds_destroy(&s);

    c->hello_retry_delay = XFC_HELLO_RETRY_MS;
    c->hello_ok_at = time_msec();
    start_snapshot(c);
}

static void
handle_update_reply(struct xfc_session *c, const struct json *result)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    int64_t rejected = xfc_json_get_int(result, "rejected", 0);

    c->n_applied += MAX(xfc_json_get_int(result, "applied", 0), 0);
    c->switch_pending = xfc_json_get_int(result, "pending", -1);
    if (rejected > 0) {
        c->n_rejected += rejected;
        xfc_add_rejections(&c->rejections, result, XFC_MAX_REJECTIONS);
        VLOG_WARN_RL(&rl, "%s: server rejected %"PRId64" entries%s%s",
                     c->remote, rejected,
                     c->rejections.n ? ", e.g. " : "",
                     c->rejections.n
                     ? c->rejections.names[c->rejections.n - 1] : "");
    }
}

static void
handle_sync_end_reply(struct xfc_session *c, const struct xfc_request *req,
                      const struct json *result)
{
    int64_t removed = MAX(xfc_json_get_int(result, "removed", 0), 0);

    c->switch_pending = xfc_json_get_int(result, "pending", -1);
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
handle_echo_reply(struct xfc_session *c)
{
    if (c->link_check_deadline != LLONG_MAX) {
        VLOG_INFO("%s: the server still answers: the session survived the "
                  "link going down", c->remote);
        c->link_check_deadline = LLONG_MAX;
        c->link_lost_at = LLONG_MIN;
    }
}

static void
handle_reply(struct xfc_session *c, const struct jsonrpc_msg *msg)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

    if (!msg->id || msg->id->type != JSON_INTEGER) {
        VLOG_DBG_RL(&rl, "%s: reply with unexpected id", c->remote);
        return;
    }
    struct xfc_request *req = xfc_request_take(&c->requests,
                                               json_integer(msg->id));
    if (!req) {
        VLOG_DBG_RL(&rl, "%s: reply to unknown request", c->remote);
        return;
    }

    if (msg->type == JSONRPC_ERROR) {
        char *error = xfc_error_reply_to_string(msg->error);

        COVERAGE_INC(xfc_error_reply);
        c->n_error_replies++;
        if (req->type == XFC_REQ_ECHO) {
            /* Whatever it says, the server is there. */
            handle_echo_reply(c);
        } else if (req->type == XFC_REQ_HELLO) {
            session_set_error(c, xasprintf("hello: %s", error));
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
        case XFC_REQ_HELLO:
            if (c->state == S_HELLO) {
                handle_hello_reply(c, msg->result);
            }
            break;
        case XFC_REQ_SYNC_BEGIN:
            break;
        case XFC_REQ_UPDATE:
            handle_update_reply(c, msg->result);
            break;
        case XFC_REQ_SYNC_END:
            handle_sync_end_reply(c, req, msg->result);
            break;
        case XFC_REQ_ECHO:
            handle_echo_reply(c);
            break;
        }
    }
    free(req);
}

/* The server closes a session whose message was too large, after an
 * "error" notification that says so: later updates are kept to half the
 * limit it gives. */
static void
handle_size_error(struct xfc_session *c, const struct json *params)
{
    unsigned int limit;

    if (xfc_size_error_limit(params, &limit) && limit >= 2048
        && limit / 2 < c->max_update_bytes) {
        c->max_update_bytes = limit / 2;
        VLOG_INFO("%s: updates now kept under %"PRIuSIZE" bytes",
                  c->remote, c->max_update_bytes);
    }
}

static void
handle_msg(struct xfc_session *c, const struct jsonrpc_msg *msg)
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
            session_set_error(c, xasprintf("server: %s", params));
            handle_size_error(c, msg->params);
            free(params);
        } else if (!strcmp(msg->method, "installed")
                   && msg->params->type == JSON_ARRAY
                   && json_array(msg->params)->n == 1) {
            c->switch_pending = xfc_json_get_int(
                json_array(msg->params)->elems[0], "pending", -1);
        }
        break;

    case JSONRPC_REQUEST: {
        struct json *error = json_object_create();
        json_object_put_string(error, "error", "unknown method");
        json_object_put_string(error, "details", msg->method);
        jsonrpc_session_send(c->rpc,
                             jsonrpc_create_error(error, msg->id));
        break;
    }
    }
}

/* True once every route source has delivered its table (FPM may take a
 * while after start): a snapshot's end waits for it. */
static bool
sources_ready(const struct xfc_session *c)
{
    return !c->fpm || fpm_is_synced(c->fpm);
}

/* Sends what the table has pending, within flow control. */
static void
send_updates(struct xfc_session *c)
{
    while (hmap_count(&c->requests) < XFC_MAX_OUTSTANDING
           && jsonrpc_session_get_backlog(c->rpc) < XFC_MAX_BACKLOG) {
        enum ct_pending pending = ct_pending(c->table);

        if (pending == CT_PENDING_NONE) {
            break;
        } else if (pending == CT_PENDING_BARRIER) {
            if (!sources_ready(c)) {
                break;
            }
            send_request(c, XFC_REQ_SYNC_END, json_object_create());
            ct_snapshot_finish(c->table);
            continue;
        }

        long long int now = time_msec();
        if (c->state == S_ACTIVE
            && now < c->last_update_at + XFC_MIN_UPDATE_INTERVAL_MS) {
            struct ct_stats stats;
            ct_get_stats(c->table, &stats);
            if (stats.n_pending < c->max_batch) {
                break;          /* xfc_session_wait() wakes us up. */
            }
        }

        struct ct_update_counts counts = { 0, 0, 0, 0 };
        struct json *params = ct_next_update(c->table, c->max_batch,
                                             c->max_update_bytes, &counts);
        if (!params) {
            break;
        }
        send_request(c, XFC_REQ_UPDATE, params);
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
check_ifaces(struct xfc_session *c)
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
        jsonrpc_session_force_reconnect(c->rpc);
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
check_links(struct xfc_session *c)
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
            jsonrpc_session_reset_backoff(c->rpc);
            send_request(c, XFC_REQ_ECHO, json_object_create());
        }
    }
    if (time_msec() >= c->link_check_deadline) {
        VLOG_INFO("%s: no answer %d ms after a link came back: reconnecting",
                  c->remote, XFC_LINK_CHECK_MS);
        c->n_link_check_failures++;
        c->link_check_deadline = LLONG_MAX;
        jsonrpc_session_reset_backoff(c->rpc);
        jsonrpc_session_force_reconnect(c->rpc);
    }
}

void
xfc_session_run(struct xfc_session *c)
{
    /* Before the session runs: a reset that the links' return explains
     * must not cost a backoff. */
    check_links(c);
    jsonrpc_session_run(c->rpc);

    unsigned int seqno = jsonrpc_session_get_seqno(c->rpc);
    if (seqno != c->seqno) {
        c->seqno = seqno;
        connection_reset(c);
        if (jsonrpc_session_is_connected(c->rpc)) {
            c->n_connections++;
            c->connected_at = time_msec();
            send_hello(c);
        }
    }
    if (!jsonrpc_session_is_connected(c->rpc)) {
        c->state = S_DISCONNECTED;
        return;
    }

    for (int i = 0; i < 50; i++) {
        struct jsonrpc_msg *msg = jsonrpc_session_recv(c->rpc);
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
            jsonrpc_session_force_reconnect(c->rpc);
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

void
xfc_session_wait(struct xfc_session *c)
{
    jsonrpc_session_wait(c->rpc);
    if (!jsonrpc_session_is_connected(c->rpc)) {
        return;
    }
    jsonrpc_session_recv_wait(c->rpc);

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
            && jsonrpc_session_get_backlog(c->rpc) < XFC_MAX_BACKLOG) {
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

/* Creates the session with the XenFlow server at 'remote' for 'router',
 * which streams 'table' ('kw' tells it when links come back; 'fpm', if
 * nonnull, when FPM's routes are all in). */
struct xfc_session *
xfc_session_create(const char *remote, const char *router,
                   struct ct_table *table, struct kernel_watch *kw,
                   struct fpm *fpm)
{
    struct xfc_session *c = xzalloc(sizeof *c);

    c->remote = xstrdup(remote);
    c->router = xstrdup(router);
    c->table = table;
    c->kw = kw;
    c->fpm = fpm;
    hmap_init(&c->requests);
    svec_init(&c->iface_map);
    svec_init(&c->unmapped);
    svec_init(&c->rejections);
    c->hello_retry_delay = XFC_HELLO_RETRY_MS;
    c->resync_delay = XFC_RESYNC_DELAY_MS;
    c->probe_interval = 5000;
    c->max_update_bytes = XFC_MAX_UPDATE_BYTES;
    c->lost_at = c->link_lost_at = LLONG_MIN;
    c->last_down_ms = c->last_resync_ms = -1;
    connection_reset(c);

    c->links_seqno = kernel_watch_get_links(kw, &c->links_lost_seen);
    c->rpc = jsonrpc_session_open(remote, true);
    c->seqno = jsonrpc_session_get_seqno(c->rpc);
    return c;
}

void
xfc_session_destroy(struct xfc_session *c)
{
    if (c) {
        jsonrpc_session_close(c->rpc);
        xfc_requests_clear(&c->requests);
        hmap_destroy(&c->requests);
        svec_destroy(&c->iface_map);
        svec_destroy(&c->unmapped);
        svec_destroy(&c->rejections);
        free(c->hello_ifaces);
        free(c->last_error);
        free(c->remote);
        free(c->router);
        free(c);
    }
}

/* Starts a new full snapshot if the server accepted hello (the caller
 * re-reads the sources first).  Returns false if there is no session to
 * send it in: a snapshot follows the next successful hello anyway. */
bool
xfc_session_resync(struct xfc_session *c)
{
    if (c->state == S_SYNCING || c->state == S_ACTIVE
        || c->state == S_RESYNC_WAIT) {
        VLOG_INFO("%s: full snapshot requested", c->remote);
        start_snapshot(c);
        return true;
    }
    return false;
}

void
xfc_session_reconnect(struct xfc_session *c)
{
    VLOG_INFO("%s: reconnection requested", c->remote);
    jsonrpc_session_force_reconnect(c->rpc);
}
