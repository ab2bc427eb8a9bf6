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

#include "xenflow/memory-cmd.h"

#include <string.h>

#include "table.h"
#include "unixctl.h"
#include "util.h"
#include "xenflow/appctl.h"
#include "xenflow/bridges.h"
#include "xenflow/flowsync.h"
#include "xenflow/memtrim.h"
#include "xenflow/model.h"

static void
add_mb(struct table *t, long long int kb)
{
    if (kb < 0) {
        xf_table_add_text(t, "-");
    } else {
        xf_table_add_int(t, (kb + 512) / 1024);
    }
}

static void
cmd_memory(struct unixctl_conn *conn, int argc, const char *argv[],
           void *aux OVS_UNUSED)
{
    bool json = xf_appctl_take_json(&argc, argv);
    bool trim = argc > 1 && !strcmp(argv[1], "--trim");

    if (xf_appctl_refuse_extra(conn, argc, argv, 1 + trim,
                               "[--trim] [--json]")) {
        return;
    }
    if (trim) {
        xf_memtrim_now();
    }

    size_t n_flows = 0, n_actions = 0, n_masks = 0;
    const struct xf_bridge *br;
    XF_BRIDGE_FOR_EACH (br) {
        n_flows += xf_flowsync_count(br->flows);
        n_actions += xf_flowsync_n_actions(br->flows);
        n_masks += xf_flowsync_n_masks(br->flows);
    }

    struct xf_memtrim_stats st;
    xf_memtrim_get_stats(&st);

    struct table t;
    table_init(&t);
    table_add_column(&t, "rss-MB");
    table_add_column(&t, "flows");
    table_add_column(&t, "action-lists");
    table_add_column(&t, "removed-since-trim");
    table_add_column(&t, "trims");
    table_add_column(&t, "trimming");
    table_add_column(&t, "last-trim-from-MB");
    table_add_column(&t, "last-trim-to-MB");
    table_add_column(&t, "trim-due");
    table_add_column(&t, "masks");
    table_add_row(&t);
    add_mb(&t, xf_memtrim_rss_kb());
    xf_table_add_int(&t, n_flows);
    xf_table_add_int(&t, n_actions);
    xf_table_add_int(&t, st.n_removed);
    xf_table_add_int(&t, st.n_trims);
    xf_table_add_text(&t, st.busy ? "yes" : "no");
    add_mb(&t, st.rss_before_kb);
    add_mb(&t, st.rss_after_kb);
    xf_table_add_text(&t, st.due ? "yes" : "no");
    xf_table_add_int(&t, n_masks);
    xf_appctl_reply_table(conn, &t, json);
}

void
xf_memory_cmd_register(void)
{
    unixctl_command_register("xenflow/memory", "[--trim] [--json]", 0, 2,
                             cmd_memory, NULL);
}
