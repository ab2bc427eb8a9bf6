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

#ifndef XENFLOW_RPC_H
#define XENFLOW_RPC_H 1

/* What XenFlow's two JSON-RPC channels share: the xenflow-client channel
 * (server.c) and the channel between XenFlow nodes (migrate.c).  Passive
 * remotes, error replies, and applying an "update" to a router through
 * xenflow/router.h. */

#include <stddef.h>

#include "compiler.h"

struct json;
struct jsonrpc;
struct jsonrpc_msg;
struct shash;
struct sset;
struct stream;
struct svec;
struct xf_proto_update;
struct xf_router;

/* Makes 'listeners' (remote name -> struct pstream *) listen on exactly the
 * passive remotes in 'wanted'.  'key' names the configuration key and 'what'
 * the peers ("xenflow clients") in messages; problems go to 'errors'. */
void xf_rpc_listeners_reconfigure(struct shash *listeners,
                                  const struct sset *wanted, const char *key,
                                  const char *what, struct svec *errors);

/* Accepts up to 10 connections per listener, calling 'cb' for each. */
void xf_rpc_listeners_accept(struct shash *listeners,
                             void (*cb)(struct stream *,
                                        const char *listener));
void xf_rpc_listeners_wait(const struct shash *listeners);
void xf_rpc_listeners_close(struct shash *listeners, const char *what);

/* Like jsonrpc_recv(), for a session whose requests are bulk work
 * (xenflow/pace.h).  A message received while bulk work may not run waits
 * in '*held' (NULL if none; the caller destroys it with the session) and a
 * later call returns it.  Echo requests never wait.  Returns 0 with the
 * message to handle in '*msgp'; EAGAIN if there is none now (then
 * '*held' says whether one waits: wait with xf_bulk_wait(), not
 * jsonrpc_recv_wait(), until it is handled); or jsonrpc_recv()'s error. */
int xf_rpc_recv_paced(struct jsonrpc *, struct jsonrpc_msg **held,
                      struct jsonrpc_msg **msgp);

/* An error reply to request 'id': {"error": CODE, "details": DETAILS}. */
struct jsonrpc_msg *xf_rpc_error(const struct json *id, const char *code,
                                 const char *details);

/* Applies the entries of 'u' to router 'r', after 'translate' (may be NULL)
 * has turned each "dev" from the sender's interface name into the router's
 * ('*devp' may be NULL; returns NULL or a malloc()'d error).  Each entry
 * refused gets a message in 'u->errors'.  Returns the number applied. */
size_t xf_rpc_apply_update(struct xf_router *r, struct xf_proto_update *u,
                           char *(*translate)(const void *aux,
                                              const struct xf_router *,
                                              char **devp),
                           const void *aux);

/* The result of an "update": {"applied": N, "rejected": N, "errors": [the
 * first few]}. */
struct json *xf_rpc_update_result(size_t n_applied,
                                  const struct svec *errors);

#endif /* xenflow/rpc.h */
