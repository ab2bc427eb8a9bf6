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

#include "xenflow/client/client-neighs.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "xenflow/client/client-table-private.h"

static uint32_t
neigh_hash(const char *dev, const struct in6_addr *ip)
{
    return hash_bytes(ip, sizeof *ip, hash_string(dev, 0));
}

static struct ct_neigh *
neigh_find(const struct ct_table *t, const char *dev,
           const struct in6_addr *ip)
{
    struct ct_neigh *neigh;

    HMAP_FOR_EACH_WITH_HASH (neigh, node, neigh_hash(dev, ip), &t->neighs) {
        if (!strcmp(neigh->dev, dev) && ipv6_addr_equals(&neigh->ip, ip)) {
            return neigh;
        }
    }
    return NULL;
}

static void
neigh_remove(struct ct_table *t, struct ct_neigh *neigh)
{
    if (neigh->present) {
        neigh->present = false;
        t->n_neighs--;
    }
    if (neigh->e.announced) {
        ct_entry_enqueue(t, &neigh->e);          /* Withdrawal. */
    } else {
        ct_neigh_free(t, neigh);
    }
}

void
ct_neigh_set(struct ct_table *t, const char *dev, const struct in6_addr *ip,
             const struct eth_addr *mac)
{
    struct ct_neigh *neigh = neigh_find(t, dev, ip);

    if (!neigh) {
        neigh = xzalloc(sizeof *neigh);
        neigh->e.type = CT_NEIGH;
        neigh->dev = ct_intern(t, dev);
        neigh->ip = *ip;
        hmap_insert(&t->neighs, &neigh->node, neigh_hash(dev, ip));
    }
    neigh->stale = false;
    if (!neigh->present || !eth_addr_equals(neigh->mac, *mac)) {
        if (!neigh->present) {
            neigh->present = true;
            t->n_neighs++;
        }
        neigh->mac = *mac;
        ct_entry_enqueue(t, &neigh->e);
    }
}

void
ct_neigh_unset(struct ct_table *t, const char *dev, const struct in6_addr *ip)
{
    struct ct_neigh *neigh = neigh_find(t, dev, ip);

    if (neigh && neigh->present) {
        neigh_remove(t, neigh);
    }
}

void
ct_neighs_mark(struct ct_table *t)
{
    struct ct_neigh *neigh;

    HMAP_FOR_EACH (neigh, node, &t->neighs) {
        neigh->stale = true;
    }
}

size_t
ct_neighs_sweep(struct ct_table *t)
{
    struct ct_neigh *neigh;
    size_t n = 0;

    HMAP_FOR_EACH_SAFE (neigh, node, &t->neighs) {
        if (neigh->present && neigh->stale) {
            neigh_remove(t, neigh);
            n++;
        }
    }
    return n;
}
