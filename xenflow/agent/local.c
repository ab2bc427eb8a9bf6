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
/* The translated configuration into the Open_vSwitch database (see
 * local.h). */

#include <config.h>

#include "xenflow/agent/local.h"

#include <string.h>

#include "lib/vswitch-idl.h"
#include "openvswitch/dynamic-string.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "sset.h"
#include "util.h"
#include "xenflow/agent/translate.h"

/* Computes the 'other_config' a row should have: its current one without
 * the keys the agent owned ('external_ids' XFA_OWNED_KEYS), plus 'want'.
 * Stores the new map in '*config' and the new owned-key list in '*owned'
 * (NULL if none); returns true if either differs from the row's. */
static bool
merge_keys(const struct smap *other_config, const struct smap *external_ids,
           const struct smap *want, struct smap *config, char **owned)
{
    struct sset old_owned = SSET_INITIALIZER(&old_owned);
    sset_from_delimited_string(&old_owned,
                               smap_get_def(external_ids, XFA_OWNED_KEYS, ""),
                               ",");
    smap_init(config);
    const struct smap_node *node;
    SMAP_FOR_EACH (node, other_config) {
        if (!sset_contains(&old_owned, node->key)
            && !(want && smap_get(want, node->key))) {
            smap_add(config, node->key, node->value);
        }
    }

    struct ds keys = DS_EMPTY_INITIALIZER;
    if (want) {
        const struct smap_node **sorted = smap_sort(want);
        for (size_t i = 0; i < smap_count(want); i++) {
            smap_add(config, sorted[i]->key, sorted[i]->value);
            ds_put_format(&keys, "%s%s", i ? "," : "", sorted[i]->key);
        }
        free(sorted);
    }
    *owned = keys.length ? ds_steal_cstr(&keys) : NULL;
    ds_destroy(&keys);

    const char *old = smap_get(external_ids, XFA_OWNED_KEYS);
    bool changed = !smap_equal(config, other_config)
                   || (old ? !*owned || strcmp(old, *owned) : *owned != NULL);
    sset_destroy(&old_owned);
    return changed;
}

/* Stores a row's new 'other_config' and 'external_ids'. */
typedef void set_keys_func(const void *row, const struct smap *config,
                           const struct smap *ids);

/* Makes a row's 'other_config' hold 'want' (the keys the agent owns there
 * listed in its 'external_ids'), through 'set' if anything changes. */
static void
apply_keys(const void *row, const struct smap *other_config,
           const struct smap *external_ids, const struct smap *want,
           set_keys_func *set)
{
    struct smap config;
    char *owned;

    if (merge_keys(other_config, external_ids, want, &config, &owned)) {
        struct smap ids;
        smap_clone(&ids, external_ids);
        if (owned) {
            smap_replace(&ids, XFA_OWNED_KEYS, owned);
        } else {
            smap_remove(&ids, XFA_OWNED_KEYS);
        }
        set(row, &config, &ids);
        smap_destroy(&ids);
    }
    smap_destroy(&config);
    free(owned);
}

static void
set_bridge_keys(const void *row, const struct smap *config,
                const struct smap *ids)
{
    ovsrec_bridge_set_other_config(row, config);
    ovsrec_bridge_set_external_ids(row, ids);
}

static void
set_iface_keys(const void *row, const struct smap *config,
               const struct smap *ids)
{
    ovsrec_interface_set_other_config(row, config);
    ovsrec_interface_set_external_ids(row, ids);
}

static void
set_switch_keys(const void *row, const struct smap *config,
                const struct smap *ids)
{
    ovsrec_open_vswitch_set_other_config(row, config);
    ovsrec_open_vswitch_set_external_ids(row, ids);
}

static void
apply_bridge(const struct ovsrec_bridge *br, const struct smap *want)
{
    apply_keys(br, &br->other_config, &br->external_ids, want,
               set_bridge_keys);
}

static void
apply_iface(const struct ovsrec_interface *iface, const struct smap *want)
{
    apply_keys(iface, &iface->other_config, &iface->external_ids, want,
               set_iface_keys);
}

/* The Open_vSwitch row's keys.  There a key the operator set by hand (one
 * the row has and the agent does not own) wins over the fleet's, and a key
 * in 'local->ovs_keep' (its wanted value is invalid) keeps the value the
 * agent set before. */
void
xfa_local_apply_switch(struct ovsdb_idl *idl, const struct xfa_local *local)
{
    const struct ovsrec_open_vswitch *ovs = ovsrec_open_vswitch_first(idl);
    if (!ovs) {
        return;
    }

    struct sset owned = SSET_INITIALIZER(&owned);
    sset_from_delimited_string(&owned,
                               smap_get_def(&ovs->external_ids,
                                            XFA_OWNED_KEYS, ""), ",");
    struct smap want = SMAP_INITIALIZER(&want);
    const struct smap_node *node;
    SMAP_FOR_EACH (node, &local->ovs) {
        if (sset_contains(&owned, node->key)
            || !smap_get(&ovs->other_config, node->key)) {
            smap_add(&want, node->key, node->value);
        }
    }
    const char *key;
    SSET_FOR_EACH (key, &local->ovs_keep) {
        const char *value = smap_get(&ovs->other_config, key);
        if (value && sset_contains(&owned, key)) {
            smap_replace(&want, key, value);
        }
    }

    apply_keys(ovs, &ovs->other_config, &ovs->external_ids, &want,
               set_switch_keys);
    smap_destroy(&want);
    sset_destroy(&owned);
}

static const struct ovsrec_bridge *
create_bridge(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
              const char *name, const char *datapath_type)
{
    const struct ovsrec_open_vswitch *ovs = ovsrec_open_vswitch_first(idl);
    if (!ovs) {
        return NULL;
    }
    struct smap owned = SMAP_CONST1(&owned, XFA_OWNED_ROW, "true");
    struct ovsrec_interface *iface = ovsrec_interface_insert(txn);
    ovsrec_interface_set_name(iface, name);
    ovsrec_interface_set_type(iface, "internal");
    struct ovsrec_port *port = ovsrec_port_insert(txn);
    ovsrec_port_set_name(port, name);
    ovsrec_port_set_interfaces(port, &iface, 1);
    struct ovsrec_bridge *br = ovsrec_bridge_insert(txn);
    ovsrec_bridge_set_name(br, name);
    ovsrec_bridge_set_ports(br, &port, 1);
    ovsrec_bridge_set_external_ids(br, &owned);
    if (datapath_type) {
        ovsrec_bridge_set_datapath_type(br, datapath_type);
    }
    ovsrec_open_vswitch_update_bridges_addvalue(ovs, br);
    return br;
}

static const struct ovsrec_port *
find_port(const struct ovsrec_bridge *br, const char *name)
{
    for (size_t i = 0; i < br->n_ports; i++) {
        if (!strcmp(br->ports[i]->name, name)) {
            return br->ports[i];
        }
    }
    return NULL;
}

static void
add_owned_port(struct ovsdb_idl_txn *txn, const struct ovsrec_bridge *br,
               const char *name, const char *mac)
{
    struct smap owned = SMAP_INITIALIZER(&owned);
    smap_add(&owned, XFA_OWNED_ROW, "true");
    struct ovsrec_interface *iface = ovsrec_interface_insert(txn);
    ovsrec_interface_set_name(iface, name);
    if (mac) {
        smap_add(&owned, "attached-mac", mac);
    }
    ovsrec_interface_set_external_ids(iface, &owned);
    smap_remove(&owned, "attached-mac");
    struct ovsrec_port *port = ovsrec_port_insert(txn);
    ovsrec_port_set_name(port, name);
    ovsrec_port_set_interfaces(port, &iface, 1);
    ovsrec_port_set_external_ids(port, &owned);
    ovsrec_bridge_update_ports_addvalue(br, port);
    smap_destroy(&owned);
}

/* Whether some interface of the database has 'mac' as attached-mac. */
static bool
mac_attached(struct ovsdb_idl *idl, const char *mac)
{
    const struct ovsrec_interface *iface;
    OVSREC_INTERFACE_FOR_EACH (iface, idl) {
        const char *m = smap_get(&iface->external_ids, "attached-mac");
        if (m && !strcmp(m, mac)) {
            return true;
        }
    }
    return false;
}

/* Adds the trunks' ports the bridge lacks and the ports of routers
 * arriving here ('arrivals': port name -> MAC) that no port stands for yet;
 * deletes the ports the agent made that no trunk and no router of this node
 * wants. */
static void
sync_owned_ports(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
                 const struct ovsrec_bridge *br, const struct xfa_local *local,
                 const struct shash *arrivals)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, &local->trunks) {
        if (!find_port(br, node->name)) {
            add_owned_port(txn, br, node->name, NULL);
        }
    }
    SHASH_FOR_EACH (node, arrivals) {
        if (!find_port(br, node->name) && !mac_attached(idl, node->data)) {
            add_owned_port(txn, br, node->name, node->data);
        }
    }
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct ovsrec_port *port = br->ports[i];
        const char *mac = (port->n_interfaces
                           ? smap_get(&port->interfaces[0]->external_ids,
                                      "attached-mac") : NULL);
        if (smap_get_bool(&port->external_ids, XFA_OWNED_ROW, false)
            && !shash_find(&local->trunks, port->name)
            && !(mac && shash_find(&local->vm_ports, mac))) {
            ovsrec_bridge_update_ports_delvalue(br, port);
        }
    }
}

/* Returns 'qos''s queue with id 'id', or NULL. */
static struct ovsrec_queue *
find_queue(const struct ovsrec_qos *qos, unsigned int id)
{
    for (size_t i = 0; i < qos->n_queues; i++) {
        if (qos->key_queues[i] == id) {
            return qos->value_queues[i];
        }
    }
    return NULL;
}

/* Makes the QoS of each trunk 'local' has one for what it says: a QoS row
 * of the agent's (external_ids:xenflow-agent-owned) with a Queue per
 * network; removes the agent's QoS from ports that need none.  A QoS an
 * operator set on a port is left alone. */
static void
sync_qos(struct ovsdb_idl_txn *txn, const struct ovsrec_bridge *br,
         const struct xfa_local *local)
{
    struct smap owned = SMAP_CONST1(&owned, XFA_OWNED_ROW, "true");

    for (size_t i = 0; i < br->n_ports; i++) {
        const struct ovsrec_port *port = br->ports[i];
        const struct xfa_qos *want = shash_find_data(&local->qos,
                                                     port->name);
        const struct ovsrec_qos *qos = port->qos;
        if (qos && !smap_get_bool(&qos->external_ids, XFA_OWNED_ROW,
                                  false)) {
            continue;
        }
        if (!want) {
            if (qos) {
                ovsrec_port_set_qos(port, NULL);
                for (size_t j = 0; j < qos->n_queues; j++) {
                    ovsrec_queue_delete(qos->value_queues[j]);
                }
                ovsrec_qos_delete(qos);
            }
            continue;
        }
        if (!qos) {
            qos = ovsrec_qos_insert(txn);
            ovsrec_qos_set_type(qos, "linux-htb");
            ovsrec_qos_set_external_ids(qos, &owned);
            ovsrec_port_set_qos(port, qos);
        }
        if (!smap_equal(&qos->other_config, &want->config)) {
            ovsrec_qos_set_other_config(qos, &want->config);
        }

        int64_t *ids = xmalloc(want->n_queues * sizeof *ids);
        struct ovsrec_queue **queues = xmalloc(want->n_queues
                                               * sizeof *queues);
        for (size_t j = 0; j < want->n_queues; j++) {
            struct ovsrec_queue *queue = find_queue(qos, want->ids[j]);
            if (!queue) {
                queue = ovsrec_queue_insert(txn);
            }
            if (!smap_equal(&queue->other_config, &want->queues[j])) {
                ovsrec_queue_set_other_config(queue, &want->queues[j]);
            }
            ids[j] = want->ids[j];
            queues[j] = queue;
        }
        for (size_t j = 0; j < qos->n_queues; j++) {
            bool kept = false;
            for (size_t k = 0; k < want->n_queues; k++) {
                kept |= queues[k] == qos->value_queues[j];
            }
            if (!kept) {
                ovsrec_queue_delete(qos->value_queues[j]);
            }
        }
        ovsrec_qos_set_queues(qos, ids, queues, want->n_queues);
        free(ids);
        free(queues);
    }
}

/* Makes the Open_vSwitch database say what 'local' says, in 'txn'. */
void
xfa_local_apply(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
                const char *bridge, const char *datapath_type,
                const struct xfa_local *local, const struct shash *arrivals)
{
    const struct ovsrec_bridge *br = NULL, *b;
    OVSREC_BRIDGE_FOR_EACH (b, idl) {
        if (!strcmp(b->name, bridge)) {
            br = b;
        }
    }
    if (!br) {
        br = create_bridge(idl, txn, bridge, datapath_type);
        if (!br) {
            return;
        }
    }
    xfa_local_apply_switch(idl, local);
    apply_bridge(br, &local->bridge);
    sync_owned_ports(idl, txn, br, local, arrivals);
    sync_qos(txn, br, local);

    const struct ovsrec_interface *iface;
    OVSREC_INTERFACE_FOR_EACH (iface, idl) {
        const struct smap *want = shash_find_data(&local->trunks,
                                                  iface->name);
        const char *mac = smap_get(&iface->external_ids, "attached-mac");
        if (!want && mac) {
            want = shash_find_data(&local->vm_ports, mac);
        }
        if (want || smap_get(&iface->external_ids, XFA_OWNED_KEYS)) {
            apply_iface(iface, want);
        }
    }
}
