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


#ifndef XENFLOW_CLIENT_SESSION_H
#define XENFLOW_CLIENT_SESSION_H 1

/* xenflow-client's JSON-RPC session with the XenFlow server
 * (Documentation/xenflow-protocol.md): connection with reconnection and
 * backoff (upstream's jsonrpc_session, which also sends the keepalive
 * echoes), "hello" with the interface set (and a new one, through a
 * reconnection, when the set changes), full snapshots and incremental
 * updates drained from the client table within flow control, the server's
 * replies and errors, and the link check after a link comes back (see
 * check_links()). */

#include <stdbool.h>

struct ct_table;
struct ds;
struct fpm;
struct kernel_watch;

struct xfc_session *xfc_session_create(const char *remote,
                                       const char *router, struct ct_table *,
                                       struct kernel_watch *, struct fpm *);
void xfc_session_destroy(struct xfc_session *);
void xfc_session_run(struct xfc_session *);
void xfc_session_wait(struct xfc_session *);

bool xfc_session_resync(struct xfc_session *);
void xfc_session_reconnect(struct xfc_session *);

#endif /* xenflow/client/client-session.h */
