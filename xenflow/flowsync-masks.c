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

#include "xenflow/flowsync-masks.h"

#include <string.h>

#include "flow.h"
#include "hash.h"
#include "util.h"

void
xf_masks_init(struct xf_masks *t)
{
    hmap_init(&t->masks);
}

/* Frees every mask, referenced or not: the flows that held them are gone
 * with their flowsync. */
void
xf_masks_destroy(struct xf_masks *t)
{
    struct xf_mask *m;

    HMAP_FOR_EACH_POP (m, node, &t->masks) {
        free(m);
    }
    hmap_destroy(&t->masks);
}

/* The bytes of 'mask': its map and its values, what minimask_equal()
 * compares. */
static size_t
mask_size(const struct minimask *mask)
{
    return (sizeof(struct miniflow)
            + MINIFLOW_VALUES_SIZE(miniflow_n_values(&mask->masks)));
}

static struct xf_mask *
mask_find(const struct xf_masks *t, const struct minimask *mask,
          uint32_t hash)
{
    struct xf_mask *m;

    HMAP_FOR_EACH_WITH_HASH (m, node, hash, &t->masks) {
        if (minimask_equal(m->mask, mask)) {
            return m;
        }
    }
    return NULL;
}

/* Returns the shared copy of 'mask' with a new reference, making it if
 * there is none. */
const struct minimask *
xf_masks_ref(struct xf_masks *t, const struct minimask *mask)
{
    size_t size = mask_size(mask);
    uint32_t hash = hash_bytes(mask, size, 0);
    struct xf_mask *m = mask_find(t, mask, hash);

    if (!m) {
        m = xmalloc(sizeof *m + size);
        m->n_refs = 0;
        m->mask = (struct minimask *) (m + 1);
        memcpy(m->mask, mask, size);
        hmap_insert(&t->masks, &m->node, hash);
    }
    m->n_refs++;
    return m->mask;
}

/* Drops a reference to 'mask', a shared copy from xf_masks_ref(). */
void
xf_masks_unref(struct xf_masks *t, const struct minimask *mask)
{
    if (mask) {
        struct xf_mask *m = (struct xf_mask *) mask - 1;

        ovs_assert(m->mask == mask && m->n_refs);
        if (!--m->n_refs) {
            hmap_remove(&t->masks, &m->node);
            free(m);
        }
    }
}

size_t
xf_masks_count(const struct xf_masks *t)
{
    return hmap_count(&t->masks);
}
