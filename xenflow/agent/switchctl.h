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
#ifndef XENFLOW_AGENT_SWITCHCTL_H
#define XENFLOW_AGENT_SWITCHCTL_H 1

/* The agent's unixctl client of the node's ovs-vswitchd (what "ovs-appctl
 * -t ovs-vswitchd" does), without blocking: one command in flight at a
 * time, its reply read from the main loop.  The control socket is found as
 * ovs-appctl finds it, so a restarted ovs-vswitchd (a new pid, a new
 * socket) is reached on the next command. */

#include <stdbool.h>
#include "openvswitch/compiler.h"

struct xfa_switchctl *xfa_switchctl_create(const char *target);
void xfa_switchctl_destroy(struct xfa_switchctl *);

bool xfa_switchctl_busy(const struct xfa_switchctl *);
char *xfa_switchctl_send(struct xfa_switchctl *, const char *command,
                         const char *arg0, const char *arg1,
                         const char *arg2) OVS_WARN_UNUSED_RESULT;
bool xfa_switchctl_recv(struct xfa_switchctl *, char **result,
                        char **error);
void xfa_switchctl_wait(const struct xfa_switchctl *);

#endif /* xenflow/agent/switchctl.h */
