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

/* libFuzzer target for the xenflow-client protocol decoder (xenflow/proto.c,
 * and through it xenflow/addr.c and the spec types of xenflow/rib.c).
 *
 * Built twice by tests/fuzz/run-fuzz.sh:
 *
 *   envelope (default)   The input is raw bytes from a client's stream.  They
 *                        go through OVS's JSON parser the way lib/jsonrpc.c
 *                        feeds it (in chunks, one parser per message, the
 *                        rest of the input starting the next message), then
 *                        jsonrpc_msg_from_json(); hello/update/sync-begin/
 *                        sync-end requests are decoded like xenflow/server.c
 *                        does, and the reply it would send is serialised.
 *
 *   -DXF_FUZZ_PARAMS     The input is JSON text for the params: an object is
 *                        wrapped into a one-element array (what a valid
 *                        request carries), anything else is passed as is.
 *                        It is decoded as hello, as update (with the real
 *                        batch limit and a small one) and as sync-begin.
 *                        This reaches the per-entry code much sooner.
 *
 * Besides the sanitizers (ASan, LSan, UBSan), the target checks what
 * xenflow/proto.h promises about the results, and aborts if it does not
 * hold: a refused request holds nothing; an accepted update accounts for
 * every entry (decoded or listed in 'errors'); decoded prefixes have a valid
 * length and no host bits and survive a format/parse round trip; next hops
 * are 1 to XF_MAX_NEXTHOPS, each with a gateway of the destination's family
 * or a device; neighbour MACs are unicast; hello interfaces are unique. */

#include <config.h>
#undef NDEBUG

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "util.h"
#include "xenflow/addr.h"
#include "xenflow/proto.h"
#include "xenflow/rib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define CHECK(COND)                                                     \
    do {                                                                \
        if (!(COND)) {                                                  \
            fprintf(stderr, "%s:%d: invariant violated: %s\n",          \
                    __FILE__, __LINE__, #COND);                         \
            abort();                                                    \
        }                                                               \
    } while (0)

int
LLVMFuzzerInitialize(int *argc OVS_UNUSED, char ***argv OVS_UNUSED)
{
    /* jsonrpc and json log nothing we need; keep the fuzzer's output
     * readable. */
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
    return 0;
}

/* A prefix that proto.c accepted: valid length, and formatting it and
 * parsing the result gives it back.  'host_bits': whether it may have bits
 * set past its length (interface addresses may). */
static void
check_prefix(const struct xf_prefix *p, bool host_bits)
{
    int max = xf_addr_is_ipv4(&p->addr) ? 32 : 128;
    CHECK(p->plen <= max);

    struct ds s = DS_EMPTY_INITIALIZER;
    xf_prefix_format(p, &s);
    struct xf_prefix q;
    memset(&q, 0xa5, sizeof q);
    char *error = xf_prefix_parse(ds_cstr(&s), host_bits, &q);
    if (error) {
        fprintf(stderr, "%s: %s\n", ds_cstr(&s), error);
    }
    CHECK(!error);
    CHECK(xf_prefix_equals(p, &q));
    CHECK(xf_prefix_contains(p, &p->addr));
    ds_destroy(&s);
}

static void
check_addr(const struct in6_addr *addr)
{
    struct xf_prefix p = { .addr = *addr,
                           .plen = xf_addr_is_ipv4(addr) ? 32 : 128 };
    check_prefix(&p, false);
}

static void
check_neigh(const struct xf_neigh_spec *n, bool want_mac)
{
    check_addr(&n->ip);
    if (want_mac) {
        CHECK(!eth_addr_is_multicast(n->mac) && !eth_addr_is_zero(n->mac));
    }
    CHECK(!n->dev || n->dev[0]);
}

static size_t
array_n(const struct json *obj, const char *name)
{
    const struct json *a = shash_find_data(json_object(obj), name);
    return a && a->type == JSON_ARRAY ? a->array.n : 0;
}

/* Serialises what xenflow/server.c would send back for 'error' (an error
 * reply carrying it) or, if NULL, a result listing 'errors'. */
static void
serialise_reply(const struct json *id, const char *error,
                const struct svec *errors)
{
    struct jsonrpc_msg *reply;

    if (error) {
        struct json *e = json_object_create();
        json_object_put_string(e, "error", "invalid params");
        json_object_put_string(e, "details", error);
        reply = jsonrpc_create_error(e, id);
    } else {
        struct json *result = json_object_create();
        if (errors && errors->n) {
            struct json *list = json_array_create_empty();
            for (size_t i = 0; i < errors->n; i++) {
                json_array_add(list, json_string_create(errors->names[i]));
            }
            json_object_put(result, "errors", list);
        }
        reply = jsonrpc_create_reply(result, id);
    }
    struct json *json = jsonrpc_msg_to_json(reply); /* Frees 'reply'. */
    free(json_to_string(json, 0));
    json_destroy(json);
}

static void
fuzz_update(const struct json *params, size_t max_entries,
            const struct json *id)
{
    struct xf_proto_update u;
    char *error = xf_proto_parse_update(params, max_entries, &u);

    if (error) {
        CHECK(error[0]);
        /* Refused as a whole: nothing decoded, nothing to report. */
        CHECK(!u.n_routes && !u.n_routes_withdrawn && !u.n_neighs
              && !u.n_neighs_withdrawn && !u.errors.n);
    } else {
        const struct json *obj = params->array.elems[0];
        size_t total = (array_n(obj, "routes")
                        + array_n(obj, "routes-text")
                        + array_n(obj, "routes-withdrawn")
                        + array_n(obj, "neighbors")
                        + array_n(obj, "neighbors-withdrawn"));
        CHECK(total <= max_entries);
        CHECK(u.n_routes + u.n_routes_withdrawn + u.n_neighs
              + u.n_neighs_withdrawn + u.errors.n == total);

        for (size_t i = 0; i < u.n_routes; i++) {
            const struct xf_route_spec *r = &u.routes[i];
            check_prefix(&r->prefix, false);
            CHECK(r->n_nexthops >= 1 && r->n_nexthops <= XF_MAX_NEXTHOPS);
            for (size_t j = 0; j < r->n_nexthops; j++) {
                const struct xf_nexthop_spec *nh = &r->nexthops[j];
                CHECK(nh->has_gw || nh->dev);
                CHECK(!nh->dev || nh->dev[0]);
                if (nh->has_gw) {
                    check_addr(&nh->gw);
                    CHECK(xf_addr_is_ipv4(&nh->gw)
                          == xf_addr_is_ipv4(&r->prefix.addr));
                }
            }
        }
        for (size_t i = 0; i < u.n_routes_withdrawn; i++) {
            check_prefix(&u.routes_withdrawn[i], false);
        }
        for (size_t i = 0; i < u.n_neighs; i++) {
            check_neigh(&u.neighs[i], true);
        }
        for (size_t i = 0; i < u.n_neighs_withdrawn; i++) {
            check_neigh(&u.neighs_withdrawn[i], false);
        }
        for (size_t i = 0; i < u.errors.n; i++) {
            CHECK(u.errors.names[i][0]);
        }
    }
    serialise_reply(id, error, &u.errors);
    free(error);
    xf_proto_update_destroy(&u);
}

static void
fuzz_hello(const struct json *params, const struct json *id)
{
    struct xf_proto_hello hello;
    char *error = xf_proto_parse_hello(params, &hello);

    if (!error) {
        const struct json *obj = params->array.elems[0];
        CHECK(hello.router && hello.router[0]);
        CHECK(!hello.client || hello.client[0]);
        CHECK(hello.n_ifaces == array_n(obj, "interfaces"));
        CHECK(hello.n_ifaces <= XF_PROTO_MAX_IFACES);
        for (size_t i = 0; i < hello.n_ifaces; i++) {
            const struct xf_proto_iface *iface = &hello.ifaces[i];
            CHECK(iface->name && iface->name[0]);
            CHECK(iface->n_addrs <= XF_PROTO_MAX_ADDRS);
            for (size_t j = 0; j < iface->n_addrs; j++) {
                check_prefix(&iface->addrs[j], true);
            }
            for (size_t j = 0; j < i; j++) {
                CHECK(strcmp(iface->name, hello.ifaces[j].name));
            }
        }
    } else {
        CHECK(error[0]);
    }
    serialise_reply(id, error, NULL);
    free(error);
    xf_proto_hello_destroy(&hello);
}

static void
fuzz_empty(const struct json *params, const struct json *id)
{
    char *error = xf_proto_parse_empty(params);
    serialise_reply(id, error, NULL);
    free(error);
}

#ifndef XF_FUZZ_PARAMS
/* Decodes one JSON-RPC message (complete, syntactically valid JSON) the way
 * xenflow/server.c does.  Takes ownership of 'json'. */
static void
fuzz_message(struct json *json)
{
    struct jsonrpc_msg *msg;
    char *error = jsonrpc_msg_from_json(json, &msg); /* Frees 'json'. */
    if (error) {
        free(error);
        return;
    }
    if (msg->type == JSONRPC_REQUEST || msg->type == JSONRPC_NOTIFY) {
        struct json *null_id = msg->id ? NULL : json_null_create();
        const struct json *id = msg->id ? msg->id : null_id;

        if (!strcmp(msg->method, "hello")) {
            fuzz_hello(msg->params, id);
        } else if (!strcmp(msg->method, "update")) {
            fuzz_update(msg->params, XF_PROTO_MAX_BATCH, id);
            fuzz_update(msg->params, 3, id);
        } else if (!strcmp(msg->method, "sync-begin")
                   || !strcmp(msg->method, "sync-end")) {
            fuzz_empty(msg->params, id);
        } else if (!strcmp(msg->method, "echo")) {
            struct jsonrpc_msg *reply
                = jsonrpc_create_reply(json_clone(msg->params), id);
            jsonrpc_msg_destroy(reply);
        }
        json_destroy(null_id);
    }
    jsonrpc_msg_destroy(msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Like jsonrpc_recv(): feed what arrived to the parser; when it has a
     * complete value, decode it and start a new parser with the rest.  The
     * chunks are small so that tokens straddle feeds. */
    enum { CHUNK = 13 };
    struct json_parser *parser = NULL;
    const char *p = (const char *) data;
    size_t left = size;

    while (left) {
        if (!parser) {
            parser = json_parser_create(0);
        }
        size_t n = MIN(left, CHUNK);
        size_t used = json_parser_feed(parser, p, n);
        CHECK(used <= n);
        p += used;
        left -= used;
        if (json_parser_is_done(parser)) {
            struct json *json = json_parser_finish(parser);
            parser = NULL;
            if (json->type == JSON_STRING) {
                /* jsonrpc.c drops the connection after a syntax error. */
                json_destroy(json);
                return 0;
            }
            fuzz_message(json);
        } else {
            CHECK(used == n);
        }
    }
    if (parser) {
        /* End of stream in the middle of a message. */
        json_destroy(json_parser_finish(parser));
    }
    return 0;
}

#else  /* XF_FUZZ_PARAMS */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = xmemdup0((const char *) data, size);
    struct json *json = json_from_string(s);
    free(s);

    if (json->type == JSON_STRING) {
        /* A syntax error (a bare string is not valid JSON text here). */
        json_destroy(json);
        return 0;
    }
    if (json->type == JSON_OBJECT) {
        json = json_array_create_1(json);
    }

    struct json *id = json_integer_create(1);
    fuzz_hello(json, id);
    fuzz_update(json, XF_PROTO_MAX_BATCH, id);
    fuzz_update(json, 3, id);
    fuzz_empty(json, id);
    json_destroy(id);
    json_destroy(json);
    return 0;
}

#endif  /* XF_FUZZ_PARAMS */
