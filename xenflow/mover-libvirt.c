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

/* The libvirt control-plane mover: live, peer-to-peer migration of the
 * router's domain through libvirt's C API (never virsh), in a thread of its
 * own, because virDomainMigrateToURI3() blocks until the domain runs on
 * the destination.  Built only when configure finds libvirt; it registers
 * itself with mover.c. */

#include <config.h>

#include <errno.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "latch.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "util.h"
#include "xenflow/mover.h"
#include "xenflow/virt-state.h"

VLOG_DEFINE_THIS_MODULE(xenflow_mover_libvirt);

/* What the migration thread does. */
#define MIGRATE_FLAGS (VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER \
                       | VIR_MIGRATE_PERSIST_DEST \
                       | VIR_MIGRATE_UNDEFINE_SOURCE)

struct libvirt_mover {
    struct xf_mover up;
    char *uri;                  /* Source hypervisor, e.g. qemu:///system. */
    char *domain;               /* The router's domain: the router's name. */
    char *dest;                 /* Destination hypervisor URI. */
    pthread_t thread;
    struct latch done;          /* Set by the thread when it returns. */

    struct ovs_mutex mutex;
    virDomainPtr dom OVS_GUARDED;   /* While the migration runs. */
    bool cancelled OVS_GUARDED;

    /* Written by the thread before it sets 'done'. */
    int error;
    char *message;
};

static struct libvirt_mover *
libvirt_mover_cast(const struct xf_mover *m)
{
    return CONTAINER_OF(m, struct libvirt_mover, up);
}

static char *
last_error(const char *what)
{
    const char *msg = virGetLastErrorMessage();
    return xasprintf("libvirt: %s: %s", what, msg ? msg : "unknown error");
}

static void *
migrate_thread(void *m_)
{
    struct libvirt_mover *m = m_;
    virConnectPtr conn = virConnectOpen(m->uri);
    virDomainPtr dom = NULL;

    if (!conn) {
        m->message = last_error(m->uri);
        m->error = ECONNREFUSED;
        goto out;
    }
    dom = virDomainLookupByName(conn, m->domain);
    if (!dom) {
        m->message = last_error(m->domain);
        m->error = ENOENT;
        goto out;
    }

    int state, reason;
    if (virDomainGetState(dom, &state, &reason, 0) < 0) {
        m->message = last_error(m->domain);
        m->error = EIO;
        goto out;
    } else if (state != VIR_DOMAIN_RUNNING) {
        m->message = xasprintf("libvirt: domain %s is %s; only a running "
                               "domain migrates live", m->domain,
                               xf_virt_state_name(state));
        m->error = EINVAL;
        goto out;
    }

    ovs_mutex_lock(&m->mutex);
    bool cancelled = m->cancelled;
    if (!cancelled) {
        m->dom = dom;
    }
    ovs_mutex_unlock(&m->mutex);
    if (cancelled) {
        m->message = xstrdup("cancelled");
        m->error = ECANCELED;
        goto out;
    }

    VLOG_INFO("libvirt: migrating domain %s from %s to %s", m->domain,
              m->uri, m->dest);
    int retval = virDomainMigrateToURI3(dom, m->dest, NULL, 0,
                                        MIGRATE_FLAGS);
    ovs_mutex_lock(&m->mutex);
    m->dom = NULL;
    ovs_mutex_unlock(&m->mutex);
    if (retval < 0) {
        m->message = last_error(m->domain);
        m->error = EIO;
    }

out:
    if (dom) {
        virDomainFree(dom);
    }
    if (conn) {
        virConnectClose(conn);
    }
    latch_set(&m->done);
    return NULL;
}

/* 'arg' is the source hypervisor's URI; the domain is named as the
 * router; 'dest' is the destination hypervisor's URI. */
static char *
libvirt_start(const char *arg, const char *router, const char *dest,
              struct xf_mover **moverp)
{
    if (!strstr(dest, "://")) {
        return xasprintf("libvirt: destination \"%s\" is not a hypervisor "
                         "URI (give it as VM-DEST, e.g. "
                         "qemu+ssh://HOST/system)", dest);
    }

    struct libvirt_mover *m = xzalloc(sizeof *m);
    m->up.class = &xf_mover_libvirt_class;
    m->uri = xstrdup(arg);
    m->domain = xstrdup(router);
    m->dest = xstrdup(dest);
    latch_init(&m->done);
    ovs_mutex_init(&m->mutex);
    m->thread = ovs_thread_create("xf_libvirt", migrate_thread, m);
    *moverp = &m->up;
    return NULL;
}

static int
libvirt_poll(struct xf_mover *m_, char **errorp)
{
    struct libvirt_mover *m = libvirt_mover_cast(m_);

    if (!latch_is_set(&m->done)) {
        return EAGAIN;
    }
    if (m->error) {
        *errorp = xstrdup(m->message);
    }
    return m->error;
}

static void
libvirt_wait(const struct xf_mover *m_)
{
    const struct libvirt_mover *m = libvirt_mover_cast(m_);
    latch_wait(&m->done);
}

static void
libvirt_destroy(struct xf_mover *m_)
{
    struct libvirt_mover *m = libvirt_mover_cast(m_);

    ovs_mutex_lock(&m->mutex);
    m->cancelled = true;
    if (m->dom && !latch_is_set(&m->done)) {
        VLOG_WARN("libvirt: aborting the migration of domain %s",
                  m->domain);
        virDomainAbortJob(m->dom);
    }
    ovs_mutex_unlock(&m->mutex);
    xpthread_join(m->thread, NULL);

    latch_destroy(&m->done);
    ovs_mutex_destroy(&m->mutex);
    free(m->message);
    free(m->uri);
    free(m->domain);
    free(m->dest);
    free(m);
}

const struct xf_mover_class xf_mover_libvirt_class = {
    .type = "libvirt",
    .start = libvirt_start,
    .poll = libvirt_poll,
    .wait = libvirt_wait,
    .destroy = libvirt_destroy,
};

OVS_CONSTRUCTOR(xf_mover_libvirt_register) {
    xf_mover_register(&xf_mover_libvirt_class);
}
