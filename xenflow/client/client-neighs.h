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


#ifndef XENFLOW_CLIENT_NEIGHS_H
#define XENFLOW_CLIENT_NEIGHS_H 1

/* The client table's neighbours, keyed by (dev, ip), with mark and sweep for
 * re-reading the kernel's.  A change queues the neighbour (see
 * client-table.h). */

#include <stddef.h>

#include "openvswitch/types.h"
#include "packets.h"

struct ct_table;

void ct_neigh_set(struct ct_table *, const char *dev,
                  const struct in6_addr *ip, const struct eth_addr *mac);
void ct_neigh_unset(struct ct_table *, const char *dev,
                    const struct in6_addr *ip);
void ct_neighs_mark(struct ct_table *);
size_t ct_neighs_sweep(struct ct_table *);

#endif /* xenflow/client/client-neighs.h */
