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
/* The fleet database, seen from one node (see fleet.h). */

#include <config.h>

#include "xenflow/agent/fleet.h"

#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "ovsdb-idl.h"
#include "packets.h"
#include "smap.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/agent/bootstrap.h"
#include "xenflow/agent/fleet-stats.h"
#include "xenflow/agent/virt-worker.h"
#include "xenflow/fleet/fleet-idl.h"

const struct fleetrec_node *
xfa_fleet_find_node(struct ovsdb_idl *idl, const char *name)
{
    const struct fleetrec_node *node;
    FLEETREC_NODE_FOR_EACH (node, idl) {
        if (!strcmp(node->name, name)) {
            return node;
        }
    }
    return NULL;
}

static long long
opt_int(const int64_t *row, size_t n_row, const int64_t *tmpl, size_t n_tmpl)
{
    return n_row ? *row : n_tmpl ? *tmpl : 0;
}

static const char *
opt_str(const char *row, const char *tmpl)
{
    return row ? row : tmpl;
}

static long long
limit(const struct fleetrec_router *r, const char *key)
{
    for (size_t i = 0; i < r->n_limits; i++) {
        if (!strcmp(r->key_limits[i], key)) {
            return r->value_limits[i];
        }
    }
    const struct fleetrec_template *t = r->template_;
    for (size_t i = 0; t && i < t->n_limits; i++) {
        if (!strcmp(t->key_limits[i], key)) {
            return t->value_limits[i];
        }
    }
    return -1;
}

static int
compare_ifaces(const void *a_, const void *b_)
{
    const struct xfa_vm_iface *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

/* Fills 'vm' from Router 'r' and its template.  Returns an error if the
 * router cannot run here. */
static char *
build_vm(const struct fleetrec_router *r, const struct xfa_fleet_config *cfg,
         const char *bridge, struct xfa_vm *vm)
{
    const struct fleetrec_template *t = r->template_;
    const char *driver = t && t->driver ? t->driver : "lxc";

    memset(vm, 0, sizeof *vm);
    vm->name = xstrdup(r->name);
    vm->bridge = xstrdup(bridge);
    if (!xfa_driver_from_string(driver, &vm->driver)) {
        return xasprintf("router %s: unknown driver %s", r->name, driver);
    }
    if (vm->driver != cfg->driver) {
        return xasprintf("router %s: its template asks for driver %s, but "
                         "this agent's libvirt runs %s", r->name, driver,
                         xfa_driver_name(cfg->driver));
    }
    vm->vcpus = opt_int(r->vcpus, r->n_vcpus, t ? &t->vcpus : NULL, t != 0);
    vm->memory_mb = opt_int(r->memory_mb, r->n_memory_mb,
                            t ? &t->memory_mb : NULL, t != 0);
    vm->cpu_weight = opt_int(r->cpu_weight, r->n_cpu_weight,
                             t ? t->cpu_weight : NULL, t ? t->n_cpu_weight : 0);
    vm->cpu_cap = opt_int(r->cpu_cap, r->n_cpu_cap,
                          t ? t->cpu_cap : NULL, t ? t->n_cpu_cap : 0);
    vm->filesystem = nullable_xstrdup(opt_str(r->filesystem,
                                              t ? t->filesystem : NULL));
    vm->image = nullable_xstrdup(opt_str(r->image, t ? t->image : NULL));
    vm->frr_config = nullable_xstrdup(opt_str(r->frr_config,
                                              t ? t->frr_config : NULL));
    if (vm->driver == XFA_DRIVER_LXC) {
        vm->boot_dir = xfa_bootstrap_dir(cfg->state_dir, r->name);
    }

    vm->ifaces = xcalloc(r->n_interfaces, sizeof *vm->ifaces);
    for (size_t i = 0; i < r->n_interfaces; i++) {
        const struct fleetrec_router_interface *ri = r->interfaces[i];
        struct xfa_vm_iface *iface = &vm->ifaces[vm->n_ifaces++];

        iface->name = xstrdup(ri->name);
        iface->network = xstrdup(ri->network->name);
        if (!eth_addr_from_string(ri->mac, &iface->mac)) {
            return xasprintf("router %s: interface %s: \"%s\" is not a MAC "
                             "address", r->name, ri->name, ri->mac);
        }
        if (ri->n_addresses) {
            struct ds a = DS_EMPTY_INITIALIZER;
            for (size_t j = 0; j < ri->n_addresses; j++) {
                ds_put_format(&a, "%s%s", j ? "," : "", ri->addresses[j]);
            }
            iface->addresses = ds_steal_cstr(&a);
        }
    }
    /* The set's order is the rows' UUIDs': sort by name, so that the
     * domain (and its hash) depends on the interfaces only. */
    qsort(vm->ifaces, vm->n_ifaces, sizeof *vm->ifaces, compare_ifaces);
    return xfa_vm_validate(vm);
}

/* Whether router 'name' runs on a node other than 'here', as that node's
 * agent reports it.  A node whose agent reported "powering-off" (it was
 * empty, and is down or going down) does not count; one whose power the
 * fleet merely wants off still does: "node-evacuate --power-off" wishes it
 * off in the same transaction that places its routers elsewhere, and they
 * must still leave it by migration.  A fenced node does not count either:
 * the operator declared it down, what it last reported is stale, and its
 * routers start afresh where the fleet places them (its agent, if it comes
 * back, destroys its copies). */
static bool
runs_elsewhere(struct ovsdb_idl *idl, const char *name,
               const struct fleetrec_node *here)
{
    const struct fleetrec_router_state *rs;
    FLEETREC_ROUTER_STATE_FOR_EACH (rs, idl) {
        if (!strcmp(rs->name, name) && strcmp(rs->node, here->name)
            && (!strcmp(rs->state, "running")
                || !strcmp(rs->state, "migrating"))) {
            const struct fleetrec_node *there
                = xfa_fleet_find_node(idl, rs->node);
            if (there && !there->fenced
                && (!there->agent_state
                    || strcmp(there->agent_state, "powering-off"))) {
                return true;
            }
        }
    }
    return false;
}

/* Fills 'departures' (router name -> struct xfa_departure *) with the
 * routers running here ('reports' from the libvirt thread) that the fleet
 * now places on another node.  None while this node is fenced: its routers
 * start afresh elsewhere, and its copies are destroyed, not migrated. */
void
xfa_fleet_departures(struct ovsdb_idl *idl, const struct xfa_fleet_config *cfg,
                     const struct shash *reports, struct shash *departures)
{
    const struct fleetrec_node *self = xfa_fleet_find_node(idl, cfg->node);
    if (self && self->fenced) {
        return;
    }

    const struct fleetrec_router *r;
    FLEETREC_ROUTER_FOR_EACH (r, idl) {
        const struct xfa_report *report = shash_find_data(reports, r->name);
        if (!report || strcmp(report->state, "running")
            || !strcmp(r->node->name, cfg->node)
            || strcmp(r->state, "running")) {
            continue;
        }
        const struct fleetrec_node *dest = r->node;
        struct xfa_departure *d = xzalloc(sizeof *d);
        d->router = xstrdup(r->name);
        d->destination = xstrdup(dest->name);
        d->peer = dest->peer_address[0] ? xstrdup(dest->peer_address) : NULL;
        d->vm_dest = xstrdup(smap_get_def(&dest->options, "migration-target",
                                          dest->management_address));
        shash_add(departures, r->name, d);
    }
}

/* The node channel's part of 'view->spec': this node's addresses and the
 * names of the other nodes, whose agents' certificates carry them. */
static void
read_channel(struct ovsdb_idl *idl, const struct fleetrec_node *node,
             struct xfa_fleet_view *view)
{
    struct xfa_channel_spec *ch = &view->spec.channel;
    static const char *const options[] = { "peer-listen", "client-listen",
                                           "mover" };

    smap_add(&view->channel, "name", node->name);
    smap_add(&view->channel, "peer_address", node->peer_address);
    for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
        const char *value = smap_get(&node->options, options[i]);
        if (value) {
            smap_add(&view->channel, options[i], value);
        }
    }
    ch->node = smap_get(&view->channel, "name");
    ch->peer_address = smap_get(&view->channel, "peer_address");
    ch->peer_listen = smap_get(&view->channel, "peer-listen");
    ch->client_listen = smap_get(&view->channel, "client-listen");
    ch->mover = smap_get(&view->channel, "mover");

    const struct fleetrec_node *other;
    FLEETREC_NODE_FOR_EACH (other, idl) {
        if (other != node) {
            svec_add(&view->peers, other->name);
        }
    }
    ch->peers = (const char *const *) view->peers.names;
    ch->n_peers = view->peers.n;
}

/* Returns the rate for 'link' in the map 'keys'/'values' of 'n' entries
 * (Network contracts or ceilings), or -1 if it has none. */
static long long
link_rate(struct fleetrec_link **keys, const int64_t *values, size_t n,
          const struct fleetrec_link *link)
{
    for (size_t i = 0; i < n; i++) {
        if (keys[i] == link) {
            return values[i];
        }
    }
    return -1;
}

/* This node's end 'port' of 'link': a trunk, and a queue for each network
 * with a contract on the link. */
static void
read_trunk(struct ovsdb_idl *idl, const struct fleetrec_link *link,
           const char *port, struct xfa_trunk_spec *trunk)
{
    const struct fleetrec_network *net;
    struct xfa_queue_spec *queues = NULL;
    size_t n = 0, allocated = 0;

    trunk->port = xstrdup(port);
    trunk->link = xstrdup(link->name);
    trunk->encap = nullable_xstrdup(smap_get(&link->options, "encap"));
    trunk->trusted = link->trusted;
    trunk->max_rate = smap_get_ullong(&link->options, "max-rate", 0);
    if (!trunk->max_rate) {
        trunk->max_rate = -1;
    }
    FLEETREC_NETWORK_FOR_EACH (net, idl) {
        long long min = link_rate(net->key_contracts, net->value_contracts,
                                  net->n_contracts, link);
        if (min < 0) {
            continue;
        }
        if (n >= allocated) {
            queues = x2nrealloc(queues, &allocated, sizeof *queues);
        }
        queues[n].network = xstrdup(net->name);
        queues[n].vlan = net->vlan;
        queues[n].min_rate = min;
        queues[n++].max_rate = link_rate(net->key_ceilings,
                                         net->value_ceilings,
                                         net->n_ceilings, link);
    }
    trunk->queues = queues;
    trunk->n_queues = n;
}

/* Adds to 'names' the routers that this node's Router_State rows say run
 * here: what a restarted agent knows of its node before libvirt told it. */
void
xfa_fleet_last_reported(struct ovsdb_idl *idl,
                        const struct xfa_fleet_config *cfg,
                        struct sset *names)
{
    const struct fleetrec_router_state *rs;
    FLEETREC_ROUTER_STATE_FOR_EACH (rs, idl) {
        if (!strcmp(rs->node, cfg->node)
            && (!strcmp(rs->state, "running")
                || !strcmp(rs->state, "migrating"))) {
            sset_add(names, rs->name);
        }
    }
}

/* Reads this node's share of the fleet into 'view'.  'last_good' (router
 * name -> struct xfa_want *) holds each router as last built without error,
 * what a router whose row has become invalid keeps.  The routers in 'held'
 * stay here (keys and VM) while they leave; those in 'kept', placed
 * elsewhere, keep their keys only (no VM wanted): a restarted agent, until
 * libvirt said what runs here, must not strip the switch of a router it
 * may have to migrate. */
void
xfa_fleet_read(struct ovsdb_idl *idl, const struct xfa_fleet_config *cfg,
               const struct shash *last_good, const struct sset *held,
               const struct sset *kept, struct xfa_fleet_view *view)
{
    memset(view, 0, sizeof *view);
    shash_init(&view->wants);
    shash_init(&view->arriving);
    shash_init(&view->arrival_ports);
    svec_init(&view->errors);
    svec_init(&view->peers);
    smap_init(&view->channel);

    const struct fleetrec_node *node = xfa_fleet_find_node(idl, cfg->node);
    view->found = node != NULL;
    view->fenced = node && node->fenced;
    view->bridge = xstrdup(node ? smap_get_def(&node->options, "bridge",
                                               cfg->bridge)
                                : cfg->bridge);
    view->datapath_type = nullable_xstrdup(
        node ? smap_get(&node->options, "datapath-type") : NULL);
    view->spec.bridge = view->bridge;
    if (!node) {
        return;
    }
    read_channel(idl, node, view);

    /* Every network of the fleet: trunks carry them all. */
    const struct fleetrec_network *net;
    size_t n = 0;
    FLEETREC_NETWORK_FOR_EACH (net, idl) {
        n++;
    }
    struct xfa_net_spec *nets = xcalloc(n, sizeof *nets);
    FLEETREC_NETWORK_FOR_EACH (net, idl) {
        nets[view->spec.n_nets].name = xstrdup(net->name);
        nets[view->spec.n_nets++].vlan = net->vlan;
    }
    view->spec.nets = nets;

    /* This node's ends of links. */
    const struct fleetrec_link *link;
    n = 0;
    FLEETREC_LINK_FOR_EACH (link, idl) {
        n += (link->node1 == node) + (link->node2 == node);
    }
    struct xfa_trunk_spec *trunks = xcalloc(n, sizeof *trunks);
    FLEETREC_LINK_FOR_EACH (link, idl) {
        if (link->node1 == node) {
            read_trunk(idl, link, link->port1,
                       &trunks[view->spec.n_trunks++]);
        }
        if (link->node2 == node) {
            read_trunk(idl, link, link->port2,
                       &trunks[view->spec.n_trunks++]);
        }
    }
    view->spec.trunks = trunks;

    /* The routers placed here, and those held here while they leave.  A
     * fenced node runs none: not even those still placed here, which start
     * afresh once it is unfenced. */
    const struct fleetrec_router *r;
    n = 0;
    FLEETREC_ROUTER_FOR_EACH (r, idl) {
        n += (r->node == node || sset_contains(held, r->name)
              || sset_contains(kept, r->name));
    }
    struct xfa_router_spec *routers = xcalloc(n, sizeof *routers);
    FLEETREC_ROUTER_FOR_EACH (r, idl) {
        bool keep = (r->node != node && !sset_contains(held, r->name)
                     && sset_contains(kept, r->name));
        if (view->fenced
            || (r->node != node && !sset_contains(held, r->name)
                && !keep)) {
            continue;
        }
        struct xfa_want *want = xzalloc(sizeof *want);
        char *error = build_vm(r, cfg, view->bridge, &want->vm);
        want->running = !strcmp(r->state, "running");
        want->max_routes = limit(r, "routes");
        want->max_neighbors = limit(r, "neighbors");
        if (error) {
            /* Bad input loses nothing: the router stays as it last was
             * (its VM untouched, its keys from the last good row), and the
             * error says why it is not updated. */
            const struct xfa_want *good = shash_find_data(last_good,
                                                          r->name);
            svec_add(&view->errors, error);
            xfa_vm_destroy(&want->vm);
            free(want);
            if (good) {
                want = xfa_want_clone(good);
            } else {
                want = xzalloc(sizeof *want);
                want->vm.name = xstrdup(r->name);
            }
            free(want->error);
            want->error = error;
        }
        bool arriving = (r->node == node && !sset_contains(held, r->name)
                         && runs_elsewhere(idl, r->name, node));
        shash_add(arriving || keep ? &view->arriving : &view->wants,
                  r->name, want);
        for (size_t i = 0; arriving && i < want->vm.n_ifaces; i++) {
            const struct xfa_vm_iface *iface = &want->vm.ifaces[i];
            shash_add_nocopy(&view->arrival_ports,
                             xfa_vm_port_name(&want->vm, iface),
                             xasprintf(ETH_ADDR_FMT,
                                       ETH_ADDR_ARGS(iface->mac)));
        }

        if (want->vm.bridge) {
            struct xfa_router_spec *rs = &routers[view->spec.n_routers++];
            rs->vm = &want->vm;
            rs->max_routes = want->max_routes;
            rs->max_neighbors = want->max_neighbors;
        }
    }
    view->spec.routers = routers;
}

/* Frees 'view', except the wants that xfa_worker_set() took. */
void
xfa_fleet_view_destroy(struct xfa_fleet_view *view)
{
    for (size_t i = 0; i < view->spec.n_nets; i++) {
        free(CONST_CAST(char *, view->spec.nets[i].name));
    }
    free(CONST_CAST(struct xfa_net_spec *, view->spec.nets));
    for (size_t i = 0; i < view->spec.n_trunks; i++) {
        const struct xfa_trunk_spec *trunk = &view->spec.trunks[i];
        free(CONST_CAST(char *, trunk->port));
        free(CONST_CAST(char *, trunk->link));
        free(CONST_CAST(char *, trunk->encap));
        for (size_t j = 0; j < trunk->n_queues; j++) {
            free(CONST_CAST(char *, trunk->queues[j].network));
        }
        free(CONST_CAST(struct xfa_queue_spec *, trunk->queues));
    }
    free(CONST_CAST(struct xfa_trunk_spec *, view->spec.trunks));
    free(CONST_CAST(struct xfa_router_spec *, view->spec.routers));
    xfa_wants_clear(&view->wants);
    shash_destroy(&view->wants);
    xfa_wants_clear(&view->arriving);
    shash_destroy(&view->arriving);
    shash_destroy_free_data(&view->arrival_ports);
    svec_destroy(&view->errors);
    svec_destroy(&view->peers);
    smap_destroy(&view->channel);
    free(view->bridge);
    free(view->datapath_type);
}

/* Writes 'report' into Router_State row 'rs' ('is_new' if just inserted).
 * Its figures (status) and 'updated' only when they are due or the state
 * changed, so that a pass of the libvirt thread that changed nothing else
 * writes nothing. */
static void
write_router_state(const struct fleetrec_router_state *rs, bool is_new,
                   const struct xfa_report *report, bool migrating,
                   const struct xfa_fleet_report *fr, int64_t now)
{
    const struct xfa_dom_info *info = &report->info;
    const char *state = (migrating && !strcmp(report->state, "running")
                         ? "migrating" : report->state);
    int64_t weight = info->cpu_shares, cap = 0;
    if (info->vcpu_period > 0 && info->vcpu_quota > 0
        && info->vcpu_quota < 1LL << 40) {
        cap = info->vcpu_quota * 100 / info->vcpu_period;
    }
    bool has_weight = info->cpu_shares >= 0, has_cap = info->active;
    bool changed = (is_new || strcmp(rs->state, state)
                    || !nullable_string_is_equal(rs->error, report->error)
                    || rs->n_cpu_weight != has_weight
                    || (has_weight && *rs->cpu_weight != weight)
                    || rs->n_cpu_cap != has_cap
                    || (has_cap && *rs->cpu_cap != cap));

    fleetrec_router_state_set_state(rs, state);
    fleetrec_router_state_set_error(rs, report->error);
    fleetrec_router_state_set_cpu_weight(rs, &weight, has_weight);
    fleetrec_router_state_set_cpu_cap(rs, &cap, has_cap);
    if (changed || fr->figures_due) {
        fleetrec_router_state_set_updated(rs, &now, 1);
    }

    /* The figures too when the state changed: a router that starts shows
     * its size at once. */
    struct smap status;
    smap_clone(&status, &rs->status);
    smap_replace(&status, "libvirt-state", info->state);
    if (changed || fr->figures_due) {
        xfa_stats_router_figures(info, fr->switch_known,
                                 (fr->sw ? shash_find_data(fr->sw, rs->name)
                                  : NULL), &status);
    }
    fleetrec_router_state_set_status(rs, &status);
    smap_destroy(&status);
}

const struct fleetrec_router *
xfa_fleet_find_router(struct ovsdb_idl *idl, const char *name)
{
    const struct fleetrec_router *r;
    FLEETREC_ROUTER_FOR_EACH (r, idl) {
        if (!strcmp(r->name, name)) {
            return r;
        }
    }
    return NULL;
}

/* Writes this node's reported state in 'txn'. */
void
xfa_fleet_write(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
                const struct xfa_fleet_config *cfg,
                const struct xfa_fleet_report *report)
{
    const struct fleetrec_node *node = xfa_fleet_find_node(idl, cfg->node);
    int64_t now = time_wall_msec() / 1000;

    if (node) {
        struct ds errors = DS_EMPTY_INITIALIZER;
        if (report->libvirt_error) {
            ds_put_cstr(&errors, report->libvirt_error);
        }
        if (report->power_error) {
            ds_put_format(&errors, "%s%s", errors.length ? "; " : "",
                          report->power_error);
        }
        if (report->stats_error) {
            ds_put_format(&errors, "%s%s", errors.length ? "; " : "",
                          report->stats_error);
        }
        for (size_t i = 0; i < report->errors->n; i++) {
            ds_put_format(&errors, "%s%s", errors.length ? "; " : "",
                          report->errors->names[i]);
        }
        fleetrec_node_set_agent_state(node, (report->agent_state
                                             ? report->agent_state
                                             : report->libvirt_error
                                             ? "error" : "up"));
        fleetrec_node_set_agent_version(node, PACKAGE_VERSION);
        if (report->figures_due || !node->n_last_seen) {
            fleetrec_node_set_last_seen(node, &now, 1);
        }
        fleetrec_node_set_error(node, errors.length ? ds_cstr(&errors)
                                : NULL);
        ds_destroy(&errors);

        struct smap status;
        smap_clone(&status, &node->status);
        smap_replace(&status, "libvirt", report->libvirt_error
                     ? "disconnected" : "connected");
        smap_replace_nocopy(&status, "routers",
                            xasprintf("%"PRIuSIZE,
                                      shash_count(report->routers)));
        if (report->figures_due && report->node_figures) {
            struct smap_node *sn;
            if (report->switch_known) {
                /* The trunks' keys are replaced as a whole: a trunk that
                 * went, or a neighbour no longer known, leaves none. */
                SMAP_FOR_EACH_SAFE (sn, &status) {
                    if (!strncmp(sn->key, "trunk-", 6)) {
                        smap_remove_node(&status, sn);
                    }
                }
            }
            SMAP_FOR_EACH (sn, report->node_figures) {
                smap_replace(&status, sn->key, sn->value);
            }
        }
        if (report->fence_destroyed
            && !sset_is_empty(report->fence_destroyed)) {
            smap_replace_nocopy(&status, "fenced-destroyed",
                                sset_join(report->fence_destroyed, ",", ""));
        } else {
            smap_remove(&status, "fenced-destroyed");
        }
        fleetrec_node_set_status(node, &status);
        smap_destroy(&status);
    }

    if (!report->report_routers) {
        return;
    }
    struct shash done = SHASH_INITIALIZER(&done);
    const struct fleetrec_router_state *rs;
    FLEETREC_ROUTER_STATE_FOR_EACH_SAFE (rs, idl) {
        if (strcmp(rs->node, cfg->node)) {
            continue;
        }
        const struct xfa_report *r = shash_find_data(report->routers,
                                                     rs->name);
        if (!r || shash_find(&done, rs->name)) {
            fleetrec_router_state_delete(rs);
        } else {
            write_router_state(rs, false, r,
                               sset_contains(report->migrating, rs->name),
                               report, now);
            shash_add(&done, rs->name, NULL);
        }
    }
    struct shash_node *sn;
    SHASH_FOR_EACH (sn, report->routers) {
        if (!shash_find(&done, sn->name)) {
            rs = fleetrec_router_state_insert(txn);
            fleetrec_router_state_set_name(rs, sn->name);
            fleetrec_router_state_set_node(rs, cfg->node);
            fleetrec_router_state_set_router(
                rs, xfa_fleet_find_router(idl, sn->name));
            write_router_state(rs, true, sn->data,
                               sset_contains(report->migrating, sn->name),
                               report, now);
        }
    }
    shash_destroy(&done);
}

void
xfa_departure_destroy(struct xfa_departure *d)
{
    free(d->router);
    free(d->destination);
    free(d->peer);
    free(d->vm_dest);
}

void
xfa_departures_clear(struct shash *departures)
{
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, departures) {
        struct xfa_departure *d = node->data;
        xfa_departure_destroy(d);
        free(d);
        shash_delete(departures, node);
    }
}
