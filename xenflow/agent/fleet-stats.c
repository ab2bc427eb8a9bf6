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
/* Figures for the fleet database, and their rate (see fleet-stats.h). */

#include <config.h>

#include "xenflow/agent/fleet-stats.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/agent/gather-node.h"
#include "xenflow/agent/gather-switch.h"
#include "xenflow/agent/virt.h"
#include "xenflow/fleet/fleet-idl.h"

VLOG_DEFINE_THIS_MODULE(xenflow_agent_stats);

/* Parses Fleet options:stats-interval 's' (NULL: the default) into
 * '*seconds'.  On error, '*seconds' is the default. */
char *
xfa_stats_interval_parse(const char *s, int *seconds)
{
    *seconds = XFA_STATS_INTERVAL_DEFAULT;
    if (!s) {
        return NULL;
    }
    char *end;
    errno = 0;
    long int x = strtol(s, &end, 10);
    if (!*s || *end || errno || x < 0 || x > XFA_STATS_INTERVAL_MAX) {
        return xasprintf("Fleet options:stats-interval: \"%s\" is not a "
                         "number of seconds from 0 (never) to %d; using %d",
                         s, XFA_STATS_INTERVAL_MAX,
                         XFA_STATS_INTERVAL_DEFAULT);
    }
    *seconds = x;
    return NULL;
}

static void
put_figure(struct smap *status, const char *key, long long int value)
{
    if (value >= 0) {
        smap_replace_nocopy(status, key, xasprintf("%lld", value));
    } else {
        smap_remove(status, key);
    }
}

/* Updates a Router_State 'status' with libvirt's figures 'info' and
 * XenFlow's 'sw' (NULL if XenFlow does not have the router).  If
 * '!switch_known' (the switch's figures are stale or were never read),
 * XenFlow's keys are left as they are. */
void
xfa_stats_router_figures(const struct xfa_dom_info *info, bool switch_known,
                         const struct xfa_sw_router *sw, struct smap *status)
{
    put_figure(status, "cpu-time-ns", info->cpu_time_ns);
    put_figure(status, "memory-kib", info->mem_actual_kib);
    put_figure(status, "memory-rss-kib", info->mem_rss_kib);
    put_figure(status, "vcpu-period", info->vcpu_period);
    put_figure(status, "vcpu-quota", info->vcpu_quota);
    put_figure(status, "rx-bytes", info->rx_bytes);
    put_figure(status, "rx-packets", info->rx_packets);
    put_figure(status, "tx-bytes", info->tx_bytes);
    put_figure(status, "tx-packets", info->tx_packets);
    if (!switch_known) {
        return;
    }

    const struct {
        const char *key;
        long long int x;
    } xf[] = {
        { "xenflow-routes", sw ? sw->routes : -1 },
        { "xenflow-routes-installed", sw ? sw->routes_installed : -1 },
        { "xenflow-neighbors", sw ? sw->neighbors : -1 },
        { "xenflow-flows", sw ? sw->flows : -1 },
        { "xenflow-flows-pending", sw ? sw->flows_pending : -1 },
        { "xenflow-routed-packets", sw ? sw->routed_packets : -1 },
        { "xenflow-to-vm-packets", sw ? sw->to_vm_packets : -1 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(xf); i++) {
        put_figure(status, xf[i].key, xf[i].x);
    }
    if (sw) {
        char buf[32];
        smap_replace(status, "xenflow-client",
                     xfa_sw_client_state(sw->client, buf, sizeof buf));
    } else {
        smap_remove(status, "xenflow-client");
    }
}

/* Adds to a Node 'status' what XenFlow's link probes found on each trunk
 * of 'sw': per trunk PORT "trunk-PORT-peer" (NODE:PORT of the last probe
 * seen), "trunk-PORT-seen" ("yes", "no", "pending" or "off") and
 * "trunk-PORT-rtt-us" (average round-trip time of the last probes).  The
 * fleet writer replaces every "trunk-" key when the switch's figures are
 * known (fleet.c). */
void
xfa_stats_trunk_figures(const struct xfa_sw_figures *sw, struct smap *status)
{
    for (size_t i = 0; i < sw->n_trunks; i++) {
        const struct xfa_sw_trunk *t = &sw->trunks[i];
        char *key;

        if (t->peer_node) {
            key = xasprintf("trunk-%s-peer", t->port);
            smap_replace_nocopy(status, key, xasprintf("%s:%s", t->peer_node,
                                                       t->peer_port));
            free(key);
        }
        key = xasprintf("trunk-%s-seen", t->port);
        smap_replace(status, key, t->seen);
        free(key);
        key = xasprintf("trunk-%s-rtt-us", t->port);
        put_figure(status, key, t->rtt_avg_us);
        free(key);
    }
}

/* Updates a Node 'status' with the node's CPU use between 'prev' and 'cur'
 * (percent of all CPUs busy, NULL 'prev': left out) and its memory. */
void
xfa_stats_node_figures(const struct xfa_node_stats *prev,
                       const struct xfa_node_stats *cur, struct smap *status)
{
    if (prev) {
        double busy = 0, all = 0;
        for (int m = 0; m < XFA_N_CPU_MODES; m++) {
            double d = cur->cpu_seconds[m] - prev->cpu_seconds[m];
            all += d;
            if (m != XFA_CPU_IDLE && m != XFA_CPU_IOWAIT) {
                busy += d;
            }
        }
        if (all > 0 && busy >= 0) {
            smap_replace_nocopy(status, "cpu",
                                xasprintf("%.1f", busy * 100 / all));
        }
    }
    put_figure(status, "memory-available-mb",
               cur->mem_available >= 0 ? cur->mem_available >> 20 : -1);
}

struct xfa_fleet_stats {
    int interval;               /* Seconds, 0: never. */
    char *error;                /* Bad options:stats-interval, or NULL. */
    long long int next;         /* When figures are due next. */
    struct xfa_node_stats prev; /* At the last take. */
    bool have_prev;
    struct smap node;           /* Node figures of the last take. */
    unsigned long long n_takes;
};

struct xfa_fleet_stats *
xfa_fleet_stats_create(void)
{
    struct xfa_fleet_stats *fs = xzalloc(sizeof *fs);
    fs->interval = XFA_STATS_INTERVAL_DEFAULT;
    fs->next = LLONG_MIN;
    smap_init(&fs->node);
    return fs;
}

void
xfa_fleet_stats_destroy(struct xfa_fleet_stats *fs)
{
    if (fs) {
        smap_destroy(&fs->node);
        free(fs->error);
        free(fs);
    }
}

/* Reads options:stats-interval from the fleet's Fleet row. */
void
xfa_fleet_stats_configure(struct xfa_fleet_stats *fs, struct ovsdb_idl *idl)
{
    const struct fleetrec_fleet *f = fleetrec_fleet_first(idl);
    const char *value = f ? smap_get(&f->options, "stats-interval") : NULL;
    int interval;
    char *error = xfa_stats_interval_parse(value, &interval);

    if (error && (!fs->error || strcmp(error, fs->error))) {
        VLOG_WARN("%s", error);
    }
    free(fs->error);
    fs->error = error;
    if (interval != fs->interval) {
        if (fs->next != LLONG_MIN) {
            /* A shorter interval applies at once, a longer one from the
             * last write. */
            fs->next += (interval - fs->interval) * 1000LL;
        }
        fs->interval = interval;
    }
}

/* False if the fleet wants no figures (stats-interval 0). */
bool
xfa_fleet_stats_enabled(const struct xfa_fleet_stats *fs)
{
    return fs->interval != 0;
}

bool
xfa_fleet_stats_due(const struct xfa_fleet_stats *fs)
{
    return fs->interval && time_msec() >= fs->next;
}

/* Takes the figures that are due: returns the Node's (the Router_State
 * figures are the caller's), with the trunks of 'sw' if it is nonnull,
 * and schedules the next ones. */
const struct smap *
xfa_fleet_stats_take(struct xfa_fleet_stats *fs,
                     const struct xfa_sw_figures *sw)
{
    struct xfa_node_stats cur;
    char *error = xfa_gather_node(&cur);

    fs->next = time_msec() + fs->interval * 1000LL;
    fs->n_takes++;
    smap_clear(&fs->node);
    if (error) {
        VLOG_WARN("%s", error);
        free(error);
        fs->have_prev = false;
    } else {
        xfa_stats_node_figures(fs->have_prev ? &fs->prev : NULL, &cur,
                               &fs->node);
        fs->prev = cur;
        fs->have_prev = true;
    }
    if (sw) {
        xfa_stats_trunk_figures(sw, &fs->node);
    }
    return &fs->node;
}

/* Wakes when figures are due.  Once due, they stay due until written: what
 * makes writing possible (the fleet database connected, the libvirt
 * thread's first pass, a transaction's end) wakes the main loop. */
void
xfa_fleet_stats_wait(const struct xfa_fleet_stats *fs)
{
    if (fs->interval && !xfa_fleet_stats_due(fs)) {
        poll_timer_wait_until(fs->next);
    }
}

const char *
xfa_fleet_stats_error(const struct xfa_fleet_stats *fs)
{
    return fs->error;
}

void
xfa_fleet_stats_format(const struct xfa_fleet_stats *fs, struct ds *s)
{
    if (fs->interval) {
        ds_put_format(s, "stats: to the fleet database every %d s, %llu "
                      "times so far\n", fs->interval, fs->n_takes);
    } else {
        ds_put_cstr(s, "stats: not written to the fleet database\n");
    }
    if (fs->error) {
        ds_put_format(s, "stats: %s\n", fs->error);
    }
}
