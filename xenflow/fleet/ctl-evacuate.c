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


/* xenflow-ctl's evacuation and power commands: node-evacuate and
 * node-power-on.  Like every command they only write intent: the agents
 * move the routers (each source node's agent migrates its routers to the
 * nodes written here), run the node's power-off command once it is empty,
 * and send the Wake-on-LAN packet from a neighbour. */

#include <config.h>

#include <string.h>

#include "db-ctl-base.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"
#include "xenflow/fleet/ctl.h"
#include "xenflow/fleet/placement.h"

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
            ds_put_format(&ctx->output, "%s -> %s\n", prs[i].name,
                          prs[i].chosen->name);
        }
        fleetrec_node_set_admin_state(node, "disabled");
        if (power_off) {
            fleetrec_node_set_power(node, "off");
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

static const struct ctl_command_syntax evacuate_commands[] = {
    {"node-evacuate", 1, 1, "NODE", NULL, cmd_node_evacuate, NULL,
     "--power-off", RW},
    {"node-power-on", 1, 1, "NODE", NULL, cmd_node_power_on, NULL, "", RW},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, RO},
};

void
xf_ctl_evacuate_register(void)
{
    ctl_register_commands(evacuate_commands);
}
