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

#include "xenflow/trunks.h"

#include "smap.h"
#include "svec.h"
#include "util.h"
#include "xenflow/encap.h"
#include "xenflow/model.h"

/* Reports, once per trunk of 'br', the networks whose id its encapsulation
 * cannot carry: they do not cross that trunk.  (One message per trunk, not
 * per network: a bridge may have 100,000 networks.) */
void
xf_trunks_check(const struct xf_bridge *br, struct svec *errors)
{
    for (size_t i = 0; i < br->n_trunks; i++) {
        const struct xf_port *trunk = &br->trunks[i];
        const struct xf_network *net, *example = NULL;
        size_t n = 0;

        HMAP_FOR_EACH (net, node, &br->networks) {
            if (!xf_encap_carries(trunk->encap, net->id)) {
                if (!example || net->id < example->id) {
                    example = net;
                }
                n++;
            }
        }
        if (n) {
            svec_add_nocopy(errors, xasprintf(
                "bridge %s: trunk %s (%s) carries network ids 1 to %"PRIu32
                ": %"PRIuSIZE" network%s do%s not cross it (the first: %s, "
                "id %"PRIu32")", br->name, trunk->name,
                xf_encap_to_string(trunk->encap),
                xf_encap_max_id(trunk->encap), n, n == 1 ? "" : "s",
                n == 1 ? "es" : "", example->name, example->id));
        }
    }
}

/* An 802.1ad frame has two VLAN headers.  Upstream parses at most
 * Open_vSwitch other_config:vlan-limit of them (default 1, for controllers
 * older than Open vSwitch 2.8; 0 means the most the datapath can, 2).  With
 * one, the C-tag is payload and no flow can match it: the trunk's frames
 * are dropped and counted as unknown tags.  XenFlow does not change the
 * limit itself: the userspace datapath probes how many headers it supports
 * when it is opened, under the limit in force then, so the limit must be in
 * the database before ovs-vswitchd opens it (set it, then restart
 * ovs-vswitchd; "ovs-appctl dpif/show-dp-features BRIDGE" shows "Max VLAN
 * headers").  So an 802.1ad trunk with vlan-limit absent or 1 is reported. */
void
xf_trunks_vlan_limit(const struct smap *ovs_other_config,
                     const struct hmap *bridges, struct svec *errors)
{
    const struct xf_bridge *br;
    const char *qinq = NULL;

    HMAP_FOR_EACH (br, node, bridges) {
        for (size_t i = 0; !qinq && i < br->n_trunks; i++) {
            if (br->trunks[i].encap == XF_ENCAP_8021AD) {
                qinq = br->trunks[i].name;
            }
        }
    }
    if (qinq && smap_get_int(ovs_other_config, "vlan-limit", 1) == 1) {
        svec_add_nocopy(errors, xasprintf(
            "802.1ad trunk %s needs two VLAN headers parsed, but "
            "Open_vSwitch other_config:vlan-limit is %s: its frames are "
            "dropped as unknown tags (set vlan-limit=0 and restart "
            "ovs-vswitchd)", qinq,
            smap_get(ovs_other_config, "vlan-limit") ? "1" : "not set"));
    }
}
