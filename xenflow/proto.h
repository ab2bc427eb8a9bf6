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

#ifndef XENFLOW_PROTO_H
#define XENFLOW_PROTO_H 1

/* The xenflow-client protocol (Documentation/xenflow-protocol.md): decoding
 * of the requests a client sends, into the same route and neighbour specs
 * the unixctl commands use.  Pure: no I/O, no switch state, so that it can
 * be unit-tested and fuzzed on its own.
 *
 * Two kinds of problems are told apart.  A request whose structure is wrong
 * (params not an array of one object, a member of the wrong JSON type, too
 * many entries) is refused as a whole: the parse function returns an error
 * and the result holds nothing.  An entry whose value is wrong (a prefix
 * that does not parse, a MAC that is not one) is only that entry's problem:
 * it is left out and its reason is appended to 'errors'. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler.h"
#include "openvswitch/types.h"
#include "svec.h"
#include "xenflow/addr.h"
#include "xenflow/rib.h"

struct json;

#define XF_PROTO_VERSION 1

/* Most entries one "update" may carry. */
#define XF_PROTO_MAX_BATCH 10000

/* Most interfaces and addresses per interface a "hello" may carry. */
#define XF_PROTO_MAX_IFACES 256
#define XF_PROTO_MAX_ADDRS 64

struct xf_proto_iface {
    char *name;                 /* The VM's interface name. */
    struct eth_addr mac;
    struct xf_prefix *addrs;
    size_t n_addrs;
};

struct xf_proto_hello {
    int64_t protocol;
    char *router;
    char *client;               /* Free-form client version, or NULL. */
    struct xf_proto_iface *ifaces;
    size_t n_ifaces;
};

char *xf_proto_parse_hello(const struct json *params, struct xf_proto_hello *)
    OVS_WARN_UNUSED_RESULT;
void xf_proto_hello_destroy(struct xf_proto_hello *);

/* A neighbour withdrawal: the MAC of the spec is unused. */
struct xf_proto_update {
    struct xf_route_spec *routes;
    size_t n_routes;
    struct xf_prefix *routes_withdrawn;
    size_t n_routes_withdrawn;
    struct xf_neigh_spec *neighs;
    size_t n_neighs;
    struct xf_neigh_spec *neighs_withdrawn;
    size_t n_neighs_withdrawn;

    struct svec errors;         /* One message per entry left out. */
    bool too_many;              /* Refused: more than 'max_entries'. */
};

char *xf_proto_parse_update(const struct json *params, size_t max_entries,
                            struct xf_proto_update *) OVS_WARN_UNUSED_RESULT;
void xf_proto_update_destroy(struct xf_proto_update *);

/* For requests without members ("sync-begin", "sync-end"): checks that
 * 'params' is an array holding one object. */
char *xf_proto_parse_empty(const struct json *params) OVS_WARN_UNUSED_RESULT;

#endif /* xenflow/proto.h */
