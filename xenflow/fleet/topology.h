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

#ifndef XENFLOW_FLEET_TOPOLOGY_H
#define XENFLOW_FLEET_TOPOLOGY_H 1

/* The fleet's declared links against what the nodes' link probes found
 * (xenflow-trunks(7), "LINK PROBES").  Each agent writes into its own Node
 * "status", per trunk PORT: "trunk-PORT-peer" (NODE:PORT of the far end
 * seen), "trunk-PORT-seen" ("yes", "no", "pending", "off") and
 * "trunk-PORT-rtt-us".  This reads those keys for a Link's two ends, and
 * lists the pairs of ends that probes found but no Link declares.  Used by
 * the agents' and the dashboard's fleet JSON and by xenflow-ctl show. */

#include <stddef.h>

struct ovsdb_idl;
struct fleetrec_link;

/* What the two ends of a declared Link report. */
struct xf_topo_link {
    int seen;                   /* 1: an end sees the other end within 3
                                 * probe intervals; 0: an end reports its
                                 * trunk not seen, or seeing another peer,
                                 * and none sees the other end; -1: no end
                                 * reports (probes off, pending, no
                                 * agent). */
    double latency_ms;          /* Mean round trip of the ends that see the
                                 * other end; -1 if none. */
    char *peer[2];              /* NODE:PORT that end 1 and 2 see when it
                                 * is not the declared other end, else
                                 * NULL. */
};

/* A pair of ends that probes found and no Link declares. */
struct xf_topo_edge {
    char *node1, *port1;        /* The end that reported it. */
    char *node2, *port2;        /* The peer it sees. */
    int seen;                   /* 1 or 0, as above. */
    double latency_ms;          /* -1 if unknown. */
};

void xf_topo_link_read(const struct fleetrec_link *, struct xf_topo_link *);
void xf_topo_link_destroy(struct xf_topo_link *);

size_t xf_topo_undeclared(struct ovsdb_idl *, struct xf_topo_edge **);
void xf_topo_edges_destroy(struct xf_topo_edge *, size_t n);

#endif /* xenflow/fleet/topology.h */
