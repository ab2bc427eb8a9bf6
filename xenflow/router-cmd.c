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

/* xenflow/route-add, route-del, neigh-add, neigh-del (router-cmd.h). */

#include <config.h>

#include "xenflow/router-cmd.h"

#include <stdlib.h>

#include "unixctl.h"
#include "util.h"
#include "xenflow/appctl.h"
#include "xenflow/model.h"
#include "xenflow/proto.h"
#include "xenflow/router.h"
#include "xenflow/routers.h"

struct xf_router *
xf_router_cmd_lookup(struct unixctl_conn *conn, int argc, const char *argv[])
{
    if (argc < 2) {
        xf_appctl_reply_error(conn, "%s: missing ROUTER", argv[0]);
        return NULL;
    }
    struct xf_router *r = xf_router_find(argv[1]);
    if (!r) {
        xf_appctl_reply_error(conn, "%s: no router named \"%s\" (see "
                              "xenflow/show)", argv[0], argv[1]);
    }
    return r;
}

/* Replies to a command of 'r' refused because of 'error' (freed), and
 * counts it. */
static void
reject(struct unixctl_conn *conn, struct xf_router *r, const char *command,
       char *error)
{
    xf_router_count_rejected(r, 1);
    xf_appctl_reply_error(conn, "%s: %s", command, error);
    free(error);
}

static void
cmd_route_add(struct unixctl_conn *conn, int argc, const char *argv[],
              void *aux OVS_UNUSED)
{
    struct xf_router *r = xf_router_cmd_lookup(conn, argc, argv);
    if (!r) {
        return;
    }

    struct xf_route_spec spec;
    char *error = xf_route_spec_parse(argc - 2, argv + 2, &spec);
    if (!error) {
        error = xf_router_check_route(r, &spec);
    }
    if (error) {
        reject(conn, r, argv[0], error);
    } else {
        xf_router_set_route(r, &spec);
        unixctl_command_reply(conn, NULL);
    }
    xf_route_spec_destroy(&spec);
}

static void
cmd_route_del(struct unixctl_conn *conn, int argc, const char *argv[],
              void *aux OVS_UNUSED)
{
    struct xf_router *r = xf_router_cmd_lookup(conn, argc, argv);
    if (!r) {
        return;
    }

    struct xf_prefix prefix;
    char *error = xf_prefix_parse(argv[2], false, &prefix);
    if (error) {
        reject(conn, r, argv[0], error);
    } else if (!xf_router_del_route(r, &prefix)) {
        /* Nothing to do is not a refused command. */
        xf_appctl_reply_error(conn, "%s: router %s has no route %s",
                              argv[0], r->name, argv[2]);
    } else {
        unixctl_command_reply(conn, NULL);
    }
}

/* Parses and checks the neighbour of xenflow/neigh-add ('with_mac') or
 * neigh-del into 'spec'; on error, replies, counts it and returns false. */
static bool
parse_neigh(struct unixctl_conn *conn, struct xf_router *r, int argc,
            const char *argv[], bool with_mac, struct xf_neigh_spec *spec)
{
    char *error = xf_neigh_spec_parse(argc - 2, argv + 2, with_mac, spec);
    if (!error) {
        error = xf_router_check_neigh(r, spec);
    }
    if (error) {
        reject(conn, r, argv[0], error);
        return false;
    }
    return true;
}

static void
cmd_neigh_add(struct unixctl_conn *conn, int argc, const char *argv[],
              void *aux OVS_UNUSED)
{
    struct xf_router *r = xf_router_cmd_lookup(conn, argc, argv);
    struct xf_neigh_spec spec;

    if (r && parse_neigh(conn, r, argc, argv, true, &spec)) {
        xf_router_set_neigh(r, &spec);
        unixctl_command_reply(conn, NULL);
    }
    if (r) {
        free(spec.dev);
    }
}

static void
cmd_neigh_del(struct unixctl_conn *conn, int argc, const char *argv[],
              void *aux OVS_UNUSED)
{
    struct xf_router *r = xf_router_cmd_lookup(conn, argc, argv);
    struct xf_neigh_spec spec;

    if (!r) {
        return;
    }
    if (parse_neigh(conn, r, argc, argv, false, &spec)) {
        if (!xf_router_del_neigh(r, spec.dev, &spec.ip)) {
            xf_appctl_reply_error(conn, "%s: router %s has no neighbour %s "
                                  "on %s", argv[0], r->name, argv[2],
                                  xf_router_entry_iface(r, spec.dev,
                                                        &spec.ip));
        } else {
            unixctl_command_reply(conn, NULL);
        }
    }
    free(spec.dev);
}

void
xf_router_cmd_register(void)
{
    unixctl_command_register("xenflow/route-add",
                             "ROUTER PREFIX [via GATEWAY] [dev INTERFACE]...",
                             3, 2 + 4 * XF_MAX_NEXTHOPS, cmd_route_add, NULL);
    unixctl_command_register("xenflow/route-del", "ROUTER PREFIX", 2, 2,
                             cmd_route_del, NULL);
    unixctl_command_register("xenflow/neigh-add",
                             "ROUTER ADDRESS MAC [dev INTERFACE]", 3, 5,
                             cmd_neigh_add, NULL);
    unixctl_command_register("xenflow/neigh-del",
                             "ROUTER ADDRESS [dev INTERFACE]", 2, 4,
                             cmd_neigh_del, NULL);
}
