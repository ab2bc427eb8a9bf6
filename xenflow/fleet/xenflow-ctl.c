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

/* xenflow-ctl: the operator's command for the fleet database
 * (Documentation/xenflow-ctl.8).  Built on upstream's lib/db-ctl-base like
 * ovs-vsctl and vtep-ctl: this file is the program (options, the
 * transaction loop, the table classes of the generic commands); the
 * commands live in ctl-*.c, one family per file. */

#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command-line.h"
#include "db-ctl-base.h"
#include "dirs.h"
#include "fatal-signal.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb-data.h"
#include "ovsdb-idl.h"
#include "process.h"
#include "stream-ssl.h"
#include "stream.h"
#include "svec.h"
#include "table.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/fleet/ctl.h"

VLOG_DEFINE_THIS_MODULE(xenflow_ctl);

static const char *db;          /* --db. */
static bool oneline;            /* --oneline. */
static bool dry_run;            /* --dry-run. */
static unsigned int timeout;    /* --timeout, in seconds. */
static struct table_style table_style = TABLE_STYLE_DEFAULT;

static struct ovsdb_idl *the_idl;
static struct ovsdb_idl_txn *the_idl_txn;

/* Rows the generic commands ("list Node a", "set Router r1 ...") find by
 * name. */
static const struct ctl_table_class tables[FLEETREC_N_TABLES] = {
    [FLEETREC_TABLE_NODE].row_ids[0] = {&fleetrec_node_col_name, NULL, NULL},
    [FLEETREC_TABLE_LINK].row_ids[0] = {&fleetrec_link_col_name, NULL, NULL},
    [FLEETREC_TABLE_NETWORK].row_ids[0]
    = {&fleetrec_network_col_name, NULL, NULL},
    [FLEETREC_TABLE_TEMPLATE].row_ids[0]
    = {&fleetrec_template_col_name, NULL, NULL},
    [FLEETREC_TABLE_ROUTER].row_ids[0]
    = {&fleetrec_router_col_name, NULL, NULL},
    [FLEETREC_TABLE_ROUTER_INTERFACE].row_ids[0]
    = {&fleetrec_router_interface_col_mac, NULL, NULL},
    [FLEETREC_TABLE_ROUTER_STATE].row_ids[0]
    = {&fleetrec_router_state_col_name, NULL, NULL},
    [FLEETREC_TABLE_MIGRATION].row_ids[0]
    = {&fleetrec_migration_col_name, NULL, NULL},
    [FLEETREC_TABLE_CONNECTION].row_ids[0]
    = {&fleetrec_connection_col_target, NULL, NULL},
    [FLEETREC_TABLE_RBAC_ROLE].row_ids[0]
    = {&fleetrec_rbac_role_col_name, NULL, NULL},
    [FLEETREC_TABLE_FLEET].row_ids[0] = {&fleetrec_fleet_col_name, NULL, NULL},
};

static void
xenflow_ctl_exit(int status)
{
    if (the_idl_txn) {
        ovsdb_idl_txn_abort(the_idl_txn);
        ovsdb_idl_txn_destroy(the_idl_txn);
    }
    ovsdb_idl_destroy(the_idl);
    exit(status);
}

OVS_NO_RETURN static void
usage(void)
{
    char *def = xf_ctl_default_db();

    printf("\
%s: XenFlow fleet database command\n\
usage: %s [OPTIONS] COMMAND [ARG...] [-- COMMAND [ARG...]]...\n\
\n\
Fleet commands:\n\
  init                        create the fleet row and the agents' role\n\
  show                        nodes, their routers and interfaces\n\
  set-connection [role=ROLE] [read-only] TARGET...\n\
  get-connection / del-connection\n\
  set-ssl KEY CERT CA-CERT / get-ssl / del-ssl\n\
\n\
Node and link commands:\n\
  node-add NODE CPUS MEMORY-MB [COLUMN[:KEY]=VALUE]...\n\
  node-del NODE / node-list / node-set NODE COLUMN[:KEY]=VALUE...\n\
  node-evacuate NODE          move its routers away (--power-off)\n\
  node-power-on NODE          wake it (Wake-on-LAN from a neighbour)\n\
  node-fence NODE             declare it down: its routers restart\n\
                              elsewhere, it runs nothing (--force)\n\
  node-unfence NODE           back in service (--force)\n\
  link-add LINK NODE1 PORT1 NODE2 PORT2 [COLUMN[:KEY]=VALUE]...\n\
  link-del LINK / link-list\n\
\n\
Network and template commands:\n\
  net-add NET ID [PREFIX...] / net-del NET / net-list\n\
  net-link-add NET LINK [CONTRACT [CEILING]] / net-link-del NET LINK\n\
  template-add TEMPLATE VCPUS MEMORY-MB [COLUMN[:KEY]=VALUE]...\n\
  template-del TEMPLATE / template-list\n\
\n\
Router commands:\n\
  router-add ROUTER [NODE] [COLUMN[:KEY]=VALUE]... (template=NAME)\n\
  router-del ROUTER / router-list\n\
  router-iface-add ROUTER IFACE NET MAC [PREFIX...]\n\
  router-iface-del ROUTER IFACE\n\
  router-start ROUTER / router-stop ROUTER\n\
  router-migrate ROUTER NODE\n\
  router-set-cpu ROUTER WEIGHT [CAP]\n\
\n\
%s\
%s\
\n\
Options:\n\
  --db=DATABASE               connect to DATABASE (default: %s)\n\
  -t, --timeout=SECS          wait at most SECS seconds\n\
  --dry-run                   do not commit changes to the database\n\
  --oneline                   print exactly one line of output per command\n",
           program_name, program_name, ctl_get_db_cmd_usage(),
           ctl_list_db_tables_usage(), def);
    table_usage();
    vlog_usage();
    printf("\
  --no-syslog                 equivalent to --verbose=xenflow_ctl:syslog:warn\n");
    stream_usage("database", true, true, true);
    printf("\n\
Other options:\n\
  -h, --help                  display this help message\n\
  -V, --version               display version information\n");
    free(def);
    exit(EXIT_SUCCESS);
}

static void
parse_options(int argc, char *argv[], struct shash *local_options)
{
    enum {
        OPT_DB = UCHAR_MAX + 1,
        OPT_ONELINE,
        OPT_NO_SYSLOG,
        OPT_DRY_RUN,
        OPT_LOCAL,
        VLOG_OPTION_ENUMS,
        TABLE_OPTION_ENUMS,
        SSL_OPTION_ENUMS,
    };
    static const struct option global_long_options[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"no-syslog", no_argument, NULL, OPT_NO_SYSLOG},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"oneline", no_argument, NULL, OPT_ONELINE},
        {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        VLOG_LONG_OPTIONS,
        TABLE_LONG_OPTIONS,
        STREAM_SSL_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const int n_global_long_options = ARRAY_SIZE(global_long_options) - 1;
    char *tmp = ovs_cmdl_long_options_to_short_options(global_long_options);
    char *short_options = xasprintf("+%s", tmp);
    struct option *options;
    size_t allocated_options;
    size_t n_options;

    free(tmp);

    /* Global options first, then every command's own options, as
     * ovs-vsctl does. */
    /* The list commands print tables; --format=list gives ovs-vsctl's
     * record-per-paragraph view. */
    table_style.format = TF_TABLE;
    options = xmemdup(global_long_options, sizeof global_long_options);
    allocated_options = ARRAY_SIZE(global_long_options);
    n_options = n_global_long_options;
    ctl_add_cmd_options(&options, &n_options, &allocated_options, OPT_LOCAL);

    for (;;) {
        int idx;
        int c = getopt_long(argc, argv, short_options, options, &idx);
        if (c == -1) {
            break;
        }

        switch (c) {
        case OPT_DB:
            db = optarg;
            break;

        case OPT_ONELINE:
            oneline = true;
            break;

        case OPT_NO_SYSLOG:
            vlog_set_levels(&this_module, VLF_SYSLOG, VLL_WARN);
            break;

        case OPT_DRY_RUN:
            dry_run = true;
            break;

        case OPT_LOCAL:
            if (shash_find(local_options, options[idx].name)) {
                ctl_fatal("'%s' option specified multiple times",
                          options[idx].name);
            }
            shash_add_nocopy(local_options,
                             xasprintf("--%s", options[idx].name),
                             nullable_xstrdup(optarg));
            break;

        case 'h':
            usage();

        case 'V':
            ovs_print_version(0, 0);
            printf("DB Schema %s\n", fleetrec_get_db_version());
            exit(EXIT_SUCCESS);

        case 't':
            if (!str_to_uint(optarg, 10, &timeout) || !timeout) {
                ctl_fatal("value %s on -t or --timeout is invalid", optarg);
            }
            break;

        VLOG_OPTION_HANDLERS
        TABLE_OPTION_HANDLERS(&table_style)
        STREAM_SSL_OPTION_HANDLERS

        case '?':
            exit(EXIT_FAILURE);

        default:
            abort();
        }
    }
    free(short_options);

    if (!db) {
        db = xf_ctl_default_db();
    }
    for (size_t i = n_global_long_options; options[i].name; i++) {
        free(CONST_CAST(char *, options[i].name));
    }
    free(options);
}

/* Prints one command's output. */
static void
print_output(struct ctl_command *c)
{
    struct ds *ds = &c->output;

    if (c->table) {
        table_print(c->table, &table_style);
    } else if (oneline) {
        ds_chomp(ds, '\n');
        for (size_t j = 0; j < ds->length; j++) {
            int ch = ds->string[j];

            if (ch == '\n') {
                fputs("\\n", stdout);
            } else if (ch == '\\') {
                fputs("\\\\", stdout);
            } else {
                putchar(ch);
            }
        }
        putchar('\n');
    } else {
        fputs(ds_cstr(ds), stdout);
    }
}

static void
free_outputs(struct ctl_command *commands, size_t n_commands)
{
    for (struct ctl_command *c = commands; c < &commands[n_commands]; c++) {
        ds_destroy(&c->output);
        table_destroy(c->table);
        free(c->table);
        c->table = NULL;
    }
}

/* Warns about "--id=@name" rows that were created but never referenced,
 * and fails on ones referenced but never created, as ovs-vsctl does. */
static void
check_symbols(struct ovsdb_symbol_table *symtab)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, &symtab->sh) {
        struct ovsdb_symbol *symbol = node->data;
        if (!symbol->created) {
            ctl_fatal("row id \"%s\" is referenced but never created "
                      "(e.g. with \"-- --id=%s create ...\")",
                      node->name, node->name);
        }
        if (!symbol->strong_ref && !symbol->weak_ref) {
            VLOG_WARN("row id \"%s\" was created but no reference to it "
                      "was inserted, so it will not actually appear in "
                      "the database", node->name);
        }
    }
}

/* Runs every command in one transaction and commits it.  Returns true when
 * done, false if the database changed under us and it must run again. */
static bool
do_xenflow_ctl(const char *args, struct ctl_command *commands,
               size_t n_commands, struct ovsdb_idl *idl)
{
    struct ovsdb_symbol_table *symtab = ovsdb_symbol_table_create();
    struct ovsdb_idl_txn *txn = the_idl_txn = ovsdb_idl_txn_create(idl);
    enum ovsdb_idl_txn_status status;
    struct ctl_context ctx;
    struct ctl_command *c;
    char *error;

    if (dry_run) {
        ovsdb_idl_txn_set_dry_run(txn);
    }
    ovsdb_idl_txn_add_comment(txn, "xenflow-ctl: %s", args);

    for (c = commands; c < &commands[n_commands]; c++) {
        ds_init(&c->output);
        c->table = NULL;
    }
    ctl_context_init(&ctx, NULL, idl, txn, symtab, NULL);
    for (c = commands; c < &commands[n_commands]; c++) {
        ctl_context_init_command(&ctx, c, c == &commands[n_commands - 1]);
        if (c->syntax->run) {
            (c->syntax->run)(&ctx);
        }
        if (ctx.error) {
            ctl_fatal("%s", ctx.error);
        }
        ctl_context_done_command(&ctx, c);
        if (ctx.try_again) {
            ctl_context_done(&ctx, NULL);
            goto try_again;
        }
    }
    ctl_context_done(&ctx, NULL);
    check_symbols(symtab);

    status = ovsdb_idl_txn_commit_block(txn);
    if (status == TXN_UNCHANGED || status == TXN_SUCCESS) {
        for (c = commands; c < &commands[n_commands]; c++) {
            if (c->syntax->postprocess) {
                ctl_context_init(&ctx, c, idl, txn, symtab, NULL);
                (c->syntax->postprocess)(&ctx);
                if (ctx.error) {
                    ctl_fatal("%s", ctx.error);
                }
                ctl_context_done(&ctx, c);
            }
        }
    }
    error = xstrdup(ovsdb_idl_txn_get_error(txn));
    ovsdb_idl_txn_destroy(txn);
    txn = the_idl_txn = NULL;

    switch (status) {
    case TXN_UNCOMMITTED:
    case TXN_INCOMPLETE:
        OVS_NOT_REACHED();

    case TXN_ABORTED:
        ctl_fatal("transaction aborted");

    case TXN_UNCHANGED:
    case TXN_SUCCESS:
        break;

    case TXN_TRY_AGAIN:
        free(error);
        goto try_again;

    case TXN_ERROR:
        ctl_fatal("transaction error: %s", error);

    case TXN_NOT_LOCKED:
        ctl_fatal("database not locked");

    default:
        OVS_NOT_REACHED();
    }
    free(error);
    ovsdb_symbol_table_destroy(symtab);

    for (c = commands; c < &commands[n_commands]; c++) {
        print_output(c);
        shash_destroy_free_data(&c->options);
    }
    free_outputs(commands, n_commands);
    free(commands);
    ovsdb_idl_destroy(idl);
    the_idl = NULL;
    return true;

try_again:
    if (txn) {
        ovsdb_idl_txn_abort(txn);
        ovsdb_idl_txn_destroy(txn);
        the_idl_txn = NULL;
    }
    ovsdb_symbol_table_destroy(symtab);
    free_outputs(commands, n_commands);
    return false;
}

int
main(int argc, char *argv[])
{
    struct ctl_command *commands;
    struct shash local_options;
    unsigned int seqno;
    size_t n_commands;

    set_program_name(argv[0]);
    fatal_ignore_sigpipe();
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_WARN);
    vlog_set_levels_from_string_assert("reconnect:warn");

    ctl_init(&fleetrec_idl_class, fleetrec_table_classes, tables, NULL,
             xenflow_ctl_exit);
    xf_ctl_fleet_register();
    xf_ctl_show_register();
    xf_ctl_nodes_register();
    xf_ctl_evacuate_register();
    xf_ctl_networks_register();
    xf_ctl_routers_register();

    char *args = process_escape_args(argv);
    shash_init(&local_options);
    parse_options(argc, argv, &local_options);
    char *error = ctl_parse_commands(argc - optind, argv + optind,
                                     &local_options, &commands, &n_commands);
    if (error) {
        ctl_fatal("%s", error);
    }
    VLOG(ctl_might_write_to_db(commands, n_commands) ? VLL_INFO : VLL_DBG,
         "Called as %s", args);

    ctl_timeout_setup(timeout);

    /* The whole database: validation reads every table.  With several
     * remotes (a cluster) a member that is down is skipped for the next
     * one, so retry; --timeout bounds the wait.  With one, fail at once as
     * ovs-vsctl does. */
    the_idl = ovsdb_idl_create(db, &fleetrec_idl_class, true,
                               strchr(db, ',') != NULL);

    seqno = ovsdb_idl_get_seqno(the_idl);
    for (;;) {
        ovsdb_idl_run(the_idl);
        if (!ovsdb_idl_is_alive(the_idl)) {
            int retval = ovsdb_idl_get_last_error(the_idl);
            ctl_fatal("%s: database connection failed (%s)",
                      db, ovs_retval_to_string(retval));
        }

        if (seqno != ovsdb_idl_get_seqno(the_idl)) {
            seqno = ovsdb_idl_get_seqno(the_idl);
            if (do_xenflow_ctl(args, commands, n_commands, the_idl)) {
                free(args);
                exit(EXIT_SUCCESS);
            }
        }

        if (seqno == ovsdb_idl_get_seqno(the_idl)) {
            ovsdb_idl_wait(the_idl);
            poll_block();
        }
    }
}
