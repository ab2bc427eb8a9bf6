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

#include "xenflow/flowsync-actions.h"

#include <string.h>

#include "hash.h"
#include "openvswitch/ofp-actions.h"
#include "util.h"

void
xf_actions_table_init(struct xf_actions_table *t)
{
    hmap_init(&t->lists);
}

/* Frees every list, referenced or not: the flows that held them are gone
 * with their flowsync. */
void
xf_actions_table_destroy(struct xf_actions_table *t)
{
    struct xf_actions *a;

    HMAP_FOR_EACH_POP (a, node, &t->lists) {
        free(a);
    }
    hmap_destroy(&t->lists);
}

/* Returns the shared copy of the 'len' bytes of actions in 'ofpacts' with a
 * new reference, making it if there is none.  Actions compare byte for
 * byte, as ofpacts_equal() does: ofpbuf-built actions have zeroed
 * padding. */
struct xf_actions *
xf_actions_ref(struct xf_actions_table *t, const struct ofpact *ofpacts,
               size_t len)
{
    uint32_t hash = hash_bytes(ofpacts, len, len);
    struct xf_actions *a;

    HMAP_FOR_EACH_WITH_HASH (a, node, hash, &t->lists) {
        if (ofpacts_equal(a->ofpacts, a->len, ofpacts, len)) {
            a->n_refs++;
            return a;
        }
    }
    a = xmalloc(sizeof *a + len);
    a->n_refs = 1;
    a->len = len;
    a->ofpacts = (struct ofpact *) (a + 1);
    nullable_memcpy(a->ofpacts, ofpacts, len); /* A drop flow: NULL, 0. */
    hmap_insert(&t->lists, &a->node, hash);
    return a;
}

void
xf_actions_unref(struct xf_actions_table *t, struct xf_actions *a)
{
    if (a && !--a->n_refs) {
        hmap_remove(&t->lists, &a->node);
        free(a);
    }
}

size_t
xf_actions_count(const struct xf_actions_table *t)
{
    return hmap_count(&t->lists);
}
