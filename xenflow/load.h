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

#ifndef XENFLOW_LOAD_H
#define XENFLOW_LOAD_H 1

#include <stdbool.h>

struct ds;
struct json;

/* xenflow/load ROUTER FILE [--replace]: a router's tables from a file, as
 * bulk work (xenflow/pace.h). */

void xf_load_register(void);
void xf_load_run(void);
void xf_load_wait(void);
void xf_load_destroy(void);
bool xf_load_busy(void);
void xf_load_put_progress(struct ds *);
struct json *xf_load_progress_json(void);

#endif /* xenflow/load.h */
