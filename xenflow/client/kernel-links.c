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

#include "xenflow/client/kernel-links.h"

#include <net/if.h>
#include <string.h>

#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "hash.h"
#include "openvswitch/hmap.h"
#include "openvswitch/vlog.h"
#include "simap.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/client/client-ifaces.h"
#include "xenflow/client/client-routes.h"
#include "xenflow/client/kernel-nl.h"
#include "xenflow/client/kernel-watch-private.h"

VLOG_DEFINE_THIS_MODULE(kernel_links);

/* From <linux/if.h>, which clashes with <net/if.h>. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

/* Limits of the protocol's "hello" (see Documentation/xenflow-protocol.md). */
#define KW_MAX_IFACES 256
#define KW_MAX_ADDRS 64

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

void
kw_links_clear(struct hmap *links)
{
    struct kw_link *link;

    HMAP_FOR_EACH_POP (link, node, links) {
        free(link->name);
        free(link);
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
        || !kw_addr_to_in6(base, family, &prefix.addr)) {
        return;
    }
    prefix.plen = rtnl_addr_get_prefixlen(addr);
    if (prefix.plen >= (family == AF_INET ? 32 : 128)) {
        return;
    }
    kw_prefix_mask(&prefix);
    if (kw_prefix_is_unroutable(&prefix)) {
        return;
    }

    /* The metrics Linux gives the prefix routes of addresses. */
    struct ct_nexthop nh = { .dev = dev };
    ct_route_set(kw->table, &prefix, CT_SRC_CONNECTED,
                 family == AF_INET ? 0 : 256, &nh, 1);
}

/* Rebuilds the interface set (links with an Ethernet address, and their
 * addresses) from the caches, and the connected routes in
 * KW_ROUTES_CONNECTED mode.  Returns whether a link was renamed (every
 * route and neighbour needs to be re-read, since those name their
 * interface) or went away or changed state (the route table needs to be
 * re-dumped). */
enum kw_links_change
kw_links_update(struct kernel_watch *kw)
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
        if (kw_lladdr_to_eth(rtnl_link_get_addr(l), &mac)) {
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
            || !kw_addr_to_in6(rtnl_addr_get_local(a), family, &ip)
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
    return (renamed ? KW_LINKS_RENAMED
            : state_changed ? KW_LINKS_STATE
            : KW_LINKS_SAME);
}

/* Counts a link that stopped running (administratively down, or its
 * carrier lost: the other end of a VM's virtual interface went away) and
 * one that runs again.  A VM that resumes on another host after a live
 * migration sees its links come back: Xen's netfront drops the carrier
 * while it reconnects to the new host's backend, and so does a veth whose
 * host end is re-plugged.  This looks at each event, not at the interface
 * set rebuilt after a batch of them: a paused VM reads "down" and "up"
 * together when it resumes. */
void
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

