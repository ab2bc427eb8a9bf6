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


#ifndef XENFLOW_QOS_SAMPLE_H
#define XENFLOW_QOS_SAMPLE_H 1

/* Sampling queue statistics: every t_med, one netdev_dump_queue_stats() per
 * link gives each queue's transmitted bytes and drops, from which a queue's
 * rate is the average of its last k_med periods (struct xf_qos_measure in
 * xenflow/qos-link.h). */

struct xf_qos_link;
struct xf_qos_measure;

void xf_qos_measure_init(struct xf_qos_measure *, unsigned int samples);
int xf_qos_link_sample(struct xf_qos_link *, long long int now,
                       unsigned int samples);

#endif /* xenflow/qos-sample.h */
