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
/* Migration by intent, the source's side (see departures.h). */

#include <config.h>

#include "xenflow/agent/departures.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/agent/switchctl.h"
#include "xenflow/fleet/fleet-idl.h"

VLOG_DEFINE_THIS_MODULE(xenflow_agent_departures);

/* How often a running migration is looked at. */
#define SHOW_INTERVAL_MS 200

/* Migration.progress from the drain on (map_phase()). */
#define DRAIN_PROGRESS 95

/* A destination that does not know the router yet is making its ports
 * ready (its agent reads the same change of the fleet): asked again every
 * RETRY_MS for up to PREPARE_MS. */
#define RETRY_MS 500
#define PREPARE_MS 30000

enum dep_state {
    DEP_QUEUED,                 /* Not yet asked of ovs-vswitchd. */
    DEP_STARTED,                /* ovs-vswitchd runs it ('id'). */
    DEP_DONE,
    DEP_FAILED,
};

struct dep {
    struct xfa_departure d;
    enum dep_state state;
    unsigned int id;            /* ovs-vswitchd's migration number. */
    const char *phase;          /* Migration.phase. */
    int progress;               /* 0 to 100. */
    char *error;
    long long int started, finished;    /* Wall clock, ms. */
    long long int not_before;   /* Monotonic: when it may be asked. */
    bool dirty;                 /* The Migration row lags behind. */
};

/* ovs-vswitchd's phase names (xenflow/migrate/show), Migration.phase's,
 * and the progress each stands for. */
static const struct {
    const char *show, *phase;
    int progress;
} phases[] = {
    {"connecting", "connect", 5}, {"begin", "begin", 10},
    {"pre-copy", "pre-copy", 10}, {"commit", "commit", 70},
    {"moving-vm", "move", 75}, {"announcing", "announce", 90},
    {"draining", "drain", 95}, {"done", "done", 100},
    {"failed", "failed", 0},
};

struct xfa_departures {
    struct xfa_switchctl *sc;
    struct shash deps;          /* Router name -> struct dep *. */
    char *asked;                /* Router whose start is in flight, or
                                 * NULL: a show is in flight. */
    long long int next_show;
};

struct xfa_departures *
xfa_departures_create(const char *switch_target)
{
    struct xfa_departures *ds = xzalloc(sizeof *ds);
    ds->sc = xfa_switchctl_create(switch_target);
    shash_init(&ds->deps);
    return ds;
}

static void
dep_free(struct dep *dep)
{
    xfa_departure_destroy(&dep->d);
    free(dep->error);
    free(dep);
}

void
xfa_departures_destroy(struct xfa_departures *ds)
{
    if (ds) {
        struct shash_node *node;
        SHASH_FOR_EACH (node, &ds->deps) {
            dep_free(node->data);
        }
        shash_destroy(&ds->deps);
        xfa_switchctl_destroy(ds->sc);
        free(ds->asked);
        free(ds);
    }
}

static void
dep_set_phase(struct dep *dep, const char *phase, int progress)
{
    if (!dep->phase || strcmp(dep->phase, phase)
        || dep->progress != progress) {
        if (!dep->phase || strcmp(dep->phase, phase)) {
            VLOG_INFO("router %s to node %s: %s", dep->d.router,
                      dep->d.destination, phase);
        }
        dep->phase = phase;
        dep->progress = progress;
        dep->dirty = true;
    }
}

static void
dep_finish(struct dep *dep, char *error)
{
    dep->state = error ? DEP_FAILED : DEP_DONE;
    free(dep->error);
    dep->error = error;
    dep->finished = time_wall_msec();
    if (error) {
        VLOG_WARN("router %s: migration to node %s failed: %s",
                  dep->d.router, dep->d.destination, error);
        dep_set_phase(dep, "failed", dep->progress);
    } else {
        dep_set_phase(dep, "done", 100);
    }
    dep->dirty = true;
}

/* Whether 'node''s Migration row for 'dep''s router, as the database has
 * it, already says how 'dep' ended. */
static bool
dep_recorded(const struct dep *dep, struct ovsdb_idl *idl, const char *node)
{
    const struct fleetrec_migration *row;
    FLEETREC_MIGRATION_FOR_EACH (row, idl) {
        if (!strcmp(row->name, dep->d.router)
            && !strcmp(row->source, node)) {
            return (row->result && !strcmp(row->phase, dep->phase)
                    && row->progress == dep->progress);
        }
    }
    return false;
}

/* A restarted agent takes over the migration of 'dep' that its previous
 * run asked ovs-vswitchd for, if 'node''s Migration row of the router says
 * one is under way (no result, a phase past "queued") towards the same
 * destination, with ovs-vswitchd's number for it (status:switch-id): the
 * switch goes on without the agent, and asking it again would fail
 * ("already migrating") or, once it is done, migrate a router whose tables
 * the switch released.  The next xenflow/migrate/show tells how it went;
 * a switch that no longer knows it (restarted) fails it. */
static void
dep_adopt(struct dep *dep, struct ovsdb_idl *idl, const char *node)
{
    const struct fleetrec_migration *row;
    unsigned int id;

    FLEETREC_MIGRATION_FOR_EACH (row, idl) {
        if (strcmp(row->name, dep->d.router) || strcmp(row->source, node)) {
            continue;
        }
        if (row->result || !strcmp(row->phase, "queued")
            || strcmp(row->destination, dep->d.destination)
            || !str_to_uint(smap_get_def(&row->status, "switch-id", ""), 10,
                            &id) || !id) {
            return;
        }
        for (size_t i = 0; i < ARRAY_SIZE(phases); i++) {
            if (!strcmp(row->phase, phases[i].phase)) {
                dep->phase = phases[i].phase;
            }
        }
        dep->state = DEP_STARTED;
        dep->id = id;
        dep->progress = row->progress;
        if (row->n_started) {
            dep->started = *row->started;
        }
        dep->dirty = true;
        VLOG_INFO("router %s to node %s: taking over migration %u, which "
                  "ovs-vswitchd ran while this agent was away", dep->d.router,
                  dep->d.destination, id);
        return;
    }
}

/* Takes the routers that should leave this node now ('departures', router
 * name -> struct xfa_departure *, from the fleet 'idl').  A migration that
 * has not started and is no longer wanted is cancelled; one that
 * ovs-vswitchd runs goes on (it cannot be called back); one that is done
 * is forgotten once 'node''s Migration row in the database says so (a
 * transaction lost with a cluster leader is written again). */
void
xfa_departures_set(struct xfa_departures *ds, const struct shash *departures,
                   struct ovsdb_idl *idl, const char *node_name)
{
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, &ds->deps) {
        struct dep *dep = node->data;
        const struct xfa_departure *d = shash_find_data(departures,
                                                        node->name);
        if (dep->state == DEP_STARTED
            || (!d && dep->state == DEP_DONE
                && !dep_recorded(dep, idl, node_name))) {
            continue;
        }
        if (!d || strcmp(d->destination, dep->d.destination)) {
            if (dep->state == DEP_QUEUED) {
                VLOG_INFO("router %s: migration to node %s cancelled: the "
                          "fleet no longer places it there", node->name,
                          dep->d.destination);
            }
            dep_free(dep);
            shash_delete(&ds->deps, node);
        }
    }
    SHASH_FOR_EACH (node, departures) {
        const struct xfa_departure *d = node->data;
        if (!shash_find(&ds->deps, node->name)) {
            struct dep *dep = xzalloc(sizeof *dep);
            dep->d.router = xstrdup(d->router);
            dep->d.destination = xstrdup(d->destination);
            dep->d.peer = nullable_xstrdup(d->peer);
            dep->d.vm_dest = nullable_xstrdup(d->vm_dest);
            dep->started = time_wall_msec();
            dep_set_phase(dep, "queued", 0);
            dep_adopt(dep, idl, node_name);
            if (!d->peer) {
                dep_finish(dep, xasprintf("node %s has no peer_address "
                                          "(its node channel)",
                                          d->destination));
            }
            shash_add(&ds->deps, node->name, dep);
        }
    }
}

/* Adds to 'held' the routers that stay here: migrating, about to, or whose
 * migration failed. */
void
xfa_departures_held(const struct xfa_departures *ds, struct sset *held)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, &ds->deps) {
        const struct dep *dep = node->data;
        if (dep->state != DEP_DONE) {
            sset_add(held, node->name);
        }
    }
}

/* Whether 'router' is leaving (queued or migrating). */
bool
xfa_departures_active(const struct xfa_departures *ds, const char *router)
{
    const struct dep *dep = shash_find_data(&ds->deps, router);
    return dep && (dep->state == DEP_QUEUED || dep->state == DEP_STARTED);
}

size_t
xfa_departures_n_active(const struct xfa_departures *ds)
{
    size_t n = 0;
    struct shash_node *node;
    SHASH_FOR_EACH (node, &ds->deps) {
        n += xfa_departures_active(ds, node->name);
    }
    return n;
}

/* ovs-vswitchd's phase names (xenflow/migrate/show) to Migration.phase,
 * with the progress each stands for. */
static bool
map_phase(const char *name, const char **phase, int *progress)
{
    for (size_t i = 0; i < ARRAY_SIZE(phases); i++) {
        if (!strcmp(name, phases[i].show)) {
            *phase = phases[i].phase;
            *progress = phases[i].progress;
            return true;
        }
    }
    return false;
}

static size_t
array_size(const struct json *a)
{
    return json_array(a)->n;
}

static const struct json *
array_at(const struct json *a, size_t i)
{
    return json_array(a)->elems[i];
}

static long long int
cell_int(const struct json *row, int col)
{
    return (col >= 0 && col < array_size(row)
            && array_at(row, col)->type == JSON_INTEGER
            ? json_integer(array_at(row, col)) : 0);
}

static const char *
cell_text(const struct json *row, int col)
{
    return (col >= 0 && col < array_size(row)
            && array_at(row, col)->type == JSON_STRING
            ? json_string(array_at(row, col)) : "");
}

/* Updates the started migrations from xenflow/migrate/show --json. */
static void
handle_show(struct xfa_departures *ds, const char *reply)
{
    struct json *json = json_from_string(reply);
    const struct json *headings = (json->type == JSON_OBJECT
                                   ? shash_find_data(json_object(json),
                                                     "headings") : NULL);
    const struct json *data = (json->type == JSON_OBJECT
                               ? shash_find_data(json_object(json), "data")
                               : NULL);
    if (!headings || headings->type != JSON_ARRAY
        || !data || data->type != JSON_ARRAY) {
        VLOG_WARN("xenflow/migrate/show --json: unexpected reply");
        json_destroy(json);
        return;
    }
    enum { C_ID, C_ROUTER, C_DIR, C_PHASE, C_ROUTES, C_NEIGHS, C_COPIED,
           C_RESULT, N_COLS };
    static const char *names[N_COLS] = {
        "id", "router", "direction", "phase", "routes", "neighbors",
        "copied", "result",
    };
    int cols[N_COLS];
    for (int c = 0; c < N_COLS; c++) {
        cols[c] = -1;
        for (size_t i = 0; i < array_size(headings); i++) {
            const struct json *h = array_at(headings, i);
            if (h->type == JSON_STRING && !strcmp(json_string(h), names[c])) {
                cols[c] = i;
            }
        }
    }

    struct shash_node *node;
    SHASH_FOR_EACH (node, &ds->deps) {
        struct dep *dep = node->data;
        if (dep->state != DEP_STARTED) {
            continue;
        }
        const struct json *row = NULL;
        for (size_t i = 0; i < array_size(data); i++) {
            const struct json *r = array_at(data, i);
            if (r->type == JSON_ARRAY && cell_int(r, cols[C_ID]) == dep->id
                && !strcmp(cell_text(r, cols[C_DIR]), "out")
                && !strcmp(cell_text(r, cols[C_ROUTER]), dep->d.router)) {
                row = r;
            }
        }
        const char *phase;
        int progress;
        if (!row || !map_phase(cell_text(row, cols[C_PHASE]), &phase,
                               &progress)) {
            dep_finish(dep, xasprintf("ovs-vswitchd no longer knows "
                                      "migration %u (restarted?)", dep->id));
            continue;
        }
        if (!strcmp(phase, "pre-copy")) {
            long long total = (cell_int(row, cols[C_ROUTES])
                               + cell_int(row, cols[C_NEIGHS]));
            long long copied = cell_int(row, cols[C_COPIED]);
            progress += total ? MIN(copied, total) * 60 / total : 0;
        }
        if (!strcmp(phase, "done")) {
            dep_finish(dep, NULL);
        } else if (!strcmp(phase, "failed")
                   && strstr(cell_text(row, cols[C_RESULT]), "unknown router")
                   && time_wall_msec() < dep->started + PREPARE_MS) {
            dep->state = DEP_QUEUED;
            dep->id = 0;
            dep->not_before = time_msec() + RETRY_MS;
            dep_set_phase(dep, "queued", 0);
        } else if (!strcmp(phase, "failed")) {
            dep_finish(dep, xstrdup(cell_text(row, cols[C_RESULT])));
        } else {
            dep_set_phase(dep, phase, progress);
        }
    }
    json_destroy(json);
}

static void
handle_reply(struct xfa_departures *ds, char *result, char *error)
{
    if (!ds->asked) {
        if (result) {
            handle_show(ds, result);
        } else {
            VLOG_WARN("xenflow/migrate/show: %s", error);
        }
        return;
    }

    struct dep *dep = shash_find_data(&ds->deps, ds->asked);
    free(ds->asked);
    ds->asked = NULL;
    if (!dep) {
        return;
    }
    if (result && sscanf(result, "migration %u ", &dep->id) == 1) {
        dep->state = DEP_STARTED;
        dep_set_phase(dep, "connect", 5);
    } else {
        const char *why = error ? error : result;
        dep_finish(dep, xasprintf("ovs-vswitchd: %.*s",
                                  (int) strcspn(why, "\n"), why));
    }
}

/* The first migration to ask for now; '*wake' gets when the next one may
 * be (LLONG_MAX: none), '*any_started' whether one runs.  None while one
 * runs that has not reached its drain yet: ovs-vswitchd would run their
 * pre-copies and moves together, which on a node with many routers (an
 * evacuation) lengthens the main loop's iterations enough to lose packets
 * of the routers still forwarding there; drains overlap. */
static struct dep *
first_queued(const struct xfa_departures *ds, bool *any_started,
             long long int *wake)
{
    long long int now = time_msec();
    struct dep *queued = NULL;
    struct shash_node *node;

    bool any_moving = false;
    *any_started = false;
    *wake = LLONG_MAX;
    SHASH_FOR_EACH (node, &ds->deps) {
        struct dep *dep = node->data;
        if (dep->state == DEP_QUEUED && dep->not_before > now) {
            *wake = MIN(*wake, dep->not_before);
        } else if (dep->state == DEP_QUEUED
                   && (!queued
                       || strcmp(dep->d.router, queued->d.router) < 0)) {
            queued = dep;
        }
        *any_started |= dep->state == DEP_STARTED;
        any_moving |= (dep->state == DEP_STARTED
                       && dep->progress < DRAIN_PROGRESS);
    }
    return any_moving ? NULL : queued;
}

/* Starts and follows migrations.  Returns true if one ended, which changes
 * the routers held here. */
bool
xfa_departures_run(struct xfa_departures *ds)
{
    size_t before = xfa_departures_n_active(ds);
    char *result, *error;

    if (xfa_switchctl_recv(ds->sc, &result, &error)) {
        handle_reply(ds, result, error);
        free(result);
        free(error);
    }
    if (xfa_switchctl_busy(ds->sc)) {
        return xfa_departures_n_active(ds) != before;
    }

    bool any_started;
    long long int wake;
    struct dep *dep = first_queued(ds, &any_started, &wake);
    char *send_error = NULL;
    if (dep) {
        send_error = xfa_switchctl_send(ds->sc, "xenflow/migrate",
                                        dep->d.router, dep->d.peer,
                                        dep->d.vm_dest);
        if (send_error) {
            dep_finish(dep, send_error);
        } else {
            ds->asked = xstrdup(dep->d.router);
        }
    } else if (any_started && time_msec() >= ds->next_show) {
        send_error = xfa_switchctl_send(ds->sc, "xenflow/migrate/show",
                                        "--json", NULL, NULL);
        ds->next_show = time_msec() + SHOW_INTERVAL_MS;
        if (send_error) {
            /* Tried again at the next interval. */
            VLOG_WARN("%s", send_error);
            free(send_error);
        }
    }
    return xfa_departures_n_active(ds) != before;
}

void
xfa_departures_wait(const struct xfa_departures *ds)
{
    bool any_started;
    long long int wake;
    xfa_switchctl_wait(ds->sc);
    if (!xfa_switchctl_busy(ds->sc)) {
        if (first_queued(ds, &any_started, &wake)) {
            poll_immediate_wake();
        } else if (any_started) {
            poll_timer_wait_until(ds->next_show);
        }
        if (wake != LLONG_MAX) {
            poll_timer_wait_until(wake);
        }
    }
}

/* Whether 'node''s Migration rows in the fleet 'idl' lag behind: a change
 * not yet written, or an outcome not yet in the database (its transaction
 * failed). */
bool
xfa_departures_dirty(const struct xfa_departures *ds, struct ovsdb_idl *idl,
                     const char *node_name)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, &ds->deps) {
        const struct dep *dep = node->data;
        if (dep->dirty
            || ((dep->state == DEP_DONE || dep->state == DEP_FAILED)
                && !dep_recorded(dep, idl, node_name))) {
            return true;
        }
    }
    return false;
}

static void
write_row(const struct fleetrec_migration *row, const struct dep *dep,
          struct ovsdb_idl *idl)
{
    int64_t progress = dep->progress, started = dep->started;
    int64_t finished = dep->finished;
    bool over = dep->state == DEP_DONE || dep->state == DEP_FAILED;

    fleetrec_migration_set_router(row,
                                  xfa_fleet_find_router(idl, dep->d.router));
    fleetrec_migration_set_destination(row, dep->d.destination);
    fleetrec_migration_set_phase(row, dep->phase);
    fleetrec_migration_set_progress(row, progress);
    fleetrec_migration_set_result(row, (!over ? NULL
                                        : dep->state == DEP_DONE
                                        ? "success" : "failure"));
    fleetrec_migration_set_error(row, dep->error);
    fleetrec_migration_set_started(row, &started, 1);
    fleetrec_migration_set_finished(row, &finished, over);

    struct smap status = SMAP_INITIALIZER(&status);
    smap_add(&status, "peer", dep->d.peer ? dep->d.peer : "");
    if (dep->d.vm_dest) {
        smap_add(&status, "vm-destination", dep->d.vm_dest);
    }
    if (dep->id) {
        smap_add_format(&status, "switch-id", "%u", dep->id);
    }
    fleetrec_migration_set_status(row, &status);
    smap_destroy(&status);
}

/* Writes this node's Migration rows (one per router it migrates, the last
 * attempt) in 'txn', and deletes its finished rows of deleted routers. */
void
xfa_departures_write(struct xfa_departures *ds, struct ovsdb_idl *idl,
                     struct ovsdb_idl_txn *txn, const char *node)
{
    struct sset written = SSET_INITIALIZER(&written);
    const struct fleetrec_migration *row;
    FLEETREC_MIGRATION_FOR_EACH_SAFE (row, idl) {
        if (strcmp(row->source, node)) {
            continue;
        }
        struct dep *dep = shash_find_data(&ds->deps, row->name);
        if (dep && !sset_contains(&written, row->name)) {
            /* Unchanged columns cost nothing (the IDL drops them), and
             * a transaction that failed is made good here. */
            write_row(row, dep, idl);
            sset_add(&written, row->name);
        } else if (dep || (!row->router && row->result)) {
            fleetrec_migration_delete(row);
        }
    }
    struct shash_node *sn;
    SHASH_FOR_EACH (sn, &ds->deps) {
        struct dep *dep = sn->data;
        if (!sset_contains(&written, sn->name)) {
            row = fleetrec_migration_insert(txn);
            fleetrec_migration_set_name(row, sn->name);
            fleetrec_migration_set_source(row, node);
            write_row(row, dep, idl);
        }
        dep->dirty = false;
    }
    sset_destroy(&written);
}

void
xfa_departures_format(const struct xfa_departures *ds, struct ds *s)
{
    const struct shash_node **sorted = shash_sort(&ds->deps);
    for (size_t i = 0; i < shash_count(&ds->deps); i++) {
        const struct dep *dep = sorted[i]->data;
        ds_put_format(s, "migration %s -> %s: %s %d%%", dep->d.router,
                      dep->d.destination, dep->phase, dep->progress);
        if (dep->error) {
            ds_put_format(s, " error: %s", dep->error);
        }
        ds_put_char(s, '\n');
    }
    free(sorted);
}
