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

#ifndef XENFLOW_ROUTE_STATE_FILE_H
#define XENFLOW_ROUTE_STATE_FILE_H 1

/* The file of saved router tables (route-state.h says when it is written
 * and read).  Text, one entry a line, so that an operator can read it:
 *
 *     xenflow-route-state 1
 *     router NAME ID                     (its OpenFlow metadata value)
 *     iface NAME NUMBER                  (one per interface ever numbered)
 *     route PREFIX [via GW] dev IFACE... [group ID]
 *                                        (xenflow/route-add's syntax; an
 *                                         ECMP route's OpenFlow group id)
 *     neigh ADDRESS MAC dev IFACE        (xenflow/neigh-add's syntax)
 *     ...
 *     end LINES CHECKSUM
 *
 * LINES counts the lines before "end", CHECKSUM chains hash_bytes() over
 * them (without their newlines).  A file without its end line, with another
 * count or checksum, another format version or a line out of place is
 * refused whole: it is not trusted in part. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler.h"
#include "simap.h"
#include "svec.h"

/* Format versions written and read: 2 added "group ID" (version 1 files,
 * without it, are read as well). */
#define XF_STATE_FORMAT 2
#define XF_STATE_FORMAT_MIN 1

struct xf_saved_router {
    char *name;
    uint32_t id;
    struct simap iface_ids;     /* Interface name -> number. */
    struct svec entries;        /* "route ..." and "neigh ..." lines. */
    size_t n_routes, n_neighs;
};

struct xf_saved_state {
    struct xf_saved_router *routers;
    size_t n_routers, allocated;
};

char *xf_state_file_read(const char *file_name, struct xf_saved_state *)
    OVS_WARN_UNUSED_RESULT;
void xf_saved_state_destroy(struct xf_saved_state *);

/* Writing, in steps of bulk work: the file appears, atomically (a
 * temporary file renamed), when xf_state_writer_finish() succeeds. */
struct xf_state_writer;
struct xf_state_writer *xf_state_writer_create(const char *file_name,
                                               char **errorp);
bool xf_state_writer_step(struct xf_state_writer *, size_t max_entries);
char *xf_state_writer_finish(struct xf_state_writer *)
    OVS_WARN_UNUSED_RESULT;
void xf_state_writer_abort(struct xf_state_writer *);

struct xf_state_counts {
    size_t n_routers, n_routes, n_neighs;
};
struct xf_state_counts xf_state_writer_counts(const struct xf_state_writer *);

/* "PREFIX [via GW] dev IFACE...", as xf_route_spec_parse() reads it. */
struct ds;
struct xf_route;
void xf_route_format(const struct xf_route *, struct ds *);

#endif /* xenflow/route-state-file.h */
