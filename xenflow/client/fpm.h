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

#ifndef XENFLOW_CLIENT_FPM_H
#define XENFLOW_CLIENT_FPM_H 1

/* Listener for FRR's Forwarding Plane Manager (zebra's dplane_fpm_nl
 * module): zebra connects to us and streams the routes it selected as
 * rtnetlink RTM_NEWROUTE/RTM_DELROUTE messages, each in an FPM frame
 *
 *     version (1 byte, 1), type (1 byte, 1 = netlink),
 *     length (2 bytes, network order, including this header)
 *
 * possibly several netlink messages per frame.  Routes go to the client
 * table as CT_SRC_FPM candidates, filtered by kernel_watch_route_apply()
 * (kernel-routes.c).
 *
 * FPM has no end-of-table marker: after each (re)connection the previous
 * FPM routes are marked, and those zebra did not re-send by the time the
 * connection has been quiet for a few seconds are swept. */

#include <stdbool.h>

struct ct_table;
struct ds;
struct kernel_watch;

struct fpm *fpm_create(const char *pstream_name, struct ct_table *,
                       struct kernel_watch *, char **errorp);
void fpm_destroy(struct fpm *);
void fpm_run(struct fpm *);
void fpm_wait(struct fpm *);
bool fpm_is_synced(const struct fpm *);
void fpm_format(const struct fpm *, struct ds *);

#endif /* xenflow/client/fpm.h */
