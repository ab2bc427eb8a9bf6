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

#include "xenflow/agent/gather-node.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "openvswitch/dynamic-string.h"
#include "util.h"

const char *
xfa_cpu_mode_name(enum xfa_cpu_mode mode)
{
    switch (mode) {
#define XFA_CPU_MODE(ENUM, NAME) case XFA_CPU_##ENUM: return NAME;
    XFA_CPU_MODES
#undef XFA_CPU_MODE
    case XFA_N_CPU_MODES:
    default:
        OVS_NOT_REACHED();
    }
}

/* The line of 'text' at 'p', as a new string, and 'p' past it. */
static char *
next_line(const char **p)
{
    size_t len = strcspn(*p, "\n");
    char *line = xmemdup0(*p, len);
    *p += len + ((*p)[len] == '\n');
    return line;
}

/* /proc/stat (proc(5)): the aggregate "cpu" line's first eight fields, in
 * clock ticks, the number of "cpuN" lines and "btime".  Older kernels have
 * fewer fields (steal since 2.6.11): missing ones are 0. */
char *
xfa_parse_proc_stat(const char *text, long ticks_per_second,
                    struct xfa_node_stats *stats)
{
    bool have_cpu = false, have_btime = false;
    char *error = NULL;

    memset(stats->cpu_seconds, 0, sizeof stats->cpu_seconds);
    stats->n_cpus = 0;
    for (int lineno = 1; *text && !error; lineno++) {
        char *line = next_line(&text);
        char *save = NULL;
        char *key = strtok_r(line, " \t", &save);

        if (key && !strcmp(key, "cpu")) {
            int n = 0;
            for (char *f = strtok_r(NULL, " \t", &save);
                 f && n < XFA_N_CPU_MODES;
                 f = strtok_r(NULL, " \t", &save), n++) {
                unsigned long long ticks;
                if (!str_to_ullong(f, 10, &ticks)) {
                    error = xasprintf("/proc/stat line %d: \"%s\" is not a "
                                      "number of ticks", lineno, f);
                    break;
                }
                stats->cpu_seconds[n] = (double) ticks / ticks_per_second;
            }
            if (!error && n < 4) {
                error = xasprintf("/proc/stat line %d: the cpu line has %d "
                                  "fields (at least 4 expected)", lineno, n);
            }
            have_cpu = true;
        } else if (key && !strncmp(key, "cpu", 3)) {
            stats->n_cpus++;
        } else if (key && !strcmp(key, "btime")) {
            char *f = strtok_r(NULL, " \t", &save);
            if (!f || !str_to_llong(f, 10, &stats->boot_time)) {
                error = xasprintf("/proc/stat line %d: bad btime", lineno);
            }
            have_btime = true;
        }
        free(line);
    }
    if (!error && !have_cpu) {
        error = xstrdup("/proc/stat: no cpu line");
    }
    if (!error && !have_btime) {
        stats->boot_time = -1;
    }
    return error;
}

/* /proc/meminfo: "Key:   N kB" lines. */
char *
xfa_parse_meminfo(const char *text, struct xfa_node_stats *stats)
{
    const struct {
        const char *key;
        long long *dst;
    } fields[] = {
        {"MemTotal", &stats->mem_total},
        {"MemFree", &stats->mem_free},
        {"MemAvailable", &stats->mem_available},
        {"Buffers", &stats->mem_buffers},
        {"Cached", &stats->mem_cached},
    };
    char *error = NULL;

    for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
        *fields[i].dst = -1;
    }
    for (int lineno = 1; *text && !error; lineno++) {
        char *line = next_line(&text);
        char *colon = strchr(line, ':');

        for (size_t i = 0; colon && i < ARRAY_SIZE(fields); i++) {
            if (strncmp(line, fields[i].key, colon - line)
                || fields[i].key[colon - line]) {
                continue;
            }
            long long kib;
            char unit[8] = "";
            if (sscanf(colon + 1, "%lld %7s", &kib, unit) != 2
                || kib < 0 || strcmp(unit, "kB")) {
                error = xasprintf("/proc/meminfo line %d: \"%s\" is not "
                                  "\"%s: N kB\"", lineno, line,
                                  fields[i].key);
                break;
            }
            *fields[i].dst = kib * 1024;
        }
        free(line);
    }
    if (!error && stats->mem_total < 0) {
        error = xstrdup("/proc/meminfo: no MemTotal line");
    }
    return error;
}

static char *
read_proc(const char *name, struct ds *text)
{
    FILE *f = fopen(name, "r");
    if (!f) {
        return xasprintf("%s: %s", name, ovs_strerror(errno));
    }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        ds_put_buffer(text, buf, n);
    }
    int error = ferror(f) ? errno : 0;
    fclose(f);
    return error ? xasprintf("%s: %s", name, ovs_strerror(error)) : NULL;
}

char *
xfa_gather_node(struct xfa_node_stats *stats)
{
    struct ds text = DS_EMPTY_INITIALIZER;
    long hz = sysconf(_SC_CLK_TCK);
    char *error = read_proc("/proc/stat", &text);

    if (!error) {
        error = xfa_parse_proc_stat(ds_cstr(&text), hz > 0 ? hz : 100, stats);
    }
    ds_clear(&text);
    if (!error) {
        error = read_proc("/proc/meminfo", &text);
    }
    if (!error) {
        error = xfa_parse_meminfo(ds_cstr(&text), stats);
    }
    ds_destroy(&text);
    return error;
}
