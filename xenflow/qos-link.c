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

#include "xenflow/qos-link.h"

#include <stdlib.h>
#include <string.h>

#include "netdev.h"
#include "svec.h"
#include "util.h"
#include "lib/vswitch-idl.h"
#include "xenflow/qos-select.h"

static void
queue_destroy(struct xf_qos_queue *q)
{
    free(q->network);
    smap_destroy(&q->configured);
    smap_destroy(&q->override);
    free(q->m.rates);
}

void
xf_qos_link_destroy(struct xf_qos_link *link)
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

/* Destroys every link in 'links', leaving it empty. */
void
xf_qos_links_clear(struct hmap *links)
{
    struct xf_qos_link *link;

    HMAP_FOR_EACH_POP (link, node, links) {
        xf_qos_link_destroy(link);
    }
}

struct xf_qos_link *
xf_qos_link_find(const struct hmap *links, const char *iface)
{
    struct xf_qos_link *link;

    HMAP_FOR_EACH_WITH_HASH (link, node, hash_string(iface, 0), links) {
        if (!strcmp(link->iface, iface)) {
            return link;
        }
    }
    return NULL;
}

struct xf_qos_queue *
xf_qos_link_find_queue(const struct xf_qos_link *link, unsigned int id)
{
    for (size_t i = 0; i < link->n_queues; i++) {
        if (link->queues[i].id == id) {
            return &link->queues[i];
        }
    }
    return NULL;
}

/* Whether the redistributor applied rates to every queue of 'link'. */
bool
xf_qos_link_all_applied(const struct xf_qos_link *link)
{
    for (size_t i = 0; i < link->n_queues; i++) {
        if (!link->queues[i].applied) {
            return false;
        }
    }
    return true;
}

/* Fills 'override' with 'configured' but 'min' and 'max' (bit/s). */
void
xf_qos_override(const struct smap *configured, uint64_t min, uint64_t max,
                struct smap *override)
{
    smap_clear(override);
    smap_clone(override, configured);
    smap_replace_nocopy(override, "min-rate",
                        xasprintf("%"PRIu64, min));
    smap_replace_nocopy(override, "max-rate",
                        xasprintf("%"PRIu64, max));
}

static int
compare_queues(const void *a_, const void *b_)
{
    const struct xf_qos_queue *a = a_, *b = b_;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* Builds the link of port 'port_cfg' (on XenFlow bridge 'br_name') from its
 * QoS row, or returns NULL if it has no queue of XenFlow's.  Adds the
 * port's queues to 'selections' and each problem to 'errors'. */
struct xf_qos_link *
xf_qos_link_build(const char *br_name, const struct ovsrec_port *port_cfg,
                  struct shash *selections, struct svec *errors)
{
    const struct ovsrec_qos *qos = port_cfg->qos;
    /* XenFlow knows ports by their interface's name. */
    const char *port = (port_cfg->n_interfaces == 1
                        ? port_cfg->interfaces[0]->name : port_cfg->name);
    struct xf_qos_link *link = xzalloc(sizeof *link);

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
        const struct xf_queue_sel *dup
            = xf_qos_selections_match(selections, port, &qc);
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
        xf_qos_selections_add(selections, port, &qc, id);

        struct xf_qos_queue *q = &link->queues[link->n_queues++];
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
