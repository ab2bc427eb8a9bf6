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


#ifndef XENFLOW_CLIENT_IFACES_H
#define XENFLOW_CLIENT_IFACES_H 1

/* The client table's interfaces: what "hello" announces (names, MACs and
 * addresses), replaced as a whole: ct_ifaces_begin(), then ct_iface_add()
 * and ct_iface_add_addr() for each, then ct_ifaces_commit(), which returns
 * true if the set differs from the previous one (interfaces, MACs or
 * addresses).  A change that the server must hear needs a new hello, which
 * the session notices through ct_ifaces_seqno(). */

#include <stdbool.h>
#include <stdint.h>

#include "openvswitch/types.h"
#include "packets.h"

struct ct_table;

void ct_ifaces_begin(struct ct_table *);
void ct_iface_add(struct ct_table *, const char *name,
                  const struct eth_addr *mac);
void ct_iface_add_addr(struct ct_table *, const char *name,
                       const struct in6_addr *, int plen);
bool ct_ifaces_commit(struct ct_table *);
uint64_t ct_ifaces_seqno(const struct ct_table *);

#endif /* xenflow/client/client-ifaces.h */
