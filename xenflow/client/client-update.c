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

#include "xenflow/client/client-update.h"

#include <stdlib.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "xenflow/client/client-table-private.h"

static struct json *
mac_to_json(const struct eth_addr *mac)
{
    return json_string_create_nocopy(xasprintf(ETH_ADDR_FMT,
                                               ETH_ADDR_ARGS(*mac)));
}

static struct json *
addr_to_json(const struct in6_addr *addr)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    xf_addr_format(addr, &s);
    return json_string_create_nocopy(ds_steal_cstr(&s));
}

static struct json *
prefix_to_json(const struct xf_prefix *prefix)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    xf_prefix_format(prefix, &s);
    return json_string_create_nocopy(ds_steal_cstr(&s));
}

/* Returns the interfaces as the "interfaces" member of "hello": an array of
 * {"name", "mac", "addresses"} objects sorted by name. */
struct json *
ct_ifaces_to_json(const struct ct_table *t)
{
    const struct shash_node **nodes = shash_sort(&t->ifaces);
    struct json *array = json_array_create_empty();

    for (size_t i = 0; i < shash_count(&t->ifaces); i++) {
        const struct ct_iface *iface = nodes[i]->data;
        struct json *obj = json_object_create();
        json_object_put_string(obj, "name", iface->name);
        json_object_put(obj, "mac", mac_to_json(&iface->mac));

        struct json *addrs = json_array_create_empty();
        const char **sorted = sset_sort(&iface->addrs);
        for (size_t j = 0; j < sset_count(&iface->addrs); j++) {
            json_array_add(addrs, json_string_create(sorted[j]));
        }
        free(sorted);
        json_object_put(obj, "addresses", addrs);
        json_array_add(array, obj);
    }
    free(nodes);
    return array;
}

/* Draining. */

/* Forgets what the server knows and queues every entry, then the barrier.
 * The caller sends "sync-begin" first. */
void
ct_snapshot_start(struct ct_table *t)
{
    while (!ovs_list_is_empty(&t->pending)) {
        struct ct_entry *e = CONTAINER_OF(ovs_list_front(&t->pending),
                                          struct ct_entry, pending_node);
        ct_entry_dequeue(t, e);
    }

    struct ct_route *route;
    HMAP_FOR_EACH_SAFE (route, node, &t->routes) {
        route->e.announced = false;
        if (ovs_list_is_empty(&route->cands)) {
            ct_route_free(t, route);
        } else {
            ct_entry_enqueue(t, &route->e);
        }
    }

    struct ct_neigh *neigh;
    HMAP_FOR_EACH_SAFE (neigh, node, &t->neighs) {
        neigh->e.announced = false;
        if (!neigh->present) {
            ct_neigh_free(t, neigh);
        } else {
            ct_entry_enqueue(t, &neigh->e);
        }
    }

    ct_entry_enqueue(t, &t->barrier);
}

enum ct_pending
ct_pending(const struct ct_table *t)
{
    if (ovs_list_is_empty(&t->pending)) {
        return CT_PENDING_NONE;
    }
    const struct ct_entry *e = CONTAINER_OF(ovs_list_front(&t->pending),
                                            struct ct_entry, pending_node);
    return e->type == CT_BARRIER ? CT_PENDING_BARRIER : CT_PENDING_ENTRIES;
}

void
ct_snapshot_finish(struct ct_table *t)
{
    ovs_assert(ct_pending(t) == CT_PENDING_BARRIER);
    ct_entry_dequeue(t, &t->barrier);
}

static struct json *
route_to_json(const struct ct_route *route, size_t *bytes)
{
    const struct ct_cand *best = ct_route_best(route);
    struct json *obj = json_object_create();
    struct json *nexthops = json_array_create_empty();

    json_object_put(obj, "dst", prefix_to_json(&route->prefix));
    for (size_t i = 0; i < best->n_nexthops; i++) {
        const struct ct_nexthop *nh = &best->nexthops[i];
        struct json *nh_json = json_object_create();
        if (nh->has_gw) {
            json_object_put(nh_json, "gw", addr_to_json(&nh->gw));
        }
        if (nh->dev) {
            json_object_put_string(nh_json, "dev", nh->dev);
        }
        json_array_add(nexthops, nh_json);
    }
    json_object_put(obj, "nexthops", nexthops);
    *bytes += 40 + 64 * best->n_nexthops;
    return obj;
}

/* Returns 'route' as one "routes-text" string ("PREFIX via GW dev DEV..."),
 * or NULL if its next hops cannot be written that way unambiguously (a
 * next hop without an interface). */
static struct json *
route_to_text(const struct ct_route *route, size_t *bytes)
{
    const struct ct_cand *best = ct_route_best(route);
    struct ds s = DS_EMPTY_INITIALIZER;

    xf_prefix_format(&route->prefix, &s);
    for (size_t i = 0; i < best->n_nexthops; i++) {
        const struct ct_nexthop *nh = &best->nexthops[i];
        if (!nh->dev) {
            ds_destroy(&s);
            return NULL;
        }
        if (nh->has_gw) {
            ds_put_cstr(&s, " via ");
            xf_addr_format(&nh->gw, &s);
        }
        ds_put_format(&s, " dev %s", nh->dev);
    }
    *bytes += s.length + 8;
    return json_string_create_nocopy(ds_steal_cstr(&s));
}

/* Whether updates may carry routes as "routes-text" strings (the server
 * said so in its hello result): a third of the JSON objects for the server
 * to decode. */
void
ct_set_text_routes(struct ct_table *t, bool text_routes)
{
    t->text_routes = text_routes;
}

static struct json *
neigh_to_json(const struct ct_neigh *neigh, bool withdrawn, size_t *bytes)
{
    struct json *obj = json_object_create();

    json_object_put(obj, "ip", addr_to_json(&neigh->ip));
    if (!withdrawn) {
        json_object_put(obj, "mac", mac_to_json(&neigh->mac));
    }
    json_object_put_string(obj, "dev", neigh->dev);
    *bytes += 96;
    return obj;
}

static void
add_member(struct json *params, const char *name, struct json *array)
{
    if (json_array(array)->n) {
        json_object_put(params, name, array);
    } else {
        json_destroy(array);
    }
}

/* Dequeues up to 'max_entries' pending entries (stopping at the snapshot
 * barrier) and returns them as the parameter object of an "update" request,
 * or NULL if nothing is pending before the barrier.  'max_bytes' roughly caps
 * the message size (at least one entry is always taken).  Adds what was
 * taken to '*counts'. */
struct json *
ct_next_update(struct ct_table *t, size_t max_entries, size_t max_bytes,
               struct ct_update_counts *counts)
{
    struct json *routes = json_array_create_empty();
    struct json *routes_text = json_array_create_empty();
    struct json *routes_withdrawn = json_array_create_empty();
    struct json *neighs = json_array_create_empty();
    struct json *neighs_withdrawn = json_array_create_empty();
    size_t n = 0, bytes = 0;

    while (n < MAX(max_entries, 1) && (!n || bytes < max_bytes)
           && ct_pending(t) == CT_PENDING_ENTRIES) {
        struct ct_entry *e = CONTAINER_OF(ovs_list_front(&t->pending),
                                          struct ct_entry, pending_node);
        ct_entry_dequeue(t, e);
        n++;

        if (e->type == CT_ROUTE) {
            struct ct_route *route = CONTAINER_OF(e, struct ct_route, e);
            if (ct_route_best(route)) {
                struct json *text = (t->text_routes
                                     ? route_to_text(route, &bytes) : NULL);
                if (text) {
                    json_array_add(routes_text, text);
                } else {
                    json_array_add(routes, route_to_json(route, &bytes));
                }
                route->e.announced = true;
                counts->routes++;
            } else {
                json_array_add(routes_withdrawn,
                               prefix_to_json(&route->prefix));
                bytes += 48;
                counts->routes_withdrawn++;
                route->e.announced = false;
                ct_route_free(t, route);
            }
        } else {
            struct ct_neigh *neigh = CONTAINER_OF(e, struct ct_neigh, e);
            ovs_assert(e->type == CT_NEIGH);
            if (neigh->present) {
                json_array_add(neighs, neigh_to_json(neigh, false, &bytes));
                neigh->e.announced = true;
                counts->neighs++;
            } else {
                json_array_add(neighs_withdrawn,
                               neigh_to_json(neigh, true, &bytes));
                counts->neighs_withdrawn++;
                ct_neigh_free(t, neigh);
            }
        }
    }

    struct json *params = json_object_create();
    add_member(params, "routes", routes);
    add_member(params, "routes-text", routes_text);
    add_member(params, "routes-withdrawn", routes_withdrawn);
    add_member(params, "neighbors", neighs);
    add_member(params, "neighbors-withdrawn", neighs_withdrawn);
    if (!n) {
        json_destroy(params);
        return NULL;
    }
    return params;
}
