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


#ifndef XENFLOW_CLIENT_KERNEL_LINKS_H
#define XENFLOW_CLIENT_KERNEL_LINKS_H 1

/* The kernel watcher's links and addresses: the interface set of the client
 * table (links with an Ethernet address, and their addresses), the
 * connected routes derived from addresses (when routes come from FPM), the
 * names that routes and neighbours refer to by ifindex, and the count of
 * links that stop running and run again (a hint of a live migration, see
 * kw_note_link_event()). */

#include <stdint.h>

struct hmap;
struct kernel_watch;
struct rtnl_link;

/* Name of the interface with 'ifindex', or NULL if unknown. */
const char *kernel_watch_ifname(struct kernel_watch *, int ifindex);
unsigned int kernel_watch_get_links(const struct kernel_watch *,
                                    long long int *lost_at);

/* For the kernel watcher's own files. */

/* What kw_links_update() found, the worst first. */
enum kw_links_change {
    KW_LINKS_SAME,              /* No link went, came or changed state. */
    KW_LINKS_STATE,             /* A link came, went or changed state: the
                                 * kernel may have dropped routes silently. */
    KW_LINKS_RENAMED            /* A link was renamed: routes and neighbours
                                 * name their interface. */
};

enum kw_links_change kw_links_update(struct kernel_watch *);
void kw_note_link_event(struct kernel_watch *, struct rtnl_link *);
void kw_links_clear(struct hmap *links);

#endif /* xenflow/client/kernel-links.h */
