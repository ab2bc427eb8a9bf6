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

#ifndef XENFLOW_ENCAP_H
#define XENFLOW_ENCAP_H 1

/* How a trunk carries virtual networks, and how a network's id maps to what
 * the trunk's frames carry.  Pure: no OpenFlow, no database.
 *
 * Inside the switch a network is its id (1 to XF_NETWORK_ID_MAX) in reg7;
 * only trunks carry it on the wire, each in its own encapsulation
 * (Interface other_config:xenflow-encap):
 *
 *   802.1q   one C-tag (TPID 0x8100), VLAN = id: ids 1 to 4,094.
 *
 *   802.1ad  an S-tag (TPID 0x88a8) outside a C-tag (TPID 0x8100):
 *            id - 1 = (S - 1) * 4094 + (C - 1), S and C from 1 to 4,094,
 *            so ids 1 to 16,760,836 (4094 * 4094); ids up to 4,094 have
 *            S = 1 and C = id.
 *
 *   mpls     the whole Ethernet frame inside one MPLS label (RFC 3032,
 *            bottom of stack; EtherType 0x8847), label = id + 15, which
 *            skips the reserved labels 0 to 15: ids 1 to 1,048,560
 *            (2^20 - 16).
 *
 * A network whose id a trunk cannot carry does not cross it (reported as a
 * configuration problem). */

#include <stdbool.h>
#include <stdint.h>

/* The largest network id: 24 bits (reg7[0..23]). */
#define XF_NETWORK_ID_MAX 16777215

enum xf_encap {
    XF_ENCAP_8021Q,             /* The default. */
    XF_ENCAP_8021AD,
    XF_ENCAP_MPLS,
    XF_N_ENCAPS
};

/* The first label that carries a network (RFC 3032 reserves 0 to 15). */
#define XF_MPLS_LABEL_BASE 16

bool xf_encap_parse(const char *, enum xf_encap *);
const char *xf_encap_to_string(enum xf_encap);
uint32_t xf_encap_max_id(enum xf_encap);
bool xf_encap_carries(enum xf_encap, uint32_t id);
void xf_encap_qinq(uint32_t id, uint16_t *s_vid, uint16_t *c_vid);
uint32_t xf_encap_label(uint32_t id);

#endif /* xenflow/encap.h */
