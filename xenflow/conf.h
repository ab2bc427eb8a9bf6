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

#ifndef XENFLOW_CONF_H
#define XENFLOW_CONF_H 1

/* Parsing and validation of XenFlow's OVSDB keys.
 *
 * XenFlow keeps its persistent configuration in other_config:xenflow-* keys
 * of the standard Open vSwitch schema, so the schema is never forked.  This
 * module is pure logic (no database, no ofproto): it turns a key/value map
 * into a typed configuration plus a list of human-readable problems, which
 * makes it unit-testable.  Bad values never abort: the offending key is
 * ignored (as if absent) and a message explains why. */

#include <stdbool.h>

struct smap;
struct svec;

/* Prefix shared by every XenFlow key. */
#define XF_KEY_PREFIX "xenflow-"

/* Bridge other_config:xenflow-enable: turns XenFlow on for the bridge. */
#define XF_KEY_ENABLE "xenflow-enable"

/* XenFlow configuration of one bridge. */
struct xf_bridge_conf {
    bool enabled;               /* other_config:xenflow-enable=true. */
};

void xf_bridge_conf_parse(const char *br_name, const struct smap *other_config,
                          struct xf_bridge_conf *, struct svec *errors);

bool xf_parse_bool(const char *s, bool *value);

#endif /* xenflow/conf.h */
