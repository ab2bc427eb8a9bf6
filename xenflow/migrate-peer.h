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

#ifndef XENFLOW_MIGRATE_PEER_H
#define XENFLOW_MIGRATE_PEER_H 1

/* The destination side of a migration (migrate.c is the source side and
 * the only user of this header): sessions from other XenFlow nodes, on the
 * listeners of other_config:xenflow-peer-listen, install the copy of a
 * router against this switch's own ports (interfaces matched by MAC)
 * through xenflow/router.h, and announce the router's MACs once it
 * forwards here.  Also what both sides need: which nodes are trusted, and
 * the announcement itself. */

#include <stdbool.h>
#include <stddef.h>

struct ds;
struct sset;
struct svec;
struct table;
struct xf_router;

/* The node-to-node protocol's version. */
#define XF_MIGRATE_PROTOCOL 1

/* Listens on 'listen'; trusts the nodes in 'peers' (swapped out of the
 * caller's set). */
void xf_migrate_peer_reconfigure(const struct sset *listen,
                                 struct sset *peers, struct svec *errors);
void xf_migrate_peer_run(void);
void xf_migrate_peer_wait(void);
void xf_migrate_peer_destroy(void);

/* Whether a peer presenting certificate name 'cn' is a trusted node. */
bool xf_migrate_peer_allowed(const char *cn);

/* The node router 'router' arrives from right now, or NULL. */
const char *xf_migrate_peer_arriving(const char *router);

/* Sends the reserved ARP reply for each of 'r''s interfaces out of every
 * trusted trunk of its bridge.  Returns the number of frames sent. */
size_t xf_migrate_announce(const struct xf_router *r);

/* For xenflow/migrate/show: adds a row per incoming migration, finished or
 * not, to 't' (its columns are migrate.c's); returns how many. */
size_t xf_migrate_peer_show(struct table *t);
void xf_migrate_peer_format_listeners(struct ds *);

#endif /* xenflow/migrate-peer.h */
