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

#ifndef XENFLOW_FLEET_CHANNEL_H
#define XENFLOW_FLEET_CHANNEL_H 1

/* A node's channel addresses in the fleet (Node peer_address,
 * options:peer-listen, options:client-listen), checked with XenFlow's own
 * parsers (xenflow/conf.c): the agent turns them into XenFlow's keys
 * (translate.c), and xenflow-ctl refuses up front what the agent could not
 * use, with the same messages.  Pure. */

#include <stdbool.h>

struct svec;

char *xf_channel_peer_listener(const char *peer_address);
char *xf_channel_peer_address_error(const char *node,
                                    const char *peer_address);
bool xf_channel_check_listen(const char *context, const char *value,
                             bool client, struct svec *errors);
bool xf_channel_check_mover(const char *node, const char *mover,
                            struct svec *errors);
void xf_channel_check_node(const char *node, const char *peer_address,
                           const char *peer_listen, const char *client_listen,
                           const char *mover, struct svec *errors);

#endif /* xenflow/fleet/channel.h */
