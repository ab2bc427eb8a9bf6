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

/* The xenflow/migrate and xenflow/migrate/show commands, over the source
 * side (migrate.c) and the destination side (migrate-peer.c). */

#include <config.h>

#include "xenflow/migrate.h"

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/list.h"
#include "sset.h"
#include "table.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "xenflow/appctl.h"
#include "xenflow/bridges.h"
#include "xenflow/ctlhold.h"
#include "xenflow/flowsync.h"
#include "xenflow/migrate-peer.h"
#include "xenflow/migrate-private.h"
#include "xenflow/model.h"
#include "xenflow/pipeline.h"

/* For xenflow/migrate/show: adds a row per outgoing migration to 't';
 * returns how many. */
static size_t
migrate_show(struct table *t)
{
    const struct ovs_list *migrations = xf_migrate_migrations();
    long long int now = time_msec();
    const struct migration *m;
    LIST_FOR_EACH (m, node, migrations) {
        table_add_row(t);
        xf_table_add_int(t, m->id);
        xf_table_add_text(t, m->router);
        xf_table_add_text(t, "out");
        xf_table_add_text(t, m->peer);
        xf_table_add_text(t, xf_migrate_phase_name(m->phase));
        xf_table_add_int(t, (m->phase >= MIG_DONE ? m->ended : now)
                         - m->started);
        xf_table_add_int(t, m->n_routes);
        xf_table_add_int(t, m->n_neighs);
        xf_table_add_int(t, m->n_applied);
        xf_table_add_int(t, m->n_rejected);
        xf_table_add_int(t, m->precopy_ms);
        xf_table_add_int(t, m->move_ms);
        xf_table_add_text(t, (m->phase == MIG_DONE ? "completed"
                              : m->phase == MIG_FAILED ? m->error
                              : "running"));
    }
    return ovs_list_size(migrations);
}

/* xenflow/migrate ROUTER PEER [VM-DEST] */
static void
cmd_migrate(struct unixctl_conn *conn, int argc, const char *argv[],
            void *aux OVS_UNUSED)
{
    const char *router = argv[1];
    const char *peer = argv[2];
    unsigned int id;

    char *error = xf_migrate_start(router, peer, argc > 3 ? argv[3] : NULL,
                                   &id);
    if (error) {
        xf_appctl_reply_error(conn, "%s", error);
        free(error);
        return;
    }
    char *reply = xasprintf("migration %u of router %s to %s started\n",
                            id, router, peer);
    unixctl_command_reply(conn, reply);
    free(reply);
}

/* Packets counted by table 0's announcement flows of 'bridge'. */
static void
announce_counts(const char *bridge, unsigned long long *accepted,
                unsigned long long *dropped)
{
    const struct xf_flowsync *fs = xf_bridge_flows(bridge);
    unsigned long long packets[XF_FLOW_N_KINDS];
    uint32_t kinds = XF_FLOW_KIND_BIT(XF_FLOW_CLASSIFY);

    *accepted = *dropped = 0;
    if (fs) {
        xf_flowsync_count_packets(fs, XF_OWNER_ANNOUNCE_ACCEPTED, kinds,
                                  packets);
        *accepted = packets[XF_FLOW_CLASSIFY];
        xf_flowsync_count_packets(fs, XF_OWNER_ANNOUNCE_DROPPED, kinds,
                                  packets);
        *dropped = packets[XF_FLOW_CLASSIFY];
    }
}

/* Table 't' as OVS's table module gives it in JSON ({"headings": [...],
 * "data": [[...]...]}).  Destroys 't'. */
static struct json *
table_json(struct table *t)
{
    struct table_style style = TABLE_STYLE_DEFAULT;
    struct ds s = DS_EMPTY_INITIALIZER;

    style.format = TF_JSON;
    table_format_reset();
    table_format(t, &style, &s);
    struct json *json = json_from_string(ds_cstr(&s));
    ds_destroy(&s);
    table_destroy(t);
    return json;
}

/* xenflow/migrate/show [--json] */
static void
cmd_show(struct unixctl_conn *conn, int argc, const char *argv[],
         void *aux OVS_UNUSED)
{
    bool json = xf_appctl_take_json(&argc, argv);
    if (argc > 1) {
        xf_appctl_reply_error(conn, "%s: unexpected argument \"%s\" "
                              "(usage: %s [--json])", argv[0], argv[1],
                              argv[0]);
        return;
    }

    struct table t;
    table_init(&t);
    table_add_column(&t, "id");
    table_add_column(&t, "router");
    table_add_column(&t, "direction");
    table_add_column(&t, "peer");
    table_add_column(&t, "phase");
    table_add_column(&t, "elapsed-ms");
    table_add_column(&t, "routes");
    table_add_column(&t, "neighbors");
    table_add_column(&t, "copied");
    table_add_column(&t, "rejected");
    table_add_column(&t, "precopy-ms");
    table_add_column(&t, "move-ms");
    table_add_column(&t, "result");
    migrate_show(&t);
    xf_migrate_peer_show(&t);

    if (json) {
        /* The migrations' table, with the holds' table as "holds". */
        struct table holds;
        xf_ctlhold_table(&holds);
        struct json *o = table_json(&t);
        json_object_put(o, "holds", table_json(&holds));
        char *s = json_to_string(o, JSSF_SORT);
        unixctl_command_reply(conn, s);
        free(s);
        json_destroy(o);
        return;
    }

    struct ds out = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&out, "Node listeners:");
    xf_migrate_peer_format_listeners(&out);
    ds_put_char(&out, '\n');
    xf_migrate_format_settings(&out);

    struct sset bridges = SSET_INITIALIZER(&bridges);
    xf_get_bridge_names(&bridges);
    const char *name;
    SSET_FOR_EACH (name, &bridges) {
        unsigned long long accepted, dropped;
        announce_counts(name, &accepted, &dropped);
        if (accepted || dropped) {
            ds_put_format(&out, "Bridge %s: %llu announcements accepted "
                          "from trusted ports, %llu dropped\n", name,
                          accepted, dropped);
        }
    }
    sset_destroy(&bridges);
    ds_put_char(&out, '\n');

    xf_appctl_put_table(&out, &t, "No migrations.\n");
    xf_ctlhold_show(&out);
    unixctl_command_reply(conn, ds_cstr(&out));
    ds_destroy(&out);
}

void
xf_migrate_register_commands(void)
{
    unixctl_command_register("xenflow/migrate", "ROUTER PEER [VM-DEST]", 2,
                             3, cmd_migrate, NULL);
    unixctl_command_register("xenflow/migrate/show", "[--json]", 0, 1,
                             cmd_show, NULL);
}
