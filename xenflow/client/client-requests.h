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


#ifndef XENFLOW_CLIENT_REQUESTS_H
#define XENFLOW_CLIENT_REQUESTS_H 1

/* The client's requests to the XenFlow server that await their reply, kept
 * in an hmap by JSON-RPC id, so that a reply finds what it answers: its
 * method and the snapshot ("epoch") it belongs to. */

#include <stdint.h>

#include "openvswitch/hmap.h"

struct json;
struct jsonrpc_session;

enum xfc_request_type {
    XFC_REQ_HELLO,
    XFC_REQ_SYNC_BEGIN,
    XFC_REQ_UPDATE,
    XFC_REQ_SYNC_END,
    XFC_REQ_ECHO                /* Link check (see client-session.c). */
};

const char *xfc_request_method(enum xfc_request_type);

/* A request awaiting its reply. */
struct xfc_request {
    struct hmap_node node;      /* In a requests map, by 'id'. */
    int64_t id;
    enum xfc_request_type type;
    unsigned int epoch;         /* Snapshot it belongs to. */
};

void xfc_request_send(struct hmap *requests, struct jsonrpc_session *,
                      enum xfc_request_type, unsigned int epoch,
                      struct json *params);
struct xfc_request *xfc_request_take(struct hmap *requests, int64_t id);
void xfc_requests_clear(struct hmap *requests);

#endif /* xenflow/client/client-requests.h */
