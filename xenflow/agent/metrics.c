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

#include "xenflow/agent/metrics.h"

#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "util.h"
#include "xenflow/agent/gather-node.h"
#include "xenflow/agent/gather-switch.h"
#include "xenflow/agent/prom.h"
#include "xenflow/agent/virt-worker.h"

/* One sample of 'name' labelled node="...", plus 'label'="value" if
 * 'label' is nonnull. */
static void
put_sample(struct ds *s, const char *name, const char *node,
           const char *label, const char *value, double x)
{
    ds_put_format(s, "%s{", name);
    xfa_prom_label(s, "node", node, true);
    if (label) {
        xfa_prom_label(s, label, value, false);
    }
    ds_put_format(s, "} %.17g\n", x);
}

static void
put_node(const struct xfa_metrics_input *in, struct ds *s)
{
    const struct xfa_node_stats *st = in->stats;

    xfa_prom_header(s, "xenflow_agent_up", "gauge",
                    "1 while the agent runs (the scrape reached it).");
    put_sample(s, "xenflow_agent_up", in->node, NULL, NULL, 1);
    xfa_prom_header(s, "xenflow_agent_fleet_connected", "gauge",
                    "1 if the agent is connected to the fleet database.");
    put_sample(s, "xenflow_agent_fleet_connected", in->node, NULL, NULL,
               in->fleet_connected);
    xfa_prom_header(s, "xenflow_agent_libvirt_up", "gauge",
                    "1 if the libvirt thread's last pass was connected.");
    put_sample(s, "xenflow_agent_libvirt_up", in->node, NULL, NULL,
               in->libvirt_up);
    xfa_prom_header(s, "xenflow_agent_gathers_total", "counter",
                    "Gathering passes of the node's figures.");
    put_sample(s, "xenflow_agent_gathers_total", in->node, NULL, NULL,
               in->n_gathers);
    xfa_prom_header(s, "xenflow_agent_gather_errors_total", "counter",
                    "Gathering passes that could not read /proc.");
    put_sample(s, "xenflow_agent_gather_errors_total", in->node, NULL, NULL,
               in->n_gather_errors);
    if (!st) {
        return;
    }

    xfa_prom_header(s, "xenflow_node_cpu_seconds_total", "counter",
                    "Seconds all CPUs of the node spent in each mode.");
    for (int m = 0; m < XFA_N_CPU_MODES; m++) {
        put_sample(s, "xenflow_node_cpu_seconds_total", in->node, "mode",
                   xfa_cpu_mode_name(m), st->cpu_seconds[m]);
    }
    xfa_prom_header(s, "xenflow_node_cpus", "gauge", "CPUs of the node.");
    put_sample(s, "xenflow_node_cpus", in->node, NULL, NULL, st->n_cpus);
    if (st->boot_time >= 0) {
        xfa_prom_header(s, "xenflow_node_boot_time_seconds", "gauge",
                        "When the node booted, seconds since the epoch.");
        put_sample(s, "xenflow_node_boot_time_seconds", in->node, NULL, NULL,
                   st->boot_time);
    }

    const struct {
        const char *name, *help;
        long long value;
    } mem[] = {
#define MEM(NAME, FIELD, HELP) \
        {"xenflow_node_memory_" NAME "_bytes", HELP, st->FIELD}
        MEM("total", mem_total, "Memory of the node (MemTotal)."),
        MEM("free", mem_free, "Unused memory (MemFree)."),
        MEM("available", mem_available,
            "Memory available to new work (MemAvailable)."),
        MEM("buffers", mem_buffers, "Block device buffers (Buffers)."),
        MEM("cached", mem_cached, "Page cache (Cached)."),
#undef MEM
    };
    for (size_t i = 0; i < ARRAY_SIZE(mem); i++) {
        long long x = mem[i].value;
        if (x >= 0) {
            xfa_prom_header(s, mem[i].name, "gauge", mem[i].help);
            put_sample(s, mem[i].name, in->node, NULL, NULL, x);
        }
    }
}

/* Per-router metrics: each is a header and one sample per router that has
 * a value (libvirt figures are -1 while a domain is not running). */
enum router_metric {
    RM_INFO, RM_VCPUS, RM_MEMORY_LIMIT, RM_CPU_SECONDS, RM_MEMORY,
    RM_MEMORY_RSS, RM_CPU_SHARES, RM_CPU_CAP, RM_RX_BYTES, RM_RX_PACKETS,
    RM_TX_BYTES, RM_TX_PACKETS, N_RM
};

static const struct {
    const char *name, *type, *help;
} router_metrics[N_RM] = {
    [RM_INFO] = {"xenflow_router_info", "gauge",
                 "1 per router on this node, labelled with its state (the "
                 "agent's and libvirt's)."},
    [RM_VCPUS] = {"xenflow_router_vcpus", "gauge",
                  "Virtual CPUs the fleet gives the router."},
    [RM_MEMORY_LIMIT] = {"xenflow_router_memory_limit_bytes", "gauge",
                         "Memory the fleet gives the router."},
    [RM_CPU_SECONDS] = {"xenflow_router_cpu_seconds_total", "counter",
                        "CPU time the router's domain used."},
    [RM_MEMORY] = {"xenflow_router_memory_bytes", "gauge",
                   "Memory of the router's domain (libvirt's actual)."},
    [RM_MEMORY_RSS] = {"xenflow_router_memory_rss_bytes", "gauge",
                       "Resident memory of the router's domain."},
    [RM_CPU_SHARES] = {"xenflow_router_cpu_shares", "gauge",
                       "CPU weight in force (cgroup cpu_shares)."},
    [RM_CPU_CAP] = {"xenflow_router_cpu_cap_ratio", "gauge",
                    "CPU cap in force, in CPUs per vCPU (vcpu_quota over "
                    "vcpu_period; absent if uncapped)."},
    [RM_RX_BYTES] = {"xenflow_router_receive_bytes_total", "counter",
                     "Bytes the router's interfaces received."},
    [RM_RX_PACKETS] = {"xenflow_router_receive_packets_total", "counter",
                       "Packets the router's interfaces received."},
    [RM_TX_BYTES] = {"xenflow_router_transmit_bytes_total", "counter",
                     "Bytes the router's interfaces sent."},
    [RM_TX_PACKETS] = {"xenflow_router_transmit_packets_total", "counter",
                       "Packets the router's interfaces sent."},
};

/* Router 'name''s value of metric 'm' in '*x'; false if it has none. */
static bool
router_value(const struct xfa_report *r, const struct xfa_want *w,
             enum router_metric m, double *x)
{
    const struct xfa_dom_info *i = r ? &r->info : NULL;
    long long v = -1;

    switch (m) {
    case RM_INFO:
        v = 1;
        break;
    case RM_VCPUS:
        v = w ? (long long) w->vm.vcpus : -1;
        break;
    case RM_MEMORY_LIMIT:
        v = w ? (long long) w->vm.memory_mb * 1024 * 1024 : -1;
        break;
    case RM_CPU_SECONDS:
        if (i && i->cpu_time_ns >= 0) {
            *x = i->cpu_time_ns / 1e9;
            return true;
        }
        return false;
    case RM_MEMORY:
        v = i && i->mem_actual_kib >= 0 ? i->mem_actual_kib * 1024 : -1;
        break;
    case RM_MEMORY_RSS:
        v = i && i->mem_rss_kib >= 0 ? i->mem_rss_kib * 1024 : -1;
        break;
    case RM_CPU_SHARES:
        v = i ? i->cpu_shares : -1;
        break;
    case RM_CPU_CAP:
        if (i && i->vcpu_quota > 0 && i->vcpu_period > 0) {
            *x = (double) i->vcpu_quota / i->vcpu_period;
            return true;
        }
        return false;
    case RM_RX_BYTES:
        v = i ? i->rx_bytes : -1;
        break;
    case RM_RX_PACKETS:
        v = i ? i->rx_packets : -1;
        break;
    case RM_TX_BYTES:
        v = i ? i->tx_bytes : -1;
        break;
    case RM_TX_PACKETS:
        v = i ? i->tx_packets : -1;
        break;
    case N_RM:
    default:
        OVS_NOT_REACHED();
    }
    *x = v;
    return v >= 0;
}

static void
put_routers(const struct xfa_metrics_input *in, struct ds *s)
{
    /* Every router the fleet wants here or libvirt reports, by name. */
    struct shash all = SHASH_INITIALIZER(&all);
    struct shash_node *node;

    SHASH_FOR_EACH (node, in->wants) {
        shash_add_once(&all, node->name, NULL);
    }
    SHASH_FOR_EACH (node, in->reports) {
        shash_add_once(&all, node->name, NULL);
    }
    const struct shash_node **sorted = shash_sort(&all);
    size_t n = shash_count(&all);

    for (int m = 0; m < N_RM; m++) {
        bool header = false;
        for (size_t i = 0; i < n; i++) {
            const char *name = sorted[i]->name;
            const struct xfa_report *r = shash_find_data(in->reports, name);
            const struct xfa_want *w = shash_find_data(in->wants, name);
            double x;

            if (!router_value(r, w, m, &x)) {
                continue;
            }
            if (!header) {
                xfa_prom_header(s, router_metrics[m].name,
                                router_metrics[m].type,
                                router_metrics[m].help);
                header = true;
            }
            ds_put_format(s, "%s{", router_metrics[m].name);
            xfa_prom_label(s, "node", in->node, true);
            xfa_prom_label(s, "router", name, false);
            if (m == RM_INFO) {
                xfa_prom_label(s, "state", r ? r->state : "pending", false);
                xfa_prom_label(s, "libvirt_state",
                               r && r->info.state ? r->info.state : "",
                               false);
                xfa_prom_label(s, "wanted",
                               (!w ? "absent"
                                : w->running ? "running" : "stopped"),
                               false);
            }
            ds_put_format(s, "} %.17g\n", x);
        }
    }
    free(sorted);
    shash_destroy(&all);
}

void
xfa_metrics_format(const struct xfa_metrics_input *in, struct ds *s)
{
    put_node(in, s);
    put_routers(in, s);
    if (in->sw) {
        xfa_metrics_format_switch(in->node, in->sw, in->sw_stats, s);
    }
}
