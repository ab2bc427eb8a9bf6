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
#include <config.h>

#include "xenflow/agent/prom.h"

#include "openvswitch/dynamic-string.h"

/* Appends label 'name'="value" to 's', 'value' escaped as the exposition
 * format wants, preceded by a comma unless 'first'. */
void
xfa_prom_label(struct ds *s, const char *name, const char *value, bool first)
{
    ds_put_format(s, "%s%s=\"", first ? "" : ",", name);
    for (const char *p = value; *p; p++) {
        if (*p == '\\' || *p == '"') {
            ds_put_format(s, "\\%c", *p);
        } else if (*p == '\n') {
            ds_put_cstr(s, "\\n");
        } else {
            ds_put_char(s, *p);
        }
    }
    ds_put_char(s, '"');
}

/* Appends the HELP and TYPE lines of metric 'name' to 's'. */
void
xfa_prom_header(struct ds *s, const char *name, const char *type,
                const char *help)
{
    ds_put_format(s, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}
