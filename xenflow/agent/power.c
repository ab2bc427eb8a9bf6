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
/* Power-off by command, power-on by Wake-on-LAN (see power.h). */

#include <config.h>

#include "xenflow/agent/power.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "packets.h"
#include "process.h"
#include "smap.h"
#include "socket-util.h"
#include "sset.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/agent/fleet.h"
#include "xenflow/fleet/fleet-idl.h"

VLOG_DEFINE_THIS_MODULE(xenflow_agent_power);

extern char **environ;

#define WOL_INTERVAL_MS 3000
#define WAITPID_INTERVAL_MS 100

enum power_state {
    PWR_ON,                     /* Nothing to do. */
    PWR_ANNOUNCE,               /* Reporting "powering-off" first. */
    PWR_RUNNING,                /* power_off_command runs ('pid'). */
    PWR_RAN,                    /* It ended; not run again for this wish. */
};

struct xfa_power {
    enum power_state state;
    pid_t pid;
    char *error;                /* The power-off command's failure. */
    struct shash wol_sent;      /* Node name -> long long int *: when. */
    unsigned long long n_wol;
};

struct xfa_power *
xfa_power_create(void)
{
    struct xfa_power *p = xzalloc(sizeof *p);
    shash_init(&p->wol_sent);
    return p;
}

void
xfa_power_destroy(struct xfa_power *p)
{
    if (p) {
        shash_destroy_free_data(&p->wol_sent);
        free(p->error);
        free(p);
    }
}

static void
set_error(struct xfa_power *p, char *error)
{
    free(p->error);
    p->error = error;
    if (error) {
        VLOG_WARN("%s", error);
    }
}

static void
start_power_off(struct xfa_power *p, const char *command)
{
    char *argv[] = { "/bin/sh", "-c", CONST_CAST(char *, command), NULL };
    VLOG_INFO("powering this node off: %s", command);
    int retval = posix_spawn(&p->pid, "/bin/sh", NULL, NULL, argv, environ);
    if (retval) {
        set_error(p, xasprintf("power_off_command: cannot run /bin/sh: %s",
                               ovs_strerror(retval)));
        p->state = PWR_RAN;
    } else {
        p->state = PWR_RUNNING;
    }
}

static bool
reap_power_off(struct xfa_power *p)
{
    int status;
    pid_t retval = waitpid(p->pid, &status, WNOHANG);
    if (retval == 0 || (retval < 0 && errno == EINTR)) {
        return false;
    }
    p->state = PWR_RAN;
    if (retval < 0) {
        set_error(p, xasprintf("power_off_command: waitpid: %s",
                               ovs_strerror(errno)));
    } else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        char *msg = process_status_msg(status);
        set_error(p, xasprintf("power_off_command failed (%s)", msg));
        free(msg);
    } else {
        VLOG_INFO("power_off_command exited successfully");
    }
    return true;
}

/* Sends a Wake-on-LAN magic packet for 'mac' to 'dest' (IP[:PORT], or NULL
 * for 255.255.255.255:9), out of 'port' if it is a device of this host and
 * the destination is the broadcast default. */
static char *
send_wol(const struct eth_addr mac, const char *dest, const char *port)
{
    uint8_t packet[6 + 16 * ETH_ADDR_LEN];
    memset(packet, 0xff, 6);
    for (int i = 0; i < 16; i++) {
        memcpy(&packet[6 + i * ETH_ADDR_LEN], mac.ea, ETH_ADDR_LEN);
    }

    struct sockaddr_storage ss;
    if (!inet_parse_active(dest ? dest : "255.255.255.255", 9, &ss, false,
                           NULL)) {
        return xasprintf("options:wol-destination \"%s\" is not IP[:PORT]",
                         dest);
    }
    int fd = socket(ss.ss_family, SOCK_DGRAM, 0);
    if (fd < 0) {
        return xasprintf("socket: %s", ovs_strerror(errno));
    }
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on);
    if (!dest && port && if_nametoindex(port)
        && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, port,
                      strlen(port) + 1)) {
        VLOG_WARN_ONCE("Wake-on-LAN: cannot send out of %s (%s): sent "
                       "by the routing table", port, ovs_strerror(errno));
    }
    char *error = NULL;
    if (sendto(fd, packet, sizeof packet, 0, (struct sockaddr *) &ss,
               ss_length(&ss)) < 0) {
        error = xasprintf("sendto %s: %s", dest ? dest : "255.255.255.255:9",
                          ovs_strerror(errno));
    }
    close(fd);
    return error;
}

/* Sends the magic packets this node owes its powered-off neighbours. */
static void
wake_neighbours(struct xfa_power *p, struct ovsdb_idl *idl,
                const struct fleetrec_node *self)
{
    long long int now = time_msec();
    struct sset asleep = SSET_INITIALIZER(&asleep);
    const struct fleetrec_link *link;
    FLEETREC_LINK_FOR_EACH (link, idl) {
        const struct fleetrec_node *peer = (link->node1 == self ? link->node2
                                            : link->node2 == self
                                            ? link->node1 : NULL);
        const char *port = link->node1 == self ? link->port1 : link->port2;
        struct eth_addr mac;
        if (!peer || peer == self || strcmp(peer->power, "on")
            || !peer->agent_state
            || strcmp(peer->agent_state, "powering-off")
            || !peer->wol_mac || !eth_addr_from_string(peer->wol_mac, &mac)) {
            continue;
        }
        sset_add(&asleep, peer->name);
        long long int *sent = shash_find_data(&p->wol_sent, peer->name);
        if (sent && now < *sent + WOL_INTERVAL_MS) {
            continue;
        }
        if (!sent) {
            sent = xmalloc(sizeof *sent);
            shash_add(&p->wol_sent, peer->name, sent);
        }
        *sent = now;
        char *error = send_wol(mac, smap_get(&peer->options,
                                             "wol-destination"), port);
        if (error) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
            VLOG_WARN_RL(&rl, "Wake-on-LAN for node %s: %s", peer->name,
                         error);
            free(error);
        } else {
            p->n_wol++;
            VLOG_INFO("Wake-on-LAN magic packet sent for node %s (%s)",
                      peer->name, peer->wol_mac);
        }
    }

    /* Nodes that woke up (or whose wish changed) get no more. */
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, &p->wol_sent) {
        if (!sset_contains(&asleep, node->name)) {
            free(node->data);
            shash_delete(&p->wol_sent, node);
        }
    }
    sset_destroy(&asleep);
}

/* Acts on the fleet's power wishes.  'empty': nothing of the fleet's runs
 * here any more.  Returns true if what this node reports changed. */
bool
xfa_power_run(struct xfa_power *p, struct ovsdb_idl *idl, const char *name,
              bool empty)
{
    const struct fleetrec_node *self = xfa_fleet_find_node(idl, name);
    enum power_state before = p->state;

    if (!self) {
        return false;
    }
    wake_neighbours(p, idl, self);

    if (p->state == PWR_RUNNING) {
        reap_power_off(p);
    } else if (strcmp(self->power, "off")) {
        p->state = PWR_ON;
        set_error(p, NULL);
    } else if (p->state == PWR_ON && empty) {
        if (!self->power_off_command || !self->power_off_command[0]) {
            if (!p->error) {
                set_error(p, xasprintf("node %s: power is off but it has "
                                       "no power_off_command", name));
            }
        } else {
            p->state = PWR_ANNOUNCE;
        }
    } else if (p->state == PWR_ANNOUNCE && self->agent_state
               && !strcmp(self->agent_state, "powering-off")) {
        start_power_off(p, self->power_off_command);
    }
    return p->state != before;
}

void
xfa_power_wait(const struct xfa_power *p)
{
    if (p->state == PWR_RUNNING) {
        poll_timer_wait(WAITPID_INTERVAL_MS);
    }
    struct shash_node *node;
    SHASH_FOR_EACH (node, &p->wol_sent) {
        const long long int *sent = node->data;
        poll_timer_wait_until(*sent + WOL_INTERVAL_MS);
    }
}

/* What Node.agent_state should say, or NULL for the usual. */
const char *
xfa_power_agent_state(const struct xfa_power *p)
{
    return p->state == PWR_ON ? NULL : "powering-off";
}

const char *
xfa_power_error(const struct xfa_power *p)
{
    return p->error;
}

void
xfa_power_format(const struct xfa_power *p, struct ds *s)
{
    static const char *names[] = {
        [PWR_ON] = "on", [PWR_ANNOUNCE] = "powering off (reporting)",
        [PWR_RUNNING] = "powering off (power_off_command runs)",
        [PWR_RAN] = "powered off (power_off_command ran)",
    };
    ds_put_format(s, "power: %s", names[p->state]);
    if (p->error) {
        ds_put_format(s, ": %s", p->error);
    }
    ds_put_format(s, "; Wake-on-LAN packets sent: %llu\n", p->n_wol);
}
