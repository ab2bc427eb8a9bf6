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

#ifndef XENFLOW_SERVER_H
#define XENFLOW_SERVER_H 1

/* The xenflow-client channel, server side (inside ovs-vswitchd).
 *
 * Listens where other_config:xenflow-listen of the Open_vSwitch table says,
 * speaks Documentation/xenflow-protocol.md with each client, authorizes it
 * (certificate CN against the router's client-id) and feeds its routes and
 * neighbours to the router through xenflow/router.h.  Keeps each router's
 * tables for a grace period after its client went away. */

struct json;
struct smap;
struct svec;

void xf_server_reconfigure(const struct smap *other_config,
                           struct svec *errors);
void xf_server_run(void);
void xf_server_wait(void);
void xf_server_destroy(void);
void xf_server_register_commands(void);

/* For xenflow/show: the state of router 'name''s client, e.g. "synced",
 * "syncing", "stale (withdrawn in 12 s)", or "-" if no client ever
 * programmed it. */
char *xf_server_router_state(const char *name);

/* Router 'router' migrated to node 'peer': closes its client's session
 * here. */
void xf_server_router_moved(const char *router, const char *peer);

#endif /* xenflow/server.h */
