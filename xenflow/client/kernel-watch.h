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

#ifndef XENFLOW_CLIENT_KERNEL_WATCH_H
#define XENFLOW_CLIENT_KERNEL_WATCH_H 1

/* Mirrors the kernel's links, addresses, neighbours (through libnl-3's
 * cache manager) and, unless routes come from FPM, routes (rtnetlink
 * messages parsed with libnl-route-3) into a client table.
 *
 * This file (kernel-watch.c) holds the netlink sockets and caches, the
 * neighbours, and what the main loop calls.  Links and addresses are in
 * kernel-links.c, routes (with the filtering rules shared with fpm.c) in
 * kernel-routes.c. */

#include <stdint.h>

struct ct_table;
struct ds;

enum kw_route_mode {
    KW_ROUTES_KERNEL,           /* Routes from the kernel's routing table. */
    KW_ROUTES_CONNECTED         /* Only connected routes, derived from
                                 * addresses (routes come from FPM). */
};

struct kernel_watch *kernel_watch_create(struct ct_table *, uint32_t table_id,
                                         enum kw_route_mode, char **errorp);
void kernel_watch_destroy(struct kernel_watch *);
void kernel_watch_run(struct kernel_watch *);
void kernel_watch_wait(struct kernel_watch *);
void kernel_watch_resync(struct kernel_watch *);
void kernel_watch_format(const struct kernel_watch *, struct ds *);

#endif /* xenflow/client/kernel-watch.h */
