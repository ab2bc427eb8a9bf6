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

/* A batch of flow changes, with the modifications that change only a rule's
 * actions made in place.
 *
 * ofproto carries out a strict modification by a new rule: allocated with a
 * copy of the match, inserted into the classifier, the old rule removed
 * after a grace period and freed.  When half of a large table moves to other
 * next hops, most of its flow changes are such modifications, and the rules
 * they make and destroy were most of a replace's cost in ofproto (issue 16).
 * Where nothing but the actions change, the rule keeps its match, place,
 * counters and cookie, and its actions are swapped under RCU (patch 0015),
 * which is what upstream's modify semantics would leave too: the same rule
 * state, the same flow monitor event.  The one difference is when it takes
 * effect: at once, not in the batch's new tables version.  XenFlow's batches
 * are not atomic, so nothing depends on that; the batch's version bump makes
 * ofproto-dpif revalidate the datapath flows. */

#include <config.h>

#include "xenflow/flowsync-modify.h"

#include "coverage.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "ofproto/connmgr.h"
#include "ofproto/ofproto-provider.h"
#include "ovs-rcu.h"
#include "timeval.h"
#include "util.h"

COVERAGE_DEFINE(xenflow_flow_mod_in_place);
/* Deletes and in-place modifications that took the rule they knew, without
 * a lookup; and known rules found gone (removed by someone else). */
COVERAGE_DEFINE(xenflow_flow_mod_by_rule);
COVERAGE_DEFINE(xenflow_flow_rule_gone);

/* How many rules ahead xf_flow_mod_batch() prefetches. */
#define XF_FLOW_MOD_PREFETCH 8

/* Returns true if a rule whose actions are 'ofpacts' may have them replaced
 * in place, or may receive them that way: they refer to nothing that ofproto
 * keeps track of per rule (groups, meters, learned flows, conjunctions,
 * tunnel metadata), change nothing of the rule itself (fin_timeout) and need
 * no datapath support that ofproto-dpif checks only when it constructs a
 * rule (conntrack, sampling, ND extensions). */
static bool
replaceable_in_place(const struct ofpact *ofpacts, size_t ofpacts_len)
{
    const struct ofpact *a;

    OFPACT_FOR_EACH (a, ofpacts, ofpacts_len) {
        switch (a->type) {
        case OFPACT_OUTPUT:
        case OFPACT_OUTPUT_REG:
        case OFPACT_CONTROLLER:
        case OFPACT_ENQUEUE:
        case OFPACT_SET_VLAN_VID:
        case OFPACT_SET_VLAN_PCP:
        case OFPACT_STRIP_VLAN:
        case OFPACT_PUSH_VLAN:
        case OFPACT_SET_ETH_SRC:
        case OFPACT_SET_ETH_DST:
        case OFPACT_SET_IPV4_SRC:
        case OFPACT_SET_IPV4_DST:
        case OFPACT_SET_IP_DSCP:
        case OFPACT_SET_IP_ECN:
        case OFPACT_SET_IP_TTL:
        case OFPACT_SET_L4_SRC_PORT:
        case OFPACT_SET_L4_DST_PORT:
        case OFPACT_REG_MOVE:
        case OFPACT_DEC_TTL:
        case OFPACT_SET_MPLS_LABEL:
        case OFPACT_SET_MPLS_TC:
        case OFPACT_SET_MPLS_TTL:
        case OFPACT_DEC_MPLS_TTL:
        case OFPACT_PUSH_MPLS:
        case OFPACT_POP_MPLS:
        case OFPACT_SET_QUEUE:
        case OFPACT_POP_QUEUE:
        case OFPACT_NOTE:
        case OFPACT_WRITE_METADATA:
        case OFPACT_GOTO_TABLE:
            break;

        case OFPACT_SET_FIELD: {
            enum mf_field_id id = ofpact_get_SET_FIELD(a)->field->id;
            if (id == MFF_ND_RESERVED || id == MFF_ND_OPTIONS_TYPE) {
                return false;
            }
            break;
        }

        case OFPACT_RESUBMIT:
            if (ofpact_get_RESUBMIT(a)->with_ct_orig) {
                return false;
            }
            break;

        /* Per-rule state, datapath support checked at construction, nested
         * actions, or simply not looked at: left to a new rule. */
        case OFPACT_GROUP:
        case OFPACT_BUNDLE:
        case OFPACT_STACK_PUSH:
        case OFPACT_STACK_POP:
        case OFPACT_DEC_NSH_TTL:
        case OFPACT_DELETE_FIELD:
        case OFPACT_ENCAP:
        case OFPACT_DECAP:
        case OFPACT_SET_TUNNEL:
        case OFPACT_FIN_TIMEOUT:
        case OFPACT_LEARN:
        case OFPACT_CONJUNCTION:
        case OFPACT_MULTIPATH:
        case OFPACT_EXIT:
        case OFPACT_SAMPLE:
        case OFPACT_UNROLL_XLATE:
        case OFPACT_CT:
        case OFPACT_CT_CLEAR:
        case OFPACT_NAT:
        case OFPACT_OUTPUT_TRUNC:
        case OFPACT_CLONE:
        case OFPACT_CHECK_PKT_LARGER:
        case OFPACT_DEBUG_RECIRC:
        case OFPACT_DEBUG_SLOW:
        case OFPACT_METER:
        case OFPACT_CLEAR_ACTIONS:
        case OFPACT_WRITE_ACTIONS:
        default:
            return false;
        }
    }
    return true;
}

/* Whether 'rule', which an earlier batch of ours left holding a flow in
 * 'ofproto', still holds it: nobody removed or replaced it since (e.g.
 * "ovs-ofctl del-flows", a restore, a datapath recreated). */
static bool
rule_holds_flow(const struct ofproto *ofproto, const struct rule *rule)
    OVS_REQUIRES(ofproto_mutex)
{
    return (rule->ofproto == ofproto && rule->state == RULE_INSERTED
            && cls_rule_visible_in_version(&rule->cr, OVS_VERSION_MAX));
}

/* Carries out 'fm' in place if it is a strict modification that changes
 * only the actions of a rule in the table (same cookie, counters kept,
 * actions replaceable_in_place() both before and after).  Returns NULL,
 * having done nothing, if not: 'fm' then goes to ofproto.  Otherwise returns
 * the rule, with 0 or ofproto's error for the new actions in '*error'.
 * 'known', if nonnull, is the rule that holds 'fm''s flow (rule_holds_flow()
 * checked), which saves the lookup. */
static struct rule *
modify_in_place(struct ofproto *ofproto, const struct ofputil_flow_mod *fm,
                struct rule *known, enum ofperr *error)
    OVS_REQUIRES(ofproto_mutex)
{
    if (fm->command != OFPFC_MODIFY_STRICT
        || fm->table_id >= ofproto->n_tables
        || fm->flags & OFPUTIL_FF_RESET_COUNTS
        || fm->cookie_mask != htonll(0)
        || fm->ofpacts_tlv_bitmap
        || (!(fm->flags & OFPUTIL_FF_HIDDEN_FIELDS)
            && !minimatch_has_default_hidden_fields(&fm->match))
        || !replaceable_in_place(fm->ofpacts, fm->ofpacts_len)) {
        return NULL;
    }

    struct oftable *table = &ofproto->tables[fm->table_id];
    if (table->flags & OFTABLE_READONLY
        && !(fm->flags & OFPUTIL_FF_NO_READONLY)) {
        return NULL;
    }

    struct rule *rule = known;
    if (!rule) {
        /* As classifier_find_minimatch_exactly(), without copying the
         * match: the lookup reads only the target's priority and match.
         * Rules that an earlier batch removed are not visible in the next
         * version. */
        const struct cls_rule target = {
            .priority = fm->priority,
            .match = fm->match,
        };
        rule = rule_from_cls_rule(classifier_find_rule_exactly(
            &table->cls, &target, ofproto->tables_version + 1));
    }
    if (!rule
        || rule->state != RULE_INSERTED
        || rule->ofpacts_tlv_bitmap
        || (fm->modify_cookie && fm->new_cookie != OVS_BE64_MAX
            && fm->new_cookie != rule->flow_cookie)) {
        return NULL;
    }

    const struct rule_actions *old_actions = rule_get_actions(rule);
    if (!replaceable_in_place(old_actions->ofpacts,
                              old_actions->ofpacts_len)) {
        return NULL;
    }

    if (rule == known) {
        COVERAGE_INC(xenflow_flow_mod_by_rule);
    }
    *error = ofproto_check_ofpacts(ofproto, fm->ofpacts, fm->ofpacts_len);
    if (*error) {
        return rule;
    }

    COVERAGE_INC(xenflow_flow_mod_in_place);
    bool changed = !ofpacts_equal(fm->ofpacts, fm->ofpacts_len,
                                  old_actions->ofpacts,
                                  old_actions->ofpacts_len);
    ovs_mutex_lock(&rule->mutex);
    rule->modified = time_msec();
    if (changed) {
        ovsrcu_set(&rule->actions,
                   rule_actions_create(fm->ofpacts, fm->ofpacts_len));
    }
    ovs_mutex_unlock(&rule->mutex);

    if (changed) {
        ofmonitor_report(ofproto->connmgr, rule, OFPFME_MODIFIED, 0, NULL, 0,
                         old_actions);
        rule_actions_destroy(old_actions);  /* Freed after a grace period. */
    }
    return rule;
}

/* Carries out the 'n' flow changes in 'fms' on 'ofproto' as
 * ofproto_flow_mod_batch() does, each error in errors[i], and returns how
 * many failed.  Strict modifications that change only a rule's actions are
 * made in place first; the others go to ofproto_flow_mod_batch(), which is
 * called even if none are left, for its version bump.  'fms' may be
 * reordered.
 *
 * rules[i] is, on input, the rule that fms[i]'s flow's last change left
 * holding it (a reference that the caller hands over), or NULL if unknown;
 * on output, the rule that holds the flow now (a reference for the caller),
 * or NULL after a delete or an error, or if unknown.  A known rule spares a
 * delete or an in-place modification its lookup in the classifier, if it
 * still holds the flow (rule_holds_flow()); if not, the change looks the
 * flow up as it would without it. */
size_t
xf_flow_mod_batch(struct ofproto *ofproto, struct ofputil_flow_mod *fms,
                  size_t n, struct rule **rules, enum ofperr *errors)
{
    size_t *rest = xmalloc(MAX(n, 1) * sizeof *rest);
    struct rule **rest_rules = xmalloc(MAX(n, 1) * sizeof *rest_rules);
    size_t n_rest = 0;
    size_t n_errors = 0;

    ovs_mutex_lock(&ofproto_mutex);
    for (size_t i = 0; i < n; i++) {
        struct rule *known = rules[i];

        /* The rules of a large table change are scattered over the heap:
         * overlap their cache misses. */
        if (i + XF_FLOW_MOD_PREFETCH < n) {
            OVS_PREFETCH(rules[i + XF_FLOW_MOD_PREFETCH]);
        }

        if (known && !rule_holds_flow(ofproto, known)) {
            COVERAGE_INC(xenflow_flow_rule_gone);
            ofproto_rule_unref(known);
            known = rules[i] = NULL;
        }

        errors[i] = 0;
        struct rule *rule = modify_in_place(ofproto, &fms[i], known,
                                            &errors[i]);
        if (rule) {
            n_errors += errors[i] != 0;
            if (errors[i]) {
                rule = NULL;
            } else if (rule != known) {
                ofproto_rule_ref(rule);
            }
            if (known != rule) {
                ofproto_rule_unref(known);
            }
            rules[i] = rule;
        } else {
            if (known && fms[i].command == OFPFC_DELETE_STRICT) {
                COVERAGE_INC(xenflow_flow_mod_by_rule);
            }
            rest[n_rest] = i;
            rest_rules[n_rest++] = known;
        }
    }
    ovs_mutex_unlock(&ofproto_mutex);

    /* ofproto_flow_mod_batch() overwrites what it is given in 'rules': the
     * given references are kept in 'rest_rules' until it is done. */
    struct rule **batch_rules = xmemdup(rest_rules,
                                        MAX(n_rest, 1) * sizeof *rest_rules);
    enum ofperr *rest_errors = xmalloc(MAX(n_rest, 1) * sizeof *rest_errors);
    for (size_t k = 0; k < n_rest; k++) {
        fms[k] = fms[rest[k]];      /* rest[k] >= k */
    }
    n_errors += ofproto_flow_mod_batch(ofproto, fms, n_rest, rest_errors,
                                       batch_rules);
    for (size_t k = 0; k < n_rest; k++) {
        errors[rest[k]] = rest_errors[k];
        rules[rest[k]] = batch_rules[k];
        ofproto_rule_unref(rest_rules[k]);
    }
    free(rest_errors);
    free(batch_rules);
    free(rest_rules);
    free(rest);
    return n_errors;
}

/* At most this many references wait in a struct xf_dead_rules. */
#define XF_DEAD_RULES_MAX 4096

static void
unref_rules_cb(struct rule **rules)
{
    for (struct rule **p = rules; *p; p++) {
        ofproto_rule_unref(*p);
    }
    free(rules);
}

/* Drops the reference to 'rule' (if nonnull) after a grace period, in the
 * RCU thread. */
void
xf_dead_rules_add(struct xf_dead_rules *dead, struct rule *rule)
{
    if (rule) {
        if (!dead->rules) {
            /* Room for the most, and the null that ends them. */
            dead->rules = xmalloc((XF_DEAD_RULES_MAX + 1)
                                  * sizeof *dead->rules);
        }
        dead->rules[dead->n++] = rule;
        if (dead->n >= XF_DEAD_RULES_MAX) {
            xf_dead_rules_flush(dead);
        }
    }
}

/* Hands the references in 'dead' to the RCU thread. */
void
xf_dead_rules_flush(struct xf_dead_rules *dead)
{
    if (dead->n) {
        dead->rules[dead->n] = NULL;
        ovsrcu_postpone(unref_rules_cb, dead->rules);
        dead->rules = NULL;
        dead->n = 0;
    }
}
