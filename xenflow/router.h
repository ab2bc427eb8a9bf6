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

#ifndef XENFLOW_ROUTER_H
#define XENFLOW_ROUTER_H 1

/* Changes to a virtual router's routing and neighbour tables.
 *
 * The one internal API through which every source of routes goes: the
 * xenflow/route-add family of unixctl commands, xenflow/load (xenflow.c) and
 * the xenflow-client channel (server.c).  Each change updates the router's
 * RIB and the O(1) flows that depend on it; the flows reach the switch
 * asynchronously, in batches (flowsync.c). */

#include <stdbool.h>
#include <stddef.h>

#include "compiler.h"

struct in6_addr;
struct xf_neigh_spec;
struct xf_prefix;
struct xf_route_spec;
struct xf_router;

struct xf_router *xf_router_find(const char *name);

/* A migration out of this node holds 'r' from its start to its end: a held
 * router whose interfaces leave the configuration (its VM left) keeps
 * forwarding, "unconfigured", until the migration releases it. */
void xf_router_set_held(struct xf_router *, bool held);
const char *xf_router_client_id(const struct xf_router *);

/* Checking: NULL, or a malloc()'d message saying why 'r' cannot take it
 * (an interface it does not have, a gateway on none of its subnets). */
char *xf_router_check_route(const struct xf_router *,
                            const struct xf_route_spec *)
    OVS_WARN_UNUSED_RESULT;
char *xf_router_check_neigh(const struct xf_router *,
                            const struct xf_neigh_spec *)
    OVS_WARN_UNUSED_RESULT;

/* Changing (the spec must have passed the check).  A route replaces any
 * route for the same prefix. */
bool xf_router_set_route(struct xf_router *, const struct xf_route_spec *);
bool xf_router_set_neigh(struct xf_router *, const struct xf_neigh_spec *);
bool xf_router_del_route(struct xf_router *, const struct xf_prefix *);
bool xf_router_del_neigh(struct xf_router *, const char *dev,
                         const struct in6_addr *);

/* Full resynchronisation by mark and sweep: begin, set every valid entry
 * again (unchanged entries keep their flows, without a gap), sweep. */
void xf_router_begin_sync(struct xf_router *);
size_t xf_router_sweep(struct xf_router *);
size_t xf_router_withdraw_all(struct xf_router *);

#endif /* xenflow/router.h */
