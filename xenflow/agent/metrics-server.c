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

#include "xenflow/agent/metrics-server.h"

#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/agent/fleet-json.h"
#include "xenflow/agent/gather-node.h"
#include "xenflow/agent/gather-switch.h"
#include "xenflow/agent/http.h"
#include "xenflow/agent/metrics.h"
#include "xenflow/agent/switch-poll.h"

VLOG_DEFINE_THIS_MODULE(xenflow_agent_metrics);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 60);

struct xfa_metrics_server {
    struct xfa_http *http;
    char *node;
    long long int next;         /* When to gather next. */
    unsigned int fleet_seqno;
    unsigned int switch_seqno;
    unsigned long long n_gathers, n_gather_errors;
    char *last_error;
};

struct xfa_metrics_server *
xfa_metrics_server_create(const struct xfa_http_options *opts,
                          const char *node, char **errorp)
{
    struct xfa_http *http;

    *errorp = xfa_http_create(opts, &http);
    if (*errorp) {
        return NULL;
    }
    struct xfa_metrics_server *ms = xzalloc(sizeof *ms);
    ms->http = http;
    ms->node = xstrdup(node);
    ms->next = LLONG_MIN;
    VLOG_INFO("serving /metrics, /api/fleet.json and the dashboard on "
              "%s port %u", xfa_http_is_ssl(http) ? "https" : "http",
              xfa_http_port(http));
    return ms;
}

void
xfa_metrics_server_destroy(struct xfa_metrics_server *ms)
{
    if (ms) {
        xfa_http_destroy(ms->http);
        free(ms->node);
        free(ms->last_error);
        free(ms);
    }
}

void
xfa_metrics_server_run(struct xfa_metrics_server *ms,
                       struct ovsdb_idl *fleet_idl,
                       const struct shash *reports,
                       const struct shash *wants, bool libvirt_up,
                       const struct xfa_switch_poll *sp)
{
    if (!ms) {
        return;
    }
    long long int now = time_msec();
    unsigned int seqno = ovsdb_idl_get_seqno(fleet_idl);
    if (seqno != ms->fleet_seqno) {
        /* Something changed: publish within a second, not at once, so a
         * busy fleet costs one snapshot a second at most. */
        ms->fleet_seqno = seqno;
        ms->next = MIN(ms->next, now + 1000);
    }
    if (xfa_switch_poll_seqno(sp) != ms->switch_seqno) {
        ms->switch_seqno = xfa_switch_poll_seqno(sp);
        ms->next = MIN(ms->next, now + 1000);
    }
    if (now < ms->next) {
        return;
    }
    ms->next = now + XFA_METRICS_PERIOD_MS;

    struct xfa_node_stats stats;
    char *error = xfa_gather_node(&stats);
    ms->n_gathers++;
    if (error) {
        ms->n_gather_errors++;
        VLOG_WARN_RL(&rl, "%s", error);
    }
    free(ms->last_error);
    ms->last_error = error;

    struct xfa_sw_stats sw_stats;
    const struct xfa_sw_figures *sw = xfa_switch_poll_figures(sp, &sw_stats);
    struct xfa_metrics_input in = {
        .node = ms->node,
        .stats = error ? NULL : &stats,
        .libvirt_up = libvirt_up,
        .fleet_connected = ovsdb_idl_is_connected(fleet_idl),
        .reports = reports,
        .wants = wants,
        .n_gathers = ms->n_gathers,
        .n_gather_errors = ms->n_gather_errors,
        .sw = sw,
        .sw_stats = &sw_stats,
    };
    struct ds s = DS_EMPTY_INITIALIZER;
    xfa_metrics_format(&in, &s);
    xfa_http_publish(ms->http, "/metrics",
                     "text/plain; version=0.0.4; charset=utf-8", &s);
    xfa_fleet_json(fleet_idl, ms->node, in.stats, sw, &sw_stats, false,
                   &s);
    xfa_http_publish(ms->http, "/api/fleet.json",
                     "application/json", &s);
    ds_destroy(&s);
}

void
xfa_metrics_server_wait(const struct xfa_metrics_server *ms)
{
    if (ms) {
        poll_timer_wait_until(ms->next);
    }
}

void
xfa_metrics_server_format(const struct xfa_metrics_server *ms, struct ds *s)
{
    if (!ms) {
        ds_put_cstr(s, "metrics: off\n");
        return;
    }
    ds_put_format(s, "metrics: %s port %u, %llu gathers (%llu failed), "
                  "%llu requests\n",
                  xfa_http_is_ssl(ms->http) ? "https" : "http",
                  xfa_http_port(ms->http), ms->n_gathers,
                  ms->n_gather_errors, xfa_http_requests(ms->http));
    if (ms->last_error) {
        ds_put_format(s, "metrics: last gather: %s\n", ms->last_error);
    }
}
