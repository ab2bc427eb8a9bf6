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

#include <netinet/in.h>
#include <string.h>

#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <linux/neighbour.h>

#include "coverage.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/client/client-neighs.h"
#include "xenflow/client/client-table.h"
#include "xenflow/client/kernel-links.h"
#include "xenflow/client/kernel-nl.h"
#include "xenflow/client/kernel-routes.h"
#include "xenflow/client/kernel-watch-private.h"

VLOG_DEFINE_THIS_MODULE(kernel_watch);

COVERAGE_DEFINE(kw_neigh_event);
COVERAGE_DEFINE(kw_link_event);
COVERAGE_DEFINE(kw_addr_event);

/* Linux removes IPv4 routes without telling anyone when their interface goes
 * down or loses the address they use, so such events trigger a re-dump of
 * the route table this long after the last of them. */
#define KW_ROUTE_RESYNC_DELAY_MS 200

/* Kernel neighbour states worth forwarding to. */
#define KW_NUD_VALID (NUD_REACHABLE | NUD_STALE | NUD_PERMANENT \
                      | NUD_DELAY | NUD_PROBE)

static void kw_change_cb(struct nl_cache *, struct nl_object *, int action,
                         void *kw_);

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
        || !kw_addr_to_in6(rtnl_neigh_get_dst(neigh), family, &ip)) {
        return;
    }

    int state = rtnl_neigh_get_state(neigh);
    struct eth_addr mac;
    if (!deleted && state > 0 && state & KW_NUD_VALID
        && kw_lladdr_to_eth(rtnl_neigh_get_lladdr(neigh), &mac)
        && !eth_addr_is_zero(mac) && !eth_addr_is_multicast(mac)) {
        ct_neigh_set(kw->table, dev, &ip, &mac);
    } else {
        ct_neigh_unset(kw->table, dev, &ip);
    }
}

/* Rebuilds the interface set and re-reads what a change of links needs. */
static void
kw_update_ifaces(struct kernel_watch *kw)
{
    switch (kw_links_update(kw)) {
    case KW_LINKS_RENAMED:
        /* Routes and neighbours carry interface names: re-read them. */
        VLOG_INFO("an interface was renamed: re-reading routes and "
                  "neighbours");
        kw->rescan_needed = true;
        kw_schedule_route_resync(kw, 0);
        break;
    case KW_LINKS_STATE:
        kw_schedule_route_resync(kw, KW_ROUTE_RESYNC_DELAY_MS);
        break;
    case KW_LINKS_SAME:
        break;
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
    kw_count_resync(kw);
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

    if (mode == KW_ROUTES_KERNEL && !kw_routes_open(kw, errorp)) {
        goto error;
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
