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
 * xenflow/route-add family of unixctl commands (router-cmd.c), xenflow/load
 * (load.c), the xenflow-client channel (server.c) and the node channel
 * (migrate-peer.c).  Each change updates the router's RIB and the O(1)
 * flows that depend on it, within the router's limits: an entry over a
 * limit stays in the RIB, not offloaded, and the VM routes its traffic.
 * The flows reach the switch asynchronously, in batches (flowsync.c). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler.h"

struct in6_addr;
struct xf_neigh;
struct xf_neigh_spec;
struct xf_prefix;
struct xf_route;
struct xf_route_spec;
struct xf_router;

/* Checking: NULL, or a malloc()'d message saying why 'r' cannot take it
 * (an interface it does not have, a gateway on none of its subnets). */
char *xf_router_check_route(const struct xf_router *,
                            const struct xf_route_spec *)
    OVS_WARN_UNUSED_RESULT;
char *xf_router_check_neigh(const struct xf_router *,
                            const struct xf_neigh_spec *)
    OVS_WARN_UNUSED_RESULT;

/* The interface of 'r' that an entry for 'addr' on 'dev' (NULL: the
 * interface whose subnet holds 'addr') uses, or NULL if there is none. */
const char *xf_router_entry_iface(const struct xf_router *, const char *dev,
                                  const struct in6_addr *addr);

/* Changing (the spec must have passed the check).  A route replaces any
 * route for the same prefix.  False if the entry cannot be set (its
 * interface went away since the check) or there is none to delete. */
bool xf_router_set_route(struct xf_router *, const struct xf_route_spec *);
bool xf_router_set_route_at(struct xf_router *, const struct xf_route_spec *,
                            struct xf_route *hint);
bool xf_router_set_neigh(struct xf_router *, const struct xf_neigh_spec *);
bool xf_router_del_route(struct xf_router *, const struct xf_prefix *);
bool xf_router_del_neigh(struct xf_router *, const char *dev,
                         const struct in6_addr *);

/* Full resynchronisation by mark and sweep: begin, set every valid entry
 * again (unchanged entries keep their flows, without a gap), sweep. */
void xf_router_begin_sync(struct xf_router *);
struct xf_route *xf_router_keep_route(struct xf_router *,
                                      const struct xf_prefix *,
                                      uint32_t hash);
void xf_router_keep_neigh(struct xf_router *, const char *dev,
                          const struct in6_addr *);
size_t xf_router_sweep(struct xf_router *);

/* The same sweep in steps, for a large table (xenflow/load --replace):
 * start, step until 'done', then xf_router_sweep(). */
struct xf_router_sweep {
    size_t bucket;              /* Next bucket of the routes to look at. */
    size_t mask;                /* The routes' mask as 'bucket' was set. */
    bool done;                  /* Every bucket looked at (or nothing to
                                 * do in steps). */
    bool withdrawing;           /* The whole route table goes, in steps. */
};
size_t xf_router_sweep_start(struct xf_router *, struct xf_router_sweep *);
size_t xf_router_sweep_step(struct xf_router *, struct xf_router_sweep *,
                            size_t max);
size_t xf_router_withdraw_all(struct xf_router *);

/* For router-sweep.c: an entry taken out of the RIB removed with its
 * flow (and the entry freed); entries over a limit offloaded once there
 * is room. */
void xf_router_remove_route_entry(struct xf_router *, struct xf_route *);
void xf_router_remove_neigh_entry(struct xf_router *, struct xf_neigh *);
void xf_router_promote(struct xf_router *);

/* For routers.c: (re)installs every flow of 'r' from scratch; removes its
 * groups; frees its tables. */
void xf_router_install_all(struct xf_router *);
void xf_router_clear_groups(struct xf_router *);
void xf_router_free_tables(struct xf_router *);

/* For route-state.c: the next new ECMP group takes group id 'id' if it is
 * free (0: any id). */
void xf_router_prefer_group_id(uint32_t id);

bool xf_router_over_limit(const struct xf_router *);

/* Counts 'n' commands or entries refused for 'r', whatever refused them
 * (parsing, checking, setting): every source of changes calls it for each
 * entry it did not apply, so that 'n_rejected' means the same for all. */
void xf_router_count_rejected(struct xf_router *, size_t n);

#endif /* xenflow/router.h */
