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

#ifndef XENFLOW_PIPELINE_NET_H
#define XENFLOW_PIPELINE_NET_H 1

/* A bridge's network flows: VM ports' classification (table 0), learning's
 * default (200, 206), delivery and flooding within a network (205); the
 * trunks' part is xenflow/pipeline-trunk.c's. */

struct xf_bridge;
struct xf_flowsync;
struct xf_network;

void xf_pipeline_bridge(const struct xf_bridge *, struct xf_flowsync *);
void xf_pipeline_network(const struct xf_bridge *, const struct xf_network *,
                         struct xf_flowsync *);

#endif /* xenflow/pipeline-net.h */
