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


#ifndef XENFLOW_QOS_SHOW_H
#define XENFLOW_QOS_SHOW_H 1

/* The "xenflow/qos/show [PORT] [--json]" command: per queue of each link,
 * its network and class, contract, what is applied, the measured rate, the
 * expected share and their fitness (xenflow/qos-calc.h). */

struct hmap;

void xf_qos_show_register(const struct hmap *links);

#endif /* xenflow/qos-show.h */
