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

#include <config.h>

#include "xenflow/addr.h"

#include <ctype.h>
#include <string.h>

#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

/* Parses 's' as a single IPv4 or IPv6 address into '*addr'.  Returns NULL on
 * success, otherwise a malloc()'d error message. */
char *
xf_addr_parse(const char *s, struct in6_addr *addr)
{
    ovs_be32 ip4;

    if (ip_parse(s, &ip4)) {
        in6_addr_set_mapped_ipv4(addr, ip4);
        return NULL;
    } else if (strchr(s, ':') && ipv6_parse(s, addr)
               && !xf_addr_is_ipv4(addr)) {
        return NULL;
    }
    return xasprintf("\"%s\" is not an IPv4 or IPv6 address", s);
}

/* Parses 's' as "ADDRESS[/LEN]" into '*prefix' (no "/LEN" means a host
 * prefix).  Unless 'allow_host_bits', the address must have no bits set past
 * the prefix length, so that "10.0.0.1/24" is reported instead of silently
 * meaning 10.0.0.0/24.  Returns NULL on success, otherwise a malloc()'d error
 * message.
 *
 * Not upstream's ip_parse_cidr()/ipv6_parse_cidr(): they also take a netmask
 * ("/255.255.255.0"), leading blanks and v4-mapped IPv6, and their error
 * messages are not ours. */
char *
xf_prefix_parse(const char *s, bool allow_host_bits, struct xf_prefix *prefix)
{
    const char *slash = strchr(s, '/');
    char *addr_s = slash ? xmemdup0(s, slash - s) : xstrdup(s);
    char *error = xf_addr_parse(addr_s, &prefix->addr);
    free(addr_s);
    if (error) {
        free(error);
        return xasprintf("\"%s\" is not an IPv4 or IPv6 prefix", s);
    }

    unsigned int max = xf_addr_is_ipv4(&prefix->addr) ? 32 : 128;
    unsigned int plen = max;
    if (slash) {
        /* 1 to 3 digits: str_to_uint() alone would take a sign or a blank
         * first (strtoll() does). */
        const char *len_s = slash + 1;
        if (!isdigit((unsigned char) len_s[0]) || strlen(len_s) > 3
            || !str_to_uint(len_s, 10, &plen) || plen > max) {
            return xasprintf("\"%s\": prefix length must be 0 to %u", s, max);
        }
    }
    prefix->plen = plen;

    struct xf_prefix net = *prefix;
    struct in6_addr mask = ipv6_create_mask(plen + (max == 32 ? 96 : 0));
    net.addr = ipv6_addr_bitand(&prefix->addr, &mask);
    if (!allow_host_bits && !ipv6_addr_equals(&net.addr, &prefix->addr)) {
        struct ds ds = DS_EMPTY_INITIALIZER;
        xf_prefix_format(&net, &ds);
        char *msg = xasprintf("\"%s\" has host bits set (did you mean %s?)",
                              s, ds_cstr(&ds));
        ds_destroy(&ds);
        return msg;
    }
    return NULL;
}

void
xf_addr_format(const struct in6_addr *addr, struct ds *s)
{
    ipv6_format_mapped(addr, s);
}

void
xf_prefix_format(const struct xf_prefix *prefix, struct ds *s)
{
    xf_addr_format(&prefix->addr, s);
    ds_put_format(s, "/%d", prefix->plen);
}

/* Returns true if 'addr' is inside 'prefix' (and of the same family). */
bool
xf_prefix_contains(const struct xf_prefix *prefix, const struct in6_addr *addr)
{
    bool v4 = xf_addr_is_ipv4(&prefix->addr);
    if (v4 != xf_addr_is_ipv4(addr)) {
        return false;
    }
    struct in6_addr mask = ipv6_create_mask(prefix->plen + (v4 ? 96 : 0));
    struct in6_addr a = ipv6_addr_bitand(addr, &mask);
    struct in6_addr b = ipv6_addr_bitand(&prefix->addr, &mask);
    return ipv6_addr_equals(&a, &b);
}

uint32_t
xf_prefix_hash(const struct xf_prefix *prefix, uint32_t basis)
{
    return hash_bytes(&prefix->addr, sizeof prefix->addr,
                      hash_int(prefix->plen, basis));
}

bool
xf_prefix_equals(const struct xf_prefix *a, const struct xf_prefix *b)
{
    return a->plen == b->plen && ipv6_addr_equals(&a->addr, &b->addr);
}
