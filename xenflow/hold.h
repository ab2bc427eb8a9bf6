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


#ifndef XENFLOW_HOLD_H
#define XENFLOW_HOLD_H 1

/* A bounded queue of frames held for a router whose VM cannot take them
 * now (its VM is paused for a migration's stop-and-copy): oldest first,
 * limited in frames, bytes and age; past a limit the oldest go, counted.
 * Pure: no ofproto, no sockets (xenflow/ctlhold.c feeds and drains it). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/list.h"
#include "packets.h"

struct smap;
struct svec;

/* Limits of one queue (other_config:xenflow-hold-*). */
struct xf_hold_limits {
    unsigned int max_packets;
    unsigned int max_bytes;
    unsigned int max_ms;
};

void xf_hold_limits_parse(const struct smap *ovs_other_config,
                          struct xf_hold_limits *, struct svec *errors);

/* A held frame: for the router interface with MAC 'mac'. */
struct xf_hold_frame {
    struct ovs_list node;       /* In xf_hold_queue's 'frames'. */
    long long int held_at;      /* time_msec() when first held (on the node
                                 * that first held it). */
    struct eth_addr mac;
    size_t size;
    uint8_t data[];
};

struct xf_hold_queue {
    struct ovs_list frames;     /* Contains "struct xf_hold_frame"s. */
    size_t n_packets, n_bytes;  /* In 'frames'. */
};

/* What happened to a router's held frames. */
struct xf_hold_stats {
    unsigned long long held;         /* Frames queued. */
    unsigned long long delivered;    /* Handed to the VM's port. */
    unsigned long long handed_over;  /* Sent to the destination node. */
    unsigned long long dropped;      /* Over a limit, expired, or undeliv-
                                      * erable (no port, failed). */
    long long int longest_ms;        /* Longest time from held to
                                      * delivered. */
};

void xf_hold_queue_init(struct xf_hold_queue *);
void xf_hold_queue_clear(struct xf_hold_queue *, struct xf_hold_stats *);
void xf_hold_queue_push(struct xf_hold_queue *, const struct xf_hold_limits *,
                        struct xf_hold_stats *, const struct eth_addr mac,
                        const void *data, size_t size, long long int held_at);
void xf_hold_queue_append(struct xf_hold_queue *dst,
                          struct xf_hold_queue *src);
void xf_hold_queue_expire(struct xf_hold_queue *,
                          const struct xf_hold_limits *,
                          struct xf_hold_stats *, long long int now);
long long int xf_hold_queue_next_expiry(const struct xf_hold_queue *,
                                        const struct xf_hold_limits *);
struct xf_hold_frame *xf_hold_queue_pop(struct xf_hold_queue *);
void xf_hold_stats_delivered(struct xf_hold_stats *,
                             const struct xf_hold_frame *, long long int now);

#endif /* xenflow/hold.h */
