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

#ifndef XENFLOW_ROUTE_STATE_H
#define XENFLOW_ROUTE_STATE_H 1

/* Router tables across restarts of ovs-vswitchd.
 *
 * The routes and neighbours of every router (whatever gave them: its
 * xenflow-client, xenflow/route-add, xenflow/load, a migration) are saved
 * in $OVS_RUNDIR/xenflow-routes.state (route-state-file.h): on exit, by
 * xenflow/state-save, and every other_config:xenflow-state-interval
 * seconds (default 30; 0: never) if they changed since the last save.  A
 * periodic save is bulk work (pace.h), so a million routes never stall the
 * switch; the other two write at once.
 *
 * At start the file is read before the first reconfiguration: each router
 * it names gets its old id and interface numbers back (so that flows
 * restored by ovs-ctl are the ones XenFlow wants), and once the
 * configuration has created the routers their saved entries are set
 * again, as bulk work, through router.h, each checked like any other
 * entry (xf_route_state_restoring() says until when: xenflow.c gives that
 * work, and the flows it makes, other_config:xenflow-restore-share of the
 * main thread).  Until then flowsync holds its first look at bridges with
 * restored flows (flowsync-restore.h).  Nothing saved is trusted blindly:
 * a router whose client, a command or a migration changes it before its
 * saved entries are all set keeps what was set and drops the rest, and a
 * client's next snapshot reconciles everything by mark and sweep. */

#include <stdbool.h>

struct smap;
struct svec;

void xf_route_state_init(void);
bool xf_route_state_restoring(void);
void xf_route_state_reconfigure(const struct smap *other_config,
                                struct svec *errors);
void xf_route_state_run(void);
void xf_route_state_wait(void);
void xf_route_state_destroy(void);

#endif /* xenflow/route-state.h */
