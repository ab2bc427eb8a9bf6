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

#include "xenflow/fleet/dash-actions.h"

#include <errno.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "coverage.h"
#include "db-ctl-base.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/list.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "ovsdb-idl.h"
#include "seq.h"
#include "svec.h"
#include "table.h"
#include "util.h"
#include "xenflow/fleet/ctl.h"
#include "xenflow/fleet/fleet-idl.h"

VLOG_DEFINE_THIS_MODULE(xenflow_dashboard_actions);

COVERAGE_DEFINE(xfd_action_ok);
COVERAGE_DEFINE(xfd_action_refused);
COVERAGE_DEFINE(xfd_action_bad_request);
COVERAGE_DEFINE(xfd_action_unauthorized);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

/* The actions, their fields and the xenflow-ctl command each one is.
 * "router" and "node" are names; "weight" and "cap" integers; "power_off"
 * a boolean that becomes node-evacuate's --power-off. */
enum field_type { F_NAME, F_INT, F_BOOL };
struct field {
    const char *name;
    enum field_type type;
    bool required;
    int min, max;               /* F_INT only. */
};
static const struct action_syntax {
    const char *action;
    struct field fields[4];     /* Ends with a null name. */
} syntaxes[] = {
    {"router-start", {{"router", F_NAME, true, 0, 0}}},
    {"router-stop", {{"router", F_NAME, true, 0, 0}}},
    {"router-migrate", {{"router", F_NAME, true, 0, 0},
                        {"node", F_NAME, true, 0, 0}}},
    {"router-set-cpu", {{"router", F_NAME, true, 0, 0},
                        {"weight", F_INT, true, 1, 65535},
                        {"cap", F_INT, false, 0, 12800}}},
    {"node-evacuate", {{"node", F_NAME, true, 0, 0},
                       {"power_off", F_BOOL, false, 0, 0}}},
    {"node-power-on", {{"node", F_NAME, true, 0, 0}}},
};

struct xfd_action {
    struct ovs_list list_node;  /* In 'queue' until the main loop takes it. */
    struct svec argv;           /* xenflow-ctl's words. */
    char *line;                 /* The same, for logs. */

    /* Under the mutex. */
    bool done;                  /* 'status' and 'text' are set. */
    bool abandoned;             /* Its request gave up: freed when done. */
    unsigned int status;        /* HTTP status. */
    char *text;                 /* Output (200) or error message. */
};

struct xfd_actions {
    char *token;                /* NULL: read-only. */
    void (*committed)(void *aux);
    void *aux;

    struct ovs_mutex mutex;
    pthread_cond_t cond;        /* Signalled when an action is done. */
    struct ovs_list queue OVS_GUARDED;  /* Of struct xfd_action. */
    struct seq *queued;         /* Changes when 'queue' gains one. */
    unsigned long long n_ok OVS_GUARDED, n_refused OVS_GUARDED;
    unsigned long long n_bad OVS_GUARDED, n_unauthorized OVS_GUARDED;

    /* Main thread only: the action being run, its transaction. */
    struct xfd_action *cur;
    struct ctl_command *commands;
    size_t n_commands;
    struct ovsdb_symbol_table *symtab;
    struct ovsdb_idl_txn *txn;
    bool retry;                 /* Run again once the IDL has changed. */
    unsigned int retry_seqno;
};

/* No table is shown by db-ctl-base's generic commands, which no action
 * reaches. */
static const struct ctl_table_class tables[FLEETREC_N_TABLES];

static void
ctl_exit_func(int status)
{
    /* ctl_fatal() is not reached from the commands actions run: they report
     * through ctl_error(). */
    exit(status);
}

void
xfd_actions_init(void)
{
    ctl_init(&fleetrec_idl_class, fleetrec_table_classes, tables, NULL,
             ctl_exit_func);
    xf_ctl_nodes_register();
    xf_ctl_evacuate_register();
    xf_ctl_networks_register();
    xf_ctl_routers_register();
}

struct xfd_actions *
xfd_actions_create(const char *token, void (*committed)(void *aux),
                   void *aux)
{
    struct xfd_actions *a = xzalloc(sizeof *a);
    a->token = nullable_xstrdup(token);
    a->committed = committed;
    a->aux = aux;
    ovs_mutex_init(&a->mutex);
    xpthread_cond_init(&a->cond, NULL);
    ovs_list_init(&a->queue);
    a->queued = seq_create();
    return a;
}

static void
action_destroy(struct xfd_action *action)
{
    if (action) {
        svec_destroy(&action->argv);
        free(action->line);
        free(action->text);
        free(action);
    }
}

static void
free_commands(struct xfd_actions *a)
{
    for (size_t i = 0; i < a->n_commands; i++) {
        struct ctl_command *c = &a->commands[i];
        ds_destroy(&c->output);
        table_destroy(c->table);
        free(c->table);
        shash_destroy_free_data(&c->options);
    }
    free(a->commands);
    a->commands = NULL;
    a->n_commands = 0;
    if (a->symtab) {
        ovsdb_symbol_table_destroy(a->symtab);
        a->symtab = NULL;
    }
}

void
xfd_actions_destroy(struct xfd_actions *a)
{
    if (!a) {
        return;
    }
    if (a->txn) {
        ovsdb_idl_txn_abort(a->txn);
        ovsdb_idl_txn_destroy(a->txn);
    }
    free_commands(a);
    action_destroy(a->cur);
    struct xfd_action *action;
    LIST_FOR_EACH_POP (action, list_node, &a->queue) {
        action_destroy(action);
    }
    seq_destroy(a->queued);
    xpthread_cond_destroy(&a->cond);
    ovs_mutex_destroy(&a->mutex);
    free(a->token);
    free(a);
}

bool
xfd_actions_enabled(const struct xfd_actions *a)
{
    return a && a->token;
}

/* A name as the fleet's commands take it: 1 to 255 bytes, no control
 * characters. */
static bool
is_name(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > 255) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f) {
            return false;
        }
    }
    return true;
}

static char *
parse_field(const struct field *f, const struct json *value,
            const char *action, struct svec *words)
{
    switch (f->type) {
    case F_NAME:
        if (value->type != JSON_STRING || !is_name(json_string(value))) {
            return xasprintf("%s: \"%s\" must be a name (a string of 1 to "
                             "255 printable characters)", action, f->name);
        }
        svec_add(words, json_string(value));
        return NULL;
    case F_INT:
        if (value->type != JSON_INTEGER
            || json_integer(value) < f->min
            || json_integer(value) > f->max) {
            return xasprintf("%s: \"%s\" must be an integer from %d to %d",
                             action, f->name, f->min, f->max);
        }
        svec_add_nocopy(words, xasprintf("%"PRId64, json_integer(value)));
        return NULL;
    case F_BOOL:
        if (value->type != JSON_TRUE && value->type != JSON_FALSE) {
            return xasprintf("%s: \"%s\" must be true or false", action,
                             f->name);
        }
        return NULL;
    }
    OVS_NOT_REACHED();
}

static const struct action_syntax *
find_syntax(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(syntaxes); i++) {
        if (!strcmp(syntaxes[i].action, name)) {
            return &syntaxes[i];
        }
    }
    return NULL;
}

static char *
parse_object(const struct json *json, struct svec *argv)
{
    if (json->type != JSON_OBJECT) {
        return xstrdup("the body must be a JSON object such as "
                       "{\"action\": \"router-migrate\", \"router\": \"r1\", "
                       "\"node\": \"b\"}");
    }
    const struct json *action = shash_find_data(json_object(json), "action");
    if (!action || action->type != JSON_STRING) {
        return xstrdup("\"action\" (a string) is missing");
    }
    const char *name = json_string(action);
    const struct action_syntax *syn = find_syntax(name);
    if (!syn) {
        struct ds s = DS_EMPTY_INITIALIZER;
        ds_put_format(&s, "unknown action \"%s\" (", name);
        for (size_t i = 0; i < ARRAY_SIZE(syntaxes); i++) {
            ds_put_format(&s, "%s%s", i ? ", " : "", syntaxes[i].action);
        }
        ds_put_char(&s, ')');
        return ds_steal_cstr(&s);
    }

    /* Every member must be one of the action's fields. */
    struct shash_node *node;
    SHASH_FOR_EACH (node, json_object(json)) {
        bool known = !strcmp(node->name, "action");
        for (const struct field *f = syn->fields; f->name && !known; f++) {
            known = !strcmp(f->name, node->name);
        }
        if (!known) {
            return xasprintf("%s: unknown field \"%s\"", name, node->name);
        }
    }

    struct svec words = SVEC_EMPTY_INITIALIZER;
    const struct json *power_off = shash_find_data(json_object(json),
                                                   "power_off");
    if (power_off && power_off->type == JSON_TRUE) {
        svec_add(&words, "--power-off");
    }
    svec_add(&words, name);
    for (const struct field *f = syn->fields; f->name; f++) {
        const struct json *value = shash_find_data(json_object(json),
                                                   f->name);
        char *error = (!value && f->required
                       ? xasprintf("%s: \"%s\" is missing", name, f->name)
                       : value ? parse_field(f, value, name, &words) : NULL);
        if (error) {
            svec_destroy(&words);
            return error;
        }
    }
    svec_swap(argv, &words);
    svec_destroy(&words);
    return NULL;
}

char *
xfd_action_parse(const char *body, struct svec *argv)
{
    struct json *json = json_from_string(body);
    char *error = (json->type == JSON_STRING
                   ? xasprintf("the body is not JSON: %s", json_string(json))
                   : parse_object(json, argv));
    json_destroy(json);
    return error;
}

/* Whether 'authorization' is "Bearer TOKEN" with our token, compared in
 * constant time. */
static bool
token_matches(const char *authorization, const char *token)
{
    const char *given = authorization + strlen("Bearer ");
    size_t n = strlen(given), m = strlen(token);
    unsigned char diff = n != m;
    for (size_t i = 0; i < m; i++) {
        diff |= (unsigned char) token[i] ^ (unsigned char) given[i % MAX(n,
                                                                       1)];
    }
    return !diff;
}

static unsigned int
json_error(struct ds *reply, unsigned int status, const char *msg)
{
    struct json *o = json_object_create();
    json_object_put_string(o, "error", msg);
    json_to_ds(o, JSSF_SORT, reply);
    json_destroy(o);
    return status;
}

/* Waits, with the mutex held, until 'action' is done or the deadline
 * (CLOCK_REALTIME, as pthread_cond_timedwait() wants it) passes. */
static void
wait_done(struct xfd_actions *a, struct xfd_action *action)
    OVS_REQUIRES(a->mutex)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += XFD_ACTION_WAIT_MS / 1000;
    while (!action->done) {
        struct ovs_mutex *m = CONST_CAST(struct ovs_mutex *, &a->mutex);
        int error = pthread_cond_timedwait(&a->cond, &m->lock, &deadline);
        if (error == ETIMEDOUT) {
            break;
        } else if (error) {
            ovs_abort(error, "pthread_cond_timedwait failed");
        }
    }
}

unsigned int
xfd_actions_post(void *a_, const char *url, const char *authorization,
                 const char *body, size_t len OVS_UNUSED, struct ds *reply)
{
    struct xfd_actions *a = a_;
    unsigned int status;

    if (strcmp(url, "/api/action")) {
        return json_error(reply, 404, "POST goes to /api/action");
    }
    if (!a->token) {
        ovs_mutex_lock(&a->mutex);
        a->n_unauthorized++;
        ovs_mutex_unlock(&a->mutex);
        COVERAGE_INC(xfd_action_unauthorized);
        return json_error(reply, 403, "this dashboard is read-only: "
                          "xenflow-dashboard was started without "
                          "--token-file");
    }
    if (!authorization || strncmp(authorization, "Bearer ", 7)
        || !token_matches(authorization, a->token)) {
        ovs_mutex_lock(&a->mutex);
        a->n_unauthorized++;
        ovs_mutex_unlock(&a->mutex);
        COVERAGE_INC(xfd_action_unauthorized);
        VLOG_WARN_RL(&rl, "action refused: %s token",
                     authorization ? "wrong" : "no");
        return (authorization
                ? json_error(reply, 403, "wrong token")
                : json_error(reply, 401, "log in: an action needs the "
                             "header \"Authorization: Bearer TOKEN\""));
    }

    struct xfd_action *action = xzalloc(sizeof *action);
    svec_init(&action->argv);
    char *error = xfd_action_parse(body, &action->argv);
    if (error) {
        ovs_mutex_lock(&a->mutex);
        a->n_bad++;
        ovs_mutex_unlock(&a->mutex);
        COVERAGE_INC(xfd_action_bad_request);
        status = json_error(reply, 400, error);
        free(error);
        action_destroy(action);
        return status;
    }
    action->line = svec_join(&action->argv, " ", "");

    ovs_mutex_lock(&a->mutex);
    ovs_list_push_back(&a->queue, &action->list_node);
    seq_change(a->queued);
    wait_done(a, action);
    if (action->done) {
        status = action->status;
        struct json *o = json_object_create();
        if (status == 200) {
            json_object_put(o, "ok", json_boolean_create(true));
            json_object_put_string(o, "output", action->text);
        } else {
            json_object_put_string(o, "error", action->text);
        }
        json_to_ds(o, JSSF_SORT, reply);
        json_destroy(o);
        action_destroy(action);
    } else {
        /* The main loop still has it: it frees it when done. */
        action->abandoned = true;
        status = 202;
        ds_put_cstr(reply, "{\"pending\":true}");
    }
    ovs_mutex_unlock(&a->mutex);
    return status;
}

/* Ends the current action with 'status' and 'text' (taken). */
static void
finish(struct xfd_actions *a, unsigned int status, char *text)
{
    struct xfd_action *action = a->cur;

    if (status == 200) {
        VLOG_INFO("action %s: done%s%s", action->line, text[0] ? ": " : "",
                  text);
    } else {
        VLOG_WARN("action %s: refused (%u): %s", action->line, status, text);
    }
    free_commands(a);
    a->cur = NULL;
    a->retry = false;

    ovs_mutex_lock(&a->mutex);
    if (status == 200) {
        a->n_ok++;
        COVERAGE_INC(xfd_action_ok);
    } else {
        a->n_refused++;
        COVERAGE_INC(xfd_action_refused);
    }
    if (action->abandoned) {
        free(text);
        action_destroy(action);
    } else {
        action->status = status;
        action->text = text;
        action->done = true;
        xpthread_cond_broadcast(&a->cond);
    }
    ovs_mutex_unlock(&a->mutex);
}

/* Runs the current action's commands on a new transaction and starts its
 * commit, as xenflow-ctl does (do_xenflow_ctl()). */
static void
start(struct xfd_actions *a, struct ovsdb_idl *idl)
{
    struct ctl_context ctx;

    free_commands(a);
    struct shash local_options = SHASH_INITIALIZER(&local_options);
    char *error = ctl_parse_commands(a->cur->argv.n, a->cur->argv.names,
                                     &local_options, &a->commands,
                                     &a->n_commands);
    shash_destroy_free_data(&local_options);
    if (error) {
        finish(a, 400, error);
        return;
    }

    a->symtab = ovsdb_symbol_table_create();
    a->txn = ovsdb_idl_txn_create(idl);
    ovsdb_idl_txn_add_comment(a->txn, "xenflow-dashboard: %s",
                              a->cur->line);
    for (size_t i = 0; i < a->n_commands; i++) {
        ds_init(&a->commands[i].output);
        a->commands[i].table = NULL;
    }
    ctl_context_init(&ctx, NULL, idl, a->txn, a->symtab, NULL);
    for (size_t i = 0; i < a->n_commands; i++) {
        struct ctl_command *c = &a->commands[i];
        ctl_context_init_command(&ctx, c, i == a->n_commands - 1);
        if (c->syntax->run) {
            c->syntax->run(&ctx);
        }
        error = ctx.error ? xstrdup(ctx.error) : NULL;
        ctl_context_done_command(&ctx, c);
        if (error || ctx.try_again) {
            break;
        }
    }
    bool try_again = ctx.try_again;
    ctl_context_done(&ctx, NULL);
    if (error || try_again) {
        ovsdb_idl_txn_abort(a->txn);
        ovsdb_idl_txn_destroy(a->txn);
        a->txn = NULL;
        if (error) {
            finish(a, 409, error);
        } else {
            a->retry = true;
            a->retry_seqno = ovsdb_idl_get_seqno(idl);
        }
        return;
    }
    ovsdb_idl_txn_commit(a->txn);
}

/* Follows the current action's commit. */
static void
follow(struct xfd_actions *a, struct ovsdb_idl *idl)
{
    enum ovsdb_idl_txn_status status = ovsdb_idl_txn_commit(a->txn);
    if (status == TXN_INCOMPLETE) {
        return;
    }
    char *db_error = nullable_xstrdup(ovsdb_idl_txn_get_error(a->txn));
    ovsdb_idl_txn_destroy(a->txn);
    a->txn = NULL;

    switch (status) {
    case TXN_SUCCESS:
    case TXN_UNCHANGED: {
        struct ds out = DS_EMPTY_INITIALIZER;
        for (size_t i = 0; i < a->n_commands; i++) {
            const struct ds *output = &a->commands[i].output;
            if (output->length) {
                ds_put_buffer(&out, output->string, output->length);
            }
        }
        ds_chomp(&out, '\n');
        free(db_error);
        if (a->committed) {
            a->committed(a->aux);
        }
        finish(a, 200, ds_steal_cstr(&out));
        return;
    }
    case TXN_TRY_AGAIN:
        /* The database changed under the command: run it again on the
         * new contents, as xenflow-ctl does. */
        free(db_error);
        a->retry = true;
        a->retry_seqno = ovsdb_idl_get_seqno(idl);
        return;
    case TXN_ERROR:
    case TXN_NOT_LOCKED:
    case TXN_ABORTED:
    case TXN_UNCOMMITTED:
    case TXN_INCOMPLETE:
    default:
        finish(a, 409, xasprintf("the fleet database refused the "
                                 "transaction: %s (%s)",
                                 ovsdb_idl_txn_status_to_string(status),
                                 db_error ? db_error : "no details"));
        free(db_error);
        return;
    }
}

/* Makes the oldest queued action the current one, if there is one. */
static bool
take_next(struct xfd_actions *a)
{
    ovs_mutex_lock(&a->mutex);
    if (!ovs_list_is_empty(&a->queue)) {
        a->cur = CONTAINER_OF(ovs_list_pop_front(&a->queue),
                              struct xfd_action, list_node);
    }
    ovs_mutex_unlock(&a->mutex);
    return a->cur != NULL;
}

void
xfd_actions_run(struct xfd_actions *a, struct ovsdb_idl *idl)
{
    if (a->txn) {
        follow(a, idl);
        if (a->txn) {
            return;
        }
    }
    if (!a->cur) {
        if (!take_next(a)) {
            return;
        }
        VLOG_INFO("action %s: started", a->cur->line);
    }
    if (!ovsdb_idl_is_connected(idl) || !ovsdb_idl_has_ever_connected(idl)) {
        finish(a, 503, xstrdup("the fleet database is not connected: try "
                               "again"));
        return;
    }
    if (a->retry && ovsdb_idl_get_seqno(idl) == a->retry_seqno) {
        return;
    }
    a->retry = false;
    start(a, idl);
}

/* Answers every action not yet done with 503, so that the HTTP threads
 * waiting for them return at once: call before stopping the server. */
void
xfd_actions_shutdown(struct xfd_actions *a)
{
    if (a->txn) {
        /* Its commit may have reached the database: say so. */
        ovsdb_idl_txn_abort(a->txn);
        ovsdb_idl_txn_destroy(a->txn);
        a->txn = NULL;
        finish(a, 503, xstrdup("xenflow-dashboard stopped before the "
                               "database confirmed the change: check the "
                               "fleet"));
    }
    while (a->cur || take_next(a)) {
        finish(a, 503, xstrdup("xenflow-dashboard is stopping"));
    }
}

void
xfd_actions_wait(struct xfd_actions *a)
{
    if (a->txn) {
        ovsdb_idl_txn_wait(a->txn);
    } else if (!a->cur) {
        ovs_mutex_lock(&a->mutex);
        bool empty = ovs_list_is_empty(&a->queue);
        uint64_t seqno = seq_read(a->queued);
        ovs_mutex_unlock(&a->mutex);
        if (empty) {
            seq_wait(a->queued, seqno);
        } else {
            poll_immediate_wake();
        }
    } else if (!a->retry) {
        poll_immediate_wake();
    }
    /* Else: a retry waits for the IDL to change (the caller waits on it). */
}

void
xfd_actions_format(struct xfd_actions *a, struct ds *s)
{
    ovs_mutex_lock(&a->mutex);
    ds_put_format(s, "actions: %s; %llu done, %llu refused by the fleet, "
                  "%llu malformed, %llu without a good token; %"PRIuSIZE
                  " queued\n",
                  a->token ? "enabled (--token-file)" : "off (read-only)",
                  a->n_ok, a->n_refused, a->n_bad, a->n_unauthorized,
                  ovs_list_size(&a->queue));
    ovs_mutex_unlock(&a->mutex);
    if (a->cur) {
        ds_put_format(s, "running: %s%s\n", a->cur->line,
                      a->retry ? " (waiting to try again)" : "");
    }
}
