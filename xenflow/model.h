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

#ifndef XENFLOW_MODEL_H
#define XENFLOW_MODEL_H 1

/* XenFlow's model of one bridge: virtual networks, trunks and virtual
 * routers, as configured in OVSDB, with the ports resolved to OpenFlow port
 * numbers.  bridges.c builds the bridges (and what each snapshot says of
 * the routers, struct xf_router_build), routers.c keeps the routers,
 * pipeline.c turns both into flows.  model.c has the few functions that
 * only read or free these structures. */

#include <stdbool.h>
#include <stdint.h>

#include "openvswitch/hmap.h"
#include "openvswitch/types.h"
#include "simap.h"
#include "xenflow/addr.h"
#include "xenflow/conf.h"
#include "xenflow/rib.h"

struct sset;
struct xf_flowsync;

/* A port of the bridge that XenFlow uses. */
struct xf_port {
    char *name;                 /* Interface name. */
    ofp_port_t ofport;          /* OFPP_NONE if not (yet) in the datapath. */
    enum xf_encap encap;        /* A trunk's encapsulation. */
    uint32_t hold_router;       /* A VM port: nonzero while the control
                                 * traffic of the router with this id is
                                 * held (xenflow/ctlhold.c), so that frames
                                 * flooded to the port go to the hold
                                 * queue instead. */
};

/* A virtual network on one bridge. */
struct xf_network {
    struct hmap_node node;      /* In xf_bridge's 'networks', by name. */
    char *name;
    uint32_t id;                /* Its id: reg7 inside the switch, and what
                                 * trunks carry (xenflow/encap.h). */
    struct xf_port *vm_ports;   /* Its VM ports (router interfaces too). */
    size_t n_vm_ports;
};

/* One interface of a virtual router: a VM port in a network. */
struct xf_iface {
    char *name;                 /* OVS interface name. */
    ofp_port_t ofport;
    uint32_t id;                /* Its router's number for it, kept while
                                 * the router lives: route and neighbour
                                 * flows select the egress interface by
                                 * this, not by its port, so that a port
                                 * coming or going (a VM re-plugged on
                                 * migration) rewrites none of them. */
    struct eth_addr mac;        /* The VM interface's MAC. */
    char *network;
    uint32_t network_id;        /* The network's id. */
    struct xf_prefix *addrs;    /* The router's addresses on it. */
    size_t n_addrs;
};

/* An ECMP select group of a router, shared by its routes with the same set
 * of next hops. */
struct xf_ecmp_group {
    struct hmap_node node;      /* In xf_router's 'groups', by next hops. */
    struct hmap_node id_node;   /* In xf_router's 'groups_by_id', by 'id'. */
    struct xf_nexthop *nexthops; /* Sorted, 'dev's interned in the RIB. */
    size_t n_nexthops;
    uint32_t id;                /* OpenFlow group id. */
    size_t n_refs;              /* Routes using it. */
};

/* A virtual router. */
struct xf_router {
    struct hmap_node node;      /* In the global 'xf_routers', by name. */
    char *name;
    uint32_t id;                /* OpenFlow metadata value; never 0. */
    char *bridge;               /* Bridge it lives on. */
    struct xf_router_conf limits;
    struct xf_iface *ifaces;
    size_t n_ifaces;
    struct simap iface_ids;     /* Interface name -> xf_iface's 'id'. */
    struct xf_rib rib;
    struct hmap groups;         /* Contains "struct xf_ecmp_group"s. */
    struct hmap groups_by_id;   /* The same, by OpenFlow group id. */
    size_t n_routes_offloaded;  /* Routes and neighbours within the limits, */
    size_t n_neighs_offloaded;  /* whose flows are in the switch. */
    unsigned long long n_route_updates;  /* Route changes applied. */
    unsigned long long n_neigh_updates;  /* Neighbour changes applied. */
    unsigned long long n_rejected;       /* Bad commands/entries refused. */
    bool held;                  /* A migration out of this node, or into
                                 * it, is under way
                                 * (xf_router_set_held()). */
    bool unconfigured;          /* Its interfaces left the configuration
                                 * while held. */
    bool ctl_hold;              /* Its slow path goes to XenFlow's hold
                                 * queue, not its VM (xenflow/ctlhold.c). */
};

/* A bridge with XenFlow enabled. */
struct xf_bridge {
    struct hmap_node node;      /* In 'xf_bridges', by name. */
    char *name;
    char *datapath_type;
    bool main_thread_polls;     /* Some port polled by the main thread. */
    struct hmap networks;       /* Contains "struct xf_network"s. */
    struct xf_port *trunks;
    size_t n_trunks;
    struct xf_port *trusted;    /* Trunks to other XenFlow nodes. */
    size_t n_trusted;
    struct xf_flowsync *flows;

    /* The model whose network flows 'flows' holds, from the snapshot
     * before, until xf_bridges_put_flows() has put the networks that
     * differ from it (NULL: a bridge new to XenFlow, all are put). */
    struct xf_bridge *prev;
    uint64_t qos_seq;           /* xf_qos_selections_seq() at that put. */
};

/* A router's interfaces and limits as found in one database snapshot
 * (bridges.c), before routers.c applies them to the router. */
struct xf_router_build {
    struct hmap_node node;      /* In a local hmap, by name. */
    char *name;
    char *bridge;
    struct xf_iface *ifaces;
    size_t n_ifaces, allocated_ifaces;
    struct xf_router_conf limits;
};

const struct xf_iface *xf_router_find_iface(const struct xf_router *,
                                            const char *name);
bool xf_ifaces_differ(const struct xf_iface *, size_t,
                      const struct xf_iface *, size_t);
void xf_ifaces_destroy(struct xf_iface *, size_t n);
void xf_ports_destroy(struct xf_port *, size_t n);
struct xf_router_build *xf_router_build_find(const struct hmap *builds,
                                             const char *name);
void xf_router_build_destroy(struct xf_router_build *);

#endif /* xenflow/model.h */
