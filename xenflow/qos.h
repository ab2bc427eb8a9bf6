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

#ifndef XENFLOW_QOS_H
#define XENFLOW_QOS_H 1

/* Per-network queues and the proportional redistributor.
 *
 * Operators describe each link's contracts with OVS's own QoS and Queue
 * rows: a linux-htb (or linux-hfsc) QoS on the port, other_config:max-rate
 * its capacity; one Queue per network, other_config:min-rate its contract
 * and other_config:xenflow-network its network; optionally more Queues with
 * other_config:xenflow-class for classes of a network's flows.  The
 * pipeline puts each network's (or class's) frames into its queue on that
 * port.
 *
 * With other_config:xenflow-redistribute=true on the QoS row, every t_med
 * this module samples each queue's statistics, keeps the last k_med rates,
 * and sets the queues' minimums and ceilings (xenflow/qos-calc.h).  The
 * rates it sets replace the configured ones wherever ovs-vswitchd applies
 * queues (bridge reconfiguration asks xf_qos_queue_details()), are saved in
 * the run directory so that a restarted ovs-vswitchd starts from them, and
 * give way to the configured values when redistribution is turned off. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xenflow/qos-select.h"

struct ovsrec_open_vswitch;
struct smap;
struct sset;
struct svec;

void xf_qos_init(void);
void xf_qos_reconfigure(const struct ovsrec_open_vswitch *,
                        const struct sset *xenflow_bridges,
                        struct svec *errors);
void xf_qos_run(void);
void xf_qos_wait(void);
void xf_qos_destroy(void);
void xf_qos_register_commands(void);

const struct xf_queue_sel *xf_qos_port_queues(const char *port, size_t *n);
uint64_t xf_qos_selections_seq(void);
const struct smap *xf_qos_queue_details(const char *iface,
                                        unsigned int queue_id,
                                        const struct smap *configured);

#endif /* xenflow/qos.h */
