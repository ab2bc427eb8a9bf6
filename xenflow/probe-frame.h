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

#ifndef XENFLOW_PROBE_FRAME_H
#define XENFLOW_PROBE_FRAME_H 1

/* The link probe's frame, built and checked byte by byte (pure, no state).
 *
 * An LLDP frame (IEEE 802.1AB) to the nearest-bridge address, which no
 * bridge forwards:
 *
 *   Ethernet  dst 01:80:c2:00:00:0e, src 02:58:46:00:00:02, type 0x88cc
 *   TLV 1     chassis id, subtype 7 (locally assigned): the node's name
 *   TLV 2     port id, subtype 5 (interface name): the trunk's port
 *   TLV 3     time to live, seconds
 *   TLV 127   organisationally specific, length 18: "OUI" 02:58:46 (a
 *             locally administered value of XenFlow's, not an IEEE
 *             assignment), subtype 1, then version (1), kind (1 request,
 *             2 reply), sequence number (4 bytes) and the requester's
 *             timestamp (8 bytes, microseconds of its monotonic clock),
 *             all big-endian
 *   TLV 0     end of LLDPDU
 *
 * padded to 60 bytes.  A reply carries the replier's own chassis and port
 * and echoes the request's sequence number and timestamp. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum xf_probe_kind {
    XF_PROBE_REQUEST = 1,
    XF_PROBE_REPLY = 2,
};

#define XF_PROBE_NAME_MAX 255

struct xf_probe_msg {
    enum xf_probe_kind kind;
    uint32_t seq;
    uint64_t timestamp;         /* The requester's clock, microseconds. */
    uint16_t ttl;               /* Seconds. */
    char node[XF_PROBE_NAME_MAX + 1];   /* Chassis id. */
    char port[XF_PROBE_NAME_MAX + 1];   /* Port id. */
};

/* The longest frame xf_probe_encode() builds. */
#define XF_PROBE_FRAME_MAX (14 + 2 * (3 + XF_PROBE_NAME_MAX) + 4 + 20 + 2)

enum xf_probe_parse {
    XF_PROBE_OK,                /* XenFlow's probe, in 'msg'. */
    XF_PROBE_FOREIGN,           /* A well-formed LLDP frame, not ours. */
    XF_PROBE_MALFORMED,         /* Anything else: 'why' says what. */
};

size_t xf_probe_encode(const struct xf_probe_msg *,
                       uint8_t frame[XF_PROBE_FRAME_MAX]);
enum xf_probe_parse xf_probe_decode(const void *data, size_t size,
                                    struct xf_probe_msg *,
                                    const char **why);
bool xf_probe_name_is_valid(const char *name);

#endif /* xenflow/probe-frame.h */
