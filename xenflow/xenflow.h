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

#ifndef XENFLOW_XENFLOW_H
#define XENFLOW_XENFLOW_H 1

/* XenFlow inside ovs-vswitchd: lifecycle entry points.
 *
 * These are the only functions upstream code calls (see
 * patches/0003-vswitchd-xenflow-hooks.patch).  With no xenflow-* keys in the
 * database they do nothing, so the daemon behaves exactly like upstream. */

struct ofproto_table_settings;
struct ovsrec_open_vswitch;
struct smap;

void xenflow_init(void);
void xenflow_reconfigure(const struct ovsrec_open_vswitch *);
void xenflow_run(void);
void xenflow_wait(void);
void xenflow_destroy(void);

/* Bridge reconfiguration hook: the details to apply to queue 'queue_id' of
 * interface 'iface', 'configured' unless XenFlow's redistributor manages
 * the queue. */
const struct smap *xenflow_queue_details(const char *iface,
                                         unsigned int queue_id,
                                         const struct smap *configured);

/* Bridge reconfiguration hook: adjusts the default prefix lookup fields in
 * 's' of table 'table_id' of the bridge with 'other_config' (see
 * patches/0009-bridge-xenflow-table-prefixes.patch). */
void xenflow_table_prefixes(const struct smap *other_config, int table_id,
                            struct ofproto_table_settings *s);

#endif /* xenflow/xenflow.h */
