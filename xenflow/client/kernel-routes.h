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


#ifndef XENFLOW_CLIENT_KERNEL_ROUTES_H
#define XENFLOW_CLIENT_KERNEL_ROUTES_H 1

/* Routes from rtnetlink messages into the client table: the filtering rules
 * (xenflow-client(8), "ROUTE FILTERING") and kernel semantics shared by the
 * kernel's own routes and FRR's FPM (fpm.c), and, for the kernel watcher,
 * the kernel's route events and dumps. */

#include <stdbool.h>

#include "xenflow/client/client-table.h"

struct kernel_watch;
struct rtnl_route;

/* What to do with an rtnetlink route from the kernel or FPM. */
enum kw_route_verdict {
    KW_ROUTE_IGNORE,            /* Not ours: another table or family, a
                                 * TOS or source-specific route, a clone. */
    KW_ROUTE_SET,               /* Set the candidate. */
    KW_ROUTE_UNSET              /* Ours but not forwardable: withdraw. */
};

enum kw_route_verdict kernel_watch_route_apply(struct kernel_watch *,
                                               struct rtnl_route *,
                                               enum ct_source, int type,
                                               int flags);

/* For the kernel watcher's own files. */
bool kw_routes_open(struct kernel_watch *, char **errorp);
void kw_route_resync(struct kernel_watch *);
void kw_schedule_route_resync(struct kernel_watch *, long long int delay);

#endif /* xenflow/client/kernel-routes.h */
