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

#include "xenflow/appctl.h"

#include <stdarg.h>
#include <string.h>

#include "coverage.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "table.h"
#include "unixctl.h"
#include "util.h"
#include "xenflow/addr.h"

COVERAGE_DEFINE(xenflow_command_rejected);

const char *
xf_version(void)
{
    return VERSION;
}

void
xf_appctl_reply_error(struct unixctl_conn *conn, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    char *msg = xvasprintf(format, args);
    va_end(args);
    COVERAGE_INC(xenflow_command_rejected);
    unixctl_command_reply_error(conn, msg);
    free(msg);
}

/* Removes a "--json" argument from 'argv', if present, and returns whether
 * it was. */
bool
xf_appctl_take_json(int *argc, const char *argv[])
{
    for (int i = 1; i < *argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            memmove(&argv[i], &argv[i + 1], (*argc - i - 1) * sizeof *argv);
            (*argc)--;
            return true;
        }
    }
    return false;
}

/* If 'argv' has more than 'n_used' arguments (the command's name counts),
 * replies to 'conn' with an error that names the first extra one and the
 * command's 'usage' (e.g. "[--json]"), and returns true; else returns
 * false. */
bool
xf_appctl_refuse_extra(struct unixctl_conn *conn, int argc,
                       const char *argv[], int n_used, const char *usage)
{
    if (argc <= n_used) {
        return false;
    }
    xf_appctl_reply_error(conn, "%s: unknown argument \"%s\" (usage: %s %s)",
                          argv[0], argv[n_used], argv[0], usage);
    return true;
}

void
xf_appctl_reply_json(struct unixctl_conn *conn, struct json *json)
{
    char *s = json_to_string(json, JSSF_SORT | JSSF_PRETTY);
    unixctl_command_reply(conn, s);
    free(s);
    json_destroy(json);
}

/* Replies with table 't', as text or as JSON ({"headings": [...], "data":
 * [[...]...]}, the format of ovsdb-client and ovs-vsctl --format=json). */
void
xf_appctl_reply_table(struct unixctl_conn *conn, struct table *t, bool json)
{
    struct table_style style = TABLE_STYLE_DEFAULT;
    struct ds s = DS_EMPTY_INITIALIZER;

    style.format = json ? TF_JSON : TF_TABLE;
    style.json_flags = JSSF_SORT;
    table_format_reset();
    table_format(t, &style, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
    table_destroy(t);
}

/* Appends table 't' to 's' as text, or 'if_empty' (if nonnull) if 't' has
 * no rows.  Destroys 't'. */
void
xf_appctl_put_table(struct ds *s, struct table *t, const char *if_empty)
{
    if (t->n_rows) {
        struct table_style style = TABLE_STYLE_DEFAULT;

        style.format = TF_TABLE;
        table_format_reset();
        table_format(t, &style, s);
    } else if (if_empty) {
        ds_put_cstr(s, if_empty);
    }
    table_destroy(t);
}

void
xf_table_add_text(struct table *t, const char *text)
{
    table_add_cell(t)->text = xstrdup(text);
}

void
xf_table_add_int(struct table *t, long long int n)
{
    table_add_cell(t)->json = json_integer_create(n);
}

void
xf_table_add_addr(struct table *t, const struct in6_addr *addr)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    xf_addr_format(addr, &s);
    table_add_cell(t)->text = ds_steal_cstr(&s);
}
