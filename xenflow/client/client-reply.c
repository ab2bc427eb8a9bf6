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

#include "xenflow/client/client-reply.h"

#include <stdio.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "util.h"

/* Returns member 'name' of 'object', or NULL if 'object' is not an object or
 * has no such member. */
static const struct json *
get_member(const struct json *object, const char *name)
{
    return (object && object->type == JSON_OBJECT
            ? shash_find_data(json_object(object), name)
            : NULL);
}

/* Returns integer member 'name' of 'object', or 'default_value' if there is
 * none. */
int64_t
xfc_json_get_int(const struct json *object, const char *name,
                 int64_t default_value)
{
    const struct json *value = get_member(object, name);
    return value && value->type == JSON_INTEGER ? json_integer(value)
                                                : default_value;
}

/* Decodes 'result', the result of "hello", into '*hello'.  The caller
 * frees '*hello' with xfc_hello_result_destroy(). */
void
xfc_hello_result_parse(const struct json *result,
                       struct xfc_hello_result *hello)
{
    hello->session = xfc_json_get_int(result, "session", -1);
    hello->max_batch = xfc_json_get_int(result, "max-batch", 0);
    hello->max_message = xfc_json_get_int(result, "max-message", 0);
    hello->probe_interval = xfc_json_get_int(result, "probe-interval", 0);

    const struct json *text = get_member(result, "routes-text");
    hello->text_routes = text && text->type == JSON_TRUE;

    svec_init(&hello->iface_map);
    const struct json *ifaces = get_member(result, "interfaces");
    if (ifaces && ifaces->type == JSON_ARRAY) {
        for (size_t i = 0; i < json_array(ifaces)->n; i++) {
            const struct json *m = json_array(ifaces)->elems[i];
            const struct json *name = get_member(m, "name");
            const struct json *port = get_member(m, "port");
            if (name && port && name->type == JSON_STRING
                && port->type == JSON_STRING) {
                svec_add_nocopy(&hello->iface_map,
                                xasprintf("%s -> %s", json_string(name),
                                          json_string(port)));
            }
        }
    }

    svec_init(&hello->unmapped);
    const struct json *unmapped = get_member(result, "unmapped");
    if (unmapped && unmapped->type == JSON_ARRAY) {
        for (size_t i = 0; i < json_array(unmapped)->n; i++) {
            const struct json *name = json_array(unmapped)->elems[i];
            if (name->type == JSON_STRING) {
                svec_add(&hello->unmapped, json_string(name));
            }
        }
    }
}

void
xfc_hello_result_destroy(struct xfc_hello_result *hello)
{
    svec_destroy(&hello->iface_map);
    svec_destroy(&hello->unmapped);
}

/* Appends the interfaces the server mapped to ports ('iface_map': "eth0 ->
 * vr1, ...") and those it could not map ('unmapped') to 's'. */
void
xfc_format_iface_map(const struct svec *iface_map,
                     const struct svec *unmapped, struct ds *s)
{
    for (size_t i = 0; i < iface_map->n; i++) {
        ds_put_format(s, "%s%s", i ? ", " : "", iface_map->names[i]);
    }
    if (unmapped->n) {
        ds_put_cstr(s, "; unmapped:");
        for (size_t i = 0; i < unmapped->n; i++) {
            ds_put_format(s, " %s", unmapped->names[i]);
        }
    }
}

/* Returns a malloc()'d description of 'error', an error reply's "error"
 * member: "NAME: DETAILS" in the protocol's form, else its JSON. */
char *
xfc_error_reply_to_string(const struct json *error)
{
    const struct json *name = get_member(error, "error");
    const struct json *details = get_member(error, "details");

    if (name && name->type == JSON_STRING) {
        return (details && details->type == JSON_STRING
                ? xasprintf("%s: %s", json_string(name),
                            json_string(details))
                : xstrdup(json_string(name)));
    }
    return json_to_string(error, 0);
}

/* Appends the strings of the "errors" array of 'result', the result of an
 * "update", to 'rejections', then keeps only the last 'max'. */
void
xfc_add_rejections(struct svec *rejections, const struct json *result,
                   size_t max)
{
    const struct json *errors = get_member(result, "errors");

    if (!errors || errors->type != JSON_ARRAY) {
        return;
    }
    for (size_t i = 0; i < json_array(errors)->n; i++) {
        const struct json *e = json_array(errors)->elems[i];
        if (e->type == JSON_STRING) {
            svec_add(rejections, json_string(e));
        }
    }
    if (rejections->n > max) {
        size_t excess = rejections->n - max;
        for (size_t i = 0; i < excess; i++) {
            free(rejections->names[i]);
        }
        memmove(rejections->names, rejections->names + excess,
                max * sizeof *rejections->names);
        rejections->n = max;
    }
}

/* The server closes a session whose message was too large, after an
 * "error" notification whose 'params' say "message exceeds N bytes".  If
 * 'params' say so, stores N in '*limit' and returns true. */
bool
xfc_size_error_limit(const struct json *params, unsigned int *limit)
{
    if (params && params->type == JSON_ARRAY && json_array(params)->n
        && json_array(params)->elems[0]->type == JSON_STRING) {
        const char *reason = json_string(json_array(params)->elems[0]);
        const char *p = strstr(reason, "exceeds ");

        return p && sscanf(p, "exceeds %u", limit) == 1;
    }
    return false;
}
