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

#include "xenflow/rpc.h"

#include <errno.h>
#include <string.h>

#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "sset.h"
#include "stream-ssl.h"
#include "stream.h"
#include "svec.h"
#include "util.h"
#include "xenflow/addr.h"
#include "xenflow/pace.h"
#include "xenflow/proto.h"
#include "xenflow/rib.h"
#include "xenflow/router.h"

VLOG_DEFINE_THIS_MODULE(xenflow_rpc);

/* Most per-entry errors quoted back in one reply. */
#define MAX_ERRORS_QUOTED 10

void
xf_rpc_listeners_reconfigure(struct shash *listeners,
                             const struct sset *wanted, const char *key,
                             const char *what, struct svec *errors)
{
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, listeners) {
        if (!sset_contains(wanted, node->name)) {
            VLOG_INFO("%s: no longer listening for %s", node->name, what);
            pstream_close(node->data);
            shash_delete(listeners, node);
        }
    }
    const char *name;
    SSET_FOR_EACH (name, wanted) {
        if (shash_find(listeners, name)) {
            continue;
        }
        if (!strncmp(name, "pssl:", 5) && !stream_ssl_is_configured()) {
            svec_add_nocopy(errors, xasprintf(
                                "Open_vSwitch: other_config:%s: %s: SSL is "
                                "not configured (ovs-vsctl set-ssl "
                                "PRIVATE-KEY CERTIFICATE CA-CERT); not "
                                "listening", key, name));
            continue;
        }
        struct pstream *pstream;
        int error = pstream_open(name, &pstream, DSCP_DEFAULT);
        if (error) {
            svec_add_nocopy(errors, xasprintf(
                                "Open_vSwitch: other_config:%s: %s: cannot "
                                "listen (%s)", key, name,
                                ovs_strerror(error)));
        } else {
            VLOG_INFO("%s: listening for %s", name, what);
            shash_add(listeners, name, pstream);
        }
    }
}

void
xf_rpc_listeners_accept(struct shash *listeners,
                        void (*cb)(struct stream *, const char *listener))
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, listeners) {
        for (int i = 0; i < 10; i++) {
            struct stream *stream;
            int error = pstream_accept(node->data, &stream);
            if (error) {
                if (error != EAGAIN) {
                    static struct vlog_rate_limit rl
                        = VLOG_RATE_LIMIT_INIT(1, 5);
                    VLOG_WARN_RL(&rl, "%s: accept failed: %s", node->name,
                                 ovs_strerror(error));
                }
                break;
            }
            cb(stream, node->name);
        }
    }
}

void
xf_rpc_listeners_wait(const struct shash *listeners)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, listeners) {
        pstream_wait(node->data);
    }
}

void
xf_rpc_listeners_close(struct shash *listeners, const char *what)
{
    struct sset none = SSET_INITIALIZER(&none);
    xf_rpc_listeners_reconfigure(listeners, &none, "", what, NULL);
    sset_destroy(&none);
}

int
xf_rpc_recv_paced(struct jsonrpc *rpc, struct jsonrpc_msg **held,
                  struct jsonrpc_msg **msgp)
{
    if (!*held) {
        int error = jsonrpc_recv(rpc, held);
        if (error) {
            return error;
        }
    }

    const struct jsonrpc_msg *msg = *held;
    if ((msg->type != JSONRPC_REQUEST || strcmp(msg->method, "echo"))
        && !xf_bulk_allows()) {
        return EAGAIN;
    }
    *msgp = *held;
    *held = NULL;
    return 0;
}

struct jsonrpc_msg *
xf_rpc_error(const struct json *id, const char *code, const char *details)
{
    struct json *error = json_object_create();
    json_object_put_string(error, "error", code);
    json_object_put_string(error, "details", details);
    return jsonrpc_create_error(error, id);
}

static char *
translate(char *(*cb)(const void *, const struct xf_router *, char **),
          const void *aux, const struct xf_router *r, char **devp)
{
    return cb ? cb(aux, r, devp) : NULL;
}

size_t
xf_rpc_apply_update(struct xf_router *r, struct xf_proto_update *u,
                    char *(*cb)(const void *aux, const struct xf_router *,
                                char **devp),
                    const void *aux)
{
    size_t n_applied = 0;

    for (size_t i = 0; i < u->n_routes; i++) {
        struct xf_route_spec *spec = &u->routes[i];
        char *e = NULL;
        for (size_t j = 0; !e && j < spec->n_nexthops; j++) {
            e = translate(cb, aux, r, &spec->nexthops[j].dev);
        }
        if (!e) {
            e = xf_router_check_route(r, spec);
        }
        if (!e && !xf_router_set_route(r, spec)) {
            e = xstrdup("router's interfaces changed");
        }
        if (e) {
            struct ds d = DS_EMPTY_INITIALIZER;
            xf_prefix_format(&spec->prefix, &d);
            svec_add_nocopy(&u->errors, xasprintf("route %s: %s",
                                                  ds_cstr(&d), e));
            ds_destroy(&d);
            free(e);
        } else {
            n_applied++;
        }
    }
    for (size_t i = 0; i < u->n_routes_withdrawn; i++) {
        xf_router_del_route(r, &u->routes_withdrawn[i]);
        n_applied++;
    }
    for (size_t i = 0; i < u->n_neighs; i++) {
        struct xf_neigh_spec *spec = &u->neighs[i];
        char *e = translate(cb, aux, r, &spec->dev);
        if (!e) {
            e = xf_router_check_neigh(r, spec);
        }
        if (!e && !xf_router_set_neigh(r, spec)) {
            e = xstrdup("router's interfaces changed");
        }
        if (e) {
            struct ds d = DS_EMPTY_INITIALIZER;
            xf_addr_format(&spec->ip, &d);
            svec_add_nocopy(&u->errors, xasprintf("neighbour %s: %s",
                                                  ds_cstr(&d), e));
            ds_destroy(&d);
            free(e);
        } else {
            n_applied++;
        }
    }
    for (size_t i = 0; i < u->n_neighs_withdrawn; i++) {
        struct xf_neigh_spec *spec = &u->neighs_withdrawn[i];
        char *e = translate(cb, aux, r, &spec->dev);
        if (!e) {
            xf_router_del_neigh(r, spec->dev, &spec->ip);
        }
        free(e);
        n_applied++;
    }
    xf_router_count_rejected(r, u->errors.n);
    return n_applied;
}

struct json *
xf_rpc_update_result(size_t n_applied, const struct svec *errors)
{
    struct json *quoted = json_array_create_empty();
    for (size_t i = 0; i < MIN(errors->n, MAX_ERRORS_QUOTED); i++) {
        json_array_add(quoted, json_string_create(errors->names[i]));
    }
    struct json *result = json_object_create();
    json_object_put(result, "applied", json_integer_create(n_applied));
    json_object_put(result, "rejected", json_integer_create(errors->n));
    json_object_put(result, "errors", quoted);
    return result;
}
