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
/* Non-blocking unixctl client of ovs-vswitchd (see switchctl.h). */

#include <config.h>

#include "xenflow/agent/switchctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "dirs.h"
#include "jsonrpc.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "unixctl.h"
#include "util.h"

struct xfa_switchctl {
    char *target;               /* "ovs-vswitchd" or a socket's path. */
    struct jsonrpc *rpc;        /* NULL until a command needs it. */
    struct json *id;            /* The request in flight, or NULL. */
};

/* 'target' is a daemon's name (its control socket is found through its
 * pidfile in the run directory) or an absolute socket path, as
 * ovs-appctl's -t. */
struct xfa_switchctl *
xfa_switchctl_create(const char *target)
{
    struct xfa_switchctl *sc = xzalloc(sizeof *sc);
    sc->target = xstrdup(target);
    return sc;
}

static void
switchctl_close(struct xfa_switchctl *sc)
{
    jsonrpc_close(sc->rpc);
    sc->rpc = NULL;
    json_destroy(sc->id);
    sc->id = NULL;
}

void
xfa_switchctl_destroy(struct xfa_switchctl *sc)
{
    if (sc) {
        switchctl_close(sc);
        free(sc->target);
        free(sc);
    }
}

bool
xfa_switchctl_busy(const struct xfa_switchctl *sc)
{
    return sc->id != NULL;
}

static char *
switchctl_connect(struct xfa_switchctl *sc)
{
    char *path;
    if (sc->target[0] == '/') {
        path = xstrdup(sc->target);
    } else {
        char *pidfile = xasprintf("%s/%s.pid", ovs_rundir(), sc->target);
        pid_t pid = read_pidfile(pidfile);
        free(pidfile);
        if (pid < 0) {
            return xasprintf("%s is not running here (no pidfile in %s)",
                             sc->target, ovs_rundir());
        }
        path = xasprintf("%s/%s.%ld.ctl", ovs_rundir(), sc->target,
                         (long int) pid);
    }
    int error = unixctl_client_create(path, &sc->rpc);
    char *msg = (error
                 ? xasprintf("cannot reach %s at %s: %s", sc->target, path,
                             ovs_strerror(error))
                 : NULL);
    free(path);
    return msg;
}

/* Sends 'command' with up to three arguments (NULL ends them).  Returns
 * NULL, or why it could not be sent.  Only when not busy. */
char *
xfa_switchctl_send(struct xfa_switchctl *sc, const char *command,
                   const char *arg0, const char *arg1, const char *arg2)
{
    ovs_assert(!sc->id);
    if (!sc->rpc) {
        char *error = switchctl_connect(sc);
        if (error) {
            return error;
        }
    }

    const char *args[] = { arg0, arg1, arg2 };
    struct json *params = json_array_create_empty();
    for (size_t i = 0; i < ARRAY_SIZE(args) && args[i]; i++) {
        json_array_add(params, json_string_create(args[i]));
    }
    struct jsonrpc_msg *request = jsonrpc_create_request(command, params,
                                                         &sc->id);
    int error = jsonrpc_send(sc->rpc, request);
    if (error) {
        switchctl_close(sc);
        return xasprintf("%s: sending %s: %s", sc->target, command,
                         ovs_strerror(error));
    }
    return NULL;
}

/* Returns true if the command in flight is over: '*result' is its reply,
 * or '*error' says why it failed (the daemon's message or the connection's
 * end).  The caller frees both. */
bool
xfa_switchctl_recv(struct xfa_switchctl *sc, char **result, char **error)
{
    *result = *error = NULL;
    if (!sc->id) {
        return false;
    }

    struct jsonrpc_msg *msg;
    jsonrpc_run(sc->rpc);
    int retval = jsonrpc_recv(sc->rpc, &msg);
    if (retval == EAGAIN) {
        return false;
    } else if (retval) {
        *error = xasprintf("%s: connection closed: %s", sc->target,
                           ovs_retval_to_string(retval));
        switchctl_close(sc);
        return true;
    }

    if (msg->type == JSONRPC_REPLY && json_equal(msg->id, sc->id)
        && msg->result && msg->result->type == JSON_STRING) {
        *result = xstrdup(json_string(msg->result));
    } else if (msg->type == JSONRPC_ERROR && json_equal(msg->id, sc->id)
               && msg->error && msg->error->type == JSON_STRING) {
        *error = xstrdup(json_string(msg->error));
    } else {
        *error = xasprintf("%s: unexpected message", sc->target);
        jsonrpc_msg_destroy(msg);
        switchctl_close(sc);
        return true;
    }
    jsonrpc_msg_destroy(msg);
    json_destroy(sc->id);
    sc->id = NULL;
    return true;
}

void
xfa_switchctl_wait(const struct xfa_switchctl *sc)
{
    if (sc->rpc) {
        jsonrpc_wait(sc->rpc);
        if (sc->id) {
            jsonrpc_recv_wait(sc->rpc);
        }
    }
}
