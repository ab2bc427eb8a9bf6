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

#ifndef XENFLOW_PROBE_H
#define XENFLOW_PROBE_H 1

/* Link probes on trunks: topology discovery and round-trip time.
 *
 * Every 'interval' ms XenFlow sends on each trunk a request
 * (xenflow/probe-frame.h: an LLDP frame naming this node and the trunk,
 * with a sequence number and a timestamp) by packet-out on a punt channel
 * of its own (controller id XF_PROBE_CONTROLLER_ID).  Table 0 sends the
 * probes that trunks receive to that channel (pipeline-trunk.c) and drops
 * those of every other port.  A request is answered on the same port with
 * a reply that echoes its sequence number and timestamp; a reply gives the
 * round-trip time.  Either names the neighbour: its node and port.
 *
 * The owner of the trunks (bridges.c) says which exist
 * (xf_probe_trunks_begin(), _add(), _end()); the lifecycle sets the
 * interval and the node's name (xf_probe_configure()). */

#include <stdbool.h>
#include <stdint.h>

#include "openvswitch/types.h"

struct ofpbuf;

#define XF_PROBE_CONTROLLER_ID 0x5847
#define XF_PROBE_DEFAULT_INTERVAL 2000  /* ms. */
#define XF_PROBE_N_RTT 16       /* Round-trip times kept per trunk. */

/* What one trunk's probes found. */
struct xf_probe_view {
    bool enabled;               /* Probing is on. */
    const char *peer_node;      /* Last request or reply seen, or NULL. */
    const char *peer_port;
    long long int last_seen_ms; /* Milliseconds ago, or -1 if never. */
    bool seen;                  /* Something arrived within 3 intervals. */
    bool pending;               /* Not seen, but probing for less than 3
                                 * intervals. */
    long long int rtt_us;       /* Last round-trip time, or -1. */
    long long int rtt_min_us;   /* Of the last XF_PROBE_N_RTT, or -1. */
    long long int rtt_avg_us;
    unsigned long long int sent;        /* Requests sent. */
    unsigned long long int answered;    /* Replies to them received. */
    unsigned long long int requests;    /* Requests received (answered). */
    unsigned long long int malformed;   /* Frames dropped as malformed. */
    unsigned long long int foreign;     /* Other LLDP frames, ignored. */
    unsigned long long int limited;     /* Dropped over the rate limit. */
};

void xf_probe_configure(unsigned int interval_ms, const char *node);
void xf_probe_trunks_begin(void);
void xf_probe_trunks_add(const char *bridge, const char *port,
                         ofp_port_t ofport);
void xf_probe_trunks_end(void);
void xf_probe_run(void);
void xf_probe_wait(void);
void xf_probe_destroy(void);

bool xf_probe_get(const char *bridge, const char *port,
                  struct xf_probe_view *);
void xf_probe_put_action(struct ofpbuf *ofpacts);

#endif /* xenflow/probe.h */
