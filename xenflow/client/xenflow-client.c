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

/* xenflow-client: runs inside a virtual router and streams its routing and
 * neighbour tables to the XenFlow server inside ovs-vswitchd, following
 * Documentation/xenflow-protocol.md.  See xenflow-client(8).
 *
 * This file holds the command line, the daemon and the main loop.  The
 * table is client-table.c and its parts, the sources kernel-watch.c (and
 * its parts) and fpm.c, the session with the server client-session.c, the
 * unixctl commands client-unixctl.c. */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/route/route.h>
#include <linux/rtnetlink.h>

#include "command-line.h"
#include "daemon.h"
#include "fatal-signal.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "stream-ssl.h"
#include "stream.h"
#include "unixctl.h"
#include "util.h"
#include "xenflow/client/client-session.h"
#include "xenflow/client/client-table.h"
#include "xenflow/client/client-unixctl.h"
#include "xenflow/client/fpm.h"
#include "xenflow/client/kernel-watch.h"

VLOG_DEFINE_THIS_MODULE(xenflow_client);

/* Command line. */
static char *router_name;
static uint32_t table_id = RT_TABLE_MAIN;
static char *fpm_remote;
static char *unixctl_path;

static void parse_options(int argc, char *argv[], char **remotep);
OVS_NO_RETURN static void usage(void);

int
main(int argc, char *argv[])
{
    struct unixctl_server *unixctl;
    struct fpm *fpm = NULL;
    bool exiting = false;
    char *remote;
    char *error;
    int retval;

    ovs_cmdl_proctitle_init(argc, argv);
    set_program_name(argv[0]);
    service_start(&argc, &argv);
    parse_options(argc, argv, &remote);
    fatal_ignore_sigpipe();

    daemon_become_new_user(false);
    daemonize_start(false);

    retval = unixctl_server_create(unixctl_path, &unixctl);
    if (retval) {
        exit(EXIT_FAILURE);
    }

    struct ct_table *table = ct_table_create();
    struct kernel_watch *kw = kernel_watch_create(
        table, table_id, fpm_remote ? KW_ROUTES_CONNECTED : KW_ROUTES_KERNEL,
        &error);
    if (!kw) {
        ovs_fatal(0, "%s", error);
    }
    if (fpm_remote) {
        fpm = fpm_create(fpm_remote, table, kw, &error);
        if (!fpm) {
            ovs_fatal(0, "%s", error);
        }
    }

    struct xfc_session *session = xfc_session_create(remote, router_name,
                                                     table, kw, fpm);
    xfc_unixctl_register(session, &exiting);

    daemonize_complete();
    VLOG_INFO("router %s, server %s", router_name, remote);

    while (!exiting) {
        kernel_watch_run(kw);
        if (fpm) {
            fpm_run(fpm);
        }
        xfc_session_run(session);
        unixctl_server_run(unixctl);

        kernel_watch_wait(kw);
        if (fpm) {
            fpm_wait(fpm);
        }
        xfc_session_wait(session);
        unixctl_server_wait(unixctl);
        if (exiting) {
            poll_immediate_wake();
        }
        poll_block();
    }

    xfc_session_destroy(session);
    fpm_destroy(fpm);
    kernel_watch_destroy(kw);
    ct_table_destroy(table);
    unixctl_server_destroy(unixctl);
    free(remote);
    free(router_name);
    free(fpm_remote);
    service_stop();
    return 0;
}

/* Command line. */

static uint32_t
parse_table(const char *s)
{
    unsigned int id;

    if (str_to_uint(s, 10, &id) && id > 0) {
        return id;
    }
    int named = rtnl_route_str2table(s);
    if (named > 0) {
        return named;
    }
    ovs_fatal(0, "--table: \"%s\" is not a routing table number or name "
              "(e.g. 254 or main)", s);
}

static void
parse_options(int argc, char *argv[], char **remotep)
{
    enum {
        OPT_ROUTER = UCHAR_MAX + 1,
        OPT_TABLE,
        OPT_FPM,
        OPT_UNIXCTL,
        OPT_BOOTSTRAP_CA_CERT,
        VLOG_OPTION_ENUMS,
        DAEMON_OPTION_ENUMS,
        SSL_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"router", required_argument, NULL, OPT_ROUTER},
        {"table", required_argument, NULL, OPT_TABLE},
        {"fpm", required_argument, NULL, OPT_FPM},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        DAEMON_LONG_OPTIONS,
        VLOG_LONG_OPTIONS,
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

        switch (c) {
        case OPT_ROUTER:
            if (!optarg[0]) {
                ovs_fatal(0, "--router: the router name must not be empty");
            }
            free(router_name);
            router_name = xstrdup(optarg);
            break;

        case OPT_TABLE:
            table_id = parse_table(optarg);
            break;

        case OPT_FPM:
            if (pstream_verify_name(optarg)) {
                ovs_fatal(0, "--fpm: \"%s\" is not a passive stream name "
                          "(e.g. ptcp:2620:127.0.0.1)", optarg);
            }
            free(fpm_remote);
            fpm_remote = xstrdup(optarg);
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

    argc -= optind;
    argv += optind;
    if (argc != 1) {
        ovs_fatal(0, "exactly one REMOTE argument is required "
                  "(use --help for usage)");
    }
    if (stream_verify_name(argv[0])) {
        ovs_fatal(0, "%s: not an active stream name (e.g. ssl:HOST:PORT, "
                  "tcp:HOST:PORT or unix:PATH)", argv[0]);
    }
    *remotep = xstrdup(argv[0]);

    if (!router_name) {
        char host[HOST_NAME_MAX + 1];
        if (gethostname(host, sizeof host) || !host[0]) {
            ovs_fatal(errno, "cannot get the host name: use --router");
        }
        host[HOST_NAME_MAX] = '\0';
        router_name = xstrdup(host);
    }
}

static void
usage(void)
{
    printf("%s: XenFlow client, streams this virtual router's routing and\n"
           "neighbour tables to the XenFlow server inside ovs-vswitchd\n"
           "usage: %s [OPTIONS] REMOTE\n"
           "where REMOTE is the XenFlow server's address.\n",
           program_name, program_name);
    stream_usage("REMOTE", true, false, true);
    printf("\nXenFlow options:\n"
           "  --router=NAME           router to program (default: host name)\n"
           "  --table=ID              kernel routing table to export "
           "(default: main)\n"
           "  --fpm=PREMOTE           take routes from FRR's FPM, listening "
           "on PREMOTE\n"
           "                          (e.g. ptcp:2620:127.0.0.1), not from "
           "the kernel\n");
    daemon_usage();
    vlog_usage();
    printf("\nOther options:\n"
           "  --unixctl=SOCKET        override default control socket name\n"
           "  -h, --help              display this help message\n"
           "  -V, --version           display version information\n");
    exit(EXIT_SUCCESS);
}
