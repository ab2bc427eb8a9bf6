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
#ifndef XENFLOW_AGENT_VIRT_WORKER_H
#define XENFLOW_AGENT_VIRT_WORKER_H 1

/* The agent's libvirt thread.  The main loop hands it the router VMs this
 * node should have (xfa_worker_set()); the thread makes libvirt match, in
 * its own time: writes each router's bootstrap directory, defines, starts,
 * shuts down (destroying a domain that has not stopped after the shutdown
 * timeout), undefines the agent's domains that are no longer wanted
 * (destroyed at once, without a shutdown, while the node is fenced), and
 * applies each running router's CPU share.  After every pass it publishes
 * what it saw (xfa_worker_get_reports()) and wakes the main loop, which
 * therefore never waits for libvirt.  A libvirtd that goes away is
 * reconnected on the next pass. */

#include <stdbool.h>
#include "openvswitch/compiler.h"
#include "openvswitch/shash.h"
#include "xenflow/agent/virt.h"
#include "xenflow/agent/vm.h"

struct sset;
struct xfa_bootstrap_options;

/* One router VM the node should have. */
struct xfa_want {
    struct xfa_vm vm;
    bool running;               /* Desired state: running or stopped. */

    /* XenFlow limits of the router (-1: XenFlow's default). */
    long long max_routes, max_neighbors;

    /* A router whose row cannot be built: its domain, if any, is left as
     * it is (bad input loses nothing) and reported with this error.  'vm'
     * is the last good one, or has only its name if there was none. */
    char *error;
};

/* What the thread last saw of one router VM. */
struct xfa_report {
    const char *state;          /* Router_State's: "running", "error"... */
    char *error;                /* Why it is not as wanted, or NULL. */
    struct xfa_dom_info info;
};

struct xfa_worker *xfa_worker_create(const char *uri, const char *state_dir,
                                     const struct xfa_bootstrap_options *,
                                     long long int shutdown_timeout_ms);
void xfa_worker_destroy(struct xfa_worker *);

void xfa_worker_set(struct xfa_worker *, struct shash *wants, bool fenced,
                    bool may_remove);
void xfa_worker_wake(struct xfa_worker *);
bool xfa_worker_get_reports(struct xfa_worker *, struct shash *reports,
                            char **conn_error);
void xfa_worker_take_destroyed(struct xfa_worker *, struct sset *);
void xfa_worker_wait(const struct xfa_worker *);

void xfa_wants_clear(struct shash *wants);
struct xfa_want *xfa_want_clone(const struct xfa_want *);
void xfa_reports_clear(struct shash *reports);

#endif /* xenflow/agent/virt-worker.h */
