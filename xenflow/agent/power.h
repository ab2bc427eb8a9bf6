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
#ifndef XENFLOW_AGENT_POWER_H
#define XENFLOW_AGENT_POWER_H 1

/* Power, as the fleet asks it (Node.power).
 *
 * Off: once this node's Node row says power=off and nothing runs here any
 * more (no router placed here, no VM, no migration leaving), the agent
 * reports agent_state "powering-off", and once the database has it, runs
 * the node's power_off_command with /bin/sh (never twice for one wish).
 *
 * On: a node whose row says power=on while its agent last reported
 * "powering-off" is down and wanted up: the agent of every powered node at
 * the other end of one of its links sends it a Wake-on-LAN magic packet
 * (UDP, 6 x 0xff then 16 x its wol_mac) every few seconds until its agent
 * reports again: to options:wol-destination (IP[:PORT]) of the node, by
 * default the broadcast address 255.255.255.255 port 9 out of this node's
 * end of the link. */

#include <stdbool.h>

struct ds;
struct ovsdb_idl;

struct xfa_power *xfa_power_create(void);
void xfa_power_destroy(struct xfa_power *);

bool xfa_power_run(struct xfa_power *, struct ovsdb_idl *, const char *node,
                   bool empty);
void xfa_power_wait(const struct xfa_power *);
const char *xfa_power_agent_state(const struct xfa_power *);
const char *xfa_power_error(const struct xfa_power *);
void xfa_power_format(const struct xfa_power *, struct ds *);

#endif /* xenflow/agent/power.h */
