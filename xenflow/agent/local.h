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
#ifndef XENFLOW_AGENT_LOCAL_H
#define XENFLOW_AGENT_LOCAL_H 1

/* Writes the translated configuration (translate.h) into the node's own
 * Open_vSwitch database, touching only what the agent owns:
 *
 *   - the keys it set, listed in the row's external_ids:xenflow-agent-keys
 *     (Bridge and Interface other_config); other keys are never changed,
 *     and keys it set once and no longer wants are removed;
 *   - on the Open_vSwitch row (the node's channel keys), the same marks,
 *     but a key the operator set there by hand wins and is left alone;
 *   - rows it created (the bridge if there was none, a trunk's port if the
 *     bridge had none of that name), marked external_ids:
 *     xenflow-agent-owned=true; a port it created and no longer wants is
 *     deleted.
 *
 * Router VM ports are created and deleted by libvirt; the agent finds them
 * by external_ids:attached-mac and sets their keys.  For a router migrating
 * here the agent makes them ready first (named as libvirt will name them,
 * with their attached-mac, owned), so that XenFlow knows the router before
 * its tables are copied; it keeps them while the router is placed here
 * (libvirt replaces a port of the same name when the VM arrives). */

#include "openvswitch/types.h"

struct shash;

struct ovsdb_idl;
struct ovsdb_idl_txn;
struct xfa_local;

#define XFA_OWNED_KEYS "xenflow-agent-keys"
#define XFA_OWNED_ROW "xenflow-agent-owned"

void xfa_local_apply(struct ovsdb_idl *, struct ovsdb_idl_txn *,
                     const char *bridge, const char *datapath_type,
                     const struct xfa_local *,
                     const struct shash *arrivals);
void xfa_local_apply_switch(struct ovsdb_idl *, const struct xfa_local *);

#endif /* xenflow/agent/local.h */
