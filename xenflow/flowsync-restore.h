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

#ifndef XENFLOW_FLOWSYNC_RESTORE_H
#define XENFLOW_FLOWSYNC_RESTORE_H 1

/* Restarts: what flowsync.c needs to cooperate with upstream's
 * other_config:flow-restore-wait and with the flows that ovs-save's script
 * (ovs-ctl restart, force-reload-kmod) restores into a new ovs-vswitchd.
 *
 * While the switch waits for its flows to be restored, XenFlow neither
 * installs nor deletes anything: the restore script runs "ovs-ofctl
 * replace-flows", which would delete whatever XenFlow added meanwhile, and
 * "add-groups", which fails on a group that exists.  XenFlow also holds
 * (xf_restore_hold()) while it reloads its saved router tables, so that
 * when it looks at the restored flows it already wants all of them.  Then
 * flowsync.c takes each restored flow of XenFlow's (by cookie) that equals
 * a desired one as installed, without a flow_mod, and deletes the others. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct minimatch;
struct ofpact;
struct ofproto;

/* True while flowsync must leave a new bridge's flows alone: the database
 * says flow-restore-wait, or XenFlow holds (its saved tables are being
 * reloaded) and the bridge has flows in XenFlow's tables to adopt. */
bool xf_restore_waiting(const struct ofproto *);
void xf_restore_hold(bool hold);

/* A flow of XenFlow's (by cookie) found in an ofproto's tables.  Pointers
 * into ofproto's rule, valid until the main loop runs on. */
struct xf_restored_flow {
    const struct minimatch *match;
    const struct ofpact *ofpacts;
    size_t ofpacts_len;
    uint64_t cookie;
    uint16_t priority;
    uint8_t table_id;
};

size_t xf_restored_flows(const struct ofproto *, struct xf_restored_flow **);
bool xf_ofpacts_same(const struct ofpact *, size_t,
                     const struct ofpact *, size_t);

#endif /* xenflow/flowsync-restore.h */
