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
#ifndef XENFLOW_AGENT_TRANSLATE_H
#define XENFLOW_AGENT_TRANSLATE_H 1

/* The fleet's desired state for one node, turned into the local
 * configuration XenFlow already reads (Documentation/xenflow.7): keys of
 * the node's XenFlow bridge, of its trunks' interfaces and of its router
 * VMs' ports.  Pure: the input is plain values (fleet.c reads them from the
 * fleet database), the output is key-value maps (local.c writes them into
 * the Open_vSwitch database), and every key is checked with the parser
 * ovs-vswitchd itself uses (xenflow/conf.c), so that what the agent writes
 * is what XenFlow applies.  A router with a bad value is left out as a
 * whole and reported; the rest goes on. */

#include <stdbool.h>
#include "openvswitch/compiler.h"
#include "openvswitch/shash.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"

struct ds;
struct xfa_vm;

struct xfa_net_spec {
    const char *name;
    long long vlan;
};

/* A network's contract on a link (Network contracts, ceilings): a Queue
 * of the QoS on this node's end of the link. */
struct xfa_queue_spec {
    const char *network;
    long long vlan;             /* The queue's id. */
    long long min_rate;         /* Bit/s. */
    long long max_rate;         /* Bit/s, -1 if none. */
};

struct xfa_trunk_spec {
    const char *port;           /* This node's end of a Link. */
    bool trusted;
    long long max_rate;         /* Link options:max-rate, bit/s, -1: none. */
    const char *link;           /* The Link's name, for messages. */
    const char *encap;          /* Link options:encap, NULL: 802.1q. */
    const struct xfa_queue_spec *queues;
    size_t n_queues;
};

/* The QoS the agent wants on a trunk's port: type linux-htb. */
struct xfa_qos {
    struct smap config;         /* QoS other_config. */
    size_t n_queues;
    unsigned int *ids;          /* Queue ids (the networks' VLANs). */
    struct smap *queues;        /* Queue other_config, one per id. */
};

struct xfa_router_spec {
    const struct xfa_vm *vm;    /* Name and interfaces. */
    long long max_routes;       /* -1: XenFlow's default. */
    long long max_neighbors;    /* -1: XenFlow's default. */
};

/* The node's channels: the Open_vSwitch table's keys for XenFlow's
 * client listener and node channel (Documentation/xenflow.7). */
struct xfa_channel_spec {
    const char *node;           /* This node's name. */
    const char *peer_address;   /* Node peer_address, "" if none. */
    const char *peer_listen;    /* Node options:peer-listen, or NULL. */
    const char *client_listen;  /* Node options:client-listen, or NULL. */
    const char *mover;          /* Node options:mover, or NULL. */
    const char *const *peers;   /* The other nodes' names. */
    size_t n_peers;
};

struct xfa_node_spec {
    const char *bridge;
    struct xfa_channel_spec channel;
    const struct xfa_net_spec *nets;
    size_t n_nets;
    const struct xfa_trunk_spec *trunks;
    size_t n_trunks;
    const struct xfa_router_spec *routers;
    size_t n_routers;
};

struct xfa_local {
    struct smap ovs;            /* Open_vSwitch other_config. */
    struct sset ovs_keep;       /* Open_vSwitch keys whose wanted value is
                                 * invalid: their current one stays. */
    struct smap bridge;         /* Bridge other_config. */
    struct shash trunks;        /* Interface name -> struct smap *. */
    struct shash vm_ports;      /* Router MAC "xx:xx:..." -> struct smap *
                                 * (libvirt names the port; the agent finds
                                 * it by external_ids:attached-mac). */
    struct shash qos;           /* Trunk port name -> struct xfa_qos *. */
    struct svec errors;         /* Routers, networks, links left out. */
};

void xfa_translate(const struct xfa_node_spec *, struct xfa_local *);
void xfa_local_destroy(struct xfa_local *);
void xfa_local_format(const struct xfa_local *, struct ds *);

#endif /* xenflow/agent/translate.h */
