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
#ifndef XENFLOW_AGENT_PROM_H
#define XENFLOW_AGENT_PROM_H 1

/* Pieces of Prometheus's text exposition format (version 0.0.4) shared by
 * the agent's metrics (metrics.c, metrics-switch.c). */

#include <stdbool.h>

struct ds;

void xfa_prom_label(struct ds *, const char *name, const char *value,
                    bool first);
void xfa_prom_header(struct ds *, const char *name, const char *type,
                     const char *help);

#endif /* xenflow/agent/prom.h */
