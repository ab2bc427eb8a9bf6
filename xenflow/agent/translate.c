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
/* Fleet desired state -> XenFlow's local keys (see translate.h). */

#include <config.h>

#include "xenflow/agent/translate.h"

#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"
#include "xenflow/agent/vm.h"
#include "xenflow/conf.h"
#include "xenflow/encap.h"
#include "xenflow/probe-frame.h"
#include "xenflow/fleet/channel.h"

/* Moves the errors XenFlow's parser found into 'errors', after 'context'.
 * Returns true if there were any. */
static bool
take_errors(struct svec *found, const char *context, struct svec *errors)
{
    bool any = found->n > 0;
    for (size_t i = 0; i < found->n; i++) {
        svec_add_nocopy(errors, xasprintf("%s: %s", context,
                                          found->names[i]));
    }
    svec_clear(found);
    return any;
}

static void
translate_networks(const struct xfa_node_spec *spec, struct xfa_local *local)
{
    struct svec found = SVEC_EMPTY_INITIALIZER;

    smap_add(&local->bridge, XF_KEY_ENABLE, "true");
    for (size_t i = 0; i < spec->n_nets; i++) {
        const struct xfa_net_spec *net = &spec->nets[i];
        struct smap one = SMAP_INITIALIZER(&one);
        struct xf_bridge_conf conf;
        char *key = xasprintf(XF_KEY_NETWORK"%s", net->name);

        smap_add_format(&one, key, "%lld", net->vlan);
        xf_bridge_conf_parse(spec->bridge, &one, &conf, &found);
        if (!found.n && !shash_find(&conf.networks, net->name)) {
            svec_add_nocopy(&found, xasprintf("network %s (VLAN %lld) is "
                                              "not a valid XenFlow network",
                                              net->name, net->vlan));
        }
        char *context = xasprintf("network %s", net->name);
        if (!take_errors(&found, context, &local->errors)) {
            smap_add_format(&local->bridge, key, "%lld", net->vlan);
        }
        free(context);
        xf_bridge_conf_destroy(&conf);
        smap_destroy(&one);
        free(key);
    }
    svec_destroy(&found);
}

static void
translate_trunks(const struct xfa_node_spec *spec, struct xfa_local *local)
{
    for (size_t i = 0; i < spec->n_trunks; i++) {
        const struct xfa_trunk_spec *trunk = &spec->trunks[i];
        if (shash_find(&local->trunks, trunk->port)) {
            svec_add_nocopy(&local->errors,
                            xasprintf("port %s: two links name it; the first "
                                      "is used", trunk->port));
            continue;
        }
        struct smap *keys = xmalloc(sizeof *keys);
        smap_init(keys);
        smap_add(keys, XF_IFACE_TRUNK, "true");
        if (trunk->trusted) {
            smap_add(keys, XF_IFACE_TRUSTED, "true");
        }
        enum xf_encap encap = XF_ENCAP_8021Q;
        if (trunk->encap && !xf_encap_parse(trunk->encap, &encap)) {
            svec_add_nocopy(&local->errors,
                            xasprintf("link %s: options:encap=\"%s\" is not "
                                      "802.1q, 802.1ad or mpls; port %s "
                                      "carries 802.1q", trunk->link,
                                      trunk->encap, trunk->port));
        }
        if (encap != XF_ENCAP_8021Q) {
            smap_add(keys, XF_IFACE_ENCAP, xf_encap_to_string(encap));
        }
        shash_add(&local->trunks, trunk->port, keys);
    }
}

static void
qos_destroy(struct xfa_qos *q)
{
    if (q) {
        smap_destroy(&q->config);
        for (size_t i = 0; i < q->n_queues; i++) {
            smap_destroy(&q->queues[i]);
        }
        free(q->queues);
        free(q->ids);
        free(q);
    }
}

/* The networks' contracts on each trunk: a QoS (linux-htb; max-rate and
 * the redistributor if the link has a max-rate) with a Queue per network,
 * checked by XenFlow's parsers; a trunk with a bad one gets none. */
static void
translate_qos(const struct xfa_node_spec *spec, struct xfa_local *local)
{
    struct svec found = SVEC_EMPTY_INITIALIZER;

    for (size_t i = 0; i < spec->n_trunks; i++) {
        const struct xfa_trunk_spec *trunk = &spec->trunks[i];
        if (!trunk->n_queues || shash_find(&local->qos, trunk->port)) {
            continue;
        }
        struct xfa_qos *q = xzalloc(sizeof *q);
        smap_init(&q->config);
        if (trunk->max_rate >= 0) {
            smap_add_format(&q->config, "max-rate", "%lld", trunk->max_rate);
            smap_add(&q->config, XF_QOS_REDISTRIBUTE, "true");
        }
        xf_qos_conf_redistribute(trunk->port, &q->config, &found);
        q->ids = xcalloc(trunk->n_queues, sizeof *q->ids);
        q->queues = xcalloc(trunk->n_queues, sizeof *q->queues);
        for (size_t j = 0; j < trunk->n_queues; j++) {
            const struct xfa_queue_spec *qs = &trunk->queues[j];
            struct smap *qc = &q->queues[q->n_queues];
            struct xf_queue_conf conf;

            smap_init(qc);
            q->ids[q->n_queues++] = qs->vlan;
            smap_add(qc, XF_QUEUE_NETWORK, qs->network);
            smap_add_format(qc, "min-rate", "%lld", qs->min_rate);
            if (qs->max_rate >= 0) {
                smap_add_format(qc, "max-rate", "%lld", qs->max_rate);
            }
            xf_queue_conf_parse(trunk->port, qs->vlan, qc, &conf, &found);
            xf_queue_conf_destroy(&conf);
        }
        char *context = xasprintf("QoS of port %s", trunk->port);
        if (take_errors(&found, context, &local->errors)) {
            qos_destroy(q);
        } else {
            shash_add(&local->qos, trunk->port, q);
        }
        free(context);
    }
    svec_destroy(&found);
}

/* The router's keys: its limits on the bridge, one map per interface.
 * Nothing is added if XenFlow's parser refuses any of them. */
static void
translate_router(const struct xfa_node_spec *spec,
                 const struct xfa_router_spec *r, struct xfa_local *local)
{
    const struct xfa_vm *vm = r->vm;
    struct svec found = SVEC_EMPTY_INITIALIZER;
    char *context = xasprintf("router %s", vm->name);
    struct ds limits = DS_EMPTY_INITIALIZER;
    struct shash ports = SHASH_INITIALIZER(&ports);
    char *key = xasprintf(XF_KEY_ROUTER"%s", vm->name);

    ds_put_format(&limits, "client-id=%s", vm->name);
    if (r->max_routes >= 0) {
        ds_put_format(&limits, ",max-routes=%lld", r->max_routes);
    }
    if (r->max_neighbors >= 0) {
        ds_put_format(&limits, ",max-neighbors=%lld", r->max_neighbors);
    }
    struct smap one = SMAP_INITIALIZER(&one);
    struct xf_bridge_conf bconf;
    smap_add(&one, key, ds_cstr(&limits));
    xf_bridge_conf_parse(spec->bridge, &one, &bconf, &found);
    xf_bridge_conf_destroy(&bconf);
    smap_destroy(&one);

    for (size_t i = 0; i < vm->n_ifaces; i++) {
        const struct xfa_vm_iface *iface = &vm->ifaces[i];
        struct smap *keys = xmalloc(sizeof *keys);
        char mac[ETH_ADDR_STRLEN + 1];
        struct xf_iface_conf iconf;

        snprintf(mac, sizeof mac, ETH_ADDR_FMT, ETH_ADDR_ARGS(iface->mac));
        smap_init(keys);
        smap_add(keys, XF_IFACE_NETWORK, iface->network);
        smap_add(keys, XF_IFACE_ROUTER, vm->name);
        smap_add(keys, XF_IFACE_MAC, mac);
        if (iface->addresses) {
            smap_add(keys, XF_IFACE_ADDRESSES, iface->addresses);
        }
        xf_iface_conf_parse(spec->bridge, iface->name, keys, &iconf, &found);
        xf_iface_conf_destroy(&iconf);
        char *net_key = xasprintf(XF_KEY_NETWORK"%s", iface->network);
        if (!smap_get(&local->bridge, net_key)) {
            svec_add_nocopy(&found, xasprintf("interface %s: network %s is "
                                              "not one of this node's",
                                              iface->name, iface->network));
        }
        free(net_key);
        if (shash_find(&local->vm_ports, mac) || shash_find(&ports, mac)) {
            svec_add_nocopy(&found, xasprintf("MAC %s is another "
                                              "interface's", mac));
        }
        shash_add(&ports, mac, keys);
    }

    if (!take_errors(&found, context, &local->errors)) {
        smap_add(&local->bridge, key, ds_cstr(&limits));
        struct shash_node *node;
        SHASH_FOR_EACH_SAFE (node, &ports) {
            shash_add(&local->vm_ports, node->name, node->data);
            shash_delete(&ports, node);
        }
    }
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, &ports) {
        smap_destroy(node->data);
        free(node->data);
        shash_delete(&ports, node);
    }
    shash_destroy(&ports);
    ds_destroy(&limits);
    svec_destroy(&found);
    free(context);
    free(key);
}

/* Adds 'key'='value' to the Open_vSwitch keys if 'check' finds no error in
 * it, otherwise reports why, as 'origin' of this node, and keeps the key's
 * current value. */
static void
add_switch_key(const struct xfa_channel_spec *ch, const char *origin,
               const char *key, const char *value, bool client,
               struct xfa_local *local)
{
    char *context = xasprintf("node %s: %s", ch->node, origin);
    if (xf_channel_check_listen(context, value, client, &local->errors)) {
        smap_add(&local->ovs, key, value);
    } else {
        sset_add(&local->ovs_keep, key);
    }
    free(context);
}

/* The node channel's keys: where XenFlow listens for other nodes' migrations
 * and for its routers' clients, and which nodes it trusts. */
static void
translate_channel(const struct xfa_channel_spec *ch, struct xfa_local *local)
{
    if (!ch->node) {
        return;
    }
    if (ch->peer_listen) {
        add_switch_key(ch, "options:peer-listen", XF_KEY_PEER_LISTEN,
                       ch->peer_listen, false, local);
    } else if (ch->peer_address && ch->peer_address[0]) {
        char *listen = xf_channel_peer_listener(ch->peer_address);
        if (listen) {
            add_switch_key(ch, "peer_address", XF_KEY_PEER_LISTEN, listen,
                           false, local);
        } else {
            svec_add_nocopy(&local->errors, xf_channel_peer_address_error(
                                ch->node, ch->peer_address));
            sset_add(&local->ovs_keep, XF_KEY_PEER_LISTEN);
        }
        free(listen);
    }
    if (ch->client_listen) {
        add_switch_key(ch, "options:client-listen", XF_KEY_LISTEN,
                       ch->client_listen, true, local);
    }
    if (ch->mover) {
        if (xf_channel_check_mover(ch->node, ch->mover, &local->errors)) {
            smap_add(&local->ovs, XF_KEY_MOVER, ch->mover);
        } else {
            sset_add(&local->ovs_keep, XF_KEY_MOVER);
        }
    }
    if (ch->n_peers) {
        struct svec peers = SVEC_EMPTY_INITIALIZER;
        for (size_t i = 0; i < ch->n_peers; i++) {
            svec_add(&peers, ch->peers[i]);
        }
        svec_sort_unique(&peers);
        char *list = svec_join(&peers, ",", "");
        smap_add(&local->ovs, XF_KEY_PEERS, list);
        free(list);
        svec_destroy(&peers);
    }
}

/* Initializes 'local' with the keys 'spec' asks for. */
void
xfa_translate(const struct xfa_node_spec *spec, struct xfa_local *local)
{
    smap_init(&local->ovs);
    sset_init(&local->ovs_keep);
    smap_init(&local->bridge);
    shash_init(&local->trunks);
    shash_init(&local->vm_ports);
    shash_init(&local->qos);
    svec_init(&local->errors);

    translate_channel(&spec->channel, local);
    translate_networks(spec, local);
    translate_trunks(spec, local);
    if (spec->n_trunks && spec->channel.node
        && xf_probe_name_is_valid(spec->channel.node)) {
        /* The node's name, which XenFlow's link probes carry on the trunks
         * (xenflow-trunks(7)): what each trunk's far end reports as its
         * neighbour.  With it XenFlow probes every 2 s. */
        smap_add(&local->ovs, XF_KEY_NODE, spec->channel.node);
    }
    translate_qos(spec, local);
    for (size_t i = 0; i < spec->n_routers; i++) {
        translate_router(spec, &spec->routers[i], local);
    }
}

static void
smaps_destroy(struct shash *maps)
{
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, maps) {
        smap_destroy(node->data);
        free(node->data);
        shash_delete(maps, node);
    }
    shash_destroy(maps);
}

void
xfa_local_destroy(struct xfa_local *local)
{
    smap_destroy(&local->ovs);
    sset_destroy(&local->ovs_keep);
    smap_destroy(&local->bridge);
    smaps_destroy(&local->trunks);
    smaps_destroy(&local->vm_ports);
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, &local->qos) {
        qos_destroy(node->data);
        shash_delete(&local->qos, node);
    }
    shash_destroy(&local->qos);
    svec_destroy(&local->errors);
}

static void
format_smap(const char *title, const struct smap *keys, struct ds *s)
{
    const struct smap_node **sorted = smap_sort(keys);
    ds_put_format(s, "%s:", title);
    for (size_t i = 0; i < smap_count(keys); i++) {
        ds_put_format(s, " %s=%s", sorted[i]->key, sorted[i]->value);
    }
    ds_put_char(s, '\n');
    free(sorted);
}

static void
format_smaps(const char *kind, const struct shash *maps, struct ds *s)
{
    const struct shash_node **sorted = shash_sort(maps);
    for (size_t i = 0; i < shash_count(maps); i++) {
        char *title = xasprintf("%s %s", kind, sorted[i]->name);
        format_smap(title, sorted[i]->data, s);
        free(title);
    }
    free(sorted);
}

/* Appends 'local' to 's', sorted, one line per row (tests, show). */
void
xfa_local_format(const struct xfa_local *local, struct ds *s)
{
    if (!smap_is_empty(&local->ovs)) {
        format_smap("switch", &local->ovs, s);
    }
    format_smap("bridge", &local->bridge, s);
    format_smaps("trunk", &local->trunks, s);
    format_smaps("port", &local->vm_ports, s);
    const struct shash_node **sorted = shash_sort(&local->qos);
    for (size_t i = 0; i < shash_count(&local->qos); i++) {
        const struct xfa_qos *q = sorted[i]->data;
        char *title = xasprintf("qos %s", sorted[i]->name);
        format_smap(title, &q->config, s);
        free(title);
        for (size_t j = 0; j < q->n_queues; j++) {
            title = xasprintf("queue %s %u", sorted[i]->name, q->ids[j]);
            format_smap(title, &q->queues[j], s);
            free(title);
        }
    }
    free(sorted);
    for (size_t i = 0; i < local->errors.n; i++) {
        ds_put_format(s, "error: %s\n", local->errors.names[i]);
    }
}
