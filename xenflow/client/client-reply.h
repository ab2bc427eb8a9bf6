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


#ifndef XENFLOW_CLIENT_REPLY_H
#define XENFLOW_CLIENT_REPLY_H 1

/* Decoding what the XenFlow server sends the client
 * (Documentation/xenflow-protocol.md): results of "hello" and "update",
 * error replies, the "error" notification that precedes closing a session
 * whose message was too large.  Pure: no session state; lenient, since a
 * member the client does not understand must not break the session. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svec.h"

struct ds;
struct json;

/* The members of "hello"'s result that the client uses. */
struct xfc_hello_result {
    int64_t session;            /* "session", or -1. */
    int64_t max_batch;          /* "max-batch", or 0 if absent. */
    int64_t max_message;        /* "max-message", or 0 if absent. */
    int64_t probe_interval;     /* "probe-interval", or 0 if absent. */
    bool text_routes;           /* "routes-text": true. */
    struct svec iface_map;      /* "interfaces": "eth0 -> vr1" strings. */
    struct svec unmapped;       /* "unmapped": interface names. */
};

void xfc_hello_result_parse(const struct json *result,
                            struct xfc_hello_result *);
void xfc_hello_result_destroy(struct xfc_hello_result *);
void xfc_format_iface_map(const struct svec *iface_map,
                          const struct svec *unmapped, struct ds *);

int64_t xfc_json_get_int(const struct json *object, const char *name,
                         int64_t default_value);
char *xfc_error_reply_to_string(const struct json *error);
void xfc_add_rejections(struct svec *rejections, const struct json *result,
                        size_t max);
bool xfc_size_error_limit(const struct json *params, unsigned int *limit);

#endif /* xenflow/client/client-reply.h */
