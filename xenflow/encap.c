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

#include <config.h>

#include "xenflow/encap.h"

#include <string.h>

#include "util.h"

static const char *const names[XF_N_ENCAPS] = {
    [XF_ENCAP_8021Q] = "802.1q",
    [XF_ENCAP_8021AD] = "802.1ad",
    [XF_ENCAP_MPLS] = "mpls",
};

/* Parses 's' ("802.1q", "802.1ad" or "mpls") into '*encap'.  Returns false
 * if 's' is none of them. */
bool
xf_encap_parse(const char *s, enum xf_encap *encap)
{
    for (int i = 0; i < XF_N_ENCAPS; i++) {
        if (!strcmp(s, names[i])) {
            *encap = i;
            return true;
        }
    }
    return false;
}

const char *
xf_encap_to_string(enum xf_encap encap)
{
    return encap < XF_N_ENCAPS ? names[encap] : "unknown";
}

/* The largest network id that 'encap' carries (see encap.h). */
uint32_t
xf_encap_max_id(enum xf_encap encap)
{
    switch (encap) {
    case XF_ENCAP_8021Q:
        return 4094;
    case XF_ENCAP_8021AD:
        return 4094 * 4094;
    case XF_ENCAP_MPLS:
        return (1u << 20) - XF_MPLS_LABEL_BASE;
    case XF_N_ENCAPS:
    default:
        OVS_NOT_REACHED();
    }
}

bool
xf_encap_carries(enum xf_encap encap, uint32_t id)
{
    return id >= 1 && id <= xf_encap_max_id(encap);
}

/* The S-VLAN and C-VLAN of network 'id' on an 802.1ad trunk. */
void
xf_encap_qinq(uint32_t id, uint16_t *s_vid, uint16_t *c_vid)
{
    ovs_assert(xf_encap_carries(XF_ENCAP_8021AD, id));
    *s_vid = (id - 1) / 4094 + 1;
    *c_vid = (id - 1) % 4094 + 1;
}

/* The MPLS label of network 'id' on an mpls trunk. */
uint32_t
xf_encap_label(uint32_t id)
{
    ovs_assert(xf_encap_carries(XF_ENCAP_MPLS, id));
    return id + XF_MPLS_LABEL_BASE - 1;
}
