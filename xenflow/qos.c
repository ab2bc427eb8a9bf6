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


/* The QoS redistributor's lifecycle (xenflow/qos.h): builds the links from
 * each database snapshot (xenflow/qos-link.h) and carries measurements and
 * applied rates over, samples every t_med (xenflow/qos-sample.h), applies
 * the rates xenflow/qos-calc.h computes with netdev_set_queue(), answers
 * bridge reconfiguration's question about each queue's details, and keeps
 * the state file (xenflow/qos-state.h) current. */

#include <config.h>

#include "xenflow/qos.h"

#include <string.h>

#include "coverage.h"
#include "netdev.h"
#include "openvswitch/hmap.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"
#include "lib/vswitch-idl.h"
#include "xenflow/qos-calc.h"
#include "xenflow/qos-link.h"
#include "xenflow/qos-sample.h"
#include "xenflow/qos-select.h"
#include "xenflow/qos-show.h"
#include "xenflow/qos-state.h"

VLOG_DEFINE_THIS_MODULE(xenflow_qos);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

COVERAGE_DEFINE(xenflow_qos_apply);

/* A change smaller than this fraction of the link is not worth a tc
 * transaction. */
#define APPLY_THRESHOLD 0.005

/* A queue that sends at this fraction of its ceiling wants more. */
#define AT_CEILING 0.95

/* Interface name -> struct xf_qos_link. */
static struct hmap links = HMAP_INITIALIZER(&links);

/* Rates from the state file, until the first reconfiguration confirms or
 * drops them (see xf_qos_init()). */
static struct hmap saved_rates = HMAP_INITIALIZER(&saved_rates);

/* What the pipeline selects (xf_qos_port_queues()), and a number that
 * changes whenever that does (xf_qos_selections_seq()). */
static struct shash selections = SHASH_INITIALIZER(&selections);
static uint64_t selections_seq;

static struct xf_qos_timing timing = { 1000, 3 };
static long long int next_sample = LLONG_MAX;
static bool state_dirty;

static void link_redistribute(struct xf_qos_link *);

void
xf_qos_init(void)
{
    xf_qos_state_load(&saved_rates);
}

/* Called by bridge reconfiguration for each queue it configures: returns
 * the details to apply to queue 'queue_id' of 'iface', the redistributor's
 * rates if it manages the queue, otherwise 'configured'. */
const struct smap *
xf_qos_queue_details(const char *iface, unsigned int queue_id,
                     const struct smap *configured)
{
    const struct xf_qos_link *link = xf_qos_link_find(&links, iface);
    if (link) {
        const struct xf_qos_queue *q = xf_qos_link_find_queue(link, queue_id);
        if (q && q->applied && link->redistribute) {
            return &q->override;
        }
        return configured;
    }

    /* Before the first reconfiguration after a restart: the saved rates,
     * if the queue's contract is still the one they were computed for. */
    struct xf_qos_saved *s = xf_qos_saved_find(&saved_rates, iface, queue_id);
    if (s && smap_get_ullong(configured, "min-rate", 0) == s->contract) {
        xf_qos_override(configured, s->min, s->max, &s->override);
        return &s->override;
    }
    return configured;
}

const struct xf_queue_sel *
xf_qos_port_queues(const char *port, size_t *n)
{
    return xf_qos_selections_find(&selections, port, n);
}

/* A number that changes whenever what xf_qos_port_queues() returns for some
 * port changes (at a reconfiguration), so that the pipeline can tell
 * whether flows that select queues must be put again. */
uint64_t
xf_qos_selections_seq(void)
{
    return selections_seq;
}

/* Whether 'q' (new) is the same queue, with the same contract, as 'old' on
 * a link of the same capacity, so that what was measured and applied for
 * 'old' still holds. */
static bool
queue_carries_over(const struct xf_qos_queue *q,
                   const struct xf_qos_queue *old,
                   const struct xf_qos_link *link,
                   const struct xf_qos_link *old_l)
{
    return (old && link->capacity == old_l->capacity
            && q->contract == old->contract && q->ceiling == old->ceiling
            && smap_equal(&q->configured, &old->configured));
}

/* Puts the configured values back on queue 'q' of 'link' (redistribution
 * off, or the contract changed under it). */
static void
restore_configured(const struct xf_qos_link *link,
                   const struct xf_qos_queue *q)
{
    if (link->netdev) {
        int error = netdev_set_queue(link->netdev, q->id, &q->configured);
        if (error) {
            VLOG_WARN("%s: queue %u: cannot restore configured rates (%s)",
                      link->iface, q->id, ovs_strerror(error));
        } else {
            VLOG_INFO("%s: queue %u: configured rates restored",
                      link->iface, q->id);
        }
    }
}

/* Carries over to queue 'q' of new 'link' what was measured on, and applied
 * to, the same queue of 'old_l' (the link before this reconfiguration, or
 * NULL) or, after a restart, saved; puts the configured values back where
 * the redistributor no longer applies. */
static void
queue_carry_over(struct xf_qos_link *link, struct xf_qos_queue *q,
                 struct xf_qos_link *old_l, bool samples_changed)
{
    struct xf_qos_queue *old = (old_l ? xf_qos_link_find_queue(old_l, q->id)
                                : NULL);
    struct xf_qos_saved *saved = xf_qos_saved_find(&saved_rates, link->iface,
                                                   q->id);
    bool was_applied = (old ? old->applied && old_l->redistribute
                        : saved != NULL);

    /* What was measured stays true whatever the contract. */
    if (old && !samples_changed) {
        q->m = old->m;
        old->m.rates = NULL;
        q->expected = old->expected;
    } else {
        xf_qos_measure_init(&q->m, timing.samples);
    }

    if (link->redistribute && old
        && queue_carries_over(q, old, link, old_l) && old->applied) {
        q->applied = true;
        q->min = old->min;
        q->max = old->max;
        xf_qos_override(&q->configured, q->min, q->max, &q->override);
    } else if (link->redistribute && !old && saved
               && saved->contract == q->contract
               && saved->capacity == link->capacity) {
        /* Restarted: bridge reconfiguration applied these. */
        q->applied = true;
        q->min = saved->min;
        q->max = saved->max;
        xf_qos_override(&q->configured, q->min, q->max, &q->override);
        VLOG_INFO("%s: queue %u: resuming saved rates min %"PRIu64
                  " max %"PRIu64, link->iface, q->id, q->min, q->max);
    } else if (was_applied) {
        restore_configured(link, q);
    }
}

void
xf_qos_reconfigure(const struct ovsrec_open_vswitch *ovs_cfg,
                   const struct sset *xenflow_bridges, struct svec *errors)
{
    struct hmap new_links = HMAP_INITIALIZER(&new_links);
    struct shash new_selections = SHASH_INITIALIZER(&new_selections);
    struct xf_qos_timing new_timing;

    xf_qos_timing_parse(&ovs_cfg->other_config, &new_timing, errors);

    for (size_t i = 0; i < ovs_cfg->n_bridges; i++) {
        const struct ovsrec_bridge *br = ovs_cfg->bridges[i];
        if (!sset_contains(xenflow_bridges, br->name)) {
            continue;
        }
        for (size_t j = 0; j < br->n_ports; j++) {
            const struct ovsrec_port *port_cfg = br->ports[j];
            if (!port_cfg->qos) {
                continue;
            }
            struct xf_qos_link *link = xf_qos_link_build(br->name, port_cfg,
                                                         &new_selections,
                                                         errors);
            if (link && !xf_qos_link_find(&new_links, link->iface)) {
                hmap_insert(&new_links, &link->node,
                            hash_string(link->iface, 0));
            } else if (link) {
                xf_qos_link_destroy(link);
            }
        }
    }

    if (!xf_qos_selections_equal(&selections, &new_selections)) {
        selections_seq++;
    }
    xf_qos_selections_clear(&selections);
    shash_swap(&selections, &new_selections);
    shash_destroy(&new_selections);

    bool samples_changed = new_timing.samples != timing.samples;
    if (new_timing.interval != timing.interval || samples_changed) {
        VLOG_INFO("redistributor: t_med %u ms, k_med %u",
                  new_timing.interval, new_timing.samples);
    }
    timing = new_timing;

    struct xf_qos_link *link;
    HMAP_FOR_EACH (link, node, &new_links) {
        struct xf_qos_link *old_l = xf_qos_link_find(&links, link->iface);
        for (size_t i = 0; i < link->n_queues; i++) {
            queue_carry_over(link, &link->queues[i], old_l, samples_changed);
        }
    }
    xf_qos_saved_clear(&saved_rates);

    xf_qos_links_clear(&links);
    hmap_swap(&links, &new_links);
    hmap_destroy(&new_links);

    /* A link whose redistribution just started (or whose contracts just
     * changed) gets its rates now, from what was already measured, instead
     * of running on the configured values for another period. */
    HMAP_FOR_EACH (link, node, &links) {
        if (link->redistribute && !xf_qos_link_all_applied(link)) {
            link_redistribute(link);
        }
    }

    if (!hmap_is_empty(&links) && next_sample == LLONG_MAX) {
        next_sample = time_msec() + timing.interval;
    } else if (hmap_is_empty(&links)) {
        next_sample = LLONG_MAX;
    }
    state_dirty = true;
}

static bool
differs(uint64_t a, uint64_t b, uint64_t capacity)
{
    uint64_t d = a > b ? a - b : b - a;
    return d > capacity * APPLY_THRESHOLD;
}

/* Computes the shares of 'link' and, if it is redistributed, applies them. */
static void
link_redistribute(struct xf_qos_link *link)
{
    size_t n = link->n_queues;
    struct xf_qos_queue_in *in = xcalloc(n, sizeof *in);
    struct xf_qos_queue_out *out = xcalloc(n, sizeof *out);
    uint64_t capacity = link->capacity;

    for (size_t i = 0; i < n; i++) {
        const struct xf_qos_queue *q = &link->queues[i];
        if (!q->m.n_rates) {
            goto out;
        }
        uint64_t ceiling = (q->applied ? q->max
                            : q->ceiling ? q->ceiling : capacity);
        in[i] = (struct xf_qos_queue_in) {
            .contract = q->contract,
            .ceiling = q->ceiling,
            .rate = q->m.rate,
            .wants_more = q->m.dropped || q->m.rate >= AT_CEILING * ceiling,
        };
    }
    if (!capacity) {
        /* Static link with no capacity configured: the measured total is
         * the best estimate of what the link carries. */
        for (size_t i = 0; i < n; i++) {
            capacity += in[i].rate;
        }
    }
    xf_qos_compute(capacity, in, out, n);

    for (size_t i = 0; i < n; i++) {
        struct xf_qos_queue *q = &link->queues[i];
        q->expected = out[i].expected;
        if (!link->redistribute) {
            continue;
        }
        if (q->applied && !differs(q->min, out[i].min, capacity)
            && !differs(q->max, out[i].max, capacity)) {
            continue;
        }
        struct smap override = SMAP_INITIALIZER(&override);
        xf_qos_override(&q->configured, out[i].min, out[i].max, &override);
        int error = netdev_set_queue(link->netdev, q->id, &override);
        if (error) {
            VLOG_WARN_RL(&rl, "%s: queue %u: cannot set min %"PRIu64
                         " max %"PRIu64" (%s)", link->iface, q->id,
                         out[i].min, out[i].max, ovs_strerror(error));
            smap_destroy(&override);
            continue;
        }
        COVERAGE_INC(xenflow_qos_apply);
        VLOG_DBG("%s: queue %u: min %"PRIu64" max %"PRIu64" (rate %.0f, "
                 "expected %"PRIu64")", link->iface, q->id, out[i].min,
                 out[i].max, q->m.rate, q->expected);
        q->applied = true;
        q->min = out[i].min;
        q->max = out[i].max;
        hmap_swap(&q->override.map, &override.map);
        smap_destroy(&override);
        state_dirty = true;
    }
out:
    free(in);
    free(out);
}

void
xf_qos_run(void)
{
    long long int now = time_msec();

    if (now >= next_sample) {
        struct xf_qos_link *link;
        HMAP_FOR_EACH (link, node, &links) {
            if (xf_qos_link_sample(link, now, timing.samples)) {
                VLOG_WARN_RL(&rl, "%s: %s", link->iface, link->error);
            }
            link_redistribute(link);
        }
        next_sample = now + timing.interval;
    }
    if (state_dirty) {
        xf_qos_state_save(&links);
        state_dirty = false;
    }
}

void
xf_qos_wait(void)
{
    if (next_sample != LLONG_MAX) {
        poll_timer_wait_until(next_sample);
    }
}

void
xf_qos_destroy(void)
{
    xf_qos_links_clear(&links);
    xf_qos_saved_clear(&saved_rates);
    xf_qos_selections_clear(&selections);
    selections_seq++;
    next_sample = LLONG_MAX;
}

void
xf_qos_register_commands(void)
{
    xf_qos_show_register(&links);
}
