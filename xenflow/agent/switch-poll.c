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
/* Gathering what ovs-vswitchd knows of routers and queues (switch-poll.h). */

#include <config.h>

#include "xenflow/agent/switch-poll.h"

#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/agent/gather-switch.h"
#include "xenflow/agent/switchctl.h"

VLOG_DEFINE_THIS_MODULE(xenflow_agent_switch_poll);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 60);

/* The questions of one pass, in order. */
static const struct {
    const char *command;
    char *(*parse)(const char *, struct xfa_sw_figures *);
} steps[] = {
    { "xenflow/show", xfa_sw_parse_show },
    { "xenflow/qos/show", xfa_sw_parse_qos },
    { "xenflow/migrate/show", xfa_sw_parse_migrations },
    { "xenflow/trunks", xfa_sw_parse_trunks },
};

struct xfa_switch_poll {
    char *target;
    struct xfa_switchctl *sc;
    long long int period;
    long long int next;         /* When the next pass starts. */
    long long int deadline;     /* When the request in flight is given up. */
    size_t step;                /* Index in 'steps' of the request. */
    unsigned int seqno;         /* Changes when a pass ends. */

    struct xfa_sw_figures figures;      /* The last good pass's. */
    struct xfa_sw_figures pass;         /* The pass under way's. */
    struct xfa_sw_stats stats;
    char *last_error;
};

struct xfa_switch_poll *
xfa_switch_poll_create(const char *target, long long int period_ms)
{
    struct xfa_switch_poll *sp = xzalloc(sizeof *sp);
    sp->target = xstrdup(target);
    sp->sc = xfa_switchctl_create(target);
    sp->period = period_ms;
    sp->next = LLONG_MIN;
    xfa_sw_figures_init(&sp->figures);
    xfa_sw_figures_init(&sp->pass);
    return sp;
}

void
xfa_switch_poll_destroy(struct xfa_switch_poll *sp)
{
    if (sp) {
        xfa_switchctl_destroy(sp->sc);
        xfa_sw_figures_destroy(&sp->figures);
        xfa_sw_figures_destroy(&sp->pass);
        free(sp->last_error);
        free(sp->target);
        free(sp);
    }
}

static void
pass_end(struct xfa_switch_poll *sp, char *error)
{
    sp->seqno++;
    xfa_sw_figures_destroy(&sp->pass);
    xfa_sw_figures_init(&sp->pass);
    free(sp->last_error);
    sp->last_error = error;
    sp->stats.stale = error != NULL;
    if (error) {
        sp->stats.n_failures++;
        VLOG_WARN_RL(&rl, "%s (the last figures are kept, stale)", error);
    } else {
        sp->stats.n_passes++;
        sp->stats.last_ok = time_wall_msec();
    }
}

/* Sends step 'sp->step''s question, or ends the pass if it cannot. */
static void
ask(struct xfa_switch_poll *sp)
{
    char *error = xfa_switchctl_send(sp->sc, steps[sp->step].command,
                                     "--json", NULL, NULL);
    if (error) {
        pass_end(sp, error);
    } else {
        sp->deadline = time_msec() + sp->period;
    }
}

static void
handle_reply(struct xfa_switch_poll *sp, char *result, char *error)
{
    if (error) {
        pass_end(sp, xasprintf("%s: %s", steps[sp->step].command, error));
        free(error);
        return;
    }
    char *parse_error = steps[sp->step].parse(result, &sp->pass);
    free(result);
    if (parse_error) {
        pass_end(sp, parse_error);
    } else if (++sp->step < ARRAY_SIZE(steps)) {
        ask(sp);
    } else {
        xfa_sw_figures_swap(&sp->figures, &sp->pass);
        pass_end(sp, NULL);
    }
}

void
xfa_switch_poll_run(struct xfa_switch_poll *sp)
{
    char *result, *error;

    if (xfa_switchctl_recv(sp->sc, &result, &error)) {
        handle_reply(sp, result, error);
    }

    long long int now = time_msec();
    if (xfa_switchctl_busy(sp->sc)) {
        if (now >= sp->deadline) {
            /* The only way to give up a unixctl request is to close its
             * connection: the next pass opens another. */
            xfa_switchctl_destroy(sp->sc);
            sp->sc = xfa_switchctl_create(sp->target);
            sp->stats.n_timeouts++;
            pass_end(sp, xasprintf("%s: %s: no reply in %lld ms",
                                   sp->target, steps[sp->step].command,
                                   sp->period));
        }
    } else if (now >= sp->next) {
        sp->next = now + sp->period;
        sp->step = 0;
        ask(sp);
    }
}

void
xfa_switch_poll_wait(const struct xfa_switch_poll *sp)
{
    xfa_switchctl_wait(sp->sc);
    poll_timer_wait_until(xfa_switchctl_busy(sp->sc) ? sp->deadline
                          : sp->next);
}

unsigned int
xfa_switch_poll_seqno(const struct xfa_switch_poll *sp)
{
    return sp->seqno;
}

/* Returns the last good figures and, in '*stats', how gathering goes. */
const struct xfa_sw_figures *
xfa_switch_poll_figures(const struct xfa_switch_poll *sp,
                        struct xfa_sw_stats *stats)
{
    *stats = sp->stats;
    stats->last_error = sp->last_error;
    return &sp->figures;
}

void
xfa_switch_poll_format(const struct xfa_switch_poll *sp, struct ds *s)
{
    ds_put_format(s, "switch: %s every %lld ms, %llu passes, %llu failed "
                  "(%llu timed out), %"PRIuSIZE" routers, %"PRIuSIZE
                  " queues%s\n", sp->target, sp->period, sp->stats.n_passes,
                  sp->stats.n_failures, sp->stats.n_timeouts,
                  shash_count(&sp->figures.routers), sp->figures.n_queues,
                  sp->stats.stale ? ", stale" : "");
    if (sp->last_error) {
        ds_put_format(s, "switch: last pass: %s\n", sp->last_error);
    }
}
