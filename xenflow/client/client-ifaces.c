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

#include "xenflow/client/client-ifaces.h"

#include <stdlib.h>

#include "openvswitch/dynamic-string.h"
#include "xenflow/client/client-table-private.h"

void
ct_ifaces_begin(struct ct_table *t)
{
    ct_ifaces_clear(&t->new_ifaces);
}

void
ct_iface_add(struct ct_table *t, const char *name, const struct eth_addr *mac)
{
    struct ct_iface *iface = shash_find_data(&t->new_ifaces, name);

    if (!iface) {
        iface = xzalloc(sizeof *iface);
        iface->name = xstrdup(name);
        sset_init(&iface->addrs);
        shash_add(&t->new_ifaces, name, iface);
    }
    iface->mac = *mac;
}

/* Adds 'addr'/'plen' to interface 'name', which must have been added with
 * ct_iface_add() since ct_ifaces_begin() (otherwise the address is
 * ignored). */
void
ct_iface_add_addr(struct ct_table *t, const char *name,
                  const struct in6_addr *addr, int plen)
{
    struct ct_iface *iface = shash_find_data(&t->new_ifaces, name);

    if (iface) {
        struct ds s = DS_EMPTY_INITIALIZER;
        xf_addr_format(addr, &s);
        ds_put_format(&s, "/%d", plen);
        sset_add_and_free(&iface->addrs, ds_steal_cstr(&s));
    }
}

static bool
ifaces_equal(const struct shash *a, const struct shash *b)
{
    struct shash_node *node;

    if (shash_count(a) != shash_count(b)) {
        return false;
    }
    SHASH_FOR_EACH (node, a) {
        const struct ct_iface *x = node->data;
        const struct ct_iface *y = shash_find_data(b, node->name);
        if (!y || !eth_addr_equals(x->mac, y->mac)
            || !sset_equals(&x->addrs, &y->addrs)) {
            return false;
        }
    }
    return true;
}

bool
ct_ifaces_commit(struct ct_table *t)
{
    if (ifaces_equal(&t->ifaces, &t->new_ifaces)) {
        ct_ifaces_clear(&t->new_ifaces);
        return false;
    }
    ct_ifaces_clear(&t->ifaces);
    shash_swap(&t->ifaces, &t->new_ifaces);
    t->ifaces_seqno++;
    return true;
}

uint64_t
ct_ifaces_seqno(const struct ct_table *t)
{
    return t->ifaces_seqno;
}

