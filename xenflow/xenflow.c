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

/* XenFlow lifecycle inside ovs-vswitchd.
 *
 * ovs-vswitchd calls xenflow_init() once, xenflow_reconfigure() every time
 * the bridge layer has applied a new database snapshot, and xenflow_run()/
 * xenflow_wait() once per main-loop iteration.  Nothing here blocks: flow
 * changes are queued in each bridge's flowsync and applied in batches.
 *
 * This file only sequences the layers below it (Documentation/
 * architecture.md): commands (show.c, router-cmd.c, load.c, server.c,
 * migrate*.c, qos.c), routers (routers.c, router.c), the model
 * (bridges.c, pipeline.c) and the mechanisms. */

#include <config.h>

#include "xenflow/xenflow.h"

#include "coverage.h"
#include "openvswitch/hmap.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "vswitch-idl.h"
#include "xenflow/bridges.h"
#include "xenflow/conf.h"
#include "xenflow/load.h"
#include "xenflow/memory-cmd.h"
#include "xenflow/trunks-cmd.h"
#include "xenflow/memtrim.h"
#include "xenflow/migrate.h"
#include "xenflow/pace.h"
#include "xenflow/qos.h"
#include "xenflow/route-state.h"
#include "xenflow/router-cmd.h"
#include "xenflow/routers.h"
#include "xenflow/server.h"
#include "xenflow/show.h"

VLOG_DEFINE_THIS_MODULE(xenflow);

COVERAGE_DEFINE(xenflow_reconfigure);
COVERAGE_DEFINE(xenflow_config_error);

static bool initialized;

/* The main thread's share for bulk work (xenflow/pace.h): 'bulk_share'
 * normally; 'restore_share' after a start with saved router tables, while
 * they are set again and until every XenFlow flow is installed, since
 * until then the switch cannot forward what those routers route. */
static unsigned int bulk_share = XF_PACE_DEFAULT_SHARE;
static unsigned int restore_share = XF_RESTORE_DEFAULT_SHARE;
static enum {
    RESTORE_NONE,               /* Started without saved tables. */
    RESTORE_RUNNING,
    RESTORE_DONE,
} restore;
static long long int start_msec;

/* The restore share ends at the latest this long after start (flows that
 * cannot be installed, a flow-restore-wait never removed), so that bulk
 * work never keeps it for good. */
#define XF_RESTORE_MAX_MS (10 * 60 * 1000)

const struct smap *
xenflow_queue_details(const char *iface, unsigned int queue_id,
                      const struct smap *configured)
{
    return xf_qos_queue_details(iface, queue_id, configured);
}

void
xenflow_table_prefixes(const struct smap *other_config, int table_id,
                       struct ofproto_table_settings *s)
{
    xf_bridges_table_prefixes(other_config, table_id, s);
}

void
xenflow_init(void)
{
    if (!initialized) {
        initialized = true;
        xf_show_register();
        xf_memory_cmd_register();
        xf_trunks_cmd_register();
        xf_router_cmd_register();
        xf_load_register();
        xf_server_register_commands();
        xf_qos_register_commands();
        xf_migrate_register_commands();
        xf_qos_init();
        xf_route_state_init();
        start_msec = time_msec();
        restore = xf_route_state_restoring() ? RESTORE_RUNNING : RESTORE_NONE;
    }
}

/* Chooses the share bulk work may take now (see 'restore'). */
static void
update_bulk_share(void)
{
    if (restore == RESTORE_RUNNING) {
        long long int elapsed = time_msec() - start_msec;
        size_t pending = xf_bridges_flows_pending();

        if (!xf_route_state_restoring() && !pending) {
            restore = RESTORE_DONE;
            VLOG_INFO("saved router tables set again and every flow "
                      "installed %lld ms after start", elapsed);
        } else if (elapsed >= XF_RESTORE_MAX_MS) {
            restore = RESTORE_DONE;
            VLOG_WARN("restore not complete %lld ms after start (saved "
                      "router tables %s, %"PRIuSIZE" flow changes pending): "
                      "bulk work takes xenflow-bulk-share from now on",
                      elapsed, (xf_route_state_restoring()
                                ? "still being set" : "set"), pending);
        }
    }
    xf_bulk_set_share(restore == RESTORE_RUNNING ? restore_share
                      : bulk_share);
    xf_bulk_set_restoring(restore == RESTORE_RUNNING);
}

/* Logs the configuration problems that are new since the last snapshot,
 * once each, so that a bad key does not flood the log on every unrelated
 * database change; xenflow/show lists them all. */
static void
report_problems(const struct svec *errors)
{
    struct svec fresh = SVEC_EMPTY_INITIALIZER;
    const char *error;
    size_t i;

    xf_conf_problems_update(errors, &fresh);
    SVEC_FOR_EACH (i, error, &fresh) {
        COVERAGE_INC(xenflow_config_error);
        VLOG_WARN("%s", error);
    }
    svec_destroy(&fresh);
}

/* Applies database snapshot 'ovs_cfg', which the bridge layer has just
 * applied too: every bridge named there exists as an ofproto now. */
void
xenflow_reconfigure(const struct ovsrec_open_vswitch *ovs_cfg)
{
    struct hmap builds = HMAP_INITIALIZER(&builds);
    struct svec errors = SVEC_EMPTY_INITIALIZER;

    COVERAGE_INC(xenflow_reconfigure);

    /* The bridges, and what the snapshot says of each router. */
    xf_bridges_reconfigure(ovs_cfg, &builds, &errors);
    xf_routers_reconfigure(&builds);
    hmap_destroy(&builds);

    /* Queues, which bridge-level flows select; then those flows, and what
     * is no longer wanted goes. */
    struct sset enabled = SSET_INITIALIZER(&enabled);
    xf_get_bridge_names(&enabled);
    xf_qos_reconfigure(ovs_cfg, &enabled, &errors);
    sset_destroy(&enabled);
    xf_bridges_put_flows();

    /* The client and node channels. */
    xf_server_reconfigure(&ovs_cfg->other_config, &errors);
    xf_migrate_reconfigure(&ovs_cfg->other_config, &errors);

    /* Saved router tables: set again once the routers exist. */
    xf_route_state_reconfigure(&ovs_cfg->other_config, &errors);

    /* Bulk work rests only if it would starve ports that the main thread
     * polls: those of the userspace datapath that no PMD thread polls
     * (AF_PACKET devices; not afxdp or dpdk ones).  (The dummy datapath,
     * for tests and benchmarks, has no real ports to starve.) */
    bool polled = xf_bridges_main_thread_polls();
    xf_bulk_set_ports_polled(polled);
    bulk_share = xf_bulk_share_parse(&ovs_cfg->other_config,
                                     polled ? XF_PACE_DEFAULT_SHARE : 100,
                                     &errors);
    restore_share = xf_restore_share_parse(&ovs_cfg->other_config, &errors);
    update_bulk_share();

    report_problems(&errors);
    svec_destroy(&errors);
}

void
xenflow_run(void)
{
    update_bulk_share();
    xf_bulk_run();
    xf_load_run();
    xf_routers_run();
    xf_route_state_run();
    xf_server_run();
    xf_qos_run();
    xf_migrate_run();
    xf_bridges_run();
    xf_memtrim_run();
    xf_bulk_run_end();
}

void
xenflow_wait(void)
{
    xf_load_wait();
    xf_routers_wait();
    xf_route_state_wait();
    xf_server_wait();
    xf_qos_wait();
    xf_migrate_wait();
    xf_bridges_wait();
    xf_memtrim_wait();
    if (restore == RESTORE_RUNNING) {
        poll_timer_wait_until(start_msec + XF_RESTORE_MAX_MS);
    }
}

void
xenflow_destroy(void)
{
    xf_route_state_destroy();
    xf_migrate_destroy();
    xf_server_destroy();
    xf_qos_destroy();
    xf_routers_destroy();
    xf_bridges_destroy();
    xf_load_destroy();
}
