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
/* The agent's libvirt thread (see virt-worker.h). */

#include <config.h>

#include "xenflow/agent/virt-worker.h"

#include "latch.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "seq.h"
#include "sset.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/agent/bootstrap.h"

VLOG_DEFINE_THIS_MODULE(xenflow_agent_worker);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

/* How often the thread looks at libvirt when nothing changes: state,
 * statistics, a lost connection. */
#define PASS_INTERVAL_MS 2000

struct xfa_worker {
    pthread_t thread;
    struct latch wake;          /* Main loop to thread: new wants, exit. */
    struct seq *done;           /* Thread to main loop: new reports. */
    uint64_t seen;              /* Main loop: 'done' when last read. */

    /* Only the thread. */
    struct xfa_virt *virt;
    char *state_dir;
    const char *pki_dir;
    const char *switch_remote;
    long long int shutdown_timeout_ms;
    struct shash stopping;      /* Name -> long long int *: when asked. */

    struct ovs_mutex mutex;
    bool exiting OVS_GUARDED;
    struct shash *wants OVS_GUARDED;     /* NULL: no new wants. */
    bool fenced OVS_GUARDED;             /* With 'wants'. */
    bool may_remove OVS_GUARDED;         /* With 'wants'. */
    struct shash reports OVS_GUARDED;
    char *conn_error OVS_GUARDED;
    struct sset destroyed OVS_GUARDED;   /* Destroyed for the fence, not
                                          * yet taken. */
};

static void *worker_main(void *);

struct xfa_worker *
xfa_worker_create(const char *uri, const char *state_dir,
                  const struct xfa_bootstrap_options *options,
                  long long int shutdown_timeout_ms)
{
    struct xfa_worker *w = xzalloc(sizeof *w);
    latch_init(&w->wake);
    w->done = seq_create();
    w->seen = seq_read(w->done);
    w->virt = xfa_virt_create(uri);
    w->state_dir = xstrdup(state_dir);
    w->pki_dir = options->pki_dir;
    w->switch_remote = options->switch_remote;
    w->shutdown_timeout_ms = shutdown_timeout_ms;
    shash_init(&w->stopping);
    ovs_mutex_init(&w->mutex);
    shash_init(&w->reports);
    sset_init(&w->destroyed);
    w->thread = ovs_thread_create("xfa_libvirt", worker_main, w);
    return w;
}

void
xfa_worker_destroy(struct xfa_worker *w)
{
    if (!w) {
        return;
    }
    ovs_mutex_lock(&w->mutex);
    w->exiting = true;
    ovs_mutex_unlock(&w->mutex);
    latch_set(&w->wake);
    xpthread_join(w->thread, NULL);

    if (w->wants) {
        xfa_wants_clear(w->wants);
        shash_destroy(w->wants);
        free(w->wants);
    }
    xfa_reports_clear(&w->reports);
    shash_destroy(&w->reports);
    sset_destroy(&w->destroyed);
    shash_destroy_free_data(&w->stopping);
    free(w->conn_error);
    xfa_virt_destroy(w->virt);
    free(w->state_dir);
    seq_destroy(w->done);
    latch_destroy(&w->wake);
    ovs_mutex_destroy(&w->mutex);
    free(w);
}

/* Hands 'wants' (name -> struct xfa_want *) to the thread, leaving it
 * empty.  The agent's domains that are not wanted are removed only if
 * 'may_remove': wants computed before the thread's first report lack the
 * routers that run here and are leaving (departures.h), which a restarted
 * agent must migrate, not remove.  If 'fenced', they are destroyed at once
 * (no shutdown) and undefined. */
void
xfa_worker_set(struct xfa_worker *w, struct shash *wants, bool fenced,
               bool may_remove)
{
    struct shash *copy = xmalloc(sizeof *copy);
    shash_init(copy);
    shash_swap(copy, wants);

    ovs_mutex_lock(&w->mutex);
    struct shash *old = w->wants;
    w->wants = copy;
    w->fenced = fenced;
    w->may_remove = may_remove;
    ovs_mutex_unlock(&w->mutex);
    if (old) {
        xfa_wants_clear(old);
        shash_destroy(old);
        free(old);
    }
    latch_set(&w->wake);
}

/* Asks for a pass now. */
void
xfa_worker_wake(struct xfa_worker *w)
{
    latch_set(&w->wake);
}

/* If the thread finished a pass since the last call, replaces 'reports'
 * (name -> struct xfa_report *) and '*conn_error' by what it saw and returns
 * true. */
bool
xfa_worker_get_reports(struct xfa_worker *w, struct shash *reports,
                       char **conn_error)
{
    uint64_t seqno = seq_read(w->done);
    if (seqno == w->seen) {
        return false;
    }
    w->seen = seqno;

    xfa_reports_clear(reports);
    ovs_mutex_lock(&w->mutex);
    shash_swap(reports, &w->reports);
    free(*conn_error);
    *conn_error = w->conn_error ? xstrdup(w->conn_error) : NULL;
    ovs_mutex_unlock(&w->mutex);
    return true;
}

/* Moves into 'names' the domains the thread destroyed because the node is
 * fenced, since the last call. */
void
xfa_worker_take_destroyed(struct xfa_worker *w, struct sset *names)
{
    ovs_mutex_lock(&w->mutex);
    const char *name;
    SSET_FOR_EACH (name, &w->destroyed) {
        sset_add(names, name);
    }
    sset_clear(&w->destroyed);
    ovs_mutex_unlock(&w->mutex);
}

void
xfa_worker_wait(const struct xfa_worker *w)
{
    seq_wait(w->done, w->seen);
}

void
xfa_wants_clear(struct shash *wants)
{
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, wants) {
        struct xfa_want *want = node->data;
        xfa_vm_destroy(&want->vm);
        free(want->error);
        free(want);
        shash_delete(wants, node);
    }
}

struct xfa_want *
xfa_want_clone(const struct xfa_want *want)
{
    struct xfa_want *clone = xmemdup(want, sizeof *want);
    xfa_vm_clone(&clone->vm, &want->vm);
    clone->error = nullable_xstrdup(want->error);
    return clone;
}

void
xfa_reports_clear(struct shash *reports)
{
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, reports) {
        struct xfa_report *report = node->data;
        free(report->error);
        xfa_dom_info_destroy(&report->info);
        free(report);
        shash_delete(reports, node);
    }
}

/* The thread. */

/* Stops domain 'name': a shutdown first, then, once the shutdown timeout
 * has passed, destroy.  Returns true once it is inactive. */
static bool
stop_domain(struct xfa_worker *w, const char *name,
            const struct xfa_dom_info *info, char **error)
{
    if (!info->active) {
        free(shash_find_and_delete(&w->stopping, name));
        return true;
    }
    long long int *since = shash_find_data(&w->stopping, name);
    if (!since) {
        since = xmalloc(sizeof *since);
        *since = time_msec();
        shash_add(&w->stopping, name, since);
        *error = xfa_virt_shutdown(w->virt, name);
    } else if (time_msec() - *since >= w->shutdown_timeout_ms) {
        VLOG_WARN("libvirt: domain %s did not shut down within %lld ms: "
                  "destroying it", name, w->shutdown_timeout_ms);
        *error = xfa_virt_destroy_domain(w->virt, name);
        if (!*error) {
            free(shash_find_and_delete(&w->stopping, name));
            return true;
        }
    }
    return false;
}

static struct eth_addr *
vm_macs(const struct xfa_vm *vm)
{
    struct eth_addr *macs = xmalloc((vm->n_ifaces + 1) * sizeof *macs);
    for (size_t i = 0; i < vm->n_ifaces; i++) {
        macs[i] = vm->ifaces[i].mac;
    }
    return macs;
}

/* Defines 'want' if needed (or redefines it once it is stopped, if its
 * configuration changed), and starts or stops it. */
static char *
converge(struct xfa_worker *w, const struct xfa_want *want,
         struct xfa_dom_info *info, const char **state)
{
    const struct xfa_vm *vm = &want->vm;
    struct ds xml = DS_EMPTY_INITIALIZER;
    char *error = NULL;

    xfa_vm_to_xml(vm, &xml);
    const char *c = strstr(ds_cstr(&xml), "config='");
    char *config = xmemdup0(c + 8, 8);
    bool stale = info->exists && (!info->config
                                  || strcmp(info->config, config));

    if (stale && info->active) {
        /* A changed template or interface: restart with the new one. */
        *state = "stopping";
        if (stop_domain(w, vm->name, info, &error)) {
            info->active = false;
        }
    }
    if (!error && (!info->exists || (stale && !info->active))) {
        struct xfa_bootstrap_options options = {
            .pki_dir = w->pki_dir,
            .switch_remote = w->switch_remote,
        };
        *state = "defining";
        error = (vm->boot_dir ? xfa_bootstrap_write(vm, &options) : NULL);
        if (!error) {
            error = xfa_virt_define(w->virt, vm->name, ds_cstr(&xml));
        }
        if (!error) {
            info->exists = true;
            *state = "defined";
        }
    }
    if (!error && info->exists && !(stale && info->active)) {
        if (want->running && !info->active) {
            *state = "starting";
            error = xfa_virt_start(w->virt, vm->name);
        } else if (!want->running && info->active) {
            *state = "stopping";
            stop_domain(w, vm->name, info, &error);
        }
    }
    free(config);
    ds_destroy(&xml);
    return error;
}

/* Applies the CPU share of running 'want' if libvirt reads back another. */
static char *
apply_cpu(struct xfa_worker *w, const struct xfa_want *want,
          const struct xfa_dom_info *info)
{
    const struct xfa_vm *vm = &want->vm;
    long long quota = vm->cpu_cap
                      ? (long long) vm->cpu_cap * XFA_VM_CPU_PERIOD / 100
                      : -1;
    bool quota_ok = vm->cpu_cap ? info->vcpu_quota == quota
                                : info->vcpu_quota < 0
                                  || info->vcpu_quota > 1LL << 40;
    if ((vm->cpu_weight && info->cpu_shares != vm->cpu_weight)
        || !quota_ok) {
        return xfa_virt_set_cpu(w->virt, vm->name, vm->cpu_weight,
                                vm->cpu_cap);
    }
    return NULL;
}

static struct xfa_report *
report_want(struct xfa_worker *w, const struct xfa_want *want)
{
    const struct xfa_vm *vm = &want->vm;
    struct xfa_report *r = xzalloc(sizeof *r);
    struct eth_addr *macs = vm_macs(vm);
    const char *state = NULL;

    r->error = xfa_virt_info(w->virt, vm->name, macs, vm->n_ifaces,
                             &r->info);
    if (!r->error && want->error) {
        r->error = xstrdup(want->error);
    } else if (!r->error) {
        r->error = converge(w, want, &r->info, &state);
    }
    if (!r->error && !state) {
        /* Nothing to do: the CPU share, then read everything again. */
        if (r->info.active) {
            r->error = apply_cpu(w, want, &r->info);
        }
        xfa_dom_info_destroy(&r->info);
        char *error = xfa_virt_info(w->virt, vm->name, macs, vm->n_ifaces,
                                    &r->info);
        if (!r->error) {
            r->error = error;
        } else {
            free(error);
        }
    }
    if (r->error) {
        VLOG_WARN_RL(&rl, "%s", r->error);
        r->state = "error";
    } else if (state) {
        r->state = state;
    } else {
        r->state = (r->info.active ? "running"
                    : want->running ? "starting" : "stopped");
    }
    free(macs);
    return r;
}

/* Stops, undefines and forgets the agent's domain 'name', which no router
 * of this node names any more.  On a fenced node ('destroyed' nonnull) it
 * is destroyed at once, not shut down: the fleet runs the router elsewhere
 * and two copies must not run together; its name goes into 'destroyed'. */
static void
remove_unwanted(struct xfa_worker *w, const char *name,
                struct sset *destroyed)
{
    struct xfa_dom_info info;
    char *error = xfa_virt_info(w->virt, name, NULL, 0, &info);
    bool stopped = false;

    if (!error && info.exists && destroyed) {
        if (info.active) {
            error = xfa_virt_destroy_domain(w->virt, name);
        }
        free(shash_find_and_delete(&w->stopping, name));
        stopped = !error;
    } else if (!error && info.exists) {
        stopped = stop_domain(w, name, &info, &error) && !error;
    }
    if (stopped) {
        error = xfa_virt_undefine(w->virt, name);
        if (!error) {
            char *dir = xfa_bootstrap_dir(w->state_dir, name);
            xfa_bootstrap_remove(dir);
            free(dir);
            if (destroyed) {
                VLOG_WARN("this node is fenced: router VM %s destroyed and "
                          "undefined", name);
                sset_add(destroyed, name);
            }
        }
    }
    if (error) {
        VLOG_WARN("%s", error);
        free(error);
    }
    xfa_dom_info_destroy(&info);
}

/* What runs of the agent's domain 'name', which the main loop does not
 * want yet: before it knew what runs here, it cannot tell a router that
 * leaves this node (a restarted agent migrates it) from one to remove. */
static struct xfa_report *
report_unwanted(struct xfa_worker *w, const char *name)
{
    struct xfa_report *r = xzalloc(sizeof *r);

    r->error = xfa_virt_info(w->virt, name, NULL, 0, &r->info);
    r->state = (r->error ? "error"
                : r->info.active ? "running" : "stopped");
    return r;
}

static void
worker_pass(struct xfa_worker *w, const struct shash *wants, bool fenced,
            bool may_remove)
{
    struct shash reports = SHASH_INITIALIZER(&reports);
    struct sset destroyed = SSET_INITIALIZER(&destroyed);
    char *conn_error = xfa_virt_connect(w->virt);

    if (!conn_error) {
        struct shash_node *node;
        SHASH_FOR_EACH (node, wants) {
            if (!xfa_virt_is_connected(w->virt)) {
                break;
            }
            shash_add(&reports, node->name, report_want(w, node->data));
        }
    }
    if (!conn_error && !xfa_virt_is_connected(w->virt)) {
        /* A call failed on a connection that is gone (libvirtd died or
         * restarted): the pass ends here, without a list of domains to
         * remove; the next one reconnects. */
        conn_error = xasprintf("libvirt: connection to %s lost",
                               xfa_virt_uri(w->virt));
    } else if (!conn_error) {
        struct sset managed = SSET_INITIALIZER(&managed);
        conn_error = xfa_virt_list_managed(w->virt, &managed);
        const char *name;
        SSET_FOR_EACH (name, &managed) {
            if (!xfa_virt_is_connected(w->virt)) {
                break;
            } else if (shash_find(wants, name)) {
                continue;
            } else if (may_remove) {
                remove_unwanted(w, name, fenced ? &destroyed : NULL);
            } else {
                shash_add(&reports, name, report_unwanted(w, name));
            }
        }
        sset_destroy(&managed);
    }

    ovs_mutex_lock(&w->mutex);
    xfa_reports_clear(&w->reports);
    shash_swap(&w->reports, &reports);
    free(w->conn_error);
    w->conn_error = conn_error;
    const char *name;
    SSET_FOR_EACH (name, &destroyed) {
        sset_add(&w->destroyed, name);
    }
    ovs_mutex_unlock(&w->mutex);
    shash_destroy(&reports);
    sset_destroy(&destroyed);
    seq_change(w->done);
}

static void *
worker_main(void *w_)
{
    struct xfa_worker *w = w_;
    struct shash wants = SHASH_INITIALIZER(&wants);
    bool have_wants = false;
    bool fenced = false;
    bool may_remove = false;

    for (;;) {
        latch_poll(&w->wake);
        ovs_mutex_lock(&w->mutex);
        bool exiting = w->exiting;
        struct shash *new = w->wants;
        if (new) {
            fenced = w->fenced;
            may_remove = w->may_remove;
        }
        w->wants = NULL;
        ovs_mutex_unlock(&w->mutex);
        if (exiting) {
            if (new) {
                xfa_wants_clear(new);
                shash_destroy(new);
                free(new);
            }
            break;
        }
        if (new) {
            xfa_wants_clear(&wants);
            shash_swap(&wants, new);
            shash_destroy(new);
            free(new);
            have_wants = true;
        }

        /* Nothing is removed before the main loop said what it wants,
         * knowing what runs here. */
        if (have_wants) {
            worker_pass(w, &wants, fenced, may_remove);
        }

        latch_wait(&w->wake);
        poll_timer_wait(w->stopping.map.n ? 500 : PASS_INTERVAL_MS);
        poll_block();
    }
    xfa_wants_clear(&wants);
    shash_destroy(&wants);
    return NULL;
}
