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

/* The bridges with XenFlow enabled (bridges.h). */

#include <config.h>

#include "xenflow/bridges.h"

#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "hash.h"
#include "netdev.h"
#include "netdev-provider.h"  /* netdev_from_name(). */
#include "openvswitch/meta-flow.h"
#include "ofproto/ofproto.h"
#include "openvswitch/vlog.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"
#include "util.h"
#include "vswitch-idl.h"
#include "xenflow/conf.h"
#include "xenflow/flowsync.h"
#include "xenflow/pipeline.h"
#include "xenflow/pipeline-net.h"
#include "xenflow/pipeline-tables.h"
#include "xenflow/probe.h"
#include "xenflow/qos.h"
#include "xenflow/trunks.h"

VLOG_DEFINE_THIS_MODULE(xenflow_bridges);

/* Networks whose flows a reconfiguration put, and those it left as they
 * were (unchanged). */
COVERAGE_DEFINE(xenflow_network_put);
COVERAGE_DEFINE(xenflow_network_kept);

BUILD_ASSERT_DECL(XF_OWNER_NETWORK_MAX == XF_NETWORK_ID_MAX);
BUILD_ASSERT_DECL(XF_OWNER_ANNOUNCE_ACCEPTED > XF_OWNER_NETWORK_MAX);

/* All bridges with other_config:xenflow-enable=true, by name. */
static struct hmap xf_bridges = HMAP_INITIALIZER(&xf_bridges);

/* Flow sets of bridges on which XenFlow was turned off: they keep running
 * until every XenFlow flow is gone from the bridge, then are destroyed. */
static struct xf_flowsync **draining;
static size_t n_draining, allocated_draining;

static struct sset conf_problems = SSET_INITIALIZER(&conf_problems);

static struct xf_bridge *
bridge_find(const struct hmap *bridges, const char *name)
{
    struct xf_bridge *br;

    HMAP_FOR_EACH_WITH_HASH (br, node, hash_string(name, 0), bridges) {
        if (!strcmp(br->name, name)) {
            return br;
        }
    }
    return NULL;
}

struct xf_bridge *
xf_bridge_find(const char *name)
{
    return bridge_find(&xf_bridges, name);
}

/* The flow set of bridge 'name', or NULL if XenFlow is not enabled there. */
struct xf_flowsync *
xf_bridge_flows(const char *name)
{
    const struct xf_bridge *br = xf_bridge_find(name);
    return br ? br->flows : NULL;
}

const struct hmap *
xf_bridges_map(void)
{
    return &xf_bridges;
}

static struct xf_network *network_find(const struct xf_bridge *,
                                       const char *name);

/* Marks VM port 'ofport' of network 'network' on bridge 'bridge' as one
 * whose router's control traffic is held ('router_id' nonzero) or not (0),
 * and puts the flows of the network again if that changed
 * (xenflow/pipeline-net.c floods to a held port into the hold queue).  A
 * bridge's ports are new at each reconfiguration: xf_routers_reconfigure()
 * marks them again.  Looks at that network only, whatever the bridge
 * holds. */
void
xf_bridge_hold_port(const char *bridge, const char *network,
                    ofp_port_t ofport, uint32_t router_id)
{
    struct xf_bridge *br = xf_bridge_find(bridge);
    struct xf_network *net = br && network ? network_find(br, network) : NULL;
    bool changed = false;

    if (!net || ofport == OFPP_NONE) {
        return;
    }
    for (size_t i = 0; i < net->n_vm_ports; i++) {
        struct xf_port *port = &net->vm_ports[i];
        if (port->ofport == ofport && port->hold_router != router_id) {
            port->hold_router = router_id;
            changed = true;
        }
    }
    if (changed && br->flows) {
        xf_pipeline_network(br, net, br->flows);
    }
}

/* Adds the name of every bridge with XenFlow enabled to 'names'. */
void
xf_get_bridge_names(struct sset *names)
{
    const struct xf_bridge *br;

    XF_BRIDGE_FOR_EACH (br) {
        sset_add(names, br->name);
    }
}

static void
network_destroy(struct xf_network *net)
{
    free(net->name);
    xf_ports_destroy(net->vm_ports, net->n_vm_ports);
    free(net);
}

/* Frees 'br''s model (and the one before it, if any), but not its
 * flowsync. */
static void
bridge_free(struct xf_bridge *br)
{
    struct xf_network *net;

    if (br->prev) {
        bridge_free(br->prev);
    }
    HMAP_FOR_EACH_POP (net, node, &br->networks) {
        network_destroy(net);
    }
    hmap_destroy(&br->networks);
    xf_ports_destroy(br->trunks, br->n_trunks);
    xf_ports_destroy(br->trusted, br->n_trusted);
    free(br->name);
    free(br->datapath_type);
    free(br);
}

static int
compare_ports(const void *a_, const void *b_)
{
    const struct xf_port *a = a_;
    const struct xf_port *b = b_;
    return strcmp(a->name, b->name);
}

static void
sort_ports(struct xf_port *ports, size_t n)
{
    if (n) {
        /* (qsort() wants a nonnull array even for no elements.) */
        qsort(ports, n, sizeof *ports, compare_ports);
    }
}

static void
add_port(struct xf_port **ports, size_t *n, const char *name,
         ofp_port_t ofport, enum xf_encap encap)
{
    *ports = xrealloc(*ports, (*n + 1) * sizeof **ports);
    (*ports)[(*n)++] = (struct xf_port) {
        .name = xstrdup(name), .ofport = ofport, .encap = encap,
    };
}

static struct xf_network *
network_find(const struct xf_bridge *br, const char *name)
{
    struct xf_network *net;

    HMAP_FOR_EACH_WITH_HASH (net, node, hash_string(name, 0),
                             &br->networks) {
        if (!strcmp(net->name, name)) {
            return net;
        }
    }
    return NULL;
}

/* Adds interface 'ic' (named 'name', on 'ofport', in network 'net') to the
 * build of its router in 'builds'.  Returns false, with a problem in
 * 'errors', if the router already has interfaces on another bridge. */
static bool
add_router_iface(const struct xf_bridge *br, const struct xf_bridge_conf *conf,
                 const char *name, ofp_port_t ofport,
                 const struct xf_network *net, struct xf_iface_conf *ic,
                 struct hmap *builds, struct svec *errors)
{
    struct xf_router_build *rb = xf_router_build_find(builds, ic->router);

    if (rb && strcmp(rb->bridge, br->name)) {
        svec_add_nocopy(errors, xasprintf(
            "bridge %s: interface %s: router %s already has interfaces on "
            "bridge %s; a router lives on one bridge; interface ignored",
            br->name, name, ic->router, rb->bridge));
        return false;
    }
    if (!rb) {
        const struct xf_router_conf *lc = shash_find_data(&conf->routers,
                                                          ic->router);
        struct xf_router_conf *def = NULL;
        if (!lc) {
            lc = def = xf_router_conf_default(ic->router);
        }
        rb = xzalloc(sizeof *rb);
        rb->name = xstrdup(ic->router);
        rb->bridge = xstrdup(br->name);
        rb->limits = *lc;
        rb->limits.name = xstrdup(ic->router);
        rb->limits.client_id = nullable_xstrdup(lc->client_id);
        if (def) {
            free(def->name);
            free(def);
        }
        hmap_insert(builds, &rb->node, hash_string(rb->name, 0));
    }
    if (rb->n_ifaces >= rb->allocated_ifaces) {
        rb->ifaces = x2nrealloc(rb->ifaces, &rb->allocated_ifaces,
                                sizeof *rb->ifaces);
    }
    rb->ifaces[rb->n_ifaces++] = (struct xf_iface) {
        .name = xstrdup(name),
        .ofport = ofport,
        .mac = ic->mac,
        .network = xstrdup(net->name),
        .network_id = net->id,
        .addrs = ic->addrs,
        .n_addrs = ic->n_addrs,
    };
    ic->addrs = NULL;
    return true;
}

/* Adds interface 'if_cfg' of bridge 'br' to the model: as a trunk, or as a
 * VM port of its network, and to its router's build in 'builds'. */
static void
add_iface(struct xf_bridge *br, const struct xf_bridge_conf *conf,
          const struct ovsrec_interface *if_cfg, struct hmap *builds,
          struct svec *errors)
{
    struct xf_iface_conf ic;

    if (!xf_iface_conf_parse(br->name, if_cfg->name, &if_cfg->other_config,
                             &ic, errors)) {
        xf_iface_conf_destroy(&ic);
        return;
    }

    struct xf_network *net = ic.network ? network_find(br, ic.network) : NULL;
    if (ic.network && !net) {
        svec_add_nocopy(errors, xasprintf(
            "bridge %s: interface %s: network %s is not defined (set Bridge "
            "%s other_config:"XF_KEY_NETWORK"%s=ID); XenFlow ignores this "
            "interface", br->name, if_cfg->name, ic.network, br->name,
            ic.network));
        xf_iface_conf_destroy(&ic);
        return;
    }

    ofp_port_t ofport = xf_ofproto_port(br->name, if_cfg->name);
    if (ic.trunk) {
        add_port(&br->trunks, &br->n_trunks, if_cfg->name, ofport,
                 ic.encap);
        if (ic.trusted) {
            add_port(&br->trusted, &br->n_trusted, if_cfg->name, ofport,
                     ic.encap);
        }
    } else {
        add_port(&net->vm_ports, &net->n_vm_ports, if_cfg->name, ofport,
                 XF_ENCAP_8021Q);
    }
    if (ic.router) {
        add_router_iface(br, conf, if_cfg->name, ofport, net, &ic, builds,
                         errors);
    }
    xf_iface_conf_destroy(&ic);
}

/* Whether ovs-vswitchd's main thread polls interface 'name' of a bridge on
 * the userspace datapath: unless its netdev class has PMD threads poll it
 * (afxdp, dpdk, dummy-pmd: netdev_is_pmd()).  An interface whose netdev is
 * not open (it failed to open, or is not there yet) counts as polled by
 * the main thread, the cautious answer.  The bridge calls this after
 * bridge_reconfigure() has opened the snapshot's netdevs. */
static bool
iface_main_thread_polls(const char *name)
{
    struct netdev *netdev = netdev_from_name(name);
    bool pmd = netdev && netdev_is_pmd(netdev);

    netdev_close(netdev);
    return !pmd;
}

/* Whether the main thread polls some port of 'br_cfg', on datapath type
 * 'datapath_type'.  Only the userspace datapath's ports are polled by
 * ovs-vswitchd at all.  The bridge's local port (the internal interface
 * named after the bridge) is left out: it is the host's own interface and
 * carries no virtual network's traffic. */
static bool
bridge_main_thread_polls(const struct ovsrec_bridge *br_cfg,
                         const char *datapath_type)
{
    if (strcmp(datapath_type, "netdev")) {
        return false;
    }
    for (size_t i = 0; i < br_cfg->n_ports; i++) {
        const struct ovsrec_port *port_cfg = br_cfg->ports[i];
        for (size_t j = 0; j < port_cfg->n_interfaces; j++) {
            const char *name = port_cfg->interfaces[j]->name;
            if (strcmp(name, br_cfg->name)
                && iface_main_thread_polls(name)) {
                return true;
            }
        }
    }
    return false;
}

/* Builds the model of bridge 'br_cfg' (XenFlow enabled) into a new
 * xf_bridge, adding its routers' interfaces to 'builds'. */
static struct xf_bridge *
build_bridge(const struct ovsrec_bridge *br_cfg,
             const struct xf_bridge_conf *conf, struct hmap *builds,
             struct svec *errors)
{
    struct xf_bridge *br = xzalloc(sizeof *br);
    struct shash_node *snode;

    br->name = xstrdup(br_cfg->name);
    br->datapath_type = xstrdup(br_cfg->datapath_type[0]
                                ? br_cfg->datapath_type : "system");
    br->main_thread_polls = bridge_main_thread_polls(br_cfg,
                                                     br->datapath_type);
    hmap_init(&br->networks);

    SHASH_FOR_EACH (snode, &conf->networks) {
        const struct xf_network_conf *nc = snode->data;
        struct xf_network *net = xzalloc(sizeof *net);
        net->name = xstrdup(nc->name);
        net->id = nc->id;
        hmap_insert(&br->networks, &net->node, hash_string(net->name, 0));
    }

    for (size_t i = 0; i < br_cfg->n_ports; i++) {
        const struct ovsrec_port *port_cfg = br_cfg->ports[i];
        for (size_t j = 0; j < port_cfg->n_interfaces; j++) {
            add_iface(br, conf, port_cfg->interfaces[j], builds, errors);
        }
    }

    /* Stable order, so that flows (e.g. flood lists) and output do not
     * depend on the database's hash order. */
    struct xf_network *net;
    HMAP_FOR_EACH (net, node, &br->networks) {
        sort_ports(net->vm_ports, net->n_vm_ports);
    }
    sort_ports(br->trunks, br->n_trunks);
    sort_ports(br->trusted, br->n_trusted);
    xf_trunks_check(br, errors);
    return br;
}

static void
start_draining(struct xf_flowsync *fs)
{
    xf_flowsync_clear(fs);
    if (n_draining >= allocated_draining) {
        draining = x2nrealloc(draining, &allocated_draining,
                              sizeof *draining);
    }
    draining[n_draining++] = fs;
}

/* If XenFlow was turned off on 'bridge' and is on again before its flows
 * were all removed, takes that flowsync back (flows put again are simply
 * no longer removed), so the two never fight over the same flows. */
static struct xf_flowsync *
reclaim_draining(const char *bridge)
{
    for (size_t i = 0; i < n_draining; i++) {
        if (!strcmp(xf_flowsync_bridge(draining[i]), bridge)) {
            struct xf_flowsync *fs = draining[i];
            draining[i] = draining[--n_draining];
            return fs;
        }
    }
    return NULL;
}

/* Reads snapshot 'ovs_cfg' into a new model of every XenFlow bridge, and
 * what it says about each router into 'builds' (struct xf_router_build,
 * by name).  Bridges that stay enabled keep their flow set, with the
 * configuration flows marked stale until the pipeline puts them again (see
 * xf_bridges_put_flows()). */
void
xf_bridges_reconfigure(const struct ovsrec_open_vswitch *ovs_cfg,
                       struct hmap *builds, struct svec *errors)
{
    struct hmap new_bridges = HMAP_INITIALIZER(&new_bridges);

    for (size_t i = 0; i < ovs_cfg->n_bridges; i++) {
        const struct ovsrec_bridge *br_cfg = ovs_cfg->bridges[i];
        struct xf_bridge_conf conf;

        xf_bridge_conf_parse(br_cfg->name, &br_cfg->other_config, &conf,
                             errors);
        if (conf.enabled && !bridge_find(&new_bridges, br_cfg->name)) {
            struct xf_bridge *br = build_bridge(br_cfg, &conf, builds,
                                                errors);
            hmap_insert(&new_bridges, &br->node, hash_string(br->name, 0));
        }
        xf_bridge_conf_destroy(&conf);
    }

    /* A bridge that stays enabled keeps its flow set, and its old model
     * until xf_bridges_put_flows() has compared the networks with it: the
     * flows of a network that did not change stay as they are, unmarked. */
    struct xf_bridge *br;
    HMAP_FOR_EACH (br, node, &new_bridges) {
        struct xf_bridge *old = xf_bridge_find(br->name);
        if (old) {
            hmap_remove(&xf_bridges, &old->node);
            br->flows = old->flows;
            old->flows = NULL;
            br->qos_seq = old->qos_seq;
            if (old->prev) {
                bridge_free(old->prev);
                old->prev = NULL;
            }
            br->prev = old;
        } else {
            VLOG_INFO("XenFlow enabled on bridge %s", br->name);
            br->flows = reclaim_draining(br->name);
            if (!br->flows) {
                br->flows = xf_flowsync_create(br->name);
            }
        }
        xf_flowsync_mark_config_stale(br->flows, !br->prev);
    }
    HMAP_FOR_EACH_POP (br, node, &xf_bridges) {
        if (br->flows) {
            VLOG_INFO("XenFlow disabled on bridge %s", br->name);
            start_draining(br->flows);
        }
        bridge_free(br);
    }
    hmap_swap(&xf_bridges, &new_bridges);
    hmap_destroy(&new_bridges);
    xf_trunks_vlan_limit(&ovs_cfg->other_config, &xf_bridges, errors);
    xf_trunks_probe_reconfigure(&ovs_cfg->other_config, &xf_bridges, errors);
}

static bool
port_equal(const struct xf_port *a, const struct xf_port *b)
{
    return (!strcmp(a->name, b->name) && a->ofport == b->ofport
            && a->encap == b->encap && a->hold_router == b->hold_router);
}

static bool
ports_equal(const struct xf_port *a, size_t n_a,
            const struct xf_port *b, size_t n_b)
{
    if (n_a != n_b) {
        return false;
    }
    for (size_t i = 0; i < n_a; i++) {
        if (!port_equal(&a[i], &b[i])) {
            return false;
        }
    }
    return true;
}

/* Whether networks 'a' and 'b' (of bridges whose trunks are the same) have
 * the same flows: same id and the same VM ports (sorted by name). */
static bool
network_equal(const struct xf_network *a, const struct xf_network *b)
{
    return (a->id == b->id && !strcmp(a->name, b->name)
            && ports_equal(a->vm_ports, a->n_vm_ports,
                           b->vm_ports, b->n_vm_ports));
}

/* Puts the flows of the networks of 'br' that are new or differ from those
 * of 'br->prev' (every network if there is no 'prev', or if the trunks or
 * the queue selections changed), after marking stale the flows they had
 * and those of the networks that are gone.  What a network's flows read is
 * xf_pipeline_network()'s: the network, its VM ports, the bridge's trunks
 * and the ports' queue selections.  A reconfiguration that adds one network
 * to a bridge of 100,000 therefore puts that network's flows only (and
 * compares the others, without building a flow). */
static void
put_networks(struct xf_bridge *br)
{
    const struct xf_bridge *prev = br->prev;
    uint64_t qos_seq = xf_qos_selections_seq();
    bool all = (!prev || qos_seq != br->qos_seq
                || !ports_equal(br->trunks, br->n_trunks,
                                prev->trunks, prev->n_trunks));
    struct xf_network *net;
    size_t n_put = 0;

    br->qos_seq = qos_seq;
    if (prev) {
        /* First what is gone: a network whose id another network takes
         * (a renamed network) is marked before that one's flows are put. */
        HMAP_FOR_EACH (net, node, &prev->networks) {
            const struct xf_network *new = network_find(br, net->name);
            if (!new || new->id != net->id) {
                xf_flowsync_mark_owner_stale(br->flows, net->id,
                                             XF_FLOW_KINDS_NETWORK);
            }
        }
    }
    HMAP_FOR_EACH (net, node, &br->networks) {
        const struct xf_network *old = (prev ? network_find(prev, net->name)
                                        : NULL);
        if (all || !old || !network_equal(net, old)) {
            if (prev) {
                xf_flowsync_mark_owner_stale(br->flows, net->id,
                                             XF_FLOW_KINDS_NETWORK);
            }
            xf_pipeline_network(br, net, br->flows);
            n_put++;
        }
    }
    COVERAGE_ADD(xenflow_network_put, n_put);
    COVERAGE_ADD(xenflow_network_kept,
                 hmap_count(&br->networks) - n_put);
}

/* Puts every bridge's own flows and those of its new or changed networks,
 * then drops the configuration flows that the new snapshot no longer wants.
 * Runs after the routers and queues of the snapshot are in place. */
void
xf_bridges_put_flows(void)
{
    struct xf_bridge *br;

    XF_BRIDGE_FOR_EACH (br) {
        xf_pipeline_bridge(br, br->flows);
        put_networks(br);
        xf_flowsync_sweep(br->flows);
        if (br->prev) {
            bridge_free(br->prev);
            br->prev = NULL;
        }
    }
}

/* The classifier's prefix tries on the tables of a XenFlow bridge:
 * upstream's default (ip_dst, ip_src) plus ipv6_dst, so that datapath
 * megaflows stay wildcarded by route prefix for both families.  Every
 * table a routed packet visits counts: one lookup without a trie on a
 * field that a subtable matches exactly (a router's own addresses in table
 * 201) un-wildcards all of it, one megaflow per IPv6 destination.  Only the
 * default: a Flow_Table row with "prefixes" set is used as it is.  Decided
 * from the bridge's own other_config, because the bridge layer asks before
 * XenFlow has read the new configuration. */
void
xf_bridges_table_prefixes(const struct smap *other_config,
                          int table_id OVS_UNUSED,
                          struct ofproto_table_settings *s)
{
    if (smap_get_bool(other_config, XF_KEY_ENABLE, false)
        && s->n_prefix_fields < ARRAY_SIZE(s->prefix_fields)) {
        s->prefix_fields[s->n_prefix_fields++] = MFF_IPV6_DST;
    }
}

/* Whether ovs-vswitchd's main thread polls a port of some XenFlow bridge:
 * one of the userspace datapath that no PMD thread polls. */
bool
xf_bridges_main_thread_polls(void)
{
    const struct xf_bridge *br;

    XF_BRIDGE_FOR_EACH (br) {
        if (br->main_thread_polls) {
            return true;
        }
    }
    return false;
}

/* Flow and group changes not yet applied to the switch, on every XenFlow
 * bridge that has a switch to apply them to (one whose datapath failed to
 * open would never drain). */
size_t
xf_bridges_flows_pending(void)
{
    const struct xf_bridge *br;
    size_t n = 0;

    XF_BRIDGE_FOR_EACH (br) {
        if (!xf_flowsync_drained(br->flows)) {
            n += xf_flowsync_pending(br->flows);
        }
    }
    return n;
}

void
xf_bridges_run(void)
{
    struct xf_bridge *br;

    XF_BRIDGE_FOR_EACH (br) {
        xf_flowsync_run(br->flows);
    }
    xf_probe_run();
    for (size_t i = 0; i < n_draining; ) {
        xf_flowsync_run(draining[i]);
        if (xf_flowsync_drained(draining[i])) {
            xf_flowsync_destroy(draining[i]);
            draining[i] = draining[--n_draining];
        } else {
            i++;
        }
    }
}

void
xf_bridges_wait(void)
{
    struct xf_bridge *br;

    XF_BRIDGE_FOR_EACH (br) {
        xf_flowsync_wait(br->flows);
    }
    xf_probe_wait();
    for (size_t i = 0; i < n_draining; i++) {
        xf_flowsync_wait(draining[i]);
    }
}

void
xf_bridges_destroy(void)
{
    struct xf_bridge *br;

    HMAP_FOR_EACH_POP (br, node, &xf_bridges) {
        xf_flowsync_destroy(br->flows);
        bridge_free(br);
    }
    for (size_t i = 0; i < n_draining; i++) {
        xf_flowsync_destroy(draining[i]);
    }
    n_draining = 0;
    sset_clear(&conf_problems);
    xf_probe_destroy();
}

/* Makes 'errors' the configuration problems of the latest snapshot, adding
 * to 'fresh' those that were not problems of the previous one. */
void
xf_conf_problems_update(const struct svec *errors, struct svec *fresh)
{
    struct sset new_problems = SSET_INITIALIZER(&new_problems);
    const char *error;
    size_t i;

    SVEC_FOR_EACH (i, error, errors) {
        if (!sset_contains(&conf_problems, error)) {
            svec_add(fresh, error);
        }
        sset_add(&new_problems, error);
    }
    sset_swap(&conf_problems, &new_problems);
    sset_destroy(&new_problems);
}

const struct sset *
xf_conf_problems(void)
{
    return &conf_problems;
}
