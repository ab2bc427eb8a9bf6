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


#ifndef XENFLOW_CLIENT_SESSION_PRIVATE_H
#define XENFLOW_CLIENT_SESSION_PRIVATE_H 1

/* The state of xenflow-client's session with the server, kept by
 * client-session.c; client-unixctl.c reads it to show "status".  Nothing
 * else includes this. */

#include <stddef.h>
#include <stdint.h>

#include "openvswitch/hmap.h"
#include "svec.h"
#include "xenflow/client/client-session.h"
#include "xenflow/client/client-update.h"

enum client_state {
    S_DISCONNECTED,             /* Not connected. */
    S_HELLO,                    /* Hello sent, awaiting its reply. */
    S_HELLO_FAILED,             /* Hello refused: reconnect later. */
    S_SYNCING,                  /* Sending a snapshot. */
    S_RESYNC_WAIT,              /* Error reply: new snapshot later. */
    S_ACTIVE                    /* In sync: incremental updates. */
};

struct xfc_session {
    struct jsonrpc_session *rpc;
    unsigned int seqno;         /* jsonrpc_session_get_seqno() seen. */
    enum client_state state;
    struct ct_table *table;
    struct kernel_watch *kw;
    struct fpm *fpm;            /* NULL unless --fpm. */
    char *router;
    char *remote;

    /* Current connection. */
    struct hmap requests;       /* Contains "struct xfc_request"s. */
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
    int64_t switch_pending;     /* Of this router's route and neighbour
                                 * flows, how many the server last said
                                 * were not in the switch yet; -1 if it
                                 * has not said (an older server). */
    char *last_error;
    struct svec rejections;     /* Last reasons for rejected entries. */
};

#endif /* xenflow/client/client-session-private.h */
