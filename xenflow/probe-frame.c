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

#include "xenflow/probe-frame.h"

#include <string.h>

#include "util.h"

enum {
    TLV_END = 0,
    TLV_CHASSIS = 1,
    TLV_PORT = 2,
    TLV_TTL = 3,
    TLV_ORG = 127,
};

#define CHASSIS_LOCAL 7         /* Chassis id subtype: locally assigned. */
#define PORT_IFNAME 5           /* Port id subtype: interface name. */
#define ORG_LEN 18              /* OUI, subtype, version, kind, seq, ts. */
#define PROBE_VERSION 1

static const uint8_t lldp_dst[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };
static const uint8_t probe_src[6] = { 0x02, 0x58, 0x46, 0x00, 0x00, 0x02 };
static const uint8_t probe_oui[4] = { 0x02, 0x58, 0x46, 0x01 }; /* +subtype */

/* A node or port name a probe may carry: 1 to 255 printable ASCII
 * characters other than space. */
bool
xf_probe_name_is_valid(const char *name)
{
    size_t len = strlen(name);

    if (!len || len > XF_PROBE_NAME_MAX) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (name[i] <= ' ' || name[i] > '~') {
            return false;
        }
    }
    return true;
}

static uint8_t *
put_tlv(uint8_t *p, unsigned int type, size_t len)
{
    p[0] = (type << 1) | (len >> 8);
    p[1] = len & 0xff;
    return p + 2;
}

static uint8_t *
put_be(uint8_t *p, uint64_t value, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = value & 0xff;
        value >>= 8;
    }
    return p + n;
}

static uint64_t
get_be(const uint8_t *p, int n)
{
    uint64_t value = 0;
    for (int i = 0; i < n; i++) {
        value = (value << 8) | p[i];
    }
    return value;
}

static uint8_t *
put_name(uint8_t *p, unsigned int type, uint8_t subtype, const char *name)
{
    size_t len = strlen(name);

    p = put_tlv(p, type, 1 + len);
    *p++ = subtype;
    memcpy(p, name, len);
    return p + len;
}

/* Builds 'msg' (whose names must be valid) into 'frame'; returns its
 * length. */
size_t
xf_probe_encode(const struct xf_probe_msg *msg,
                uint8_t frame[XF_PROBE_FRAME_MAX])
{
    uint8_t *p = frame;

    ovs_assert(xf_probe_name_is_valid(msg->node)
               && xf_probe_name_is_valid(msg->port));
    memcpy(p, lldp_dst, 6);
    memcpy(p + 6, probe_src, 6);
    p = put_be(p + 12, 0x88cc, 2);
    p = put_name(p, TLV_CHASSIS, CHASSIS_LOCAL, msg->node);
    p = put_name(p, TLV_PORT, PORT_IFNAME, msg->port);
    p = put_be(put_tlv(p, TLV_TTL, 2), msg->ttl, 2);
    p = put_tlv(p, TLV_ORG, ORG_LEN);
    memcpy(p, probe_oui, 4);
    p += 4;
    *p++ = PROBE_VERSION;
    *p++ = msg->kind;
    p = put_be(p, msg->seq, 4);
    p = put_be(p, msg->timestamp, 8);
    p = put_tlv(p, TLV_END, 0);

    size_t len = p - frame;
    if (len < 60) {
        memset(p, 0, 60 - len);
        len = 60;
    }
    return len;
}

/* Copies a chassis or port id TLV's value ('len' bytes at 'v', the first
 * its subtype) into 'name' if it has subtype 'subtype' and a valid name. */
static bool
get_name(const uint8_t *v, size_t len, uint8_t subtype, char *name)
{
    if (v[0] != subtype) {
        return false;
    }
    memcpy(name, v + 1, len - 1);
    name[len - 1] = '\0';
    return xf_probe_name_is_valid(name);
}

/* Checks the 'size' bytes at 'data', a frame received on a trunk, byte by
 * byte.  Returns XF_PROBE_OK with the probe in 'msg', XF_PROBE_FOREIGN for
 * a well-formed LLDP frame without XenFlow's TLV (another LLDP speaker on
 * the link), or XF_PROBE_MALFORMED with a static string in '*why'. */
enum xf_probe_parse
xf_probe_decode(const void *data, size_t size, struct xf_probe_msg *msg,
                const char **why)
{
    const uint8_t *p = data;
    const uint8_t *end = p + size;
    const uint8_t *org = NULL;
    const uint8_t *chassis = NULL, *port = NULL;
    size_t chassis_len = 0, port_len = 0;
    int n_tlvs = 0;

    memset(msg, 0, sizeof *msg);
    *why = NULL;
    if (size < 14 || memcmp(p, lldp_dst, 6) || get_be(p + 12, 2) != 0x88cc) {
        *why = "not an untagged LLDP frame to 01:80:c2:00:00:0e";
        return XF_PROBE_MALFORMED;
    }
    for (p += 14; ; n_tlvs++) {
        if (end - p < 2) {
            *why = "truncated: no end of LLDPDU TLV";
            return XF_PROBE_MALFORMED;
        }
        unsigned int type = p[0] >> 1;
        size_t len = ((p[0] & 1) << 8) | p[1];
        const uint8_t *v = p + 2;
        if (len > end - v) {
            *why = "truncated: a TLV runs past the end of the frame";
            return XF_PROBE_MALFORMED;
        }
        p = v + len;

        /* 802.1AB: chassis id, port id and time to live first, in this
         * order, then any others, then the end. */
        unsigned int want = n_tlvs < 3 ? TLV_CHASSIS + n_tlvs : 0;
        if (want && type != want) {
            *why = "the LLDPDU does not start with chassis id, port id and "
                   "time to live";
            return XF_PROBE_MALFORMED;
        }
        if (type == TLV_END) {
            if (len) {
                *why = "end of LLDPDU TLV with a length";
                return XF_PROBE_MALFORMED;
            }
            break;
        } else if (type == TLV_CHASSIS || type == TLV_PORT) {
            if (len < 2 || len > 256) {
                *why = "chassis or port id of a bad length";
                return XF_PROBE_MALFORMED;
            }
            if (type == TLV_CHASSIS) {
                chassis = v;
                chassis_len = len;
            } else {
                port = v;
                port_len = len;
            }
        } else if (type == TLV_TTL) {
            if (len != 2) {
                *why = "time to live TLV of a bad length";
                return XF_PROBE_MALFORMED;
            }
            msg->ttl = get_be(v, 2);
        } else if (type == TLV_ORG && len >= 4 && !memcmp(v, probe_oui, 4)) {
            if (org) {
                *why = "two XenFlow probe TLVs";
                return XF_PROBE_MALFORMED;
            } else if (len != ORG_LEN) {
                *why = "XenFlow probe TLV of a bad length";
                return XF_PROBE_MALFORMED;
            }
            org = v;
        } else if (type == TLV_CHASSIS || type == TLV_PORT
                   || type == TLV_TTL) {
            *why = "a second chassis id, port id or time to live";
            return XF_PROBE_MALFORMED;
        }
    }
    if (n_tlvs < 3) {
        *why = "end of LLDPDU before the mandatory TLVs";
        return XF_PROBE_MALFORMED;
    }
    if (!org) {
        return XF_PROBE_FOREIGN;
    }

    if (org[4] != PROBE_VERSION) {
        *why = "XenFlow probe of an unknown version";
        return XF_PROBE_MALFORMED;
    }
    if (org[5] != XF_PROBE_REQUEST && org[5] != XF_PROBE_REPLY) {
        *why = "XenFlow probe of an unknown kind";
        return XF_PROBE_MALFORMED;
    }
    if (!get_name(chassis, chassis_len, CHASSIS_LOCAL, msg->node)
        || !get_name(port, port_len, PORT_IFNAME, msg->port)) {
        *why = "XenFlow probe without a valid node or port name";
        return XF_PROBE_MALFORMED;
    }
    msg->kind = org[5];
    msg->seq = get_be(org + 6, 4);
    msg->timestamp = get_be(org + 10, 8);
    return XF_PROBE_OK;
}
