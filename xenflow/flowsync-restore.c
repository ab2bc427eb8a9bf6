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

/* Restarts: flow-restore-wait and restored flows (flowsync-restore.h). */

#include <config.h>

#include "xenflow/flowsync-restore.h"

#include <string.h>

#include "openvswitch/ofp-actions.h"
#include "ofproto/ofproto-provider.h"
#include "util.h"
#include "xenflow/cookie.h"

static bool held;

/* Holds flowsync's first look at new bridges while 'hold' is true. */
void
xf_restore_hold(bool hold)
{
    held = hold;
}

/* True if 'ofproto' has a flow beyond table 0: something was restored
 * into it (a new ofproto starts empty but for table 0's hidden flows, and
 * XenFlow adds nothing while it holds). */
static bool
has_restored_flows(const struct ofproto *ofproto)
{
    for (int t = 1; t < ofproto->n_tables; t++) {
        if (classifier_count(&ofproto->tables[t].cls)) {
            return true;
        }
    }
    return false;
}

bool
xf_restore_waiting(const struct ofproto *ofproto)
{
    return (ofproto_get_flow_restore_wait()
            || (held && has_restored_flows(ofproto)));
}

/* Returns in '*flows' (the caller frees the array) every flow of 'ofproto'
 * whose cookie is XenFlow's, as visible now. */
size_t
xf_restored_flows(const struct ofproto *ofproto,
                  struct xf_restored_flow **flows)
{
    size_t n = 0, allocated = 0;

    *flows = NULL;
    for (int t = 0; t < ofproto->n_tables; t++) {
        const struct rule *rule;

        CLS_FOR_EACH (rule, cr, &ofproto->tables[t].cls) {
            uint64_t cookie = ntohll(rule->flow_cookie);
            if (!xf_cookie_is_ours(cookie)
                || !cls_rule_visible_in_version(&rule->cr,
                                                ofproto->tables_version)) {
                continue;
            }
            if (n >= allocated) {
                *flows = x2nrealloc(*flows, &allocated, sizeof **flows);
            }
            const struct rule_actions *actions = rule_get_actions(rule);
            (*flows)[n++] = (struct xf_restored_flow) {
                .match = &rule->cr.match,
                .ofpacts = actions->ofpacts,
                .ofpacts_len = actions->ofpacts_len,
                .cookie = cookie,
                .priority = rule->cr.priority,
                .table_id = t,
            };
        }
    }
    return n;
}

/* True if 'a' and 'b' are the same actions, whatever encoding each was
 * decoded from (ofpacts_equal() also compares each action's 'raw'
 * encoding, which differs between actions built in XenFlow and the same
 * actions restored by ovs-ofctl). */
bool
xf_ofpacts_same(const struct ofpact *a, size_t a_len,
                const struct ofpact *b, size_t b_len)
{
    if (a_len != b_len) {
        return false;
    }
    const struct ofpact *end = ofpact_end(a, a_len);
    while (a < end) {
        if (a->type != b->type || a->len != b->len
            || memcmp(a + 1, b + 1, a->len - sizeof *a)) {
            return false;
        }
        a = ofpact_next(a);
        b = ofpact_next(b);
    }
    return true;
}
