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

#include "xenflow/qos-show.h"

#include <stdio.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "sset.h"
#include "table.h"
#include "unixctl.h"
#include "util.h"
#include "xenflow/appctl.h"
#include "xenflow/qos-calc.h"
#include "xenflow/qos-link.h"

/* xenflow/qos/show [PORT] [--json] */
static void
cmd_qos_show(struct unixctl_conn *conn, int argc, const char *argv[],
             void *links_)
{
    const struct hmap *links = links_;
    bool json = xf_appctl_take_json(&argc, argv);
    const char *only = argc > 1 ? argv[1] : NULL;
    struct table t;

    if (only && !xf_qos_link_find(links, only)) {
        xf_appctl_reply_error(conn, "%s: no port with XenFlow queues (set a "
                              "QoS whose Queues have other_config:%s)", only,
                              XF_QUEUE_NETWORK);
        return;
    }

    table_init(&t);
    table_add_column(&t, "port");
    table_add_column(&t, "queue");
    table_add_column(&t, "network");
    table_add_column(&t, "class");
    table_add_column(&t, "mode");
    table_add_column(&t, "capacity");
    table_add_column(&t, "contract");
    table_add_column(&t, "min");
    table_add_column(&t, "max");
    table_add_column(&t, "rate");
    table_add_column(&t, "expected");
    table_add_column(&t, "fitness");
    table_add_column(&t, "error");

    struct sset names = SSET_INITIALIZER(&names);
    const struct xf_qos_link *link;
    HMAP_FOR_EACH (link, node, links) {
        sset_add(&names, link->iface);
    }
    const char *name;
    SSET_FOR_EACH (name, &names) {
        link = xf_qos_link_find(links, name);
        if (only && strcmp(only, name)) {
            continue;
        }
        for (size_t i = 0; i < link->n_queues; i++) {
            const struct xf_qos_queue *q = &link->queues[i];
            struct ds class = DS_EMPTY_INITIALIZER;
            char fitness[16];

            if (q->has_class) {
                xf_qos_class_format(&q->class, &class);
            }
            table_add_row(&t);
            xf_table_add_text(&t, link->iface);
            xf_table_add_int(&t, q->id);
            xf_table_add_text(&t, q->network);
            xf_table_add_text(&t, q->has_class ? ds_cstr(&class) : "-");
            xf_table_add_text(&t, link->redistribute ? "redistributed"
                                                     : "static");
            xf_table_add_int(&t, link->capacity);
            xf_table_add_int(&t, q->contract);
            xf_table_add_int(&t, q->applied ? q->min : q->contract);
            xf_table_add_int(&t, q->applied ? q->max
                             : q->ceiling ? q->ceiling : link->capacity);
            xf_table_add_int(&t, q->m.rate);
            xf_table_add_int(&t, q->expected);
            snprintf(fitness, sizeof fitness, "%.3f",
                     (q->m.n_rates ? xf_qos_fitness(q->m.rate, q->expected)
                      : 0));
            xf_table_add_text(&t, q->m.n_rates ? fitness : "-");
            xf_table_add_text(&t, link->error ? link->error : "-");
            ds_destroy(&class);
        }
    }
    sset_destroy(&names);
    xf_appctl_reply_table(conn, &t, json);
}

/* Registers the command, which shows 'links' (a map of struct
 * xf_qos_link, which must outlive the process's commands). */
void
xf_qos_show_register(const struct hmap *links)
{
    unixctl_command_register("xenflow/qos/show", "[PORT] [--json]", 0, 2,
                             cmd_qos_show, CONST_CAST(struct hmap *, links));
}
