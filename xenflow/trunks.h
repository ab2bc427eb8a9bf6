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

#ifndef XENFLOW_TRUNKS_H
#define XENFLOW_TRUNKS_H 1

/* What the trunks of a bridge can carry (xenflow/encap.h): networks whose
 * id a trunk's encapsulation cannot hold are reported, and so is an 802.1ad
 * trunk without the two VLAN headers it needs parsed (upstream's
 * vlan-limit). */

struct hmap;
struct smap;
struct svec;
struct xf_bridge;

void xf_trunks_check(const struct xf_bridge *, struct svec *errors);
void xf_trunks_vlan_limit(const struct smap *ovs_other_config,
                          const struct hmap *bridges, struct svec *errors);
void xf_trunks_probe_reconfigure(const struct smap *ovs_other_config,
                                 const struct hmap *bridges,
                                 struct svec *errors);

#endif /* xenflow/trunks.h */
