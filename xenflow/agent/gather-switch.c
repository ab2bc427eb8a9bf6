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
/* Parsers of ovs-vswitchd's XenFlow replies (see gather-switch.h). */

#include <config.h>

#include "xenflow/agent/gather-switch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/json.h"
#include "util.h"

void
xfa_sw_figures_init(struct xfa_sw_figures *f)
{
    shash_init(&f->routers);
    f->queues = NULL;
    f->n_queues = 0;
    f->trunks = NULL;
    f->n_trunks = 0;
}

static void
migration_destroy(struct xfa_sw_migration *m)
{
    if (m) {
        free(m->direction);
        free(m->peer);
        free(m->phase);
        free(m->result);
        free(m);
    }
}

static void
router_destroy(struct xfa_sw_router *r)
{
    if (r) {
        free(r->name);
        free(r->bridge);
        svec_destroy(&r->networks);
        free(r->client);
        free(r->status);
        migration_destroy(r->migration);
        free(r);
    }
}

static void
routers_clear(struct shash *routers)
{
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, routers) {
        router_destroy(node->data);
        shash_delete(routers, node);
    }
}

static void
queues_clear(struct xfa_sw_figures *f)
{
    for (size_t i = 0; i < f->n_queues; i++) {
        free(f->queues[i].port);
        free(f->queues[i].network);
        free(f->queues[i].mode);
    }
    free(f->queues);
    f->queues = NULL;
    f->n_queues = 0;
}

static void
trunks_free(struct xfa_sw_trunk *trunks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(trunks[i].bridge);
        free(trunks[i].port);
        free(trunks[i].peer_node);
        free(trunks[i].peer_port);
        free(trunks[i].seen);
    }
    free(trunks);
}

void
xfa_sw_figures_destroy(struct xfa_sw_figures *f)
{
    if (f) {
        routers_clear(&f->routers);
        shash_destroy(&f->routers);
        queues_clear(f);
        trunks_free(f->trunks, f->n_trunks);
        f->trunks = NULL;
        f->n_trunks = 0;
    }
}

void
xfa_sw_figures_swap(struct xfa_sw_figures *a, struct xfa_sw_figures *b)
{
    struct xfa_sw_queue *queues = a->queues;
    size_t n_queues = a->n_queues;

    shash_swap(&a->routers, &b->routers);
    a->queues = b->queues;
    a->n_queues = b->n_queues;
    b->queues = queues;
    b->n_queues = n_queues;

    struct xfa_sw_trunk *trunks = a->trunks;
    size_t n_trunks = a->n_trunks;
    a->trunks = b->trunks;
    a->n_trunks = b->n_trunks;
    b->trunks = trunks;
    b->n_trunks = n_trunks;
}

/* Parses 'text' as JSON into '*jsonp'.  'what' names the reply. */
static char *
parse_json(const char *text, const char *what, struct json **jsonp)
{
    struct json *json = json_from_string(text);
    if (json->type == JSON_STRING) {
        char *error = xasprintf("%s: not JSON: %s", what, json_string(json));
        json_destroy(json);
        *jsonp = NULL;
        return error;
    }
    *jsonp = json;
    return NULL;
}

/* Member 'key' of object 'o', of type 'type'; NULL and '*errorp' set if it
 * is missing or of another type ('where' says whose member it is). */
static const struct json *
member(const struct json *o, const char *key, enum json_type type,
       const char *where, char **errorp)
{
    const struct json *m = shash_find_data(json_object(o), key);
    if (!m) {
        *errorp = xasprintf("%s: no \"%s\"", where, key);
    } else if (m->type != type) {
        *errorp = xasprintf("%s: \"%s\" should be %s, not %s", where,
                            key, json_type_to_string(type),
                            json_type_to_string(m->type));
        m = NULL;
    }
    return m;
}

/* Counter 'key' of 'o' (a nonnegative integer) into '*x'. */
static void
get_count(const struct json *o, const char *key, const char *where,
          unsigned long long *x, char **errorp)
{
    if (*errorp) {
        return;
    }
    const struct json *m = member(o, key, JSON_INTEGER, where, errorp);
    if (m && json_integer(m) < 0) {
        *errorp = xasprintf("%s: \"%s\" is negative", where, key);
    } else if (m) {
        *x = json_integer(m);
    }
}

static char *
get_string(const struct json *o, const char *key, const char *where,
           char **errorp)
{
    if (*errorp) {
        return NULL;
    }
    const struct json *m = member(o, key, JSON_STRING, where, errorp);
    return m ? xstrdup(json_string(m)) : NULL;
}

static void
get_networks(const struct json *o, const char *where,
             struct svec *networks, char **errorp)
{
    if (*errorp) {
        return;
    }
    const struct json *ifaces = member(o, "interfaces", JSON_ARRAY, where,
                                       errorp);
    for (size_t i = 0; ifaces && i < json_array(ifaces)->n; i++) {
        const struct json *iface = json_array(ifaces)->elems[i];
        const struct json *net = (iface->type == JSON_OBJECT
                                  ? shash_find_data(json_object(iface),
                                                    "network")
                                  : NULL);
        if (!net || net->type != JSON_STRING) {
            *errorp = xasprintf("%s: interface %"PRIuSIZE" has no network",
                                where, i + 1);
            return;
        }
        svec_add(networks, json_string(net));
    }
    svec_sort_unique(networks);
}

static struct xfa_sw_router *
parse_router(const struct json *o, size_t index, char **errorp)
{
    char *where = xasprintf("xenflow/show: router %"PRIuSIZE, index + 1);
    struct xfa_sw_router *r = xzalloc(sizeof *r);

    svec_init(&r->networks);
    if (o->type != JSON_OBJECT) {
        *errorp = xasprintf("%s is not an object", where);
    }
    r->name = get_string(o, "name", where, errorp);
    if (r->name) {
        free(where);
        where = xasprintf("xenflow/show: router %s", r->name);
    }
    r->bridge = get_string(o, "bridge", where, errorp);
    r->client = get_string(o, "client", where, errorp);
    r->status = get_string(o, "status", where, errorp);
    get_networks(o, where, &r->networks, errorp);

    const struct {
        const char *key;
        unsigned long long *x;
    } counts[] = {
        { "routes", &r->routes },
        { "routes_installed", &r->routes_installed },
        { "neighbors", &r->neighbors },
        { "neighbors_installed", &r->neighbors_installed },
        { "flow_count", &r->flows },
        { "flows_pending", &r->flows_pending },
        { "routed_packets", &r->routed_packets },
        { "to_vm_packets", &r->to_vm_packets },
        { "route_updates", &r->route_updates },
        { "neighbor_updates", &r->neighbor_updates },
        { "rejected", &r->rejected },
    };
    for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
        get_count(o, counts[i].key, where, counts[i].x, errorp);
    }
    free(where);
    if (*errorp) {
        router_destroy(r);
        return NULL;
    }
    return r;
}

/* Parses a "xenflow/show --json" reply into 'f''s routers (replacing them,
 * with their migrations).  Fields it does not know are ignored. */
char *
xfa_sw_parse_show(const char *text, struct xfa_sw_figures *f)
{
    struct json *json;
    char *error = parse_json(text, "xenflow/show", &json);
    if (error) {
        return error;
    }

    struct shash routers = SHASH_INITIALIZER(&routers);
    const struct json *array = (json->type == JSON_OBJECT
                                ? member(json, "routers", JSON_ARRAY,
                                         "xenflow/show", &error)
                                : NULL);
    if (json->type != JSON_OBJECT) {
        error = xstrdup("xenflow/show: the reply is not a JSON object");
    }
    for (size_t i = 0; array && !error && i < json_array(array)->n; i++) {
        struct xfa_sw_router *r = parse_router(json_array(array)->elems[i],
                                               i, &error);
        if (r && !shash_add_once(&routers, r->name, r)) {
            error = xasprintf("xenflow/show: router %s is listed twice",
                              r->name);
            router_destroy(r);
        }
    }
    json_destroy(json);
    if (error) {
        routers_clear(&routers);
    } else {
        shash_swap(&routers, &f->routers);
        routers_clear(&routers);
    }
    shash_destroy(&routers);
    return error;
}

/* A table reply of OVS's "table" module: {"headings": [...], "data":
 * [[...], ...]}.  Sets '*columns' to the index of each of the 'n' names
 * in 'names' among the headings. */
static char *
parse_table(const char *text, const char *what, const char *names[],
            size_t n, size_t columns[], struct json **jsonp,
            const struct json_array **rowsp)
{
    char *error = parse_json(text, what, jsonp);
    if (error) {
        return error;
    }
    const struct json *json = *jsonp;
    if (json->type != JSON_OBJECT) {
        return xasprintf("%s: the reply is not a JSON object", what);
    }
    const struct json *headings = member(json, "headings", JSON_ARRAY, what,
                                         &error);
    const struct json *data = (headings
                               ? member(json, "data", JSON_ARRAY, what,
                                        &error)
                               : NULL);
    if (error) {
        return error;
    }
    for (size_t i = 0; i < n; i++) {
        columns[i] = SIZE_MAX;
        for (size_t j = 0; j < json_array(headings)->n; j++) {
            const struct json *h = json_array(headings)->elems[j];
            if (h->type == JSON_STRING && !strcmp(json_string(h), names[i])) {
                columns[i] = j;
                break;
            }
        }
        if (columns[i] == SIZE_MAX) {
            return xasprintf("%s: no \"%s\" column", what, names[i]);
        }
    }
    for (size_t i = 0; i < json_array(data)->n; i++) {
        const struct json *row = json_array(data)->elems[i];
        if (row->type != JSON_ARRAY
            || json_array(row)->n != json_array(headings)->n) {
            return xasprintf("%s: row %"PRIuSIZE" does not match the "
                             "headings", what, i + 1);
        }
    }
    *rowsp = json_array(data);
    return NULL;
}

/* Cell 'column' of 'row' as a string (a number is formatted). */
static char *
cell_string(const struct json *row, size_t column)
{
    const struct json *c = json_array(row)->elems[column];
    return (c->type == JSON_STRING ? xstrdup(json_string(c))
            : json_to_string(c, 0));
}

/* Cell 'column' of 'row' as a number: an integer, a real, a string that
 * holds one, or "-" (which gives 'dflt').  Sets '*errorp' otherwise. */
static double
cell_number(const struct json *row, size_t column, const char *what,
            size_t index, const char *name, double dflt, char **errorp)
{
    const struct json *c = json_array(row)->elems[column];
    if (*errorp) {
        return dflt;
    } else if (c->type == JSON_INTEGER) {
        return json_integer(c);
    } else if (c->type == JSON_REAL) {
        return json_real(c);
    } else if (c->type == JSON_STRING) {
        const char *s = json_string(c);
        char *end;
        errno = 0;
        double x = strtod(s, &end);
        if (!strcmp(s, "-")) {
            return dflt;
        } else if (*s && !*end && !errno) {
            return x;
        }
    }
    char *text = json_to_string(c, 0);
    *errorp = xasprintf("%s: row %"PRIuSIZE": %s %s is not a number", what,
                        index + 1, name, text);
    free(text);
    return dflt;
}

enum { Q_PORT, Q_QUEUE, Q_NETWORK, Q_MODE, Q_CAPACITY, Q_CONTRACT, Q_MIN,
       Q_MAX, Q_RATE, Q_EXPECTED, Q_FITNESS, Q_N };

/* Parses a "xenflow/qos/show --json" reply into 'f''s queues. */
char *
xfa_sw_parse_qos(const char *text, struct xfa_sw_figures *f)
{
    static const char *names[Q_N] = {
        "port", "queue", "network", "mode", "capacity", "contract", "min",
        "max", "rate", "expected", "fitness",
    };
    const char *what = "xenflow/qos/show";
    size_t col[Q_N];
    struct json *json;
    const struct json_array *rows = NULL;
    char *error = parse_table(text, what, names, Q_N, col, &json, &rows);

    struct xfa_sw_figures new = { .n_queues = 0 };
    new.queues = xcalloc(rows ? MAX(rows->n, 1) : 1, sizeof *new.queues);
    for (size_t i = 0; !error && i < rows->n; i++) {
        const struct json *row = rows->elems[i];
        struct xfa_sw_queue *q = &new.queues[new.n_queues++];
        long long *numbers[] = {
            [Q_QUEUE] = &q->id, [Q_CAPACITY] = &q->capacity,
            [Q_CONTRACT] = &q->contract, [Q_MIN] = &q->min,
            [Q_MAX] = &q->max, [Q_RATE] = &q->rate,
            [Q_EXPECTED] = &q->expected,
        };
        q->port = cell_string(row, col[Q_PORT]);
        q->network = cell_string(row, col[Q_NETWORK]);
        q->mode = cell_string(row, col[Q_MODE]);
        for (size_t c = 0; c < ARRAY_SIZE(numbers); c++) {
            if (numbers[c]) {
                *numbers[c] = cell_number(row, col[c], what, i, names[c], 0,
                                          &error);
            }
        }
        q->fitness = cell_number(row, col[Q_FITNESS], what, i, "fitness",
                                 -1, &error);
    }
    json_destroy(json);
    if (!error) {
        struct xfa_sw_queue *queues = f->queues;
        size_t n_queues = f->n_queues;
        f->queues = new.queues;
        f->n_queues = new.n_queues;
        new.queues = queues;
        new.n_queues = n_queues;
    }
    queues_clear(&new);
    return error;
}

enum { M_ROUTER, M_DIRECTION, M_PEER, M_PHASE, M_ELAPSED, M_RESULT, M_N };

/* Parses a "xenflow/migrate/show --json" reply: each router of 'f' gets
 * the last migration listed for it (outgoing ones are listed first, then
 * arrivals), or none. */
char *
xfa_sw_parse_migrations(const char *text, struct xfa_sw_figures *f)
{
    static const char *names[M_N] = {
        "router", "direction", "peer", "phase", "elapsed-ms", "result",
    };
    const char *what = "xenflow/migrate/show";
    size_t col[M_N];
    struct json *json;
    const struct json_array *rows = NULL;
    char *error = parse_table(text, what, names, M_N, col, &json, &rows);

    struct shash last = SHASH_INITIALIZER(&last);
    for (size_t i = 0; !error && i < rows->n; i++) {
        const struct json *row = rows->elems[i];
        cell_number(row, col[M_ELAPSED], what, i, "elapsed-ms", 0, &error);
        char *router = cell_string(row, col[M_ROUTER]);
        shash_replace(&last, router, row);
        free(router);
    }
    if (!error) {
        struct shash_node *node;
        SHASH_FOR_EACH (node, &f->routers) {
            struct xfa_sw_router *r = node->data;
            const struct json *row = shash_find_data(&last, r->name);

            migration_destroy(r->migration);
            r->migration = NULL;
            if (row) {
                struct xfa_sw_migration *m = xzalloc(sizeof *m);
                m->direction = cell_string(row, col[M_DIRECTION]);
                m->peer = cell_string(row, col[M_PEER]);
                m->phase = cell_string(row, col[M_PHASE]);
                m->result = cell_string(row, col[M_RESULT]);
                m->elapsed_ms = cell_number(row, col[M_ELAPSED], what, 0,
                                            "elapsed-ms", 0, &error);
                r->migration = m;
            }
        }
    }
    shash_destroy(&last);
    json_destroy(json);
    return error;
}

enum { T_BRIDGE, T_TRUNK, T_NEIGHBOR, T_SEEN, T_RTT, T_RTT_MIN, T_RTT_AVG,
       T_SENT, T_ANSWERED, T_BAD, T_N };

/* Parses a "xenflow/trunks --json" reply into 'f''s trunks.  A neighbour
 * is "NODE:PORT" (split at the last colon) or null; figures are
 * nonnegative integers or null (none yet). */
char *
xfa_sw_parse_trunks(const char *text, struct xfa_sw_figures *f)
{
    static const char *names[T_N] = {
        "bridge", "trunk", "neighbor", "seen", "rtt-us", "rtt-min-us",
        "rtt-avg-us", "probes-sent", "probes-answered", "bad-probes",
    };
    const char *what = "xenflow/trunks";
    size_t col[T_N];
    struct json *json;
    const struct json_array *rows = NULL;
    char *error = parse_table(text, what, names, T_N, col, &json, &rows);
    size_t n = rows && !error ? rows->n : 0;
    struct xfa_sw_trunk *trunks = xcalloc(MAX(n, 1), sizeof *trunks);

    for (size_t i = 0; !error && i < n; i++) {
        const struct json *row = rows->elems[i];
        struct json **cells = json_array(row)->elems;
        struct xfa_sw_trunk *t = &trunks[i];

        for (size_t c = 0; c < T_N && !error; c++) {
            const struct json *cell = cells[col[c]];
            bool is_text = c <= T_SEEN;
            bool nullable = c == T_NEIGHBOR || (c >= T_RTT && c <= T_RTT_AVG);

            if (cell->type == JSON_NULL ? !nullable
                : is_text ? cell->type != JSON_STRING
                : cell->type != JSON_INTEGER || json_integer(cell) < 0) {
                char *s = json_to_string(cell, 0);
                error = xasprintf("%s: row %"PRIuSIZE": %s %s is not %s",
                                  what, i + 1, names[c], s,
                                  is_text ? "a string" : "a count");
                free(s);
            }
        }
        if (error) {
            break;
        }
        t->bridge = xstrdup(json_string(cells[col[T_BRIDGE]]));
        t->port = xstrdup(json_string(cells[col[T_TRUNK]]));
        t->seen = xstrdup(json_string(cells[col[T_SEEN]]));
        const struct json *nb = cells[col[T_NEIGHBOR]];
        if (nb->type == JSON_STRING) {
            const char *colon = strrchr(json_string(nb), ':');
            if (!colon || colon == json_string(nb) || !colon[1]) {
                error = xasprintf("%s: row %"PRIuSIZE": neighbor \"%s\" is "
                                  "not NODE:PORT", what, i + 1,
                                  json_string(nb));
                break;
            }
            t->peer_node = xmemdup0(json_string(nb),
                                    colon - json_string(nb));
            t->peer_port = xstrdup(colon + 1);
        }
        long long *rtts[] = { &t->rtt_us, &t->rtt_min_us, &t->rtt_avg_us };
        for (size_t k = 0; k < ARRAY_SIZE(rtts); k++) {
            const struct json *cell = cells[col[T_RTT + k]];
            *rtts[k] = cell->type == JSON_INTEGER ? json_integer(cell) : -1;
        }
        t->probes_sent = json_integer(cells[col[T_SENT]]);
        t->probes_answered = json_integer(cells[col[T_ANSWERED]]);
        t->bad_probes = json_integer(cells[col[T_BAD]]);
    }
    json_destroy(json);
    if (error) {
        trunks_free(trunks, n);
    } else {
        trunks_free(f->trunks, f->n_trunks);
        f->trunks = trunks;
        f->n_trunks = n;
    }
    return error;
}

/* The state word of XenFlow's client text ("active (session 2)",
 * "stale (withdrawn in 5 s)", "moved to n2", "disconnected", "-"): its
 * first word, "none" for "-".  Uses 'buf' of 'size' bytes. */
const char *
xfa_sw_client_state(const char *client, char *buf, size_t size)
{
    size_t n = strcspn(client, " ");
    if (!n || !strcmp(client, "-")) {
        return "none";
    }
    ovs_strzcpy(buf, client, MIN(n + 1, size));
    return buf;
}
