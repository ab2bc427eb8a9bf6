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

#ifndef XENFLOW_MEMORY_CMD_H
#define XENFLOW_MEMORY_CMD_H 1

/* "xenflow/memory [--trim] [--json]": what XenFlow's tables hold and what
 * ovs-vswitchd gives back to the system after large changes
 * (xenflow/memtrim.h). */

void xf_memory_cmd_register(void);

#endif /* xenflow/memory-cmd.h */
