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

#include "xenflow/qos.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "coverage.h"
#include "dirs.h"
#include "netdev.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/json.h"
#include "openvswitch/vlog.h"
#include "openvswitch/poll-loop.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"
#include "table.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "lib/vswitch-idl.h"
#include "xenflow/appctl.h"
#include "xenflow/qos-calc.h"

VLOG_DEFINE_THIS_MODULE(xenflow_qos);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

COVERAGE_DEFINE(xenflow_qos_sample);
COVERAGE_DEFINE(xenflow_qos_apply);
COVERAGE_DEFINE(xenflow_qos_stats_error);

/* A change smaller than this fraction of the link is not worth a tc
 * transaction. */
#define APPLY_THRESHOLD 0.005

/* A queue that sends at this fraction of its ceiling wants more. */
#define AT_CEILING 0.95

struct qos_queue {
    unsigned int id;
    char *network;              /* NULL: not XenFlow's (not managed). */
    bool has_class;
    struct xf_qos_class class;
    struct smap configured;     /* The Queue's other_config. */
    uint64_t contract;          /* Configured min-rate, bit/s. */
    uint64_t ceiling;           /* Configured max-rate; 0: the link. */

    /* Measurements: the last 'n_rates' rates (at most k_med). */
    bool have_last;
    uint64_t last_bytes, last_drops;
    long long int last_time;
    double *rates;
    size_t n_rates, next_rate;
    bool dropped;               /* Dropped packets in the last period. */
    double rate;                /* Average of 'rates', bit/s. */

    /* What the redistributor applied ('applied' false: configured). */
    bool applied;
    uint64_t min, max;
    struct smap override;       /* 'configured' with 'min' and 'max'. */
    uint64_t expected;
};

struct qos_link {
    struct hmap_node node;      /* In 'links', by interface name. */
    char *iface;
    char *bridge;
    uint64_t capacity;          /* QoS other_config:max-rate, bit/s. */
    bool redistribute;
    struct qos_queue *queues;   /* Sorted by id. */
    size_t n_queues;
    struct netdev *netdev;
    char *error;                /* Problem reading statistics, or NULL. */
};

/* A saved rate, from the state file, waiting for the configuration that
 * confirms it (see xf_qos_init()). */
struct saved_rate {
    struct hmap_node node;      /* In 'saved_rates', by iface and id. */
    char *iface;
    unsigned int id;
    uint64_t capacity, contract, min, max;
    struct smap override;
};

static struct hmap links = HMAP_INITIALIZER(&links);
static struct hmap saved_rates = HMAP_INITIALIZER(&saved_rates);
static struct xf_qos_timing timing = { 1000, 3 };
static long long int next_sample = LLONG_MAX;
static bool state_dirty;

/* Port name -> struct port_queues: what the pipeline selects. */
struct port_queues {
    struct xf_queue_sel *sels;
    size_t n;
};
static struct shash port_queues = SHASH_INITIALIZER(&port_queues);

static void link_redistribute(struct qos_link *);

static char *
state_file_name(void)
{
    return xasprintf("%s/xenflow-qos.state", ovs_rundir());
}

static void
queue_destroy(struct qos_queue *q)
{
    free(q->network);
    smap_destroy(&q->configured);
    smap_destroy(&q->override);
    free(q->rates);
}

static void
link_destroy(struct qos_link *link)
{
    for (size_t i = 0; i < link->n_queues; i++) {
        queue_destroy(&link->queues[i]);
    }
    free(link->queues);
    netdev_close(link->netdev);
    free(link->iface);
    free(link->bridge);
    free(link->error);
    free(link);
}

static struct qos_link *
link_find(const struct hmap *map, const char *iface)
{
    struct qos_link *link;

    HMAP_FOR_EACH_WITH_HASH (link, node, hash_string(iface, 0), map) {
        if (!strcmp(link->iface, iface)) {
            return link;
        }
    }
    return NULL;
}

static struct qos_queue *
link_find_queue(const struct qos_link *link, unsigned int id)
{
    for (size_t i = 0; i < link->n_queues; i++) {
        if (link->queues[i].id == id) {
            return &link->queues[i];
        }
    }
    return NULL;
}

static uint32_t
saved_hash(const char *iface, unsigned int id)
{
    return hash_int(id, hash_string(iface, 0));
}

static struct saved_rate *
saved_find(const char *iface, unsigned int id)
{
    struct saved_rate *s;

    HMAP_FOR_EACH_WITH_HASH (s, node, saved_hash(iface, id), &saved_rates) {
        if (s->id == id && !strcmp(s->iface, iface)) {
            return s;
        }
    }
    return NULL;
}

static void
saved_rates_clear(void)
{
    struct saved_rate *s;

    HMAP_FOR_EACH_POP (s, node, &saved_rates) {
        free(s->iface);
        smap_destroy(&s->override);
        free(s);
    }
}

static void
port_queues_clear(void)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, &port_queues) {
        struct port_queues *pq = node->data;
        for (size_t i = 0; i < pq->n; i++) {
            free(pq->sels[i].network);
        }
        free(pq->sels);
        free(pq);
    }
    shash_clear(&port_queues);
}

/* Fills 'override' with 'configured' but 'min' and 'max' (bit/s). */
static void
make_override(const struct smap *configured, uint64_t min, uint64_t max,
              struct smap *override)
{
    smap_clear(override);
    smap_clone(override, configured);
    smap_replace_nocopy(override, "min-rate",
                        xasprintf("%"PRIu64, min));
    smap_replace_nocopy(override, "max-rate",
                        xasprintf("%"PRIu64, max));
}

/* The state file.
 *
 * {"IFACE": {"capacity": N, "queues": {"ID": {"contract": N, "min": N,
 *  "max": N}}}}: the rates last applied, so that a restarted ovs-vswitchd
 * starts from them instead of the static values.  It lives in the run
 * directory: a reboot starts from the configuration. */

static void
state_save(void)
{
    struct json *top = json_object_create();
    const struct qos_link *link;

    HMAP_FOR_EACH (link, node, &links) {
        if (!link->redistribute) {
            continue;
        }
        struct json *queues = json_object_create();
        for (size_t i = 0; i < link->n_queues; i++) {
            const struct qos_queue *q = &link->queues[i];
            if (q->applied) {
                struct json *jq = json_object_create();
                json_object_put(jq, "contract",
                                json_integer_create(q->contract));
                json_object_put(jq, "min", json_integer_create(q->min));
                json_object_put(jq, "max", json_integer_create(q->max));
                json_object_put_nocopy(queues, xasprintf("%u", q->id), jq);
            }
        }
        struct json *jl = json_object_create();
        json_object_put(jl, "capacity", json_integer_create(link->capacity));
        json_object_put(jl, "queues", queues);
        json_object_put(top, link->iface, jl);
    }

    char *name = state_file_name();
    char *tmp = xasprintf("%s.tmp", name);
    char *s = json_to_string(top, JSSF_SORT);
    FILE *f = fopen(tmp, "w");
    if (!f || fputs(s, f) < 0 || fclose(f)) {
        VLOG_WARN_RL(&rl, "%s: cannot save applied rates (%s)", tmp,
                     ovs_strerror(errno));
        if (f) {
            fclose(f);
        }
    } else if (rename(tmp, name)) {
        VLOG_WARN("%s: cannot rename to %s (%s)", tmp, name,
                  ovs_strerror(errno));
    }
    free(s);
    free(tmp);
    free(name);
    json_destroy(top);
    state_dirty = false;
}

static bool
get_uint_member(const struct json *obj, const char *name, uint64_t *value)
{
    const struct json *j = shash_find_data(json_object(obj), name);
    if (!j || j->type != JSON_INTEGER || json_integer(j) < 0) {
        return false;
    }
    *value = json_integer(j);
    return true;
}

static void
state_load(void)
{
    char *name = state_file_name();
    struct json *top;

    if (access(name, F_OK)) {
        free(name);
        return;
    }
    top = json_from_file(name);
    if (top->type != JSON_OBJECT) {
        VLOG_WARN("%s: ignoring saved rates: %s", name,
                  top->type == JSON_STRING ? json_string(top)
                                           : "not a JSON object");
        goto out;
    }

    struct shash_node *ln;
    SHASH_FOR_EACH (ln, json_object(top)) {
        const struct json *jl = ln->data;
        uint64_t capacity;
        if (jl->type != JSON_OBJECT
            || !get_uint_member(jl, "capacity", &capacity)) {
            continue;
        }
        const struct json *queues = shash_find_data(json_object(jl),
                                                    "queues");
        if (!queues || queues->type != JSON_OBJECT) {
            continue;
        }
        struct shash_node *qn;
        SHASH_FOR_EACH (qn, json_object(queues)) {
            const struct json *jq = qn->data;
            unsigned int id;
            struct saved_rate *s;
            uint64_t contract, min, max;

            if (!str_to_uint(qn->name, 10, &id) || jq->type != JSON_OBJECT
                || !get_uint_member(jq, "contract", &contract)
                || !get_uint_member(jq, "min", &min)
                || !get_uint_member(jq, "max", &max)
                || min > max || max > capacity) {
                continue;
            }
            s = xzalloc(sizeof *s);
            s->iface = xstrdup(ln->name);
            s->id = id;
            s->capacity = capacity;
            s->contract = contract;
            s->min = min;
            s->max = max;
            smap_init(&s->override);
            hmap_insert(&saved_rates, &s->node, saved_hash(s->iface, id));
        }
    }
    VLOG_INFO("%s: %"PRIuSIZE" saved queue rates", name,
              hmap_count(&saved_rates));
out:
    json_destroy(top);
    free(name);
}

void
xf_qos_init(void)
{
    state_load();
}

/* Called by bridge reconfiguration for each queue it configures: returns
 * the details to apply to queue 'queue_id' of 'iface', the redistributor's
 * rates if it manages the queue, otherwise 'configured'. */
const struct smap *
xf_qos_queue_details(const char *iface, unsigned int queue_id,
                     const struct smap *configured)
{
    const struct qos_link *link = link_find(&links, iface);
    if (link) {
        const struct qos_queue *q = link_find_queue(link, queue_id);
        if (q && q->applied && link->redistribute) {
            return &q->override;
        }
        return configured;
    }

    /* Before the first reconfiguration after a restart: the saved rates,
     * if the queue's contract is still the one they were computed for. */
    struct saved_rate *s = saved_find(iface, queue_id);
    if (s && smap_get_ullong(configured, "min-rate", 0) == s->contract) {
        make_override(configured, s->min, s->max, &s->override);
        return &s->override;
    }
    return configured;
}

const struct xf_queue_sel *
xf_qos_port_queues(const char *port, size_t *n)
{
    const struct port_queues *pq = shash_find_data(&port_queues, port);

    *n = pq ? pq->n : 0;
    return pq ? pq->sels : NULL;
}

static int
compare_queues(const void *a_, const void *b_)
{
    const struct qos_queue *a = a_, *b = b_;
    return a->id < b->id ? -1 : a->id > b->id;
}

static void
add_selection(const char *port, const struct xf_queue_conf *qc,
              unsigned int id)
{
    struct port_queues *pq = shash_find_data(&port_queues, port);
    if (!pq) {
        pq = xzalloc(sizeof *pq);
        shash_add(&port_queues, port, pq);
    }
    pq->sels = xrealloc(pq->sels, (pq->n + 1) * sizeof *pq->sels);
    pq->sels[pq->n++] = (struct xf_queue_sel) {
        .network = xstrdup(qc->network),
        .queue_id = id,
        .has_class = qc->has_class,
        .class = qc->class,
    };
}

/* Whether 'port' already selects a queue for exactly this network and
 * class. */
static const struct xf_queue_sel *
find_selection(const char *port, const struct xf_queue_conf *qc)
{
    size_t n;
    const struct xf_queue_sel *sels = xf_qos_port_queues(port, &n);

    for (size_t i = 0; i < n; i++) {
        if (!strcmp(sels[i].network, qc->network)
            && sels[i].has_class == qc->has_class
            && (!qc->has_class
                || !memcmp(&sels[i].class, &qc->class, sizeof qc->class))) {
            return &sels[i];
        }
    }
    return NULL;
}

/* Builds the link of port 'port_cfg' (on XenFlow bridge 'br_name') from its
 * QoS row, or returns NULL if it has no queue of XenFlow's. */
static struct qos_link *
build_link(const char *br_name, const struct ovsrec_port *port_cfg,
           struct svec *errors)
{
    const struct ovsrec_qos *qos = port_cfg->qos;
    /* XenFlow knows ports by their interface's name. */
    const char *port = (port_cfg->n_interfaces == 1
                        ? port_cfg->interfaces[0]->name : port_cfg->name);
    struct qos_link *link = xzalloc(sizeof *link);

    link->queues = xcalloc(qos->n_queues, sizeof *link->queues);
    for (size_t i = 0; i < qos->n_queues; i++) {
        const struct ovsrec_queue *queue = qos->value_queues[i];
        unsigned int id = qos->key_queues[i];
        struct xf_queue_conf qc;

        if (!xf_queue_conf_parse(port, id, &queue->other_config, &qc,
                                 errors)) {
            xf_queue_conf_destroy(&qc);
            continue;
        }
        const struct xf_queue_sel *dup = find_selection(port, &qc);
        if (dup) {
            svec_add_nocopy(errors, xasprintf(
                "port %s: queue %u: network %s%s%s already has queue %u on "
                "this port; XenFlow does not use this queue", port, id,
                qc.network, qc.has_class ? " class " : "",
                qc.has_class ? smap_get(&queue->other_config,
                                        XF_QUEUE_CLASS) : "",
                dup->queue_id));
            xf_queue_conf_destroy(&qc);
            continue;
        }
        add_selection(port, &qc, id);

        struct qos_queue *q = &link->queues[link->n_queues++];
        q->id = id;
        q->network = qc.network;
        q->has_class = qc.has_class;
        q->class = qc.class;
        q->contract = qc.min_rate;
        q->ceiling = qc.max_rate;
        smap_clone(&q->configured, &queue->other_config);
        smap_init(&q->override);
    }
    if (!link->n_queues) {
        free(link->queues);
        free(link);
        return NULL;
    }
    qsort(link->queues, link->n_queues, sizeof *link->queues,
          compare_queues);

    link->iface = xstrdup(port);
    link->bridge = xstrdup(br_name);
    link->redistribute = xf_qos_conf_redistribute(port, &qos->other_config,
                                                  errors);
    link->capacity = smap_get_ullong(&qos->other_config, "max-rate", 0);

    if (link->redistribute) {
        const char *problem = NULL;
        if (strcmp(qos->type, "linux-htb") && strcmp(qos->type,
                                                      "linux-hfsc")) {
            problem = "needs QoS type linux-htb or linux-hfsc";
        } else if (!link->capacity) {
            problem = "needs the link's capacity in QoS other_config:max-rate";
        } else if (port_cfg->n_interfaces != 1) {
            problem = "is not supported on a bond";
        } else {
            for (size_t i = 0; i < link->n_queues; i++) {
                if (!link->queues[i].contract) {
                    problem = "needs a contract (other_config:min-rate) on "
                              "every XenFlow queue";
                }
            }
        }
        if (problem) {
            svec_add_nocopy(errors, xasprintf(
                "port %s: QoS: other_config:%s=true %s; redistribution "
                "stays off", port, XF_QOS_REDISTRIBUTE, problem));
            link->redistribute = false;
        }
    }
    int error = netdev_open(link->iface, NULL, &link->netdev);
    if (error) {
        link->error = xasprintf("cannot open %s: %s", link->iface,
                                ovs_strerror(error));
    }
    return link;
}

/* Whether 'q' (new) is the same queue, with the same contract, as 'old' on
 * a link of the same capacity, so that what was measured and applied for
 * 'old' still holds. */
static bool
queue_carries_over(const struct qos_queue *q, const struct qos_queue *old,
                   const struct qos_link *link, const struct qos_link *old_l)
{
    return (old && link->capacity == old_l->capacity
            && q->contract == old->contract && q->ceiling == old->ceiling
            && smap_equal(&q->configured, &old->configured));
}

static void
queue_init_samples(struct qos_queue *q)
{
    q->rates = xcalloc(timing.samples, sizeof *q->rates);
    q->n_rates = q->next_rate = 0;
}

/* Puts the configured values back on queue 'q' of 'link' (redistribution
 * off, or the contract changed under it). */
static void
restore_configured(const struct qos_link *link, const struct qos_queue *q)
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

void
xf_qos_reconfigure(const struct ovsrec_open_vswitch *ovs_cfg,
                   const struct sset *xenflow_bridges, struct svec *errors)
{
    struct hmap new_links = HMAP_INITIALIZER(&new_links);
    struct xf_qos_timing new_timing;

    xf_qos_timing_parse(&ovs_cfg->other_config, &new_timing, errors);
    port_queues_clear();

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
            struct qos_link *link = build_link(br->name, port_cfg, errors);
            if (link && !link_find(&new_links, link->iface)) {
                hmap_insert(&new_links, &link->node,
                            hash_string(link->iface, 0));
            } else if (link) {
                link_destroy(link);
            }
        }
    }

    bool samples_changed = new_timing.samples != timing.samples;
    if (new_timing.interval != timing.interval || samples_changed) {
        VLOG_INFO("redistributor: t_med %u ms, k_med %u",
                  new_timing.interval, new_timing.samples);
    }
    timing = new_timing;

    /* Carry measurements and applied rates over; put the configured values
     * back where the redistributor no longer applies. */
    struct qos_link *link;
    HMAP_FOR_EACH (link, node, &new_links) {
        struct qos_link *old_l = link_find(&links, link->iface);
        for (size_t i = 0; i < link->n_queues; i++) {
            struct qos_queue *q = &link->queues[i];
            struct qos_queue *old = old_l ? link_find_queue(old_l, q->id)
                                          : NULL;
            struct saved_rate *saved = saved_find(link->iface, q->id);
            bool was_applied = (old ? old->applied && old_l->redistribute
                                : saved != NULL);

            /* What was measured stays true whatever the contract. */
            if (old && !samples_changed) {
                q->have_last = old->have_last;
                q->last_bytes = old->last_bytes;
                q->last_drops = old->last_drops;
                q->last_time = old->last_time;
                q->rates = old->rates;
                old->rates = NULL;
                q->n_rates = old->n_rates;
                q->next_rate = old->next_rate;
                q->rate = old->rate;
                q->dropped = old->dropped;
                q->expected = old->expected;
            } else {
                queue_init_samples(q);
            }

            if (link->redistribute && old
                && queue_carries_over(q, old, link, old_l) && old->applied) {
                q->applied = true;
                q->min = old->min;
                q->max = old->max;
                make_override(&q->configured, q->min, q->max, &q->override);
            } else if (link->redistribute && !old && saved
                       && saved->contract == q->contract
                       && saved->capacity == link->capacity) {
                /* Restarted: bridge reconfiguration applied these. */
                q->applied = true;
                q->min = saved->min;
                q->max = saved->max;
                make_override(&q->configured, q->min, q->max, &q->override);
                VLOG_INFO("%s: queue %u: resuming saved rates min %"PRIu64
                          " max %"PRIu64, link->iface, q->id, q->min, q->max);
            } else if (was_applied) {
                restore_configured(link, q);
            }
        }
    }
    saved_rates_clear();

    HMAP_FOR_EACH_POP (link, node, &links) {
        link_destroy(link);
    }
    hmap_swap(&links, &new_links);
    hmap_destroy(&new_links);

    /* A link whose redistribution just started (or whose contracts just
     * changed) gets its rates now, from what was already measured, instead
     * of running on the configured values for another period. */
    HMAP_FOR_EACH (link, node, &links) {
        if (link->redistribute) {
            for (size_t i = 0; i < link->n_queues; i++) {
                if (!link->queues[i].applied) {
                    link_redistribute(link);
                    break;
                }
            }
        }
    }

    if (!hmap_is_empty(&links) && next_sample == LLONG_MAX) {
        next_sample = time_msec() + timing.interval;
    } else if (hmap_is_empty(&links)) {
        next_sample = LLONG_MAX;
    }
    state_dirty = true;
}

/* Records queue 'q''s counters 'stats', read at 'now'. */
static void
queue_sample(struct qos_queue *q, const struct netdev_queue_stats *stats,
             long long int now)
{
    if (q->have_last && now > q->last_time
        && stats->tx_bytes >= q->last_bytes) {
        double rate = (stats->tx_bytes - q->last_bytes) * 8000.0
                      / (now - q->last_time);
        q->rates[q->next_rate] = rate;
        q->next_rate = (q->next_rate + 1) % timing.samples;
        q->n_rates = MIN(q->n_rates + 1, timing.samples);
        q->dropped = stats->tx_errors > q->last_drops;

        double sum = 0;
        for (size_t j = 0; j < q->n_rates; j++) {
            sum += q->rates[j];
        }
        q->rate = sum / q->n_rates;
    }
    q->have_last = true;
    q->last_bytes = stats->tx_bytes;
    q->last_drops = stats->tx_errors;
    q->last_time = now;
}

struct sample_aux {
    struct qos_link *link;
    long long int now;
};

static void
sample_cb(unsigned int queue_id, struct netdev_queue_stats *stats,
          void *aux_)
{
    struct sample_aux *aux = aux_;
    struct qos_queue *q = link_find_queue(aux->link, queue_id);

    if (q) {
        queue_sample(q, stats, aux->now);
    }
}

/* Reads the statistics of every queue of 'link' (one dump for them all)
 * and updates their rates. */
static void
link_sample(struct qos_link *link, long long int now)
{
    if (!link->netdev) {
        return;
    }

    struct sample_aux aux = { .link = link, .now = now };
    int error = netdev_dump_queue_stats(link->netdev, sample_cb, &aux);
    free(link->error);
    link->error = NULL;
    if (error) {
        COVERAGE_INC(xenflow_qos_stats_error);
        link->error = xasprintf("queue statistics: %s", ovs_strerror(error));
        VLOG_WARN_RL(&rl, "%s: %s", link->iface, link->error);
        for (size_t i = 0; i < link->n_queues; i++) {
            link->queues[i].have_last = false;
        }
        return;
    }
    COVERAGE_INC(xenflow_qos_sample);
}

static bool
differs(uint64_t a, uint64_t b, uint64_t capacity)
{
    uint64_t d = a > b ? a - b : b - a;
    return d > capacity * APPLY_THRESHOLD;
}

/* Computes the shares of 'link' and, if it is redistributed, applies them. */
static void
link_redistribute(struct qos_link *link)
{
    size_t n = link->n_queues;
    struct xf_qos_queue_in *in = xcalloc(n, sizeof *in);
    struct xf_qos_queue_out *out = xcalloc(n, sizeof *out);
    uint64_t capacity = link->capacity;

    for (size_t i = 0; i < n; i++) {
        const struct qos_queue *q = &link->queues[i];
        if (!q->n_rates) {
            goto out;
        }
        uint64_t ceiling = (q->applied ? q->max
                            : q->ceiling ? q->ceiling : capacity);
        in[i] = (struct xf_qos_queue_in) {
            .contract = q->contract,
            .ceiling = q->ceiling,
            .rate = q->rate,
            .wants_more = q->dropped || q->rate >= AT_CEILING * ceiling,
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
        struct qos_queue *q = &link->queues[i];
        q->expected = out[i].expected;
        if (!link->redistribute) {
            continue;
        }
        if (q->applied && !differs(q->min, out[i].min, capacity)
            && !differs(q->max, out[i].max, capacity)) {
            continue;
        }
        struct smap override = SMAP_INITIALIZER(&override);
        make_override(&q->configured, out[i].min, out[i].max, &override);
        int error = netdev_set_queue(link->netdev, q->id, &override);
        if (error) {
            VLOG_WARN_RL(&rl, "%s: queue %u: cannot set min %"PRIu64" max %"PRIu64
                         " (%s)", link->iface, q->id, out[i].min, out[i].max,
                         ovs_strerror(error));
            smap_destroy(&override);
            continue;
        }
        COVERAGE_INC(xenflow_qos_apply);
        VLOG_DBG("%s: queue %u: min %"PRIu64" max %"PRIu64" (rate %.0f, "
                 "expected %"PRIu64")", link->iface, q->id, out[i].min,
                 out[i].max, q->rate, q->expected);
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
        struct qos_link *link;
        HMAP_FOR_EACH (link, node, &links) {
            link_sample(link, now);
            link_redistribute(link);
        }
        next_sample = now + timing.interval;
    }
    if (state_dirty) {
        state_save();
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
    struct qos_link *link;

    HMAP_FOR_EACH_POP (link, node, &links) {
        link_destroy(link);
    }
    saved_rates_clear();
    port_queues_clear();
    next_sample = LLONG_MAX;
}

/* xenflow/qos/show [PORT] [--json] */
static void
cmd_qos_show(struct unixctl_conn *conn, int argc, const char *argv[],
             void *aux OVS_UNUSED)
{
    bool json = xf_appctl_take_json(&argc, argv);
    const char *only = argc > 1 ? argv[1] : NULL;
    struct table t;

    if (only && !link_find(&links, only)) {
        xf_appctl_reply_error(conn, "%s: no port with XenFlow queues (set a "
                              "QoS whose Queues have other_config:%s)", only,
                              XF_QUEUE_NETWORK);
        return;
    }

    table_init(&t);
    table_add_column(&t, "port");
    table_add_column(&t, "queue");
    table_add_column(&t, "network");
    table_add_column(&t, "class");
    table_add_column(&t, "mode");
    table_add_column(&t, "capacity");
    table_add_column(&t, "contract");
    table_add_column(&t, "min");
    table_add_column(&t, "max");
    table_add_column(&t, "rate");
    table_add_column(&t, "expected");
    table_add_column(&t, "fitness");
    table_add_column(&t, "error");

    struct sset names = SSET_INITIALIZER(&names);
    const struct qos_link *link;
    HMAP_FOR_EACH (link, node, &links) {
        sset_add(&names, link->iface);
    }
    const char *name;
    SSET_FOR_EACH (name, &names) {
        link = link_find(&links, name);
        if (only && strcmp(only, name)) {
            continue;
        }
        for (size_t i = 0; i < link->n_queues; i++) {
            const struct qos_queue *q = &link->queues[i];
            struct ds class = DS_EMPTY_INITIALIZER;
            char fitness[16];

            if (q->has_class) {
                xf_qos_class_format(&q->class, &class);
            }
            table_add_row(&t);
            xf_table_add_text(&t, link->iface);
            xf_table_add_int(&t, q->id);
            xf_table_add_text(&t, q->network);
            xf_table_add_text(&t, q->has_class ? ds_cstr(&class) : "-");
            xf_table_add_text(&t, link->redistribute ? "redistributed"
                                                     : "static");
            xf_table_add_int(&t, link->capacity);
            xf_table_add_int(&t, q->contract);
            xf_table_add_int(&t, q->applied ? q->min : q->contract);
            xf_table_add_int(&t, q->applied ? q->max
                             : q->ceiling ? q->ceiling : link->capacity);
            xf_table_add_int(&t, q->rate);
            xf_table_add_int(&t, q->expected);
            snprintf(fitness, sizeof fitness, "%.3f",
                     q->n_rates ? xf_qos_fitness(q->rate, q->expected) : 0);
            xf_table_add_text(&t, q->n_rates ? fitness : "-");
            xf_table_add_text(&t, link->error ? link->error : "-");
            ds_destroy(&class);
        }
    }
    sset_destroy(&names);
    xf_appctl_reply_table(conn, &t, json);
}

void
xf_qos_register_commands(void)
{
    unixctl_command_register("xenflow/qos/show", "[PORT] [--json]", 0, 2,
                             cmd_qos_show, NULL);
}
