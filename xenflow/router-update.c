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

#include "xenflow/router-update.h"

#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "packets.h"
#include "svec.h"
#include "util.h"
#include "xenflow/addr.h"
#include "xenflow/model.h"
#include "xenflow/prefix-order.h"
#include "xenflow/proto.h"
#include "xenflow/rib.h"
#include "xenflow/router.h"

/* Most per-entry errors quoted back in one reply. */
#define MAX_ERRORS_QUOTED 10

/* Updates with at least this many routes (or withdrawals) apply them in
 * address order (prefix-order.h), smaller ones in the order sent: sorting
 * a few routes costs more than it saves.  (Errors are quoted in the order
 * the routes were applied.) */
#define XF_UPDATE_ORDER_MIN 1024

/* The message of a change router 'r' refused although it passed the
 * check. */
#define CHANGED_UNDER_US "router's interfaces changed"

static char *
translate(xf_router_update_translate *cb, const void *aux,
          const struct xf_router *r, char **devp)
{
    return cb ? cb(aux, r, devp) : NULL;
}

/* Adds "WHAT ADDRESS: E" to 'errors' and frees 'e'.  'prefix' or 'ip'
 * names the entry. */
static void
refuse(struct svec *errors, const char *what, const struct xf_prefix *prefix,
       const struct in6_addr *ip, char *e)
{
    struct ds d = DS_EMPTY_INITIALIZER;
    if (prefix) {
        xf_prefix_format(prefix, &d);
    } else {
        xf_addr_format(ip, &d);
    }
    svec_add_nocopy(errors, xasprintf("%s %s: %s", what, ds_cstr(&d), e));
    ds_destroy(&d);
    free(e);
}

size_t
xf_router_update_apply(struct xf_router *r, struct xf_proto_update *u,
                       xf_router_update_translate *cb, const void *aux)
{
    struct xf_prefix_order order;
    size_t n_applied = 0;

    /* A large update's routes go in address order (prefix-order.h). */
    xf_prefix_order_init_sorted(&order, u->n_routes ? &u->routes[0].prefix
                                : NULL,
                                (u->n_routes >= XF_UPDATE_ORDER_MIN
                                 ? u->n_routes : 0), sizeof *u->routes);
    for (size_t k = 0; k < u->n_routes; k++) {
        size_t i = xf_prefix_order_get(&order, k);
        struct xf_route_spec *spec = &u->routes[i];
        char *e = NULL;
        for (size_t j = 0; !e && j < spec->n_nexthops; j++) {
            e = translate(cb, aux, r, &spec->nexthops[j].dev);
        }
        if (!e) {
            e = xf_router_check_route(r, spec);
        }
        if (!e && !xf_router_set_route(r, spec)) {
            e = xstrdup(CHANGED_UNDER_US);
        }
        if (e) {
            refuse(&u->errors, "route", &spec->prefix, NULL, e);
        } else {
            n_applied++;
        }
    }
    xf_prefix_order_destroy(&order);

    xf_prefix_order_init_sorted(&order, u->routes_withdrawn,
                                (u->n_routes_withdrawn >= XF_UPDATE_ORDER_MIN
                                 ? u->n_routes_withdrawn : 0),
                                sizeof *u->routes_withdrawn);
    for (size_t k = 0; k < u->n_routes_withdrawn; k++) {
        size_t i = xf_prefix_order_get(&order, k);
        n_applied += xf_router_del_route(r, &u->routes_withdrawn[i]);
    }
    xf_prefix_order_destroy(&order);
    for (size_t i = 0; i < u->n_neighs; i++) {
        struct xf_neigh_spec *spec = &u->neighs[i];
        char *e = translate(cb, aux, r, &spec->dev);
        if (!e) {
            e = xf_router_check_neigh(r, spec);
        }
        if (!e && !xf_router_set_neigh(r, spec)) {
            e = xstrdup(CHANGED_UNDER_US);
        }
        if (e) {
            refuse(&u->errors, "neighbour", NULL, &spec->ip, e);
        } else {
            n_applied++;
        }
    }
    for (size_t i = 0; i < u->n_neighs_withdrawn; i++) {
        struct xf_neigh_spec *spec = &u->neighs_withdrawn[i];
        char *e = translate(cb, aux, r, &spec->dev);
        if (e) {
            /* An interface that has no port here (e.g. the VM's management
             * NIC): none of its neighbours can be here either, so there is
             * nothing to withdraw and nothing to refuse. */
            free(e);
        } else {
            n_applied += xf_router_del_neigh(r, spec->dev, &spec->ip);
        }
    }
    xf_router_count_rejected(r, u->errors.n);
    return n_applied;
}

struct json *
xf_router_update_result(size_t n_applied, const struct svec *errors)
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

const char *
xf_router_update_iface_by_mac(const void *r_, struct eth_addr mac)
{
    const struct xf_router *r = r_;

    for (size_t i = 0; i < r->n_ifaces; i++) {
        if (eth_addr_equals(r->ifaces[i].mac, mac)) {
            return r->ifaces[i].name;
        }
    }
    return NULL;
}
