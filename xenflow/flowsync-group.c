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

#include "xenflow/flowsync-group.h"

#include <string.h>

#include "hash.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-group.h"
#include "openvswitch/vlog.h"
#include "ofproto/ofproto-provider.h"
#include "util.h"
#include "xenflow/cookie.h"
#include "xenflow/flowsync-restore.h"

VLOG_DEFINE_THIS_MODULE(xenflow_flowsync_group);

/* A desired OpenFlow group. */
struct xf_group {
    struct hmap_node node;      /* In 'groups', by 'gm.group_id'. */
    struct ovs_list pending_node; /* In 'pending' if 'pending'. */
    struct ofputil_group_mod gm; /* Type, properties, buckets; the command
                                  * is set when it is pushed. */
    bool installed;
    bool removing;
    bool pending;
};

void
xf_groups_init(struct xf_groups *groups)
{
    hmap_init(&groups->groups);
    ovs_list_init(&groups->pending);
    groups->n_pending = 0;
}

static void
xf_group_free(struct xf_group *group)
{
    ofputil_uninit_group_mod(&group->gm);
    free(group);
}

void
xf_groups_destroy(struct xf_groups *groups)
{
    struct xf_group *group;

    HMAP_FOR_EACH_POP (group, node, &groups->groups) {
        xf_group_free(group);
    }
    hmap_destroy(&groups->groups);
}

static struct xf_group *
group_find(const struct xf_groups *groups, uint32_t id)
{
    struct xf_group *group;

    HMAP_FOR_EACH_WITH_HASH (group, node, hash_int(id, 0), &groups->groups) {
        if (group->gm.group_id == id) {
            return group;
        }
    }
    return NULL;
}

static void
group_make_pending(struct xf_groups *groups, struct xf_group *group)
{
    if (!group->pending) {
        group->pending = true;
        ovs_list_push_back(&groups->pending, &group->pending_node);
        groups->n_pending++;
    }
}

/* True if bucket lists 'a' and 'b' are equal, their actions compared with
 * 'same_actions'. */
static bool
buckets_equal(const struct ovs_list *a, const struct ovs_list *b,
              bool (*same_actions)(const struct ofpact *, size_t,
                                   const struct ofpact *, size_t))
{
    const struct ofputil_bucket *x, *y;

    if (ovs_list_size(a) != ovs_list_size(b)) {
        return false;
    }
    y = CONTAINER_OF(ovs_list_front(b), struct ofputil_bucket, list_node);
    LIST_FOR_EACH (x, list_node, a) {
        if (x->weight != y->weight || x->watch_port != y->watch_port
            || x->watch_group != y->watch_group
            || x->bucket_id != y->bucket_id
            || !same_actions(x->ofpacts, x->ofpacts_len,
                             y->ofpacts, y->ofpacts_len)) {
            return false;
        }
        y = CONTAINER_OF(y->list_node.next, struct ofputil_bucket,
                         list_node);
    }
    return true;
}

/* True if 'a' and 'b' describe the same group. */
static bool
group_mod_equal(const struct ofputil_group_mod *a,
                const struct ofputil_group_mod *b)
{
    const struct ofputil_group_props *p = &a->props, *q = &b->props;

    return (a->type == b->type
            && !strcmp(p->selection_method, q->selection_method)
            && p->selection_method_param == q->selection_method_param
            && p->fields.values_size == q->fields.values_size
            && (!p->fields.values_size
                || !memcmp(p->fields.values, q->fields.values,
                           p->fields.values_size))
            && !memcmp(&p->fields.used, &q->fields.used,
                       sizeof p->fields.used)
            && buckets_equal(&a->buckets, &b->buckets, ofpacts_equal));
}

/* Wants group 'gm->group_id' installed with the type, properties and
 * buckets of 'gm', which the caller keeps.  Replaces a group with the same
 * id; an identical one costs nothing. */
void
xf_groups_put(struct xf_groups *groups, const struct ofputil_group_mod *gm)
{
    struct xf_group *group = group_find(groups, gm->group_id);

    if (group) {
        if (!group->removing && group_mod_equal(&group->gm, gm)) {
            return;
        }
        ofputil_uninit_group_mod(&group->gm);
    } else {
        group = xzalloc(sizeof *group);
        hmap_insert(&groups->groups, &group->node, hash_int(gm->group_id, 0));
    }
    group->gm = (struct ofputil_group_mod) {
        .type = gm->type,
        .group_id = gm->group_id,
        .command_bucket_id = OFPG15_BUCKET_ALL,
    };
    ovs_list_init(&group->gm.buckets);
    ofputil_bucket_clone_list(&group->gm.buckets, &gm->buckets, NULL);
    ofputil_group_properties_copy(&group->gm.props, &gm->props);
    group->removing = false;
    group_make_pending(groups, group);
}

void
xf_groups_remove(struct xf_groups *groups, uint32_t group_id)
{
    struct xf_group *group = group_find(groups, group_id);
    if (group) {
        group->removing = true;
        group_make_pending(groups, group);
    }
}

/* Wants no group any more. */
void
xf_groups_clear(struct xf_groups *groups)
{
    struct xf_group *group;

    HMAP_FOR_EACH (group, node, &groups->groups) {
        group->removing = true;
        group_make_pending(groups, group);
    }
}

/* Forgets what ofproto holds: every group is pushed again. */
void
xf_groups_resync(struct xf_groups *groups)
{
    struct xf_group *group;

    HMAP_FOR_EACH (group, node, &groups->groups) {
        group->installed = false;
        group_make_pending(groups, group);
    }
}

/* Restarts. */

/* True if restored group 'og' is 'group' as wanted: same type, properties
 * and buckets, their actions compared whatever encoding they were restored
 * from. */
static bool
group_is_restored_as_wanted(const struct xf_group *group,
                            const struct ofgroup *og)
{
    const struct ofputil_group_mod *gm = &group->gm;

    if (gm->type != og->type
        || strcmp(gm->props.selection_method, og->props.selection_method)
        || gm->props.selection_method_param
           != og->props.selection_method_param
        || ovs_list_size(&gm->buckets) != og->n_buckets) {
        return false;
    }
    return buckets_equal(&gm->buckets, &og->buckets, xf_ofpacts_same);
}

/* Takes into account the groups of XenFlow's (by id, xenflow/cookie.h)
 * that a restore put into 'ofproto' before XenFlow first touched it: one
 * that is wanted as it is counts as installed (no group_mod); one wanted
 * otherwise is modified in place (same id: the restored flows that use it
 * keep working); one not wanted is deleted, after the flows.  Adds to
 * 'counts' the number of each, in that order. */
void
xf_groups_adopt(struct xf_groups *groups, const struct ofproto *ofproto,
                size_t counts[3])
{
    const struct ofgroup *og;

    CMAP_FOR_EACH (og, cmap_node, &ofproto->groups) {
        if (!xf_group_id_is_ours(og->group_id)
            || !versions_visible_in_version(&og->versions,
                                            ofproto->tables_version)) {
            continue;
        }

        struct xf_group *group = group_find(groups, og->group_id);
        if (group && !group->removing) {
            group->installed = true;
            if (group->pending && group_is_restored_as_wanted(group, og)) {
                group->pending = false;
                ovs_list_remove(&group->pending_node);
                groups->n_pending--;
                counts[0]++;
            } else {
                counts[1]++;
            }
        } else {
            if (!group) {
                group = xzalloc(sizeof *group);
                group->gm.group_id = og->group_id;
                ovs_list_init(&group->gm.buckets);
                hmap_insert(&groups->groups, &group->node,
                            hash_int(og->group_id, 0));
            }
            group->installed = true;
            group->removing = true;
            group_make_pending(groups, group);
            counts[2]++;
        }
    }
}

/* Sends 'group''s pending change to 'ofproto'.  Returns 0 or an OFPERR_*
 * error code. */
static enum ofperr
group_push(struct xf_group *group, struct ofproto *ofproto)
{
    if (!group->removing) {
        group->gm.command = OFPGC11_ADD_OR_MOD;
        return ofproto_group_mod(ofproto, &group->gm);
    } else if (group->installed) {
        struct ofputil_group_mod gm = {
            .command = OFPGC11_DELETE,
            .group_id = group->gm.group_id,
            .command_bucket_id = OFPG15_BUCKET_ALL,
        };
        ovs_list_init(&gm.buckets);
        return ofproto_group_mod(ofproto, &gm);
    } else {
        return 0;
    }
}

/* Applies pending group changes to 'ofproto', the ofproto of 'bridge':
 * additions and modifications if 'adds', otherwise deletions.  Returns the
 * number of changes that ofproto refused. */
unsigned int
xf_groups_run(struct xf_groups *groups, struct ofproto *ofproto,
              const char *bridge, bool adds)
{
    unsigned int n_errors = 0;
    struct xf_group *group;

    LIST_FOR_EACH_SAFE (group, pending_node, &groups->pending) {
        if (group->removing == adds) {
            continue;
        }

        enum ofperr error = group_push(group, ofproto);
        if (error) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
            VLOG_WARN_RL(&rl, "%s: ofproto refused XenFlow group %"PRIu32
                         ": %s", bridge, group->gm.group_id,
                         ofperr_to_string(error));
            n_errors++;
        }
        group->pending = false;
        ovs_list_remove(&group->pending_node);
        groups->n_pending--;
        if (group->removing) {
            hmap_remove(&groups->groups, &group->node);
            xf_group_free(group);
        } else {
            group->installed = !error;
        }
    }
    return n_errors;
}
