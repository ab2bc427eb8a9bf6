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

/* Unit tests for xenflow/qos-calc.c and the QoS keys of xenflow/conf.c,
 * driven by tests/xenflow-unit.at.  Rates are given and printed in Mbit/s.
 *
 *   ovstest test-xenflow-qos compute LINK QUEUE...
 *       QUEUE is CONTRACT:CEILING:RATE:WANTS (CEILING 0: the link; WANTS 1
 *       if the queue dropped packets or hit its ceiling).  Prints each
 *       queue's expected share, minimum and ceiling.
 *
 *   ovstest test-xenflow-qos simulate LINK ROUNDS QUEUE...
 *       QUEUE is CONTRACT:DEMAND[:FROM-ROUND[:TO-ROUND]] (offered load,
 *       present in rounds FROM...TO, default always).  Runs the controller
 *       on a simulated HTB link: each round the link allocates per the
 *       applied minimums and ceilings (minimums first, then the rest in
 *       proportion to the minimums, the way HTB's quanta share it), the
 *       controller measures and computes the next minimums and ceilings.
 *       Prints each round's allocation and fitness.
 *
 *   ovstest test-xenflow-qos class SPEC...
 *   ovstest test-xenflow-qos queue PORT ID KEY=VALUE...
 *       Parse a class of flows or a Queue's other_config and print the
 *       result and every problem. */

#include <config.h>
#undef NDEBUG

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command-line.h"
#include "openvswitch/dynamic-string.h"
#include "smap.h"
#include "svec.h"
#include "tests/ovstest.h"
#include "util.h"
#include "xenflow/conf.h"
#include "xenflow/qos-calc.h"

#define MBIT 1000000.0

static double
parse_mbit(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0) {
        ovs_fatal(0, "%s: not a rate in Mbit/s", s);
    }
    return v;
}

static void
test_compute(struct ovs_cmdl_context *ctx)
{
    uint64_t link = parse_mbit(ctx->argv[1]) * MBIT;
    size_t n = ctx->argc - 2;
    struct xf_qos_queue_in *in = xcalloc(n, sizeof *in);
    struct xf_qos_queue_out *out = xcalloc(n, sizeof *out);

    for (size_t i = 0; i < n; i++) {
        double contract, ceiling, rate;
        int wants;
        if (sscanf(ctx->argv[i + 2], "%lf:%lf:%lf:%d", &contract, &ceiling,
                   &rate, &wants) != 4) {
            ovs_fatal(0, "%s: expected CONTRACT:CEILING:RATE:WANTS",
                      ctx->argv[i + 2]);
        }
        in[i] = (struct xf_qos_queue_in) {
            .contract = contract * MBIT, .ceiling = ceiling * MBIT,
            .rate = rate * MBIT, .wants_more = wants,
        };
    }
    xf_qos_compute(link, in, out, n);
    for (size_t i = 0; i < n; i++) {
        printf("q%"PRIuSIZE": expected %.2f min %.2f max %.2f\n", i,
               out[i].expected / MBIT, out[i].min / MBIT, out[i].max / MBIT);
    }
    free(in);
    free(out);
}

struct sim_queue {
    double contract, demand;
    int from, to;
    double min, max;            /* Applied. */
    double got;                 /* Allocated this round. */
};

/* Allocates 'link' among the queues present in 'round' the way HTB does:
 * each its minimum (up to its demand), then the rest in proportion to the
 * minimums, up to each queue's ceiling and demand. */
static void
simulate_link(double link, struct sim_queue *q, size_t n, int round)
{
    double left = link;
    bool *done = xcalloc(n, sizeof *done);
    double *cap = xcalloc(n, sizeof *cap);

    for (size_t i = 0; i < n; i++) {
        bool present = round >= q[i].from && round <= q[i].to;
        double demand = present ? q[i].demand : 0;
        q[i].got = MIN(demand, q[i].min);
        cap[i] = MIN(demand, q[i].max);
        left -= q[i].got;
        done[i] = q[i].got >= cap[i];
    }
    while (left > 1e-6) {
        double sum = 0;
        for (size_t i = 0; i < n; i++) {
            sum += done[i] ? 0 : q[i].min;
        }
        if (sum <= 0) {
            break;
        }
        double used = 0;
        bool changed = false;
        for (size_t i = 0; i < n; i++) {
            if (!done[i]) {
                double give = MIN(left * q[i].min / sum, cap[i] - q[i].got);
                q[i].got += give;
                used += give;
                if (q[i].got >= cap[i] - 1e-6) {
                    done[i] = changed = true;
                }
            }
        }
        left -= used;
        if (!changed) {
            break;
        }
    }
    free(done);
    free(cap);
}

static void
test_simulate(struct ovs_cmdl_context *ctx)
{
    double link = parse_mbit(ctx->argv[1]) * MBIT;
    int rounds = atoi(ctx->argv[2]);
    size_t n = ctx->argc - 3;
    struct sim_queue *q = xcalloc(n, sizeof *q);
    struct xf_qos_queue_in *in = xcalloc(n, sizeof *in);
    struct xf_qos_queue_out *out = xcalloc(n, sizeof *out);

    for (size_t i = 0; i < n; i++) {
        double contract, demand;
        int from = 0, to = rounds;
        if (sscanf(ctx->argv[i + 3], "%lf:%lf:%d:%d", &contract, &demand,
                   &from, &to) < 2) {
            ovs_fatal(0, "%s: expected CONTRACT:DEMAND[:FROM[:TO]]",
                      ctx->argv[i + 3]);
        }
        q[i] = (struct sim_queue) {
            .contract = contract * MBIT, .demand = demand * MBIT,
            .from = from, .to = to,
            /* Before the controller: static queues, ceiling the link. */
            .min = contract * MBIT, .max = link,
        };
    }

    for (int round = 0; round < rounds; round++) {
        simulate_link(link, q, n, round);

        /* Fitness against the expected shares of this round's demand. */
        for (size_t i = 0; i < n; i++) {
            bool present = round >= q[i].from && round <= q[i].to;
            in[i] = (struct xf_qos_queue_in) {
                .contract = q[i].contract,
                .rate = present ? q[i].demand : 0,
                .wants_more = present && q[i].demand > link,
            };
        }
        xf_qos_compute(link, in, out, n);
        printf("round %d:", round);
        double fitness = 0;
        for (size_t i = 0; i < n; i++) {
            fitness += xf_qos_fitness(q[i].got, out[i].expected);
            printf(" q%"PRIuSIZE" %.2f/%.2f", i, q[i].got / MBIT,
                   out[i].expected / MBIT);
        }
        printf(" fitness %.3f\n", fitness / n);

        /* The controller: measures what each queue got and whether it
         * wanted more, and sets the next minimums and ceilings. */
        for (size_t i = 0; i < n; i++) {
            bool present = round >= q[i].from && round <= q[i].to;
            in[i] = (struct xf_qos_queue_in) {
                .contract = q[i].contract,
                .rate = q[i].got,
                .wants_more = present && q[i].demand > q[i].got + 1,
            };
        }
        xf_qos_compute(link, in, out, n);
        for (size_t i = 0; i < n; i++) {
            q[i].min = out[i].min;
            q[i].max = out[i].max;
        }
    }
    free(q);
    free(in);
    free(out);
}

static void
test_class(struct ovs_cmdl_context *ctx)
{
    for (int i = 1; i < ctx->argc; i++) {
        struct xf_qos_class c;
        char *error = xf_qos_class_parse(ctx->argv[i], &c);
        if (error) {
            printf("\"%s\": error: %s\n", ctx->argv[i], error);
            free(error);
            continue;
        }

        struct ds s = DS_EMPTY_INITIALIZER;
        xf_qos_class_format(&c, &s);
        ds_put_cstr(&s, " ->");
        for (int v6 = 0; v6 < 2; v6++) {
            ds_put_char(&s, ' ');
            if (!xf_qos_class_format_match(&c, v6, &s)) {
                ds_put_char(&s, '-');
            }
        }
        printf("\"%s\": %s\n", ctx->argv[i], ds_cstr(&s));
        ds_destroy(&s);
    }
}

static void
test_queue(struct ovs_cmdl_context *ctx)
{
    struct smap cfg = SMAP_INITIALIZER(&cfg);
    struct svec errors = SVEC_EMPTY_INITIALIZER;
    struct xf_queue_conf qc;

    for (int i = 3; i < ctx->argc; i++) {
        char *eq = strchr(ctx->argv[i], '=');
        if (!eq) {
            ovs_fatal(0, "%s: expected KEY=VALUE", ctx->argv[i]);
        }
        char *key = xmemdup0(ctx->argv[i], eq - ctx->argv[i]);
        smap_add(&cfg, key, eq + 1);
        free(key);
    }

    bool used = xf_queue_conf_parse(ctx->argv[1], atoi(ctx->argv[2]), &cfg,
                                    &qc, &errors);
    if (used) {
        struct ds s = DS_EMPTY_INITIALIZER;
        if (qc.has_class) {
            xf_qos_class_format(&qc.class, &s);
        }
        printf("network=%s class=%s min-rate=%llu max-rate=%llu\n",
               qc.network, qc.has_class ? ds_cstr(&s) : "-", qc.min_rate,
               qc.max_rate);
        ds_destroy(&s);
    } else {
        printf("not used\n");
    }
    for (size_t i = 0; i < errors.n; i++) {
        printf("error: %s\n", errors.names[i]);
    }
    xf_queue_conf_destroy(&qc);
    svec_destroy(&errors);
    smap_destroy(&cfg);
}

static void
test_xenflow_qos_main(int argc, char *argv[])
{
    static const struct ovs_cmdl_command commands[] = {
        { "compute", "LINK QUEUE...", 2, INT_MAX, test_compute, OVS_RO },
        { "simulate", "LINK ROUNDS QUEUE...", 3, INT_MAX, test_simulate,
          OVS_RO },
        { "class", "SPEC...", 1, INT_MAX, test_class, OVS_RO },
        { "queue", "PORT ID KEY=VALUE...", 2, INT_MAX, test_queue, OVS_RO },
        { NULL, NULL, 0, 0, NULL, OVS_RO },
    };
    struct ovs_cmdl_context ctx = {
        .argc = argc - 1,
        .argv = argv + 1,
    };
    set_program_name(argv[0]);
    ovs_cmdl_run_command(&ctx, commands);
}

OVSTEST_REGISTER("test-xenflow-qos", test_xenflow_qos_main);
