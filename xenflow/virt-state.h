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
#ifndef XENFLOW_VIRT_STATE_H
#define XENFLOW_VIRT_STATE_H 1

/* libvirt's domain states (virDomainState) as operators read them in logs
 * and reports: "running", "shut off", ...  Shared by the libvirt mover in
 * ovs-vswitchd and by xenflow-agent; built only with libvirt. */

const char *xf_virt_state_name(int state);

#endif /* xenflow/virt-state.h */
