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

#include "xenflow/qos-state.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dirs.h"
#include "hash.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "util.h"
#include "xenflow/qos-link.h"

VLOG_DEFINE_THIS_MODULE(xenflow_qos_state);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

static char *
state_file_name(void)
{
    return xasprintf("%s/xenflow-qos.state", ovs_rundir());
}

static uint32_t
saved_hash(const char *iface, unsigned int id)
{
    return hash_int(id, hash_string(iface, 0));
}

/* Returns the saved rate of queue 'id' of 'iface' in 'saved', or NULL. */
struct xf_qos_saved *
xf_qos_saved_find(const struct hmap *saved, const char *iface,
                  unsigned int id)
{
    struct xf_qos_saved *s;

    HMAP_FOR_EACH_WITH_HASH (s, node, saved_hash(iface, id), saved) {
        if (s->id == id && !strcmp(s->iface, iface)) {
            return s;
        }
    }
    return NULL;
}

void
xf_qos_saved_clear(struct hmap *saved)
{
    struct xf_qos_saved *s;

    HMAP_FOR_EACH_POP (s, node, saved) {
        free(s->iface);
        smap_destroy(&s->override);
        free(s);
    }
}

/* Writes the rates applied on 'links' to the state file. */
void
xf_qos_state_save(const struct hmap *links)
{
    struct json *top = json_object_create();
    const struct xf_qos_link *link;

    HMAP_FOR_EACH (link, node, links) {
        if (!link->redistribute) {
            continue;
        }
        struct json *queues = json_object_create();
        for (size_t i = 0; i < link->n_queues; i++) {
            const struct xf_qos_queue *q = &link->queues[i];
            if (q->applied) {
                struct json *jq = json_object_create();
                json_object_put(jq, "contract",
                                json_integer_create(q->contract));
                json_object_put(jq, "min", json_integer_create(q->min));
                json_object_put(jq, "max", json_integer_create(q->max));
                json_object_put_nocopy(queues, xasprintf("%u", q->id), jq);
            }
        }
        struct json *jl = json_object_create();
        json_object_put(jl, "capacity", json_integer_create(link->capacity));
        json_object_put(jl, "queues", queues);
        json_object_put(top, link->iface, jl);
    }

    char *name = state_file_name();
    char *tmp = xasprintf("%s.tmp", name);
    char *s = json_to_string(top, JSSF_SORT);
    FILE *f = fopen(tmp, "w");
    int error = f ? 0 : errno;
    if (f) {
        /* Closed once, even when fputs() or fclose() itself fails. */
        if (fputs(s, f) < 0) {
            error = errno;
        }
        if (fclose(f) && !error) {
            error = errno;
        }
    }
    if (error) {
        VLOG_WARN_RL(&rl, "%s: cannot save applied rates (%s)", tmp,
                     ovs_strerror(error));
    } else if (rename(tmp, name)) {
        VLOG_WARN("%s: cannot rename to %s (%s)", tmp, name,
                  ovs_strerror(errno));
    }
    free(s);
    free(tmp);
    free(name);
    json_destroy(top);
}

static bool
get_uint_member(const struct json *obj, const char *name, uint64_t *value)
{
    const struct json *j = shash_find_data(json_object(obj), name);
    if (!j || j->type != JSON_INTEGER || json_integer(j) < 0) {
        return false;
    }
    *value = json_integer(j);
    return true;
}

/* Reads the state file, if there is one, into 'saved'. */
void
xf_qos_state_load(struct hmap *saved)
{
    char *name = state_file_name();
    struct json *top;

    if (access(name, F_OK)) {
        free(name);
        return;
    }
    top = json_from_file(name);
    if (top->type != JSON_OBJECT) {
        VLOG_WARN("%s: ignoring saved rates: %s", name,
                  top->type == JSON_STRING ? json_string(top)
                                           : "not a JSON object");
        goto out;
    }

    struct shash_node *ln;
    SHASH_FOR_EACH (ln, json_object(top)) {
        const struct json *jl = ln->data;
        uint64_t capacity;
        if (jl->type != JSON_OBJECT
            || !get_uint_member(jl, "capacity", &capacity)) {
            continue;
        }
        const struct json *queues = shash_find_data(json_object(jl),
                                                    "queues");
        if (!queues || queues->type != JSON_OBJECT) {
            continue;
        }
        struct shash_node *qn;
        SHASH_FOR_EACH (qn, json_object(queues)) {
            const struct json *jq = qn->data;
            unsigned int id;
            struct xf_qos_saved *s;
            uint64_t contract, min, max;

            if (!str_to_uint(qn->name, 10, &id) || jq->type != JSON_OBJECT
                || !get_uint_member(jq, "contract", &contract)
                || !get_uint_member(jq, "min", &min)
                || !get_uint_member(jq, "max", &max)
                || min > max || max > capacity) {
                continue;
            }
            s = xzalloc(sizeof *s);
            s->iface = xstrdup(ln->name);
            s->id = id;
            s->capacity = capacity;
            s->contract = contract;
            s->min = min;
            s->max = max;
            smap_init(&s->override);
            hmap_insert(saved, &s->node, saved_hash(s->iface, id));
        }
    }
    VLOG_INFO("%s: %"PRIuSIZE" saved queue rates", name,
              hmap_count(saved));
out:
    json_destroy(top);
    free(name);
}

