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


#ifndef XENFLOW_CTLHOLD_H
#define XENFLOW_CTLHOLD_H 1

/* A migrating router's control traffic, held while its VM is paused and
 * delivered where the VM runs again (issue 22).
 *
 * Whatever XenFlow delivers to a router's VM (its slow path: own
 * addresses, ARP/ND, TTL expiry, non-IP, routes it does not offload) goes,
 * while the router "holds", to XenFlow's packet-in channel
 * (xenflow/punt.h) instead, and waits in a bounded queue
 * (xenflow/hold.h, other_config:xenflow-hold-*):
 *
 *   - on the source, from the moment the mover starts moving the VM
 *     (xf_ctlhold_start()); when the mover is done the queue goes to the
 *     destination over the migration's node session ("migrate-held",
 *     xf_ctlhold_take()), before "migrate-announce"; if the move fails the
 *     VM resumes here and gets its frames here (xf_ctlhold_release());
 *
 *   - on the destination, from "migrate-begin": the frames that arrive
 *     from the source (xf_ctlhold_receive()) and those that reach this
 *     switch meanwhile wait until the router forwards here (its
 *     announcement), then go to the VM's new ports, the source's first
 *     (xf_ctlhold_release()).
 *
 * Frames are delivered in the order they were held.  Nothing held for one
 * router is ever delivered to another: a frame is queued by its router's
 * OpenFlow metadata and delivered to the interface of that router with the
 * MAC it was sent to. */

#include <stdbool.h>

struct ds;
struct json;
struct jsonrpc;
struct smap;
struct svec;

void xf_ctlhold_reconfigure(const struct smap *ovs_other_config,
                            struct svec *errors);
void xf_ctlhold_run(void);
void xf_ctlhold_wait(void);
void xf_ctlhold_destroy(void);

void xf_ctlhold_prepare(const char *router, bool incoming);
void xf_ctlhold_start(const char *router);
void xf_ctlhold_rearm(const char *router);
bool xf_ctlhold_in_place(const char *router);
struct json *xf_ctlhold_take(const char *router);
char *xf_ctlhold_receive(const char *router, const struct json *params);
void xf_ctlhold_release(const char *router);
void xf_ctlhold_cancel(const char *router);
void xf_ctlhold_end(const char *router, bool vm_here);
void xf_ctlhold_send(const char *router, struct jsonrpc *);

void xf_ctlhold_show(struct ds *);
struct table;
void xf_ctlhold_table(struct table *);

#endif /* xenflow/ctlhold.h */
