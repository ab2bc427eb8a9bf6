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

#ifndef XENFLOW_ADDR_H
#define XENFLOW_ADDR_H 1

/* IPv4/IPv6 addresses and prefixes in one representation.
 *
 * Routes, neighbours and interface addresses of a virtual router may be of
 * either family, so XenFlow keeps every address as a struct in6_addr, with
 * IPv4 as a v4-mapped address (::ffff:a.b.c.d), and prefix lengths in the
 * address's own family (0..32 for IPv4, 0..128 for IPv6). */

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "openvswitch/compiler.h"

struct ds;

struct xf_prefix {
    struct in6_addr addr;       /* v4-mapped for IPv4. */
    uint8_t plen;               /* In the family's own bits. */
};

static inline bool
xf_addr_is_ipv4(const struct in6_addr *addr)
{
    return IN6_IS_ADDR_V4MAPPED(addr);
}

char *xf_addr_parse(const char *s, struct in6_addr *addr)
    OVS_WARN_UNUSED_RESULT;
char *xf_prefix_parse(const char *s, bool allow_host_bits, struct xf_prefix *)
    OVS_WARN_UNUSED_RESULT;
void xf_addr_format(const struct in6_addr *, struct ds *);
void xf_prefix_format(const struct xf_prefix *, struct ds *);
bool xf_prefix_contains(const struct xf_prefix *, const struct in6_addr *);
uint32_t xf_prefix_hash(const struct xf_prefix *, uint32_t basis);
bool xf_prefix_equals(const struct xf_prefix *, const struct xf_prefix *);

#endif /* xenflow/addr.h */
