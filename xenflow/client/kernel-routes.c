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

#include "xenflow/client/kernel-routes.h"

#include <netinet/in.h>
#include <string.h>

#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/route/rtnl.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <linux/rtnetlink.h>

#include "coverage.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/client/client-routes.h"
#include "xenflow/client/kernel-links.h"
#include "xenflow/client/kernel-nl.h"
#include "xenflow/client/kernel-watch-private.h"

COVERAGE_DEFINE(kw_route_event);

/* After a failed re-dump, try again this much later. */
#define KW_RETRY_MS 1000

/* Applies rtnetlink route message 'r' (of 'type' RTM_NEWROUTE or
 * RTM_DELROUTE, with netlink 'flags') from the kernel or, with 'source'
 * CT_SRC_FPM, from FRR, to the client table.  The filtering rules are those
 * of xenflow-client(8), "ROUTE FILTERING".
 *
 * How a message combines with what the table holds follows the kernel:
 *
 *   - A new route replaces the candidate of its (prefix, metric) -- an
 *     IPv6 notification carries all the route's next hops -- except with
 *     NLM_F_APPEND: IPv6 next hops are added (older kernels notify only
 *     the appended one), and an IPv4 route appended behind an existing one
 *     is a backup the kernel does not use.
 *
 *   - In a dump (NLM_F_MULTI), the first IPv4 route of a (prefix, metric)
 *     is the one in use, and older kernels list IPv6 next hops one route
 *     each.
 *
 *   - A deletion removes the next hops it names: deleting one next hop of
 *     an IPv6 multipath route is notified with that next hop only.  FRR
 *     deletes whole routes. */
enum kw_route_verdict
kernel_watch_route_apply(struct kernel_watch *kw, struct rtnl_route *r,
                         enum ct_source source, int type, int flags)
{
    int family = rtnl_route_get_family(r);
    struct nl_addr *src = rtnl_route_get_src(r);
    struct nl_addr *dst = rtnl_route_get_dst(r);
    struct xf_prefix prefix;

    if ((family != AF_INET && family != AF_INET6)
        || (type != RTM_NEWROUTE && type != RTM_DELROUTE)
        || rtnl_route_get_table(r) != kw->table_id
        || rtnl_route_get_tos(r)
        || rtnl_route_get_flags(r) & RTM_F_CLONED
        || (src && nl_addr_get_prefixlen(src) > 0)
        || !kw_addr_to_in6(dst, family, &prefix.addr)
        || (dst ? nl_addr_get_prefixlen(dst) : 0) > (family == AF_INET
                                                     ? 32 : 128)) {
        kw->n_routes_ignored++;
        return KW_ROUTE_IGNORE;
    }
    prefix.plen = dst ? nl_addr_get_prefixlen(dst) : 0;
    kw_prefix_mask(&prefix);

    /* FRR sends one route per prefix and deletes without a metric. */
    uint32_t metric = source == CT_SRC_FPM ? 0 : rtnl_route_get_priority(r);
    bool deleted = type == RTM_DELROUTE;

    struct ct_nexthop nhs[CT_MAX_NEXTHOPS * 2];
    size_t n = 0;
    int n_nh = rtnl_route_get_nnexthops(r);
    for (int i = 0; i < n_nh && n < ARRAY_SIZE(nhs); i++) {
        struct rtnl_nexthop *nh = rtnl_route_nexthop_n(r, i);
        if (!deleted && rtnl_route_nh_get_flags(nh) & RTNH_F_DEAD) {
            continue;
        }

        struct ct_nexthop *out = &nhs[n];
        memset(out, 0, sizeof *out);
        out->dev = kernel_watch_ifname(kw, rtnl_route_nh_get_ifindex(nh));

        /* A gateway of the other family (RFC 5549 "via inet6") cannot be
         * expressed in the protocol: such next hops are left out. */
        struct nl_addr *gw = rtnl_route_nh_get_gateway(nh);
        if (gw && nl_addr_get_len(gw)) {
            if (nl_addr_get_family(gw) != family
                || !kw_addr_to_in6(gw, family, &out->gw)) {
                continue;
            }
            out->has_gw = true;
        } else if (rtnl_route_nh_get_via(nh)) {
            continue;
        }
        if (out->has_gw || out->dev) {
            n++;
        }
    }

    if (deleted) {
        ct_route_update(kw->table, &prefix, source, metric, nhs,
                        source == CT_SRC_FPM ? 0 : n, CT_MERGE_REMOVE);
        kw->n_routes_unset++;
        return KW_ROUTE_UNSET;
    }

    enum ct_merge merge = CT_MERGE_REPLACE;
    if (source != CT_SRC_FPM && flags & (NLM_F_APPEND | NLM_F_MULTI)) {
        merge = family == AF_INET6 ? CT_MERGE_ADD : CT_MERGE_KEEP;
    }
    if (!n || rtnl_route_get_type(r) != RTN_UNICAST
        || kw_prefix_is_unroutable(&prefix)) {
        /* Not forwardable: it withdraws what it replaces. */
        if (merge == CT_MERGE_REPLACE) {
            ct_route_unset(kw->table, &prefix, source, metric);
        }
        kw->n_routes_unset++;
        return KW_ROUTE_UNSET;
    }
    ct_route_update(kw->table, &prefix, source, metric, nhs, n, merge);
    kw->n_routes_set++;
    return KW_ROUTE_SET;
}

/* Netlink callback for route messages, from events or dumps. */
static int
kw_route_msg_cb(struct nl_msg *msg, void *kw_)
{
    struct kernel_watch *kw = kw_;
    struct nlmsghdr *nlh = nlmsg_hdr(msg);

    if (nlh->nlmsg_type == RTM_NEWROUTE || nlh->nlmsg_type == RTM_DELROUTE) {
        struct rtnl_route *route;
        int error = rtnl_route_parse(nlh, &route);

        COVERAGE_INC(kw_route_event);
        kw->n_events[0]++;
        if (error < 0) {
            kw_set_error(kw, "route message", error);
        } else {
            kernel_watch_route_apply(kw, route, CT_SRC_KERNEL,
                                     nlh->nlmsg_type, nlh->nlmsg_flags);
            rtnl_route_put(route);
        }
    }
    return NL_OK;
}

/* Re-reads the kernel's routes: a dump, applied over the current kernel
 * candidates with mark and sweep, so that routes that did not change cause
 * no update. */
void
kw_route_resync(struct kernel_watch *kw)
{
    int error;

    kw_count_resync(kw);
    kw_drain(kw->route_sock);
    ct_routes_mark(kw->table, CT_SRC_KERNEL);
    do {
        error = nl_rtgen_request(kw->sync_sock, RTM_GETROUTE, AF_UNSPEC,
                                 NLM_F_DUMP);
        if (!error) {
            struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
            nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, kw_route_msg_cb, kw);
            error = nl_recvmsgs(kw->sync_sock, cb);
            nl_cb_put(cb);
        }
    } while (error == -NLE_DUMP_INTR);

    if (error < 0) {
        /* Keep what we have (nothing is swept) and try again. */
        kw_set_error(kw, "reading routes", error);
        kw->route_resync_at = time_msec() + KW_RETRY_MS;
    } else {
        ct_routes_sweep(kw->table, CT_SRC_KERNEL);
        kw->route_resync_at = LLONG_MAX;
    }
}

/* Schedules a re-read of the kernel's routes 'delay' ms from now, unless one
 * is due earlier (and unless routes come from FPM). */
void
kw_schedule_route_resync(struct kernel_watch *kw, long long int delay)
{
    if (kw->route_sock) {
        kw->route_resync_at = MIN(kw->route_resync_at, time_msec() + delay);
    }
}


/* Subscribes to the kernel's route events and reads its routes (in
 * KW_ROUTES_KERNEL mode).  Subscribes before the dump, so that no change
 * falls in between (one that is in both is applied twice, harmlessly).
 * Returns false, with a malloc()'d message in '*errorp', on error. */
bool
kw_routes_open(struct kernel_watch *kw, char **errorp)
{
    int error;

    kw->route_sock = nl_socket_alloc();
    if (!kw->route_sock) {
        *errorp = xstrdup("cannot allocate netlink sockets");
        return false;
    }
    nl_socket_disable_seq_check(kw->route_sock);
    nl_socket_modify_cb(kw->route_sock, NL_CB_VALID, NL_CB_CUSTOM,
                        kw_route_msg_cb, kw);
    error = nl_connect(kw->route_sock, NETLINK_ROUTE);
    if (!error) {
        error = nl_socket_add_memberships(kw->route_sock,
                                          RTNLGRP_IPV4_ROUTE,
                                          RTNLGRP_IPV6_ROUTE, 0);
    }
    if (!error) {
        error = nl_socket_set_nonblocking(kw->route_sock);
    }
    if (error < 0) {
        *errorp = xasprintf("netlink route events: %s", nl_geterror(error));
        return false;
    }
    kw_grow_rcvbuf(kw->route_sock);
    kw_route_resync(kw);
    kw->n_resyncs = 0;
    if (kw->route_resync_at != LLONG_MAX) {
        *errorp = xasprintf("cannot read the kernel's routes: %s",
                            kw->last_error);
        return false;
    }
    return true;
}
