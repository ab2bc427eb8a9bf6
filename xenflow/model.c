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

/* Functions that only read or free XenFlow's model (model.h). */

#include <config.h>

#include "xenflow/model.h"

#include <string.h>

#include "hash.h"
#include "packets.h"
#include "util.h"

const struct xf_iface *
xf_router_find_iface(const struct xf_router *r, const char *name)
{
    for (size_t i = 0; i < r->n_ifaces; i++) {
        if (!strcmp(r->ifaces[i].name, name)) {
            return &r->ifaces[i];
        }
    }
    return NULL;
}

/* Whether two interface lists (sorted by name) differ in anything route and
 * neighbour flows depend on.  Ports do not count: those flows name
 * interfaces by their 'id', and only the router's fixed flows, which
 * xf_pipeline_router() puts at every reconfiguration, use ports. */
bool
xf_ifaces_differ(const struct xf_iface *a, size_t n_a,
                 const struct xf_iface *b, size_t n_b)
{
    if (n_a != n_b) {
        return true;
    }
    for (size_t i = 0; i < n_a; i++) {
        if (strcmp(a[i].name, b[i].name)
            || !eth_addr_equals(a[i].mac, b[i].mac)
            || a[i].network_id != b[i].network_id
            || a[i].n_addrs != b[i].n_addrs) {
            return true;
        }
        for (size_t j = 0; j < a[i].n_addrs; j++) {
            if (!xf_prefix_equals(&a[i].addrs[j], &b[i].addrs[j])) {
                return true;
            }
        }
    }
    return false;
}

void
xf_ifaces_destroy(struct xf_iface *ifaces, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(ifaces[i].name);
        free(ifaces[i].network);
        free(ifaces[i].addrs);
    }
    free(ifaces);
}

void
xf_ports_destroy(struct xf_port *ports, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(ports[i].name);
    }
    free(ports);
}

struct xf_router_build *
xf_router_build_find(const struct hmap *builds, const char *name)
{
    struct xf_router_build *rb;

    HMAP_FOR_EACH_WITH_HASH (rb, node, hash_string(name, 0), builds) {
        if (!strcmp(rb->name, name)) {
            return rb;
        }
    }
    return NULL;
}

/* Frees 'rb' and whatever it still owns (a consumer takes a member by
 * setting it to NULL). */
void
xf_router_build_destroy(struct xf_router_build *rb)
{
    if (rb) {
        xf_ifaces_destroy(rb->ifaces, rb->n_ifaces);
        free(rb->limits.name);
        free(rb->limits.client_id);
        free(rb->bridge);
        free(rb->name);
        free(rb);
    }
}
