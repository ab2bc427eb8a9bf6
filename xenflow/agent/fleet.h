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
#ifndef XENFLOW_AGENT_FLEET_H
#define XENFLOW_AGENT_FLEET_H 1

/* The agent's side of the fleet database (xenflow/fleet/fleet.ovsschema):
 * what it reads (its Node row, the Networks, the Links that end at it, the
 * Routers placed on it with their Templates and interfaces) turned into a
 * node spec (translate.h) and the router VMs it wants (virt-worker.h); and
 * what it writes back (its Node's agent_* columns, the Router_State rows
 * of its routers).  It writes no other row. */

#include <stdbool.h>
#include "openvswitch/compiler.h"
#include "openvswitch/shash.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"
#include "xenflow/agent/translate.h"
#include "xenflow/agent/vm.h"

struct ovsdb_idl;
struct ovsdb_idl_txn;
struct fleetrec_node;
struct fleetrec_router;

struct xfa_fleet_config {
    const char *node;           /* This node's name. */
    const char *bridge;         /* Default XenFlow bridge. */
    const char *state_dir;      /* Bootstrap directories go below it. */
    enum xfa_driver driver;     /* The libvirt URI's driver. */
};

/* This node's share of the fleet. */
struct xfa_fleet_view {
    bool found;                 /* A Node row names this node. */
    bool fenced;                /* The operator fenced it: no routers. */
    char *bridge;               /* Node options:bridge, or the default. */
    char *datapath_type;        /* Node options:datapath-type, or NULL. */
    struct xfa_node_spec spec;  /* Storage owned by the view. */
    struct svec peers;          /* The other nodes' names (spec.channel). */
    struct smap channel;        /* Storage of spec.channel's strings. */
    struct shash wants;         /* Router name -> struct xfa_want *. */
    struct shash arriving;      /* Router name -> struct xfa_want *: placed
                                 * here, still running on another node
                                 * (its VM comes with its migration), or
                                 * kept (xfa_fleet_read()): keys, no VM. */
    struct shash arrival_ports; /* Port name -> MAC string: the arriving
                                 * routers' ports, made ready. */
    struct svec errors;         /* Routers that cannot be built. */
};

/* A router running here that the fleet places on another node. */
struct xfa_departure {
    char *router;
    char *destination;          /* Node name. */
    char *peer;                 /* The destination's peer_address. */
    char *vm_dest;              /* Where the mover sends the VM. */
};

void xfa_departure_destroy(struct xfa_departure *);
void xfa_departures_clear(struct shash *);

const struct fleetrec_node *xfa_fleet_find_node(struct ovsdb_idl *,
                                                const char *name);
const struct fleetrec_router *xfa_fleet_find_router(struct ovsdb_idl *,
                                                    const char *name);

void xfa_fleet_read(struct ovsdb_idl *, const struct xfa_fleet_config *,
                    const struct shash *last_good, const struct sset *held,
                    const struct sset *kept, struct xfa_fleet_view *);
void xfa_fleet_last_reported(struct ovsdb_idl *,
                             const struct xfa_fleet_config *,
                             struct sset *names);
void xfa_fleet_departures(struct ovsdb_idl *, const struct xfa_fleet_config *,
                          const struct shash *reports,
                          struct shash *departures);
void xfa_fleet_view_destroy(struct xfa_fleet_view *);

struct xfa_fleet_report {
    const char *libvirt_error;  /* Connection error, or NULL. */
    const struct svec *errors;  /* Translation and build errors. */
    const struct shash *routers;        /* Name -> struct xfa_report *. */
    bool report_routers;        /* 'routers' is a complete pass. */
    const struct sset *migrating;       /* Routers leaving this node. */
    const char *agent_state;    /* Node.agent_state, NULL: up or error. */
    const struct sset *fence_destroyed; /* Router VMs destroyed here since
                                         * the node was fenced, or NULL. */
    const char *power_error;    /* The power-off command's failure. */

    /* Figures (fleet-stats.h), written only if 'figures_due'. */
    bool figures_due;
    const char *stats_error;            /* Bad stats-interval, or NULL. */
    const struct smap *node_figures;    /* Node status keys. */
    bool switch_known;                  /* 'sw' is fresh. */
    const struct shash *sw;     /* Router name -> struct xfa_sw_router *. */
};

void xfa_fleet_write(struct ovsdb_idl *, struct ovsdb_idl_txn *,
                     const struct xfa_fleet_config *,
                     const struct xfa_fleet_report *);

#endif /* xenflow/agent/fleet.h */
