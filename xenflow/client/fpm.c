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

#include "xenflow/client/fpm.h"

#include <errno.h>
#include <string.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>
#include <linux/rtnetlink.h>

#include "coverage.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "socket-util.h"
#include "stream.h"
#include "timeval.h"
#include "util.h"
#include "xenflow/client/client-routes.h"
#include "xenflow/client/client-table.h"
#include "xenflow/client/kernel-routes.h"

VLOG_DEFINE_THIS_MODULE(fpm);

COVERAGE_DEFINE(fpm_frame);
COVERAGE_DEFINE(fpm_route);

/* zebra's dplane_fpm_nl connects to this port by default. */
#define FPM_DEFAULT_PORT 2620

#define FPM_HEADER_LEN 4
#define FPM_VERSION 1
#define FPM_TYPE_NETLINK 1
#define FPM_MAX_FRAME 65535

/* After a connection, previous FPM routes that zebra has not re-sent once
 * the connection has been quiet this long are withdrawn. */
#define FPM_SETTLE_MS 3000

/* Until zebra's first full table arrives (or this long after start), the
 * client holds back the end of its first snapshot, so that a restarted
 * client does not make the server withdraw routes zebra has not sent yet. */
#define FPM_STARTUP_WAIT_MS 30000

/* Bytes read per connection per main loop iteration, at most. */
#define FPM_MAX_READ_PER_RUN (4 * 1024 * 1024)

#ifndef RTM_NEWNEXTHOP
#define RTM_NEWNEXTHOP 104
#endif
#ifndef RTA_NH_ID
#define RTA_NH_ID 30
#endif

struct fpm {
    struct pstream *pstream;
    struct ct_table *table;
    struct kernel_watch *kw;

    struct stream *conn;        /* zebra's connection, if any. */
    uint8_t *rxbuf;             /* FPM_MAX_FRAME * 2 bytes. */
    size_t rx_len;
    uint8_t *frame;             /* Aligned copy of one frame's body. */
    long long int last_rx;      /* When 'conn' last delivered data. */
    bool sweep_pending;         /* Marked at connection; sweep when quiet. */

    long long int created;
    bool synced;                /* A full table has been received. */
    bool warned_nhg;

    /* Statistics. */
    unsigned long long int n_conns, n_frames, n_msgs;
    unsigned long long int n_set, n_unset, n_ignored, n_other, n_errors;
    char *last_error;
};

static void
fpm_error(struct fpm *fpm, char *msg)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

    fpm->n_errors++;
    VLOG_WARN_RL(&rl, "%s", msg);
    free(fpm->last_error);
    fpm->last_error = msg;
}

/* Starts listening on 'pstream_name' (e.g. "ptcp:2620:127.0.0.1").  On
 * error, returns NULL and a malloc()'d message in '*errorp'. */
struct fpm *
fpm_create(const char *pstream_name, struct ct_table *table,
           struct kernel_watch *kw, char **errorp)
{
    struct pstream *pstream;
    int error;

    error = pstream_open_with_default_port(pstream_name, FPM_DEFAULT_PORT,
                                           &pstream, DSCP_DEFAULT);
    if (error) {
        *errorp = xasprintf("%s: listening for FPM failed (%s)",
                            pstream_name, ovs_strerror(error));
        return NULL;
    }

    struct fpm *fpm = xzalloc(sizeof *fpm);
    fpm->pstream = pstream;
    fpm->table = table;
    fpm->kw = kw;
    fpm->rxbuf = xmalloc(2 * FPM_MAX_FRAME);
    fpm->frame = xmalloc(FPM_MAX_FRAME);
    fpm->created = time_msec();
    VLOG_INFO("%s: listening for FRR's FPM", pstream_get_name(pstream));
    *errorp = NULL;
    return fpm;
}

static void
fpm_close_conn(struct fpm *fpm, const char *why)
{
    if (fpm->conn) {
        struct ct_stats stats;

        ct_get_stats(fpm->table, &stats);
        VLOG_INFO("%s: FPM connection closed (%s); keeping its %"PRIuSIZE
                  " routes until zebra reconnects",
                  stream_get_name(fpm->conn), why,
                  stats.n_candidates[CT_SRC_FPM]);
        stream_close(fpm->conn);
        fpm->conn = NULL;
        fpm->rx_len = 0;
    }
}

void
fpm_destroy(struct fpm *fpm)
{
    if (fpm) {
        if (fpm->conn) {
            stream_close(fpm->conn);
        }
        pstream_close(fpm->pstream);
        free(fpm->rxbuf);
        free(fpm->frame);
        free(fpm->last_error);
        free(fpm);
    }
}

static void
fpm_handle_msg(struct fpm *fpm, struct nlmsghdr *nlh)
{
    fpm->n_msgs++;
    if (nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE) {
        if (nlh->nlmsg_type == RTM_NEWNEXTHOP && !fpm->warned_nhg) {
            VLOG_WARN("zebra sends next-hop groups over FPM, which "
                      "xenflow-client does not resolve: configure "
                      "\"no fpm use-next-hop-groups\" in zebra");
            fpm->warned_nhg = true;
        }
        fpm->n_other++;
        return;
    }

    struct rtnl_route *route;
    int error = rtnl_route_parse(nlh, &route);
    if (error < 0) {
        fpm_error(fpm, xasprintf("FPM: bad route message: %s",
                                 nl_geterror(error)));
        return;
    }

    COVERAGE_INC(fpm_route);
    if (nlh->nlmsg_type == RTM_NEWROUTE && !rtnl_route_get_nnexthops(route)
        && !fpm->warned_nhg
        && nlmsg_find_attr(nlh, sizeof(struct rtmsg), RTA_NH_ID)) {
        VLOG_WARN("zebra sends routes with next-hop group ids over FPM, "
                  "which xenflow-client does not resolve: configure "
                  "\"no fpm use-next-hop-groups\" in zebra");
        fpm->warned_nhg = true;
    }
    switch (kernel_watch_route_apply(fpm->kw, route, CT_SRC_FPM,
                                     nlh->nlmsg_type, nlh->nlmsg_flags)) {
    case KW_ROUTE_SET:
        fpm->n_set++;
        break;
    case KW_ROUTE_UNSET:
        fpm->n_unset++;
        break;
    case KW_ROUTE_IGNORE:
    default:
        fpm->n_ignored++;
        break;
    }
    rtnl_route_put(route);
}

static void
fpm_handle_frame(struct fpm *fpm, const uint8_t *body, size_t len)
{
    /* Copy for alignment: frames follow each other at arbitrary offsets. */
    memcpy(fpm->frame, body, len);

    struct nlmsghdr *nlh = ALIGNED_CAST(struct nlmsghdr *, fpm->frame);
    int remaining = len;

    COVERAGE_INC(fpm_frame);
    fpm->n_frames++;
    while (nlmsg_ok(nlh, remaining)) {
        fpm_handle_msg(fpm, nlh);
        nlh = nlmsg_next(nlh, &remaining);
    }
    if (remaining > 0) {
        fpm_error(fpm, xasprintf("FPM: %d bytes of truncated netlink "
                                 "message ignored", remaining));
    }
}

/* Processes the complete frames in 'rxbuf'.  Returns false if the stream is
 * not valid FPM (the caller closes the connection). */
static bool
fpm_parse(struct fpm *fpm)
{
    size_t pos = 0;

    while (fpm->rx_len - pos >= FPM_HEADER_LEN) {
        const uint8_t *h = fpm->rxbuf + pos;
        size_t frame_len = (h[2] << 8) | h[3];

        if (h[0] != FPM_VERSION || h[1] != FPM_TYPE_NETLINK
            || frame_len < FPM_HEADER_LEN) {
            fpm_error(fpm, xasprintf("FPM: bad frame header (version %d, "
                                     "type %d, length %"PRIuSIZE"): only "
                                     "version 1 netlink frames are "
                                     "supported", h[0], h[1], frame_len));
            return false;
        }
        if (fpm->rx_len - pos < frame_len) {
            break;
        }
        fpm_handle_frame(fpm, h + FPM_HEADER_LEN, frame_len - FPM_HEADER_LEN);
        pos += frame_len;
    }

    if (pos) {
        memmove(fpm->rxbuf, fpm->rxbuf + pos, fpm->rx_len - pos);
        fpm->rx_len -= pos;
    }
    return true;
}

static void
fpm_run_conn(struct fpm *fpm)
{
    size_t total = 0;

    stream_run(fpm->conn);
    int error = stream_connect(fpm->conn);
    if (error == EAGAIN) {
        return;
    } else if (error) {
        fpm_close_conn(fpm, ovs_strerror(error));
        return;
    }

    while (fpm->conn && total < FPM_MAX_READ_PER_RUN) {
        int n = stream_recv(fpm->conn, fpm->rxbuf + fpm->rx_len,
                            2 * FPM_MAX_FRAME - fpm->rx_len);
        if (n > 0) {
            fpm->rx_len += n;
            total += n;
            fpm->last_rx = time_msec();
            if (!fpm_parse(fpm)) {
                fpm_close_conn(fpm, "protocol error");
            }
        } else if (n == -EAGAIN) {
            break;
        } else {
            fpm_close_conn(fpm, n ? ovs_strerror(-n) : "end of stream");
        }
    }
}

void
fpm_run(struct fpm *fpm)
{
    struct stream *stream;
    int error = pstream_accept(fpm->pstream, &stream);

    if (!error) {
        if (fpm->conn) {
            VLOG_INFO("%s: new FPM connection replaces %s",
                      stream_get_name(stream), stream_get_name(fpm->conn));
            fpm_close_conn(fpm, "replaced");
        } else {
            VLOG_INFO("%s: FPM connection from zebra",
                      stream_get_name(stream));
        }
        fpm->conn = stream;
        fpm->rx_len = 0;
        fpm->n_conns++;
        fpm->last_rx = time_msec();

        /* zebra re-sends its whole table on each connection. */
        ct_routes_mark(fpm->table, CT_SRC_FPM);
        fpm->sweep_pending = true;
    } else if (error != EAGAIN) {
        fpm_error(fpm, xasprintf("%s: accept failed (%s)",
                                 pstream_get_name(fpm->pstream),
                                 ovs_strerror(error)));
    }

    if (fpm->conn) {
        fpm_run_conn(fpm);
    }

    if (fpm->sweep_pending && fpm->conn
        && time_msec() >= fpm->last_rx + FPM_SETTLE_MS) {
        size_t n = ct_routes_sweep(fpm->table, CT_SRC_FPM);
        struct ct_stats stats;
        ct_get_stats(fpm->table, &stats);
        VLOG_INFO("FPM table received: %"PRIuSIZE" routes (%"PRIuSIZE
                  " not re-sent by zebra withdrawn)",
                  stats.n_candidates[CT_SRC_FPM], n);
        fpm->sweep_pending = false;
        fpm->synced = true;
    }
}

void
fpm_wait(struct fpm *fpm)
{
    pstream_wait(fpm->pstream);
    if (fpm->conn) {
        /* (While connecting, this waits for the connection.) */
        stream_run_wait(fpm->conn);
        stream_recv_wait(fpm->conn);
        if (fpm->sweep_pending) {
            poll_timer_wait_until(fpm->last_rx + FPM_SETTLE_MS);
        }
    }
    if (!fpm->synced) {
        poll_timer_wait_until(fpm->created + FPM_STARTUP_WAIT_MS);
    }
}

/* Returns true once zebra's table has been received at least once, or
 * FPM_STARTUP_WAIT_MS after start if zebra never connected. */
bool
fpm_is_synced(const struct fpm *fpm)
{
    return fpm->synced || time_msec() >= fpm->created + FPM_STARTUP_WAIT_MS;
}

void
fpm_format(const struct fpm *fpm, struct ds *s)
{
    struct ct_stats stats;

    ct_get_stats(fpm->table, &stats);
    ds_put_format(s, "fpm: listening on %s, %s, %s\n",
                  pstream_get_name(fpm->pstream),
                  fpm->conn ? stream_get_name(fpm->conn) : "not connected",
                  (fpm->synced ? "table received"
                   : fpm_is_synced(fpm) ? "gave up waiting for zebra"
                   : "waiting for zebra's table"));
    ds_put_format(s, "  routes: %"PRIuSIZE"; connections %llu, frames %llu, "
                  "messages %llu; routes set %llu, unset %llu, ignored %llu, "
                  "other messages %llu\n",
                  stats.n_candidates[CT_SRC_FPM], fpm->n_conns,
                  fpm->n_frames, fpm->n_msgs, fpm->n_set, fpm->n_unset,
                  fpm->n_ignored, fpm->n_other);
    if (fpm->n_errors) {
        ds_put_format(s, "  errors: %llu, last: %s\n",
                      fpm->n_errors, fpm->last_error);
    }
}
