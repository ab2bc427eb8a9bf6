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

/* xenflow-dashboard: the fleet's web dashboard, read-write
 * (Documentation/xenflow-dashboard.8).
 *
 * Every agent serves the dashboard read-only: an agent's role in the fleet
 * database may write only its own node's rows, so it cannot move routers.
 * This daemon is the operator's: it connects to the fleet database with
 * the operator's certificate, as xenflow-ctl does, serves the same page and
 * /api/fleet.json from its own IDL, and runs the page's actions
 * (dash-actions.h) as xenflow-ctl commands, for requests that carry the
 * login token. */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "command-line.h"
#include "daemon.h"
#include "dirs.h"
#include "fatal-signal.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "stream-ssl.h"
#include "stream.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "xenflow/agent/fleet-json.h"
#include "xenflow/agent/http.h"
#include "xenflow/fleet/ctl.h"
#include "xenflow/fleet/dash-actions.h"
#include "xenflow/fleet/fleet-idl.h"

VLOG_DEFINE_THIS_MODULE(xenflow_dashboard);

/* How often at most /api/fleet.json is rebuilt while the fleet changes,
 * and at least while it does not (its "time" moves on). */
#define PUBLISH_MIN_MS 1000
#define PUBLISH_MAX_MS 5000

static const char *db;                  /* --db. */
static const char *unixctl_path;        /* --unixctl. */
static const char *token_file;          /* --token-file. */
static struct xfa_http_options http_options = { .listen = "9476:127.0.0.1" };

OVS_NO_RETURN static void usage(void);
static void parse_options(int argc, char *argv[]);
static char *read_token(const char *file);

struct dashboard {
    struct xfd_actions *actions;
    struct xfa_http *http;
    struct ovsdb_idl *idl;
    long long int next_publish; /* When to publish /api/fleet.json. */
    long long int last_publish; /* When it was last, LLONG_MIN: never. */
};

/* Publishes /api/fleet.json from the IDL now. */
static void
publish(void *d_)
{
    struct dashboard *d = d_;
    struct ds s = DS_EMPTY_INITIALIZER;

    xfa_fleet_json(d->idl, "xenflow-dashboard", NULL, NULL, NULL,
                   xfd_actions_enabled(d->actions), &s);
    xfa_http_publish(d->http, "/api/fleet.json", "application/json", &s);
    ds_destroy(&s);
    d->last_publish = time_msec();
    d->next_publish = d->last_publish + PUBLISH_MAX_MS;
}

static unixctl_cb_func dashboard_exit;
static unixctl_cb_func dashboard_show;

int
main(int argc, char *argv[])
{
    struct unixctl_server *unixctl;
    bool exiting = false;

    ovs_cmdl_proctitle_init(argc, argv);
    set_program_name(argv[0]);
    service_start(&argc, &argv);
    parse_options(argc, argv);
    fatal_ignore_sigpipe();

    xfd_actions_init();

    char *token = NULL;
    if (token_file) {
        token = read_token(token_file);
    }

    daemon_become_new_user(false);
    daemonize_start(false);

    if (unixctl_server_create(unixctl_path, &unixctl)) {
        exit(EXIT_FAILURE);
    }

    struct dashboard d = { .next_publish = LLONG_MIN,
                           .last_publish = LLONG_MIN };
    d.actions = xfd_actions_create(token, publish, &d);
    free(token);
    http_options.post = xfd_actions_post;
    http_options.post_aux = d.actions;
    char *error = xfa_http_create(&http_options, &d.http);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    unixctl_command_register("exit", "", 0, 0, dashboard_exit, &exiting);
    unixctl_command_register("xenflow-dashboard/show", "", 0, 0,
                             dashboard_show, &d);

    /* The whole database, as xenflow-ctl reads it: the commands check
     * every table. */
    d.idl = ovsdb_idl_create(db, &fleetrec_idl_class, true, true);

    daemonize_complete();
    VLOG_INFO("fleet %s; serving the dashboard on %s port %u, actions %s",
              db, xfa_http_is_ssl(d.http) ? "https" : "http",
              xfa_http_port(d.http),
              xfd_actions_enabled(d.actions) ? "on" : "off (read-only)");
    if (xfd_actions_enabled(d.actions) && !xfa_http_is_ssl(d.http)) {
        VLOG_WARN("actions over plain http: the token crosses the network "
                  "in the clear unless --listen is on a loopback address "
                  "(use --listen=ssl:...)");
    }

    unsigned int seqno = 0;
    while (!exiting) {
        ovsdb_idl_run(d.idl);
        xfd_actions_run(d.actions, d.idl);

        /* A busy fleet costs a snapshot a second at most; a change after a
         * quiet second is published at once. */
        long long int now = time_msec();
        if (ovsdb_idl_get_seqno(d.idl) != seqno) {
            seqno = ovsdb_idl_get_seqno(d.idl);
            long long int earliest = (d.last_publish == LLONG_MIN ? now
                                      : MAX(now, d.last_publish
                                                 + PUBLISH_MIN_MS));
            d.next_publish = MIN(d.next_publish, earliest);
        }
        if (now >= d.next_publish && ovsdb_idl_has_ever_connected(d.idl)) {
            publish(&d);
        }

        unixctl_server_run(unixctl);

        ovsdb_idl_wait(d.idl);
        xfd_actions_wait(d.actions);
        unixctl_server_wait(unixctl);
        if (ovsdb_idl_has_ever_connected(d.idl)) {
            poll_timer_wait_until(d.next_publish);
        }
        if (exiting) {
            poll_immediate_wake();
        }
        poll_block();
    }

    xfd_actions_shutdown(d.actions);
    xfa_http_destroy(d.http);
    xfd_actions_shutdown(d.actions);    /* Any that came meanwhile. */
    xfd_actions_destroy(d.actions);
    ovsdb_idl_destroy(d.idl);
    unixctl_server_destroy(unixctl);
    service_stop();
    return 0;
}

/* The token: the file's first line, at least 16 characters, no spaces. */
static char *
read_token(const char *file)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        ovs_fatal(errno, "--token-file: cannot open %s", file);
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    int retval = ds_get_line(&s, f);
    fclose(f);
    ds_chomp(&s, '\r');
    const char *t = ds_cstr(&s);
    if (retval || strlen(t) < 16 || t[strcspn(t, " \t")]) {
        ovs_fatal(0, "--token-file: %s must hold the token on its first "
                  "line: at least 16 characters, no spaces (e.g. "
                  "\"openssl rand -hex 32 > %s\")", file, file);
    }
    return ds_steal_cstr(&s);
}

static void
dashboard_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
               const char *argv[] OVS_UNUSED, void *exiting_)
{
    bool *exiting = exiting_;
    *exiting = true;
    unixctl_command_reply(conn, NULL);
}

static void
dashboard_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
               const char *argv[] OVS_UNUSED, void *d_)
{
    struct dashboard *d = d_;
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "fleet: %s (%s)\n", db,
                  ovsdb_idl_is_connected(d->idl) ? "connected"
                  : "not connected");
    ds_put_format(&s, "http: %s port %u, %llu requests\n",
                  xfa_http_is_ssl(d->http) ? "https" : "http",
                  xfa_http_port(d->http), xfa_http_requests(d->http));
    xfd_actions_format(d->actions, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
usage(void)
{
    char *def = xf_ctl_default_db();

    printf("\
%s: the XenFlow fleet's web dashboard, read-write\n\
usage: %s [OPTIONS]\n\
\n\
Options:\n\
  --db=DATABASE            the fleet database (default: %s)\n\
  --listen=[ssl:]PORT[:ADDR]  serve the page there (default 9476:127.0.0.1)\n\
  --token-file=FILE        allow actions for requests that carry the token\n\
                           on FILE's first line (default: read-only)\n\
  --dashboard-dir=DIR      the page's files (default: %s/xenflow-dashboard)\n\
  --unixctl=SOCKET         override default control socket name\n",
           program_name, program_name, def, ovs_pkgdatadir());
    free(def);
    daemon_usage();
    vlog_usage();
    stream_usage("database", true, false, true);
    printf("\n\
With --listen=ssl:..., HTTPS uses the --private-key and --certificate\n\
files given for the database connection.\n\
\n\
Other options:\n\
  -h, --help               display this help message\n\
  -V, --version            display version information\n");
    exit(EXIT_SUCCESS);
}

static void
parse_options(int argc, char *argv[])
{
    enum {
        OPT_DB = UCHAR_MAX + 1,
        OPT_LISTEN,
        OPT_TOKEN_FILE,
        OPT_DASHBOARD_DIR,
        OPT_UNIXCTL,
        OPT_BOOTSTRAP_CA_CERT,
        VLOG_OPTION_ENUMS,
        DAEMON_OPTION_ENUMS,
        SSL_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"token-file", required_argument, NULL, OPT_TOKEN_FILE},
        {"dashboard-dir", required_argument, NULL, OPT_DASHBOARD_DIR},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        VLOG_LONG_OPTIONS,
        DAEMON_LONG_OPTIONS,
        STREAM_SSL_LONG_OPTIONS,
        {"bootstrap-ca-cert", required_argument, NULL, OPT_BOOTSTRAP_CA_CERT},
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }

        /* --listen=ssl:... serves HTTPS with the same key and certificate
         * as the database connection. */
        if (c == 'p') {
            http_options.private_key = optarg;
        } else if (c == 'c') {
            http_options.certificate = optarg;
        }

        switch (c) {
        case OPT_DB:
            db = optarg;
            break;
        case OPT_LISTEN:
            http_options.listen = optarg;
            break;
        case OPT_TOKEN_FILE:
            token_file = optarg;
            break;
        case OPT_DASHBOARD_DIR:
            http_options.dashboard_dir = optarg;
            break;
        case OPT_UNIXCTL:
            unixctl_path = optarg;
            break;
        case 'h':
            usage();
        case 'V':
            ovs_print_version(0, 0);
            exit(EXIT_SUCCESS);

        VLOG_OPTION_HANDLERS
        DAEMON_OPTION_HANDLERS
        STREAM_SSL_OPTION_HANDLERS

        case OPT_BOOTSTRAP_CA_CERT:
            stream_ssl_set_ca_cert_file(optarg, true);
            break;
        case '?':
            exit(EXIT_FAILURE);
        default:
            OVS_NOT_REACHED();
        }
    }
    free(short_options);

    if (optind != argc) {
        ovs_fatal(0, "no non-option argument is accepted (use --help)");
    }
    if (!db) {
        db = xf_ctl_default_db();
    }
    if (!http_options.dashboard_dir) {
        http_options.dashboard_dir = xasprintf("%s/xenflow-dashboard",
                                               ovs_pkgdatadir());
    }
}
