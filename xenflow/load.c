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

/* xenflow/load (load.h). */

#include <config.h>

#include "xenflow/load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "coverage.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "xenflow/appctl.h"
#include "xenflow/bridges.h"
#include "xenflow/flowsync.h"
#include "xenflow/model.h"
#include "xenflow/pace.h"
#include "xenflow/prefix-order.h"
#include "xenflow/proto.h"
#include "xenflow/rib.h"
#include "xenflow/router-cmd.h"
#include "xenflow/router.h"
#include "xenflow/routers.h"

VLOG_DEFINE_THIS_MODULE(xenflow_load);

/* A replace's routes, found once to keep them from the sweep, had to be
 * looked up again: a route was freed meanwhile (load_job_sweep()). */
COVERAGE_DEFINE(xenflow_load_relookup);

/* One parsed line of a file for xenflow/load.  Compact (a route's next hops
 * are copied out of the parser's fixed-size spec): a million of them are
 * held until the whole file has been checked.  A route's single next hop
 * (most routes') is stored inline, so that the entries are one block of
 * memory, given back whole when the load is done, rather than a million
 * small ones left behind in the heap. */
struct load_entry {
    bool is_route;
    union {
        struct {                                /* Route. */
            struct xf_prefix prefix;
            size_t n_nexthops;
            struct xf_nexthop_spec nexthop;     /* If 'n_nexthops' == 1. */
            struct xf_nexthop_spec *nexthops;   /* Else, malloc()'d. */
        };
        struct xf_neigh_spec neigh;             /* Neighbour. */
    };
};

/* The next hops of route entry 'e'.  (Not a pointer kept in 'e': the
 * entries array moves as it grows.) */
static struct xf_nexthop_spec *
entry_nexthops(struct load_entry *e)
{
    return e->n_nexthops == 1 ? &e->nexthop : e->nexthops;
}

/* What a xenflow/load is doing, in order (a plain load skips the two
 * phases of --replace). */
enum load_phase {
    LOAD_READ,                  /* Reading and checking the file. */
    LOAD_ORDER,                 /* Sorting the routes in address order. */
    LOAD_KEEP,                  /* --replace: keeping what the file has. */
    LOAD_SWEEP,                 /* --replace: removing what it has not. */
    LOAD_SET,                   /* Setting the file's entries. */
    LOAD_N_PHASES
};

static const char *const phase_names[LOAD_N_PHASES] = {
    [LOAD_READ] = "reading",
    [LOAD_ORDER] = "ordering",
    [LOAD_KEEP] = "keeping",
    [LOAD_SWEEP] = "sweeping",
    [LOAD_SET] = "setting",
};

/* A xenflow/load in progress.  Nothing is applied until every line has been
 * read and checked, so a bad file changes nothing; both the reading and the
 * applying proceed XF_LOAD_BATCH lines at a time, as bulk work
 * (xenflow/pace.h), so that a million routes do not stall the switch.  The
 * command replies when the last entry is in.  (A deferred unixctl reply is
 * safe: unixctl does not read from, and so does not close, a connection
 * with a request outstanding.) */
struct load_job {
    struct unixctl_conn *conn;
    char *router;               /* Router name (it may go away meanwhile). */
    char *file_name;
    FILE *file;                 /* Nonnull while reading. */
    int line_number;
    struct load_entry *entries;
    size_t n, allocated, next;
    bool replace;
    struct xf_prefix_order order;  /* Entries in the order they are set. */
    bool ordered;               /* 'order' sorted (or not used). */
    size_t n_kept;              /* --replace: entries looked up so far. */
    bool sweeping;              /* --replace: 'sweep' started. */
    struct xf_router_sweep sweep;
    bool swept;                 /* --replace: the old entries are gone. */
    struct xf_route **kept;     /* --replace: route entries' routes as
                                 * looked up to keep them (NULL: none),
                                 * set through while 'frees' holds. */
    uint64_t frees;             /* xf_rib_route_frees() as 'kept' began or
                                 * after the sweep. */
    uint32_t epoch;             /* The rib's 'route_epoch' as 'kept' began. */
    size_t n_routes, n_neighs, n_skipped, n_removed;
    bool done;                  /* Done and replied with success. */

    /* Progress, for xenflow/show and the log.  Times in microseconds. */
    long long int started;      /* time_usec() when the command came. */
    enum load_phase phase;      /* What the last step did. */
    long long int phase_start;  /* When 'phase' began. */
    long long int wall[LOAD_N_PHASES];  /* Wall-clock time per phase,
                                         * 'phase' once it ends. */
    long long int busy[LOAD_N_PHASES];  /* The main thread's CPU time in
                                         * the job's own steps. */
};

/* About 10 ms of work per main-loop iteration at ~2 us per route: the main
 * thread also polls the userspace datapath's ports. */
#define XF_LOAD_BATCH 5000

/* A replace looks up, and then sets, a million routes scattered over the
 * heap, each a few cache misses: entries this far ahead are prefetched
 * (their rib bucket, their entry), and half as far the next level (the
 * route), so that the misses of several entries overlap. */
#define XF_LOAD_PREFETCH 8

/* The xenflow/load in progress, if any. */
static struct load_job *load_job;

/* True while an xenflow/load is setting entries. */
bool
xf_load_busy(void)
{
    return load_job != NULL;
}

static void
load_entry_destroy(struct load_entry *e)
{
    if (e->is_route) {
        struct xf_nexthop_spec *nexthops = entry_nexthops(e);
        for (size_t i = 0; i < e->n_nexthops; i++) {
            free(nexthops[i].dev);
        }
        if (nexthops != &e->nexthop) {
            free(nexthops);
        }
    } else {
        free(e->neigh.dev);
    }
}

/* The hash that 'e''s route is looked up with (rib.h), 0 for a
 * neighbour. */
static uint32_t
load_entry_hash(const struct load_entry *e)
{
    return e->is_route ? xf_prefix_hash(&e->prefix, 0) : 0;
}

static void
load_entry_to_route_spec(struct load_entry *e, struct xf_route_spec *spec)
{
    spec->prefix = e->prefix;
    spec->n_nexthops = e->n_nexthops;
    memcpy(spec->nexthops, entry_nexthops(e),
           e->n_nexthops * sizeof *spec->nexthops);
}

static char *
parse_load_line(const struct xf_router *r, char *line,
                struct load_entry *e)
{
    const char *words[XF_MAX_WORDS];
    int n = xf_split_words(line, words);
    if (n < 0) {
        return xstrdup("too many words");
    }

    char *error;
    memset(e, 0, sizeof *e);
    if (!strcmp(words[0], "route")) {
        struct xf_route_spec spec;

        e->is_route = true;
        error = xf_route_spec_parse(n - 1, words + 1, &spec);
        if (!error) {
            error = xf_router_check_route(r, &spec);
        }
        /* The entry takes over the next hops' 'dev' strings. */
        e->prefix = spec.prefix;
        e->n_nexthops = spec.n_nexthops;
        if (spec.n_nexthops == 1) {
            e->nexthop = spec.nexthops[0];
        } else {
            e->nexthops = xmemdup(spec.nexthops,
                                  spec.n_nexthops * sizeof *spec.nexthops);
        }
    } else if (!strcmp(words[0], "neigh")) {
        error = xf_neigh_spec_parse(n - 1, words + 1, true, &e->neigh);
        if (!error) {
            error = xf_router_check_neigh(r, &e->neigh);
        }
    } else {
        error = xasprintf("\"%s\" is neither \"route\" nor \"neigh\"",
                          words[0]);
    }
    return error;
}

static void
load_job_destroy(struct load_job *job)
{
    /* The entries array is one large block, given back when freed; only
     * ECMP routes' next-hop arrays are small blocks, which the next load
     * or replace reuses. */
    for (size_t i = 0; i < job->n; i++) {
        load_entry_destroy(&job->entries[i]);
    }
    if (job->file) {
        fclose(job->file);
    }
    free(job->entries);
    free(job->kept);
    xf_prefix_order_destroy(&job->order);
    free(job->file_name);
    free(job->router);
    free(job);
}

/* Once every entry is read: the order in which they will be set,
 * neighbours first (in the file's order: routes resolve through them),
 * then routes in address order (prefix-order.h), sorted over the next
 * steps.  A file of more entries than an order can hold is set in its own
 * order. */
static void
load_job_order(struct load_job *job)
{
    if (job->n > XF_PREFIX_ORDER_MAX) {
        job->ordered = true;
        return;
    }
    xf_prefix_order_init(&job->order, job->n);
    for (size_t i = 0; i < job->n; i++) {
        const struct load_entry *e = &job->entries[i];
        if (e->is_route) {
            xf_prefix_order_add(&job->order, &e->prefix, i);
        } else {
            xf_prefix_order_add_first(&job->order, i);
        }
    }
}

/* Reads and checks up to XF_LOAD_BATCH lines of 'job''s file.  Returns an
 * error message (nothing will be loaded) or NULL. */
static char *
load_job_read(struct load_job *job, const struct xf_router *r)
{
    char *line = NULL;
    size_t line_size = 0;
    char *error = NULL;

    for (int i = 0; i < XF_LOAD_BATCH; i++) {
        if (getline(&line, &line_size, job->file) < 0) {
            if (ferror(job->file)) {
                error = xasprintf("%s: read error: %s", job->file_name,
                                  ovs_strerror(errno));
            }
            fclose(job->file);
            job->file = NULL;
            break;
        }
        job->line_number++;

        char *p = line + strspn(line, " \t\r\n");
        if (!*p || *p == '#') {
            continue;
        }
        if (job->n >= job->allocated) {
            job->entries = x2nrealloc(job->entries, &job->allocated,
                                      sizeof *job->entries);
        }
        char *e = parse_load_line(r, p, &job->entries[job->n]);
        job->n++;
        if (e) {
            error = xasprintf("%s:%d: %s", job->file_name, job->line_number,
                              e);
            free(e);
            break;
        }
    }
    free(line);
    return error;
}

/* Stops setting 'job''s routes through 'job->kept': a route was freed
 * since they were found. */
static void
load_job_drop_kept(struct load_job *job)
{
    COVERAGE_INC(xenflow_load_relookup);
    free(job->kept);
    job->kept = NULL;
}

/* --replace, before anything is set: keeps from the sweep the entries of
 * 'r' that the new table has, up to XF_LOAD_BATCH lookups at a time, then
 * sweeps the others, in steps as well.  Returns true once swept.
 *
 * Each route entry's lookup is kept in 'job->kept', so that setting it
 * needs none: a third of a replace's lookups.  The routes found stay valid
 * as long as no route is freed or withdrawn (xf_rib_route_frees()), other
 * than by the sweep, which frees only routes not kept (unless something
 * marked the routes stale again meanwhile: the rib's epoch tells). */
static bool
load_job_sweep(struct load_job *job, struct xf_router *r)
{
    size_t end = MIN(job->n, job->n_kept + XF_LOAD_BATCH);

    if (!job->n_kept && !job->sweeping) {
        job->kept = xmalloc(MAX(job->n, 1) * sizeof *job->kept);
        job->frees = xf_rib_route_frees();
        job->epoch = r->rib.route_epoch;
    }
    if (job->n_kept < job->n) {
        /* The hashes of the next 2 * XF_LOAD_PREFETCH entries, entry i's
         * at i % ARRAY_SIZE(ahead): no allocation per batch. */
        uint32_t ahead[2 * XF_LOAD_PREFETCH];
        const size_t n_ahead = ARRAY_SIZE(ahead);

        for (size_t i = job->n_kept; i < MIN(end, job->n_kept + n_ahead);
             i++) {
            ahead[i % n_ahead] = load_entry_hash(&job->entries[i]);
            xf_rib_prefetch_bucket(&r->rib, ahead[i % n_ahead]);
        }
        for (; job->n_kept < end; job->n_kept++) {
            size_t k = job->n_kept;
            const struct load_entry *e = &job->entries[k];
            uint32_t hash = ahead[k % n_ahead];

            if (k + n_ahead < end) {
                const struct load_entry *next = &job->entries[k + n_ahead];
                ahead[k % n_ahead] = load_entry_hash(next);
                xf_rib_prefetch_bucket(&r->rib, ahead[k % n_ahead]);
            }
            if (k + XF_LOAD_PREFETCH < end) {
                xf_rib_prefetch_route(&r->rib,
                                      ahead[(k + XF_LOAD_PREFETCH) % n_ahead]);
            }
            if (e->is_route) {
                job->kept[k] = xf_router_keep_route(r, &e->prefix, hash);
            } else {
                job->kept[k] = NULL;
                xf_router_keep_neigh(r, e->neigh.dev, &e->neigh.ip);
            }
        }
        return false;           /* The sweep starts with the next step. */
    }

    /* The sweep, XF_LOAD_BATCH routes looked at per step: at a million
     * routes the whole walk and its removals took most of a second.  Only
     * the sweep frees routes between steps, unless something else went. */
    if (job->kept && (job->frees != xf_rib_route_frees()
                      || job->epoch != r->rib.route_epoch)) {
        load_job_drop_kept(job);
    }
    if (!job->sweeping) {
        job->n_removed += xf_router_sweep_start(r, &job->sweep);
        job->sweeping = true;
    }
    job->n_removed += xf_router_sweep_step(r, &job->sweep, XF_LOAD_BATCH);
    if (job->sweep.done) {
        job->n_removed += xf_router_sweep(r);
        job->swept = true;
    }
    job->frees = xf_rib_route_frees();
    return job->swept;
}

/* Applies up to XF_LOAD_BATCH entries of 'job' to 'r'.  Returns true when
 * every entry is in. */
static bool
load_job_apply(struct load_job *job, struct xf_router *r)
{
    size_t end = MIN(job->n, job->next + XF_LOAD_BATCH);

    for (; job->next < end; job->next++) {
        if (job->next + 2 * XF_LOAD_PREFETCH < job->n) {
            size_t j = xf_prefix_order_get(&job->order,
                                           job->next + 2 * XF_LOAD_PREFETCH);
            OVS_PREFETCH(&job->entries[j]);
            OVS_PREFETCH((const char *) &job->entries[j + 1] - 1);
            if (job->kept) {
                OVS_PREFETCH(&job->kept[j]);
            }
        }
        if (job->kept && job->next + XF_LOAD_PREFETCH < job->n) {
            OVS_PREFETCH(job->kept[xf_prefix_order_get(
                                       &job->order,
                                       job->next + XF_LOAD_PREFETCH)]);
        }

        size_t i = xf_prefix_order_get(&job->order, job->next);
        struct load_entry *e = &job->entries[i];
        struct xf_route_spec spec;
        if (job->kept && job->frees != xf_rib_route_frees()) {
            /* A route went (this entry's interface, say): look up. */
            load_job_drop_kept(job);
        }
        struct xf_route *hint = job->kept ? job->kept[i] : NULL;
        if (e->is_route) {
            load_entry_to_route_spec(e, &spec);
        }
        if (e->is_route ? !xf_router_set_route_at(r, &spec, hint)
            : !xf_router_set_neigh(r, &e->neigh)) {
            job->n_skipped++;
            xf_router_count_rejected(r, 1);
            if (job->replace) {
                /* Kept from the sweep, but not in the new table after
                 * all (the router's interfaces changed meanwhile). */
                job->n_removed += (e->is_route
                                   ? xf_router_del_route(r, &e->prefix)
                                   : xf_router_del_neigh(r, e->neigh.dev,
                                                         &e->neigh.ip));
            }
        } else if (e->is_route) {
            job->n_routes++;
        } else {
            job->n_neighs++;
        }
    }
    return job->next >= job->n;
}

/* The phase that 'job''s next step is in. */
static enum load_phase
load_job_phase(const struct load_job *job)
{
    return (job->file ? LOAD_READ
            : !job->ordered ? LOAD_ORDER
            : job->replace && !job->swept ? (job->n_kept < job->n
                                             ? LOAD_KEEP : LOAD_SWEEP)
            : LOAD_SET);
}

/* Fails 'job' with 'msg', which it frees: the reply, and the log, since
 * the command may come from a script nobody watches (a warning if 'warn',
 * else for information: the reply told the operator). */
static void
load_job_fail(struct load_job *job, bool warn, char *msg)
{
    VLOG(warn ? VLL_WARN : VLL_INFO, "%s", msg);
    xf_appctl_reply_error(job->conn, "%s", msg);
    free(msg);
}

/* Does one piece of the job: reads and checks, or applies.  Returns false
 * while there is more to do. */
static bool
load_job_step(struct load_job *job)
{
    struct xf_router *r = xf_router_find(job->router);

    if (!r) {
        load_job_fail(job, true,
                      xasprintf("xenflow/load: router %s was removed while "
                                "loading; %"PRIuSIZE" of %"PRIuSIZE" entries "
                                "applied", job->router, job->next, job->n));
    } else if (job->file) {
        char *error = load_job_read(job, r);
        if (!error) {
            if (!job->file) {
                /* Read and checked: size the tables once for all of it.
                 * A replace ends with the file's entries, not the sum:
                 * sized for the sum, each replace of a full table would
                 * double the tables' buckets (16 MB each for a million
                 * routes) for nothing. */
                struct xf_flowsync *fs = xf_bridge_flows(r->bridge);
                size_t count = hmap_count(&r->rib.routes);
                size_t more = (!job->replace ? job->n
                               : job->n > count ? job->n - count : 0);
                xf_rib_reserve_routes(&r->rib, more);
                if (fs) {
                    xf_flowsync_reserve(fs, more);
                }
                if (job->replace) {
                    xf_router_begin_sync(r);
                }
                load_job_order(job);
            }
            return false;
        }
        xf_router_count_rejected(r, 1);
        load_job_fail(job, false, xasprintf("xenflow/load: %s; nothing "
                                            "loaded", error));
        free(error);
    } else if (!job->ordered) {
        job->ordered = xf_prefix_order_step(&job->order);
        return false;
    } else if (job->replace && !job->swept) {
        load_job_sweep(job, r);
        return false;
    } else if (load_job_apply(job, r)) {
        size_t n_removed = job->n_removed;
        char *msg = xasprintf("%s: %"PRIuSIZE" routes, %"PRIuSIZE
                              " neighbours loaded, %"PRIuSIZE" removed%s\n",
                              r->name, job->n_routes, job->n_neighs,
                              n_removed,
                              job->n_skipped ? " (some entries skipped: the "
                              "router's interfaces changed meanwhile)" : "");
        unixctl_command_reply(job->conn, msg);
        free(msg);
        job->done = true;
    } else {
        return false;
    }
    return true;
}

/* Logs what 'job', just done, did and where its time went. */
static void
load_job_log(const struct load_job *job, long long int now)
{
    struct xf_router *r = xf_router_find(job->router);
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "xenflow/load %s %s%s: %"PRIuSIZE" routes, %"PRIuSIZE
                  " neighbours loaded, %"PRIuSIZE" removed",
                  job->router, job->file_name,
                  job->replace ? " --replace" : "", job->n_routes,
                  job->n_neighs, job->n_removed);
    if (job->n_skipped) {
        ds_put_format(&s, ", %"PRIuSIZE" skipped (the router's interfaces "
                      "changed meanwhile)", job->n_skipped);
    }
    ds_put_format(&s, " in %.2f s", (now - job->started) / 1e6);
    const char *sep = " (";
    for (int p = 0; p < LOAD_N_PHASES; p++) {
        if (job->wall[p] || job->busy[p]) {
            ds_put_format(&s, "%s%s %.2f s, busy %.2f s", sep,
                          phase_names[p], job->wall[p] / 1e6,
                          job->busy[p] / 1e6);
            sep = "; ";
        }
    }
    ds_put_format(&s, "%s; %"PRIuSIZE" flow changes left to apply",
                  *sep == ';' ? ")" : "", r ? xf_router_flows_pending(r) : 0);
    VLOG_INFO("%s", ds_cstr(&s));
    ds_destroy(&s);
}

/* The calling thread's CPU time in microseconds (0 if unknown): a step's
 * busy time is its CPU, not wall-clock time, which also counts the
 * thread waiting for a CPU. */
static long long int
thread_cpu_usec(void)
{
    struct timespec ts;

    return (!clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
            ? ts.tv_sec * 1000000LL + ts.tv_nsec / 1000 : 0);
}

/* Runs one step of 'job', timed for its phase.  Returns true, and frees
 * 'job', once it is done. */
static bool
load_job_run(struct load_job *job)
{
    long long int start = time_usec();
    long long int cpu_start = thread_cpu_usec();
    enum load_phase phase = load_job_phase(job);
    if (phase != job->phase) {
        job->wall[job->phase] += start - job->phase_start;
        job->phase = phase;
        job->phase_start = start;
    }

    bool finished = load_job_step(job);
    long long int end = time_usec();
    job->busy[phase] += thread_cpu_usec() - cpu_start;
    if (finished) {
        job->wall[phase] += end - job->phase_start;
        if (job->done) {
            load_job_log(job, end);
        }
        load_job_destroy(job);
    }
    return finished;
}

void
xf_load_run(void)
{
    if (load_job && xf_bulk_allows() && load_job_run(load_job)) {
        load_job = NULL;
    }
}

/* Appends to 's' a line on the xenflow/load in progress, if any. */
void
xf_load_put_progress(struct ds *s)
{
    const struct load_job *job = load_job;

    if (!job) {
        return;
    }
    ds_put_format(s, "xenflow/load %s %s%s: %s", job->router,
                  job->file_name, job->replace ? " --replace" : "",
                  phase_names[load_job_phase(job)]);
    switch (load_job_phase(job)) {
    case LOAD_READ:
        ds_put_format(s, " (%d lines read)", job->line_number);
        break;
    case LOAD_ORDER:
        ds_put_format(s, " (%"PRIuSIZE" entries)", job->n);
        break;
    case LOAD_KEEP:
        ds_put_format(s, " (%"PRIuSIZE" of %"PRIuSIZE" entries looked up)",
                      job->n_kept, job->n);
        break;
    case LOAD_SWEEP:
        ds_put_format(s, " (%"PRIuSIZE" removed)", job->n_removed);
        break;
    case LOAD_SET:
    case LOAD_N_PHASES:
    default:
        ds_put_format(s, " (%"PRIuSIZE" of %"PRIuSIZE" entries set, %"
                      PRIuSIZE" removed)", job->next, job->n,
                      job->n_removed);
        break;
    }
    ds_put_format(s, ", %.1f s so far\n",
                  (time_usec() - job->started) / 1e6);
}

/* The xenflow/load in progress as JSON, or a JSON null if none. */
struct json *
xf_load_progress_json(void)
{
    const struct load_job *job = load_job;

    if (!job) {
        return json_null_create();
    }

    struct json *o = json_object_create();
    json_object_put_string(o, "router", job->router);
    json_object_put_string(o, "file", job->file_name);
    json_object_put(o, "replace", json_boolean_create(job->replace));
    json_object_put_string(o, "phase", phase_names[load_job_phase(job)]);
    json_object_put(o, "lines_read", json_integer_create(job->line_number));
    json_object_put(o, "entries", json_integer_create(job->n));
    json_object_put(o, "looked_up", json_integer_create(job->n_kept));
    json_object_put(o, "set", json_integer_create(job->next));
    json_object_put(o, "removed", json_integer_create(job->n_removed));
    json_object_put(o, "elapsed_ms",
                    json_integer_create((time_usec() - job->started) / 1000));
    return o;
}

void
xf_load_wait(void)
{
    if (load_job) {
        xf_bulk_wait();
    }
}

void
xf_load_destroy(void)
{
    if (load_job) {
        load_job_destroy(load_job);
        load_job = NULL;
    }
}

/* xenflow/load ROUTER FILE [--replace]. */
static void
cmd_load(struct unixctl_conn *conn, int argc, const char *argv[],
         void *aux OVS_UNUSED)
{
    bool replace = false;
    if (argc == 4) {
        if (strcmp(argv[3], "--replace")) {
            xf_appctl_reply_error(conn, "%s: unknown option \"%s\" (usage: "
                                  "%s ROUTER FILE [--replace])", argv[0],
                                  argv[3], argv[0]);
            return;
        }
        replace = true;
    }
    struct xf_router *r = xf_router_cmd_lookup(conn, argc, argv);
    if (!r) {
        return;
    } else if (load_job) {
        xf_appctl_reply_error(conn, "%s: busy loading router %s (%"PRIuSIZE
                              " of %"PRIuSIZE" entries %s); try again when "
                              "it is done", argv[0], load_job->router,
                              load_job->file ? load_job->n : load_job->next,
                              load_job->n,
                              load_job->file ? "read" : "applied");
        return;
    }
    FILE *file = fopen(argv[2], "r");
    if (!file) {
        /* ovs-vswitchd --detach runs in "/", which surprises operators who
         * pass a name relative to their shell's directory. */
        xf_appctl_reply_error(conn, "%s: %s: %s%s", argv[0], argv[2],
                              ovs_strerror(errno),
                              argv[2][0] != '/' ? " (a relative name is "
                              "resolved from ovs-vswitchd's working "
                              "directory; give an absolute path)" : "");
        return;
    }

    struct load_job *job = xzalloc(sizeof *job);
    job->conn = conn;
    job->router = xstrdup(r->name);
    job->file_name = xstrdup(argv[2]);
    job->file = file;
    job->replace = replace;
    job->started = job->phase_start = time_usec();
    job->phase = LOAD_READ;
    load_job = job;
    if (load_job_run(job)) {
        load_job = NULL;
    }
}

void
xf_load_register(void)
{
    unixctl_command_register("xenflow/load", "ROUTER FILE [--replace]", 2, 3,
                             cmd_load, NULL);
}
