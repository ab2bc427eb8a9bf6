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

#ifndef XENFLOW_TRUNKS_CMD_H
#define XENFLOW_TRUNKS_CMD_H 1

/* xenflow/trunks [--json]: each trunk's encapsulation, how many networks
 * it carries, and the frames it dropped as unknown tags or labels (a
 * mismatch with the far end shows here, not as a silent drop). */

void xf_trunks_cmd_register(void);

#endif /* xenflow/trunks-cmd.h */
