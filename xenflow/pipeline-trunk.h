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

#ifndef XENFLOW_PIPELINE_TRUNK_H
#define XENFLOW_PIPELINE_TRUNK_H 1

/* Trunks' flows: each trunk's frames decapsulated into their network
 * (tables 0, 196, 197), what stays tagged or is unknown dropped and counted
 * per trunk, the reserved link-migration ARP (198), and the actions that
 * encapsulate a network's frame for a trunk (xenflow/encap.h). */

#include <stdbool.h>
#include <stdint.h>

struct dp_packet;
struct ofpbuf;
struct xf_bridge;
struct xf_flowsync;
struct xf_network;
struct xf_port;

void xf_pipeline_trunks(const struct xf_bridge *, struct xf_flowsync *);
void xf_pipeline_trunk_decap(const struct xf_bridge *,
                             const struct xf_network *, struct xf_flowsync *);
void xf_pipeline_trunk_output(const struct xf_port *trunk, uint32_t id,
                              bool clone, struct ofpbuf *);
void xf_pipeline_trunk_encapsulate(const struct xf_port *trunk, uint32_t id,
                                   struct dp_packet *);
uint64_t xf_pipeline_trunk_unknown_cookie(const struct xf_port *trunk);

#endif /* xenflow/pipeline-trunk.h */
