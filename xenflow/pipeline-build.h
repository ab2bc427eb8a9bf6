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

#ifndef XENFLOW_PIPELINE_BUILD_H
#define XENFLOW_PIPELINE_BUILD_H 1

/* The building blocks of XenFlow's flows (pipeline.c, pipeline-trunk.c):
 * putting a flow completed as ovs-ofctl's parser would, and the few
 * actions every part of the pipeline writes. */

#include <stdint.h>

#include "openvswitch/meta-flow.h"
#include "openvswitch/types.h"
#include "xenflow/pipeline-tables.h"

struct match;
struct ofpbuf;
struct xf_flowsync;

void xf_match_set_implied_packet_type(struct match *);
void xf_pipeline_put(struct xf_flowsync *, uint64_t cookie, enum xf_table,
                     int priority, struct match *, struct ofpbuf *ofpacts);
void xf_match_in_port(struct match *, ofp_port_t);
void xf_put_load(struct ofpbuf *, enum mf_field_id, unsigned int n_bits,
                 const union mf_value *);
void xf_put_resubmit(struct ofpbuf *, enum xf_table);
void xf_put_learn_source(struct ofpbuf *, enum xf_priority);
void xf_pipeline_load_network(struct ofpbuf *, uint32_t id);

#endif /* xenflow/pipeline-build.h */
