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

#include "xenflow/qos-sample.h"

#include <stdlib.h>

#include "coverage.h"
#include "netdev.h"
#include "util.h"
#include "xenflow/qos-link.h"

COVERAGE_DEFINE(xenflow_qos_sample);
COVERAGE_DEFINE(xenflow_qos_stats_error);

/* Starts 'm' afresh, with room for 'samples' rates. */
void
xf_qos_measure_init(struct xf_qos_measure *m, unsigned int samples)
{
    m->rates = xcalloc(samples, sizeof *m->rates);
    m->n_rates = m->next_rate = 0;
}

/* Records counters 'stats', read at 'now', in 'm', which keeps 'samples'
 * rates. */
static void
measure_add(struct xf_qos_measure *m, const struct netdev_queue_stats *stats,
            long long int now, unsigned int samples)
{
    if (m->have_last && now > m->last_time
        && stats->tx_bytes >= m->last_bytes) {
        double rate = (stats->tx_bytes - m->last_bytes) * 8000.0
                      / (now - m->last_time);
        m->rates[m->next_rate] = rate;
        m->next_rate = (m->next_rate + 1) % samples;
        m->n_rates = MIN(m->n_rates + 1, samples);
        m->dropped = stats->tx_errors > m->last_drops;

        double sum = 0;
        for (size_t j = 0; j < m->n_rates; j++) {
            sum += m->rates[j];
        }
        m->rate = sum / m->n_rates;
    }
    m->have_last = true;
    m->last_bytes = stats->tx_bytes;
    m->last_drops = stats->tx_errors;
    m->last_time = now;
}

struct sample_aux {
    struct xf_qos_link *link;
    long long int now;
    unsigned int samples;
};

static void
sample_cb(unsigned int queue_id, struct netdev_queue_stats *stats,
          void *aux_)
{
    struct sample_aux *aux = aux_;
    struct xf_qos_queue *q = xf_qos_link_find_queue(aux->link, queue_id);

    if (q) {
        measure_add(&q->m, stats, aux->now, aux->samples);
    }
}

/* Reads the statistics of every queue of 'link' (one dump for them all) at
 * 'now' and updates their rates, averaged over the last 'samples'.  Returns
 * 0 or the error, which 'link->error' then describes. */
int
xf_qos_link_sample(struct xf_qos_link *link, long long int now,
                   unsigned int samples)
{
    if (!link->netdev) {
        return 0;
    }

    struct sample_aux aux = { .link = link, .now = now, .samples = samples };
    int error = netdev_dump_queue_stats(link->netdev, sample_cb, &aux);
    free(link->error);
    link->error = NULL;
    if (error) {
        COVERAGE_INC(xenflow_qos_stats_error);
        link->error = xasprintf("queue statistics: %s", ovs_strerror(error));
        for (size_t i = 0; i < link->n_queues; i++) {
            link->queues[i].m.have_last = false;
        }
        return error;
    }
    COVERAGE_INC(xenflow_qos_sample);
    return 0;
}
