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
#ifndef XENFLOW_AGENT_VM_H
#define XENFLOW_AGENT_VM_H 1

/* A router VM as the agent asks libvirt for it: what the fleet database's
 * Router row (with its Template) says, turned into plain values, and the
 * libvirt domain XML built from them.  Pure: no libvirt call here. */

#include <stdbool.h>
#include "openvswitch/compiler.h"
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/types.h"

struct ds;

enum xfa_driver {
    XFA_DRIVER_LXC,             /* Container: lxc:///system. */
    XFA_DRIVER_QEMU,            /* Full VM (TCG or KVM): qemu:///system. */
    XFA_DRIVER_TEST,            /* libvirt's test driver (error paths). */
};

struct xfa_vm_iface {
    char *name;                 /* Guest-side name, e.g. "eth0". */
    char *network;              /* XenFlow network. */
    struct eth_addr mac;
    char *addresses;            /* "10.1.0.1/24,2001:db8::1/64", or NULL. */
};

struct xfa_vm {
    char *name;                 /* Domain name = router name. */
    enum xfa_driver driver;
    unsigned int vcpus;
    unsigned long long memory_mb;
    char *bridge;               /* XenFlow bridge the interfaces plug into. */

    /* LXC: the root filesystem directory (NULL: the host's, read-only
     * apart from the router's own directory) and the program run as
     * init. */
    char *filesystem;
    /* QEMU: the disk image (NULL: diskless). */
    char *image;
    /* The router's bootstrap directory on the host (bootstrap.h), mounted
     * at XFA_VM_BOOT_DIR in an LXC guest. */
    char *boot_dir;
    /* The router's FRR configuration (its row's or its template's), written
     * into the bootstrap directory; NULL for none. */
    char *frr_config;

    struct xfa_vm_iface *ifaces;
    size_t n_ifaces;

    /* CPU share: cpu_shares (0: libvirt's default) and a cap in percent of
     * one CPU (0: none), applied as vcpu_quota over a 100 ms
     * vcpu_period. */
    unsigned int cpu_weight;
    unsigned int cpu_cap;
};

/* Where an LXC guest finds its bootstrap directory, and the script it runs
 * as init from there. */
#define XFA_VM_BOOT_DIR "/run/xenflow-router"
#define XFA_VM_BOOT_INIT XFA_VM_BOOT_DIR "/start"

/* The namespace of the agent's element in a domain's <metadata>. */
#define XFA_VM_XML_NS "http://openvswitch.org/xenflow/agent/1"

/* vcpu_period used with a cap, in microseconds. */
#define XFA_VM_CPU_PERIOD 100000

const char *xfa_driver_name(enum xfa_driver);
bool xfa_driver_from_string(const char *, enum xfa_driver *);

char *xfa_vm_validate(const struct xfa_vm *) OVS_WARN_UNUSED_RESULT;
void xfa_vm_to_xml(const struct xfa_vm *, struct ds *);
char *xfa_vm_port_name(const struct xfa_vm *, const struct xfa_vm_iface *);

void xfa_vm_clone(struct xfa_vm *dst, const struct xfa_vm *src);
void xfa_vm_destroy(struct xfa_vm *);

#endif /* xenflow/agent/vm.h */
