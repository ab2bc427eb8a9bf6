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

#include "xenflow/pipeline-build.h"

#include "byte-order.h"
#include "openvswitch/match.h"
#include "openvswitch/meta-flow.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofpbuf.h"
#include "util.h"
#include "xenflow/cookie.h"
#include "xenflow/flowsync.h"

/* As ovs-ofctl's parser does: a match on a packet field or a protocol
 * ("ip", "arp": an Ethernet type), not only on metadata such as in_port,
 * registers or the metadata field, is a match on Ethernet packets. */
void
xf_match_set_implied_packet_type(struct match *m)
{
    for (enum mf_field_id id = 0; id < MFF_N_IDS; id++) {
        const struct mf_field *mf = mf_from_id(id);
        if ((mf->prereqs != MFP_NONE || id == MFF_ETH_TYPE)
            && !mf_is_all_wild(mf, &m->wc)) {
            match_set_default_packet_type(m);
            return;
        }
    }
}

/* Puts the flow with match 'm' and actions 'ofpacts'.  Flows are built as a
 * match and ofpacts, as upstream's in-band.c and fail-open.c build theirs,
 * each action as ovs-ofctl's parser builds the one quoted in comments, and
 * completed here as that parser would: the implied packet type, and
 * ofpacts_check(), which also records whether the packet has a VLAN by then.
 * (Route flows, the bulk, skip both: they are put directly, and
 * match_router_dst() sets their packet type.) */
void
xf_pipeline_put(struct xf_flowsync *fs, uint64_t cookie, enum xf_table table,
                int priority, struct match *m, struct ofpbuf *ofpacts)
{
    struct ofpact_check_params cp = { .match = m, .max_ports = OFPP_MAX,
                                      .table_id = table, .n_tables = 255 };

    xf_match_set_implied_packet_type(m);
    ovs_assert(!ofpacts_check(ofpacts->data, ofpacts->size, &cp));
    xf_flowsync_put_match(fs, cookie, table, priority, m, ofpacts->data,
                          ofpacts->size);
}

/* Matches frames received on 'port'. */
void
xf_match_in_port(struct match *m, ofp_port_t port)
{
    match_init_catchall(m);
    match_set_in_port(m, port);
}

/* "load:VALUE->FIELD[0..N_BITS-1]", 'value' being a number of the field's
 * size.  (ofpact_put_reg_load() with a value leaves padding uninitialized,
 * which would make equal actions compare different.) */
void
xf_put_load(struct ofpbuf *ofpacts, enum mf_field_id id, unsigned int n_bits,
            const union mf_value *value)
{
    const struct mf_field *field = mf_from_id(id);
    struct ofpact_set_field *sf = ofpact_put_reg_load(ofpacts, field,
                                                      NULL, NULL);

    bitwise_copy(value, field->n_bytes, 0, sf->value, field->n_bytes, 0,
                 n_bits);
    bitwise_one(ofpact_set_field_mask(sf), field->n_bytes, 0, n_bits);
}

/* "resubmit(,TABLE)". */
void
xf_put_resubmit(struct ofpbuf *ofpacts, enum xf_table table)
{
    struct ofpact_resubmit *resubmit = ofpact_put_RESUBMIT(ofpacts);

    resubmit->in_port = OFPP_IN_PORT;
    resubmit->table_id = table;
}

static void
put_learn_spec(struct ofpbuf *ofpacts, enum mf_field_id src,
               enum mf_field_id dst, unsigned int n_bits, bool load)
{
    struct ofpact_learn_spec *spec = ofpbuf_put_zeros(ofpacts, sizeof *spec);

    spec->src = (struct mf_subfield) { mf_from_id(src), 0, n_bits };
    spec->dst = (struct mf_subfield) { mf_from_id(dst), 0, n_bits };
    spec->src_type = NX_LEARN_SRC_FIELD;
    spec->dst_type = load ? NX_LEARN_DST_LOAD : NX_LEARN_DST_MATCH;
    spec->n_bits = n_bits;
}

/* Learns where the frame's source MAC lives in its network (reg7): table
 * 204 gets "reg7=ID, dl_dst=SRC -> reg4=in_port" at 'priority'
 * (XF_PRIO_PINNED pins a migrated router's MAC, above what traffic
 * teaches):
 *   learn(table=204,idle_timeout=300,priority=P,cookie=C,
 *         NXM_NX_REG7[0..23],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],
 *         load:NXM_OF_IN_PORT[]->NXM_NX_REG4[0..15]) */
void
xf_put_learn_source(struct ofpbuf *ofpacts, enum xf_priority priority)
{
    struct ofpact_learn *learn = ofpact_put_LEARN(ofpacts);

    learn->idle_timeout = 300;
    learn->hard_timeout = OFP_FLOW_PERMANENT;
    learn->priority = priority;
    learn->table_id = XF_TABLE_L2;
    learn->cookie = htonll(xf_cookie(XF_FLOW_LEARNED, 0));

    put_learn_spec(ofpacts, MFF_REG7, MFF_REG7, 24, false);
    put_learn_spec(ofpacts, MFF_ETH_SRC, MFF_ETH_DST, 48, false);
    put_learn_spec(ofpacts, MFF_IN_PORT, MFF_REG4, 16, true);

    learn = ofpacts->header;
    ofpact_finish_LEARN(ofpacts, &learn);
}

/* "load:ID->NXM_NX_REG7[0..23]": the frame is network 'id''s. */
void
xf_pipeline_load_network(struct ofpbuf *ofpacts, uint32_t id)
{
    xf_put_load(ofpacts, MFF_REG0 + XF_REG_NETWORK, 24,
                &(union mf_value) { .be32 = htonl(id) });
}
