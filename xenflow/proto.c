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

#include "xenflow/proto.h"

#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "packets.h"
#include "util.h"

/* Returns the single object in 'params' (a JSON-RPC params array), or NULL
 * and sets '*errorp'. */
static const struct json *
params_object(const struct json *params, char **errorp)
{
    if (!params || params->type != JSON_ARRAY || params->array.n != 1
        || params->array.elems[0]->type != JSON_OBJECT) {
        *errorp = xstrdup("params must be an array holding one object");
        return NULL;
    }
    return params->array.elems[0];
}

/* Returns member 'name' of 'object' if it has JSON type 'type'.  A member of
 * another type is an error, and so is a missing one if 'required'; a missing
 * optional member yields NULL without error.  'what' names 'object' in error
 * messages. */
static const struct json *
get_member(const struct json *object, const char *what, const char *name,
           enum json_type type, bool required, char **errorp)
{
    const struct json *value = shash_find_data(json_object(object), name);

    if (*errorp) {
        return NULL;
    } else if (!value) {
        if (required) {
            *errorp = xasprintf("%s: missing \"%s\"", what, name);
        }
        return NULL;
    } else if (value->type != type) {
        *errorp = xasprintf("%s: \"%s\" must be %s, not %s", what, name,
                            json_type_to_string(type),
                            json_type_to_string(value->type));
        return NULL;
    }
    return value;
}

/* Returns the string member 'name' of 'object', or NULL (see get_member()).
 * Strings must be nonempty. */
static const char *
get_string(const struct json *object, const char *what, const char *name,
           bool required, char **errorp)
{
    const struct json *value = get_member(object, what, name, JSON_STRING,
                                          required, errorp);
    if (value && !value->string[0]) {
        *errorp = xasprintf("%s: \"%s\" must not be empty", what, name);
        return NULL;
    }
    return value ? value->string : NULL;
}

/* Checks that every element of 'array' has JSON type 'type'. */
static char *
check_elements(const struct json *array, const char *what,
               enum json_type type)
{
    for (size_t i = 0; i < array->array.n; i++) {
        enum json_type t = array->array.elems[i]->type;
        if (t != type) {
            return xasprintf("%s[%"PRIuSIZE"] must be %s, not %s", what, i,
                             json_type_to_string(type),
                             json_type_to_string(t));
        }
    }
    return NULL;
}

/* Whether 's' can be a Linux interface name: 1 to 15 bytes, printable, no
 * spaces or slashes.  Anything else from a client is refused before it can
 * reach a log line or a table. */
static bool
is_ifname(const char *s)
{
    size_t len = strlen(s);

    if (!len || len > 15) {
        return false;
    }
    for (const char *p = s; *p; p++) {
        if (*p <= ' ' || *p >= 0x7f || *p == '/') {
            return false;
        }
    }
    return true;
}

/* "hello". */

void
xf_proto_hello_destroy(struct xf_proto_hello *hello)
{
    if (hello) {
        for (size_t i = 0; i < hello->n_ifaces; i++) {
            free(hello->ifaces[i].name);
            free(hello->ifaces[i].addrs);
        }
        free(hello->ifaces);
        free(hello->router);
        free(hello->client);
        memset(hello, 0, sizeof *hello);
    }
}

static char *
parse_iface(const struct json *json, size_t idx, struct xf_proto_iface *iface)
{
    char *what = xasprintf("interfaces[%"PRIuSIZE"]", idx);
    char *error = NULL;

    if (json->type != JSON_OBJECT) {
        error = xasprintf("%s must be an object", what);
        goto out;
    }
    const char *name = get_string(json, what, "name", true, &error);
    const char *mac = get_string(json, what, "mac", true, &error);
    const struct json *addrs = get_member(json, what, "addresses",
                                          JSON_ARRAY, false, &error);
    if (error) {
        goto out;
    }
    iface->name = xstrdup(name);
    if (!is_ifname(name)) {
        error = xasprintf("%s: \"%s\" is not an interface name", what,
                          name);
        goto out;
    }
    if (!eth_addr_from_string(mac, &iface->mac)) {
        error = xasprintf("%s: \"%s\" is not a MAC address", what, mac);
        goto out;
    }
    if (addrs) {
        if (addrs->array.n > XF_PROTO_MAX_ADDRS) {
            error = xasprintf("%s: more than %d addresses", what,
                              XF_PROTO_MAX_ADDRS);
            goto out;
        }
        error = check_elements(addrs, "addresses", JSON_STRING);
        if (error) {
            goto out;
        }
        iface->addrs = xcalloc(addrs->array.n, sizeof *iface->addrs);
        for (size_t i = 0; i < addrs->array.n; i++) {
            error = xf_prefix_parse(addrs->array.elems[i]->string, true,
                                    &iface->addrs[iface->n_addrs]);
            if (error) {
                char *e = xasprintf("%s: %s", what, error);
                free(error);
                error = e;
                goto out;
            }
            iface->n_addrs++;
        }
    }

out:
    free(what);
    return error;
}

/* Parses the params of a "hello" request into 'hello', which the caller must
 * free with xf_proto_hello_destroy() whatever the result.  Any problem in a
 * hello is fatal to it: the server cannot map the router's interfaces from a
 * partial list. */
char *
xf_proto_parse_hello(const struct json *params, struct xf_proto_hello *hello)
{
    char *error = NULL;

    memset(hello, 0, sizeof *hello);
    const struct json *obj = params_object(params, &error);
    if (!obj) {
        return error;
    }
    const struct json *protocol = get_member(obj, "hello", "protocol",
                                             JSON_INTEGER, true, &error);
    const char *router = get_string(obj, "hello", "router", true, &error);
    const char *client = get_string(obj, "hello", "client", false, &error);
    const struct json *ifaces = get_member(obj, "hello", "interfaces",
                                           JSON_ARRAY, true, &error);
    if (error) {
        return error;
    }

    hello->protocol = protocol->integer;
    hello->router = xstrdup(router);
    hello->client = nullable_xstrdup(client);
    if (ifaces->array.n > XF_PROTO_MAX_IFACES) {
        return xasprintf("hello: more than %d interfaces",
                         XF_PROTO_MAX_IFACES);
    }
    hello->ifaces = xcalloc(ifaces->array.n, sizeof *hello->ifaces);
    for (size_t i = 0; i < ifaces->array.n; i++) {
        error = parse_iface(ifaces->array.elems[i], i,
                            &hello->ifaces[hello->n_ifaces]);
        hello->n_ifaces++;
        if (error) {
            return error;
        }
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(hello->ifaces[j].name, hello->ifaces[i].name)) {
                return xasprintf("hello: interface %s listed twice",
                                 hello->ifaces[i].name);
            }
        }
    }
    return NULL;
}

/* "update". */

void
xf_proto_update_destroy(struct xf_proto_update *u)
{
    if (u) {
        for (size_t i = 0; i < u->n_routes; i++) {
            xf_route_spec_destroy(&u->routes[i]);
        }
        free(u->routes);
        free(u->routes_withdrawn);
        for (size_t i = 0; i < u->n_neighs; i++) {
            free(u->neighs[i].dev);
        }
        free(u->neighs);
        for (size_t i = 0; i < u->n_neighs_withdrawn; i++) {
            free(u->neighs_withdrawn[i].dev);
        }
        free(u->neighs_withdrawn);
        svec_destroy(&u->errors);
        memset(u, 0, sizeof *u);
    }
}

/* Checks the types of route 'json' (structure: fatal to the request). */
static char *
check_route(const struct json *json, size_t idx)
{
    char *what = xasprintf("routes[%"PRIuSIZE"]", idx);
    char *error = NULL;

    if (json->type != JSON_OBJECT) {
        error = xasprintf("%s must be an object", what);
    } else {
        get_string(json, what, "dst", true, &error);
        const struct json *nhs = get_member(json, what, "nexthops",
                                            JSON_ARRAY, true, &error);
        if (!error) {
            error = check_elements(nhs, "nexthops", JSON_OBJECT);
        }
        for (size_t i = 0; !error && i < nhs->array.n; i++) {
            get_string(nhs->array.elems[i], what, "gw", false, &error);
            get_string(nhs->array.elems[i], what, "dev", false, &error);
        }
    }
    free(what);
    return error;
}

/* Parses the values of route 'json' (types already checked) into 'spec'.
 * Returns NULL or why this entry is left out. */
static char *
parse_route(const struct json *json, struct xf_route_spec *spec)
{
    const char *dst = json_string(shash_find_data(json_object(json), "dst"));
    const struct json *nhs = shash_find_data(json_object(json), "nexthops");
    char *error;

    /* Not the whole spec: its 16 next-hop slots are most of it, and a
     * snapshot parses a million of them. */
    spec->n_nexthops = 0;
    error = xf_prefix_parse(dst, false, &spec->prefix);
    if (error) {
        goto error;
    } else if (!nhs->array.n || nhs->array.n > XF_MAX_NEXTHOPS) {
        error = xasprintf("must have 1 to %d next hops", XF_MAX_NEXTHOPS);
        goto error;
    }
    for (size_t i = 0; i < nhs->array.n; i++) {
        const struct shash *nh = json_object(nhs->array.elems[i]);
        const struct json *gw = shash_find_data(nh, "gw");
        const struct json *dev = shash_find_data(nh, "dev");
        struct xf_nexthop_spec *nhs_i = &spec->nexthops[i];
        *nhs_i = (struct xf_nexthop_spec) { .has_gw = false };

        if (!gw && !dev) {
            error = xstrdup("a next hop needs \"gw\", \"dev\" or both");
            goto error;
        }
        if (gw) {
            error = xf_addr_parse(json_string(gw), &nhs_i->gw);
            if (error) {
                goto error;
            } else if (xf_addr_is_ipv4(&nhs_i->gw)
                       != xf_addr_is_ipv4(&spec->prefix.addr)) {
                error = xasprintf("gateway %s is not in the family of the "
                                  "destination", json_string(gw));
                goto error;
            }
            nhs_i->has_gw = true;
        }
        if (dev && !is_ifname(json_string(dev))) {
            error = xasprintf("\"%s\" is not an interface name",
                              json_string(dev));
            goto error;
        }
        nhs_i->dev = dev ? xstrdup(json_string(dev)) : NULL;
        spec->n_nexthops++;
    }
    return NULL;

error:;
    char *e = xasprintf("route %s: %s", dst, error);
    free(error);
    xf_route_spec_destroy(spec);
    return e;
}

/* Parses route 'text', in the syntax of "ovs-appctl xenflow/route-add"
 * after the router ("PREFIX [via GATEWAY] [dev INTERFACE]..."), into
 * 'spec'.  One JSON string per route instead of three objects: the compact
 * form a client uses for large snapshots when the server offers it. */
static char *
parse_route_text(const char *text, struct xf_route_spec *spec)
{
    const char *words[XF_MAX_WORDS];
    char *copy = xstrdup(text);
    int n = xf_split_words(copy, words);
    char *error = n < 0 ? xstrdup("too many words") : NULL;

    spec->n_nexthops = 0;
    if (!error) {
        error = xf_route_spec_parse(n, words, spec);
    }
    if (error) {
        char *e = xasprintf("route \"%s\": %s", text, error);
        free(error);
        xf_route_spec_destroy(spec);
        error = e;
    }
    free(copy);
    return error;
}

/* Checks the types of neighbour 'json'. */
static char *
check_neigh(const struct json *json, const char *member, size_t idx,
            bool want_mac)
{
    char *what = xasprintf("%s[%"PRIuSIZE"]", member, idx);
    char *error = NULL;

    if (json->type != JSON_OBJECT) {
        error = xasprintf("%s must be an object", what);
    } else {
        get_string(json, what, "ip", true, &error);
        get_string(json, what, "dev", false, &error);
        get_string(json, what, "mac", want_mac, &error);
    }
    free(what);
    return error;
}

static char *
parse_neigh(const struct json *json, bool want_mac,
            struct xf_neigh_spec *spec)
{
    const struct shash *obj = json_object(json);
    const char *ip = json_string(shash_find_data(obj, "ip"));
    const struct json *dev = shash_find_data(obj, "dev");
    char *error;

    memset(spec, 0, sizeof *spec);
    error = xf_addr_parse(ip, &spec->ip);
    if (!error && want_mac) {
        const char *mac = json_string(shash_find_data(obj, "mac"));
        if (!eth_addr_from_string(mac, &spec->mac)) {
            error = xasprintf("\"%s\" is not a MAC address", mac);
        } else if (eth_addr_is_multicast(spec->mac)
                   || eth_addr_is_zero(spec->mac)) {
            error = xasprintf("%s is not a unicast MAC address", mac);
        }
    }
    if (!error && dev && !is_ifname(json_string(dev))) {
        error = xasprintf("\"%s\" is not an interface name",
                          json_string(dev));
    }
    if (error) {
        char *e = xasprintf("neighbour %s: %s", ip, error);
        free(error);
        return e;
    }
    spec->dev = dev ? xstrdup(json_string(dev)) : NULL;
    return NULL;
}

/* Parses the params of an "update" request into 'u', which the caller must
 * free with xf_proto_update_destroy() whatever the result. */
char *
xf_proto_parse_update(const struct json *params, size_t max_entries,
                      struct xf_proto_update *u)
{
    char *error = NULL;

    memset(u, 0, sizeof *u);
    svec_init(&u->errors);
    const struct json *obj = params_object(params, &error);
    if (!obj) {
        return error;
    }
    const struct json *routes = get_member(obj, "update", "routes",
                                           JSON_ARRAY, false, &error);
    const struct json *rt = get_member(obj, "update", "routes-text",
                                       JSON_ARRAY, false, &error);
    const struct json *rw = get_member(obj, "update", "routes-withdrawn",
                                       JSON_ARRAY, false, &error);
    const struct json *neighs = get_member(obj, "update", "neighbors",
                                           JSON_ARRAY, false, &error);
    const struct json *nw = get_member(obj, "update", "neighbors-withdrawn",
                                       JSON_ARRAY, false, &error);
    if (error) {
        return error;
    }

    size_t n_json_routes = routes ? routes->array.n : 0;
    size_t n_text_routes = rt ? rt->array.n : 0;
    size_t n_routes = n_json_routes + n_text_routes;
    size_t n_rw = rw ? rw->array.n : 0;
    size_t n_neighs = neighs ? neighs->array.n : 0;
    size_t n_nw = nw ? nw->array.n : 0;
    size_t total = n_routes + n_rw + n_neighs + n_nw;
    if (total > max_entries) {
        u->too_many = true;
        return xasprintf("update has %"PRIuSIZE" entries, more than the "
                         "%"PRIuSIZE" allowed in one request", total,
                         max_entries);
    }

    /* First the structure of every entry, so that a request with a type
     * error changes nothing. */
    for (size_t i = 0; !error && i < n_json_routes; i++) {
        error = check_route(routes->array.elems[i], i);
    }
    if (!error && rt) {
        error = check_elements(rt, "routes-text", JSON_STRING);
    }
    if (!error && rw) {
        error = check_elements(rw, "routes-withdrawn", JSON_STRING);
    }
    for (size_t i = 0; !error && i < n_neighs; i++) {
        error = check_neigh(neighs->array.elems[i], "neighbors", i, true);
    }
    for (size_t i = 0; !error && i < n_nw; i++) {
        error = check_neigh(nw->array.elems[i], "neighbors-withdrawn", i,
                            false);
    }
    if (error) {
        return error;
    }

    /* Then the values, entry by entry. */
    u->routes = xmalloc(MAX(n_routes, 1) * sizeof *u->routes);
    for (size_t i = 0; i < n_json_routes; i++) {
        char *e = parse_route(routes->array.elems[i],
                              &u->routes[u->n_routes]);
        if (e) {
            svec_add_nocopy(&u->errors, e);
        } else {
            u->n_routes++;
        }
    }
    for (size_t i = 0; i < n_text_routes; i++) {
        char *e = parse_route_text(json_string(rt->array.elems[i]),
                                   &u->routes[u->n_routes]);
        if (e) {
            svec_add_nocopy(&u->errors, e);
        } else {
            u->n_routes++;
        }
    }
    u->routes_withdrawn = xcalloc(n_rw, sizeof *u->routes_withdrawn);
    for (size_t i = 0; i < n_rw; i++) {
        const char *s = json_string(rw->array.elems[i]);
        char *e = xf_prefix_parse(s, false,
                                  &u->routes_withdrawn[u->n_routes_withdrawn]);
        if (e) {
            svec_add_nocopy(&u->errors, xasprintf("withdrawn route %s: %s",
                                                  s, e));
            free(e);
        } else {
            u->n_routes_withdrawn++;
        }
    }
    u->neighs = xcalloc(n_neighs, sizeof *u->neighs);
    for (size_t i = 0; i < n_neighs; i++) {
        char *e = parse_neigh(neighs->array.elems[i], true,
                              &u->neighs[u->n_neighs]);
        if (e) {
            svec_add_nocopy(&u->errors, e);
        } else {
            u->n_neighs++;
        }
    }
    u->neighs_withdrawn = xcalloc(n_nw, sizeof *u->neighs_withdrawn);
    for (size_t i = 0; i < n_nw; i++) {
        char *e = parse_neigh(nw->array.elems[i], false,
                              &u->neighs_withdrawn[u->n_neighs_withdrawn]);
        if (e) {
            svec_add_nocopy(&u->errors, e);
        } else {
            u->n_neighs_withdrawn++;
        }
    }
    return NULL;
}

char *
xf_proto_parse_empty(const struct json *params)
{
    char *error = NULL;
    params_object(params, &error);
    return error;
}
