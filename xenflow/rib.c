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

#include "xenflow/rib.h"

#include <string.h>

#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

void
xf_rib_init(struct xf_rib *rib)
{
    hmap_init(&rib->routes);
    hmap_init(&rib->neighs);
    sset_init(&rib->devs);
}

void
xf_rib_destroy(struct xf_rib *rib)
{
    struct xf_route *route;
    struct xf_neigh *neigh;

    HMAP_FOR_EACH_POP (route, node, &rib->routes) {
        free(route);
    }
    hmap_destroy(&rib->routes);
    HMAP_FOR_EACH_POP (neigh, node, &rib->neighs) {
        free(neigh);
    }
    hmap_destroy(&rib->neighs);
    sset_destroy(&rib->devs);
}

/* Interned interface names: a route stores a pointer, not a copy, which
 * matters with a million routes over a handful of interfaces. */
static const char *
intern_dev(struct xf_rib *rib, const char *dev)
{
    struct sset_node *node = sset_find(&rib->devs, dev);
    if (!node) {
        node = sset_add(&rib->devs, dev);
    }
    return node->name;
}

struct xf_route *
xf_rib_route_find(const struct xf_rib *rib, const struct xf_prefix *prefix)
{
    struct xf_route *route;

    HMAP_FOR_EACH_WITH_HASH (route, node, xf_prefix_hash(prefix, 0),
                             &rib->routes) {
        if (xf_prefix_equals(&route->prefix, prefix)) {
            return route;
        }
    }
    return NULL;
}

/* Adds a route for 'prefix' via 'gw' (NULL: directly connected) out of
 * 'dev', or replaces the existing route for 'prefix'.  Clears the route's
 * stale mark.  Sets '*changed' to whether anything the data plane depends
 * on changed (a new route, or a different next hop). */
struct xf_route *
xf_rib_route_set(struct xf_rib *rib, const struct xf_prefix *prefix,
                 const struct in6_addr *gw, const char *dev, bool *changed)
{
    struct xf_route *route = xf_rib_route_find(rib, prefix);
    const char *idev = intern_dev(rib, dev);

    if (!route) {
        route = xzalloc(sizeof *route);
        route->prefix = *prefix;
        hmap_insert(&rib->routes, &route->node, xf_prefix_hash(prefix, 0));
        *changed = true;
    } else {
        *changed = (route->dev != idev || route->has_gw != (gw != NULL)
                    || (gw && !ipv6_addr_equals(&route->gw, gw)));
    }
    route->has_gw = gw != NULL;
    route->gw = gw ? *gw : in6addr_any;
    route->dev = idev;
    route->stale = false;
    return route;
}

/* Removes the route for 'prefix' from 'rib' and returns it (the caller frees
 * it), or returns NULL if there is none. */
struct xf_route *
xf_rib_route_remove(struct xf_rib *rib, const struct xf_prefix *prefix)
{
    struct xf_route *route = xf_rib_route_find(rib, prefix);
    if (route) {
        hmap_remove(&rib->routes, &route->node);
    }
    return route;
}

static uint32_t
neigh_hash(const char *dev, const struct in6_addr *ip)
{
    return hash_bytes(ip, sizeof *ip, hash_string(dev, 0));
}

struct xf_neigh *
xf_rib_neigh_find(const struct xf_rib *rib, const char *dev,
                  const struct in6_addr *ip)
{
    struct xf_neigh *neigh;

    HMAP_FOR_EACH_WITH_HASH (neigh, node, neigh_hash(dev, ip),
                             &rib->neighs) {
        if (!strcmp(neigh->dev, dev) && ipv6_addr_equals(&neigh->ip, ip)) {
            return neigh;
        }
    }
    return NULL;
}

/* Adds or replaces the neighbour 'ip' on 'dev' with 'mac'.  Clears its stale
 * mark.  Sets '*changed' as for xf_rib_route_set(). */
struct xf_neigh *
xf_rib_neigh_set(struct xf_rib *rib, const char *dev,
                 const struct in6_addr *ip, struct eth_addr mac,
                 bool *changed)
{
    struct xf_neigh *neigh = xf_rib_neigh_find(rib, dev, ip);

    if (!neigh) {
        neigh = xzalloc(sizeof *neigh);
        neigh->dev = intern_dev(rib, dev);
        neigh->ip = *ip;
        hmap_insert(&rib->neighs, &neigh->node, neigh_hash(dev, ip));
        *changed = true;
    } else {
        *changed = !eth_addr_equals(neigh->mac, mac);
    }
    neigh->mac = mac;
    neigh->stale = false;
    return neigh;
}

struct xf_neigh *
xf_rib_neigh_remove(struct xf_rib *rib, const char *dev,
                    const struct in6_addr *ip)
{
    struct xf_neigh *neigh = xf_rib_neigh_find(rib, dev, ip);
    if (neigh) {
        hmap_remove(&rib->neighs, &neigh->node);
    }
    return neigh;
}

/* Marks every route and neighbour stale, for mark-and-sweep. */
void
xf_rib_mark_stale(struct xf_rib *rib)
{
    struct xf_route *route;
    struct xf_neigh *neigh;

    HMAP_FOR_EACH (route, node, &rib->routes) {
        route->stale = true;
    }
    HMAP_FOR_EACH (neigh, node, &rib->neighs) {
        neigh->stale = true;
    }
}

static bool
is_valid_dev(const char *s)
{
    size_t len = strlen(s);
    return len > 0 && len < 64 && !strpbrk(s, " \t\n,=/\"'");
}

/* Parses "PREFIX [via GATEWAY] [dev INTERFACE]" from 'argv' (with 'argc'
 * words).  Returns NULL on success, otherwise a malloc()'d error; on success
 * the caller must free spec->dev. */
char *
xf_route_spec_parse(int argc, const char *argv[], struct xf_route_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    if (argc < 1) {
        return xstrdup("missing PREFIX");
    }

    char *error = xf_prefix_parse(argv[0], false, &spec->prefix);
    if (error) {
        return error;
    }
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc) {
            error = xasprintf("\"%s\" needs a value", argv[i]);
        } else if (!strcmp(argv[i], "via") && !spec->has_gw) {
            error = xf_addr_parse(argv[i + 1], &spec->gw);
            if (!error && (xf_addr_is_ipv4(&spec->gw)
                           != xf_addr_is_ipv4(&spec->prefix.addr))) {
                error = xasprintf("gateway %s and prefix %s are not of the "
                                  "same address family", argv[i + 1],
                                  argv[0]);
            }
            spec->has_gw = true;
        } else if (!strcmp(argv[i], "dev") && !spec->dev) {
            if (!is_valid_dev(argv[i + 1])) {
                error = xasprintf("\"%s\" is not an interface name",
                                  argv[i + 1]);
            } else {
                spec->dev = xstrdup(argv[i + 1]);
            }
        } else {
            error = xasprintf("unexpected \"%s\" (expected PREFIX "
                              "[via GATEWAY] [dev INTERFACE])", argv[i]);
        }
        if (error) {
            break;
        }
    }
    if (!error && !spec->has_gw && !spec->dev) {
        error = xasprintf("route %s needs \"via GATEWAY\" or "
                          "\"dev INTERFACE\"", argv[0]);
    }
    if (error) {
        free(spec->dev);
        spec->dev = NULL;
    }
    return error;
}

/* Parses "ADDRESS [MAC] [dev INTERFACE]" (MAC only if 'want_mac'). */
char *
xf_neigh_spec_parse(int argc, const char *argv[], bool want_mac,
                    struct xf_neigh_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    if (argc < 1 + want_mac) {
        return xstrdup(want_mac ? "missing ADDRESS MAC" : "missing ADDRESS");
    }

    char *error = xf_addr_parse(argv[0], &spec->ip);
    if (error) {
        return error;
    }
    int i = 1;
    if (want_mac) {
        if (!eth_addr_from_string(argv[1], &spec->mac)
            || eth_addr_is_multicast(spec->mac)
            || eth_addr_is_zero(spec->mac)) {
            return xasprintf("\"%s\" is not a unicast Ethernet address",
                             argv[1]);
        }
        i = 2;
    }
    if (i < argc) {
        if (strcmp(argv[i], "dev") || i + 2 != argc) {
            return xasprintf("unexpected \"%s\" (expected ADDRESS%s "
                             "[dev INTERFACE])", argv[i],
                             want_mac ? " MAC" : "");
        } else if (!is_valid_dev(argv[i + 1])) {
            return xasprintf("\"%s\" is not an interface name", argv[i + 1]);
        }
        spec->dev = xstrdup(argv[i + 1]);
    }
    return NULL;
}
