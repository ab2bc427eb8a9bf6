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
#ifndef XENFLOW_AGENT_VIRT_H
#define XENFLOW_AGENT_VIRT_H 1

/* The agent's libvirt connection and the domain operations it needs,
 * through libvirt's C API (never virsh).  Every call blocks until libvirt
 * answers, so only the agent's libvirt thread (virt-worker.h) makes them.
 * Errors come back as strings that carry libvirt's own message; a lost
 * connection (libvirtd restarted) is noticed and reopened by the next
 * xfa_virt_connect(). */

#include <stdbool.h>
#include "openvswitch/compiler.h"
#include <stdint.h>
#include "openvswitch/types.h"

struct ds;
struct sset;

/* What libvirt says of one domain. */
struct xfa_dom_info {
    bool exists;
    bool active;                /* Running (or paused, shutting down). */
    const char *state;          /* "running", "shut off", ... */
    char *config;               /* The agent's config hash, or NULL. */

    /* Read back from the scheduler while active; -1 if unknown. */
    long long cpu_shares, vcpu_period, vcpu_quota;

    /* Statistics while active, -1 if the driver has none. */
    long long cpu_time_ns;
    long long mem_actual_kib, mem_rss_kib;
    long long rx_bytes, rx_packets, tx_bytes, tx_packets;
};

struct xfa_virt *xfa_virt_create(const char *uri);
void xfa_virt_destroy(struct xfa_virt *);
const char *xfa_virt_uri(const struct xfa_virt *);

char *xfa_virt_connect(struct xfa_virt *) OVS_WARN_UNUSED_RESULT;
bool xfa_virt_is_connected(const struct xfa_virt *);

char *xfa_virt_list_managed(struct xfa_virt *, struct sset *names)
    OVS_WARN_UNUSED_RESULT;
char *xfa_virt_info(struct xfa_virt *, const char *name,
                    const struct eth_addr *macs, size_t n_macs,
                    struct xfa_dom_info *) OVS_WARN_UNUSED_RESULT;
void xfa_dom_info_destroy(struct xfa_dom_info *);

char *xfa_virt_define(struct xfa_virt *, const char *name, const char *xml)
    OVS_WARN_UNUSED_RESULT;
char *xfa_virt_start(struct xfa_virt *, const char *name)
    OVS_WARN_UNUSED_RESULT;
char *xfa_virt_shutdown(struct xfa_virt *, const char *name)
    OVS_WARN_UNUSED_RESULT;
char *xfa_virt_destroy_domain(struct xfa_virt *, const char *name)
    OVS_WARN_UNUSED_RESULT;
char *xfa_virt_undefine(struct xfa_virt *, const char *name)
    OVS_WARN_UNUSED_RESULT;
char *xfa_virt_set_cpu(struct xfa_virt *, const char *name,
                       unsigned int weight, unsigned int cap)
    OVS_WARN_UNUSED_RESULT;

#endif /* xenflow/agent/virt.h */
