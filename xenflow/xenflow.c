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
 * xenflow_wait() once per main-loop iteration.  Nothing here may block: the
 * main loop also forwards packets' upcalls and answers OpenFlow. */

#include <config.h>

#include "xenflow/xenflow.h"

#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/json.h"
#include "openvswitch/vlog.h"
#include "ofproto/ofproto-provider.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"
#include "table.h"
#include "unixctl.h"
#include "util.h"
#include "vswitch-idl.h"
#include "xenflow/conf.h"

VLOG_DEFINE_THIS_MODULE(xenflow);

COVERAGE_DEFINE(xenflow_reconfigure);
COVERAGE_DEFINE(xenflow_config_error);

/* A bridge on which XenFlow is enabled. */
struct xf_bridge {
    struct hmap_node node;      /* In 'xf_bridges', hashed on 'name'. */
    char *name;                 /* Bridge name (also its ofproto's name). */
    char *datapath_type;        /* "system", "netdev", ... */
};

/* All bridges with other_config:xenflow-enable=true, by name. */
static struct hmap xf_bridges = HMAP_INITIALIZER(&xf_bridges);

/* Configuration problems found by the latest xenflow_reconfigure(), shown by
 * xenflow/show.  Each is logged once, when it first appears, so a bad key
 * does not flood the log on every unrelated database change. */
static struct sset conf_errors = SSET_INITIALIZER(&conf_errors);

static bool initialized;

static unixctl_cb_func xenflow_unixctl_version;
static unixctl_cb_func xenflow_unixctl_show;

/* The Open vSwitch release XenFlow is built on, i.e. VERSION without our
 * "+xenflowN" suffix. */
static char *
upstream_version(void)
{
    return xmemdup0(VERSION, strcspn(VERSION, "+"));
}

const char *
xenflow_version(void)
{
    return VERSION;
}

void
xenflow_init(void)
{
    if (initialized) {
        return;
    }
    initialized = true;

    unixctl_command_register("xenflow/version", "[--json]", 0, 1,
                             xenflow_unixctl_version, NULL);
    unixctl_command_register("xenflow/show", "[--json]", 0, 1,
                             xenflow_unixctl_show, NULL);
}

static struct xf_bridge *
xf_bridge_find(const struct hmap *bridges, const char *name)
{
    struct xf_bridge *br;

    HMAP_FOR_EACH_WITH_HASH (br, node, hash_string(name, 0), bridges) {
        if (!strcmp(br->name, name)) {
            return br;
        }
    }
    return NULL;
}

static void
xf_bridge_destroy(struct xf_bridge *br)
{
    if (br) {
        free(br->name);
        free(br->datapath_type);
        free(br);
    }
}

/* Applies database snapshot 'ovs_cfg', which the bridge layer has just
 * applied too: every bridge named there exists as an ofproto now. */
void
xenflow_reconfigure(const struct ovsrec_open_vswitch *ovs_cfg)
{
    struct hmap new_bridges = HMAP_INITIALIZER(&new_bridges);
    struct svec errors = SVEC_EMPTY_INITIALIZER;

    COVERAGE_INC(xenflow_reconfigure);

    for (size_t i = 0; i < ovs_cfg->n_bridges; i++) {
        const struct ovsrec_bridge *br_cfg = ovs_cfg->bridges[i];
        struct xf_bridge_conf conf;

        xf_bridge_conf_parse(br_cfg->name, &br_cfg->other_config, &conf,
                             &errors);
        if (!conf.enabled || xf_bridge_find(&new_bridges, br_cfg->name)) {
            continue;
        }

        struct xf_bridge *br = xzalloc(sizeof *br);
        br->name = xstrdup(br_cfg->name);
        br->datapath_type = xstrdup(br_cfg->datapath_type[0]
                                    ? br_cfg->datapath_type : "system");
        hmap_insert(&new_bridges, &br->node, hash_string(br->name, 0));
    }

    /* Log transitions, so the log tells when and where XenFlow was turned
     * on or off. */
    struct xf_bridge *br;
    HMAP_FOR_EACH (br, node, &new_bridges) {
        if (!xf_bridge_find(&xf_bridges, br->name)) {
            VLOG_INFO("XenFlow enabled on bridge %s", br->name);
        }
    }
    HMAP_FOR_EACH_POP (br, node, &xf_bridges) {
        if (!xf_bridge_find(&new_bridges, br->name)) {
            VLOG_INFO("XenFlow disabled on bridge %s", br->name);
        }
        xf_bridge_destroy(br);
    }
    hmap_swap(&xf_bridges, &new_bridges);
    hmap_destroy(&new_bridges);

    /* Log configuration problems that are new since the last time. */
    struct sset new_errors = SSET_INITIALIZER(&new_errors);
    const char *error;
    size_t j;
    SVEC_FOR_EACH (j, error, &errors) {
        if (!sset_contains(&conf_errors, error)) {
            COVERAGE_INC(xenflow_config_error);
            VLOG_WARN("%s", error);
        }
        sset_add(&new_errors, error);
    }
    sset_swap(&conf_errors, &new_errors);
    sset_destroy(&new_errors);
    svec_destroy(&errors);
}

void
xenflow_run(void)
{
    /* Nothing periodic yet: the data plane, client channel and QoS
     * controller hook in here. */
}

void
xenflow_wait(void)
{
}

void
xenflow_destroy(void)
{
    struct xf_bridge *br;

    HMAP_FOR_EACH_POP (br, node, &xf_bridges) {
        xf_bridge_destroy(br);
    }
    sset_clear(&conf_errors);
}

/* unixctl commands. */

/* Parses the optional output-format argument shared by XenFlow's unixctl
 * commands.  Returns true if 'argc'/'argv' asked for JSON.  On a bad
 * argument, replies with an error on 'conn' and returns false with '*ok' set
 * to false. */
static bool
parse_format_arg(struct unixctl_conn *conn, int argc, const char *argv[],
                 bool *ok)
{
    *ok = true;
    if (argc < 2) {
        return false;
    } else if (!strcmp(argv[1], "--json")) {
        return true;
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "%s: unknown argument \"%s\" (usage: %s [--json])",
                  argv[0], argv[1], argv[0]);
    unixctl_command_reply_error(conn, ds_cstr(&s));
    ds_destroy(&s);
    *ok = false;
    return false;
}

static void
reply_json(struct unixctl_conn *conn, struct json *json)
{
    char *s = json_to_string(json, JSSF_SORT | JSSF_PRETTY);
    unixctl_command_reply(conn, s);
    free(s);
    json_destroy(json);
}

static void
xenflow_unixctl_version(struct unixctl_conn *conn, int argc,
                        const char *argv[], void *aux OVS_UNUSED)
{
    bool ok;
    bool json = parse_format_arg(conn, argc, argv, &ok);
    char *upstream = upstream_version();

    if (!ok) {
        /* Already replied. */
    } else if (json) {
        struct json *obj = json_object_create();
        json_object_put_string(obj, "xenflow", xenflow_version());
        json_object_put_string(obj, "openvswitch", upstream);
        reply_json(conn, obj);
    } else {
        char *s = xasprintf("XenFlow %s (Open vSwitch %s)\n",
                            xenflow_version(), upstream);
        unixctl_command_reply(conn, s);
        free(s);
    }
    free(upstream);
}

static int
compare_bridges_by_name(const void *a_, const void *b_)
{
    const struct xf_bridge *const *a = a_;
    const struct xf_bridge *const *b = b_;

    return strcmp((*a)->name, (*b)->name);
}

/* Returns the bridges in 'xf_bridges' sorted by name, for stable output.
 * The caller must free() the array. */
static const struct xf_bridge **
sorted_bridges(void)
{
    size_t n = hmap_count(&xf_bridges);
    const struct xf_bridge **array = xmalloc(MAX(n, 1) * sizeof *array);
    const struct xf_bridge *br;
    size_t i = 0;

    HMAP_FOR_EACH (br, node, &xf_bridges) {
        array[i++] = br;
    }
    qsort(array, n, sizeof *array, compare_bridges_by_name);
    return array;
}

/* Whether 'br''s ofproto exists.  It normally does; it can be missing if
 * the bridge layer failed to create the datapath. */
static const char *
xf_bridge_state(const struct xf_bridge *br)
{
    return ofproto_lookup(br->name) ? "active" : "no-datapath";
}

static void
show_text(struct ds *out)
{
    size_t n = hmap_count(&xf_bridges);
    const struct xf_bridge **bridges = sorted_bridges();
    char *upstream = upstream_version();

    ds_put_format(out, "XenFlow %s (Open vSwitch %s)\n\n",
                  xenflow_version(), upstream);
    free(upstream);

    if (!n) {
        ds_put_cstr(out, "XenFlow is not enabled on any bridge "
                    "(ovs-vsctl set Bridge BRIDGE "
                    "other_config:" XF_KEY_ENABLE "=true).\n");
    } else {
        struct table t;
        struct table_style style = TABLE_STYLE_DEFAULT;

        style.format = TF_TABLE;
        table_init(&t);
        table_set_caption(&t, xstrdup("Bridges"));
        table_add_column(&t, "bridge");
        table_add_column(&t, "datapath");
        table_add_column(&t, "state");
        table_add_column(&t, "networks");
        table_add_column(&t, "routers");
        for (size_t i = 0; i < n; i++) {
            table_add_row(&t);
            table_add_cell(&t)->text = xstrdup(bridges[i]->name);
            table_add_cell(&t)->text = xstrdup(bridges[i]->datapath_type);
            table_add_cell(&t)->text = xstrdup(xf_bridge_state(bridges[i]));
            table_add_cell(&t)->json = json_integer_create(0);
            table_add_cell(&t)->json = json_integer_create(0);
        }
        table_format(&t, &style, out);
        table_destroy(&t);
    }
    free(bridges);

    ds_put_cstr(out, "\nVirtual networks: none\n");
    ds_put_cstr(out, "Virtual routers: none\n");

    if (!sset_is_empty(&conf_errors)) {
        const char **errors = sset_sort(&conf_errors);

        ds_put_format(out, "\nConfiguration problems (%"PRIuSIZE"):\n",
                      sset_count(&conf_errors));
        for (size_t i = 0; i < sset_count(&conf_errors); i++) {
            ds_put_format(out, "  %s\n", errors[i]);
        }
        free(errors);
    }
}

static struct json *
show_json(void)
{
    size_t n = hmap_count(&xf_bridges);
    const struct xf_bridge **bridges = sorted_bridges();
    struct json *bridges_json = json_array_create_empty();

    for (size_t i = 0; i < n; i++) {
        struct json *obj = json_object_create();
        json_object_put_string(obj, "name", bridges[i]->name);
        json_object_put_string(obj, "datapath_type",
                               bridges[i]->datapath_type);
        json_object_put_string(obj, "state", xf_bridge_state(bridges[i]));
        json_array_add(bridges_json, obj);
    }
    free(bridges);

    struct json *errors_json = json_array_create_empty();
    const char **errors = sset_sort(&conf_errors);
    for (size_t i = 0; i < sset_count(&conf_errors); i++) {
        json_array_add(errors_json, json_string_create(errors[i]));
    }
    free(errors);

    char *upstream = upstream_version();
    struct json *obj = json_object_create();
    json_object_put_string(obj, "version", xenflow_version());
    json_object_put_string(obj, "openvswitch", upstream);
    json_object_put(obj, "bridges", bridges_json);
    json_object_put(obj, "networks", json_array_create_empty());
    json_object_put(obj, "routers", json_array_create_empty());
    json_object_put(obj, "config_errors", errors_json);
    free(upstream);
    return obj;
}

static void
xenflow_unixctl_show(struct unixctl_conn *conn, int argc, const char *argv[],
                     void *aux OVS_UNUSED)
{
    bool ok;
    bool json = parse_format_arg(conn, argc, argv, &ok);

    if (!ok) {
        return;
    } else if (json) {
        reply_json(conn, show_json());
    } else {
        struct ds s = DS_EMPTY_INITIALIZER;
        show_text(&s);
        unixctl_command_reply(conn, ds_cstr(&s));
        ds_destroy(&s);
    }
}
