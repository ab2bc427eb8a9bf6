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


#ifndef XENFLOW_QOS_LINK_H
#define XENFLOW_QOS_LINK_H 1

/* The redistributor's model: one link per port of a XenFlow bridge whose QoS
 * row has queues of XenFlow's (other_config:xenflow-network), built from the
 * QoS and Queue rows of each database snapshot, with what was measured on
 * each queue and what the redistributor applied to it.  Building a link
 * also records its queue selections (xenflow/qos-select.h).
 *
 * Only qos-select.h is below it: it parses (xenflow/conf.h) and opens the
 * netdev.  qos-sample.c fills the measurements, qos-apply.c applies
 * rates, qos-state.c saves them, qos-show.c shows them and qos.c ties them
 * to ovs-vswitchd's lifecycle. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/hmap.h"
#include "smap.h"
#include "xenflow/conf.h"

struct netdev;
struct ovsrec_port;
struct shash;
struct svec;

/* What was measured on a queue: the last 'n_rates' rates (at most k_med)
 * and the counters they were computed from. */
struct xf_qos_measure {
    bool have_last;
    uint64_t last_bytes, last_drops;
    long long int last_time;
    double *rates;              /* k_med slots, a ring. */
    size_t n_rates, next_rate;
    bool dropped;               /* Dropped packets in the last period. */
    double rate;                /* Average of 'rates', bit/s. */
};

struct xf_qos_queue {
    unsigned int id;
    char *network;
    bool has_class;
    struct xf_qos_class class;
    struct smap configured;     /* The Queue's other_config. */
    uint64_t contract;          /* Configured min-rate, bit/s. */
    uint64_t ceiling;           /* Configured max-rate; 0: the link. */

    struct xf_qos_measure m;

    /* What the redistributor applied ('applied' false: configured). */
    bool applied;
    uint64_t min, max;
    struct smap override;       /* 'configured' with 'min' and 'max'. */
    uint64_t expected;
};

struct xf_qos_link {
    struct hmap_node node;      /* In a map by interface name. */
    char *iface;
    char *bridge;
    uint64_t capacity;          /* QoS other_config:max-rate, bit/s. */
    bool redistribute;
    struct xf_qos_queue *queues;        /* Sorted by id. */
    size_t n_queues;
    struct netdev *netdev;
    char *error;                /* Problem reading statistics, or NULL. */
};

struct xf_qos_link *xf_qos_link_build(const char *br_name,
                                      const struct ovsrec_port *,
                                      struct shash *selections,
                                      struct svec *errors);
void xf_qos_link_destroy(struct xf_qos_link *);
struct xf_qos_link *xf_qos_link_find(const struct hmap *links,
                                     const char *iface);
struct xf_qos_queue *xf_qos_link_find_queue(const struct xf_qos_link *,
                                            unsigned int id);
bool xf_qos_link_all_applied(const struct xf_qos_link *);
void xf_qos_links_clear(struct hmap *links);

void xf_qos_override(const struct smap *configured, uint64_t min,
                     uint64_t max, struct smap *override);

#endif /* xenflow/qos-link.h */
