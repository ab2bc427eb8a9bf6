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

#include "xenflow/qos-select.h"

#include <stdlib.h>
#include <string.h>

#include "openvswitch/shash.h"
#include "util.h"

/* Port name -> struct port_queues: what the pipeline selects. */
struct port_queues {
    struct xf_queue_sel *sels;
    size_t n;
};

/* Returns the queues port 'port' selects, '*n' of them, from 'selections'. */
const struct xf_queue_sel *
xf_qos_selections_find(const struct shash *selections, const char *port,
                       size_t *n)
{
    const struct port_queues *pq = shash_find_data(selections, port);

    *n = pq ? pq->n : 0;
    return pq ? pq->sels : NULL;
}

void
xf_qos_selections_clear(struct shash *selections)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, selections) {
        struct port_queues *pq = node->data;
        for (size_t i = 0; i < pq->n; i++) {
            free(pq->sels[i].network);
        }
        free(pq->sels);
        free(pq);
    }
    shash_clear(selections);
}

/* Adds to 'selections' that port 'port' puts the frames of 'qc''s network
 * (and class) into queue 'id'. */
void
xf_qos_selections_add(struct shash *selections, const char *port,
                      const struct xf_queue_conf *qc, unsigned int id)
{
    struct port_queues *pq = shash_find_data(selections, port);
    if (!pq) {
        pq = xzalloc(sizeof *pq);
        shash_add(selections, port, pq);
    }
    pq->sels = xrealloc(pq->sels, (pq->n + 1) * sizeof *pq->sels);
    pq->sels[pq->n++] = (struct xf_queue_sel) {
        .network = xstrdup(qc->network),
        .queue_id = id,
        .has_class = qc->has_class,
        .class = qc->class,
    };
}

/* Compares field by field: the struct has a padding byte that a copy need
 * not carry. */
static bool
class_equal(const struct xf_qos_class *a, const struct xf_qos_class *b)
{
    return (a->has_dscp == b->has_dscp
            && (!a->has_dscp || a->dscp == b->dscp)
            && a->proto == b->proto
            && a->tp_src == b->tp_src
            && a->tp_dst == b->tp_dst);
}

/* Returns the queue 'port' already selects for exactly 'qc''s network and
 * class, or NULL. */
const struct xf_queue_sel *
xf_qos_selections_match(const struct shash *selections, const char *port,
                        const struct xf_queue_conf *qc)
{
    size_t n;
    const struct xf_queue_sel *sels = xf_qos_selections_find(selections,
                                                             port, &n);

    for (size_t i = 0; i < n; i++) {
        if (!strcmp(sels[i].network, qc->network)
            && sels[i].has_class == qc->has_class
            && (!qc->has_class || class_equal(&sels[i].class, &qc->class))) {
            return &sels[i];
        }
    }
    return NULL;
}

static bool
sel_equal(const struct xf_queue_sel *a, const struct xf_queue_sel *b)
{
    return (!strcmp(a->network, b->network)
            && a->queue_id == b->queue_id
            && a->has_class == b->has_class
            && (!a->has_class || class_equal(&a->class, &b->class)));
}

/* Whether 'a' and 'b' select the same queues, in the same order, on the
 * same ports. */
bool
xf_qos_selections_equal(const struct shash *a, const struct shash *b)
{
    const struct shash_node *node;

    if (shash_count(a) != shash_count(b)) {
        return false;
    }
    SHASH_FOR_EACH (node, a) {
        const struct port_queues *pa = node->data;
        const struct port_queues *pb = shash_find_data(b, node->name);
        if (!pb || pa->n != pb->n) {
            return false;
        }
        for (size_t i = 0; i < pa->n; i++) {
            if (!sel_equal(&pa->sels[i], &pb->sels[i])) {
                return false;
            }
        }
    }
    return true;
}
