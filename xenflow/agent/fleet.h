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
#include "svec.h"
#include "xenflow/agent/translate.h"
#include "xenflow/agent/vm.h"

struct ovsdb_idl;
struct ovsdb_idl_txn;

struct xfa_fleet_config {
    const char *node;           /* This node's name. */
    const char *bridge;         /* Default XenFlow bridge. */
    const char *state_dir;      /* Bootstrap directories go below it. */
    enum xfa_driver driver;     /* The libvirt URI's driver. */
};

/* This node's share of the fleet. */
struct xfa_fleet_view {
    bool found;                 /* A Node row names this node. */
    char *bridge;               /* Node options:bridge, or the default. */
    char *datapath_type;        /* Node options:datapath-type, or NULL. */
    struct xfa_node_spec spec;  /* Storage owned by the view. */
    struct shash wants;         /* Router name -> struct xfa_want *. */
    struct svec errors;         /* Routers that cannot be built. */
};

void xfa_fleet_read(struct ovsdb_idl *, const struct xfa_fleet_config *,
                    const struct shash *last_good, struct xfa_fleet_view *);
void xfa_fleet_view_destroy(struct xfa_fleet_view *);

struct xfa_fleet_report {
    const char *libvirt_error;  /* Connection error, or NULL. */
    const struct svec *errors;  /* Translation and build errors. */
    const struct shash *routers;        /* Name -> struct xfa_report *. */
    bool report_routers;        /* 'routers' is a complete pass. */
};

void xfa_fleet_write(struct ovsdb_idl *, struct ovsdb_idl_txn *,
                     const struct xfa_fleet_config *,
                     const struct xfa_fleet_report *);

#endif /* xenflow/agent/fleet.h */
