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

#include "xenflow/client/kernel-nl.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "coverage.h"
#include "openvswitch/vlog.h"
#include "util.h"
#include "xenflow/client/kernel-watch-private.h"

VLOG_DEFINE_THIS_MODULE(kernel_nl);

COVERAGE_DEFINE(kw_resync);

/* Kernel event sockets' receive buffer: large, so that a burst of route
 * changes (a routing daemon installing a full table) does not overflow it.
 * An overflow costs a re-dump. */
#define KW_RCVBUF (32 * 1024 * 1024)

/* Records (for kernel_watch_format()) and logs netlink error 'nl_error',
 * met while doing 'what'. */
void
kw_set_error(struct kernel_watch *kw, const char *what, int nl_error)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

    kw->n_errors++;
    free(kw->last_error);
    kw->last_error = xasprintf("%s: %s", what, nl_geterror(nl_error));
    VLOG_WARN_RL(&rl, "%s", kw->last_error);
}

/* Converts 'a' (AF_INET or AF_INET6) into '*out' (v4-mapped for IPv4).  A
 * zero-length address (a default route's destination) is the family's
 * all-zeros address.  Returns false for any other family. */
bool
kw_addr_to_in6(struct nl_addr *a, int family, struct in6_addr *out)
{
    unsigned int len = a ? nl_addr_get_len(a) : 0;
    const void *bin = a ? nl_addr_get_binary_addr(a) : NULL;

    if (a) {
        family = nl_addr_get_family(a);
    }
    if (family == AF_INET && (len == 4 || !len)) {
        ovs_be32 ip = 0;
        if (len) {
            memcpy(&ip, bin, 4);
        }
        in6_addr_set_mapped_ipv4(out, ip);
        return true;
    } else if (family == AF_INET6 && (len == 16 || !len)) {
        memset(out, 0, sizeof *out);
        if (len) {
            memcpy(out, bin, 16);
        }
        return true;
    }
    return false;
}

bool
kw_lladdr_to_eth(struct nl_addr *a, struct eth_addr *mac)
{
    if (a && nl_addr_get_len(a) == ETH_ADDR_LEN) {
        memcpy(mac->ea, nl_addr_get_binary_addr(a), ETH_ADDR_LEN);
        return true;
    }
    return false;
}

/* Clears the host bits of 'prefix'. */
void
kw_prefix_mask(struct xf_prefix *prefix)
{
    int bits = prefix->plen + (xf_addr_is_ipv4(&prefix->addr) ? 96 : 0);
    struct in6_addr mask = ipv6_create_mask(bits);
    prefix->addr = ipv6_addr_bitand(&prefix->addr, &mask);
}

/* Destinations never worth forwarding in the switch: IPv6 link-local
 * (fe80::/10, one per interface, never routed) and multicast. */
bool
kw_prefix_is_unroutable(const struct xf_prefix *prefix)
{
    const uint8_t *b = prefix->addr.s6_addr;

    if (xf_addr_is_ipv4(&prefix->addr)) {
        return prefix->plen >= 4 && (b[12] & 0xf0) == 0xe0;
    }
    return ((prefix->plen >= 10 && b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
            || (prefix->plen >= 8 && b[0] == 0xff));
}

/* Counts a re-read of kernel tables. */
void
kw_count_resync(struct kernel_watch *kw)
{
    COVERAGE_INC(kw_resync);
    kw->n_resyncs++;
}

/* Discards what is queued on 'sk' (events older than the dump about to
 * follow).  This also ends the socket's "congested" state, in which Linux
 * drops further events without reporting ENOBUFS again. */
void
kw_drain(struct nl_sock *sk)
{
    int fd = nl_socket_get_fd(sk);
    char buf[16384];

    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == ENOBUFS)) {
            continue;
        } else if (n <= 0) {
            break;
        }
    }
}

/* Grows 'sk''s receive buffer beyond net.core.rmem_max if we may, otherwise
 * as far as that allows. */
void
kw_grow_rcvbuf(struct nl_sock *sk)
{
    int size = KW_RCVBUF;

    if (setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVBUFFORCE,
                   &size, sizeof size)) {
        nl_socket_set_buffer_size(sk, KW_RCVBUF, 0);
    }
}
