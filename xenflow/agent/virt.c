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
/* libvirt's C API for the agent (see virt.h). */

#include <config.h>

#include "xenflow/agent/virt.h"

#include <errno.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <string.h>

#include "openvswitch/vlog.h"
#include "packets.h"
#include "sset.h"
#include "util.h"
#include "xenflow/agent/vm.h"
#include "xenflow/virt-state.h"

VLOG_DEFINE_THIS_MODULE(xenflow_agent_virt);

struct xfa_virt {
    char *uri;
    virConnectPtr conn;         /* NULL while not connected. */
};

/* libvirt prints every error on stderr by default; the agent reports them
 * itself. */
static void
ignore_error(void *opaque OVS_UNUSED, virErrorPtr error OVS_UNUSED)
{
}

struct xfa_virt *
xfa_virt_create(const char *uri)
{
    struct xfa_virt *virt = xzalloc(sizeof *virt);
    virt->uri = xstrdup(uri);
    virSetErrorFunc(NULL, ignore_error);
    return virt;
}

static void
disconnect(struct xfa_virt *virt)
{
    if (virt->conn) {
        virConnectClose(virt->conn);
        virt->conn = NULL;
    }
}

void
xfa_virt_destroy(struct xfa_virt *virt)
{
    if (virt) {
        disconnect(virt);
        free(virt->uri);
        free(virt);
    }
}

const char *
xfa_virt_uri(const struct xfa_virt *virt)
{
    return virt->uri;
}

/* "libvirt: WHAT: libvirt's message".  A failed call on a connection that
 * is gone closes it, so that the next xfa_virt_connect() reopens it. */
static char *
error_for(struct xfa_virt *virt, const char *what)
{
    const char *msg = virGetLastErrorMessage();
    char *error = xasprintf("libvirt: %s: %s", what,
                            msg ? msg : "unknown error");
    if (virt->conn && virConnectIsAlive(virt->conn) != 1) {
        VLOG_WARN("libvirt: connection to %s lost", virt->uri);
        disconnect(virt);
    }
    return error;
}

char *
xfa_virt_connect(struct xfa_virt *virt)
{
    if (virt->conn && virConnectIsAlive(virt->conn) == 1) {
        return NULL;
    }
    disconnect(virt);
    virt->conn = virConnectOpen(virt->uri);
    if (!virt->conn) {
        return error_for(virt, virt->uri);
    }
    VLOG_INFO("libvirt: connected to %s", virt->uri);
    return NULL;
}

bool
xfa_virt_is_connected(const struct xfa_virt *virt)
{
    return virt->conn != NULL;
}

/* The agent's config hash in 'dom''s metadata, or NULL if the domain is not
 * the agent's. */
static char *
get_config(virDomainPtr dom)
{
    char *md = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT,
                                    XFA_VM_XML_NS, 0);
    if (!md) {
        return NULL;
    }
    char *config = NULL;
    const char *p = strstr(md, "config=");
    if (p && (p[7] == '"' || p[7] == '\'')) {
        const char *end = strchr(p + 8, p[7]);
        if (end) {
            config = xmemdup0(p + 8, end - (p + 8));
        }
    }
    free(md);
    return config;
}

/* Adds to 'names' every domain that carries the agent's metadata. */
char *
xfa_virt_list_managed(struct xfa_virt *virt, struct sset *names)
{
    virDomainPtr *doms;
    int n = virConnectListAllDomains(virt->conn, &doms, 0);
    if (n < 0) {
        return error_for(virt, "listing domains");
    }
    for (int i = 0; i < n; i++) {
        char *config = get_config(doms[i]);
        if (config) {
            sset_add(names, virDomainGetName(doms[i]));
            free(config);
        }
        virDomainFree(doms[i]);
    }
    free(doms);
    return NULL;
}

static void
read_sched(virDomainPtr dom, struct xfa_dom_info *info)
{
    virTypedParameterPtr params = NULL;
    int n = 0;
    char *type = virDomainGetSchedulerType(dom, &n);
    if (!type) {
        return;
    }
    free(type);
    if (n <= 0) {
        return;
    }
    params = xcalloc(n, sizeof *params);
    if (!virDomainGetSchedulerParametersFlags(dom, params, &n,
                                              VIR_DOMAIN_AFFECT_CURRENT)) {
        unsigned long long u;
        long long ll;
        if (virTypedParamsGetULLong(params, n, VIR_DOMAIN_SCHEDULER_CPU_SHARES,
                                    &u) == 1) {
            info->cpu_shares = u;
        }
        if (virTypedParamsGetULLong(params, n,
                                    VIR_DOMAIN_SCHEDULER_VCPU_PERIOD,
                                    &u) == 1) {
            info->vcpu_period = u;
        }
        if (virTypedParamsGetLLong(params, n, VIR_DOMAIN_SCHEDULER_VCPU_QUOTA,
                                   &ll) == 1) {
            info->vcpu_quota = ll;
        }
    }
    virTypedParamsClear(params, n);
    free(params);
}

static void
read_stats(virDomainPtr dom, const struct eth_addr *macs, size_t n_macs,
           struct xfa_dom_info *info)
{
    virTypedParameter cpu[4];
    int n = virDomainGetCPUStats(dom, cpu, ARRAY_SIZE(cpu), -1, 1, 0);
    if (n > 0) {
        unsigned long long t;
        if (virTypedParamsGetULLong(cpu, n, VIR_DOMAIN_CPU_STATS_CPUTIME,
                                    &t) == 1) {
            info->cpu_time_ns = t;
        }
        virTypedParamsClear(cpu, n);
    }

    virDomainMemoryStatStruct mem[VIR_DOMAIN_MEMORY_STAT_NR];
    n = virDomainMemoryStats(dom, mem, ARRAY_SIZE(mem), 0);
    for (int i = 0; i < n; i++) {
        if (mem[i].tag == VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON) {
            info->mem_actual_kib = mem[i].val;
        } else if (mem[i].tag == VIR_DOMAIN_MEMORY_STAT_RSS) {
            info->mem_rss_kib = mem[i].val;
        }
    }

    /* Interface statistics, summed over the router's interfaces (libvirt
     * finds an interface by its MAC). */
    for (size_t i = 0; i < n_macs; i++) {
        char mac[ETH_ADDR_STRLEN + 1];
        virDomainInterfaceStatsStruct s;

        snprintf(mac, sizeof mac, ETH_ADDR_FMT, ETH_ADDR_ARGS(macs[i]));
        if (!virDomainInterfaceStats(dom, mac, &s, sizeof s)) {
            if (info->rx_bytes < 0) {
                info->rx_bytes = info->rx_packets = 0;
                info->tx_bytes = info->tx_packets = 0;
            }
            info->rx_bytes += s.rx_bytes;
            info->rx_packets += s.rx_packets;
            info->tx_bytes += s.tx_bytes;
            info->tx_packets += s.tx_packets;
        }
    }
    virResetLastError();
}

/* Fills 'info' for domain 'name' (which need not exist); 'macs' are its
 * interfaces' MACs, for their statistics. */
char *
xfa_virt_info(struct xfa_virt *virt, const char *name,
              const struct eth_addr *macs, size_t n_macs,
              struct xfa_dom_info *info)
{
    memset(info, 0, sizeof *info);
    info->state = "undefined";
    info->cpu_shares = info->vcpu_period = info->vcpu_quota = -1;
    info->cpu_time_ns = info->mem_actual_kib = info->mem_rss_kib = -1;
    info->rx_bytes = info->rx_packets = -1;
    info->tx_bytes = info->tx_packets = -1;

    virDomainPtr dom = virDomainLookupByName(virt->conn, name);
    if (!dom) {
        virErrorPtr err = virGetLastError();
        if (err && err->code == VIR_ERR_NO_DOMAIN) {
            virResetLastError();
            return NULL;
        }
        return error_for(virt, name);
    }

    int state, reason;
    char *error = NULL;
    if (virDomainGetState(dom, &state, &reason, 0) < 0) {
        error = error_for(virt, name);
    } else {
        info->exists = true;
        info->state = xf_virt_state_name(state);
        info->active = virDomainIsActive(dom) == 1;
        info->config = get_config(dom);
        if (info->active) {
            read_sched(dom, info);
            read_stats(dom, macs, n_macs, info);
        }
    }
    virDomainFree(dom);
    return error;
}

void
xfa_dom_info_destroy(struct xfa_dom_info *info)
{
    free(info->config);
    info->config = NULL;
}

char *
xfa_virt_define(struct xfa_virt *virt, const char *name, const char *xml)
{
    virDomainPtr dom = virDomainDefineXML(virt->conn, xml);
    if (!dom) {
        char *what = xasprintf("defining %s", name);
        char *error = error_for(virt, what);
        free(what);
        return error;
    }
    VLOG_INFO("libvirt: defined domain %s", name);
    virDomainFree(dom);
    return NULL;
}

/* Runs 'op' on domain 'name'; 'what' names the operation in errors and
 * logs. */
static char *
domain_op(struct xfa_virt *virt, const char *name, const char *what,
          int (*op)(virDomainPtr))
{
    char *error = NULL;
    virDomainPtr dom = virDomainLookupByName(virt->conn, name);
    if (!dom || op(dom) < 0) {
        char *s = xasprintf("%s %s", what, name);
        error = error_for(virt, s);
        free(s);
    } else {
        VLOG_INFO("libvirt: %s domain %s", what, name);
    }
    if (dom) {
        virDomainFree(dom);
    }
    return error;
}

char *
xfa_virt_start(struct xfa_virt *virt, const char *name)
{
    return domain_op(virt, name, "starting", virDomainCreate);
}

char *
xfa_virt_shutdown(struct xfa_virt *virt, const char *name)
{
    return domain_op(virt, name, "shutting down", virDomainShutdown);
}

char *
xfa_virt_destroy_domain(struct xfa_virt *virt, const char *name)
{
    return domain_op(virt, name, "destroying", virDomainDestroy);
}

char *
xfa_virt_undefine(struct xfa_virt *virt, const char *name)
{
    return domain_op(virt, name, "undefining", virDomainUndefine);
}

/* Sets the running domain's CPU share: cpu_shares 'weight' (0: leave it)
 * and a cap of 'cap' percent of one CPU (0: none, vcpu_quota -1). */
char *
xfa_virt_set_cpu(struct xfa_virt *virt, const char *name,
                 unsigned int weight, unsigned int cap)
{
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;

    if (weight) {
        virTypedParamsAddULLong(&params, &n, &max,
                                VIR_DOMAIN_SCHEDULER_CPU_SHARES, weight);
    }
    virTypedParamsAddULLong(&params, &n, &max,
                            VIR_DOMAIN_SCHEDULER_VCPU_PERIOD,
                            XFA_VM_CPU_PERIOD);
    virTypedParamsAddLLong(&params, &n, &max, VIR_DOMAIN_SCHEDULER_VCPU_QUOTA,
                           cap ? (long long) cap * XFA_VM_CPU_PERIOD / 100
                           : -1);

    char *error = NULL;
    virDomainPtr dom = virDomainLookupByName(virt->conn, name);
    if (!dom || virDomainSetSchedulerParametersFlags(
                    dom, params, n, VIR_DOMAIN_AFFECT_CURRENT) < 0) {
        char *what = xasprintf("setting the CPU share of %s", name);
        error = error_for(virt, what);
        free(what);
    } else {
        VLOG_INFO("libvirt: domain %s: cpu_shares %u, cap %u%%", name,
                  weight, cap);
    }
    if (dom) {
        virDomainFree(dom);
    }
    virTypedParamsFree(params, n);
    return error;
}
