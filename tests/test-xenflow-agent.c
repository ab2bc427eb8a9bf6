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

/* Unit test of the agent's pure parts, driven by tests/xenflow-agent.at:
 * the translation of a node's desired state into XenFlow's keys
 * (xenflow/agent/translate.c) and the domain XML (xenflow/agent/vm-xml.c).
 *
 *   ovstest test-xenflow-agent translate < SPEC
 *   ovstest test-xenflow-agent xml ROUTER < SPEC
 *
 * SPEC, one item per line:
 *   bridge NAME
 *   node NAME [peer_address=A] [peer-listen=L] [client-listen=L] [mover=M]
 *   peer NAME (another node)
 *   net NAME VLAN
 *   trunk PORT [trusted] [max-rate=BPS]
 *   queue PORT NETWORK VLAN MIN-RATE [MAX-RATE]   (the last trunk PORT's)
 *   router NAME [driver=D] [vcpus=N] [memory=MB] [fs=DIR] [image=FILE]
 *          [routes=N] [neighbors=N] [boot=DIR]
 *   iface ROUTER NAME NETWORK MAC [ADDRESSES]
 */

#include <config.h>
#undef NDEBUG

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "svec.h"
#include "tests/ovstest.h"
#include "util.h"
#include "xenflow/agent/translate.h"
#include "xenflow/agent/vm.h"

#define TEST_MAX 16

struct spec {
    char *bridge;
    struct xfa_net_spec nets[TEST_MAX];
    size_t n_nets;
    struct xfa_trunk_spec trunks[TEST_MAX];
    struct xfa_queue_spec queues[TEST_MAX][TEST_MAX];
    size_t n_trunks;
    struct xfa_vm vms[TEST_MAX];
    struct xfa_router_spec routers[TEST_MAX];
    size_t n_routers;
    struct xfa_channel_spec channel;
    const char *peers[TEST_MAX];
};

static void
parse_router(struct spec *spec, struct svec *w)
{
    struct xfa_vm *vm = &spec->vms[spec->n_routers];
    struct xfa_router_spec *r = &spec->routers[spec->n_routers++];

    memset(vm, 0, sizeof *vm);
    vm->name = xstrdup(w->names[1]);
    vm->bridge = xstrdup(spec->bridge);
    vm->vcpus = 1;
    vm->memory_mb = 64;
    r->vm = vm;
    r->max_routes = r->max_neighbors = -1;
    for (size_t i = 2; i < w->n; i++) {
        char *eq = strchr(w->names[i], '=');
        ovs_assert(eq);
        *eq = '\0';
        const char *k = w->names[i], *v = eq + 1;
        if (!strcmp(k, "driver")) {
            ovs_assert(xfa_driver_from_string(v, &vm->driver));
        } else if (!strcmp(k, "vcpus")) {
            vm->vcpus = atoi(v);
        } else if (!strcmp(k, "memory")) {
            vm->memory_mb = atoll(v);
        } else if (!strcmp(k, "fs")) {
            vm->filesystem = xstrdup(v);
        } else if (!strcmp(k, "image")) {
            vm->image = xstrdup(v);
        } else if (!strcmp(k, "boot")) {
            vm->boot_dir = xstrdup(v);
        } else if (!strcmp(k, "routes")) {
            r->max_routes = atoll(v);
        } else if (!strcmp(k, "neighbors")) {
            r->max_neighbors = atoll(v);
        } else {
            ovs_fatal(0, "unknown router key %s", k);
        }
    }
}

static void
parse_node(struct spec *spec, struct svec *w)
{
    struct xfa_channel_spec *ch = &spec->channel;

    ch->node = xstrdup(w->names[1]);
    ch->peer_address = xstrdup("");
    for (size_t i = 2; i < w->n; i++) {
        char *eq = strchr(w->names[i], '=');
        ovs_assert(eq);
        *eq = '\0';
        const char *k = w->names[i];
        char *v = xstrdup(eq + 1);
        if (!strcmp(k, "peer_address")) {
            free(CONST_CAST(char *, ch->peer_address));
            ch->peer_address = v;
        } else if (!strcmp(k, "peer-listen")) {
            ch->peer_listen = v;
        } else if (!strcmp(k, "client-listen")) {
            ch->client_listen = v;
        } else if (!strcmp(k, "mover")) {
            ch->mover = v;
        } else {
            ovs_fatal(0, "unknown node key %s", k);
        }
    }
}

static void
parse_iface(struct spec *spec, struct svec *w)
{
    ovs_assert(w->n >= 5);
    for (size_t i = 0; i < spec->n_routers; i++) {
        struct xfa_vm *vm = &spec->vms[i];
        if (!strcmp(vm->name, w->names[1])) {
            vm->ifaces = xrealloc(vm->ifaces,
                                  (vm->n_ifaces + 1) * sizeof *vm->ifaces);
            struct xfa_vm_iface *iface = &vm->ifaces[vm->n_ifaces++];
            iface->name = xstrdup(w->names[2]);
            iface->network = xstrdup(w->names[3]);
            if (!eth_addr_from_string(w->names[4], &iface->mac)) {
                ovs_fatal(0, "bad MAC %s", w->names[4]);
            }
            iface->addresses = w->n > 5 ? xstrdup(w->names[5]) : NULL;
            return;
        }
    }
    ovs_fatal(0, "iface of unknown router %s", w->names[1]);
}

static void
parse_spec(struct spec *spec)
{
    char line[1024];

    memset(spec, 0, sizeof *spec);
    spec->bridge = xstrdup("br0");
    while (fgets(line, sizeof line, stdin)) {
        struct svec w = SVEC_EMPTY_INITIALIZER;
        svec_parse_words(&w, line);
        if (!w.n) {
            svec_destroy(&w);
            continue;
        }
        ovs_assert(spec->n_nets < TEST_MAX && spec->n_trunks < TEST_MAX
                   && spec->n_routers < TEST_MAX);
        const char *cmd = w.names[0];
        if (!strcmp(cmd, "bridge")) {
            free(spec->bridge);
            spec->bridge = xstrdup(w.names[1]);
        } else if (!strcmp(cmd, "node")) {
            parse_node(spec, &w);
        } else if (!strcmp(cmd, "peer")) {
            ovs_assert(spec->channel.n_peers < TEST_MAX);
            spec->peers[spec->channel.n_peers++] = xstrdup(w.names[1]);
            spec->channel.peers = spec->peers;
        } else if (!strcmp(cmd, "net")) {
            struct xfa_net_spec *net = &spec->nets[spec->n_nets++];
            net->name = xstrdup(w.names[1]);
            net->vlan = atoll(w.names[2]);
        } else if (!strcmp(cmd, "trunk")) {
            struct xfa_trunk_spec *t = &spec->trunks[spec->n_trunks];
            t->port = xstrdup(w.names[1]);
            t->link = xasprintf("l-%s", w.names[1]);
            t->max_rate = -1;
            t->queues = spec->queues[spec->n_trunks++];
            for (size_t i = 2; i < w.n; i++) {
                if (!strcmp(w.names[i], "trusted")) {
                    t->trusted = true;
                } else if (!strncmp(w.names[i], "max-rate=", 9)) {
                    t->max_rate = atoll(w.names[i] + 9);
                } else if (!strncmp(w.names[i], "encap=", 6)) {
                    t->encap = xstrdup(w.names[i] + 6);
                }
            }
        } else if (!strcmp(cmd, "queue")) {
            ovs_assert(spec->n_trunks && w.n >= 5);
            struct xfa_trunk_spec *t = &spec->trunks[spec->n_trunks - 1];
            ovs_assert(!strcmp(t->port, w.names[1]) && t->n_queues < TEST_MAX);
            struct xfa_queue_spec *q = &spec->queues[spec->n_trunks - 1]
                                                    [t->n_queues++];
            q->network = xstrdup(w.names[2]);
            q->vlan = atoll(w.names[3]);
            q->min_rate = atoll(w.names[4]);
            q->max_rate = w.n > 5 ? atoll(w.names[5]) : -1;
        } else if (!strcmp(cmd, "router")) {
            parse_router(spec, &w);
        } else if (!strcmp(cmd, "iface")) {
            parse_iface(spec, &w);
        } else {
            ovs_fatal(0, "unknown spec line %s", cmd);
        }
        svec_destroy(&w);
    }
}

static void
test_xenflow_agent_main(int argc, char *argv[])
{
    struct spec spec;
    struct ds s = DS_EMPTY_INITIALIZER;

    if (argc < 2) {
        ovs_fatal(0, "usage: test-xenflow-agent translate|xml [ROUTER]");
    }
    parse_spec(&spec);
    if (!strcmp(argv[1], "translate")) {
        struct xfa_node_spec node = {
            .bridge = spec.bridge,
            .channel = spec.channel,
            .nets = spec.nets, .n_nets = spec.n_nets,
            .trunks = spec.trunks, .n_trunks = spec.n_trunks,
            .routers = spec.routers, .n_routers = spec.n_routers,
        };
        struct xfa_local local;
        xfa_translate(&node, &local);
        xfa_local_format(&local, &s);
        xfa_local_destroy(&local);
    } else if (!strcmp(argv[1], "xml") && argc > 2) {
        for (size_t i = 0; i < spec.n_routers; i++) {
            if (!strcmp(spec.vms[i].name, argv[2])) {
                char *error = xfa_vm_validate(&spec.vms[i]);
                if (error) {
                    ds_put_format(&s, "error: %s\n", error);
                    free(error);
                } else {
                    xfa_vm_to_xml(&spec.vms[i], &s);
                }
            }
        }
    } else {
        ovs_fatal(0, "unknown command %s", argv[1]);
    }
    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);

    for (size_t i = 0; i < spec.n_routers; i++) {
        xfa_vm_destroy(&spec.vms[i]);
    }
    for (size_t i = 0; i < spec.n_nets; i++) {
        free(CONST_CAST(char *, spec.nets[i].name));
    }
    for (size_t i = 0; i < spec.n_trunks; i++) {
        free(CONST_CAST(char *, spec.trunks[i].port));
        free(CONST_CAST(char *, spec.trunks[i].link));
        free(CONST_CAST(char *, spec.trunks[i].encap));
        for (size_t j = 0; j < spec.trunks[i].n_queues; j++) {
            free(CONST_CAST(char *, spec.queues[i][j].network));
        }
    }
    for (size_t i = 0; i < spec.channel.n_peers; i++) {
        free(CONST_CAST(char *, spec.peers[i]));
    }
    free(CONST_CAST(char *, spec.channel.node));
    free(CONST_CAST(char *, spec.channel.peer_address));
    free(CONST_CAST(char *, spec.channel.peer_listen));
    free(CONST_CAST(char *, spec.channel.client_listen));
    free(CONST_CAST(char *, spec.channel.mover));
    free(spec.bridge);
}

OVSTEST_REGISTER("test-xenflow-agent", test_xenflow_agent_main);
