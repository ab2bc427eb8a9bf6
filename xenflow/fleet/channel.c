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

/* A node's channel addresses (see channel.h). */

#include <config.h>

#include "xenflow/fleet/channel.h"

#include <string.h>

#include "smap.h"
#include "sset.h"
#include "stream.h"
#include "svec.h"
#include "util.h"
#include "xenflow/conf.h"

/* Returns the passive remote on which a node listens for the active remote
 * 'peer_address' (its Node peer_address): "ssl:HOST[:PORT]" becomes
 * "pssl:PORT:HOST" (PORT 6653 if none, as stream_open() assumes),
 * "unix:PATH" becomes "punix:PATH".  Returns NULL for anything else (tcp:
 * does not authenticate the peer, so XenFlow refuses it). */
char *
xf_channel_peer_listener(const char *peer_address)
{
    if (!strncmp(peer_address, "unix:", 5) && peer_address[5]) {
        return xasprintf("punix:%s", peer_address + 5);
    }
    if (strncmp(peer_address, "ssl:", 4) || !peer_address[4]) {
        return NULL;
    }

    const char *host = peer_address + 4;
    const char *end = (*host == '['
                       ? strchr(host, ']') : host + strcspn(host, ":"));
    if (!end) {
        return NULL;
    }
    end += *host == '[';
    const char *port = *end == ':' ? end + 1 : "6653";
    if ((*end && *end != ':') || !*port || strchr(port, ':')
        || end == host) {
        return NULL;
    }
    return xasprintf("pssl:%s:%.*s", port, (int) (end - host), host);
}

/* Why node 'node' cannot listen for other nodes on 'peer_address' (for
 * which xf_channel_peer_listener() returned NULL). */
char *
xf_channel_peer_address_error(const char *node, const char *peer_address)
{
    return xasprintf("node %s: peer_address \"%s\" is not ssl:HOST[:PORT] "
                     "or unix:PATH, on which XenFlow can listen for other "
                     "nodes (or set options:peer-listen)", node,
                     peer_address);
}

/* Checks 'value' as XenFlow checks the passive remotes of
 * other_config:xenflow-listen (the client channel, if 'client') or
 * other_config:xenflow-peer-listen (the node channel), and that each is a
 * stream name that can be opened.  Appends each problem to 'errors' after
 * 'context'.  Returns true if there was none. */
bool
xf_channel_check_listen(const char *context, const char *value, bool client,
                        struct svec *errors)
{
    const char *key = client ? XF_KEY_LISTEN : XF_KEY_PEER_LISTEN;
    struct smap one = SMAP_CONST1(&one, key, value);
    struct svec found = SVEC_EMPTY_INITIALIZER;
    struct sset listen;

    if (client) {
        struct xf_server_conf conf;
        xf_server_conf_parse(&one, &conf, &found);
        sset_clone(&listen, &conf.listen);
        xf_server_conf_destroy(&conf);
    } else {
        struct xf_migrate_conf conf;
        xf_migrate_conf_parse(&one, &conf, &found);
        sset_clone(&listen, &conf.listen);
        xf_migrate_conf_destroy(&conf);
    }
    const char *name;
    SSET_FOR_EACH (name, &listen) {
        if (pstream_verify_name(name)) {
            svec_add_nocopy(&found, xasprintf("\"%s\" is not a valid "
                                              "passive remote", name));
        }
    }
    sset_destroy(&listen);

    bool ok = !found.n;
    for (size_t i = 0; i < found.n; i++) {
        svec_add_nocopy(errors, xasprintf("%s: %s", context,
                                          found.names[i]));
    }
    svec_destroy(&found);
    return ok;
}

/* Checks 'mover', node 'node''s options:mover, as XenFlow's
 * other_config:xenflow-mover: "exec:PROGRAM [ARG]..." or "libvirt:URI"
 * (xenflow(7)).  Appends the problem to 'errors' and returns false if it is
 * neither.  (Whether this ovs-vswitchd was built with libvirt only the
 * switch knows: it reports that in xenflow/show.) */
bool
xf_channel_check_mover(const char *node, const char *mover,
                       struct svec *errors)
{
    if ((!strncmp(mover, "exec:", 5) && mover[5] && mover[5] != ' ')
        || (!strncmp(mover, "libvirt:", 8) && mover[8])) {
        return true;
    }
    svec_add_nocopy(errors, xasprintf("node %s: options:mover \"%s\" is not "
                                      "exec:PROGRAM [ARG]... or libvirt:URI",
                                      node, mover));
    return false;
}

/* Appends to 'errors' what keeps node 'node' from listening for other nodes
 * ('peer_listen' if nonnull, else what 'peer_address' implies, if nonempty)
 * and for its routers' clients ('client_listen', if nonnull), and in its
 * mover ('mover', if nonnull). */
void
xf_channel_check_node(const char *node, const char *peer_address,
                      const char *peer_listen, const char *client_listen,
                      const char *mover, struct svec *errors)
{
    if (mover) {
        xf_channel_check_mover(node, mover, errors);
    }
    if (peer_listen) {
        char *context = xasprintf("node %s: options:peer-listen", node);
        xf_channel_check_listen(context, peer_listen, false, errors);
        free(context);
    } else if (peer_address && peer_address[0]) {
        char *listen = xf_channel_peer_listener(peer_address);
        if (listen) {
            char *context = xasprintf("node %s: peer_address", node);
            xf_channel_check_listen(context, listen, false, errors);
            free(context);
            free(listen);
        } else {
            svec_add_nocopy(errors, xf_channel_peer_address_error(
                                node, peer_address));
        }
    }
    if (client_listen) {
        char *context = xasprintf("node %s: options:client-listen", node);
        xf_channel_check_listen(context, client_listen, true, errors);
        free(context);
    }
}
