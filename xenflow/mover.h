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

#ifndef XENFLOW_MOVER_H
#define XENFLOW_MOVER_H 1

/* Control-plane movers: what moves a virtual router's VM to another host
 * while XenFlow migrates its data plane (migrate.c).
 *
 * A mover is chosen by other_config:xenflow-mover of the Open_vSwitch
 * table, "TYPE:ARGUMENT":
 *
 *   exec:PROGRAM [ARG]...  runs "PROGRAM ARG... ROUTER DEST" and waits for
 *                          it; exit status 0 means the VM runs on DEST.
 *                          The test mover (utilities/xenflow-mover-netns,
 *                          network-namespace "VMs") is one such program.
 *   libvirt:URI            live, peer-to-peer libvirt migration of domain
 *                          ROUTER from hypervisor URI to hypervisor DEST
 *                          (virDomainMigrateToURI3()), in a thread.  Only
 *                          when built with libvirt (mover-libvirt.c).
 *
 * A mover never blocks the main loop: start, then poll from a run function
 * and wait from a wait function until it is done.
 *
 * Holding the router's control traffic (ctlhold.c) starts at the commit,
 * before the mover starts.  A mover that knows when the VM pauses may say
 * so ('requests'): XF_MOVER_HOLD_AT_PAUSE, "do not hold yet", then
 * XF_MOVER_PAUSING, "hold now", and it pauses the VM once
 * xf_mover_reply_held() told it the hold is in place.  The exec mover
 * speaks this over its standard output and file descriptor 3 (xenflow(7)). */

#include "compiler.h"

struct xf_mover;

struct xf_mover_class {
    const char *type;           /* "exec", "libvirt". */

    /* Starts moving 'router' to 'dest' as 'arg' (after "TYPE:") says.
     * Returns NULL and sets '*moverp', or a malloc()'d error. */
    char *(*start)(const char *arg, const char *router, const char *dest,
                   struct xf_mover **moverp);

    /* Returns EAGAIN while the move goes on, 0 once the VM runs on the
     * destination, or a positive errno value with a malloc()'d explanation
     * in '*errorp'. */
    int (*poll)(struct xf_mover *, char **errorp);
    void (*wait)(const struct xf_mover *);

    /* Frees the mover, cancelling a move still in progress. */
    void (*destroy)(struct xf_mover *);

    /* Optional: tells the mover that the router's control traffic is held
     * (after XF_MOVER_PAUSING). */
    void (*reply_held)(struct xf_mover *);
};

enum {
    XF_MOVER_HOLD_AT_PAUSE = 1 << 0,  /* Hold only when the VM pauses. */
    XF_MOVER_PAUSING = 1 << 1,        /* The VM pauses once held. */
};

struct xf_mover {
    const struct xf_mover_class *class;
    unsigned int requests;      /* XF_MOVER_* the mover made so far. */
};

extern const struct xf_mover_class xf_mover_exec_class;
extern const struct xf_mover_class xf_mover_libvirt_class;

/* Makes 'class' available.  The exec mover always is; mover-libvirt.c,
 * linked in only when configure found libvirt, registers itself. */
void xf_mover_register(const struct xf_mover_class *);

char *xf_mover_check_spec(const char *spec) OVS_WARN_UNUSED_RESULT;
char *xf_mover_start(const char *spec, const char *router, const char *dest,
                     struct xf_mover **) OVS_WARN_UNUSED_RESULT;
int xf_mover_poll(struct xf_mover *, char **errorp);
void xf_mover_wait(const struct xf_mover *);
void xf_mover_destroy(struct xf_mover *);
unsigned int xf_mover_requests(const struct xf_mover *);
void xf_mover_reply_held(struct xf_mover *);

#endif /* xenflow/mover.h */
