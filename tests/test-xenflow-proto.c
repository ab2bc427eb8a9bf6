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

/* Tests of the xenflow-client protocol, driven by tests/xenflow-client.at:
 *
 *   ovstest test-xenflow-proto hello PARAMS
 *   ovstest test-xenflow-proto update PARAMS
 *       Decodes PARAMS (JSON text: a request's params array) with the
 *       codec in xenflow/proto.c and prints what it understood, one entry
 *       per line, then every problem.
 *
 *   ovstest test-xenflow-proto session REMOTE [KEY CERT CA]
 *       Connects to REMOTE (with SSL files for ssl:) and plays a script read
 *       from stdin, one line at a time:
 *         JSON        sent as is; if it has a non-null "id", waits for the
 *                     reply and prints it (errors and results alike), and
 *                     prints any notification received meanwhile (except
 *                     "installed", whose timing is the switch's)
 *         !raw TEXT   TEXT is sent as is (e.g. broken JSON), no wait
 *         !big N      sends the start of a JSON string of N bytes, no wait
 *         !bigecho N  sends a whole "echo" request of about N bytes, no wait
 *         !wait       waits until the server closes the connection, printing
 *                     what it sends meanwhile
 *         !sleep MS   pauses
 *       Blank lines and lines starting with '#' are skipped.  Exits 0 when
 *       the script ends, printing "closed" if the server closed first. */

#include <config.h>
#undef NDEBUG

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "packets.h"
#include "stream-ssl.h"
#include "stream.h"
#include "tests/ovstest.h"
#include "util.h"
#include "xenflow/proto.h"

static void
print_route(const struct xf_route_spec *spec)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_cstr(&s, "route ");
    xf_prefix_format(&spec->prefix, &s);
    for (size_t i = 0; i < spec->n_nexthops; i++) {
        const struct xf_nexthop_spec *nh = &spec->nexthops[i];
        if (nh->has_gw) {
            ds_put_cstr(&s, " via ");
            xf_addr_format(&nh->gw, &s);
        }
        if (nh->dev) {
            ds_put_format(&s, " dev %s", nh->dev);
        }
    }
    puts(ds_cstr(&s));
    ds_destroy(&s);
}

static void
print_neigh(const char *what, const struct xf_neigh_spec *spec, bool mac)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "%s ", what);
    xf_addr_format(&spec->ip, &s);
    if (mac) {
        ds_put_format(&s, " "ETH_ADDR_FMT, ETH_ADDR_ARGS(spec->mac));
    }
    if (spec->dev) {
        ds_put_format(&s, " dev %s", spec->dev);
    }
    puts(ds_cstr(&s));
    ds_destroy(&s);
}

static struct json *
parse_json_arg(const char *s)
{
    struct json *json = json_from_string(s);
    if (json->type == JSON_STRING) {
        ovs_fatal(0, "bad JSON: %s", json_string(json));
    }
    return json;
}

static void
do_hello(const char *arg)
{
    struct json *params = parse_json_arg(arg);
    struct xf_proto_hello hello;
    char *error = xf_proto_parse_hello(params, &hello);

    if (error) {
        printf("error: %s\n", error);
        free(error);
    } else {
        printf("protocol %"PRId64" router %s client %s\n", hello.protocol,
               hello.router, hello.client ? hello.client : "-");
        for (size_t i = 0; i < hello.n_ifaces; i++) {
            const struct xf_proto_iface *iface = &hello.ifaces[i];
            struct ds s = DS_EMPTY_INITIALIZER;

            ds_put_format(&s, "iface %s "ETH_ADDR_FMT, iface->name,
                          ETH_ADDR_ARGS(iface->mac));
            for (size_t j = 0; j < iface->n_addrs; j++) {
                ds_put_char(&s, ' ');
                xf_prefix_format(&iface->addrs[j], &s);
            }
            puts(ds_cstr(&s));
            ds_destroy(&s);
        }
    }
    xf_proto_hello_destroy(&hello);
    json_destroy(params);
}

static void
do_update(const char *arg, size_t max)
{
    struct json *params = parse_json_arg(arg);
    struct xf_proto_update u;
    char *error = xf_proto_parse_update(params, max, &u);

    if (error) {
        printf("error: %s\n", error);
        free(error);
    } else {
        for (size_t i = 0; i < u.n_routes; i++) {
            print_route(&u.routes[i]);
        }
        for (size_t i = 0; i < u.n_routes_withdrawn; i++) {
            struct ds s = DS_EMPTY_INITIALIZER;
            xf_prefix_format(&u.routes_withdrawn[i], &s);
            printf("withdraw %s\n", ds_cstr(&s));
            ds_destroy(&s);
        }
        for (size_t i = 0; i < u.n_neighs; i++) {
            print_neigh("neigh", &u.neighs[i], true);
        }
        for (size_t i = 0; i < u.n_neighs_withdrawn; i++) {
            print_neigh("neigh-withdraw", &u.neighs_withdrawn[i], false);
        }
        for (size_t i = 0; i < u.errors.n; i++) {
            printf("rejected: %s\n", u.errors.names[i]);
        }
    }
    xf_proto_update_destroy(&u);
    json_destroy(params);
}

/* Prints and destroys 'msg', as one line of sorted JSON. */
static void
print_msg(struct jsonrpc_msg *msg)
{
    struct json *json = jsonrpc_msg_to_json(msg);
    char *s = json_to_string(json, JSSF_SORT);
    puts(s);
    fflush(stdout);
    free(s);
    json_destroy(json);
}

/* Receives and prints messages until one is the reply to 'id' (NULL: until
 * the connection closes).  Returns false if the connection closed. */
static bool
wait_reply(struct jsonrpc *rpc, const struct json *id)
{
    for (;;) {
        struct jsonrpc_msg *msg;
        int error = jsonrpc_recv_block(rpc, &msg);
        if (error) {
            puts("closed");
            return false;
        }
        bool done = (id && msg->id && json_equal(msg->id, id)
                     && (msg->type == JSONRPC_REPLY
                         || msg->type == JSONRPC_ERROR));
        if (msg->type == JSONRPC_REQUEST && !strcmp(msg->method, "echo")) {
            jsonrpc_send_block(rpc, jsonrpc_create_reply(
                                   json_clone(msg->params), msg->id));
            jsonrpc_msg_destroy(msg);
        } else if (msg->type == JSONRPC_NOTIFY
                   && !strcmp(msg->method, "installed")) {
            /* When it comes depends on the switch's flow installation,
             * not on the script: not printed. */
            jsonrpc_msg_destroy(msg);
        } else {
            print_msg(msg);
        }
        if (done) {
            return true;
        }
    }
}

static void
send_raw(struct stream *stream, const char *data, size_t n)
{
    while (n > 0) {
        int retval = stream_send(stream, data, n);
        if (retval == -EAGAIN) {
            stream_run(stream);
            stream_send_wait(stream);
            poll_block();
        } else if (retval < 0) {
            return;             /* Closed by the server: the script goes on
                                 * and reports "closed" when it reads. */
        } else {
            data += retval;
            n -= retval;
        }
    }
}

static void
do_session(int argc, char *argv[])
{
    const char *remote = argv[2];
    if (argc >= 6) {
        stream_ssl_set_key_and_cert(argv[3], argv[4]);
        stream_ssl_set_ca_cert_file(argv[5], false);
    }

    struct stream *stream;
    int error = stream_open_block(stream_open(remote, &stream, DSCP_DEFAULT),
                                  -1, &stream);
    if (error) {
        ovs_fatal(error, "%s: connect failed", remote);
    }
    struct jsonrpc *rpc = jsonrpc_open(stream);

    char line[65536];
    bool open = true;
    while (open && fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#') {
            continue;
        } else if (!strncmp(line, "!raw ", 5)) {
            send_raw(stream, line + 5, strlen(line + 5));
        } else if (!strncmp(line, "!big ", 5)) {
            size_t n = atoi(line + 5);
            char *big = xmalloc(n);
            memset(big, 'x', n);
            big[0] = '"';
            send_raw(stream, big, n);
            free(big);
        } else if (!strncmp(line, "!bigecho ", 9)) {
            /* A complete, valid request of about N bytes. */
            size_t n = atoi(line + 9);
            char *big = xmalloc(n + 1);
            memset(big, 'x', n);
            big[n] = '\0';
            struct json *params = json_array_create_1(
                json_string_create_nocopy(big));
            jsonrpc_send_block(rpc, jsonrpc_create_request("echo", params,
                                                           NULL));
        } else if (!strcmp(line, "!wait")) {
            open = wait_reply(rpc, NULL);
        } else if (!strncmp(line, "!sleep ", 7)) {
            usleep(atoi(line + 7) * 1000);
        } else {
            struct json *json = parse_json_arg(line);
            struct jsonrpc_msg *msg;
            char *e = jsonrpc_msg_from_json(json, &msg);
            if (e) {
                ovs_fatal(0, "bad JSON-RPC message in script: %s", e);
            }
            struct json *id = json_nullable_clone(msg->id);
            jsonrpc_send_block(rpc, msg);
            if (id && id->type != JSON_NULL) {
                open = wait_reply(rpc, id);
            }
            json_destroy(id);
        }
    }
    jsonrpc_close(rpc);
}

static void
test_xenflow_proto_main(int argc, char *argv[])
{
    if (argc < 3) {
        ovs_fatal(0, "usage: %s hello|update PARAMS | session REMOTE "
                  "[KEY CERT CA]", argv[0]);
    }
    if (!strcmp(argv[1], "hello")) {
        do_hello(argv[2]);
    } else if (!strcmp(argv[1], "update")) {
        do_update(argv[2], argc > 3 ? atoi(argv[3]) : XF_PROTO_MAX_BATCH);
    } else if (!strcmp(argv[1], "session")) {
        do_session(argc, argv);
    } else {
        ovs_fatal(0, "unknown command %s", argv[1]);
    }
}

OVSTEST_REGISTER("test-xenflow-proto", test_xenflow_proto_main);
