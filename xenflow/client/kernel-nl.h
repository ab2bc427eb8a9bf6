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


#ifndef XENFLOW_CLIENT_KERNEL_NL_H
#define XENFLOW_CLIENT_KERNEL_NL_H 1

/* Helpers shared by the kernel watcher's files (see
 * kernel-watch-private.h): libnl addresses into the client's types, the
 * destinations never forwarded, netlink sockets, and the accounting of
 * errors and re-reads that kernel_watch_format() shows. */

#include <stdbool.h>

#include "openvswitch/types.h"
#include "packets.h"
#include "xenflow/addr.h"

struct kernel_watch;
struct nl_addr;
struct nl_sock;

bool kw_addr_to_in6(struct nl_addr *, int family, struct in6_addr *);
bool kw_lladdr_to_eth(struct nl_addr *, struct eth_addr *);
void kw_prefix_mask(struct xf_prefix *);
bool kw_prefix_is_unroutable(const struct xf_prefix *);

void kw_drain(struct nl_sock *);
void kw_grow_rcvbuf(struct nl_sock *);

void kw_set_error(struct kernel_watch *, const char *what, int nl_error);
void kw_count_resync(struct kernel_watch *);

#endif /* xenflow/client/kernel-nl.h */
