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


#include <config.h>

#include "xenflow/client/client-requests.h"

#include <stdlib.h>

#include "hash.h"
#include "jsonrpc.h"
#include "openvswitch/json.h"
#include "util.h"

static const char *const request_methods[] = {
    [XFC_REQ_HELLO] = "hello",
    [XFC_REQ_SYNC_BEGIN] = "sync-begin",
    [XFC_REQ_UPDATE] = "update",
    [XFC_REQ_SYNC_END] = "sync-end",
    [XFC_REQ_ECHO] = "echo",
};

const char *
xfc_request_method(enum xfc_request_type type)
{
    return request_methods[type];
}

/* Sends request 'type' with 'params' (an object, put in an array) on 'rpc'
 * and remembers it in 'requests', as part of snapshot 'epoch'. */
void
xfc_request_send(struct hmap *requests, struct jsonrpc_session *rpc,
                 enum xfc_request_type type, unsigned int epoch,
                 struct json *params)
{
    struct json *id;
    struct jsonrpc_msg *msg = jsonrpc_create_request(
        request_methods[type], json_array_create_1(params), &id);

    struct xfc_request *req = xmalloc(sizeof *req);
    req->id = json_integer(id);
    json_destroy(id);           /* A copy of the message's. */
    req->type = type;
    req->epoch = epoch;
    hmap_insert(requests, &req->node, hash_uint64(req->id));

    jsonrpc_session_send(rpc, msg);
}

/* Removes the request with 'id' from 'requests' and returns it (the caller
 * frees it), or returns NULL if there is none. */
struct xfc_request *
xfc_request_take(struct hmap *requests, int64_t id)
{
    struct xfc_request *req;

    HMAP_FOR_EACH_WITH_HASH (req, node, hash_uint64(id), requests) {
        if (req->id == id) {
            hmap_remove(requests, &req->node);
            return req;
        }
    }
    return NULL;
}

void
xfc_requests_clear(struct hmap *requests)
{
    struct xfc_request *req;

    HMAP_FOR_EACH_POP (req, node, requests) {
        free(req);
    }
}
