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

#ifndef XENFLOW_FLEET_CTL_H
#define XENFLOW_FLEET_CTL_H 1

/* What xenflow-ctl's command modules share (xenflow-ctl.c runs them).
 *
 * Every command of one command line runs in one ctl_context on one IDL
 * transaction, committed only if every command succeeded: a command that
 * finds bad input calls ctl_error() and returns, and nothing is written.
 * The IDL monitors the whole fleet database, so commands need no
 * prerequisites; they look rows up by name with the helpers below. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler.h"
#include "xenflow/encap.h"
#include "xenflow/fleet/fleet-idl.h"

struct ctl_context;
struct ds;
struct xf_place_node;
struct xf_place_router;
struct xf_prefix;

/* Registration of each module's commands. */
void xf_ctl_nodes_register(void);      /* ctl-nodes.c: node-*, link-*. */
void xf_ctl_networks_register(void);   /* ctl-networks.c: net-*,
                                        * template-*. */
void xf_ctl_routers_register(void);    /* ctl-routers.c: router-*. */
void xf_ctl_evacuate_register(void);   /* ctl-evacuate.c: node-evacuate,
                                        * node-power-on, node-fence,
                                        * node-unfence. */
void xf_ctl_fleet_register(void);      /* ctl-fleet.c: init, connections,
                                        * SSL. */
void xf_ctl_show_register(void);       /* ctl-show.c: show. */

/* The fleet database when no --db is given: $XENFLOW_FLEET_DB, else
 * unix:RUNDIR/xenflow-fleet.sock (ctl-lookup.c).  Freed by the caller. */
char *xf_ctl_default_db(void);

/* Lookups by name (ctl-lookup.c).  With 'must_exist', a missing row is a
 * ctl_error() naming it and the return value is NULL. */
const struct fleetrec_node *xf_ctl_node(struct ctl_context *,
                                        const char *name, bool must_exist);
const struct fleetrec_link *xf_ctl_link(struct ctl_context *,
                                        const char *name, bool must_exist);
const struct fleetrec_network *xf_ctl_network(struct ctl_context *,
                                              const char *name,
                                              bool must_exist);
const struct fleetrec_template *xf_ctl_template(struct ctl_context *,
                                                const char *name,
                                                bool must_exist);
const struct fleetrec_router *xf_ctl_router(struct ctl_context *,
                                            const char *name,
                                            bool must_exist);
const struct fleetrec_fleet *xf_ctl_fleet(struct ctl_context *);
int xf_ctl_stats_interval(struct ctl_context *);
long long int xf_ctl_agent_silence(struct ctl_context *,
                                   const struct fleetrec_node *);

/* A link's encapsulation (options:encap, default 802.1q), and whether it
 * carries 'net''s id; false after a ctl_error() saying why not. */
bool xf_ctl_link_encap(struct ctl_context *, const struct fleetrec_link *,
                       enum xf_encap *);
bool xf_ctl_check_carries(struct ctl_context *,
                          const struct fleetrec_link *,
                          const struct fleetrec_network *);

/* Argument parsing that reports through ctl_error(). */
bool xf_ctl_parse_int(struct ctl_context *, const char *what,
                      const char *s, int min, int max, int *value);
bool xf_ctl_check_mac(struct ctl_context *, const char *what,
                      const char *mac);
bool xf_ctl_parse_prefix(struct ctl_context *, const char *what,
                         const char *s, bool allow_host_bits,
                         struct xf_prefix *);
bool xf_ctl_set_columns(struct ctl_context *,
                        const struct ovsdb_idl_table_class *,
                        const struct ovsdb_idl_row *,
                        char *args[], int n_args);

/* Output of the list commands: a table whose headings are the
 * comma-separated 'headings', so that --format (e.g. json) applies, and one
 * cell at a time, printf-style. */
struct table *xf_ctl_table(struct ctl_context *, const char *headings);
void xf_ctl_cell(struct table *, const char *format, ...)
    OVS_PRINTF_FORMAT(2, 3);

/* A router's resources: its own vcpus/memory_mb, else its template's.
 * Returns false if neither says. */
bool xf_ctl_router_size(const struct fleetrec_router *,
                        int *vcpus, int *memory_mb);

/* The placement model of the whole fleet (ctl-lookup.c): one
 * xf_place_node per Node (capacity, availability, networks carried by its
 * trunks) with the load of every router except 'skip_router', in name
 * order, as if 'skip_link' did not carry 'skip_net' (any network if
 * 'skip_net' is NULL; both may be NULL).  Free with xf_ctl_fleet_model_destroy(). */
struct xf_ctl_model {
    struct xf_place_node *nodes;
    size_t n;
};
void xf_ctl_fleet_model(struct ctl_context *, struct xf_ctl_model *,
                        const struct fleetrec_router *skip_router,
                        const struct fleetrec_link *skip_link,
                        const struct fleetrec_network *skip_net);
bool xf_ctl_check_trunks(struct ctl_context *, struct xf_ctl_model *,
                         const char *why);
void xf_ctl_fleet_model_destroy(struct xf_ctl_model *);
struct xf_place_node *xf_ctl_model_node(struct xf_ctl_model *,
                                        const char *name);
void xf_ctl_place_router_init(struct xf_place_router *,
                              const struct fleetrec_router *);

#endif /* xenflow/fleet/ctl.h */
