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
#ifndef XENFLOW_FLEET_DASH_ACTIONS_H
#define XENFLOW_FLEET_DASH_ACTIONS_H 1

/* The dashboard's actions (xenflow-dashboard(8), "ACTIONS").
 *
 * A POST to /api/action arrives in one of the HTTP server's threads:
 * xfd_actions_post() checks its token and its JSON, turns it into one
 * xenflow-ctl command line (router-migrate R N, node-evacuate N, ...) and
 * queues it, then waits (at most XFD_ACTION_WAIT_MS) for the main loop to
 * have run it.  xfd_actions_run(), in the main loop, runs one queued
 * command at a time exactly as xenflow-ctl does (db-ctl-base, the same
 * command table, so the same checks and the same errors) in a transaction
 * on the daemon's own IDL, committed without blocking.  Nothing is
 * written unless the command succeeds; the reply says what happened.
 *
 * Threads: xfd_actions_post() only in the HTTP threads, the rest only in
 * the main thread; the queue is under a mutex. */

#include <stdbool.h>
#include <stddef.h>
#include "openvswitch/compiler.h"

struct ds;
struct ovsdb_idl;
struct xfd_actions;

#define XFD_ACTION_WAIT_MS 10000

/* Registers xenflow-ctl's commands with db-ctl-base: once, first. */
void xfd_actions_init(void);

/* 'token' NULL: read-only, every action is refused with 403.
 * 'committed', if nonnull, is called with 'aux' in the main loop when an
 * action's change is in the database and in the IDL, before its request is
 * answered: the daemon publishes the fleet there, so that a page that reads
 * it after the answer sees the change. */
struct xfd_actions *xfd_actions_create(const char *token,
                                       void (*committed)(void *aux),
                                       void *aux);
void xfd_actions_destroy(struct xfd_actions *);

unsigned int xfd_actions_post(void *actions, const char *url,
                              const char *authorization,
                              const char *body, size_t len,
                              struct ds *reply);

void xfd_actions_run(struct xfd_actions *, struct ovsdb_idl *);
void xfd_actions_wait(struct xfd_actions *);
void xfd_actions_shutdown(struct xfd_actions *);

bool xfd_actions_enabled(const struct xfd_actions *);
void xfd_actions_format(struct xfd_actions *, struct ds *);

/* Pure, for unit tests: turns the JSON body of an action into its command
 * line in 'argv' (xenflow-ctl's words).  Returns NULL, or an error message
 * for a 400 reply. */
struct svec;
char *xfd_action_parse(const char *body, struct svec *argv)
    OVS_WARN_UNUSED_RESULT;

#endif /* xenflow/fleet/dash-actions.h */
