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
#ifndef XENFLOW_AGENT_DEPARTURES_H
#define XENFLOW_AGENT_DEPARTURES_H 1

/* Migration by intent, the source's side.  A router whose VM runs on this
 * node while its Router row places it on another node is a departure: the
 * agent keeps it here (its VM, its keys) and asks the local ovs-vswitchd
 * to migrate it (xenflow/migrate ROUTER PEER VM-DEST, through
 * switchctl.h), follows it (xenflow/migrate/show --json) and writes its
 * progress into this node's Migration row for the router.  Once done the
 * router is no longer kept (its VM left with the mover); a failed migration
 * keeps it here, running as before, and its row says why; it is not
 * retried until the router's node changes again.  One migration at a time
 * is started; ovs-vswitchd runs several at once. */

#include <stdbool.h>
#include "openvswitch/compiler.h"
#include "openvswitch/shash.h"
#include "sset.h"
#include "xenflow/agent/fleet.h"

struct ds;
struct ovsdb_idl;
struct ovsdb_idl_txn;

struct xfa_departures *xfa_departures_create(const char *switch_target);
void xfa_departures_destroy(struct xfa_departures *);

void xfa_departures_set(struct xfa_departures *, const struct shash *,
                        struct ovsdb_idl *, const char *node);
void xfa_departures_held(const struct xfa_departures *, struct sset *);
bool xfa_departures_active(const struct xfa_departures *, const char *);
size_t xfa_departures_n_active(const struct xfa_departures *);

bool xfa_departures_run(struct xfa_departures *);
void xfa_departures_wait(const struct xfa_departures *);
bool xfa_departures_dirty(const struct xfa_departures *, struct ovsdb_idl *,
                          const char *node);
void xfa_departures_write(struct xfa_departures *, struct ovsdb_idl *,
                          struct ovsdb_idl_txn *, const char *node);
void xfa_departures_format(const struct xfa_departures *, struct ds *);

#endif /* xenflow/agent/departures.h */
