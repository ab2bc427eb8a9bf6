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


#ifndef XENFLOW_PUNT_H
#define XENFLOW_PUNT_H 1

/* XenFlow's own packet-in channel: an OpenFlow connection from XenFlow to
 * its bridge's management socket ($OVS_RUNDIR/BRIDGE.mgmt, which bridge.c
 * always listens on), in the same process.  It asks for asynchronous
 * messages (a nonzero miss_send_len), takes controller id
 * XF_PUNT_CONTROLLER_ID and the NXT_PACKET_IN2 format, so the packets a
 * flow's "controller(id=XF_PUNT_CONTROLLER_ID)" action sends arrive here
 * with their metadata and registers, and no other controller sees them
 * (connmgr sends a packet-in only to connections with its controller id).
 * Packets go back out with OFPT_PACKET_OUT on the same connection, in
 * order.  Upstream offers no in-process packet-in hook; this needs no
 * patch.
 *
 * A connection is open while a caller wants it for its bridge
 * (xf_punt_set_wanted()), and "ready" once ofproto has applied its settings
 * (a barrier's reply): only then may flows send packets to it.
 *
 * Each user has a channel of its own (struct xf_punt) with its own
 * controller id, so that each receives only the packets of its own flows:
 * XF_PUNT_CONTROLLER_ID is a held router's control traffic (ctlhold.c),
 * XF_PROBE_CONTROLLER_ID (probe.h) the trunks' link probes. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/types.h"

struct ofpbuf;
struct sset;
struct xf_punt;

#define XF_PUNT_CONTROLLER_ID 0x5846

/* A packet that a flow of 'bridge' sent to XenFlow: its OpenFlow metadata,
 * register 5 (xenflow/pipeline.h) and input port, and its bytes. */
typedef void xf_punt_cb(const char *bridge, uint64_t metadata, uint32_t reg5,
                        ofp_port_t in_port, const void *data, size_t size,
                        void *aux);

struct xf_punt *xf_punt_create(const char *name, uint16_t controller_id);
void xf_punt_set_wanted(struct xf_punt *, const struct sset *bridges);
bool xf_punt_ready(const struct xf_punt *, const char *bridge);
void xf_punt_run(struct xf_punt *, xf_punt_cb *, void *aux);
void xf_punt_wait(const struct xf_punt *);
void xf_punt_destroy(struct xf_punt *);

bool xf_punt_output(struct xf_punt *, const char *bridge, ofp_port_t,
                    const void *data, size_t size);
void xf_punt_put_action(struct ofpbuf *ofpacts);
void xf_punt_put_action_id(struct ofpbuf *ofpacts, uint16_t controller_id);

#endif /* xenflow/punt.h */
