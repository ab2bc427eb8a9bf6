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

#ifndef XENFLOW_APPCTL_H
#define XENFLOW_APPCTL_H 1

/* Output conventions shared by every xenflow unixctl command: errors are
 * counted and precise, "--json" anywhere in the arguments asks for JSON, and
 * tables come out as text or as ovs-vsctl's --format=json. */

#include <stdbool.h>

#include "compiler.h"

struct ds;
struct in6_addr;
struct json;
struct table;
struct unixctl_conn;

/* XenFlow's version: upstream's VERSION with our "+xenflowN" suffix. */
const char *xf_version(void);

void xf_appctl_reply_error(struct unixctl_conn *, const char *format, ...)
    OVS_PRINTF_FORMAT(2, 3);
bool xf_appctl_take_json(int *argc, const char *argv[]);
bool xf_appctl_refuse_extra(struct unixctl_conn *, int argc,
                            const char *argv[], int n_used,
                            const char *usage);
void xf_appctl_reply_json(struct unixctl_conn *, struct json *);
void xf_appctl_reply_table(struct unixctl_conn *, struct table *, bool json);

void xf_appctl_put_table(struct ds *, struct table *, const char *if_empty);

void xf_table_add_text(struct table *, const char *);
void xf_table_add_int(struct table *, long long int);
void xf_table_add_addr(struct table *, const struct in6_addr *);

#endif /* xenflow/appctl.h */
