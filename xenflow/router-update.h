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

#ifndef XENFLOW_ROUTER_UPDATE_H
#define XENFLOW_ROUTER_UPDATE_H 1

/* Applying a decoded "update" (xenflow/proto.h) to a router through
 * xenflow/router.h: what both JSON-RPC channels do with one (layer
 * "routers"; server.c and migrate-peer.c call it, it calls neither). */

#include <stddef.h>

#include "openvswitch/types.h"

struct json;
struct svec;
struct xf_proto_update;
struct xf_router;

/* Turns a "dev" from the sender's interface name into the router's
 * ('*devp' may be NULL).  Returns NULL or a malloc()'d error. */
typedef char *xf_router_update_translate(const void *aux,
                                         const struct xf_router *,
                                         char **devp);

/* Applies the entries of 'u' to router 'r', after 'translate' (may be
 * NULL) has translated each "dev".  Each entry refused gets a message in
 * 'u->errors', and counts once in 'r->n_rejected' (entries that failed to
 * decode, already in 'u->errors', included).  A withdrawal counts as
 * applied only if it removed something; one of an entry the router does
 * not have is neither applied nor refused.  Returns the number applied. */
size_t xf_router_update_apply(struct xf_router *r, struct xf_proto_update *u,
                              xf_router_update_translate *translate,
                              const void *aux);

/* The result of an "update": {"applied": N, "rejected": N, "errors": [the
 * first few]}. */
struct json *xf_router_update_result(size_t n_applied,
                                     const struct svec *errors);

/* The name of the interface of router 'r' (a "const struct xf_router *")
 * with MAC 'mac', or NULL (an xf_session_lookup_mac). */
const char *xf_router_update_iface_by_mac(const void *r, struct eth_addr mac);

#endif /* xenflow/router-update.h */
