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

#include "xenflow/pipeline-vm.h"

#include "openvswitch/meta-flow.h"
#include "openvswitch/ofp-actions.h"
#include "xenflow/model.h"
#include "xenflow/punt.h"

/* Appends to 'ofpacts' the actions that hand a frame to router 'r''s VM,
 * whose interface the frame arrived for is in reg5:
 *
 *   - normally "output:NXM_NX_REG5[0..15]" (frames are untagged inside the
 *     switch: a network is its id in reg7, not a tag);
 *
 *   - while the router's control traffic is held (its VM paused by a
 *     migration, xenflow/ctlhold.c), "controller(id=0x5846,
 *     max_len=65535)": the frame, with its metadata (the router) and reg5
 *     (the interface), goes to XenFlow's own packet-in channel
 *     (xenflow/punt.h), which queues it. */
void
xf_pipeline_to_vm(const struct xf_router *r, struct ofpbuf *ofpacts)
{
    if (r->ctl_hold) {
        xf_punt_put_action(ofpacts);
    } else {
        struct ofpact_output_reg *out = ofpact_put_OUTPUT_REG(ofpacts);
        out->max_len = UINT16_MAX;
        out->src = (struct mf_subfield) { mf_from_id(MFF_REG5), 0, 16 };
    }
}
