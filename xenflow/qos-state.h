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


#ifndef XENFLOW_QOS_STATE_H
#define XENFLOW_QOS_STATE_H 1

/* The redistributor's state file, $OVS_RUNDIR/xenflow-qos.state:
 *
 * {"IFACE": {"capacity": N, "queues": {"ID": {"contract": N, "min": N,
 *  "max": N}}}}: the rates last applied, so that a restarted ovs-vswitchd
 * starts from them instead of the static values.  It lives in the run
 * directory: a reboot starts from the configuration.
 *
 * Read once at start into saved rates, which wait for the first
 * reconfiguration to confirm them (xenflow/qos.c); written after each
 * change. */

#include <stdint.h>

#include "openvswitch/hmap.h"
#include "smap.h"

/* A saved rate, from the state file. */
struct xf_qos_saved {
    struct hmap_node node;      /* In a map of saved rates, by iface and id. */
    char *iface;
    unsigned int id;
    uint64_t capacity, contract, min, max;
    struct smap override;       /* For xf_qos_queue_details(). */
};

void xf_qos_state_save(const struct hmap *links);
void xf_qos_state_load(struct hmap *saved);

struct xf_qos_saved *xf_qos_saved_find(const struct hmap *saved,
                                       const char *iface, unsigned int id);
void xf_qos_saved_clear(struct hmap *saved);

#endif /* xenflow/qos-state.h */
