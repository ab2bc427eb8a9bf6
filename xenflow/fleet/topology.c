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


#include <config.h>

#include "xenflow/fleet/topology.h"

#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "smap.h"
#include "util.h"
#include "xenflow/fleet/fleet-idl.h"

/* Node 'node''s report of its trunk 'port': the "trunk-PORT-SUFFIX" key of
 * its status, or NULL. */
static const char *
trunk_key(const struct fleetrec_node *node, const char *port,
          const char *suffix)
{
    char *key = xasprintf("trunk-%s-%s", port, suffix);
    const char *value = smap_get(&node->status, key);
    free(key);
    return value;
}

/* A round-trip time in ms from "trunk-PORT-rtt-us", or -1. */
static double
trunk_rtt_ms(const struct fleetrec_node *node, const char *port)
{
    const char *s = trunk_key(node, port, "rtt-us");
    char *end;

    if (!s) {
        return -1;
    }
    long long int us = strtoll(s, &end, 10);
    return *s && !*end && us >= 0 ? us / 1000.0 : -1;
}

void
xf_topo_link_read(const struct fleetrec_link *link, struct xf_topo_link *t)
{
    const struct fleetrec_node *nodes[2] = { link->node1, link->node2 };
    const char *ports[2] = { link->port1, link->port2 };
    double sum = 0;
    int n_rtt = 0;
    bool ok = false, bad = false;

    memset(t, 0, sizeof *t);
    for (int i = 0; i < 2; i++) {
        const char *peer = trunk_key(nodes[i], ports[i], "peer");
        const char *seen = trunk_key(nodes[i], ports[i], "seen");
        char *expected = xasprintf("%s:%s", nodes[!i]->name, ports[!i]);
        bool same = peer && !strcmp(peer, expected);

        if (peer && !same) {
            t->peer[i] = xstrdup(peer);
        }
        if (seen && !strcmp(seen, "yes") && same) {
            double rtt = trunk_rtt_ms(nodes[i], ports[i]);
            ok = true;
            if (rtt >= 0) {
                sum += rtt;
                n_rtt++;
            }
        } else if (seen && (!strcmp(seen, "no") || !strcmp(seen, "yes"))) {
            bad = true;         /* Not seen, or seeing another peer. */
        }
        free(expected);
    }
    t->seen = ok ? 1 : bad ? 0 : -1;
    t->latency_ms = n_rtt ? sum / n_rtt : -1;
}

void
xf_topo_link_destroy(struct xf_topo_link *t)
{
    if (t) {
        free(t->peer[0]);
        free(t->peer[1]);
    }
}

/* Whether a Link joins 'node1':'port1' and the end "NODE:PORT" 'peer'. */
static bool
is_declared(struct ovsdb_idl *idl, const char *node1, const char *port1,
            const char *peer)
{
    const struct fleetrec_link *link;

    FLEETREC_LINK_FOR_EACH (link, idl) {
        for (int i = 0; i < 2; i++) {
            const struct fleetrec_node *a = i ? link->node2 : link->node1;
            const struct fleetrec_node *b = i ? link->node1 : link->node2;
            const char *pa = i ? link->port2 : link->port1;
            const char *pb = i ? link->port1 : link->port2;
            if (!strcmp(a->name, node1) && !strcmp(pa, port1)) {
                char *other = xasprintf("%s:%s", b->name, pb);
                bool same = !strcmp(other, peer);
                free(other);
                if (same) {
                    return true;
                }
            }
        }
    }
    return false;
}

static int
compare_edges(const void *a_, const void *b_)
{
    const struct xf_topo_edge *a = a_, *b = b_;
    int c = strcmp(a->node1, b->node1);
    return c ? c : strcmp(a->port1, b->port1);
}

/* Sets '*edges' to the pairs of ends that some node's status reports
 * (trunk-PORT-peer) and no Link declares, each pair once (from the end
 * whose name sorts first, if both report it), sorted; returns how many. */
size_t
xf_topo_undeclared(struct ovsdb_idl *idl, struct xf_topo_edge **edgesp)
{
    struct xf_topo_edge *edges = NULL;
    size_t n = 0, allocated = 0;
    const struct fleetrec_node *node;

    FLEETREC_NODE_FOR_EACH (node, idl) {
        const struct smap_node *sn;
        SMAP_FOR_EACH (sn, &node->status) {
            size_t len = strlen(sn->key);
            if (len <= 11 || strncmp(sn->key, "trunk-", 6)
                || strcmp(sn->key + len - 5, "-peer")) {
                continue;
            }
            const char *colon = strrchr(sn->value, ':');
            if (!colon || colon == sn->value || !colon[1]) {
                continue;
            }
            char *port = xmemdup0(sn->key + 6, len - 11);
            if (is_declared(idl, node->name, port, sn->value)) {
                free(port);
                continue;
            }
            char *pnode = xmemdup0(sn->value, colon - sn->value);
            const char *pport = colon + 1;
            bool dup = false;
            for (size_t i = 0; i < n && !dup; i++) {
                dup = (!strcmp(edges[i].node1, pnode)
                       && !strcmp(edges[i].port1, pport)
                       && !strcmp(edges[i].node2, node->name)
                       && !strcmp(edges[i].port2, port));
            }
            if (dup) {
                free(pnode);
                free(port);
                continue;
            }
            if (n >= allocated) {
                edges = x2nrealloc(edges, &allocated, sizeof *edges);
            }
            struct xf_topo_edge *e = &edges[n++];
            const char *seen = trunk_key(node, port, "seen");
            e->node1 = xstrdup(node->name);
            e->node2 = pnode;
            e->port2 = xstrdup(pport);
            e->seen = seen && !strcmp(seen, "yes");
            e->latency_ms = trunk_rtt_ms(node, port);
            e->port1 = port;
        }
    }
    if (n) {
        qsort(edges, n, sizeof *edges, compare_edges);
    }
    *edgesp = edges;
    return n;
}

void
xf_topo_edges_destroy(struct xf_topo_edge *edges, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(edges[i].node1);
        free(edges[i].port1);
        free(edges[i].node2);
        free(edges[i].port2);
    }
    free(edges);
}
