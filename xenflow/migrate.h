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

#ifndef XENFLOW_MIGRATE_H
#define XENFLOW_MIGRATE_H 1

/* Zero-loss migration of a virtual router between XenFlow nodes.
 *
 * Source side ("ovs-appctl xenflow/migrate ROUTER PEER [VM-DEST]"): connect
 * to the destination node's peer listener (JSON-RPC over SSL, both sides
 * authenticated by certificate), pre-copy the router's routes and
 * neighbours, start the control-plane mover (mover.h), ask the destination
 * to announce the router's MACs (the reserved ARP, dl_dst
 * aa:aa:aa:aa:aa:aa), keep forwarding while in-flight packets drain, then
 * release the source's copy.  The source forwards throughout; any failure
 * before the VM moved aborts the migration and leaves it as it was.
 *
 * Destination side (migrate-peer.c, which this file runs): peer sessions
 * from other nodes install the copy against this switch's own ports
 * (interfaces matched by MAC) through xenflow/router.h; the router's
 * client, once it reconnects here, reconciles its snapshot with the copy
 * by mark and sweep.
 *
 * Documentation/xenflow-protocol.md describes the node-to-node protocol;
 * xenflow(7) the commands and keys. */

#include <stddef.h>

#include "compiler.h"

struct ds;
struct smap;
struct svec;
struct table;

void xf_migrate_reconfigure(const struct smap *ovs_other_config,
                            struct svec *errors);
void xf_migrate_run(void);
void xf_migrate_wait(void);
void xf_migrate_destroy(void);
void xf_migrate_register_commands(void);   /* In migrate-cmd.c. */

/* The source side, for migrate-cmd.c. */
char *xf_migrate_start(const char *router, const char *peer,
                       const char *vm_dest, unsigned int *idp)
    OVS_WARN_UNUSED_RESULT;
void xf_migrate_format_settings(struct ds *);

#endif /* xenflow/migrate.h */
