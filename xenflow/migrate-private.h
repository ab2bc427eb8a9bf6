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

#ifndef XENFLOW_MIGRATE_PRIVATE_H
#define XENFLOW_MIGRATE_PRIVATE_H 1

/* The state of one outgoing migration: xenflow/migrate.c's, read by
 * migrate-cmd.c for xenflow/migrate/show. */

#include <stdbool.h>
#include <stddef.h>

#include "openvswitch/hmap.h"
#include "openvswitch/list.h"

/* Source side: one migration of a router to another node. */
enum mig_phase {
    MIG_CONNECT,                /* Connecting to the destination. */
    MIG_BEGIN,                  /* "migrate-begin" sent. */
    MIG_PRECOPY,                /* Copying routes and neighbours. */
    MIG_COMMIT,                 /* "migrate-ready" sent. */
    MIG_MOVE,                   /* The mover moves the VM. */
    MIG_ANNOUNCE,               /* The destination announces the MACs. */
    MIG_DRAIN,                  /* In-flight packets drain through here. */
    MIG_DONE,
    MIG_FAILED,
};

struct migration {
    struct ovs_list node;       /* In 'migrations', newest last. */
    unsigned int id;
    char *router;
    char *peer;                 /* The destination node's remote. */
    char *vm_dest;              /* The destination, for the mover. */
    char *mover_spec;
    enum mig_phase phase;
    long long int started;
    long long int phase_started;
    long long int deadline;     /* The current phase fails after it. */
    long long int hold_until;   /* MIG_DRAIN: hand over until then. */
    long long int ended;        /* MIG_DONE, MIG_FAILED: when. */
    long long int precopy_ms;   /* Time from connect to commit. */
    long long int move_ms;      /* Time the mover took. */

    struct stream *stream;      /* MIG_CONNECT only. */
    struct jsonrpc *rpc;        /* Afterwards, until the end. */
    unsigned int n_outstanding; /* Requests without a reply yet. */

    struct hmap_position route_pos;
    struct hmap_position neigh_pos;
    bool routes_sent, neighs_sent;
    size_t n_routes, n_neighs;  /* Entries at the start of the copy. */
    size_t n_sent;              /* Entries sent. */
    size_t n_applied;           /* Entries the destination applied. */
    size_t n_rejected;          /* ... and refused. */

    struct xf_mover *mover;
    bool hold_at_pause;         /* The mover said it tells the pause. */
    long long int pause_asked;  /* When it said the VM pauses, or 0. */
    bool pause_confirmed;       /* It was told the hold is in place. */
    char *error;                /* MIG_FAILED: why. */
};

const char *xf_migrate_phase_name(enum mig_phase);
const struct ovs_list *xf_migrate_migrations(void);

#endif /* xenflow/migrate-private.h */
