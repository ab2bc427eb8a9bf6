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
#include "openvswitch/ofpbuf.h"
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
 * whose cookie is XenFlow's, as visible now, but for the flows that the
 * learn action added (they are not flowsync's and expire on their own). */
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
                || xf_cookie_kind(cookie) == XF_FLOW_LEARNED
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

/* True if 'a' and 'b' have the same encoding in OpenFlow 'version'. */
static bool
same_encoding(const struct ofpact *a, size_t a_len,
              const struct ofpact *b, size_t b_len, enum ofp_version version)
{
    uint64_t a_stub[512 / 8], b_stub[512 / 8];
    struct ofpbuf a_buf = OFPBUF_STUB_INITIALIZER(a_stub);
    struct ofpbuf b_buf = OFPBUF_STUB_INITIALIZER(b_stub);

    ofpacts_put_openflow_instructions(a, a_len, &a_buf, version);
    ofpacts_put_openflow_instructions(b, b_len, &b_buf, version);
    bool same = (a_buf.size == b_buf.size
                 && !memcmp(a_buf.data, b_buf.data, a_buf.size));
    ofpbuf_uninit(&a_buf);
    ofpbuf_uninit(&b_buf);
    return same;
}

/* True if 'a' and 'b' are the same actions, whatever encoding each was
 * decoded from.  ofpacts_equal() also compares each action's 'raw'
 * encoding, which differs between actions built in XenFlow and the same
 * actions restored by ovs-ofctl; and some of XenFlow's actions come back
 * as others: "mod_dl_src" as "set_field:...->eth_src", "mod_vlan_vid" as
 * "push_vlan,set_field:...->vlan_vid", a load of a 128-bit register as two
 * loads of 64 bits, and set_field values carry padding that is not
 * initialised.  Those are compared by their OpenFlow encodings, which say
 * exactly what the switch does with them once the checks made when the
 * flow was put (XenFlow's put(), or ofproto's for the restored flow) have
 * recorded whether the packet has a VLAN: equal in OpenFlow 1.5 (where
 * "load" and "set_field" are one action, whatever they were decoded from)
 * or in 1.4 (where a wide load is split as ovs-ofctl splits it). */
bool
xf_ofpacts_same(const struct ofpact *a, size_t a_len,
                const struct ofpact *b, size_t b_len)
{
    if (a_len == b_len) {
        const struct ofpact *end = ofpact_end(a, a_len);
        const struct ofpact *p = a, *q = b;

        while (p < end && p->type == q->type && p->len == q->len
               && !memcmp(p + 1, q + 1, p->len - sizeof *p)) {
            p = ofpact_next(p);
            q = ofpact_next(q);
        }
        if (p >= end) {
            return true;
        }
    }
    return (same_encoding(a, a_len, b, b_len, OFP15_VERSION)
            || same_encoding(a, a_len, b, b_len, OFP14_VERSION));
}
