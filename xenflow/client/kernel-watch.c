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

#include "xenflow/client/kernel-watch.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/route/rtnl.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "coverage.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "simap.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(kernel_watch);

COVERAGE_DEFINE(kw_route_event);
COVERAGE_DEFINE(kw_neigh_event);
COVERAGE_DEFINE(kw_link_event);
COVERAGE_DEFINE(kw_addr_event);
COVERAGE_DEFINE(kw_resync);

/* From <linux/if.h>, which clashes with <net/if.h>. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

/* Limits of the protocol's "hello" (see Documentation/xenflow-protocol.md). */
#define KW_MAX_IFACES 256
#define KW_MAX_ADDRS 64

/* Linux removes IPv4 routes without telling anyone when their interface goes
 * down or loses the address they use, so such events trigger a re-dump of
 * the route table this long after the last of them. */
#define KW_ROUTE_RESYNC_DELAY_MS 200

/* Kernel neighbour states worth forwarding to. */
#define KW_NUD_VALID (NUD_REACHABLE | NUD_STALE | NUD_PERMANENT \
                      | NUD_DELAY | NUD_PROBE)

/* Kernel event sockets' receive buffer: large, so that a burst of route
 * changes (a routing daemon installing a full table) does not overflow it.
 * An overflow costs a re-dump. */
#define KW_RCVBUF (32 * 1024 * 1024)

/* After a failed re-dump, try again this much later. */
#define KW_RETRY_MS 1000

struct kw_link {
    struct hmap_node node;      /* In kernel_watch's 'links', by ifindex. */
    int ifindex;
    char *name;
    unsigned int flags;         /* IFF_*. */
    bool running;               /* Up, and its carrier too, as of the last
                                 * event (see kw_note_link_event()). */
};

/* Links, addresses and neighbours are mirrored by libnl's cache manager.
 * Routes are not: libnl 3.7's route cache hashes into a fixed 1024 buckets
 * (every event costs a walk of a long chain with a large table), spends
 * ~700 bytes per route, and merges IPv6 multipath notifications as older
 * kernels sent them (a "replace" keeps the old next hop, a next hop's
 * deletion is ignored).  The client table already is a route cache, keyed
 * by prefix, so route messages are parsed with rtnl_route_parse() and
 * applied to it directly, with kernel semantics (see
 * kernel_watch_route_apply()). */
struct kernel_watch {
    struct ct_table *table;
    uint32_t table_id;
    enum kw_route_mode mode;

    struct nl_sock *event_sock; /* The cache manager's. */
    struct nl_sock *route_sock; /* Route events (KW_ROUTES_KERNEL only). */
    struct nl_sock *sync_sock;  /* For dumps. */
    struct nl_cache_mngr *mngr;
    struct nl_cache *link_cache;
    struct nl_cache *addr_cache;
    struct nl_cache *neigh_cache;

    struct hmap links;          /* Contains "struct kw_link"s. */

    bool ifaces_dirty;          /* A link or address changed. */
    bool full_resync;           /* Events were lost: re-read everything. */
    bool rescan_needed;         /* Interface renamed: re-read neighbours. */
    bool mngr_ready;            /* Initial read done. */
    long long int route_resync_at; /* LLONG_MAX if none scheduled. */

    /* Links going down and coming back up (see kernel_watch_get_links()). */
    unsigned int n_links_lost, n_links_regained;
    long long int link_lost_at; /* LLONG_MIN if no link was ever lost. */

    /* Statistics. */
    unsigned long long int n_events[4]; /* Routes, neighs, links, addrs. */
    unsigned long long int n_routes_set, n_routes_unset, n_routes_ignored;
    unsigned int n_resyncs;
    unsigned int n_errors;
    char *last_error;
};

static void kw_change_cb(struct nl_cache *, struct nl_object *, int action,
                         void *kw_);

static void
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
static bool
nl_addr_to_in6(struct nl_addr *a, int family, struct in6_addr *out)
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

static bool
lladdr_to_eth(struct nl_addr *a, struct eth_addr *mac)
{
    if (a && nl_addr_get_len(a) == ETH_ADDR_LEN) {
        memcpy(mac->ea, nl_addr_get_binary_addr(a), ETH_ADDR_LEN);
        return true;
    }
    return false;
}

static void
prefix_mask(struct xf_prefix *prefix)
{
    int bits = prefix->plen + (xf_addr_is_ipv4(&prefix->addr) ? 96 : 0);
    struct in6_addr mask = ipv6_create_mask(bits);
    prefix->addr = ipv6_addr_bitand(&prefix->addr, &mask);
}

/* Destinations never worth forwarding in the switch: IPv6 link-local
 * (fe80::/10, one per interface, never routed) and multicast. */
static bool
prefix_is_unroutable(const struct xf_prefix *prefix)
{
    const uint8_t *b = prefix->addr.s6_addr;

    if (xf_addr_is_ipv4(&prefix->addr)) {
        return prefix->plen >= 4 && (b[12] & 0xf0) == 0xe0;
    }
    return ((prefix->plen >= 10 && b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
            || (prefix->plen >= 8 && b[0] == 0xff));
}

/* Links. */

static struct kw_link *
kw_link_find(const struct kernel_watch *kw, int ifindex)
{
    struct kw_link *link;

    HMAP_FOR_EACH_WITH_HASH (link, node, hash_int(ifindex, 0), &kw->links) {
        if (link->ifindex == ifindex) {
            return link;
        }
    }
    return NULL;
}

static bool
kw_flags_running(unsigned int flags)
{
    return (flags & (IFF_UP | IFF_RUNNING)) == (IFF_UP | IFF_RUNNING)
           && !(flags & IFF_LOOPBACK);
}

static struct kw_link *
kw_link_add(struct hmap *links, struct rtnl_link *l)
{
    struct kw_link *link = xmalloc(sizeof *link);
    link->ifindex = rtnl_link_get_ifindex(l);
    link->name = xstrdup(rtnl_link_get_name(l));
    link->flags = rtnl_link_get_flags(l);
    link->running = kw_flags_running(link->flags);
    hmap_insert(links, &link->node, hash_int(link->ifindex, 0));
    return link;
}

static bool
kw_link_is_usable(struct rtnl_link *l)
{
    return (rtnl_link_get_name(l) && rtnl_link_get_ifindex(l) > 0
            && rtnl_link_get_family(l) == AF_UNSPEC);
}

/* Returns the name of the interface with 'ifindex', or NULL if unknown.
 *
 * Names come from 'links', refreshed after each batch of kernel events, or,
 * for a link that appeared in the current batch (its routes and neighbours
 * may follow in the same batch), from the link cache. */
const char *
kernel_watch_ifname(struct kernel_watch *kw, int ifindex)
{
    if (ifindex <= 0) {
        return NULL;
    }

    struct kw_link *link = kw_link_find(kw, ifindex);
    if (!link) {
        struct rtnl_link *l = rtnl_link_get(kw->link_cache, ifindex);
        if (l) {
            if (kw_link_is_usable(l)) {
                link = kw_link_add(&kw->links, l);
            }
            rtnl_link_put(l);
        }
    }
    return link ? link->name : NULL;
}

static void
kw_links_clear(struct hmap *links)
{
    struct kw_link *link;

    HMAP_FOR_EACH_POP (link, node, links) {
        free(link->name);
        free(link);
    }
}

/* Routes. */

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
        || !nl_addr_to_in6(dst, family, &prefix.addr)
        || (dst ? nl_addr_get_prefixlen(dst) : 0) > (family == AF_INET
                                                     ? 32 : 128)) {
        kw->n_routes_ignored++;
        return KW_ROUTE_IGNORE;
    }
    prefix.plen = dst ? nl_addr_get_prefixlen(dst) : 0;
    prefix_mask(&prefix);

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
                || !nl_addr_to_in6(gw, family, &out->gw)) {
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
        || prefix_is_unroutable(&prefix)) {
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

/* Discards what is queued on 'sk' (events older than the dump about to
 * follow).  This also ends the socket's "congested" state, in which Linux
 * drops further events without reporting ENOBUFS again. */
static void
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

/* Re-reads the kernel's routes: a dump, applied over the current kernel
 * candidates with mark and sweep, so that routes that did not change cause
 * no update. */
static void
kw_route_resync(struct kernel_watch *kw)
{
    int error;

    COVERAGE_INC(kw_resync);
    kw->n_resyncs++;
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

static void
kw_schedule_route_resync(struct kernel_watch *kw, long long int delay)
{
    if (kw->route_sock) {
        kw->route_resync_at = MIN(kw->route_resync_at, time_msec() + delay);
    }
}

/* Neighbours. */

static void
kw_neigh_apply(struct kernel_watch *kw, struct rtnl_neigh *neigh,
               bool deleted)
{
    int family = rtnl_neigh_get_family(neigh);
    const char *dev = kernel_watch_ifname(kw, rtnl_neigh_get_ifindex(neigh));
    struct in6_addr ip;

    if ((family != AF_INET && family != AF_INET6)
        || rtnl_neigh_get_flags(neigh) & NTF_PROXY
        || !dev
        || !nl_addr_to_in6(rtnl_neigh_get_dst(neigh), family, &ip)) {
        return;
    }

    int state = rtnl_neigh_get_state(neigh);
    struct eth_addr mac;
    if (!deleted && state > 0 && state & KW_NUD_VALID
        && lladdr_to_eth(rtnl_neigh_get_lladdr(neigh), &mac)
        && !eth_addr_is_zero(mac) && !eth_addr_is_multicast(mac)) {
        ct_neigh_set(kw->table, dev, &ip, &mac);
    } else {
        ct_neigh_unset(kw->table, dev, &ip);
    }
}

/* Interfaces. */

static void
kw_add_connected_route(struct kernel_watch *kw, const char *dev,
                       struct rtnl_addr *addr)
{
    int family = rtnl_addr_get_family(addr);
    struct nl_addr *peer = rtnl_addr_get_peer(addr);
    struct nl_addr *base = peer ? peer : rtnl_addr_get_local(addr);
    struct xf_prefix prefix;

    if (rtnl_addr_get_flags(addr) & (IFA_F_DADFAILED | IFA_F_NOPREFIXROUTE)
        || !nl_addr_to_in6(base, family, &prefix.addr)) {
        return;
    }
    prefix.plen = rtnl_addr_get_prefixlen(addr);
    if (prefix.plen >= (family == AF_INET ? 32 : 128)) {
        return;
    }
    prefix_mask(&prefix);
    if (prefix_is_unroutable(&prefix)) {
        return;
    }

    /* The metrics Linux gives the prefix routes of addresses. */
    struct ct_nexthop nh = { .dev = dev };
    ct_route_set(kw->table, &prefix, CT_SRC_CONNECTED,
                 family == AF_INET ? 0 : 256, &nh, 1);
}

/* Rebuilds the interface set (links with an Ethernet address, and their
 * addresses) from the caches; notices renamed links (which need every route
 * and neighbour re-read, since those name their interface) and links that
 * went away or changed state (which need the route table re-dumped). */
static void
kw_update_ifaces(struct kernel_watch *kw)
{
    struct hmap new_links = HMAP_INITIALIZER(&new_links);
    bool renamed = false, state_changed = false;
    struct nl_object *obj;
    size_t n_ifaces = 0;

    ct_ifaces_begin(kw->table);
    for (obj = nl_cache_get_first(kw->link_cache); obj;
         obj = nl_cache_get_next(obj)) {
        struct rtnl_link *l = (struct rtnl_link *) obj;
        if (!kw_link_is_usable(l)) {
            continue;
        }

        struct kw_link *link = kw_link_add(&new_links, l);
        const struct kw_link *old = kw_link_find(kw, link->ifindex);
        const char *name = link->name;
        if (!old) {
            state_changed = true;
        } else {
            renamed |= strcmp(old->name, name) != 0;
            state_changed |= ((old->flags ^ link->flags)
                              & (IFF_UP | IFF_RUNNING | IFF_LOWER_UP)) != 0;
            link->running = old->running;
        }

        struct eth_addr mac;
        if (lladdr_to_eth(rtnl_link_get_addr(l), &mac)) {
            if (n_ifaces++ < KW_MAX_IFACES) {
                ct_iface_add(kw->table, name, &mac);
            }
        }
    }
    if (hmap_count(&new_links) != hmap_count(&kw->links)) {
        state_changed = true;   /* Some link went away. */
    }
    if (n_ifaces > KW_MAX_IFACES) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 60);
        VLOG_WARN_RL(&rl, "%"PRIuSIZE" interfaces, only the first %d are "
                     "announced", n_ifaces, KW_MAX_IFACES);
    }
    kw_links_clear(&kw->links);
    hmap_swap(&kw->links, &new_links);
    hmap_destroy(&new_links);

    if (kw->mode == KW_ROUTES_CONNECTED) {
        ct_routes_mark(kw->table, CT_SRC_CONNECTED);
    }
    struct simap n_addrs = SIMAP_INITIALIZER(&n_addrs);
    for (obj = nl_cache_get_first(kw->addr_cache); obj;
         obj = nl_cache_get_next(obj)) {
        struct rtnl_addr *a = (struct rtnl_addr *) obj;
        int ifindex = rtnl_addr_get_ifindex(a);
        const struct kw_link *link = kw_link_find(kw, ifindex);
        int family = rtnl_addr_get_family(a);
        struct in6_addr ip;

        if (!link || (family != AF_INET && family != AF_INET6)) {
            continue;
        }
        if (kw->mode == KW_ROUTES_CONNECTED && link->flags & IFF_UP
            && !(link->flags & IFF_LOOPBACK)
            && rtnl_addr_get_scope(a) < RT_SCOPE_HOST) {
            kw_add_connected_route(kw, link->name, a);
        }
        /* Left out of hello: addresses still in duplicate address
         * detection or that failed it, and IPv6 link-local addresses (never
         * routed, and they come and go with the link: announcing them
         * would cost a new hello each time). */
        if (rtnl_addr_get_flags(a) & (IFA_F_TENTATIVE | IFA_F_DADFAILED)
            || !nl_addr_to_in6(rtnl_addr_get_local(a), family, &ip)
            || IN6_IS_ADDR_LINKLOCAL(&ip)) {
            continue;
        }
        if (simap_increase(&n_addrs, link->name, 1) <= KW_MAX_ADDRS) {
            ct_iface_add_addr(kw->table, link->name, &ip,
                              rtnl_addr_get_prefixlen(a));
        }
    }
    simap_destroy(&n_addrs);
    if (kw->mode == KW_ROUTES_CONNECTED) {
        ct_routes_sweep(kw->table, CT_SRC_CONNECTED);
    }

    if (ct_ifaces_commit(kw->table) && kw->mngr_ready) {
        VLOG_INFO("interface set changed");
    }
    if (renamed) {
        /* Routes and neighbours carry interface names: re-read them. */
        VLOG_INFO("an interface was renamed: re-reading routes and "
                  "neighbours");
        kw->rescan_needed = true;
        kw_schedule_route_resync(kw, 0);
    } else if (state_changed) {
        kw_schedule_route_resync(kw, KW_ROUTE_RESYNC_DELAY_MS);
    }
}

/* Counts a link that stopped running (administratively down, or its
 * carrier lost: the other end of a VM's virtual interface went away) and
 * one that runs again.  A VM that resumes on another host after a live
 * migration sees its links come back: Xen's netfront drops the carrier
 * while it reconnects to the new host's backend, and so does a veth whose
 * host end is re-plugged.  This looks at each event, not at the interface
 * set rebuilt after a batch of them: a paused VM reads "down" and "up"
 * together when it resumes. */
static void
kw_note_link_event(struct kernel_watch *kw, struct rtnl_link *l)
{
    struct kw_link *link = kw_link_find(kw, rtnl_link_get_ifindex(l));
    bool running = kw_flags_running(rtnl_link_get_flags(l));

    if (!link || link->running == running) {
        return;
    }
    link->running = running;
    if (!running) {
        kw->n_links_lost++;
        kw->link_lost_at = time_msec();
        VLOG_INFO("link %s stopped running", link->name);
    } else {
        kw->n_links_regained++;
        VLOG_INFO("link %s runs again", link->name);
    }
}

/* Change callback of the cache manager's caches, for events and resyncs. */
static void
kw_change_cb(struct nl_cache *cache, struct nl_object *obj, int action,
             void *kw_)
{
    struct kernel_watch *kw = kw_;
    bool deleted = action == NL_ACT_DEL;

    if (cache == kw->neigh_cache) {
        COVERAGE_INC(kw_neigh_event);
        kw->n_events[1]++;
        kw_neigh_apply(kw, (struct rtnl_neigh *) obj, deleted);
    } else if (cache == kw->link_cache) {
        COVERAGE_INC(kw_link_event);
        kw->n_events[2]++;
        kw->ifaces_dirty = true;
        if (!deleted) {
            kw_note_link_event(kw, (struct rtnl_link *) obj);
        }
    } else if (cache == kw->addr_cache) {
        COVERAGE_INC(kw_addr_event);
        kw->n_events[3]++;
        kw->ifaces_dirty = true;
        if (deleted) {
            kw_schedule_route_resync(kw, KW_ROUTE_RESYNC_DELAY_MS);
        }
    }
}

/* Mirrors the whole neighbour cache into the table, withdrawing what it no
 * longer holds (mark and sweep). */
static void
kw_rescan_neighs(struct kernel_watch *kw)
{
    struct nl_object *obj;

    ct_neighs_mark(kw->table);
    for (obj = nl_cache_get_first(kw->neigh_cache); obj;
         obj = nl_cache_get_next(obj)) {
        kw_neigh_apply(kw, (struct rtnl_neigh *) obj, false);
    }
    ct_neighs_sweep(kw->table);
}

static void
kw_resync_cache(struct kernel_watch *kw, struct nl_cache *cache,
                const char *what)
{
    int error = nl_cache_resync(kw->sync_sock, cache, kw_change_cb, kw);
    if (error < 0) {
        kw_set_error(kw, what, error);
    }
}

/* Re-reads everything from the kernel (events were lost). */
static void
kw_full_resync(struct kernel_watch *kw)
{
    COVERAGE_INC(kw_resync);
    kw->n_resyncs++;
    kw_drain(kw->event_sock);
    kw_resync_cache(kw, kw->link_cache, "re-reading links");
    kw_resync_cache(kw, kw->addr_cache, "re-reading addresses");
    kw_update_ifaces(kw);
    kw_resync_cache(kw, kw->neigh_cache, "re-reading neighbours");
    kw_rescan_neighs(kw);
    if (kw->route_sock) {
        kw_route_resync(kw);
    }
    kw->full_resync = false;
    kw->ifaces_dirty = false;
    kw->rescan_needed = false;
}

static int
kw_add_cache(struct kernel_watch *kw, const char *name,
             struct nl_cache **cachep, char **errorp)
{
    int error = nl_cache_mngr_add(kw->mngr, name, kw_change_cb, kw, cachep);
    if (error < 0) {
        *errorp = xasprintf("watching %s: %s", name, nl_geterror(error));
    }
    return error;
}

/* Grows 'sk''s receive buffer beyond net.core.rmem_max if we may, otherwise
 * as far as that allows. */
static void
kw_grow_rcvbuf(struct nl_sock *sk)
{
    int size = KW_RCVBUF;

    if (setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVBUFFORCE,
                   &size, sizeof size)) {
        nl_socket_set_buffer_size(sk, KW_RCVBUF, 0);
    }
}

/* Starts watching the kernel, filling 'table' with its current content.
 * Routes come from routing table 'table_id' in KW_ROUTES_KERNEL mode; in
 * KW_ROUTES_CONNECTED mode only connected routes (from the addresses of
 * interfaces that are up) are set.  On error, returns NULL and a malloc()'d
 * message in '*errorp'. */
struct kernel_watch *
kernel_watch_create(struct ct_table *table, uint32_t table_id,
                    enum kw_route_mode mode, char **errorp)
{
    struct kernel_watch *kw = xzalloc(sizeof *kw);
    int error;

    *errorp = NULL;
    kw->table = table;
    kw->table_id = table_id;
    kw->mode = mode;
    kw->route_resync_at = LLONG_MAX;
    kw->link_lost_at = LLONG_MIN;
    hmap_init(&kw->links);

    kw->event_sock = nl_socket_alloc();
    kw->sync_sock = nl_socket_alloc();
    if (!kw->event_sock || !kw->sync_sock) {
        *errorp = xstrdup("cannot allocate netlink sockets");
        goto error;
    }
    error = nl_connect(kw->sync_sock, NETLINK_ROUTE);
    if (error < 0) {
        *errorp = xasprintf("netlink: %s", nl_geterror(error));
        goto error;
    }
    error = nl_cache_mngr_alloc(kw->event_sock, NETLINK_ROUTE, 0, &kw->mngr);
    if (error < 0) {
        *errorp = xasprintf("netlink cache manager: %s", nl_geterror(error));
        goto error;
    }
    kw_grow_rcvbuf(kw->event_sock);

    /* Links first: everything else names its interface. */
    if (kw_add_cache(kw, "route/link", &kw->link_cache, errorp) < 0
        || kw_add_cache(kw, "route/addr", &kw->addr_cache, errorp) < 0
        || kw_add_cache(kw, "route/neigh", &kw->neigh_cache, errorp) < 0) {
        goto error;
    }
    kw_update_ifaces(kw);
    kw_rescan_neighs(kw);

    if (mode == KW_ROUTES_KERNEL) {
        /* Subscribe before the dump, so that no change falls in between
         * (one that is in both is applied twice, harmlessly). */
        kw->route_sock = nl_socket_alloc();
        if (!kw->route_sock) {
            *errorp = xstrdup("cannot allocate netlink sockets");
            goto error;
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
            *errorp = xasprintf("netlink route events: %s",
                                nl_geterror(error));
            goto error;
        }
        kw_grow_rcvbuf(kw->route_sock);
        kw_route_resync(kw);
        kw->n_resyncs = 0;
        if (kw->route_resync_at != LLONG_MAX) {
            *errorp = xasprintf("cannot read the kernel's routes: %s",
                                kw->last_error);
            goto error;
        }
    }

    kw->full_resync = false;
    kw->ifaces_dirty = false;
    kw->rescan_needed = false;
    kw->route_resync_at = LLONG_MAX;
    kw->mngr_ready = true;

    struct ct_stats stats;
    ct_get_stats(table, &stats);
    VLOG_INFO("watching the kernel: %"PRIuSIZE" interfaces, %"PRIuSIZE
              " routes (table %"PRIu32"%s), %"PRIuSIZE" neighbours",
              stats.n_ifaces, stats.n_routes, table_id,
              mode == KW_ROUTES_KERNEL ? "" : ", connected only",
              stats.n_neighs);
    return kw;

error:
    kernel_watch_destroy(kw);
    return NULL;
}

void
kernel_watch_destroy(struct kernel_watch *kw)
{
    if (kw) {
        if (kw->mngr) {
            nl_cache_mngr_free(kw->mngr);   /* Frees its caches. */
        }
        nl_socket_free(kw->event_sock);
        nl_socket_free(kw->route_sock);
        nl_socket_free(kw->sync_sock);
        kw_links_clear(&kw->links);
        hmap_destroy(&kw->links);
        free(kw->last_error);
        free(kw);
    }
}

void
kernel_watch_run(struct kernel_watch *kw)
{
    int error = nl_cache_mngr_data_ready(kw->mngr);
    if (error < 0 && error != -NLE_AGAIN) {
        /* Most likely the socket overflowed (ENOBUFS): events are lost. */
        kw_set_error(kw, "kernel events", error);
        kw->full_resync = true;
    }

    if (kw->route_sock) {
        for (;;) {
            error = nl_recvmsgs_default(kw->route_sock);
            if (error == -NLE_AGAIN) {
                break;
            } else if (error < 0) {
                kw_set_error(kw, "route events", error);
                kw_schedule_route_resync(kw, 0);
                break;
            }
        }
    }

    if (kw->full_resync) {
        VLOG_INFO("re-reading links, addresses, neighbours%s from the kernel",
                  kw->route_sock ? " and routes" : "");
        kw_full_resync(kw);
    }
    if (kw->ifaces_dirty) {
        kw->ifaces_dirty = false;
        kw_update_ifaces(kw);
    }
    if (kw->rescan_needed) {
        kw->rescan_needed = false;
        kw_rescan_neighs(kw);
    }
    if (time_msec() >= kw->route_resync_at) {
        kw_route_resync(kw);
    }
}

/* Reports how many times a link started running again since 'kw' was
 * created (a counter: a change means "some link came back"), and in
 * '*lost_at' the time_msec() at which a link last stopped running (LLONG_MIN
 * if none ever did). */
unsigned int
kernel_watch_get_links(const struct kernel_watch *kw, long long int *lost_at)
{
    *lost_at = kw->link_lost_at;
    return kw->n_links_regained;
}

/* Re-reads every table from the kernel at the next kernel_watch_run(), as
 * after lost events. */
void
kernel_watch_resync(struct kernel_watch *kw)
{
    kw->full_resync = true;
}

void
kernel_watch_wait(struct kernel_watch *kw)
{
    poll_fd_wait(nl_cache_mngr_get_fd(kw->mngr), POLLIN);
    if (kw->route_sock) {
        poll_fd_wait(nl_socket_get_fd(kw->route_sock), POLLIN);
    }
    if (kw->route_resync_at != LLONG_MAX) {
        poll_timer_wait_until(kw->route_resync_at);
    }
    if (kw->ifaces_dirty || kw->full_resync || kw->rescan_needed) {
        poll_immediate_wake();
    }
}

void
kernel_watch_format(const struct kernel_watch *kw, struct ds *s)
{
    ds_put_format(s, "kernel: routes %s table %"PRIu32"; cached: %d links, "
                  "%d addresses, %d neighbours (all families)\n",
                  (kw->mode == KW_ROUTES_KERNEL ? "from"
                   : "(connected only) of"),
                  kw->table_id, nl_cache_nitems(kw->link_cache),
                  nl_cache_nitems(kw->addr_cache),
                  nl_cache_nitems(kw->neigh_cache));
    ds_put_format(s, "  events: %llu route, %llu neighbour, %llu link, "
                  "%llu address; routes set %llu, unset %llu, ignored %llu; "
                  "re-reads %u\n",
                  kw->n_events[0], kw->n_events[1], kw->n_events[2],
                  kw->n_events[3], kw->n_routes_set, kw->n_routes_unset,
                  kw->n_routes_ignored, kw->n_resyncs);
    ds_put_format(s, "  links: stopped running %u times, running again %u "
                  "times\n", kw->n_links_lost, kw->n_links_regained);
    if (kw->n_errors) {
        ds_put_format(s, "  netlink errors: %u, last: %s\n",
                      kw->n_errors, kw->last_error);
    }
}
