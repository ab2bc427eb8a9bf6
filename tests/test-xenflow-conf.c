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

/* Unit tests for xenflow/conf.c, driven by tests/xenflow-unit.at:
 *
 *   ovstest test-xenflow-conf bridge NAME [KEY=VALUE]...
 *       Parses KEY=VALUE pairs as a Bridge's other_config and prints the
 *       resulting configuration and every reported problem.
 *
 *   ovstest test-xenflow-conf bool STRING...
 *       Prints how each STRING parses as a XenFlow boolean.
 *
 *   ovstest test-xenflow-conf prefix STRING...
 *       Prints how each STRING parses as a prefix, with host bits allowed
 *       and not.
 *
 *   ovstest test-xenflow-conf ovs [KEY=VALUE]...
 *       Parses KEY=VALUE pairs as the Open_vSwitch table's other_config
 *       and prints the client channel's and the redistributor's numbers and
 *       every reported problem. */

#include <config.h>
#undef NDEBUG

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command-line.h"
#include "openvswitch/dynamic-string.h"
#include "tests/ovstest.h"
#include "smap.h"
#include "svec.h"
#include "util.h"
#include "xenflow/conf.h"

static void
parse_smap(int argc, char *argv[], struct smap *smap)
{
    for (int i = 0; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq) {
            ovs_fatal(0, "%s: expected KEY=VALUE", argv[i]);
        }
        char *key = xmemdup0(argv[i], eq - argv[i]);
        smap_add(smap, key, eq + 1);
        free(key);
    }
}

/* Prints and frees 'errors'. */
static void
print_errors(struct svec *errors)
{
    const char *error;
    size_t i;

    SVEC_FOR_EACH (i, error, errors) {
        printf("error: %s\n", error);
    }
    svec_destroy(errors);
}

static void
test_bridge(struct ovs_cmdl_context *ctx)
{
    struct smap other_config = SMAP_INITIALIZER(&other_config);
    struct svec errors = SVEC_EMPTY_INITIALIZER;
    struct xf_bridge_conf conf;

    parse_smap(ctx->argc - 2, ctx->argv + 2, &other_config);
    xf_bridge_conf_parse(ctx->argv[1], &other_config, &conf, &errors);

    printf("enabled=%s\n", conf.enabled ? "true" : "false");
    print_errors(&errors);
    xf_bridge_conf_destroy(&conf);
    smap_destroy(&other_config);
}

static void
test_bool(struct ovs_cmdl_context *ctx)
{
    for (int i = 1; i < ctx->argc; i++) {
        bool value = false;
        if (xf_parse_bool(ctx->argv[i], &value)) {
            printf("\"%s\": %s\n", ctx->argv[i], value ? "true" : "false");
        } else {
            printf("\"%s\": invalid\n", ctx->argv[i]);
        }
    }
}

static void
test_prefix(struct ovs_cmdl_context *ctx)
{
    for (int i = 1; i < ctx->argc; i++) {
        for (int strict = 0; strict < 2; strict++) {
            struct xf_prefix prefix;
            char *error = xf_prefix_parse(ctx->argv[i], !strict, &prefix);

            printf("%s \"%s\": ", strict ? "strict" : "loose", ctx->argv[i]);
            if (error) {
                printf("error: %s\n", error);
                free(error);
            } else {
                struct ds s = DS_EMPTY_INITIALIZER;
                xf_prefix_format(&prefix, &s);
                printf("%s\n", ds_cstr(&s));
                ds_destroy(&s);
            }
        }
    }
}

static void
test_ovs(struct ovs_cmdl_context *ctx)
{
    struct smap other_config = SMAP_INITIALIZER(&other_config);
    struct svec errors = SVEC_EMPTY_INITIALIZER;
    struct xf_server_conf server;
    struct xf_qos_timing timing;

    parse_smap(ctx->argc - 1, ctx->argv + 1, &other_config);
    xf_server_conf_parse(&other_config, &server, &errors);
    xf_qos_timing_parse(&other_config, &timing, &errors);

    printf("grace=%u max-message=%u rate=%u probe=%u\n", server.grace,
           server.max_message, server.rate, server.probe);
    printf("qos-interval=%u qos-samples=%u\n", timing.interval,
           timing.samples);
    print_errors(&errors);
    xf_server_conf_destroy(&server);
    smap_destroy(&other_config);
}

/* "encap ENCAP ID...": what each network id becomes on a trunk of
 * encapsulation ENCAP, or that the trunk cannot carry it. */
static void
test_encap(struct ovs_cmdl_context *ctx)
{
    enum xf_encap encap;

    if (!xf_encap_parse(ctx->argv[1], &encap)) {
        printf("\"%s\": invalid\n", ctx->argv[1]);
        return;
    }
    for (int i = 2; i < ctx->argc; i++) {
        uint32_t id = strtoul(ctx->argv[i], NULL, 10);
        uint16_t s_vid, c_vid;

        printf("%s %"PRIu32": ", xf_encap_to_string(encap), id);
        if (!xf_encap_carries(encap, id)) {
            printf("not carried (ids 1 to %"PRIu32")\n",
                   xf_encap_max_id(encap));
        } else if (encap == XF_ENCAP_8021AD) {
            xf_encap_qinq(id, &s_vid, &c_vid);
            printf("S %u C %u\n", s_vid, c_vid);
        } else if (encap == XF_ENCAP_MPLS) {
            printf("label %"PRIu32"\n", xf_encap_label(id));
        } else {
            printf("VLAN %"PRIu32"\n", id);
        }
    }
}

static const struct ovs_cmdl_command commands[] = {
    {"bridge", "NAME [KEY=VALUE]...", 1, INT_MAX, test_bridge, OVS_RO},
    {"bool", "STRING...", 1, INT_MAX, test_bool, OVS_RO},
    {"prefix", "STRING...", 1, INT_MAX, test_prefix, OVS_RO},
    {"ovs", "[KEY=VALUE]...", 0, INT_MAX, test_ovs, OVS_RO},
    {"encap", "ENCAP ID...", 1, INT_MAX, test_encap, OVS_RO},
    {NULL, NULL, 0, 0, NULL, OVS_RO},
};

static void
test_xenflow_conf_main(int argc, char *argv[])
{
    struct ovs_cmdl_context ctx = {
        .argc = argc - 1,
        .argv = argv + 1,
    };

    set_program_name(argv[0]);
    ovs_cmdl_run_command(&ctx, commands);
}

OVSTEST_REGISTER("test-xenflow-conf", test_xenflow_conf_main);
