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


/* xenflow-ctl's fleet-wide commands: init (the Fleet row and the agents'
 * role), set-connection / get-connection / del-connection (what
 * ovsdb-server listens on, with which role) and set-ssl / get-ssl /
 * del-ssl (its key and certificates), as ovn-sbctl has them. */

#include <config.h>

#include <string.h>

#include "db-ctl-base.h"
#include "openvswitch/dynamic-string.h"
#include "stream.h"
#include "svec.h"
#include "util.h"
#include "xenflow/fleet/ctl.h"

/* The role of xenflow-agent connections: each table an agent writes, the
 * column that must hold its certificate's CN (its node's name), whether it
 * may insert and delete rows, and the columns it may update.  Everything
 * else (every desired-state column, every other node's rows) is
 * refused by ovsdb-server. */
struct agent_permission {
    const char *table;
    const char *authorization;
    bool insert_delete;
    const char *update[9];
};

static const struct agent_permission agent_permissions[] = {
    {"Node", "name", false,
     {"agent_state", "agent_version", "last_seen", "error", "status",
      NULL}},
    {"Router_State", "node", true,
     {"router", "state", "cpu_weight", "cpu_cap", "client", "error",
      "updated", "status", NULL}},
    {"Migration", "source", true,
     {"router", "phase", "progress", "result", "error", "started",
      "finished", "status", NULL}},
};

#define AGENT_ROLE "xenflow-agent"

static void
cmd_init(struct ctl_context *ctx)
{
    const struct fleetrec_rbac_role *role = NULL, *r;
    size_t n = ARRAY_SIZE(agent_permissions);
    const char *keys[ARRAY_SIZE(agent_permissions)];
    struct fleetrec_rbac_permission *perms[ARRAY_SIZE(agent_permissions)];

    xf_ctl_fleet(ctx);
    FLEETREC_RBAC_ROLE_FOR_EACH (r, ctx->idl) {
        if (!strcmp(r->name, AGENT_ROLE)) {
            role = r;
        }
    }
    if (!role) {
        role = fleetrec_rbac_role_insert(ctx->txn);
        fleetrec_rbac_role_set_name(role, AGENT_ROLE);
    }
    for (size_t i = 0; i < role->n_permissions; i++) {
        fleetrec_rbac_permission_delete(role->value_permissions[i]);
    }
    for (size_t i = 0; i < n; i++) {
        const struct agent_permission *ap = &agent_permissions[i];
        const struct fleetrec_rbac_permission *p;
        size_t n_update = 0;

        while (ap->update[n_update]) {
            n_update++;
        }
        p = fleetrec_rbac_permission_insert(ctx->txn);
        fleetrec_rbac_permission_set_table(p, ap->table);
        fleetrec_rbac_permission_set_authorization(
            p, CONST_CAST(const char **, &ap->authorization), 1);
        fleetrec_rbac_permission_set_insert_delete(p, ap->insert_delete);
        fleetrec_rbac_permission_set_update(
            p, CONST_CAST(const char **, ap->update), n_update);
        keys[i] = ap->table;
        perms[i] = CONST_CAST(struct fleetrec_rbac_permission *, p);
    }
    fleetrec_rbac_role_set_permissions(role, keys, perms, n);
}

static void
delete_connections(struct ctl_context *ctx)
{
    const struct fleetrec_fleet *fleet = xf_ctl_fleet(ctx);

    for (size_t i = 0; i < fleet->n_connections; i++) {
        fleetrec_connection_delete(fleet->connections[i]);
    }
    fleetrec_fleet_set_connections(fleet, NULL, 0);
}

static void
cmd_set_connection(struct ctl_context *ctx)
{
    const struct fleetrec_fleet *fleet = xf_ctl_fleet(ctx);
    struct fleetrec_connection **conns;
    const char *role = "";
    bool read_only = false;
    size_t n = 0;

    conns = xmalloc(ctx->argc * sizeof *conns);
    for (int i = 1; i < ctx->argc; i++) {
        const char *arg = ctx->argv[i];

        if (!strncmp(arg, "role=", 5)) {
            role = arg + 5;
        } else if (!strcmp(arg, "read-only")) {
            read_only = true;
        } else if (!strcmp(arg, "read-write")) {
            read_only = false;
        } else if (pstream_verify_name(arg) && stream_verify_name(arg)) {
            ctl_error(ctx, "\"%s\" is not a connection method (e.g. "
                      "pssl:6640 or ssl:192.0.2.1:6640)", arg);
            free(conns);
            return;
        } else {
            struct fleetrec_connection *c;

            c = CONST_CAST(struct fleetrec_connection *,
                           fleetrec_connection_insert(ctx->txn));
            fleetrec_connection_set_target(c, arg);
            fleetrec_connection_set_role(c, role);
            fleetrec_connection_set_read_only(c, read_only);
            conns[n++] = c;
        }
    }
    if (!n) {
        ctl_error(ctx, "set-connection: no TARGET");
    } else {
        delete_connections(ctx);
        fleetrec_fleet_set_connections(fleet, conns, n);
    }
    free(conns);
}

static void
cmd_get_connection(struct ctl_context *ctx)
{
    const struct fleetrec_fleet *fleet = fleetrec_fleet_first(ctx->idl);
    struct svec lines = SVEC_EMPTY_INITIALIZER;
    const char *line;
    size_t i;

    for (i = 0; fleet && i < fleet->n_connections; i++) {
        const struct fleetrec_connection *c = fleet->connections[i];
        struct ds s = DS_EMPTY_INITIALIZER;

        if (c->role[0]) {
            ds_put_format(&s, "role=%s ", c->role);
        }
        if (c->read_only) {
            ds_put_cstr(&s, "read-only ");
        }
        ds_put_cstr(&s, c->target);
        svec_add_nocopy(&lines, ds_steal_cstr(&s));
    }
    svec_sort(&lines);
    SVEC_FOR_EACH (i, line, &lines) {
        ds_put_format(&ctx->output, "%s\n", line);
    }
    svec_destroy(&lines);
}

static void
cmd_del_connection(struct ctl_context *ctx)
{
    delete_connections(ctx);
}

static void
cmd_set_ssl(struct ctl_context *ctx)
{
    bool bootstrap = shash_find(&ctx->options, "--bootstrap") != NULL;
    const struct fleetrec_fleet *fleet = xf_ctl_fleet(ctx);
    const struct fleetrec_ssl *ssl = fleet->ssl;

    if (!ssl) {
        ssl = fleetrec_ssl_insert(ctx->txn);
        fleetrec_fleet_set_ssl(fleet, ssl);
    }
    fleetrec_ssl_set_private_key(ssl, ctx->argv[1]);
    fleetrec_ssl_set_certificate(ssl, ctx->argv[2]);
    fleetrec_ssl_set_ca_cert(ssl, ctx->argv[3]);
    fleetrec_ssl_set_bootstrap_ca_cert(ssl, bootstrap);
    if (ctx->argc > 4) {
        fleetrec_ssl_set_ssl_protocols(ssl, ctx->argv[4]);
    }
    if (ctx->argc > 5) {
        fleetrec_ssl_set_ssl_ciphers(ssl, ctx->argv[5]);
    }
}

static void
cmd_get_ssl(struct ctl_context *ctx)
{
    const struct fleetrec_fleet *fleet = fleetrec_fleet_first(ctx->idl);
    const struct fleetrec_ssl *ssl = fleet ? fleet->ssl : NULL;

    if (ssl) {
        ds_put_format(&ctx->output, "Private key: %s\n", ssl->private_key);
        ds_put_format(&ctx->output, "Certificate: %s\n", ssl->certificate);
        ds_put_format(&ctx->output, "CA Certificate: %s\n", ssl->ca_cert);
        ds_put_format(&ctx->output, "Bootstrap: %s\n",
                      ssl->bootstrap_ca_cert ? "true" : "false");
    }
}

static void
cmd_del_ssl(struct ctl_context *ctx)
{
    const struct fleetrec_fleet *fleet = fleetrec_fleet_first(ctx->idl);

    if (fleet && fleet->ssl) {
        fleetrec_ssl_delete(fleet->ssl);
        fleetrec_fleet_set_ssl(fleet, NULL);
    }
}

static const struct ctl_command_syntax fleet_commands[] = {
    {"init", 0, 0, "", NULL, cmd_init, NULL, "", RW},
    {"set-connection", 1, INT_MAX, "[role=ROLE] [read-only] TARGET...",
     NULL, cmd_set_connection, NULL, "", RW},
    {"get-connection", 0, 0, "", NULL, cmd_get_connection, NULL, "", RO},
    {"del-connection", 0, 0, "", NULL, cmd_del_connection, NULL, "", RW},
    {"set-ssl", 3, 5, "PRIVATE-KEY CERTIFICATE CA-CERT [PROTOS [CIPHERS]]",
     NULL, cmd_set_ssl, NULL, "--bootstrap", RW},
    {"get-ssl", 0, 0, "", NULL, cmd_get_ssl, NULL, "", RO},
    {"del-ssl", 0, 0, "", NULL, cmd_del_ssl, NULL, "", RW},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, RO},
};

void
xf_ctl_fleet_register(void)
{
    ctl_register_commands(fleet_commands);
}
