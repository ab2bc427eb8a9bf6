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
#ifndef XENFLOW_AGENT_HTTP_H
#define XENFLOW_AGENT_HTTP_H 1

/* The agent's HTTP server, GNU libmicrohttpd in its own thread: /metrics
 * (metrics.h), /api/fleet.json (fleet-json.h) and the dashboard's static
 * files (xenflow/dashboard/).  The main loop never waits for it: it
 * publishes each page as a whole (xfa_http_publish()) and the server's
 * thread answers every request from the last published copy, under a
 * mutex held only to copy it.  GET and HEAD only, unless the program gives
 * a POST handler (xenflow-dashboard's actions): then each connection gets
 * a thread of its own, so that a handler that waits for its action to be
 * committed holds up nobody else. */

#include <stdbool.h>
#include <stddef.h>
#include "openvswitch/compiler.h"

struct ds;
struct xfa_http;

/* Called in the server's threads (never the main loop's) for a POST to
 * 'url' with its Authorization header ('authorization', NULL if none) and
 * its body ('body', 'len' bytes, null-terminated, at most
 * XFA_HTTP_MAX_BODY).  Puts a JSON reply into 'reply' and returns the
 * HTTP status. */
typedef unsigned int xfa_http_post_func(void *aux, const char *url,
                                        const char *authorization,
                                        const char *body, size_t len,
                                        struct ds *reply);
#define XFA_HTTP_MAX_BODY 8192

struct xfa_http_options {
    const char *listen;         /* "[ssl:]PORT[:ADDR]" (--metrics). */
    const char *dashboard_dir;  /* Static files served at "/". */
    const char *private_key;    /* PEM files for "ssl:", else unused. */
    const char *certificate;
    xfa_http_post_func *post;   /* NULL: POST is refused (405). */
    void *post_aux;
};

char *xfa_http_create(const struct xfa_http_options *, struct xfa_http **)
    OVS_WARN_UNUSED_RESULT;
void xfa_http_destroy(struct xfa_http *);

void xfa_http_publish(struct xfa_http *, const char *path,
                      const char *content_type, struct ds *body);
unsigned short xfa_http_port(const struct xfa_http *);
bool xfa_http_is_ssl(const struct xfa_http *);
unsigned long long xfa_http_requests(const struct xfa_http *);

#endif /* xenflow/agent/http.h */
