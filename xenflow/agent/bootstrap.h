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
#ifndef XENFLOW_AGENT_BOOTSTRAP_H
#define XENFLOW_AGENT_BOOTSTRAP_H 1

/* A router's bootstrap directory: everything its guest needs to come up
 * routing with nobody logging in, written on the host before the domain is
 * defined and passed to an LXC guest as a read-only filesystem at
 * XFA_VM_BOOT_DIR (vm.h):
 *
 *   start        the guest's init: brings up its interfaces with their
 *                addresses, turns on forwarding, starts FRR if the guest
 *                has it and xenflow-client if it has it and a certificate
 *   interfaces   one line per interface: NAME MAC NETWORK ADDRESSES
 *   frr.conf     the router's FRR configuration (its row's or template's)
 *   switch       the switch's client address (xenflow-client's REMOTE)
 *   client-privkey.pem, client-cert.pem, cacert.pem
 *                xenflow-client's key and certificate, issued with
 *                "ovs-pki req+sign" for the router's name, and the CA
 *
 * Secrets are made here, on the node, never read from the database. */

#include <stdbool.h>
#include "openvswitch/compiler.h"

struct xfa_vm;

struct xfa_bootstrap_options {
    const char *pki_dir;        /* ovs-pki's directory, or NULL: no cert. */
    const char *switch_remote;  /* e.g. "ssl:169.254.100.1:6640", or NULL. */
};

char *xfa_bootstrap_dir(const char *state_dir, const char *router);
char *xfa_bootstrap_write(const struct xfa_vm *,
                          const struct xfa_bootstrap_options *)
    OVS_WARN_UNUSED_RESULT;
void xfa_bootstrap_remove(const char *dir);

#endif /* xenflow/agent/bootstrap.h */
