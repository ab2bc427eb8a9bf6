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

#include <string.h>
#include <unistd.h>

#include "openvswitch/hmap.h"
#include "smap.h"
#include "svec.h"
#include "util.h"
#include "xenflow/conf.h"
#include "xenflow/encap.h"
#include "xenflow/model.h"
#include "xenflow/probe.h"
#include "xenflow/probe-frame.h"

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

/* Link probes (xenflow/probe.h) from Open_vSwitch other_config:
 * xenflow-node names this node (the agent writes it), xenflow-probe-interval
 * is their period in ms: 0 turns them off, the default is
 * XF_PROBE_DEFAULT_INTERVAL with a node name and 0 without.  Probing
 * without a node name names the node by its host name.  Then the trunks of
 * 'bridges' to probe. */
void
xf_trunks_probe_reconfigure(const struct smap *ovs_other_config,
                            const struct hmap *bridges, struct svec *errors)
{
    const char *name = smap_get(ovs_other_config, XF_KEY_NODE);
    const char *s = smap_get(ovs_other_config, XF_KEY_PROBE_INTERVAL);
    unsigned int interval = name ? XF_PROBE_DEFAULT_INTERVAL : 0;
    char host[256];

    if (s) {
        interval = xf_get_uint_key(ovs_other_config, XF_KEY_PROBE_INTERVAL,
                                   0, 3600000, interval, errors);
        if (interval && interval < 100) {
            svec_add_nocopy(errors, xasprintf(
                                "Open_vSwitch: other_config:%s=\"%s\": "
                                "probes at most every 100 ms, or 0 for none; "
                                "using 100", XF_KEY_PROBE_INTERVAL, s));
            interval = 100;
        }
    }
    if (name && !xf_probe_name_is_valid(name)) {
        svec_add_nocopy(errors, xasprintf(
                            "Open_vSwitch: other_config:%s=\"%s\" is not 1 "
                            "to 255 printable characters without spaces; no "
                            "link probes", XF_KEY_NODE, name));
        interval = 0;
    } else if (!name && interval) {
        memset(host, 0, sizeof host);
        if (gethostname(host, sizeof host - 1)
            || !xf_probe_name_is_valid(host)) {
            ovs_strlcpy(host, "xenflow", sizeof host);
        }
        name = host;
    }
    xf_probe_configure(interval, name);

    const struct xf_bridge *br;
    xf_probe_trunks_begin();
    HMAP_FOR_EACH (br, node, bridges) {
        for (size_t i = 0; i < br->n_trunks; i++) {
            xf_probe_trunks_add(br->name, br->trunks[i].name,
                                br->trunks[i].ofport);
        }
    }
    xf_probe_trunks_end();
}
