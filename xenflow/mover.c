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

#include "xenflow/mover.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "process.h"
#include "socket-util.h"
#include "svec.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(xenflow_mover);

extern char **environ;

#define MAX_CLASSES 8
static const struct xf_mover_class *classes[MAX_CLASSES] = {
    &xf_mover_exec_class,
};
static size_t n_classes = 1;

void
xf_mover_register(const struct xf_mover_class *class)
{
    ovs_assert(n_classes < MAX_CLASSES);
    classes[n_classes++] = class;
}

/* Finds the class of 'spec' ("TYPE:ARG") and sets '*argp' to ARG.  Returns
 * NULL or a malloc()'d error. */
static char *
lookup_class(const char *spec, const struct xf_mover_class **classp,
             const char **argp)
{
    const char *colon = spec ? strchr(spec, ':') : NULL;

    *classp = NULL;
    if (!colon || !colon[1]) {
        return xasprintf("\"%s\" is not TYPE:ARGUMENT (exec:PROGRAM or "
                         "libvirt:URI)", spec ? spec : "");
    }
    for (size_t i = 0; i < n_classes; i++) {
        if (strlen(classes[i]->type) == colon - spec
            && !strncmp(spec, classes[i]->type, colon - spec)) {
            *classp = classes[i];
            *argp = colon + 1;
            return NULL;
        }
    }
    if (!strncmp(spec, "libvirt:", 8)) {
        return xstrdup("this ovs-vswitchd was built without libvirt "
                       "(configure found no libvirt-dev)");
    }
    return xasprintf("unknown mover type in \"%s\" (exec:PROGRAM or "
                     "libvirt:URI)", spec);
}

/* Checks the syntax of mover 'spec'.  Returns NULL or a malloc()'d error. */
char *
xf_mover_check_spec(const char *spec)
{
    const struct xf_mover_class *class;
    const char *arg;

    return lookup_class(spec, &class, &arg);
}

char *
xf_mover_start(const char *spec, const char *router, const char *dest,
               struct xf_mover **moverp)
{
    const struct xf_mover_class *class;
    const char *arg;

    *moverp = NULL;
    char *error = lookup_class(spec, &class, &arg);
    if (!error) {
        error = class->start(arg, router, dest, moverp);
    }
    return error;
}

int
xf_mover_poll(struct xf_mover *m, char **errorp)
{
    *errorp = NULL;
    return m->class->poll(m, errorp);
}

void
xf_mover_wait(const struct xf_mover *m)
{
    m->class->wait(m);
}

unsigned int
xf_mover_requests(const struct xf_mover *m)
{
    return m->requests;
}

void
xf_mover_reply_held(struct xf_mover *m)
{
    if (m->class->reply_held) {
        m->class->reply_held(m);
    }
}

void
xf_mover_destroy(struct xf_mover *m)
{
    if (m) {
        m->class->destroy(m);
    }
}

/* exec: a program does the move.  posix_spawn(), not upstream's
 * process_start(): ovs-vswitchd has threads by now. */

struct exec_mover {
    struct xf_mover up;
    pid_t pid;                  /* 0 once reaped. */
    int status;
    int fd;                     /* Read end of the child's stdout/stderr. */
    int in_fd;                  /* Write end of its stdin, or -1. */
    struct ds output;           /* What it printed (the tail). */
    struct ds line;             /* The line being read. */
};

#define EXEC_OUTPUT_MAX 512
#define EXEC_POLL_MS 50         /* While its output is open. */
#define EXEC_EXIT_POLL_MS 10    /* Once closed: it is exiting. */
#define EXEC_REPLY_FD 3         /* The pause protocol's replies. */

static struct exec_mover *
exec_mover_cast(const struct xf_mover *m)
{
    return CONTAINER_OF(m, struct exec_mover, up);
}

static char *
exec_start(const char *arg, const char *router, const char *dest,
           struct xf_mover **moverp)
{
    struct svec argv = SVEC_EMPTY_INITIALIZER;
    struct svec env = SVEC_EMPTY_INITIALIZER;
    int fds[2] = { -1, -1 };
    int in[2] = { -1, -1 };
    char *error = NULL;

    svec_parse_words(&argv, arg);
    if (!argv.n) {
        svec_destroy(&argv);
        return xstrdup("exec: needs a program");
    }
    svec_add(&argv, router);
    svec_add(&argv, dest);
    svec_terminate(&argv);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (pipe(fds) || pipe(in)) {
        error = xasprintf("exec: pipe: %s", ovs_strerror(errno));
        goto out;
    }
    set_nonblocking(fds[0]);
    set_nonblocking(in[1]);

    /* Standard input /dev/null, output and errors to 'fds', and the pause
     * protocol's replies on file descriptor 3 (not standard input, which a
     * mover may read to its end).  Each pipe end numbered 3 was replaced
     * by the dup2() to 3, so it is not closed afterwards. */
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawn_file_actions_adddup2(&actions, in[0], EXEC_REPLY_FD);
    int ends[] = { fds[0], fds[1], in[0], in[1] };
    for (size_t i = 0; i < ARRAY_SIZE(ends); i++) {
        if (ends[i] != EXEC_REPLY_FD) {
            posix_spawn_file_actions_addclose(&actions, ends[i]);
        }
    }

    /* The environment, plus the version of the pause protocol offered. */
    for (char **e = environ; *e; e++) {
        if (strncmp(*e, "XENFLOW_MOVER_PROTOCOL=", 23)) {
            svec_add(&env, *e);
        }
    }
    svec_add(&env, "XENFLOW_MOVER_PROTOCOL=1");
    svec_terminate(&env);

    pid_t pid;
    int retval = posix_spawnp(&pid, argv.names[0], &actions, NULL,
                              argv.names, env.names);
    if (retval) {
        error = xasprintf("exec: %s: %s", argv.names[0],
                          ovs_strerror(retval));
        goto out;
    }

    struct exec_mover *m = xzalloc(sizeof *m);
    m->up.class = &xf_mover_exec_class;
    m->pid = pid;
    m->fd = fds[0];
    m->in_fd = in[1];
    ds_init(&m->output);
    ds_init(&m->line);
    *moverp = &m->up;
    char *cmd = process_escape_args(argv.names);
    VLOG_INFO("mover started: %s (pid %ld)", cmd, (long int) pid);
    free(cmd);

out:
    if (fds[1] >= 0) {
        close(fds[1]);
    }
    if (in[0] >= 0) {
        close(in[0]);
    }
    if (error && fds[0] >= 0) {
        close(fds[0]);
    }
    if (error && in[1] >= 0) {
        close(in[1]);
    }
    posix_spawn_file_actions_destroy(&actions);
    svec_destroy(&argv);
    svec_destroy(&env);
    return error;
}

/* The pause protocol's lines among the mover's output 'buf'. */
static void
exec_parse_lines(struct exec_mover *m, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (buf[i] != '\n') {
            if (m->line.length < 64) {
                ds_put_char(&m->line, buf[i]);
            }
            continue;
        }
        const char *line = ds_cstr(&m->line);
        if (!strcmp(line, "hold-at-pause")) {
            m->up.requests |= XF_MOVER_HOLD_AT_PAUSE;
        } else if (!strcmp(line, "pause")) {
            m->up.requests |= XF_MOVER_PAUSING;
        }
        ds_clear(&m->line);
    }
}

static void
exec_read_output(struct exec_mover *m)
{
    char buf[256];
    ssize_t n = -1;

    while (m->fd >= 0 && (n = read(m->fd, buf, sizeof buf)) > 0) {
        exec_parse_lines(m, buf, n);
        ds_put_buffer(&m->output, buf, n);
        if (m->output.length > EXEC_OUTPUT_MAX) {
            size_t cut = m->output.length - EXEC_OUTPUT_MAX;
            memmove(m->output.string, m->output.string + cut,
                    EXEC_OUTPUT_MAX);
            ds_truncate(&m->output, EXEC_OUTPUT_MAX);
        }
    }
    if (m->fd >= 0 && !n) {
        /* End of file: the mover (and whatever it started) closed its
         * output, usually by exiting. */
        close(m->fd);
        m->fd = -1;
    }
}

static int
exec_poll(struct xf_mover *m_, char **errorp)
{
    struct exec_mover *m = exec_mover_cast(m_);

    exec_read_output(m);
    if (m->pid) {
        pid_t retval = waitpid(m->pid, &m->status, WNOHANG);
        if (!retval || (retval < 0 && errno == EINTR)) {
            return EAGAIN;
        }
        m->pid = 0;
        if (retval < 0) {
            *errorp = xasprintf("mover: waitpid: %s", ovs_strerror(errno));
            return errno;
        }
    }
    if (WIFEXITED(m->status) && !WEXITSTATUS(m->status)) {
        return 0;
    }
    char *status = process_status_msg(m->status);
    ds_chomp(&m->output, '\n');
    const char *last = strrchr(ds_cstr(&m->output), '\n');
    last = last ? last + 1 : ds_cstr(&m->output);
    *errorp = xasprintf("mover failed (%s)%s%s", status, *last ? ": " : "",
                        last);
    free(status);
    return ECHILD;
}

static void
exec_wait(const struct xf_mover *m_)
{
    const struct exec_mover *m = exec_mover_cast(m_);
    if (m->pid) {
        /* Its output closing is usually its exit, at once; a child it
         * left running may keep the output open: then the timer. */
        if (m->fd >= 0) {
            poll_fd_wait(m->fd, POLLIN);
            poll_timer_wait(EXEC_POLL_MS);
        } else {
            poll_timer_wait(EXEC_EXIT_POLL_MS);
        }
    } else {
        poll_immediate_wake();
    }
}

static void
exec_destroy(struct xf_mover *m_)
{
    struct exec_mover *m = exec_mover_cast(m_);

    if (m->pid) {
        /* SIGTERM, a second to clean up, then SIGKILL. */
        VLOG_WARN("mover (pid %ld) cancelled", (long int) m->pid);
        kill(m->pid, SIGTERM);
        pid_t reaped = 0;
        for (int i = 0; i < 100; i++) {
            reaped = waitpid(m->pid, NULL, WNOHANG);
            if (reaped) {
                break;
            }
            xnanosleep(10 * 1000 * 1000);
        }
        if (!reaped) {
            kill(m->pid, SIGKILL);
            waitpid(m->pid, NULL, 0);
        }
    }
    if (m->fd >= 0) {
        close(m->fd);
    }
    if (m->in_fd >= 0) {
        close(m->in_fd);
    }
    ds_destroy(&m->output);
    ds_destroy(&m->line);
    free(m);
}

/* "held", then end of file, on the mover's file descriptor 3. */
static void
exec_reply_held(struct xf_mover *m_)
{
    struct exec_mover *m = exec_mover_cast(m_);

    if (m->in_fd >= 0) {
        if (write(m->in_fd, "held\n", 5) != 5) {
            VLOG_WARN("mover (pid %ld): cannot write \"held\" (%s)",
                      (long int) m->pid, ovs_strerror(errno));
        }
        close(m->in_fd);
        m->in_fd = -1;
    }
}

const struct xf_mover_class xf_mover_exec_class = {
    .type = "exec",
    .start = exec_start,
    .poll = exec_poll,
    .wait = exec_wait,
    .destroy = exec_destroy,
    .reply_held = exec_reply_held,
};
