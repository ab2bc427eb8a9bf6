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

#ifndef XENFLOW_CONF_H
#define XENFLOW_CONF_H 1

/* Parsing and validation of XenFlow's OVSDB keys.
 *
 * XenFlow keeps its persistent configuration in other_config:xenflow-* keys
 * of the standard Open vSwitch schema, so the schema is never forked.  This
 * module is pure logic (no database, no ofproto): it turns a key/value map
 * into a typed configuration plus a list of human-readable problems, which
 * makes it unit-testable.  Bad values never abort: the offending key is
 * ignored (as if absent) and a message explains why. */

#include <stdbool.h>
#include <stdint.h>

#include "openvswitch/shash.h"
#include "openvswitch/types.h"
#include "sset.h"
#include "xenflow/addr.h"
#include "xenflow/encap.h"

struct ds;
struct smap;
struct svec;

/* Prefix shared by every XenFlow key. */
#define XF_KEY_PREFIX "xenflow-"

/* Bridge other_config keys. */
#define XF_KEY_ENABLE "xenflow-enable"          /* true|false. */
#define XF_KEY_NETWORK "xenflow-network-"       /* xenflow-network-NAME=ID */
#define XF_KEY_ROUTER "xenflow-router-"         /* xenflow-router-NAME=LIMITS */

/* Interface other_config keys. */
#define XF_IFACE_NETWORK "xenflow-network"      /* Network of a VM port. */
#define XF_IFACE_TRUNK "xenflow-trunk"          /* true: trunk port. */
#define XF_IFACE_ROUTER "xenflow-router"        /* Router of a VM port. */
#define XF_IFACE_MAC "xenflow-mac"              /* Router interface MAC. */
#define XF_IFACE_ADDRESSES "xenflow-addresses"  /* Router iface addresses. */
#define XF_IFACE_TRUSTED "xenflow-trusted"      /* true: link to a XenFlow
                                                 * node (migration ARP). */
#define XF_IFACE_ENCAP "xenflow-encap"          /* A trunk's encapsulation:
                                                 * 802.1q|802.1ad|mpls. */

/* Open_vSwitch other_config keys: the xenflow-client channel. */
#define XF_KEY_LISTEN "xenflow-listen"          /* Passive remotes. */
#define XF_KEY_CLIENT_GRACE "xenflow-client-grace"      /* Seconds. */
#define XF_KEY_CLIENT_MAX_MESSAGE "xenflow-client-max-message" /* Bytes. */
#define XF_KEY_CLIENT_RATE "xenflow-client-rate"        /* Requests/s. */
#define XF_KEY_CLIENT_PROBE "xenflow-client-probe"      /* Milliseconds. */

/* Open_vSwitch other_config key: the percentage of the main thread that
 * bulk work may take (xenflow/pace.h). */
#define XF_KEY_BULK_SHARE "xenflow-bulk-share"
/* ...and that setting saved router tables again after a restart may take,
 * until they and their flows are in (xenflow/route-state.h). */
#define XF_KEY_RESTORE_SHARE "xenflow-restore-share"
#define XF_RESTORE_DEFAULT_SHARE 100

/* Open_vSwitch other_config keys: migration between XenFlow nodes. */
#define XF_KEY_PEER_LISTEN "xenflow-peer-listen"        /* Passive remotes. */
#define XF_KEY_PEERS "xenflow-peers"                    /* Node identities. */
#define XF_KEY_MOVER "xenflow-mover"                    /* TYPE:ARGUMENT. */
#define XF_KEY_MIGRATE_DRAIN "xenflow-migrate-drain"    /* Milliseconds. */
#define XF_KEY_MIGRATE_TIMEOUT "xenflow-migrate-timeout" /* Seconds. */

/* Open_vSwitch other_config keys: a migrating router's control traffic
 * held while its VM is paused (xenflow/ctlhold.c), per router. */
#define XF_KEY_HOLD_PACKETS "xenflow-hold-packets"      /* Frames. */
#define XF_KEY_HOLD_BYTES "xenflow-hold-bytes"          /* Bytes. */
#define XF_KEY_HOLD_MS "xenflow-hold-ms"                /* Milliseconds. */

/* Open_vSwitch other_config keys: link probes on trunks (xenflow/probe.h). */
#define XF_KEY_NODE "xenflow-node"                      /* This node's name. */
#define XF_KEY_PROBE_INTERVAL "xenflow-probe-interval"  /* Milliseconds. */

/* Defaults for a router's limits. */
/* QoS (see xenflow/qos.c).  On a Queue row: */
#define XF_QUEUE_NETWORK "xenflow-network"      /* Network it carries. */
#define XF_QUEUE_CLASS "xenflow-class"          /* Flows of that network. */
/* On a QoS row: */
#define XF_QOS_REDISTRIBUTE "xenflow-redistribute"      /* true|false. */
/* On the Open_vSwitch row: */
#define XF_KEY_QOS_INTERVAL "xenflow-qos-interval"      /* t_med, ms. */
#define XF_KEY_QOS_SAMPLES "xenflow-qos-samples"        /* k_med. */

#define XF_DEFAULT_MAX_ROUTES 2000000
#define XF_DEFAULT_MAX_NEIGHBORS 65536
#define XF_DEFAULT_MAX_FLOWS 4000000

/* A virtual network: other_config:xenflow-network-NAME=ID on a Bridge. */
struct xf_network_conf {
    char *name;
    uint32_t id;                /* 1...XF_NETWORK_ID_MAX (xenflow/encap.h). */
};

/* A virtual router's limits: other_config:xenflow-router-NAME on a Bridge,
 * e.g. "max-routes=1000,max-neighbors=100,max-flows=2000".  A router also
 * exists, with default limits, as soon as an interface names it. */
struct xf_router_conf {
    char *name;
    unsigned int max_routes;
    unsigned int max_neighbors;
    unsigned int max_flows;
    char *client_id;            /* xenflow-client identity (certificate CN)
                                 * allowed to program it; NULL: 'name'. */
};

/* XenFlow configuration of one bridge. */
struct xf_bridge_conf {
    bool enabled;               /* other_config:xenflow-enable=true. */
    struct shash networks;      /* Name -> struct xf_network_conf. */
    struct shash routers;       /* Name -> struct xf_router_conf. */
};

/* XenFlow configuration of one Interface. */
struct xf_iface_conf {
    char *network;              /* VM port of this network, or NULL. */
    bool trunk;                 /* Trunk carrying every network, tagged. */
    char *router;               /* Router interface of this router, or NULL. */
    struct eth_addr mac;        /* Router interface MAC. */
    struct xf_prefix *addrs;    /* Router interface addresses. */
    size_t n_addrs;
    bool trusted;               /* Trunk to another XenFlow node. */
    enum xf_encap encap;        /* A trunk's encapsulation. */
};

void xf_bridge_conf_parse(const char *br_name, const struct smap *other_config,
                          struct xf_bridge_conf *, struct svec *errors);
void xf_bridge_conf_destroy(struct xf_bridge_conf *);
struct xf_router_conf *xf_router_conf_default(const char *name);

bool xf_iface_conf_parse(const char *br_name, const char *iface_name,
                         const struct smap *other_config,
                         struct xf_iface_conf *, struct svec *errors);
void xf_iface_conf_destroy(struct xf_iface_conf *);

/* The client channel's configuration. */
struct xf_server_conf {
    struct sset listen;         /* "pssl:...", "ptcp:..." or "punix:...". */
    unsigned int grace;         /* Seconds. */
    unsigned int max_message;   /* Bytes. */
    unsigned int rate;          /* Requests per second per session. */
    unsigned int probe;         /* Milliseconds. */
};

void xf_server_conf_parse(const struct smap *ovs_other_config,
                          struct xf_server_conf *, struct svec *errors);
void xf_server_conf_destroy(struct xf_server_conf *);

/* Intra-network QoS: a class of a network's flows, which gets its own
 * queue.  Zero fields match anything. */
struct xf_qos_class {
    bool has_dscp;
    uint8_t dscp;               /* 0...63. */
    uint8_t proto;              /* IP protocol; 0: any. */
    uint16_t tp_src;            /* TCP/UDP/SCTP source port; 0: any. */
    uint16_t tp_dst;            /* TCP/UDP/SCTP destination port; 0: any. */
};

char *xf_qos_class_parse(const char *, struct xf_qos_class *)
    OVS_WARN_UNUSED_RESULT;
bool xf_qos_class_format_match(const struct xf_qos_class *, bool ipv6,
                               struct ds *);
void xf_qos_class_format(const struct xf_qos_class *, struct ds *);

/* A Queue row as XenFlow sees it. */
struct xf_queue_conf {
    char *network;              /* Network whose queue it is, or NULL. */
    bool has_class;             /* Only 'class' of that network's flows. */
    struct xf_qos_class class;
    unsigned long long min_rate;        /* other_config:min-rate, bit/s. */
    unsigned long long max_rate;        /* other_config:max-rate; 0: none. */
};

bool xf_queue_conf_parse(const char *port_name, unsigned int queue_id,
                         const struct smap *other_config,
                         struct xf_queue_conf *, struct svec *errors);
void xf_queue_conf_destroy(struct xf_queue_conf *);
bool xf_qos_conf_redistribute(const char *port_name,
                              const struct smap *qos_other_config,
                              struct svec *errors);

/* The redistributor's timing: other_config of the Open_vSwitch table. */
struct xf_qos_timing {
    unsigned int interval;      /* t_med, milliseconds. */
    unsigned int samples;       /* k_med. */
};

void xf_qos_timing_parse(const struct smap *ovs_other_config,
                         struct xf_qos_timing *, struct svec *errors);

/* Migration between XenFlow nodes (migrate.c). */
struct xf_migrate_conf {
    struct sset listen;         /* "pssl:..." or "punix:..." for peers. */
    struct sset peers;          /* Certificate names of XenFlow nodes. */
    char *mover;                /* "exec:..." or "libvirt:...", or NULL. */
    unsigned int drain;         /* Milliseconds. */
    unsigned int timeout;       /* Seconds. */
};

void xf_migrate_conf_parse(const struct smap *ovs_other_config,
                           struct xf_migrate_conf *, struct svec *errors);
void xf_migrate_conf_destroy(struct xf_migrate_conf *);

/* other_config:xenflow-bulk-share of the Open_vSwitch table: 1 to 100,
 * 'dflt' if absent or bad (reported in 'errors'). */
unsigned int xf_bulk_share_parse(const struct smap *ovs_other_config,
                                 unsigned int dflt, struct svec *errors);
/* other_config:xenflow-restore-share likewise, default
 * XF_RESTORE_DEFAULT_SHARE. */
unsigned int xf_restore_share_parse(const struct smap *ovs_other_config,
                                    struct svec *errors);

bool xf_parse_bool(const char *s, bool *value);
bool xf_conf_is_known_key(const char *key, const char *const *keys,
                          size_t n_keys);
bool xf_conf_name_is_valid(const char *name);

/* other_config 'key' of the Open_vSwitch table: an integer from 'min' to
 * 'max'; 'dflt' if absent or bad (reported in 'errors'). */
unsigned int xf_get_uint_key(const struct smap *ovs_other_config,
                             const char *key, unsigned int min,
                             unsigned int max, unsigned int dflt,
                             struct svec *errors);

#endif /* xenflow/conf.h */
