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


/* xenflow-ctl's evacuation, power and fencing commands: node-evacuate,
 * node-power-on, node-fence and node-unfence.  Like every command they
 * only write intent: the agents move the routers (each source node's agent
 * migrates its routers to the nodes written here), run the node's
 * power-off command once it is empty, and send the Wake-on-LAN packet from
 * a neighbour.  A fenced node is one the operator declares down: the other
 * agents no longer believe what it reported (a router placed elsewhere
 * starts there afresh instead of waiting for a migration from it), and its
 * own agent, if it comes back, destroys every router VM it finds and runs
 * nothing until node-unfence. */

#include <config.h>

#include <string.h>

#include "db-ctl-base.h"
#include "openvswitch/dynamic-string.h"
#include "smap.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/fleet/ctl.h"
#include "xenflow/fleet/placement.h"

/* Ends the migrations out of fenced 'node' that it left unfinished (no
 * result) and never will finish: those of routers the fleet now places on
 * another node, which starts them afresh, and those of deleted routers.
 * Only the source's agent writes its Migration rows otherwise; a fenced
 * node's agent is down, or destroys its copies and migrates nothing. */
static void
end_fenced_migrations(struct ctl_context *ctx,
                      const struct fleetrec_node *node)
{
    const struct fleetrec_migration *m;
    int64_t now = time_wall_msec();

    FLEETREC_MIGRATION_FOR_EACH (m, ctx->idl) {
        if (m->result || strcmp(m->source, node->name)
            || (m->router && m->router->node == node)) {
            continue;
        }
        char *error = (m->router
                       ? xasprintf("source node %s fenced: router restarted "
                                   "on %s", node->name,
                                   m->router->node->name)
                       : xasprintf("source node %s fenced: router deleted",
                                   node->name));
        fleetrec_migration_set_phase(m, "failed");
        fleetrec_migration_set_result(m, "failure");
        fleetrec_migration_set_error(m, error);
        fleetrec_migration_set_finished(m, &now, 1);
        free(error);
    }
}

static void
cmd_node_evacuate(struct ctl_context *ctx)
{
    bool power_off = shash_find(&ctx->options, "--power-off") != NULL;
    const struct fleetrec_node *node = xf_ctl_node(ctx, ctx->argv[1], true);
    const struct fleetrec_router *router;
    struct xf_place_router *prs;
    const struct fleetrec_router **rows;
    struct xf_ctl_model model;
    struct ds why = DS_EMPTY_INITIALIZER;
    size_t n = 0;

    if (!node) {
        return;
    }
    if (power_off && !node->power_off_command) {
        ctl_error(ctx, "node %s has no power_off_command: set one with "
                  "node-set %s power_off_command=COMMAND", node->name,
                  node->name);
        return;
    }

    FLEETREC_ROUTER_FOR_EACH (router, ctx->idl) {
        n += router->node == node;
    }
    prs = xcalloc(MAX(n, 1), sizeof *prs);
    rows = xcalloc(MAX(n, 1), sizeof *rows);
    n = 0;
    FLEETREC_ROUTER_FOR_EACH (router, ctx->idl) {
        if (router->node == node) {
            rows[n] = router;
            xf_ctl_place_router_init(&prs[n++], router);
        }
    }

    xf_ctl_fleet_model(ctx, &model, NULL, NULL, NULL);
    if (xf_place_all(model.nodes, model.n, prs, n, node->name, &why)) {
        for (size_t i = 0; i < n; i++) {
            fleetrec_router_set_node(rows[i],
                                     xf_ctl_node(ctx, prs[i].chosen->name,
                                                 true));
            /* Nothing migrates off a fenced node: its routers start
             * afresh where they go. */
            ds_put_format(&ctx->output, "%s -> %s%s\n", prs[i].name,
                          prs[i].chosen->name,
                          (node->fenced && !strcmp(rows[i]->state, "running")
                           ? " (restart)" : ""));
        }
        fleetrec_node_set_admin_state(node, "disabled");
        if (power_off) {
            fleetrec_node_set_power(node, "off");
        }
        if (node->fenced) {
            end_fenced_migrations(ctx, node);
        }
    } else {
        ctl_error(ctx, "cannot evacuate node %s: %s", node->name,
                  ds_cstr(&why));
    }

    for (size_t i = 0; i < n; i++) {
        xf_place_router_destroy(&prs[i]);
    }
    free(prs);
    free(rows);
    ds_destroy(&why);
    xf_ctl_fleet_model_destroy(&model);
}

static void
cmd_node_power_on(struct ctl_context *ctx)
{
    const struct fleetrec_node *node = xf_ctl_node(ctx, ctx->argv[1], true);
    const struct fleetrec_link *link;

    if (!node) {
        return;
    }
    if (!node->wol_mac) {
        ctl_error(ctx, "node %s has no wol_mac: set one with node-set %s "
                  "wol_mac=MAC", node->name, node->name);
        return;
    }
    FLEETREC_LINK_FOR_EACH (link, ctx->idl) {
        const struct fleetrec_node *peer = (link->node1 == node ? link->node2
                                            : link->node2 == node
                                            ? link->node1 : NULL);
        if (peer && !strcmp(peer->power, "on")) {
            fleetrec_node_set_power(node, "on");
            fleetrec_node_set_admin_state(node, "enabled");
            return;
        }
    }
    ctl_error(ctx, "node %s has no powered-on neighbour (a node at the "
              "other end of one of its links) to send the Wake-on-LAN "
              "packet", node->name);
}

/* Why 'node' may still be up, or NULL if nothing says so: its agent's last
 * report is "unknown" or "powering-off", absent, or older than three
 * heartbeats.  The caller frees the result. */
static char *
node_looks_up(struct ctl_context *ctx, const struct fleetrec_node *node)
{
    const char *state = node->agent_state;
    int interval = xf_ctl_stats_interval(ctx);

    if (!state || !strcmp(state, "unknown")
        || !strcmp(state, "powering-off") || !node->n_last_seen) {
        return NULL;
    }
    if (!interval) {
        return xasprintf("its agent reported agent_state %s and the fleet "
                         "has no heartbeat to tell whether it stopped "
                         "since (Fleet options:stats-interval is 0)",
                         state);
    }

    long long int age = time_wall() - *node->last_seen;
    long long int window = 3LL * interval;
    if (age < window) {
        return xasprintf("its agent reported agent_state %s %lld s ago "
                         "(less than three stats intervals, %lld s)",
                         state, MAX(age, 0), window);
    }
    return NULL;
}

static void
cmd_node_fence(struct ctl_context *ctx)
{
    bool force = shash_find(&ctx->options, "--force") != NULL;
    const struct fleetrec_node *node = xf_ctl_node(ctx, ctx->argv[1], true);

    if (!node) {
        return;
    }
    if (node->fenced) {
        ctl_error(ctx, "node %s is already fenced", node->name);
        return;
    }
    char *why = force ? NULL : node_looks_up(ctx, node);
    if (why) {
        ctl_error(ctx, "node %s may be up: %s; fence only a node that is "
                  "down (powered off, or its agent and ovs-vswitchd "
                  "stopped), or use --force", node->name, why);
        free(why);
        return;
    }
    fleetrec_node_set_fenced(node, true);
    end_fenced_migrations(ctx, node);
}

static void
cmd_node_unfence(struct ctl_context *ctx)
{
    bool force = shash_find(&ctx->options, "--force") != NULL;
    const struct fleetrec_node *node = xf_ctl_node(ctx, ctx->argv[1], true);
    const struct fleetrec_router_state *rs;
    struct svec reports = SVEC_EMPTY_INITIALIZER;

    if (!node) {
        return;
    }
    if (!node->fenced) {
        ctl_error(ctx, "node %s is not fenced", node->name);
        return;
    }

    /* What the node last reported must be gone first: its agent, back,
     * deletes it once it destroyed the VMs.  Otherwise the other agents
     * would believe it again, and a router restarted elsewhere would look
     * like one still running on this node. */
    FLEETREC_ROUTER_STATE_FOR_EACH (rs, ctx->idl) {
        if (!strcmp(rs->node, node->name)) {
            svec_add_nocopy(&reports, xasprintf("%s (%s)", rs->name,
                                                rs->state));
        }
    }
    if (reports.n && !force) {
        char *list;

        svec_sort(&reports);
        list = svec_join(&reports, ", ", "");
        ctl_error(ctx, "node %s still reports routers %s: start its agent, "
                  "which destroys them while the node is fenced, and wait "
                  "until these reports are gone, or, if the node was "
                  "wiped, use --force to delete them", node->name, list);
        free(list);
        svec_destroy(&reports);
        return;
    }
    svec_destroy(&reports);
    FLEETREC_ROUTER_STATE_FOR_EACH_SAFE (rs, ctx->idl) {
        if (!strcmp(rs->node, node->name)) {
            fleetrec_router_state_delete(rs);
        }
    }
    fleetrec_node_set_fenced(node, false);
    fleetrec_node_set_admin_state(node, "enabled");
}

static const struct ctl_command_syntax evacuate_commands[] = {
    {"node-evacuate", 1, 1, "NODE", NULL, cmd_node_evacuate, NULL,
     "--power-off", RW},
    {"node-power-on", 1, 1, "NODE", NULL, cmd_node_power_on, NULL, "", RW},
    {"node-fence", 1, 1, "NODE", NULL, cmd_node_fence, NULL, "--force", RW},
    {"node-unfence", 1, 1, "NODE", NULL, cmd_node_unfence, NULL, "--force",
     RW},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, RO},
};

void
xf_ctl_evacuate_register(void)
{
    ctl_register_commands(evacuate_commands);
}
