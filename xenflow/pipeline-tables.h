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

#ifndef XENFLOW_PIPELINE_TABLES_H
#define XENFLOW_PIPELINE_TABLES_H 1

/* The pipeline's registers, tables, priorities and cookie owners, shared by
 * pipeline*.c and the commands that read flow counters (layout in
 * xenflow/pipeline.h). */

/* Registers (NXM_NX_REGn) that carry a frame's context between tables. */
enum {
    XF_REG_NETWORK = 7,         /* reg7[0..23]: the frame's network id. */
    XF_REG_ENCAP = 8,           /* reg8: 1 + the trunk's enum xf_encap, in
                                 * tables 196 and 197 (0: not a trunk). */
    XF_REG_SVLAN = 9,           /* reg9[0..11]: an 802.1ad frame's S-VLAN,
                                 * in table 197. */
};

/* OpenFlow tables (see above). */
enum xf_table {
    XF_TABLE_CLASSIFY = 0,
    XF_TABLE_TRUNK = 196,
    XF_TABLE_TRUNK_INNER = 197,
    XF_TABLE_ADMIT = 198,
    XF_TABLE_INGRESS = 200,
    XF_TABLE_ROUTER = 201,
    XF_TABLE_ROUTE = 202,
    XF_TABLE_NEIGH = 203,
    XF_TABLE_L2 = 204,
    XF_TABLE_EGRESS = 205,
    XF_TABLE_NEXT_ROUTER = 206,
};

/* Flow priorities, by table. */
enum xf_priority {
    /* Every table's last resort. */
    XF_PRIO_MISS = 0,

    /* Table 0. */
    XF_PRIO_CLASSIFY_PROBE = 40210,    /* A link probe from a trunk. */
    XF_PRIO_CLASSIFY_TRUNK = 40200,    /* A trunk's tagged/labelled frame. */
    XF_PRIO_CLASSIFY_TRUNK_DROP = 40190, /* A tag on an mpls trunk: not the
                                          * same key as an 802.1q or
                                          * 802.1ad trunk's accept flow, so
                                          * that changing the encapsulation
                                          * replaces the flow and its
                                          * counters. */
    XF_PRIO_CLASSIFY_RESERVED = 40100, /* Reserved link-migration ARP, and
                                        * LLDP from other ports. */
    XF_PRIO_CLASSIFY_ACCEPT = 40010,   /* A network's frame. */
    XF_PRIO_CLASSIFY_DROP = 40000,     /* A foreign tag. */

    /* Tables 196 and 197. */
    XF_PRIO_DECAP = 100,        /* A network's tag or label. */
    XF_PRIO_UNKNOWN = 1,        /* Any other, per trunk. */

    /* Table 198 (and XF_PRIO_CLASSIFY_RESERVED, XF_PRIO_MISS). */
    XF_PRIO_ANNOUNCE = 40110,   /* Reserved ARP from a trusted trunk. */
    XF_PRIO_STILL_TAGGED = 40050, /* Tagged after decapsulation: a trunk's */
    XF_PRIO_STILL_TAGGED_VM = 40040, /* ...or a VM port's. */

    /* Tables 200 and 206: a router interface's MAC. */
    XF_PRIO_ROUTER_MAC = 100,

    /* Table 201. */
    XF_PRIO_OWN_ADDR = 300,     /* The router's own addresses, ARP. */
    XF_PRIO_SLOW_PATH = 290,    /* TTL <= 1, multicast, broadcast. */
    XF_PRIO_ROUTED = 100,       /* IP: on to the routes. */

    /* Table 202: plus the prefix length, so that the longest wins. */
    XF_PRIO_ROUTE_BASE = 1000,

    /* Table 203. */
    XF_PRIO_NEIGH = 100,

    /* Table 204 (learned by "learn" actions). */
    XF_PRIO_PINNED = 20,        /* Pinned by a link-migration announcement. */
    XF_PRIO_LEARNED = 10,       /* Learned from traffic. */

    /* Table 205. */
    XF_PRIO_CLASS_QUEUE = 110,  /* A class of a network's flows. */
    XF_PRIO_DELIVERY = 100,     /* A known destination port. */
    XF_PRIO_FLOOD = 50,         /* Unknown destination. */
};

/* Cookie owners of the link-migration announcement flows (above any
 * network id), whose packet counts xenflow/migrate/show reports, and of a
 * trunk's drops of unknown tags and labels (XF_OWNER_UNKNOWN_TAG + its
 * OpenFlow port), which xenflow/show reports. */
enum xf_announce_owner {
    XF_OWNER_ANNOUNCE_ACCEPTED = 0x1000000,
    XF_OWNER_ANNOUNCE_DROPPED = 0x1000001,
    XF_OWNER_PROBE = 0x1000002,         /* Link probes from trunks. */
    XF_OWNER_PROBE_DROPPED = 0x1000003, /* LLDP from other ports. */
    XF_OWNER_UNKNOWN_TAG = 0x2000000,
};

#endif /* xenflow/pipeline-tables.h */
