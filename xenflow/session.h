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

#ifndef XENFLOW_SESSION_H
#define XENFLOW_SESSION_H 1

/* The JSON-RPC session of XenFlow's two channels: the xenflow-client
 * channel (server.c) and the channel between XenFlow nodes
 * (migrate-peer.c).  Layer "sessions": it uses only mechanisms (OVS's
 * jsonrpc and stream, xenflow/pace.h, xenflow/proto.h), never routers.
 *
 * A channel is a "struct xf_session_server": its listeners and its
 * sessions.  The owner embeds "struct xf_session" at the start of its own
 * session struct and gives a "struct xf_session_class": how to allocate and
 * free its sessions and what to do with each message.  This file does the
 * rest for both channels alike: accepting, paced receiving (bulk work,
 * xenflow/pace.h), the size limit on messages, error replies, closing, the
 * identity check on the peer's certificate and the peer's interfaces (from
 * its hello), matched to the router's by MAC. */

#include <stdbool.h>
#include <stddef.h>

#include "compiler.h"
#include "openvswitch/list.h"
#include "openvswitch/shash.h"
#include "openvswitch/types.h"

struct ds;
struct json;
struct jsonrpc;
struct jsonrpc_msg;
struct sset;
struct stream;
struct svec;
struct xf_proto_hello;
struct xf_proto_update;
struct xf_router;
struct xf_session;

/* The "error" member of an error reply, chosen where the error happens. */
enum xf_session_error {
    XF_ERR_INVALID_PARAMS,      /* A request's params are malformed. */
    XF_ERR_TOO_MANY_ENTRIES,    /* An "update" over the batch limit. */
    XF_ERR_UNKNOWN_METHOD,
    XF_ERR_PROTOCOL_VERSION,
    XF_ERR_NO_HELLO,            /* A request before "hello". */
    XF_ERR_DUPLICATE_HELLO,
    XF_ERR_DUPLICATE_BEGIN,     /* A second "migrate-begin". */
    XF_ERR_UNKNOWN_ROUTER,
    XF_ERR_NOT_AUTHORIZED,      /* Certificate not allowed. */
    XF_ERR_RATE_LIMITED,
    XF_ERR_BUSY,                /* The router migrates already. */
    XF_ERR_OUT_OF_ORDER,        /* A request not valid in this state. */
    XF_ERR_NOT_READY,           /* The router cannot forward here yet. */
};

const char *xf_session_error_code(enum xf_session_error);

/* What a channel does with its sessions.  Callbacks marked optional may be
 * NULL. */
struct xf_session_class {
    const char *what;           /* A session's peer in logs: "xenflow
                                 * client". */
    const char *what_plural;    /* Listener logs: "xenflow clients". */
    const char *listen_key;     /* other_config key of the listeners. */
    const char *limit_source;   /* Where the size limit comes from, in the
                                 * error that closes an oversized
                                 * session. */
    const char *invalid_message; /* Why a session that sent something
                                  * that is not JSON-RPC ends. */
    int max_per_run;            /* Messages handled per session per
                                 * main-loop iteration. */
    int protocol;               /* The protocol version spoken. */
    const char *protocol_name;  /* In errors: "protocol". */
    const char *self;           /* This end, in errors: "server". */

    /* The router named 'name' (xf_router_find(): this file only passes
     * it on). */
    struct xf_router *(*find_router)(const char *name);

    /* Counts, in the owner's coverage counters (operators watch them per
     * channel), a session connected ('error' false) or an error of one
     * (true). */
    void (*count)(bool error);

    /* The name of the state of a session that is not closing. */
    const char *(*state_name)(const struct xf_session *);

    /* Returns a new zeroed session (the owner's struct, with its
     * "struct xf_session" member returned). */
    struct xf_session *(*alloc)(void);

    /* 'session' closes because of 'why': undo the owner's bookkeeping and
     * free what the owner added (not the struct itself).  Optional. */
    void (*close)(struct xf_session *, const char *why);

    /* Frees the memory that 'alloc' returned. */
    void (*dealloc)(struct xf_session *);

    /* Each main-loop iteration, before messages are received.
     * Optional. */
    void (*run)(struct xf_session *);
    void (*wait)(struct xf_session *);  /* Optional. */

    /* Handles a request; a reply or an error reply is the handler's to
     * send. */
    void (*handle_request)(struct xf_session *, const struct jsonrpc_msg *);

    /* Handles a notification; returns false if it is not one of the
     * channel's (then it is counted as an error).  Optional: none is. */
    bool (*handle_notify)(struct xf_session *, const struct jsonrpc_msg *);
};

/* One of the peer's interfaces, from its hello. */
struct xf_session_iface {
    char *name;
    struct eth_addr mac;
};

struct xf_session {
    struct ovs_list node;       /* In its server's 'sessions'. */
    const struct xf_session_server *server;
    unsigned int id;
    struct jsonrpc *rpc;
    struct stream *stream;      /* Owned by 'rpc', which closes it on any
                                 * error: only read while 'rpc' is known
                                 * healthy (xf_session_take_peer_id()). */
    char *name;                 /* Remote, for logs. */
    char *peer_id;              /* Certificate CN, once taken. */
    char *router;               /* The router it is about, once known. */
    bool is_ssl;
    bool closing;               /* Flushing a last message, then closed. */
    bool yield;                 /* Handle no more messages this time. */
    long long int connected;    /* time_msec() of accept. */
    long long int last_rx;      /* time_msec() of the last message. */
    long long int close_at;     /* If 'closing': give up flushing then. */
    unsigned int rx_mark;       /* Received bytes at the last message. */
    struct jsonrpc_msg *held;   /* Waits for bulk work to resume. */

    /* The peer's interfaces, from its hello. */
    struct xf_session_iface *ifaces;
    size_t n_ifaces;

    /* Counters. */
    unsigned long long n_requests;
    unsigned long long n_applied;    /* Entries applied. */
    unsigned long long n_rejected;   /* Entries refused. */
    unsigned long long n_errors;     /* Requests and messages refused. */
    char *last_error;
};

/* A channel: its passive remotes and its sessions. */
struct xf_session_server {
    const struct xf_session_class *class;
    struct shash listeners;     /* Remote name -> struct pstream *. */
    struct ovs_list sessions;   /* Contains "struct xf_session"s. */
    unsigned int next_id;
    unsigned int max_message;   /* Bytes per message. */
    unsigned int probe_ms;      /* Closes a session silent for three of
                                 * these; 0: never. */
};

#define XF_SESSION_SERVER_INITIALIZER(SERVER, CLASS, MAX_MESSAGE) \
    { .class = (CLASS),                                            \
      .listeners = SHASH_INITIALIZER(&(SERVER)->listeners),        \
      .sessions = OVS_LIST_INITIALIZER(&(SERVER)->sessions),       \
      .next_id = 1,                                                \
      .max_message = (MAX_MESSAGE) }

void xf_session_server_listen(struct xf_session_server *,
                              const struct sset *remotes,
                              struct svec *errors);
void xf_session_server_run(struct xf_session_server *);
void xf_session_server_wait(struct xf_session_server *);
void xf_session_server_destroy(struct xf_session_server *, const char *why);
void xf_session_server_format_listeners(const struct xf_session_server *,
                                        struct ds *);

void xf_session_set_error(struct xf_session *, const char *error);
void xf_session_send_error(struct xf_session *, const struct json *id,
                           enum xf_session_error, const char *format, ...)
    OVS_PRINTF_FORMAT(4, 5);
void xf_session_reply(struct xf_session *, struct json *result,
                      const struct json *id);
void xf_session_close_after(struct xf_session *, struct jsonrpc_msg *);
void xf_session_close_soon(struct xf_session *, const char *why);

/* Whether certificate common name 'cn' names identity 'id'. */
bool xf_session_identity_matches(const char *cn, const char *id);
const char *xf_session_take_peer_id(struct xf_session *);

/* The peer's interfaces, and the local interface with the same MAC.
 * 'lookup' returns the name of the local interface with MAC 'mac', or
 * NULL. */
const char *xf_session_state_name(const struct xf_session *);
struct xf_router *xf_session_router(struct xf_session *,
                                    const struct json *id);
bool xf_session_parse_update(struct xf_session *, const struct jsonrpc_msg *,
                             struct xf_proto_update *);
void xf_session_count_update(struct xf_session *, size_t n_applied,
                             const struct svec *errors);
void xf_session_unknown_method(struct xf_session *,
                               const struct jsonrpc_msg *);

/* A hello: the first request of a session, that names a router and the
 * peer's interfaces ("migrate-begin" on the node channel). */
bool xf_session_parse_hello(struct xf_session *, const struct jsonrpc_msg *,
                            struct xf_proto_hello *);
typedef const char *xf_session_lookup_mac(const void *aux,
                                          struct eth_addr mac);
struct json *xf_session_accept_hello(struct xf_session *,
                                     const struct xf_proto_hello *,
                                     const char *router,
                                     xf_session_lookup_mac *,
                                     const void *aux, size_t *n_mapped);

enum xf_session_dev {
    XF_DEV_MAPPED,              /* Translated, or no "dev" at all. */
    XF_DEV_NO_MAC,              /* No local interface has its MAC. */
    XF_DEV_UNANNOUNCED,         /* Not in the peer's hello. */
};
enum xf_session_dev xf_session_map_dev(const struct xf_session *,
                                       char **devp,
                                       xf_session_lookup_mac *,
                                       const void *aux);

#endif /* xenflow/session.h */
