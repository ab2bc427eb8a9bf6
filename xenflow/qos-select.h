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


#ifndef XENFLOW_QOS_SELECT_H
#define XENFLOW_QOS_SELECT_H 1

/* Queue selections: which queue of a port carries which network's (or
 * which class of a network's) frames, as the pipeline reads them through
 * xf_qos_port_queues().  A map from port name to an array of struct
 * xf_queue_sel, filled while the links are built (xenflow/qos-link.h). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xenflow/conf.h"

struct shash;

/* A queue the pipeline selects on a port. */
struct xf_queue_sel {
    char *network;
    uint32_t queue_id;
    bool has_class;             /* Only this class of the network's flows. */
    struct xf_qos_class class;
};

void xf_qos_selections_add(struct shash *, const char *port,
                           const struct xf_queue_conf *, unsigned int id);
const struct xf_queue_sel *xf_qos_selections_find(const struct shash *,
                                                  const char *port,
                                                  size_t *n);
const struct xf_queue_sel *xf_qos_selections_match(
    const struct shash *, const char *port, const struct xf_queue_conf *);
void xf_qos_selections_clear(struct shash *);
bool xf_qos_selections_equal(const struct shash *, const struct shash *);

#endif /* xenflow/qos-select.h */
