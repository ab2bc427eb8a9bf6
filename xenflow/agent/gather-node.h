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
#ifndef XENFLOW_AGENT_GATHER_NODE_H
#define XENFLOW_AGENT_GATHER_NODE_H 1

/* The node's own CPU and memory use, from the kernel's /proc/stat and
 * /proc/meminfo.  Reading a procfs file does not block on anything but the
 * kernel, so the agent's main loop gathers it itself, once per metrics
 * period.  The parsers are pure (unit-tested with ovstest). */

#include <stdbool.h>
#include "openvswitch/compiler.h"

/* The CPU modes of /proc/stat's "cpu" line, in its order. */
#define XFA_CPU_MODES                           \
    XFA_CPU_MODE(USER, "user")                  \
    XFA_CPU_MODE(NICE, "nice")                  \
    XFA_CPU_MODE(SYSTEM, "system")              \
    XFA_CPU_MODE(IDLE, "idle")                  \
    XFA_CPU_MODE(IOWAIT, "iowait")              \
    XFA_CPU_MODE(IRQ, "irq")                    \
    XFA_CPU_MODE(SOFTIRQ, "softirq")            \
    XFA_CPU_MODE(STEAL, "steal")

enum xfa_cpu_mode {
#define XFA_CPU_MODE(ENUM, NAME) XFA_CPU_##ENUM,
    XFA_CPU_MODES
#undef XFA_CPU_MODE
    XFA_N_CPU_MODES
};

const char *xfa_cpu_mode_name(enum xfa_cpu_mode);

struct xfa_node_stats {
    /* /proc/stat: seconds spent in each mode, all CPUs together. */
    double cpu_seconds[XFA_N_CPU_MODES];
    int n_cpus;                 /* "cpuN" lines. */
    long long boot_time;        /* "btime", seconds since the epoch. */

    /* /proc/meminfo, in bytes (-1 if the kernel does not say). */
    long long mem_total, mem_free, mem_available, mem_buffers, mem_cached;
};

char *xfa_parse_proc_stat(const char *text, long ticks_per_second,
                          struct xfa_node_stats *) OVS_WARN_UNUSED_RESULT;
char *xfa_parse_meminfo(const char *text, struct xfa_node_stats *)
    OVS_WARN_UNUSED_RESULT;
char *xfa_gather_node(struct xfa_node_stats *) OVS_WARN_UNUSED_RESULT;

#endif /* xenflow/agent/gather-node.h */
