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

#include "xenflow/client/client-unixctl.h"

#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "xenflow/client/client-reply.h"
#include "xenflow/client/client-routes.h"
#include "xenflow/client/client-session-private.h"
#include "xenflow/client/client-table.h"
#include "xenflow/client/fpm.h"
#include "xenflow/client/kernel-watch.h"

static unixctl_cb_func xfc_exit;
static unixctl_cb_func xfc_status;
static unixctl_cb_func xfc_resync;
static unixctl_cb_func xfc_reconnect;
static unixctl_cb_func xfc_show;

/* Registers the commands of xenflow-client(8): "exit" sets '*exiting';
 * the others act on 'c' and show it. */
void
xfc_unixctl_register(struct xfc_session *c, bool *exiting)
{
    unixctl_command_register("exit", "", 0, 0, xfc_exit, exiting);
    unixctl_command_register("status", "", 0, 0, xfc_status, c);
    unixctl_command_register("xenflow-client/resync", "", 0, 0, xfc_resync,
                             c);
    unixctl_command_register("xenflow-client/reconnect", "", 0, 0,
                             xfc_reconnect, c);
    unixctl_command_register("xenflow-client/show", "", 0, 0, xfc_show, c);
}

static const char *
state_to_string(enum client_state state)
{
    switch (state) {
    case S_DISCONNECTED: return "disconnected";
    case S_HELLO: return "hello sent";
    case S_HELLO_FAILED: return "hello refused";
    case S_SYNCING: return "sending snapshot";
    case S_RESYNC_WAIT: return "waiting to resynchronise";
    case S_ACTIVE: return "active";
    }
    return "<unknown>";
}

static void
format_counts(const char *what, const struct ct_update_counts *n,
              struct ds *s)
{
    ds_put_format(s, "%s: routes %"PRIuSIZE", routes withdrawn %"PRIuSIZE
                  ", neighbours %"PRIuSIZE", neighbours withdrawn %"PRIuSIZE
                  "\n", what, n->routes, n->routes_withdrawn, n->neighs,
                  n->neighs_withdrawn);
}

static void
format_status(const struct xfc_session *c, struct ds *s)
{
    long long int now = time_msec();
    struct ct_stats stats;

    ds_put_format(s, "state: %s\n", state_to_string(c->state));
    ds_put_format(s, "remote: %s (%s", c->remote,
                  jsonrpc_session_is_connected(c->rpc)
                  ? "connected" : "not connected");
    if (jsonrpc_session_is_connected(c->rpc)) {
        ds_put_format(s, " for %lld s", (now - c->connected_at) / 1000);
    } else if (jsonrpc_session_get_last_error(c->rpc)) {
        ds_put_format(s, ", last connection error: %s",
                      ovs_retval_to_string(
                          jsonrpc_session_get_last_error(c->rpc)));
    }
    ds_put_format(s, ", %llu connections)\n", c->n_connections);
    ds_put_format(s, "router: %s\n", c->router);
    if (c->session_id >= 0) {
        ds_put_format(s, "session: %"PRId64" (max-batch %"PRIuSIZE
                      ", probe interval %d ms)\n", c->session_id,
                      c->max_batch, c->probe_interval);
        ds_put_cstr(s, c->iface_map.n ? "interfaces: " : "interfaces:");
        xfc_format_iface_map(&c->iface_map, &c->unmapped, s);
        ds_put_char(s, '\n');
    } else {
        ds_put_cstr(s, "session: none\n");
    }

    ct_get_stats(c->table, &stats);
    ds_put_format(s, "table: %"PRIuSIZE" routes (candidates: kernel "
                  "%"PRIuSIZE", fpm %"PRIuSIZE", connected %"PRIuSIZE"), "
                  "%"PRIuSIZE" neighbours, %"PRIuSIZE" interfaces, "
                  "%"PRIuSIZE" changes pending\n",
                  stats.n_routes, stats.n_candidates[CT_SRC_KERNEL],
                  stats.n_candidates[CT_SRC_FPM],
                  stats.n_candidates[CT_SRC_CONNECTED], stats.n_neighs,
                  stats.n_ifaces, stats.n_pending);
    if (stats.n_nexthops_dropped) {
        ds_put_format(s, "next hops dropped beyond %d per route: %"PRIu64
                      "\n", CT_MAX_NEXTHOPS, stats.n_nexthops_dropped);
    }

    format_counts("sent", &c->sent, s);
    ds_put_format(s, "sent messages: hellos %llu, snapshots %llu "
                  "(completed %llu), updates %llu\n", c->n_hellos,
                  c->n_snapshots, c->n_snapshots_done, c->n_updates);
    ds_put_format(s, "server: applied %llu, rejected %llu, withdrew %llu "
                  "stale entries at sync-end\n",
                  c->n_applied, c->n_rejected, c->n_removed);
    if (c->switch_pending >= 0) {
        ds_put_format(s, "installed: %s (%"PRId64" route and neighbour "
                      "flows pending in the switch)\n",
                      c->switch_pending ? "no" : "yes", c->switch_pending);
    } else {
        ds_put_cstr(s, "installed: unknown (the server has not said)\n");
    }
    ds_put_format(s, "interruptions: %llu", c->n_interruptions);
    if (c->n_interruptions) {
        ds_put_format(s, ", last: disconnected %lld ms, snapshot %lld ms",
                      c->last_down_ms, c->last_resync_ms);
    }
    if (c->lost_at != LLONG_MIN) {
        ds_put_format(s, ", one in progress for %lld ms", now - c->lost_at);
    }
    ds_put_format(s, "\nlink checks: %llu, without answer %llu\n",
                  c->n_link_checks, c->n_link_check_failures);
    ds_put_format(s, "errors received: %llu\n", c->n_error_replies);
    ds_put_format(s, "last error: %s\n",
                  c->last_error ? c->last_error : "none");
    if (c->rejections.n) {
        ds_put_cstr(s, "last rejections:\n");
        for (size_t i = 0; i < c->rejections.n; i++) {
            ds_put_format(s, "  %s\n", c->rejections.names[i]);
        }
    }
    if (c->state == S_RESYNC_WAIT) {
        ds_put_format(s, "next snapshot in %lld ms\n", c->resync_at - now);
    } else if (c->state == S_HELLO_FAILED) {
        ds_put_format(s, "next hello in %lld ms\n", c->hello_retry_at - now);
    }
    kernel_watch_format(c->kw, s);
    if (c->fpm) {
        fpm_format(c->fpm, s);
    }
}

static void
xfc_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
         const char *argv[] OVS_UNUSED, void *exiting_)
{
    bool *exiting = exiting_;
    *exiting = true;
    unixctl_command_reply(conn, NULL);
}

static void
xfc_status(struct unixctl_conn *conn, int argc OVS_UNUSED,
           const char *argv[] OVS_UNUSED, void *c_)
{
    struct xfc_session *c = c_;
    struct ds s = DS_EMPTY_INITIALIZER;

    format_status(c, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
xfc_resync(struct unixctl_conn *conn, int argc OVS_UNUSED,
           const char *argv[] OVS_UNUSED, void *c_)
{
    struct xfc_session *c = c_;

    /* Re-read the kernel's tables first, in case they were missed. */
    kernel_watch_resync(c->kw);
    kernel_watch_run(c->kw);

    if (xfc_session_resync(c)) {
        unixctl_command_reply(conn, "full snapshot started");
    } else {
        unixctl_command_reply(conn, "not in session: a full snapshot "
                              "follows the next successful hello");
    }
}

static void
xfc_reconnect(struct unixctl_conn *conn, int argc OVS_UNUSED,
              const char *argv[] OVS_UNUSED, void *c_)
{
    struct xfc_session *c = c_;

    xfc_session_reconnect(c);
    unixctl_command_reply(conn, NULL);
}

static void
xfc_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
         const char *argv[] OVS_UNUSED, void *c_)
{
    struct xfc_session *c = c_;
    struct ds s = DS_EMPTY_INITIALIZER;

    ct_format(c->table, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}
