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

#include "xenflow/trunks-cmd.h"

#include <string.h>

#include "flow.h"
#include "openvswitch/json.h"
#include "table.h"
#include "unixctl.h"
#include "util.h"
#include "xenflow/appctl.h"
#include "xenflow/bridges.h"
#include "xenflow/encap.h"
#include "xenflow/flowsync.h"
#include "xenflow/model.h"
#include "xenflow/pipeline-tables.h"
#include "xenflow/probe.h"

static bool
is_trusted(const struct xf_bridge *br, const struct xf_port *trunk)
{
    for (size_t i = 0; i < br->n_trusted; i++) {
        if (!strcmp(br->trusted[i].name, trunk->name)) {
            return true;
        }
    }
    return false;
}

/* A figure, or "-" in a table and null in JSON when there is none. */
static void
add_figure(struct table *t, long long int n, bool json)
{
    if (n >= 0) {
        xf_table_add_int(t, n);
    } else if (json) {
        table_add_cell(t)->json = json_null_create();
    } else {
        xf_table_add_text(t, "-");
    }
}

/* The link probes' columns (xenflow/probe.h) of trunk 'port' of 'br'. */
static void
add_probe_cells(struct table *t, const struct xf_bridge *br,
                const struct xf_port *trunk, bool json)
{
    struct xf_probe_view v;

    xf_probe_get(br->name, trunk->name, &v);
    if (v.peer_node) {
        table_add_cell(t)->text = xasprintf("%s:%s", v.peer_node,
                                            v.peer_port);
    } else if (json) {
        table_add_cell(t)->json = json_null_create();
    } else {
        xf_table_add_text(t, "-");
    }
    xf_table_add_text(t, (!v.enabled ? "off"
                          : v.seen ? "yes"
                          : v.pending ? "pending"
                          : "no"));
    add_figure(t, v.last_seen_ms, json);
    add_figure(t, v.rtt_us, json);
    add_figure(t, v.rtt_min_us, json);
    add_figure(t, v.rtt_avg_us, json);
    xf_table_add_int(t, v.sent);
    xf_table_add_int(t, v.answered);
    xf_table_add_int(t, v.requests);
    xf_table_add_int(t, v.malformed + v.limited);
}

static void
cmd_trunks(struct unixctl_conn *conn, int argc, const char *argv[],
           void *aux OVS_UNUSED)
{
    bool json = xf_appctl_take_json(&argc, argv);

    if (xf_appctl_refuse_extra(conn, argc, argv, 1, "[--json]")) {
        return;
    }

    struct table t;
    table_init(&t);
    table_add_column(&t, "bridge");
    table_add_column(&t, "trunk");
    table_add_column(&t, "encap");
    table_add_column(&t, "trusted");
    table_add_column(&t, "networks");
    table_add_column(&t, "not-carried");
    table_add_column(&t, "unknown-frames");
    table_add_column(&t, "neighbor");
    table_add_column(&t, "seen");
    table_add_column(&t, "seen-ms-ago");
    table_add_column(&t, "rtt-us");
    table_add_column(&t, "rtt-min-us");
    table_add_column(&t, "rtt-avg-us");
    table_add_column(&t, "probes-sent");
    table_add_column(&t, "probes-answered");
    table_add_column(&t, "probes-received");
    table_add_column(&t, "bad-probes");

    const struct xf_bridge *br;
    XF_BRIDGE_FOR_EACH (br) {
        for (size_t i = 0; i < br->n_trunks; i++) {
            const struct xf_port *trunk = &br->trunks[i];
            const struct xf_network *net;
            size_t n = 0, n_not = 0;

            HMAP_FOR_EACH (net, node, &br->networks) {
                if (xf_encap_carries(trunk->encap, net->id)) {
                    n++;
                } else {
                    n_not++;
                }
            }

            /* Packets of its drops of unknown tags and labels. */
            unsigned long long packets[XF_FLOW_N_KINDS] = { 0 };
            if (trunk->ofport != OFPP_NONE) {
                uint32_t owner = (XF_OWNER_UNKNOWN_TAG
                                  + ofp_to_u16(trunk->ofport));
                xf_flowsync_count_packets(br->flows, owner,
                                          XF_FLOW_KIND_BIT(XF_FLOW_CLASSIFY),
                                          packets);
            }

            table_add_row(&t);
            xf_table_add_text(&t, br->name);
            xf_table_add_text(&t, trunk->name);
            xf_table_add_text(&t, xf_encap_to_string(trunk->encap));
            xf_table_add_text(&t, is_trusted(br, trunk) ? "yes" : "no");
            xf_table_add_int(&t, n);
            xf_table_add_int(&t, n_not);
            xf_table_add_int(&t, packets[XF_FLOW_CLASSIFY]);
            add_probe_cells(&t, br, trunk, json);
        }
    }
    xf_appctl_reply_table(conn, &t, json);
}

void
xf_trunks_cmd_register(void)
{
    unixctl_command_register("xenflow/trunks", "[--json]", 0, 1,
                             cmd_trunks, NULL);
}
