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

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "smap.h"
#include "svec.h"
#include "util.h"

/* Parses 's' as a boolean.  Only "true" and "false" are accepted, the same
 * words OVSDB itself uses, so that a typo such as "ture" is reported instead
 * of quietly meaning false.  Returns true and stores the value in '*value'
 * on success, otherwise returns false and leaves '*value' alone. */
bool
xf_parse_bool(const char *s, bool *value)
{
    if (!strcmp(s, "true")) {
        *value = true;
        return true;
    } else if (!strcmp(s, "false")) {
        *value = false;
        return true;
    }
    return false;
}

bool
xf_conf_is_known_key(const char *key, const char *const *keys, size_t n_keys)
{
    for (size_t i = 0; i < n_keys; i++) {
        if (!strcmp(key, keys[i])) {
            return true;
        }
    }
    return false;
}

/* Network and router names appear in keys, logs, flows' owners and appctl
 * arguments, so keep them to a safe, short alphabet. */
bool
xf_conf_name_is_valid(const char *name)
{
    size_t len = strlen(name);
    return len > 0 && len <= 32
           && strspn(name, "abcdefghijklmnopqrstuvwxyz"
                     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == len;
}

/* Whether 's' may go to upstream's str_to_uint() or str_to_ullong(): it
 * starts with a digit and has at most 'max_len' characters.  Those accept a
 * leading blank or sign (strtoll() does), which our keys never did. */
static bool
is_decimal(const char *s, size_t max_len)
{
    return isdigit((unsigned char) s[0]) && strlen(s) <= max_len;
}

/* Parses 's' as a decimal integer in [min, max]: 1 to 10 digits. */
static bool
parse_uint(const char *s, unsigned int min, unsigned int max,
           unsigned int *value)
{
    unsigned int v;

    if (!is_decimal(s, 10) || !str_to_uint(s, 10, &v) || v < min || v > max) {
        return false;
    }
    *value = v;
    return true;
}

static void
add_error(struct svec *errors, const char *format, ...)
    OVS_PRINTF_FORMAT(2, 3);

static void
add_error(struct svec *errors, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    svec_add_nocopy(errors, xvasprintf(format, args));
    va_end(args);
}

/* Formats 'id' into 'buf' (16 bytes) in decimal and returns 'buf': the
 * key of a network id in a map, the same for "10" and "010". */
static const char *
id_key(unsigned int id, char *buf)
{
    snprintf(buf, 16, "%u", id);
    return buf;
}

/* Parses a router's limits, "KEY=N[,KEY=N]...", into 'rc'.  Returns NULL or
 * a malloc()'d error. */
static char *
parse_router_limits(const char *s, struct xf_router_conf *rc)
{
    char *copy = xstrdup(s);
    char *save_ptr = NULL;
    char *error = NULL;

    for (char *tok = strtok_r(copy, ", ", &save_ptr); tok && !error;
         tok = strtok_r(NULL, ", ", &save_ptr)) {
        char *eq = strchr(tok, '=');
        unsigned int *field = NULL;
        if (eq && !strncmp(tok, "client-id=", 10)) {
            if (!eq[1]) {
                error = xstrdup("client-id must not be empty");
            } else {
                free(rc->client_id);
                rc->client_id = xstrdup(eq + 1);
            }
            continue;
        } else if (eq) {
            *eq = '\0';
            field = (!strcmp(tok, "max-routes") ? &rc->max_routes
                     : !strcmp(tok, "max-neighbors") ? &rc->max_neighbors
                     : !strcmp(tok, "max-flows") ? &rc->max_flows
                     : NULL);
        }
        if (!field) {
            error = xasprintf("\"%s\" is not one of max-routes=N, "
                              "max-neighbors=N, max-flows=N, client-id=ID",
                              tok);
        } else if (!parse_uint(eq + 1, 1, UINT32_MAX, field)) {
            error = xasprintf("%s=\"%s\" is not a positive integer",
                              tok, eq + 1);
        }
    }
    free(copy);
    return error;
}

static void
xf_router_conf_set_defaults(struct xf_router_conf *rc)
{
    rc->max_routes = XF_DEFAULT_MAX_ROUTES;
    rc->max_neighbors = XF_DEFAULT_MAX_NEIGHBORS;
    rc->max_flows = XF_DEFAULT_MAX_FLOWS;
    rc->client_id = NULL;
}

/* Parses the xenflow-* keys of bridge 'br_name' from its 'other_config'
 * into 'conf', which the caller must later free with
 * xf_bridge_conf_destroy().  Appends one message per problem to 'errors'; a
 * key with a bad value is ignored as a whole, i.e. it takes its default. */
void
xf_bridge_conf_parse(const char *br_name, const struct smap *other_config,
                     struct xf_bridge_conf *conf, struct svec *errors)
{
    memset(conf, 0, sizeof *conf);
    shash_init(&conf->networks);
    shash_init(&conf->routers);

    const char *enable = smap_get(other_config, XF_KEY_ENABLE);
    if (enable && !xf_parse_bool(enable, &conf->enabled)) {
        add_error(errors, "bridge %s: other_config:%s=\"%s\" is not a "
                  "boolean (use \"true\" or \"false\"); ignored, XenFlow "
                  "stays disabled on this bridge",
                  br_name, XF_KEY_ENABLE, enable);
    }

    /* Walk the keys in sorted order, so that which of two clashing networks
     * wins (the first by name) does not depend on hash order.  'id_owner'
     * maps each id taken so far (in decimal) to its network's name. */
    struct shash id_owner = SHASH_INITIALIZER(&id_owner);
    const struct smap_node **nodes = smap_sort(other_config);
    for (size_t i = 0; i < smap_count(other_config); i++) {
        const char *key = nodes[i]->key;
        const char *value = nodes[i]->value;

        if (strncmp(key, XF_KEY_PREFIX, strlen(XF_KEY_PREFIX))
            || !strcmp(key, XF_KEY_ENABLE)) {
            continue;
        } else if (!strncmp(key, XF_KEY_NETWORK, strlen(XF_KEY_NETWORK))) {
            const char *name = key + strlen(XF_KEY_NETWORK);
            const char *owner;
            char id_s[16];
            unsigned int id;

            if (!xf_conf_name_is_valid(name)) {
                add_error(errors, "bridge %s: other_config:%s: network name "
                          "must be 1 to 32 letters, digits, '_', '.' or "
                          "'-'; ignored", br_name, key);
            } else if (!parse_uint(value, 1, XF_NETWORK_ID_MAX, &id)) {
                add_error(errors, "bridge %s: other_config:%s=\"%s\": "
                          "network id must be an integer from 1 to %d; "
                          "network %s ignored", br_name, key, value,
                          XF_NETWORK_ID_MAX, name);
            } else if ((owner = shash_find_data(&id_owner,
                                                id_key(id, id_s)))) {
                add_error(errors, "bridge %s: networks %s and %s both use "
                          "id %u; network %s ignored",
                          br_name, owner, name, id, name);
            } else {
                struct xf_network_conf *nc = xzalloc(sizeof *nc);
                nc->name = xstrdup(name);
                nc->id = id;
                shash_add(&id_owner, id_s, nc->name);
                shash_add(&conf->networks, name, nc);
            }
        } else if (!strncmp(key, XF_KEY_ROUTER, strlen(XF_KEY_ROUTER))) {
            const char *name = key + strlen(XF_KEY_ROUTER);
            struct xf_router_conf rc;

            xf_router_conf_set_defaults(&rc);
            char *error = (xf_conf_name_is_valid(name)
                           ? parse_router_limits(value, &rc) : NULL);
            if (!xf_conf_name_is_valid(name)) {
                add_error(errors, "bridge %s: other_config:%s: router name "
                          "must be 1 to 32 letters, digits, '_', '.' or "
                          "'-'; ignored", br_name, key);
            } else if (error) {
                add_error(errors, "bridge %s: other_config:%s: %s; limits "
                          "ignored, router %s keeps the defaults",
                          br_name, key, error, name);
                free(error);
                free(rc.client_id);
            } else {
                struct xf_router_conf *p = xmemdup(&rc, sizeof rc);
                p->name = xstrdup(name);
                shash_add(&conf->routers, name, p);
            }
        } else {
            add_error(errors, "bridge %s: other_config:%s is not a XenFlow "
                      "key (see xenflow(7)); ignored", br_name, key);
        }
    }
    free(nodes);
    shash_destroy(&id_owner);
}

void
xf_bridge_conf_destroy(struct xf_bridge_conf *conf)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, &conf->networks) {
        struct xf_network_conf *nc = node->data;
        free(nc->name);
        free(nc);
    }
    shash_destroy(&conf->networks);
    SHASH_FOR_EACH (node, &conf->routers) {
        struct xf_router_conf *rc = node->data;
        free(rc->name);
        free(rc->client_id);
        free(rc);
    }
    shash_destroy(&conf->routers);
}

/* Returns a malloc()'d router configuration with default limits for router
 * 'name'. */
struct xf_router_conf *
xf_router_conf_default(const char *name)
{
    struct xf_router_conf *rc = xzalloc(sizeof *rc);
    xf_router_conf_set_defaults(rc);
    rc->name = xstrdup(name);
    return rc;
}

/* The client channel: other_config of the Open_vSwitch table. */

/* Returns the value of 'key' in 'cfg' if it is an integer from 'min' to
 * 'max', otherwise reports the problem (if the key is there) and returns
 * 'dflt'. */
unsigned int
xf_get_uint_key(const struct smap *cfg, const char *key, unsigned int min,
                unsigned int max, unsigned int dflt, struct svec *errors)
{
    const char *s = smap_get(cfg, key);
    unsigned int value;

    if (!s) {
        return dflt;
    } else if (!parse_uint(s, min, max, &value)) {
        add_error(errors, "Open_vSwitch: other_config:%s=\"%s\" is not an "
                  "integer from %u to %u; using the default, %u",
                  key, s, min, max, dflt);
        return dflt;
    }
    return value;
}

/* Parses the passive remotes in 'key' of 'cfg', separated by spaces or
 * commas, into 'listen'.  "ptcp:" is accepted only if 'allow_tcp'. */
static void
parse_listeners(const struct smap *cfg, const char *key, bool allow_tcp,
                struct sset *listen, struct svec *errors)
{
    const char *name, *next;

    sset_init(listen);
    sset_from_delimited_string(listen, smap_get_def(cfg, key, ""), " ,");
    SSET_FOR_EACH_SAFE (name, next, listen) {
        if (strncmp(name, "pssl:", 5) && strncmp(name, "punix:", 6)
            && (!allow_tcp || strncmp(name, "ptcp:", 5))) {
            add_error(errors, "Open_vSwitch: other_config:%s: \"%s\" "
                      "is not a passive remote (%s); ignored", key, name,
                      allow_tcp ? "pssl:, ptcp: or punix:"
                      : "pssl: or punix:, which authenticate the peer");
            sset_delete(listen, SSET_NODE_FROM_NAME(name));
        }
    }
}

/* Parses the client channel's keys into 'conf', which the caller must free
 * with xf_server_conf_destroy().  A bad value takes its default; a listener
 * that is not a passive remote is left out.  Each problem goes to
 * 'errors'. */
void
xf_server_conf_parse(const struct smap *cfg, struct xf_server_conf *conf,
                     struct svec *errors)
{
    conf->grace = xf_get_uint_key(cfg, XF_KEY_CLIENT_GRACE, 0, 86400, 30,
                                  errors);
    conf->max_message = xf_get_uint_key(cfg, XF_KEY_CLIENT_MAX_MESSAGE, 4096,
                                        1 << 30, 16 << 20, errors);
    conf->rate = xf_get_uint_key(cfg, XF_KEY_CLIENT_RATE, 1, 1000000, 2000,
                                 errors);
    conf->probe = xf_get_uint_key(cfg, XF_KEY_CLIENT_PROBE, 1000, 3600000,
                                  5000, errors);

    parse_listeners(cfg, XF_KEY_LISTEN, true, &conf->listen, errors);
}

void
xf_server_conf_destroy(struct xf_server_conf *conf)
{
    sset_destroy(&conf->listen);
}

/* QoS. */

static const struct {
    const char *name;
    uint8_t proto;
} qos_protos[] = {
    { "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { "sctp", IPPROTO_SCTP },
    { "icmp", IPPROTO_ICMP }, { "icmp6", IPPROTO_ICMPV6 },
};

static bool
proto_has_ports(uint8_t proto)
{
    return proto == IPPROTO_TCP || proto == IPPROTO_UDP
           || proto == IPPROTO_SCTP;
}

/* Parses a class of flows, e.g. "dscp=46" or "udp,tp_dst=5001": words
 * separated by commas or spaces, each "dscp=N", "proto=N", "tp_src=N",
 * "tp_dst=N" or a protocol name (tcp, udp, sctp, icmp, icmp6), each at most
 * once.  Returns NULL or a malloc()'d error. */
char *
xf_qos_class_parse(const char *s, struct xf_qos_class *c)
{
    char *copy = xstrdup(s);
    char *save_ptr = NULL;
    char *error = NULL;
    bool any = false;

    memset(c, 0, sizeof *c);
    for (char *word = strtok_r(copy, ", ", &save_ptr); word && !error;
         word = strtok_r(NULL, ", ", &save_ptr)) {
        char *value = strchr(word, '=');
        unsigned int v;

        any = true;
        if (value) {
            *value++ = '\0';
        }
        if (!value) {
            size_t i;
            for (i = 0; i < ARRAY_SIZE(qos_protos); i++) {
                if (!strcmp(word, qos_protos[i].name)) {
                    break;
                }
            }
            if (i == ARRAY_SIZE(qos_protos)) {
                error = xasprintf("\"%s\" is not a protocol (tcp, udp, sctp, "
                                  "icmp, icmp6) or KEY=VALUE", word);
            } else if (c->proto) {
                error = xasprintf("more than one protocol");
            } else {
                c->proto = qos_protos[i].proto;
            }
        } else if (!strcmp(word, "dscp")) {
            if (c->has_dscp || !parse_uint(value, 0, 63, &v)) {
                error = xasprintf("dscp must be given once, from 0 to 63");
            } else {
                c->has_dscp = true;
                c->dscp = v;
            }
        } else if (!strcmp(word, "proto")) {
            if (c->proto || !parse_uint(value, 1, 255, &v)) {
                error = xasprintf("proto must be given once, from 1 to 255");
            } else {
                c->proto = v;
            }
        } else if (!strcmp(word, "tp_src") || !strcmp(word, "tp_dst")) {
            uint16_t *port = word[3] == 's' ? &c->tp_src : &c->tp_dst;
            if (*port || !parse_uint(value, 1, 65535, &v)) {
                error = xasprintf("%s must be given once, from 1 to 65535",
                                  word);
            } else {
                *port = v;
            }
        } else {
            error = xasprintf("unknown key \"%s\" (dscp, proto, tp_src, "
                              "tp_dst)", word);
        }
    }
    free(copy);

    if (!error && !any) {
        error = xstrdup("empty class");
    } else if (!error && (c->tp_src || c->tp_dst)
               && !proto_has_ports(c->proto)) {
        error = xstrdup("tp_src and tp_dst need tcp, udp or sctp");
    }
    return error;
}

/* Appends to 's' the OpenFlow match of class 'c' for IPv4 or, if 'ipv6',
 * IPv6 packets.  Returns false, appending nothing, if the class cannot
 * match that family (icmp is IPv4's, icmp6 IPv6's). */
bool
xf_qos_class_format_match(const struct xf_qos_class *c, bool ipv6,
                          struct ds *s)
{
    if ((c->proto == IPPROTO_ICMP && ipv6)
        || (c->proto == IPPROTO_ICMPV6 && !ipv6)) {
        return false;
    }
    ds_put_format(s, "%s", ipv6 ? "ipv6" : "ip");
    if (c->proto) {
        ds_put_format(s, ",nw_proto=%"PRIu8, c->proto);
    }
    if (c->has_dscp) {
        ds_put_format(s, ",ip_dscp=%"PRIu8, c->dscp);
    }
    if (c->tp_src) {
        ds_put_format(s, ",tp_src=%"PRIu16, c->tp_src);
    }
    if (c->tp_dst) {
        ds_put_format(s, ",tp_dst=%"PRIu16, c->tp_dst);
    }
    return true;
}

/* Appends class 'c' to 's' in the syntax xf_qos_class_parse() reads. */
void
xf_qos_class_format(const struct xf_qos_class *c, struct ds *s)
{
    size_t start = s->length;

    if (c->proto) {
        size_t i;
        for (i = 0; i < ARRAY_SIZE(qos_protos); i++) {
            if (qos_protos[i].proto == c->proto) {
                ds_put_format(s, "%s,", qos_protos[i].name);
                break;
            }
        }
        if (i == ARRAY_SIZE(qos_protos)) {
            ds_put_format(s, "proto=%"PRIu8",", c->proto);
        }
    }
    if (c->has_dscp) {
        ds_put_format(s, "dscp=%"PRIu8",", c->dscp);
    }
    if (c->tp_src) {
        ds_put_format(s, "tp_src=%"PRIu16",", c->tp_src);
    }
    if (c->tp_dst) {
        ds_put_format(s, "tp_dst=%"PRIu16",", c->tp_dst);
    }
    if (s->length > start) {
        ds_chomp(s, ',');
    }
}

/* Parses the rate in bit/s of 'key' in 'cfg' into '*rate' (0 if absent):
 * 1 to 15 digits.  Returns false if it is not such a number. */
static bool
parse_rate(const struct smap *cfg, const char *key, unsigned long long *rate)
{
    const char *s = smap_get(cfg, key);

    *rate = 0;
    if (!s) {
        return true;
    }
    return is_decimal(s, 15) && str_to_ullong(s, 10, rate);
}

/* Parses the other_config of the Queue with id 'queue_id' of port
 * 'port_name'.  Returns true if XenFlow uses the queue (it names a network).
 * Each problem goes to 'errors', and then the queue is not XenFlow's. */
bool
xf_queue_conf_parse(const char *port_name, unsigned int queue_id,
                    const struct smap *cfg, struct xf_queue_conf *qc,
                    struct svec *errors)
{
    static const char *const queue_keys[] = {
        XF_QUEUE_NETWORK, XF_QUEUE_CLASS,
    };
    const char *network = smap_get(cfg, XF_QUEUE_NETWORK);
    const char *class = smap_get(cfg, XF_QUEUE_CLASS);
    const struct smap_node *node;
    size_t n_errors = errors->n;

    memset(qc, 0, sizeof *qc);
    SMAP_FOR_EACH (node, cfg) {
        if (!strncmp(node->key, XF_KEY_PREFIX, strlen(XF_KEY_PREFIX))
            && !xf_conf_is_known_key(node->key, queue_keys,
                                     ARRAY_SIZE(queue_keys))) {
            add_error(errors, "port %s: queue %u: unknown key "
                      "other_config:%s", port_name, queue_id, node->key);
        }
    }
    if (network && !xf_conf_name_is_valid(network)) {
        add_error(errors, "port %s: queue %u: other_config:%s=\"%s\" is not "
                  "a network name", port_name, queue_id, XF_QUEUE_NETWORK,
                  network);
    }
    if (class) {
        char *error = xf_qos_class_parse(class, &qc->class);
        if (error) {
            add_error(errors, "port %s: queue %u: other_config:%s=\"%s\": %s",
                      port_name, queue_id, XF_QUEUE_CLASS, class, error);
            free(error);
        } else if (!network) {
            add_error(errors, "port %s: queue %u: other_config:%s needs "
                      "other_config:%s (the class's network)", port_name,
                      queue_id, XF_QUEUE_CLASS, XF_QUEUE_NETWORK);
        }
        qc->has_class = true;
    }
    if (!parse_rate(cfg, "min-rate", &qc->min_rate)
        || !parse_rate(cfg, "max-rate", &qc->max_rate)) {
        add_error(errors, "port %s: queue %u: min-rate and max-rate must be "
                  "integers (bit/s)", port_name, queue_id);
    }

    if (errors->n > n_errors) {
        char *last = errors->names[errors->n - 1];
        errors->names[errors->n - 1] = xasprintf(
            "%s; XenFlow does not use this queue", last);
        free(last);
        memset(qc, 0, sizeof *qc);
        return false;
    }
    qc->network = nullable_xstrdup(network);
    return qc->network != NULL;
}

void
xf_queue_conf_destroy(struct xf_queue_conf *qc)
{
    free(qc->network);
}

/* Whether the QoS row of port 'port_name' asks for the redistributor. */
bool
xf_qos_conf_redistribute(const char *port_name, const struct smap *cfg,
                         struct svec *errors)
{
    const char *s = smap_get(cfg, XF_QOS_REDISTRIBUTE);
    const struct smap_node *node;
    bool on = false;

    SMAP_FOR_EACH (node, cfg) {
        if (!strncmp(node->key, XF_KEY_PREFIX, strlen(XF_KEY_PREFIX))
            && strcmp(node->key, XF_QOS_REDISTRIBUTE)) {
            add_error(errors, "port %s: QoS: unknown key other_config:%s",
                      port_name, node->key);
        }
    }
    if (s && !xf_parse_bool(s, &on)) {
        add_error(errors, "port %s: QoS: other_config:%s=\"%s\" is not true "
                  "or false; redistribution stays off", port_name,
                  XF_QOS_REDISTRIBUTE, s);
    }
    return on;
}

void
xf_qos_timing_parse(const struct smap *cfg, struct xf_qos_timing *timing,
                    struct svec *errors)
{
    timing->interval = xf_get_uint_key(cfg, XF_KEY_QOS_INTERVAL, 100, 60000,
                                       1000, errors);
    timing->samples = xf_get_uint_key(cfg, XF_KEY_QOS_SAMPLES, 1, 60, 3,
                                      errors);
}

unsigned int
xf_bulk_share_parse(const struct smap *cfg, unsigned int dflt,
                    struct svec *errors)
{
    return xf_get_uint_key(cfg, XF_KEY_BULK_SHARE, 1, 100, dflt, errors);
}

unsigned int
xf_restore_share_parse(const struct smap *cfg, struct svec *errors)
{
    return xf_get_uint_key(cfg, XF_KEY_RESTORE_SHARE, 1, 100,
                           XF_RESTORE_DEFAULT_SHARE, errors);
}

/* Parses the migration keys into 'conf', which the caller must free with
 * xf_migrate_conf_destroy().  Bad values take their defaults. */
void
xf_migrate_conf_parse(const struct smap *cfg, struct xf_migrate_conf *conf,
                      struct svec *errors)
{
    parse_listeners(cfg, XF_KEY_PEER_LISTEN, false, &conf->listen, errors);

    sset_init(&conf->peers);
    sset_from_delimited_string(&conf->peers,
                               smap_get_def(cfg, XF_KEY_PEERS, ""), " ,");
    conf->mover = nullable_xstrdup(smap_get(cfg, XF_KEY_MOVER));
    conf->drain = xf_get_uint_key(cfg, XF_KEY_MIGRATE_DRAIN, 0, 600000, 1000,
                                  errors);
    conf->timeout = xf_get_uint_key(cfg, XF_KEY_MIGRATE_TIMEOUT, 1, 86400, 300,
                                    errors);
}

void
xf_migrate_conf_destroy(struct xf_migrate_conf *conf)
{
    sset_destroy(&conf->listen);
    sset_destroy(&conf->peers);
    free(conf->mover);
}
