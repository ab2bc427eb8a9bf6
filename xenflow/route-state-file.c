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

/* The file of saved router tables (route-state-file.h). */

#include <config.h>

#include "xenflow/route-state-file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bitmap.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "packets.h"
#include "util.h"
#include "xenflow/addr.h"
#include "xenflow/model.h"
#include "xenflow/rib.h"
#include "xenflow/routers.h"

/* Reading. */

void
xf_saved_state_destroy(struct xf_saved_state *state)
{
    for (size_t i = 0; i < state->n_routers; i++) {
        struct xf_saved_router *sr = &state->routers[i];
        free(sr->name);
        simap_destroy(&sr->iface_ids);
        svec_destroy(&sr->entries);
    }
    free(state->routers);
    memset(state, 0, sizeof *state);
}

/* Interface numbers must be 1...n, each once: routers.c numbers new
 * interfaces from n + 1. */
static bool
iface_ids_valid(const struct simap *ids)
{
    size_t n = simap_count(ids);
    unsigned long *seen = bitmap_allocate(n + 1);
    const struct simap_node *node;
    bool ok = true;

    SIMAP_FOR_EACH (node, ids) {
        if (!node->data || node->data > n || bitmap_is_set(seen, node->data)) {
            ok = false;
            break;
        }
        bitmap_set1(seen, node->data);
    }
    bitmap_free(seen);
    return ok;
}

/* Parses one line (without its newline) into 'state'.  Returns an error
 * if it is out of place or malformed. */
static char *
parse_line(char *line, struct xf_saved_state *state)
{
    struct xf_saved_router *sr = (state->n_routers
                                  ? &state->routers[state->n_routers - 1]
                                  : NULL);
    char *save_ptr = NULL;
    char *copy = xstrdup(line);
    char *word = strtok_r(copy, " ", &save_ptr);
    char *a = strtok_r(NULL, " ", &save_ptr);
    char *b = strtok_r(NULL, " ", &save_ptr);
    char *rest = strtok_r(NULL, " ", &save_ptr);
    char *error = NULL;
    unsigned int n;

    if (!word) {
        error = xstrdup("empty line");
    } else if (!strcmp(word, "router")) {
        if (!a || !b || rest || !str_to_uint(b, 10, &n) || !n) {
            error = xstrdup("expected \"router NAME ID\"");
        } else {
            for (size_t i = 0; i < state->n_routers && !error; i++) {
                if (!strcmp(state->routers[i].name, a)
                    || state->routers[i].id == n) {
                    error = xasprintf("router %s or id %u twice", a, n);
                }
            }
            if (sr && !iface_ids_valid(&sr->iface_ids)) {
                error = xasprintf("router %s: interface numbers are not "
                                  "1...n", sr->name);
            }
            if (!error) {
                if (state->n_routers >= state->allocated) {
                    state->routers = x2nrealloc(state->routers,
                                                &state->allocated,
                                                sizeof *state->routers);
                }
                sr = &state->routers[state->n_routers++];
                memset(sr, 0, sizeof *sr);
                sr->name = xstrdup(a);
                sr->id = n;
                simap_init(&sr->iface_ids);
                svec_init(&sr->entries);
            }
        }
    } else if (!sr) {
        error = xasprintf("\"%s\" before any \"router\"", word);
    } else if (!strcmp(word, "iface")) {
        if (!a || !b || rest || !str_to_uint(b, 10, &n) || !n
            || !simap_put(&sr->iface_ids, a, n)) {
            error = xstrdup("expected \"iface NAME NUMBER\", once per name");
        }
    } else if (!strcmp(word, "route") || !strcmp(word, "neigh")) {
        /* Checked against the router's interfaces when applied. */
        if (!a) {
            error = xasprintf("%s without arguments", word);
        } else {
            *(word[0] == 'r' ? &sr->n_routes : &sr->n_neighs) += 1;
            svec_add(&sr->entries, line);
        }
    } else {
        error = xasprintf("unknown keyword \"%s\"", word);
    }
    free(copy);
    return error;
}

/* Reads 'file_name' into 'state' (empty if there is no such file).
 * Returns NULL, or why the whole file is refused ('state' then empty). */
char *
xf_state_file_read(const char *file_name, struct xf_saved_state *state)
{
    struct ds line = DS_EMPTY_INITIALIZER;
    char *error = NULL;
    uint32_t hash = 0;
    size_t n_lines = 0;
    bool ended = false;

    memset(state, 0, sizeof *state);
    FILE *f = fopen(file_name, "r");
    if (!f) {
        return errno == ENOENT ? NULL : xasprintf("cannot open (%s)",
                                                  ovs_strerror(errno));
    }
    while (!error && !ds_get_line(&line, f)) {
        char *s = ds_cstr(&line);
        unsigned long long int count, sum;

        if (ended) {
            error = xasprintf("line %"PRIuSIZE": text after the end line",
                              n_lines + 2);
        } else if (sscanf(s, "end %llu %llu", &count, &sum) == 2) {
            ended = true;
            if (count != n_lines || sum != hash) {
                error = xasprintf("corrupt: end line says %llu lines with "
                                  "checksum %llu, the file has %"PRIuSIZE
                                  " with checksum %"PRIu32, count, sum,
                                  n_lines, hash);
            }
        } else if (!n_lines) {
            int format;
            if (sscanf(s, "xenflow-route-state %d", &format) != 1) {
                error = xstrdup("not a XenFlow route state file");
            } else if (format < XF_STATE_FORMAT_MIN
                       || format > XF_STATE_FORMAT) {
                error = xasprintf("format version %d, this ovs-vswitchd "
                                  "reads versions %d to %d", format,
                                  XF_STATE_FORMAT_MIN, XF_STATE_FORMAT);
            }
        } else {
            char *e = parse_line(s, state);
            if (e) {
                error = xasprintf("line %"PRIuSIZE": %s", n_lines + 1, e);
                free(e);
            }
        }
        hash = hash_bytes(s, line.length, hash);
        n_lines++;
    }
    if (!error && ferror(f)) {
        error = xasprintf("read error (%s)", ovs_strerror(errno));
    } else if (!error && !ended) {
        error = xasprintf("truncated: no end line after %"PRIuSIZE" lines",
                          n_lines);
    } else if (!error && state->n_routers) {
        struct xf_saved_router *sr = &state->routers[state->n_routers - 1];
        if (!iface_ids_valid(&sr->iface_ids)) {
            error = xasprintf("router %s: interface numbers are not 1...n",
                              sr->name);
        }
    }
    fclose(f);
    ds_destroy(&line);
    if (error) {
        xf_saved_state_destroy(state);
    }
    return error;
}

/* Writing. */

struct xf_state_writer {
    char *file_name;
    char *tmp_name;
    FILE *file;
    uint32_t hash;
    size_t n_lines;
    struct svec routers;        /* Names, as they were at the start. */
    size_t next_router;         /* Index in 'routers'. */
    bool router_started;        /* Its router and iface lines written. */
    bool in_neighs;             /* Walking neighbours (else routes). */
    struct hmap_position pos;
    struct xf_state_counts counts;
};

static void
put_line(struct xf_state_writer *w, struct ds *s)
{
    w->hash = hash_bytes(ds_cstr(s), s->length, w->hash);
    w->n_lines++;
    ds_put_char(s, '\n');
    fwrite(s->string, 1, s->length, w->file);
    ds_clear(s);
}

struct xf_state_writer *
xf_state_writer_create(const char *file_name, char **errorp)
{
    struct xf_state_writer *w = xzalloc(sizeof *w);
    const struct xf_router *r;

    w->file_name = xstrdup(file_name);
    w->tmp_name = xasprintf("%s.tmp", file_name);
    w->file = fopen(w->tmp_name, "w");
    if (!w->file) {
        *errorp = xasprintf("%s: cannot create (%s)", w->tmp_name,
                            ovs_strerror(errno));
        free(w->tmp_name);
        free(w->file_name);
        free(w);
        return NULL;
    }
    svec_init(&w->routers);
    XF_ROUTER_FOR_EACH (r) {
        svec_add(&w->routers, r->name);
    }
    svec_sort(&w->routers);

    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "xenflow-route-state %d", XF_STATE_FORMAT);
    put_line(w, &s);
    ds_destroy(&s);
    *errorp = NULL;
    return w;
}

/* "PREFIX via GW dev DEV..." as xf_route_spec_parse() reads it. */
void
xf_route_format(const struct xf_route *route, struct ds *s)
{
    struct xf_prefix prefix = xf_route_prefix(route);

    xf_prefix_format(&prefix, s);
    for (size_t i = 0; i < route->n_nexthops; i++) {
        const struct xf_nexthop *nh = &route->nexthops[i];
        if (nh->has_gw) {
            ds_put_cstr(s, " via ");
            xf_addr_format(&nh->gw, s);
        }
        ds_put_format(s, " dev %s", nh->dev);
    }
}

static void
format_neigh(const struct xf_neigh *neigh, struct ds *s)
{
    ds_put_cstr(s, "neigh ");
    xf_addr_format(&neigh->ip, s);
    ds_put_format(s, " "ETH_ADDR_FMT" dev %s", ETH_ADDR_ARGS(neigh->mac),
                  neigh->dev);
}

static void
write_router_head(struct xf_state_writer *w, const struct xf_router *r,
                  struct ds *s)
{
    const struct simap_node **ids = simap_sort(&r->iface_ids);

    ds_put_format(s, "router %s %"PRIu32, r->name, r->id);
    put_line(w, s);
    for (size_t i = 0; i < simap_count(&r->iface_ids); i++) {
        ds_put_format(s, "iface %s %u", ids[i]->name, ids[i]->data);
        put_line(w, s);
    }
    free(ids);
    w->counts.n_routers++;
}

/* Writes up to 'max_entries' more routes and neighbours.  Returns true once
 * every router is written.  A router that changes between steps is written
 * as it is when reached: the file may then hold a mix of before and after,
 * which the router's next synchronisation reconciles like any saved
 * entry; route-state.c writes again since it changed. */
bool
xf_state_writer_step(struct xf_state_writer *w, size_t max_entries)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t n = 0;

    while (w->next_router < w->routers.n && n < max_entries) {
        const struct xf_router *r = xf_router_find(
            w->routers.names[w->next_router]);
        if (!r) {
            w->next_router++;
            continue;
        } else if (!w->router_started) {
            write_router_head(w, r, &s);
            w->router_started = true;
            memset(&w->pos, 0, sizeof w->pos);
        }

        const struct hmap *map = w->in_neighs ? &r->rib.neighs
                                              : &r->rib.routes;
        struct hmap_node *node = hmap_at_position(map, &w->pos);
        if (!node) {
            if (!w->in_neighs) {
                w->in_neighs = true;
                memset(&w->pos, 0, sizeof w->pos);
            } else {
                w->in_neighs = w->router_started = false;
                w->next_router++;
            }
            continue;
        }
        if (w->in_neighs) {
            format_neigh(CONTAINER_OF(node, struct xf_neigh, node), &s);
            w->counts.n_neighs++;
        } else {
            const struct xf_route *route = CONTAINER_OF(node, struct xf_route,
                                                        node);
            ds_put_cstr(&s, "route ");
            xf_route_format(route, &s);
            if (route->group_id) {
                ds_put_format(&s, " group %#"PRIx32, route->group_id);
            }
            w->counts.n_routes++;
        }
        put_line(w, &s);
        n++;
    }
    ds_destroy(&s);
    return w->next_router >= w->routers.n;
}

static void
writer_free(struct xf_state_writer *w)
{
    svec_destroy(&w->routers);
    free(w->tmp_name);
    free(w->file_name);
    free(w);
}

/* Writes the end line and puts the file in place.  Returns NULL or an
 * error (the previous file, if any, is left as it was). */
char *
xf_state_writer_finish(struct xf_state_writer *w)
{
    char *error = NULL;

    fprintf(w->file, "end %"PRIuSIZE" %"PRIu32"\n", w->n_lines, w->hash);
    bool failed = ferror(w->file);
    if (fclose(w->file) || failed) {
        error = xasprintf("%s: write error (%s)", w->tmp_name,
                          ovs_strerror(errno));
        unlink(w->tmp_name);
    } else if (rename(w->tmp_name, w->file_name)) {
        error = xasprintf("%s: cannot rename to %s (%s)", w->tmp_name,
                          w->file_name, ovs_strerror(errno));
        unlink(w->tmp_name);
    }
    writer_free(w);
    return error;
}

void
xf_state_writer_abort(struct xf_state_writer *w)
{
    if (w) {
        fclose(w->file);
        unlink(w->tmp_name);
        writer_free(w);
    }
}

struct xf_state_counts
xf_state_writer_counts(const struct xf_state_writer *w)
{
    return w->counts;
}
