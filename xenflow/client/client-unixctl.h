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


#ifndef XENFLOW_CLIENT_UNIXCTL_H
#define XENFLOW_CLIENT_UNIXCTL_H 1

/* xenflow-client's unixctl commands (see xenflow-client(8)): "status"
 * (the session, the table's counts, the kernel watcher and FPM), "exit",
 * and "xenflow-client/resync", "/reconnect" and "/show". */

#include <stdbool.h>

struct xfc_session;

void xfc_unixctl_register(struct xfc_session *, bool *exiting);

#endif /* xenflow/client/client-unixctl.h */
