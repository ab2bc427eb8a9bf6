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

#include "xenflow/conf.h"

#include <stdarg.h>
#include <string.h>

#include "packets.h"
#include "smap.h"
#include "svec.h"
#include "util.h"

/* Interface other_config:xenflow-* keys: a VM port's network, a trunk and
 * how it carries networks (xenflow/encap.h), a router interface's MAC and
 * addresses. */

/* Keys this version understands on an Interface.  Any other xenflow-* key is
 * reported, because a typo in a key would otherwise fail silently. */
static const char *const iface_keys[] = {
    XF_IFACE_NETWORK, XF_IFACE_TRUNK, XF_IFACE_ROUTER, XF_IFACE_MAC,
    XF_IFACE_ADDRESSES, XF_IFACE_TRUSTED, XF_IFACE_ENCAP,
};

/* Appends "bridge BR: interface IFACE: " and the printf()-style rest to
 * 'errors'. */
static void
iface_error(struct svec *errors, const char *br, const char *iface,
            const char *format, ...)
    OVS_PRINTF_FORMAT(4, 5);

static void
iface_error(struct svec *errors, const char *br, const char *iface,
            const char *format, ...)
{
    va_list args;

    va_start(args, format);
    char *msg = xvasprintf(format, args);
    va_end(args);
    svec_add_nocopy(errors, xasprintf("bridge %s: interface %s: %s",
                                      br, iface, msg));
    free(msg);
}

static char *
parse_iface_addresses(const char *s, struct xf_iface_conf *ic)
{
    char *copy = xstrdup(s);
    char *save_ptr = NULL;
    char *error = NULL;
    size_t allocated = 0;

    for (char *tok = strtok_r(copy, ", ", &save_ptr); tok && !error;
         tok = strtok_r(NULL, ", ", &save_ptr)) {
        struct xf_prefix prefix;
        error = xf_prefix_parse(tok, true, &prefix);
        if (!error && !strchr(tok, '/')) {
            error = xasprintf("\"%s\" needs a prefix length, e.g. %s/24",
                              tok, tok);
        }
        if (!error) {
            if (ic->n_addrs >= allocated) {
                ic->addrs = x2nrealloc(ic->addrs, &allocated,
                                       sizeof *ic->addrs);
            }
            ic->addrs[ic->n_addrs++] = prefix;
        }
    }
    free(copy);
    return error;
}

/* Parses the xenflow-* keys of Interface 'iface_name' (on bridge 'br_name')
 * into 'ic'.  Returns true if the interface has a XenFlow role (VM port,
 * trunk, router interface).  A problem makes the whole interface's XenFlow
 * configuration ignored (never half-applied) and appends a message to
 * 'errors'.  The caller must free 'ic' with xf_iface_conf_destroy(). */
bool
xf_iface_conf_parse(const char *br_name, const char *iface_name,
                    const struct smap *other_config,
                    struct xf_iface_conf *ic, struct svec *errors)
{
    const char *br = br_name, *ifn = iface_name;
    size_t n_errors = errors->n;

    memset(ic, 0, sizeof *ic);

    const struct smap_node **nodes = smap_sort(other_config);
    for (size_t i = 0; i < smap_count(other_config); i++) {
        const char *key = nodes[i]->key;
        if (!strncmp(key, XF_KEY_PREFIX, strlen(XF_KEY_PREFIX))
            && !xf_conf_is_known_key(key, iface_keys,
                                     ARRAY_SIZE(iface_keys))) {
            iface_error(errors, br, ifn, "other_config:%s is not a XenFlow "
                        "key (see xenflow(7)); ignored", key);
        }
    }
    free(nodes);
    /* Unknown keys alone do not invalidate the known ones. */
    n_errors = errors->n;

    const char *network = smap_get(other_config, XF_IFACE_NETWORK);
    const char *trunk = smap_get(other_config, XF_IFACE_TRUNK);
    const char *router = smap_get(other_config, XF_IFACE_ROUTER);
    const char *mac = smap_get(other_config, XF_IFACE_MAC);
    const char *addrs = smap_get(other_config, XF_IFACE_ADDRESSES);
    const char *trusted = smap_get(other_config, XF_IFACE_TRUSTED);
    const char *encap = smap_get(other_config, XF_IFACE_ENCAP);

    if (network && !xf_conf_name_is_valid(network)) {
        iface_error(errors, br, ifn, "other_config:%s=\"%s\" is not a valid "
                    "network name", XF_IFACE_NETWORK, network);
    }
    if (trunk && !xf_parse_bool(trunk, &ic->trunk)) {
        iface_error(errors, br, ifn, "other_config:%s=\"%s\" is not a "
                    "boolean (use \"true\" or \"false\")",
                    XF_IFACE_TRUNK, trunk);
    }
    if (trusted && !xf_parse_bool(trusted, &ic->trusted)) {
        iface_error(errors, br, ifn, "other_config:%s=\"%s\" is not a "
                    "boolean (use \"true\" or \"false\")",
                    XF_IFACE_TRUSTED, trusted);
    } else if (ic->trusted && !ic->trunk) {
        iface_error(errors, br, ifn, "other_config:%s=true needs "
                    "other_config:%s=true (only links between XenFlow nodes "
                    "are trusted)", XF_IFACE_TRUSTED, XF_IFACE_TRUNK);
    }
    if (encap && !xf_encap_parse(encap, &ic->encap)) {
        iface_error(errors, br, ifn, "other_config:%s=\"%s\" is not 802.1q, "
                    "802.1ad or mpls", XF_IFACE_ENCAP, encap);
    } else if (encap && !ic->trunk) {
        iface_error(errors, br, ifn, "other_config:%s only applies to "
                    "trunks (set other_config:%s=true)",
                    XF_IFACE_ENCAP, XF_IFACE_TRUNK);
    }
    if (ic->trunk && network) {
        iface_error(errors, br, ifn, "a trunk carries every network, so it "
                    "cannot also be in network %s", network);
    }
    if (router) {
        if (!xf_conf_name_is_valid(router)) {
            iface_error(errors, br, ifn, "other_config:%s=\"%s\" is not a "
                        "valid router name", XF_IFACE_ROUTER, router);
        }
        if (!network) {
            iface_error(errors, br, ifn, "a router interface needs "
                        "other_config:%s", XF_IFACE_NETWORK);
        }
        if (!mac) {
            iface_error(errors, br, ifn, "a router interface needs "
                        "other_config:%s (the VM interface's MAC)",
                        XF_IFACE_MAC);
        } else if (!eth_addr_from_string(mac, &ic->mac)
                   || eth_addr_is_multicast(ic->mac)
                   || eth_addr_is_zero(ic->mac)) {
            iface_error(errors, br, ifn, "other_config:%s=\"%s\" is not a "
                        "unicast Ethernet address", XF_IFACE_MAC, mac);
        }
        if (addrs) {
            char *error = parse_iface_addresses(addrs, ic);
            if (error) {
                iface_error(errors, br, ifn, "other_config:%s: %s",
                            XF_IFACE_ADDRESSES, error);
                free(error);
            }
        }
    } else if (mac || addrs) {
        iface_error(errors, br, ifn, "other_config:%s only applies to "
                    "router interfaces (set other_config:%s)",
                    mac ? XF_IFACE_MAC : XF_IFACE_ADDRESSES, XF_IFACE_ROUTER);
    }

    if (errors->n > n_errors) {
        char *last = errors->names[errors->n - 1];
        errors->names[errors->n - 1] = xasprintf(
            "%s; XenFlow ignores this interface", last);
        free(last);
        xf_iface_conf_destroy(ic);
        memset(ic, 0, sizeof *ic);
        return false;
    }

    ic->network = nullable_xstrdup(network);
    ic->router = nullable_xstrdup(router);
    return ic->network || ic->trunk;
}

void
xf_iface_conf_destroy(struct xf_iface_conf *ic)
{
    free(ic->network);
    free(ic->router);
    free(ic->addrs);
}

