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

#ifndef XENFLOW_ROUTER_CMD_H
#define XENFLOW_ROUTER_CMD_H 1

/* The unixctl commands that change one router's tables by hand:
 * xenflow/route-add, route-del, neigh-add, neigh-del. */

struct unixctl_conn;

void xf_router_cmd_register(void);

/* Looks up the router named in argv[1] for command argv[0]; replies with an
 * error and returns NULL if there is none.  (Shared with the other
 * per-router commands.) */
struct xf_router *xf_router_cmd_lookup(struct unixctl_conn *, int argc,
                                       const char *argv[]);

#endif /* xenflow/router-cmd.h */
