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

#include "xenflow/migrate.h"

#include <errno.h>
#include <string.h>

#include "coverage.h"
#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/json.h"
#include "openvswitch/list.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "smap.h"
#include "sset.h"
#include "stream-ssl.h"
#include "stream.h"
#include "svec.h"
#include "table.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/appctl.h"
#include "xenflow/conf.h"
#include "xenflow/ctlhold.h"
#include "xenflow/model.h"
#include "xenflow/mover.h"
#include "xenflow/pace.h"
#include "xenflow/proto.h"
#include "xenflow/rib.h"
#include "xenflow/router.h"
#include "xenflow/route-state-file.h"
#include "xenflow/routers.h"
#include "xenflow/migrate-peer.h"
#include "xenflow/migrate-private.h"
#include "xenflow/server.h"

VLOG_DEFINE_THIS_MODULE(xenflow_migrate);

COVERAGE_DEFINE(xenflow_migrate_start);
COVERAGE_DEFINE(xenflow_migrate_done);
COVERAGE_DEFINE(xenflow_migrate_failed);

/* Pre-copy: entries per "update", "update"s in flight, and at most one
 * built per main-loop iteration, as bulk work (xenflow/pace.h): the source
 * forwards for the router meanwhile, and with the userspace datapath its
 * ports are polled from the main loop. */
#define PRECOPY_BATCH 2000
#define PRECOPY_WINDOW 4

/* After the announcement the source still holds the router's control
 * traffic that reaches it (frames in flight, or sent before the network
 * learned the router's new place) and hands it to the destination for at
 * most this long (and never past the drain): below the time the
 * destination passes late frames on after its release (ctlhold.c). */
#define HOLD_AFTER_ANNOUNCE_MS 1500

/* Finished migrations kept for xenflow/migrate/show. */
#define MAX_FINISHED 32

/* Configuration. */
static char *mover_spec;
static long long int drain_ms = 1000;
static long long int timeout_ms = 300 * 1000;

const char *
xf_migrate_phase_name(enum mig_phase phase)
{
    switch (phase) {
    case MIG_CONNECT: return "connecting";
    case MIG_BEGIN: return "begin";
    case MIG_PRECOPY: return "pre-copy";
    case MIG_COMMIT: return "commit";
    case MIG_MOVE: return "moving-vm";
    case MIG_ANNOUNCE: return "announcing";
    case MIG_DRAIN: return "draining";
    case MIG_DONE: return "done";
    case MIG_FAILED: return "failed";
    }
    return "?";
}

static struct ovs_list migrations = OVS_LIST_INITIALIZER(&migrations);
static unsigned int next_migration_id = 1;

/* Whether 'router' is migrating out of this node right now. */
static struct migration *
migration_running(const char *router)
{
    struct migration *m;

    LIST_FOR_EACH (m, node, &migrations) {
        if (m->phase < MIG_DONE && !strcmp(m->router, router)) {
            return m;
        }
    }
    return NULL;
}

/* Configuration. */

void
xf_migrate_reconfigure(const struct smap *cfg, struct svec *errors)
{
    struct xf_migrate_conf conf;

    xf_migrate_conf_parse(cfg, &conf, errors);
    drain_ms = conf.drain;
    timeout_ms = conf.timeout * 1000LL;

    free(mover_spec);
    mover_spec = NULL;
    if (conf.mover) {
        char *error = xf_mover_check_spec(conf.mover);
        if (error) {
            svec_add_nocopy(errors, xasprintf(
                                "Open_vSwitch: other_config:%s: %s; no "
                                "migrations", XF_KEY_MOVER, error));
            free(error);
        } else {
            mover_spec = xstrdup(conf.mover);
        }
    }

    if (!sset_is_empty(&conf.listen) && sset_is_empty(&conf.peers)) {
        svec_add_nocopy(errors, xasprintf(
                            "Open_vSwitch: other_config:%s: no node may "
                            "connect over SSL until other_config:%s names "
                            "them", XF_KEY_PEER_LISTEN, XF_KEY_PEERS));
    }
    xf_migrate_peer_reconfigure(&conf.listen, &conf.peers, errors);
    xf_ctlhold_reconfigure(cfg, errors);
    xf_migrate_conf_destroy(&conf);
}

/* Source side. */

static void
migration_set_phase(struct migration *m, enum mig_phase phase)
{
    long long int now = time_msec();

    VLOG_INFO("migration %u of router %s to %s: %s -> %s (%lld ms)", m->id,
              m->router, m->peer, xf_migrate_phase_name(m->phase),
              xf_migrate_phase_name(phase), now - m->phase_started);
    m->phase = phase;
    m->phase_started = now;
    m->deadline = now + timeout_ms;
    if (phase >= MIG_DONE) {
        struct xf_router *r = xf_router_find(m->router);
        if (r) {
            xf_router_set_held(r, false);
        }
        m->ended = now;
    }
}

static void
migration_close_rpc(struct migration *m)
{
    stream_close(m->stream);
    m->stream = NULL;
    jsonrpc_close(m->rpc);
    m->rpc = NULL;
}

static void migration_fail(struct migration *, const char *format, ...)
    OVS_PRINTF_FORMAT(2, 3);

/* Ends 'm' with an error.  Before the VM moved, the destination is told to
 * drop its copy; the source never stopped forwarding. */
static void
migration_fail(struct migration *m, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    free(m->error);
    m->error = xvasprintf(format, args);
    va_end(args);

    if (m->phase > MIG_MOVE) {
        char *why = xasprintf("%s (the VM moved; this node keeps its copy "
                              "of the router and forwards for it)",
                              m->error);
        free(m->error);
        m->error = why;
    }
    COVERAGE_INC(xenflow_migrate_failed);
    VLOG_WARN("migration %u of router %s to %s failed in phase %s: %s",
              m->id, m->router, m->peer, xf_migrate_phase_name(m->phase),
              m->error);
    if (m->rpc && m->phase <= MIG_MOVE) {
        struct json *params = json_object_create();
        json_object_put_string(params, "reason", m->error);
        jsonrpc_send(m->rpc, jsonrpc_create_notify(
                         "migrate-abort", json_array_create_1(params)));
        jsonrpc_run(m->rpc);
    }
    xf_mover_destroy(m->mover);
    m->mover = NULL;
    migration_close_rpc(m);
    xf_ctlhold_end(m->router, m->phase <= MIG_MOVE);
    migration_set_phase(m, MIG_FAILED);
}

/* After the announcement: hands the destination the last frames held here,
 * ends the hold (frames that still come go to the router's old ports, as
 * without holding) and closes the node session. */
static void
migration_end_hold(struct migration *m)
{
    if (m->rpc) {
        xf_ctlhold_send(m->router, m->rpc);
        jsonrpc_run(m->rpc);
    }
    xf_ctlhold_end(m->router, false);
    migration_close_rpc(m);
}

#define PAUSE_WAIT_MS 1000

/* MIG_MOVE: a mover that tells when the VM pauses (mover.h) gets the
 * router's control traffic held from then, not from the commit; it pauses
 * the VM once told the hold is in place (or after PAUSE_WAIT_MS). */
static void
migration_pause_protocol(struct migration *m, long long int now)
{
    unsigned int requests = xf_mover_requests(m->mover);

    if (requests & XF_MOVER_HOLD_AT_PAUSE && !m->hold_at_pause
        && !m->pause_asked) {
        m->hold_at_pause = true;
        xf_ctlhold_rearm(m->router);
    }
    if (requests & XF_MOVER_PAUSING && !m->pause_confirmed) {
        if (!m->pause_asked) {
            m->pause_asked = now;
            xf_ctlhold_start(m->router);
        }
        bool in_place = xf_ctlhold_in_place(m->router);
        if (in_place || now >= m->pause_asked + PAUSE_WAIT_MS) {
            if (!in_place) {
                VLOG_WARN("migration %u: router %s's control traffic not "
                          "held after %d ms; the mover pauses its VM anyway",
                          m->id, m->router, PAUSE_WAIT_MS);
            }
            xf_mover_reply_held(m->mover);
            m->pause_confirmed = true;
        }
    }
}

static void
migration_send(struct migration *m, const char *method, struct json *params)
{
    jsonrpc_send(m->rpc, jsonrpc_create_request(
                     method, json_array_create_1(params), NULL));
    m->n_outstanding++;
}

static void
migration_begin(struct migration *m, const struct xf_router *r)
{
    struct json *ifaces = json_array_create_empty();
    for (size_t i = 0; i < r->n_ifaces; i++) {
        struct json *iface = json_object_create();
        json_object_put_string(iface, "name", r->ifaces[i].name);
        json_object_put_format(iface, "mac", ETH_ADDR_FMT,
                               ETH_ADDR_ARGS(r->ifaces[i].mac));
        json_array_add(ifaces, iface);
    }
    struct json *params = json_object_create();
    json_object_put(params, "protocol",
                    json_integer_create(XF_MIGRATE_PROTOCOL));
    json_object_put_string(params, "router", r->name);
    json_object_put_format(params, "client", "ovs-vswitchd %s",
                           xf_version());
    json_object_put(params, "interfaces", ifaces);
    migration_send(m, "migrate-begin", params);

    m->n_routes = hmap_count(&r->rib.routes);
    m->n_neighs = hmap_count(&r->rib.neighs);
    memset(&m->route_pos, 0, sizeof m->route_pos);
    memset(&m->neigh_pos, 0, sizeof m->neigh_pos);
    migration_set_phase(m, MIG_BEGIN);
}

/* Sends one batch of the router's neighbours (first) or routes.  Routes
 * and neighbours that change during the copy are walked in place
 * (hmap_at_position()); the client's snapshot on the destination
 * reconciles whatever the copy missed. */
static void
migration_send_batch(struct migration *m, const struct xf_router *r)
{
    struct json *params = json_object_create();
    size_t n = 0;

    if (!m->neighs_sent) {
        struct json *neighs = json_array_create_empty();
        while (n < PRECOPY_BATCH) {
            struct hmap_node *hn = hmap_at_position(&r->rib.neighs,
                                                    &m->neigh_pos);
            if (!hn) {
                m->neighs_sent = true;
                break;
            }
            const struct xf_neigh *neigh = CONTAINER_OF(hn, struct xf_neigh,
                                                        node);
            struct json *e = json_object_create();
            struct ds ip = DS_EMPTY_INITIALIZER;
            xf_addr_format(&neigh->ip, &ip);
            json_object_put(e, "ip", json_string_create_nocopy(
                                ds_steal_cstr(&ip)));
            json_object_put_format(e, "mac", ETH_ADDR_FMT,
                                   ETH_ADDR_ARGS(neigh->mac));
            json_object_put_string(e, "dev", neigh->dev);
            json_array_add(neighs, e);
            n++;
        }
        json_object_put(params, "neighbors", neighs);
    }

    struct json *routes = json_array_create_empty();
    struct ds s = DS_EMPTY_INITIALIZER;
    while (m->neighs_sent && n < PRECOPY_BATCH) {
        struct hmap_node *hn = hmap_at_position(&r->rib.routes,
                                                &m->route_pos);
        if (!hn) {
            m->routes_sent = true;
            break;
        }
        ds_clear(&s);
        xf_route_format(CONTAINER_OF(hn, struct xf_route, node), &s);
        json_array_add(routes, json_string_create(ds_cstr(&s)));
        n++;
    }
    ds_destroy(&s);
    json_object_put(params, "routes-text", routes);

    m->n_sent += n;
    migration_send(m, "update", params);
}

/* Handles 'reply', an answer to the request 'm' sent last in its phase. */
static void
migration_handle_reply(struct migration *m, const struct jsonrpc_msg *reply)
{
    m->n_outstanding--;
    if (reply->type == JSONRPC_ERROR) {
        const struct json *e = reply->error;
        const char *code = NULL, *details = NULL;
        if (e && e->type == JSON_OBJECT) {
            const struct json *c = shash_find_data(json_object(e), "error");
            const struct json *d = shash_find_data(json_object(e),
                                                   "details");
            code = c && c->type == JSON_STRING ? json_string(c) : NULL;
            details = d && d->type == JSON_STRING ? json_string(d) : NULL;
        }
        migration_fail(m, "destination refused %s: %s%s%s",
                       xf_migrate_phase_name(m->phase), code ? code : "error",
                       details ? ": " : "", details ? details : "");
        return;
    }

    const struct json *result = reply->result;
    const struct shash *obj = (result && result->type == JSON_OBJECT
                               ? json_object(result) : NULL);
    if (!obj) {
        migration_fail(m, "destination sent a malformed reply in phase %s",
                       xf_migrate_phase_name(m->phase));
        return;
    }

    switch (m->phase) {
    case MIG_BEGIN: {
        const struct json *unmapped = shash_find_data(obj, "unmapped");
        if (unmapped && unmapped->type == JSON_ARRAY
            && json_array(unmapped)->n) {
            const struct json *first = json_array(unmapped)->elems[0];
            migration_fail(m, "the destination has no interface with the "
                           "MAC of %s (configure the router's interfaces "
                           "there first)", first->type == JSON_STRING
                           ? json_string(first) : "?");
            return;
        }
        /* Pin the router's MACs here, on the nodes next to this one,
         * before its VM moves: otherwise the first frames the VM sends
         * from the destination (after the move, before the destination
         * forwards for it) would teach them the new location too early. */
        const struct xf_router *r = xf_router_find(m->router);
        size_t n = r ? xf_migrate_announce(r) : 0;
        VLOG_INFO("migration %u: %"PRIuSIZE" announcements pin router %s "
                  "here until the destination takes over", m->id, n,
                  m->router);
        migration_set_phase(m, MIG_PRECOPY);
        break;
    }

    case MIG_PRECOPY: {
        const struct json *a = shash_find_data(obj, "applied");
        const struct json *j = shash_find_data(obj, "rejected");
        if (a && a->type == JSON_INTEGER) {
            m->n_applied += json_integer(a);
        }
        if (j && j->type == JSON_INTEGER) {
            m->n_rejected += json_integer(j);
        }
        break;
    }

    case MIG_COMMIT: {
        m->precopy_ms = time_msec() - m->started;
        char *error = xf_mover_start(m->mover_spec, m->router, m->vm_dest,
                                     &m->mover);
        if (error) {
            migration_fail(m, "%s", error);
            free(error);
            return;
        }
        migration_set_phase(m, MIG_MOVE);
        break;
    }

    case MIG_ANNOUNCE:
        migration_set_phase(m, MIG_DRAIN);
        m->deadline = time_msec() + drain_ms;
        m->hold_until = time_msec() + MIN(drain_ms, HOLD_AFTER_ANNOUNCE_MS);
        xf_ctlhold_send(m->router, m->rpc);
        break;

    case MIG_CONNECT:
    case MIG_MOVE:
    case MIG_DRAIN:
    case MIG_DONE:
    case MIG_FAILED:
    default:
        migration_fail(m, "unexpected reply from the destination in phase "
                       "%s", xf_migrate_phase_name(m->phase));
        break;
    }
}

static void
migration_connect(struct migration *m)
{
    int error = stream_connect(m->stream);
    if (error == EAGAIN) {
        return;
    } else if (error) {
        migration_fail(m, "cannot connect to %s: %s", m->peer,
                       ovs_retval_to_string(error));
        return;
    }
    if (!strncmp(m->peer, "ssl:", 4)) {
        const char *cn = stream_get_peer_id(m->stream);
        if (!xf_migrate_peer_allowed(cn)) {
            migration_fail(m, "%s presented certificate \"%s\", which is "
                           "not a XenFlow node (other_config:%s)", m->peer,
                           cn ? cn : "(no CN)", XF_KEY_PEERS);
            return;
        }
    }
    m->rpc = jsonrpc_open(m->stream);
    m->stream = NULL;

    struct xf_router *r = xf_router_find(m->router);
    if (!r) {
        migration_fail(m, "router %s was removed from this switch",
                       m->router);
        return;
    }
    migration_begin(m, r);
}

static void
migration_run(struct migration *m)
{
    long long int now = time_msec();

    if (m->phase == MIG_CONNECT) {
        stream_run(m->stream);
        migration_connect(m);
    }
    if (m->rpc) {
        jsonrpc_run(m->rpc);
        for (int i = 0; i < 50 && m->rpc; i++) {
            struct jsonrpc_msg *msg;
            int error = jsonrpc_recv(m->rpc, &msg);
            if (error == EAGAIN) {
                break;
            } else if (error && m->phase == MIG_DRAIN) {
                /* The router lives there already: only what the source
                 * still held for it is lost (counted). */
                VLOG_INFO("migration %u: connection to %s closed while "
                          "draining: %s", m->id, m->peer,
                          ovs_retval_to_string(error));
                migration_end_hold(m);
                break;
            } else if (error) {
                migration_fail(m, "connection to %s lost: %s", m->peer,
                               ovs_retval_to_string(error));
                return;
            }
            if (msg->type == JSONRPC_REPLY || msg->type == JSONRPC_ERROR) {
                migration_handle_reply(m, msg);
            }
            jsonrpc_msg_destroy(msg);
            if (m->phase >= MIG_DONE) {
                return;
            }
        }
    }

    struct xf_router *r = xf_router_find(m->router);
    if (!r && m->phase < MIG_DRAIN) {
        /* E.g. XenFlow was turned off on its bridge. */
        migration_fail(m, "router %s was removed from this switch",
                       m->router);
        return;
    }
    if (m->phase == MIG_PRECOPY) {
        if (!m->routes_sent && m->n_outstanding < PRECOPY_WINDOW
            && xf_bulk_allows()) {
            migration_send_batch(m, r);
        }
        if (m->routes_sent && !m->n_outstanding) {
            migration_send(m, "migrate-ready", json_object_create());
            migration_set_phase(m, MIG_COMMIT);
            xf_ctlhold_start(m->router);    /* The VM pauses soon. */
        }
    } else if (m->phase == MIG_MOVE) {
        char *error;
        int retval = xf_mover_poll(m->mover, &error);
        if (retval == EAGAIN) {
            migration_pause_protocol(m, now);   /* Still moving. */
        } else if (retval) {
            migration_fail(m, "%s", error);
            free(error);
            return;
        } else {
            m->move_ms = now - m->phase_started;
            xf_mover_destroy(m->mover);
            m->mover = NULL;
            /* (A mover that asked to hold at the pause and never said
             * "pause": hold from now on.) */
            xf_ctlhold_start(m->router);
            xf_ctlhold_send(m->router, m->rpc);     /* Before the announce. */
            migration_send(m, "migrate-announce", json_object_create());
            migration_set_phase(m, MIG_ANNOUNCE);
        }
    } else if (m->phase == MIG_ANNOUNCE
               || (m->phase == MIG_DRAIN && m->rpc && now < m->hold_until)) {
        xf_ctlhold_send(m->router, m->rpc);
    } else if (m->phase == MIG_DRAIN && m->rpc) {
        migration_end_hold(m);
    }
    if (m->phase == MIG_DRAIN && now >= m->deadline) {
        /* Links moved and in-flight packets drained: release this node's
         * copy.  The router may be gone already (its ports removed). */
        size_t n = 0;
        if (r && r->unconfigured) {
            /* Its interfaces left the configuration: the router goes, and
             * its flows with it (one pass, not a withdrawal first). */
            n = hmap_count(&r->rib.routes) + hmap_count(&r->rib.neighs);
            xf_router_remove(r);
        } else if (r) {
            n = xf_router_withdraw_all(r);
        }
        VLOG_INFO("migration %u: router %s now lives at %s; %"PRIuSIZE
                  " routes and neighbours released here", m->id, m->router,
                  m->peer, n);
        xf_server_router_moved(m->router, m->peer);
        COVERAGE_INC(xenflow_migrate_done);
        migration_set_phase(m, MIG_DONE);
        return;
    }

    if (m->phase < MIG_DRAIN && now >= m->deadline) {
        migration_fail(m, "timed out after %lld s in phase %s (other_config:"
                       "%s)", timeout_ms / 1000,
                       xf_migrate_phase_name(m->phase),
                       XF_KEY_MIGRATE_TIMEOUT);
    }
}

static void
migration_wait(const struct migration *m)
{
    if (m->phase >= MIG_DONE) {
        return;
    }
    poll_timer_wait_until(m->deadline);
    if (m->phase == MIG_DRAIN && m->rpc) {
        poll_timer_wait_until(m->hold_until);
    }
    if (m->phase == MIG_PRECOPY && !m->routes_sent
        && m->n_outstanding < PRECOPY_WINDOW) {
        xf_bulk_wait();         /* Next batch. */
    }
    if (m->stream) {
        stream_run_wait(m->stream);
        stream_connect_wait(m->stream);
    }
    if (m->rpc) {
        jsonrpc_wait(m->rpc);
        jsonrpc_recv_wait(m->rpc);
    }
    if (m->mover) {
        xf_mover_wait(m->mover);
        if (m->pause_asked && !m->pause_confirmed) {
            poll_timer_wait(1);     /* Until the hold is in place. */
        }
    }
}

static void
migration_destroy(struct migration *m)
{
    ovs_list_remove(&m->node);
    xf_mover_destroy(m->mover);
    migration_close_rpc(m);
    free(m->router);
    free(m->peer);
    free(m->vm_dest);
    free(m->mover_spec);
    free(m->error);
    free(m);
}

/* Forgets the oldest finished migrations beyond MAX_FINISHED. */
static void
migrations_trim(void)
{
    size_t n_finished = 0;
    struct migration *m;

    LIST_FOR_EACH_REVERSE_SAFE (m, node, &migrations) {
        if (m->phase >= MIG_DONE && ++n_finished > MAX_FINISHED) {
            migration_destroy(m);
        }
    }
}

void
xf_migrate_run(void)
{
    xf_migrate_peer_run();
    xf_ctlhold_run();

    struct migration *m;
    LIST_FOR_EACH_SAFE (m, node, &migrations) {
        if (m->phase < MIG_DONE) {
            migration_run(m);
        }
    }
}

void
xf_migrate_wait(void)
{
    xf_migrate_peer_wait();
    xf_ctlhold_wait();

    const struct migration *m;
    LIST_FOR_EACH (m, node, &migrations) {
        migration_wait(m);
    }
}

void
xf_migrate_destroy(void)
{
    struct migration *m;
    LIST_FOR_EACH_SAFE (m, node, &migrations) {
        if (m->phase < MIG_DONE) {
            migration_fail(m, "ovs-vswitchd exiting");
        }
        migration_destroy(m);
    }

    xf_migrate_peer_destroy();
    xf_ctlhold_destroy();
    free(mover_spec);
    mover_spec = NULL;
}

/* For xenflow/migrate (migrate-cmd.c). */

/* Starts migrating 'router' to node 'peer' (the VM to 'vm_dest', if
 * nonnull).  Returns NULL and the migration's id in '*idp', or a
 * malloc()'d error. */
char *
xf_migrate_start(const char *router, const char *peer, const char *vm_dest,
                 unsigned int *idp)
{
    struct xf_router *r = xf_router_find(router);
    if (!r) {
        return xasprintf("no router named %s", router);
    }
    const struct migration *running = migration_running(router);
    if (running) {
        return xasprintf("router %s is already migrating to %s (migration "
                         "%u, phase %s); try again when it ends", router,
                         running->peer, running->id,
                         xf_migrate_phase_name(running->phase));
    }
    const char *incoming = xf_migrate_peer_arriving(router);
    if (incoming) {
        return xasprintf("router %s is arriving here from %s; it cannot "
                         "leave before it arrived", router, incoming);
    }
    if (!mover_spec) {
        return xasprintf("no control-plane mover: set Open_vSwitch "
                         "other_config:%s=exec:PROGRAM or libvirt:URI",
                         XF_KEY_MOVER);
    }
    if (strncmp(peer, "ssl:", 4) && strncmp(peer, "unix:", 5)) {
        return xasprintf("%s: a XenFlow node is reached through "
                         "ssl:HOST[:PORT] or unix:PATH", peer);
    }
    if (!strncmp(peer, "ssl:", 4) && !stream_ssl_is_configured()) {
        return xasprintf("%s: SSL is not configured (ovs-vsctl set-ssl "
                         "PRIVATE-KEY CERTIFICATE CA-CERT)", peer);
    }

    struct stream *stream;
    int error = stream_open(peer, &stream, DSCP_DEFAULT);
    if (error) {
        return xasprintf("%s: %s", peer, ovs_retval_to_string(error));
    }

    struct migration *m = xzalloc(sizeof *m);
    m->id = next_migration_id++;
    m->router = xstrdup(router);
    m->peer = xstrdup(peer);
    if (vm_dest) {
        m->vm_dest = xstrdup(vm_dest);
    } else {
        /* "ssl:HOST:PORT" -> "HOST"; "unix:PATH" -> "PATH". */
        const char *host = strchr(peer, ':') + 1;
        const char *colon = strchr(host, ':');
        m->vm_dest = (colon && !strncmp(peer, "ssl:", 4)
                      ? xmemdup0(host, colon - host) : xstrdup(host));
    }
    m->mover_spec = xstrdup(mover_spec);
    m->stream = stream;
    m->started = m->phase_started = time_msec();
    m->deadline = m->started + timeout_ms;
    m->phase = MIG_CONNECT;
    xf_router_set_held(r, true);
    xf_ctlhold_prepare(router, false);
    ovs_list_push_back(&migrations, &m->node);
    migrations_trim();
    COVERAGE_INC(xenflow_migrate_start);
    VLOG_INFO("migration %u of router %s to %s (VM to %s) started", m->id,
              router, peer, m->vm_dest);
    *idp = m->id;
    return NULL;
}

/* The outgoing migrations, oldest first (for migrate-cmd.c). */
const struct ovs_list *
xf_migrate_migrations(void)
{
    return &migrations;
}

/* Appends the mover, drain and timeout settings to 's'. */
void
xf_migrate_format_settings(struct ds *s)
{
    ds_put_format(s, "Mover: %s\nDrain %lld ms, timeout %lld s\n",
                  mover_spec ? mover_spec : "none", drain_ms,
                  timeout_ms / 1000);
}
