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

/* Unit test of the agent's gatherer parsers (xenflow/agent/gather-node.c)
 * and of its metrics output (xenflow/agent/metrics.c), driven by
 * tests/xenflow-metrics.at:
 *
 *   ovstest test-xenflow-metrics node PROC_STAT MEMINFO
 *   ovstest test-xenflow-metrics metrics PROC_STAT MEMINFO < ROUTERS
 *
 * "node" prints what the parsers found, or their error ("metrics" prints
 * the error on stderr).  "metrics" prints
 * the exposition text for node "n1" with those files and the routers of
 * ROUTERS, one a line:
 *   NAME STATE [vcpus=N] [memory=MB] [cpu-ns=N] [mem-kib=N] [rss-kib=N]
 *        [shares=N] [quota=N] [period=N] [rx=BYTES,PACKETS]
 *        [tx=BYTES,PACKETS] [absent]
 * ("absent": libvirt reports it but the fleet does not want it).
 *
 *   ovstest test-xenflow-metrics switch KIND=FILE...
 *   ovstest test-xenflow-metrics switch-metrics [stale] KIND=FILE...
 *
 * parse each FILE in turn as the reply to "xenflow/show --json"
 * (KIND "show"), "xenflow/qos/show --json" ("qos") or
 * "xenflow/migrate/show --json" ("migrate") or "xenflow/trunks --json"
 * ("trunks") into the same figures (xenflow/agent/gather-switch.c),
 * printing each parser's error, then print the figures and the Node status
 * keys of the trunks ("switch") or their metrics for node "n1"
 * ("switch-metrics"; "stale": the last pass failed).
 *
 *   ovstest test-xenflow-metrics stats-interval VALUE...
 *
 * parses each VALUE as Fleet options:stats-interval. */

#include <config.h>
#undef NDEBUG

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "tests/ovstest.h"
#include "util.h"
#include "xenflow/agent/fleet-stats.h"
#include "xenflow/agent/gather-node.h"
#include "xenflow/agent/gather-switch.h"
#include "xenflow/agent/metrics.h"
#include "xenflow/agent/virt-worker.h"

static char *
slurp(const char *name)
{
    FILE *f = fopen(name, "r");
    struct ds s = DS_EMPTY_INITIALIZER;
    int c;

    if (!f) {
        ovs_fatal(errno, "%s", name);
    }
    while ((c = getc(f)) != EOF) {
        ds_put_char(&s, c);
    }
    fclose(f);
    return ds_steal_cstr(&s);
}

/* Parses both files into '*st'; prints an error and returns false if
 * either is bad. */
static bool
parse_node(const char *stat_file, const char *meminfo_file,
           struct xfa_node_stats *st, FILE *out)
{
    char *stat = slurp(stat_file), *meminfo = slurp(meminfo_file);
    char *error = xfa_parse_proc_stat(stat, 100, st);
    if (!error) {
        error = xfa_parse_meminfo(meminfo, st);
    }
    free(stat);
    free(meminfo);
    if (error) {
        fprintf(out, "error: %s\n", error);
        free(error);
        return false;
    }
    return true;
}

static void
parse_router(char *line, struct shash *reports, struct shash *wants)
{
    char *save = NULL;
    char *name = strtok_r(line, " \n", &save);
    char *state = strtok_r(NULL, " \n", &save);
    if (!name || !state) {
        return;
    }

    struct xfa_report *r = xzalloc(sizeof *r);
    struct xfa_want *w = xzalloc(sizeof *w);
    struct xfa_dom_info *i = &r->info;
    r->state = xstrdup(state);
    i->state = !strcmp(state, "running") ? "running" : "shut off";
    i->cpu_shares = i->vcpu_period = i->vcpu_quota = -1;
    i->cpu_time_ns = i->mem_actual_kib = i->mem_rss_kib = -1;
    i->rx_bytes = i->rx_packets = i->tx_bytes = i->tx_packets = -1;
    w->vm.name = xstrdup(name);
    w->running = !strcmp(state, "running");
    w->vm.vcpus = 1;
    w->vm.memory_mb = 64;

    bool absent = false;
    for (char *f = strtok_r(NULL, " \n", &save); f;
         f = strtok_r(NULL, " \n", &save)) {
        long long a, b;
        if (sscanf(f, "vcpus=%lld", &a) == 1) {
            w->vm.vcpus = a;
        } else if (sscanf(f, "memory=%lld", &a) == 1) {
            w->vm.memory_mb = a;
        } else if (sscanf(f, "cpu-ns=%lld", &a) == 1) {
            i->cpu_time_ns = a;
        } else if (sscanf(f, "mem-kib=%lld", &a) == 1) {
            i->mem_actual_kib = a;
        } else if (sscanf(f, "rss-kib=%lld", &a) == 1) {
            i->mem_rss_kib = a;
        } else if (sscanf(f, "shares=%lld", &a) == 1) {
            i->cpu_shares = a;
        } else if (sscanf(f, "quota=%lld", &a) == 1) {
            i->vcpu_quota = a;
        } else if (sscanf(f, "period=%lld", &a) == 1) {
            i->vcpu_period = a;
        } else if (sscanf(f, "rx=%lld,%lld", &a, &b) == 2) {
            i->rx_bytes = a;
            i->rx_packets = b;
        } else if (sscanf(f, "tx=%lld,%lld", &a, &b) == 2) {
            i->tx_bytes = a;
            i->tx_packets = b;
        } else if (!strcmp(f, "absent")) {
            absent = true;
        } else {
            ovs_fatal(0, "bad router field %s", f);
        }
    }
    shash_add(reports, name, r);
    if (absent) {
        free(w->vm.name);
        free(w);
    } else {
        shash_add(wants, name, w);
    }
}

static void
print_figures(const struct xfa_sw_figures *f)
{
    const struct shash_node **routers = shash_sort(&f->routers);
    for (size_t i = 0; i < shash_count(&f->routers); i++) {
        const struct xfa_sw_router *r = routers[i]->data;
        char *networks = svec_join(&r->networks, ",", "");
        char buf[32];

        printf("router %s bridge=%s networks=%s client=%s (%s) status=%s "
               "routes=%llu/%llu neighbors=%llu/%llu flows=%llu "
               "pending=%llu routed=%llu to_vm=%llu updates=%llu,%llu "
               "rejected=%llu\n", r->name, r->bridge, networks,
               xfa_sw_client_state(r->client, buf, sizeof buf), r->client,
               r->status, r->routes_installed, r->routes,
               r->neighbors_installed, r->neighbors, r->flows,
               r->flows_pending, r->routed_packets, r->to_vm_packets,
               r->route_updates, r->neighbor_updates, r->rejected);
        if (r->migration) {
            const struct xfa_sw_migration *m = r->migration;
            printf("  last migration: %s %s %s %s %lld ms\n", m->direction,
                   m->peer, m->phase, m->result, m->elapsed_ms);
        }
        free(networks);
    }
    free(routers);
    for (size_t i = 0; i < f->n_queues; i++) {
        const struct xfa_sw_queue *q = &f->queues[i];
        printf("queue %s:%lld network=%s mode=%s capacity=%lld "
               "contract=%lld min=%lld max=%lld rate=%lld expected=%lld "
               "fitness=%.3f\n", q->port, q->id, q->network, q->mode,
               q->capacity, q->contract, q->min, q->max, q->rate,
               q->expected, q->fitness);
    }
    for (size_t i = 0; i < f->n_trunks; i++) {
        const struct xfa_sw_trunk *t = &f->trunks[i];
        printf("trunk %s:%s peer=%s:%s seen=%s rtt=%lld,%lld,%lld "
               "probes=%llu/%llu bad=%llu\n", t->bridge, t->port,
               t->peer_node ? t->peer_node : "-",
               t->peer_port ? t->peer_port : "-", t->seen, t->rtt_us,
               t->rtt_min_us, t->rtt_avg_us, t->probes_answered,
               t->probes_sent, t->bad_probes);
    }
    if (f->n_trunks) {
        struct smap status = SMAP_INITIALIZER(&status);
        xfa_stats_trunk_figures(f, &status);
        const struct smap_node **keys = smap_sort(&status);
        printf("status:");
        for (size_t i = 0; i < smap_count(&status); i++) {
            printf(" %s=%s", keys[i]->key, keys[i]->value);
        }
        printf("\n");
        free(keys);
        smap_destroy(&status);
    }
}

static void
test_switch(int argc, char *argv[])
{
    bool metrics = !strcmp(argv[1], "switch-metrics");
    struct xfa_sw_stats stats = { .n_passes = 1, .last_ok = 1700000000000 };
    struct xfa_sw_figures f;

    xfa_sw_figures_init(&f);
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "stale")) {
            stats.stale = true;
            stats.n_failures = 1;
            continue;
        }
        char *kind = xstrdup(argv[i]);
        char *file = strchr(kind, '=');
        if (!file) {
            ovs_fatal(0, "%s: not KIND=FILE", argv[i]);
        }
        *file++ = '\0';

        char *text = slurp(file);
        char *error = (!strcmp(kind, "show") ? xfa_sw_parse_show(text, &f)
                       : !strcmp(kind, "qos") ? xfa_sw_parse_qos(text, &f)
                       : !strcmp(kind, "migrate")
                       ? xfa_sw_parse_migrations(text, &f)
                       : !strcmp(kind, "trunks")
                       ? xfa_sw_parse_trunks(text, &f)
                       : xasprintf("unknown kind %s", kind));
        if (error) {
            printf("%s: error: %s\n", file, error);
            free(error);
        }
        free(text);
        free(kind);
    }
    if (metrics) {
        struct ds s = DS_EMPTY_INITIALIZER;
        xfa_metrics_format_switch("n1", &f, &stats, &s);
        fputs(ds_cstr(&s), stdout);
        ds_destroy(&s);
    } else {
        print_figures(&f);
    }
    xfa_sw_figures_destroy(&f);
}

static void
test_xenflow_metrics_main(int argc, char *argv[])
{
    struct xfa_node_stats st;

    if (argc >= 2 && !strcmp(argv[1], "stats-interval")) {
        for (int i = 2; i < argc; i++) {
            int seconds;
            char *error = xfa_stats_interval_parse(argv[i], &seconds);
            printf("%s: %d%s%s\n", argv[i], seconds, error ? ": " : "",
                   error ? error : "");
            free(error);
        }
        return;
    }
    if (argc >= 2 && (!strcmp(argv[1], "switch")
                      || !strcmp(argv[1], "switch-metrics"))) {
        test_switch(argc, argv);
        return;
    }

    if (argc != 4) {
        ovs_fatal(0, "usage: test-xenflow-metrics node|metrics PROC_STAT "
                  "MEMINFO");
    }
    bool ok = parse_node(argv[2], argv[3], &st,
                         !strcmp(argv[1], "node") ? stdout : stderr);
    if (!strcmp(argv[1], "node")) {
        if (ok) {
            for (int m = 0; m < XFA_N_CPU_MODES; m++) {
                printf("%s=%.2f ", xfa_cpu_mode_name(m), st.cpu_seconds[m]);
            }
            printf("cpus=%d btime=%lld\ntotal=%lld free=%lld available=%lld "
                   "buffers=%lld cached=%lld\n", st.n_cpus, st.boot_time,
                   st.mem_total, st.mem_free, st.mem_available,
                   st.mem_buffers, st.mem_cached);
        }
        return;
    }
    if (strcmp(argv[1], "metrics")) {
        ovs_fatal(0, "unknown command %s", argv[1]);
    }

    struct shash reports = SHASH_INITIALIZER(&reports);
    struct shash wants = SHASH_INITIALIZER(&wants);
    char line[1024];
    while (fgets(line, sizeof line, stdin)) {
        parse_router(line, &reports, &wants);
    }
    struct xfa_metrics_input in = {
        .node = "n1",
        .stats = ok ? &st : NULL,
        .libvirt_up = true,
        .fleet_connected = true,
        .reports = &reports,
        .wants = &wants,
        .n_gathers = 3,
        .n_gather_errors = !ok,
    };
    struct ds s = DS_EMPTY_INITIALIZER;
    xfa_metrics_format(&in, &s);
    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);

    struct shash_node *node;
    SHASH_FOR_EACH (node, &reports) {
        struct xfa_report *r = node->data;
        free(CONST_CAST(char *, r->state));
        free(r);
    }
    SHASH_FOR_EACH (node, &wants) {
        struct xfa_want *w = node->data;
        free(w->vm.name);
        free(w);
    }
    shash_destroy(&reports);
    shash_destroy(&wants);
}

OVSTEST_REGISTER("test-xenflow-metrics", test_xenflow_metrics_main);
