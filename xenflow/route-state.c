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

/* Router tables across restarts (route-state.h). */

#include <config.h>

#include "xenflow/route-state.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coverage.h"
#include "dirs.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "smap.h"
#include "svec.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "xenflow/appctl.h"
#include "xenflow/bridges.h"
#include "xenflow/cookie.h"
#include "xenflow/flowsync-restore.h"
#include "xenflow/load.h"
#include "xenflow/model.h"
#include "xenflow/pace.h"
#include "xenflow/rib.h"
#include "xenflow/route-state-file.h"
#include "xenflow/router.h"
#include "xenflow/routers.h"

VLOG_DEFINE_THIS_MODULE(xenflow_route_state);

COVERAGE_DEFINE(xenflow_state_saved);
COVERAGE_DEFINE(xenflow_state_save_deferred); /* Given way to bulk work. */
COVERAGE_DEFINE(xenflow_state_restored); /* Entries set from the file. */

/* Entries read, checked and set, or written, per piece of bulk work. */
#define XF_STATE_BATCH 5000

#define XF_STATE_DEFAULT_INTERVAL 30    /* Seconds. */

/* Loading: the file read at start, until every router's entries are set. */
static struct xf_saved_state saved;
static bool configured;         /* Saved routers matched to routers. */
static bool had_saved;          /* The file named routers. */
static size_t next_saved;       /* Router in 'saved' being applied. */
static size_t next_entry;       /* Its next entry. */
static unsigned long long expected_updates; /* Its counters after our last
                                             * piece: anything else means a
                                             * live source took over. */
static size_t n_applied, n_refused, n_dropped;
static char *first_refusal;

/* Saving. */
static struct xf_state_writer *writer;  /* A periodic save under way. */
static uint32_t writer_fingerprint;     /* The routers' when it started. */
static long long int writer_due;        /* When it was due. */
static uint32_t saved_fingerprint;      /* The routers' at the last save. */
static bool have_saved_fingerprint;
static long long int interval_ms = XF_STATE_DEFAULT_INTERVAL * 1000;
static long long int next_save;

static char *
state_file_name(void)
{
    return xasprintf("%s/xenflow-routes.state", ovs_rundir());
}

static unsigned long long
router_updates(const struct xf_router *r)
{
    return r->n_route_updates + r->n_neigh_updates;
}

/* Changes whenever a router comes or goes or changes its tables or
 * interface numbering (router.c counts every change it applies). */
static uint32_t
routers_fingerprint(void)
{
    const struct xf_router *r;
    uint32_t fp = 0;

    XF_ROUTER_FOR_EACH (r) {
        unsigned long long n = router_updates(r);
        fp += hash_3words(r->id, n, hash_string(r->name, n >> 32)
                          + simap_count(&r->iface_ids));
    }
    return fp;
}

static bool
loading(void)
{
    return next_saved < saved.n_routers || !configured;
}

static void
finish_loading(void)
{
    if (saved.n_routers || n_dropped) {
        VLOG_INFO("saved router tables: %"PRIuSIZE" entries set again, "
                  "%"PRIuSIZE" refused%s%s, %"PRIuSIZE" dropped",
                  n_applied, n_refused, first_refusal ? " (first: " : "",
                  first_refusal ? first_refusal : "", n_dropped);
    }
    if (first_refusal) {
        free(first_refusal);
        first_refusal = NULL;
    }
    xf_saved_state_destroy(&saved);
    next_saved = next_entry = 0;
    configured = true;
    xf_restore_hold(false);
}

void
xf_route_state_init(void)
{
    char *name = state_file_name();
    char *error = xf_state_file_read(name, &saved);

    if (error) {
        VLOG_WARN("%s: ignored: %s", name, error);
        free(error);
    } else if (saved.n_routers) {
        size_t n = 0;
        for (size_t i = 0; i < saved.n_routers; i++) {
            const struct xf_saved_router *sr = &saved.routers[i];
            n += sr->entries.n;
            if (!xf_routers_reserve_id(sr->name, sr->id, &sr->iface_ids)) {
                VLOG_WARN("%s: router %s: id %"PRIu32" taken; its flows "
                          "will be installed again", name, sr->name, sr->id);
            }
        }
        VLOG_INFO("%s: %"PRIuSIZE" routers with %"PRIuSIZE" routes and "
                  "neighbours to set again", name, saved.n_routers, n);
        xf_restore_hold(true);
        had_saved = true;
    }
    free(name);
}

/* True from start until every router named in the state file read at
 * start has its saved entries set again (or dropped); false if the file
 * named none. */
bool
xf_route_state_restoring(void)
{
    return had_saved && loading();
}

/* Matches the saved routers to the routers the first configuration
 * created; the others are dropped with a log line. */
static void
match_saved_routers(void)
{
    size_t j = 0;

    for (size_t i = 0; i < saved.n_routers; i++) {
        struct xf_saved_router *sr = &saved.routers[i];
        const struct xf_router *r = xf_router_find(sr->name);
        if (!r) {
            VLOG_WARN("saved router %s is not configured: its %"PRIuSIZE
                      " routes and %"PRIuSIZE" neighbours are ignored",
                      sr->name, sr->n_routes, sr->n_neighs);
            n_dropped += sr->entries.n;
            free(sr->name);
            simap_destroy(&sr->iface_ids);
            svec_destroy(&sr->entries);
        } else {
            saved.routers[j++] = *sr;
        }
    }
    saved.n_routers = j;
    configured = true;
    xf_routers_reserve_clear();
    if (j) {
        expected_updates = router_updates(xf_router_find(
                                              saved.routers[0].name));
    } else {
        finish_loading();
    }
}

static void
note_refusal(const struct xf_saved_router *sr, const char *entry,
             char *error)
{
    n_refused++;
    if (!first_refusal) {
        first_refusal = xasprintf("router %s: \"%s\": %s)", sr->name, entry,
                                  error);
    }
    free(error);
}

/* Checks and sets saved entry 'entry' of 'sr' in 'r'. */
static void
apply_entry(struct xf_router *r, const struct xf_saved_router *sr,
            const char *entry)
{
    const char *words[XF_MAX_WORDS];
    char *copy = xstrdup(entry);
    int n = xf_split_words(copy, words);
    char *error = NULL;
    bool ok = false;

    if (n < 1) {
        error = xstrdup("too many words");
    } else if (!strcmp(words[0], "route")) {
        struct xf_route_spec spec;
        unsigned int group_id = 0;

        /* "group ID": the ECMP group the restored route flow uses. */
        if (n > 3 && !strcmp(words[n - 2], "group")) {
            if (!str_to_uint(words[n - 1], 0, &group_id)
                || !xf_group_id_is_ours(group_id)) {
                error = xasprintf("%s is not a XenFlow group id",
                                  words[n - 1]);
            }
            n -= 2;
        }
        error = error ? error : xf_route_spec_parse(n - 1, words + 1, &spec);
        if (!error) {
            error = xf_router_check_route(r, &spec);
            xf_router_prefer_group_id(group_id);
            ok = !error && xf_router_set_route(r, &spec);
            xf_router_prefer_group_id(0);
            xf_route_spec_destroy(&spec);
        }
    } else {
        struct xf_neigh_spec spec;
        error = xf_neigh_spec_parse(n - 1, words + 1, true, &spec);
        if (!error) {
            error = xf_router_check_neigh(r, &spec);
            ok = !error && xf_router_set_neigh(r, &spec);
            free(spec.dev);
        }
    }
    if (ok) {
        n_applied++;
        COVERAGE_INC(xenflow_state_restored);
    } else {
        note_refusal(sr, entry, error ? error
                     : xstrdup("interface no longer usable"));
    }
    free(copy);
}

/* Sets up to XF_STATE_BATCH saved entries. */
static void
apply_some(void)
{
    size_t budget = XF_STATE_BATCH;

    while (budget && next_saved < saved.n_routers) {
        struct xf_saved_router *sr = &saved.routers[next_saved];
        struct xf_router *r = xf_router_find(sr->name);
        size_t left = sr->entries.n - next_entry;

        if (r && router_updates(r) != expected_updates) {
            VLOG_INFO("router %s changed while its saved tables were being "
                      "set again (a client, a command or a migration): "
                      "%"PRIuSIZE" saved entries not set", sr->name, left);
            n_dropped += left;
            left = 0;
        } else if (!r) {
            n_dropped += left;
            left = 0;
        }
        size_t n = MIN(left, budget);
        for (size_t i = 0; i < n; i++) {
            apply_entry(r, sr, sr->entries.names[next_entry++]);
        }
        budget -= n;
        if (n == left) {
            svec_clear(&sr->entries);
            next_saved++;
            next_entry = 0;
            r = (next_saved < saved.n_routers
                 ? xf_router_find(saved.routers[next_saved].name) : NULL);
        }
        if (r) {
            expected_updates = router_updates(r);
        }
    }
    if (next_saved >= saved.n_routers) {
        finish_loading();
    }
}

/* Saving. */

/* Writes the whole file now.  Returns NULL or an error. */
static char *
save_now(struct xf_state_counts *counts)
{
    char *name = state_file_name();
    char *error;

    xf_state_writer_abort(writer);
    writer = NULL;
    struct xf_state_writer *w = xf_state_writer_create(name, &error);
    if (w) {
        uint32_t fp = routers_fingerprint();
        xf_state_writer_step(w, SIZE_MAX);
        *counts = xf_state_writer_counts(w);
        error = xf_state_writer_finish(w);
        if (!error) {
            saved_fingerprint = fp;
            have_saved_fingerprint = true;
            COVERAGE_INC(xenflow_state_saved);
        }
    }
    free(name);
    return error;
}

/* A periodic save gives way to bulk changes under way, an xenflow/load or
 * flows not yet in the switch: it would write a table about to change, and
 * it would take bulk time from them (writing is O(table), not O(changes)).
 * A save due waits for them; a save under way starts again after an
 * xenflow/load (not for a few pending flows: a client's steady updates
 * would restart it over and over).  It gives way for at most one more
 * interval after it was due, so the tables of a switch that never rests
 * are still saved. */
static bool
save_gives_way(long long int due, bool load_only)
{
    return (time_msec() < due + interval_ms
            && (xf_load_busy()
                || (!load_only && xf_bridges_flows_pending())));
}

static void
periodic_save(void)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
    char *error = NULL;

    if (writer && save_gives_way(writer_due, true)) {
        xf_state_writer_abort(writer);
        writer = NULL;
        next_save = writer_due;
        COVERAGE_INC(xenflow_state_save_deferred);
        VLOG_DBG("periodic save of the router tables stopped: an xenflow/load "
                 "is under way");
    }
    if (!writer) {
        if (!interval_ms || time_msec() < next_save
            || save_gives_way(next_save, false)) {
            return;
        }
        uint32_t fp = routers_fingerprint();
        writer_due = next_save;
        next_save = time_msec() + interval_ms;
        if (have_saved_fingerprint && fp == saved_fingerprint) {
            return;
        }
        char *name = state_file_name();
        writer = xf_state_writer_create(name, &error);
        writer_fingerprint = fp;
        free(name);
    }
    while (writer && xf_bulk_allows()) {
        if (xf_state_writer_step(writer, XF_STATE_BATCH)) {
            error = xf_state_writer_finish(writer);
            writer = NULL;
            if (!error) {
                saved_fingerprint = writer_fingerprint;
                have_saved_fingerprint = true;
                COVERAGE_INC(xenflow_state_saved);
            }
        }
    }
    if (error) {
        VLOG_WARN_RL(&rl, "cannot save router tables: %s", error);
        free(error);
    }
}

static void
cmd_state_save(struct unixctl_conn *conn, int argc OVS_UNUSED,
               const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct xf_state_counts c;

    if (loading()) {
        xf_appctl_reply_error(conn, "saved router tables are still being "
                              "set again; try again when they are");
        return;
    }
    char *error = save_now(&c);
    if (error) {
        unixctl_command_reply_error(conn, error);
        free(error);
    } else {
        char *name = state_file_name();
        char *reply = xasprintf("saved %"PRIuSIZE" routers, %"PRIuSIZE
                                " routes, %"PRIuSIZE" neighbours to %s",
                                c.n_routers, c.n_routes, c.n_neighs, name);
        unixctl_command_reply(conn, reply);
        free(reply);
        free(name);
    }
}

void
xf_route_state_reconfigure(const struct smap *other_config,
                           struct svec *errors)
{
    static bool registered;
    const char *s = smap_get(other_config, "xenflow-state-interval");
    unsigned int seconds = XF_STATE_DEFAULT_INTERVAL;

    if (!registered) {
        registered = true;
        unixctl_command_register("xenflow/state-save", "", 0, 0,
                                 cmd_state_save, NULL);
    }
    if (s && (!str_to_uint(s, 10, &seconds) || seconds > 86400)) {
        svec_add_nocopy(errors, xasprintf(
                            "other_config:xenflow-state-interval=%s: "
                            "expected seconds from 0 to 86400; using %d", s,
                            XF_STATE_DEFAULT_INTERVAL));
        seconds = XF_STATE_DEFAULT_INTERVAL;
    }
    if (interval_ms != seconds * 1000LL) {
        interval_ms = seconds * 1000LL;
        next_save = time_msec() + interval_ms;
    }
    if (!configured) {
        match_saved_routers();
    }
}

void
xf_route_state_run(void)
{
    if (loading()) {
        if (configured && xf_bulk_allows()) {
            apply_some();
        }
    } else {
        periodic_save();
    }
}

void
xf_route_state_wait(void)
{
    if (loading() ? configured : writer != NULL) {
        xf_bulk_wait();
    } else if (interval_ms) {
        /* While a due save gives way, the bulk work wakes us; it ends in a
         * run, after which this wait no longer defers. */
        poll_timer_wait_until(save_gives_way(next_save, false)
                              ? next_save + interval_ms : next_save);
    }
}

/* On exit: the tables as they are now, unless the saved ones are not all
 * set again yet (the file then still holds them). */
void
xf_route_state_destroy(void)
{
    if (loading()) {
        xf_state_writer_abort(writer);
        writer = NULL;
        VLOG_INFO("exiting before the saved router tables were set again: "
                  "the state file is left as it was");
        xf_saved_state_destroy(&saved);
        return;
    }

    /* Unchanged since the last save (e.g. ovs-save's, just before "ovs-ctl
     * restart" stops the daemon): a million routes need not be written
     * again inside the restart's gap. */
    char *name = state_file_name();
    bool kept = (!writer && have_saved_fingerprint
                 && routers_fingerprint() == saved_fingerprint
                 && !access(name, F_OK));
    free(name);
    if (kept) {
        VLOG_INFO("router tables unchanged since the last save: state file "
                  "kept");
        return;
    }

    struct xf_state_counts c;
    char *error = save_now(&c);
    if (error) {
        VLOG_WARN("cannot save router tables: %s", error);
        free(error);
    } else {
        VLOG_INFO("saved %"PRIuSIZE" routers with %"PRIuSIZE" routes and "
                  "%"PRIuSIZE" neighbours", c.n_routers, c.n_routes,
                  c.n_neighs);
    }
}
