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
#ifndef XENFLOW_AGENT_SWITCH_POLL_H
#define XENFLOW_AGENT_SWITCH_POLL_H 1

/* The agent's gatherer of what the node's ovs-vswitchd knows per router
 * and per queue (gather-switch.h): once per period it asks
 * "xenflow/show --json", then "xenflow/qos/show --json", then
 * "xenflow/migrate/show --json", one at a time through its own
 * non-blocking unixctl client (switchctl.h), from the main loop, which
 * never waits for the answers.  A pass succeeds only whole: then its
 * figures replace the last ones.  A switch that is not running, answers
 * an error or nonsense, or does not answer within the period (the request
 * is abandoned with its connection) fails the pass: it is counted and
 * logged, and the last figures stay, marked stale. */

#include <stdbool.h>
#include "openvswitch/compiler.h"

struct ds;
struct xfa_sw_figures;
struct xfa_sw_stats;

struct xfa_switch_poll *xfa_switch_poll_create(const char *target,
                                               long long int period_ms);
void xfa_switch_poll_destroy(struct xfa_switch_poll *);

void xfa_switch_poll_run(struct xfa_switch_poll *);
void xfa_switch_poll_wait(const struct xfa_switch_poll *);

unsigned int xfa_switch_poll_seqno(const struct xfa_switch_poll *);
const struct xfa_sw_figures *xfa_switch_poll_figures(
    const struct xfa_switch_poll *, struct xfa_sw_stats *);
void xfa_switch_poll_format(const struct xfa_switch_poll *, struct ds *);

#endif /* xenflow/agent/switch-poll.h */
