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


#ifndef XENFLOW_PIPELINE_VM_H
#define XENFLOW_PIPELINE_VM_H 1

/* The actions that hand a frame to a router's VM (its slow path,
 * xenflow/pipeline.h table 201 and misses in 202 and 203). */

struct ofpbuf;
struct xf_router;

void xf_pipeline_to_vm(const struct xf_router *, struct ofpbuf *ofpacts);

#endif /* xenflow/pipeline-vm.h */
