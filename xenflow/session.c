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

#include "xenflow/session.h"

#include <errno.h>
#include <string.h>

#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "sset.h"
#include "stream-ssl.h"
#include "stream.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/pace.h"
#include "xenflow/proto.h"

VLOG_DEFINE_THIS_MODULE(xenflow_session);


/* Connections accepted per listener per main-loop iteration. */
#define MAX_ACCEPTS_PER_RUN 10

/* OVS's jsonrpc reads 4096 bytes at a time, so the bytes received while a
 * message completes may include that much of the next one. */
#define RX_SLACK 4096

const char *
xf_session_error_code(enum xf_session_error error)
{
    switch (error) {
    case XF_ERR_INVALID_PARAMS: return "invalid params";
    case XF_ERR_TOO_MANY_ENTRIES: return "too many entries";
    case XF_ERR_UNKNOWN_METHOD: return "unknown method";
    case XF_ERR_PROTOCOL_VERSION: return "protocol version";
    case XF_ERR_NO_HELLO: return "no hello";
    case XF_ERR_DUPLICATE_HELLO: return "duplicate hello";
    case XF_ERR_DUPLICATE_BEGIN: return "duplicate migrate-begin";
    case XF_ERR_UNKNOWN_ROUTER: return "unknown router";
    case XF_ERR_NOT_AUTHORIZED: return "not authorized";
    case XF_ERR_RATE_LIMITED: return "rate limited";
    case XF_ERR_BUSY: return "busy";
    case XF_ERR_OUT_OF_ORDER: return "out of order";
    case XF_ERR_NOT_READY: return "not ready";
    }
    OVS_NOT_REACHED();
}

/* Listeners. */

/* Makes 'server' listen on exactly the passive remotes in 'remotes'.
 * Problems go to 'errors' (may be NULL if 'remotes' is empty). */
void
xf_session_server_listen(struct xf_session_server *server,
                         const struct sset *remotes, struct svec *errors)
{
    const struct xf_session_class *class = server->class;
    struct shash_node *node;

    SHASH_FOR_EACH_SAFE (node, &server->listeners) {
        if (!sset_contains(remotes, node->name)) {
            VLOG_INFO("%s: no longer listening for %s", node->name,
                      class->what_plural);
            pstream_close(node->data);
            shash_delete(&server->listeners, node);
        }
    }
    const char *name;
    SSET_FOR_EACH (name, remotes) {
        if (shash_find(&server->listeners, name)) {
            continue;
        }
        if (!strncmp(name, "pssl:", 5) && !stream_ssl_is_configured()) {
            svec_add_nocopy(errors, xasprintf(
                                "Open_vSwitch: other_config:%s: %s: SSL is "
                                "not configured (ovs-vsctl set-ssl "
                                "PRIVATE-KEY CERTIFICATE CA-CERT); not "
                                "listening", class->listen_key, name));
            continue;
        }
        struct pstream *pstream;
        int error = pstream_open(name, &pstream, DSCP_DEFAULT);
        if (error) {
            svec_add_nocopy(errors, xasprintf(
                                "Open_vSwitch: other_config:%s: %s: cannot "
                                "listen (%s)", class->listen_key, name,
                                ovs_strerror(error)));
        } else {
            VLOG_INFO("%s: listening for %s", name, class->what_plural);
            shash_add(&server->listeners, name, pstream);
        }
    }
}

/* Appends " REMOTE..." for each listener to 's', or a hint if none. */
void
xf_session_server_format_listeners(const struct xf_session_server *server,
                                   struct ds *s)
{
    if (shash_is_empty(&server->listeners)) {
        ds_put_format(s, " none (set other_config:%s)",
                      server->class->listen_key);
    }
    const struct shash_node **nodes = shash_sort(&server->listeners);
    for (size_t i = 0; i < shash_count(&server->listeners); i++) {
        ds_put_format(s, " %s", nodes[i]->name);
    }
    free(nodes);
}

/* Errors and closing. */

void
xf_session_set_error(struct xf_session *s, const char *error)
{
    free(s->last_error);
    s->last_error = xstrdup(error);
}

static void
session_count_error(struct xf_session *s, const char *error)
{
    s->n_errors++;
    s->server->class->count(true);
    xf_session_set_error(s, error);
}

/* Replies to request 'id' with an error ({"error": CODE, "details":
 * DETAILS}), counts and logs it. */
void
xf_session_send_error(struct xf_session *s, const struct json *id,
                      enum xf_session_error error, const char *format, ...)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    const char *code = xf_session_error_code(error);
    va_list args;

    va_start(args, format);
    char *details = xvasprintf(format, args);
    va_end(args);

    VLOG_WARN_RL(&rl, "%s: %s session %u%s%s: %s: %s", s->name,
                 s->server->class->what, s->id,
                 s->router ? " for router " : "", s->router ? s->router : "",
                 code, details);
    char *text = xasprintf("%s: %s", code, details);
    session_count_error(s, text);
    free(text);

    struct json *e = json_object_create();
    json_object_put_string(e, "error", code);
    json_object_put_string(e, "details", details);
    jsonrpc_send(s->rpc, jsonrpc_create_error(e, id));
    free(details);
}

void
xf_session_reply(struct xf_session *s, struct json *result,
                 const struct json *id)
{
    jsonrpc_send(s->rpc, jsonrpc_create_reply(result, id));
}

static void
session_close(struct xf_session *s, const char *why)
{
    const struct xf_session_class *class = s->server->class;

    VLOG_INFO("%s: %s session %u%s%s closed (%s)", s->name, class->what,
              s->id, s->router ? " for router " : "",
              s->router ? s->router : "", why);
    if (class->close) {
        class->close(s, why);
    }
    ovs_list_remove(&s->node);
    jsonrpc_msg_destroy(s->held);
    jsonrpc_close(s->rpc);
    for (size_t i = 0; i < s->n_ifaces; i++) {
        free(s->ifaces[i].name);
    }
    free(s->ifaces);
    free(s->name);
    free(s->peer_id);
    free(s->router);
    free(s->last_error);
    class->dealloc(s);
}

/* Sends 'msg' (if nonnull) and then closes 's' once it is flushed (or
 * after a second), from xf_session_server_run(). */
void
xf_session_close_after(struct xf_session *s, struct jsonrpc_msg *msg)
{
    if (msg) {
        jsonrpc_send(s->rpc, msg);
    }
    s->closing = true;
    s->close_at = time_msec() + 1000;
}

static struct jsonrpc_msg *
error_notify(const char *why)
{
    return jsonrpc_create_notify("error", json_array_create_1(
                                     json_string_create(why)));
}

/* Tells the peer of 's' why, and closes 's' as soon as that is sent (from
 * xf_session_server_run(), not here: the caller may be iterating over the
 * sessions). */
void
xf_session_close_soon(struct xf_session *s, const char *why)
{
    xf_session_set_error(s, why);
    xf_session_close_after(s, error_notify(why));
    s->close_at = time_msec();
}

static void
session_close_oversized(struct xf_session *s)
{
    char *why = xasprintf("message exceeds %u bytes (%s)",
                          s->server->max_message,
                          s->server->class->limit_source);
    session_count_error(s, why);
    xf_session_close_after(s, error_notify(why));
    free(why);
}

/* Identity and interfaces. */

/* Whether certificate common name 'cn' is identity 'id'.  "ovs-pki
 * req+sign NAME" without --unique makes "NAME id:UUID", which counts as
 * NAME. */
bool
xf_session_identity_matches(const char *cn, const char *id)
{
    size_t len = strlen(id);

    return (cn && !strncmp(cn, id, len)
            && (!cn[len] || !strncmp(cn + len, " id:", 4)));
}

/* Reads the peer's certificate name (NULL without one) into 's->peer_id'
 * and returns it.  Only while handling a message: then the stream is
 * known to be healthy. */
const char *
xf_session_take_peer_id(struct xf_session *s)
{
    free(s->peer_id);
    s->peer_id = nullable_xstrdup(stream_get_peer_id(s->stream));
    return s->peer_id;
}

const char *
xf_session_state_name(const struct xf_session *s)
{
    return s->closing ? "closing" : s->server->class->state_name(s);
}

/* Returns the router 's' is about, or NULL after replying to request 'id'
 * that it is gone. */
struct xf_router *
xf_session_router(struct xf_session *s, const struct json *id)
{
    struct xf_router *r = s->server->class->find_router(s->router);
    if (!r) {
        xf_session_send_error(s, id, XF_ERR_UNKNOWN_ROUTER, "router %s is no "
                              "longer configured here", s->router);
    }
    return r;
}

/* Decodes the params of "update" request 'req' into 'u'.  Returns false,
 * after an error reply and with nothing to destroy, if the request as a
 * whole is refused. */
bool
xf_session_parse_update(struct xf_session *s, const struct jsonrpc_msg *req,
                        struct xf_proto_update *u)
{
    char *error = xf_proto_parse_update(req->params, XF_PROTO_MAX_BATCH, u);
    if (error) {
        xf_session_send_error(s, req->id, (u->too_many
                                           ? XF_ERR_TOO_MANY_ENTRIES
                                           : XF_ERR_INVALID_PARAMS),
                              "%s", error);
        free(error);
        xf_proto_update_destroy(u);
        return false;
    }
    return true;
}

/* Counts an "update" of which 'n_applied' entries were applied and
 * 'errors->n' refused. */
void
xf_session_count_update(struct xf_session *s, size_t n_applied,
                        const struct svec *errors)
{
    s->n_applied += n_applied;
    s->n_rejected += errors->n;
    if (errors->n) {
        xf_session_set_error(s, errors->names[0]);
    }
}

/* Replies to 'req' that its method is not one of the protocol's. */
void
xf_session_unknown_method(struct xf_session *s, const struct jsonrpc_msg *req)
{
    const struct xf_session_class *class = s->server->class;

    xf_session_send_error(s, req->id, XF_ERR_UNKNOWN_METHOD, "\"%s\" is not "
                          "a method of %s version %d", req->method,
                          class->protocol_name, class->protocol);
}

/* Decodes the params of hello 'req' into 'hello' and checks its protocol
 * version.  Returns false, after an error reply and with nothing to
 * destroy, if they are invalid or another version. */
bool
xf_session_parse_hello(struct xf_session *s, const struct jsonrpc_msg *req,
                       struct xf_proto_hello *hello)
{
    const struct xf_session_class *class = s->server->class;
    char *error = xf_proto_parse_hello(req->params, hello);

    if (error) {
        xf_session_send_error(s, req->id, XF_ERR_INVALID_PARAMS, "%s",
                              error);
        free(error);
    } else if (hello->protocol != class->protocol) {
        xf_session_send_error(s, req->id, XF_ERR_PROTOCOL_VERSION, "%s "
                              "%"PRId64" is not supported; this %s speaks "
                              "version %d", class->protocol_name,
                              hello->protocol, class->self, class->protocol);
    } else {
        return true;
    }
    xf_proto_hello_destroy(hello);
    return false;
}

/* Accepts 'hello' for router 'router': 's' is about that router from now
 * on and remembers the peer's interfaces (instead of any from an earlier
 * hello).  Returns the hello reply's result, to which the caller may add:
 * {"protocol": N, "router": ROUTER, "interfaces": [{"name": PEER'S,
 * "port": LOCAL}...] for the peer's interfaces that have a local interface
 * with the same MAC ('lookup'), "unmapped": [the others' names]}.  The
 * number mapped goes to '*n_mapped'. */
struct json *
xf_session_accept_hello(struct xf_session *s,
                        const struct xf_proto_hello *hello,
                        const char *router, xf_session_lookup_mac *lookup,
                        const void *aux, size_t *n_mapped)
{
    free(s->router);
    s->router = xstrdup(router);
    for (size_t i = 0; i < s->n_ifaces; i++) {
        free(s->ifaces[i].name);
    }
    free(s->ifaces);
    s->ifaces = xcalloc(hello->n_ifaces, sizeof *s->ifaces);
    s->n_ifaces = hello->n_ifaces;

    struct json *mapped = json_array_create_empty();
    struct json *unmapped = json_array_create_empty();
    for (size_t i = 0; i < hello->n_ifaces; i++) {
        const char *name = hello->ifaces[i].name;
        s->ifaces[i].name = xstrdup(name);
        s->ifaces[i].mac = hello->ifaces[i].mac;

        const char *local = lookup(aux, s->ifaces[i].mac);
        if (local) {
            struct json *m = json_object_create();
            json_object_put_string(m, "name", name);
            json_object_put_string(m, "port", local);
            json_array_add(mapped, m);
        } else {
            json_array_add(unmapped, json_string_create(name));
        }
    }
    *n_mapped = json_array(mapped)->n;

    struct json *result = json_object_create();
    json_object_put(result, "protocol",
                    json_integer_create(s->server->class->protocol));
    json_object_put_string(result, "router", router);
    json_object_put(result, "interfaces", mapped);
    json_object_put(result, "unmapped", unmapped);
    return result;
}

/* Replaces the peer's interface name '*devp' (may be NULL) by the local
 * interface with the same MAC. */
enum xf_session_dev
xf_session_map_dev(const struct xf_session *s, char **devp,
                   xf_session_lookup_mac *lookup, const void *aux)
{
    if (!*devp) {
        return XF_DEV_MAPPED;
    }
    for (size_t i = 0; i < s->n_ifaces; i++) {
        if (!strcmp(s->ifaces[i].name, *devp)) {
            const char *local = lookup(aux, s->ifaces[i].mac);
            if (!local) {
                return XF_DEV_NO_MAC;
            }
            free(*devp);
            *devp = xstrdup(local);
            return XF_DEV_MAPPED;
        }
    }
    return XF_DEV_UNANNOUNCED;
}

/* Receiving. */

/* Like jsonrpc_recv(), for a session whose requests are bulk work
 * (xenflow/pace.h).  A message received while bulk work may not run waits
 * in 's->held' and a later call returns it.  Echo requests never wait.
 * Returns 0 with the message to handle in '*msgp'; EAGAIN if there is none
 * now (then 's->held' says whether one waits: wait with xf_bulk_wait(),
 * not jsonrpc_recv_wait(), until it is handled); or jsonrpc_recv()'s
 * error. */
static int
session_recv_paced(struct xf_session *s, struct jsonrpc_msg **msgp)
{
    if (!s->held) {
        int error = jsonrpc_recv(s->rpc, &s->held);
        if (error) {
            return error;
        }
    }

    const struct jsonrpc_msg *msg = s->held;
    if ((msg->type != JSONRPC_REQUEST || strcmp(msg->method, "echo"))
        && !xf_bulk_allows()) {
        return EAGAIN;
    }
    *msgp = s->held;
    s->held = NULL;
    return 0;
}

static void
session_dispatch(struct xf_session *s, const struct jsonrpc_msg *msg)
{
    const struct xf_session_class *class = s->server->class;

    if (msg->type == JSONRPC_REQUEST) {
        s->n_requests++;
        class->handle_request(s, msg);
    } else if (msg->type == JSONRPC_NOTIFY) {
        if (!class->handle_notify || !class->handle_notify(s, msg)) {
            /* Nothing to reply to.  Count it so that a confused peer is
             * visible. */
            s->n_errors++;
            xf_session_set_error(s, "unexpected notification");
        }
    }
    /* Replies (to our echo requests, if any) need no handling. */
}

/* Returns false if 's' was closed.  Sets '*paced' if a message waits for
 * bulk work to resume. */
static bool
session_run(struct xf_session *s, bool *paced)
{
    const struct xf_session_server *server = s->server;
    const struct xf_session_class *class = server->class;

    jsonrpc_run(s->rpc);
    int error = jsonrpc_get_status(s->rpc);
    if (error) {
        session_close(s, error == EOF ? "end of stream"
                      : ovs_strerror(error));
        return false;
    }

    long long int now = time_msec();
    if (s->closing) {
        if (!jsonrpc_get_backlog(s->rpc) || now >= s->close_at) {
            session_close(s, s->last_error ? s->last_error : "closing");
            return false;
        }
        return true;
    }
    if (class->run) {
        class->run(s);
    }

    s->yield = false;
    for (int i = 0; i < class->max_per_run; i++) {
        struct jsonrpc_msg *msg;

        error = session_recv_paced(s, &msg);
        if (error) {
            if (s->held) {
                s->last_rx = now;
                *paced = true;
            }
            break;
        }
        s->last_rx = now;
        unsigned int received = jsonrpc_get_received_bytes(s->rpc);
        unsigned int size = received - s->rx_mark;
        s->rx_mark = received;
        if (size > server->max_message + RX_SLACK) {
            /* It arrived whole, within one iteration: refuse it anyway. */
            jsonrpc_msg_destroy(msg);
            session_close_oversized(s);
            return true;
        }
        session_dispatch(s, msg);
        jsonrpc_msg_destroy(msg);
        if (s->closing) {
            return true;
        } else if (s->yield) {
            break;
        }
    }
    if (error && error != EAGAIN) {
        /* A JSON or JSON-RPC syntax error, or the end of the stream.  The
         * stream cannot be resynchronised after a syntax error, so it
         * ends. */
        const char *why = (error == EOF ? "end of stream"
                           : s->is_ssl && !s->n_requests
                           ? "TLS handshake failed or invalid first message"
                           : class->invalid_message);
        if (error != EOF) {
            session_count_error(s, why);
        }
        session_close(s, why);
        return false;
    }

    unsigned int pending = jsonrpc_get_received_bytes(s->rpc) - s->rx_mark;
    if (pending > server->max_message + RX_SLACK) {
        /* Still incomplete, and already too big: stop reading it. */
        session_close_oversized(s);
        return true;
    }

    /* The peer's own jsonrpc_session probes us every probe interval (the
     * client learns the interval from the hello reply), so a session
     * silent for three of them lost its peer.  No jsonrpc_session here:
     * its keepalive would send echo requests of our own, which the
     * protocol does not have peers answer, for a fact the peer's probes
     * already establish. */
    if (server->probe_ms && now - s->last_rx > 3LL * server->probe_ms) {
        session_close(s, "no message for three probe intervals");
        return false;
    }
    return true;
}

static void
session_accept(struct xf_session_server *server, struct stream *stream,
               const char *listener)
{
    struct xf_session *s = server->class->alloc();

    s->server = server;
    s->id = server->next_id++;
    s->stream = stream;
    s->rpc = jsonrpc_open(stream);
    s->name = xstrdup(stream_get_name(stream));
    s->is_ssl = !strncmp(listener, "pssl:", 5);
    s->connected = s->last_rx = time_msec();
    ovs_list_push_back(&server->sessions, &s->node);
    server->class->count(false);
    VLOG_INFO("%s: %s session %u connected via %s", s->name,
              server->class->what, s->id, listener);
}

static void
server_accept(struct xf_session_server *server)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, &server->listeners) {
        for (int i = 0; i < MAX_ACCEPTS_PER_RUN; i++) {
            struct stream *stream;
            int error = pstream_accept(node->data, &stream);
            if (error) {
                if (error != EAGAIN) {
                    static struct vlog_rate_limit rl
                        = VLOG_RATE_LIMIT_INIT(1, 5);
                    VLOG_WARN_RL(&rl, "%s: accept failed: %s", node->name,
                                 ovs_strerror(error));
                }
                break;
            }
            session_accept(server, stream, node->name);
        }
    }
}

void
xf_session_server_run(struct xf_session_server *server)
{
    server_accept(server);

    struct xf_session *s;
    bool paced = false;
    LIST_FOR_EACH_SAFE (s, node, &server->sessions) {
        session_run(s, &paced);
    }
    if (paced && !ovs_list_is_empty(&server->sessions)) {
        /* Bulk work stopped: next time, start with another session. */
        ovs_list_push_back(&server->sessions,
                           ovs_list_pop_front(&server->sessions));
    }
}

void
xf_session_server_wait(struct xf_session_server *server)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, &server->listeners) {
        pstream_wait(node->data);
    }

    struct xf_session *s;
    LIST_FOR_EACH (s, node, &server->sessions) {
        jsonrpc_wait(s->rpc);
        if (s->closing) {
            poll_timer_wait_until(s->close_at);
            continue;
        }
        if (s->held) {
            xf_bulk_wait();
        } else {
            jsonrpc_recv_wait(s->rpc);
        }
        if (server->probe_ms) {
            poll_timer_wait_until(s->last_rx + 3LL * server->probe_ms);
        }
        if (server->class->wait) {
            server->class->wait(s);
        }
    }
}

/* Closes every session of 'server' because of 'why', and its
 * listeners. */
void
xf_session_server_destroy(struct xf_session_server *server, const char *why)
{
    struct xf_session *s;
    LIST_FOR_EACH_SAFE (s, node, &server->sessions) {
        session_close(s, why);
    }

    struct sset none = SSET_INITIALIZER(&none);
    xf_session_server_listen(server, &none, NULL);
    sset_destroy(&none);
}
