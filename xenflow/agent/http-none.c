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

#include "xenflow/agent/http.h"

#include "util.h"

/* xenflow-agent built without libmicrohttpd (configure says so): --metrics
 * is refused with this error; nothing else of http.h is reached. */
char *
xfa_http_create(const struct xfa_http_options *opts OVS_UNUSED,
                struct xfa_http **httpp)
{
    *httpp = NULL;
    return xstrdup("--metrics: this xenflow-agent was built without "
                   "libmicrohttpd (apt-get install libmicrohttpd-dev and "
                   "run configure again)");
}

void
xfa_http_destroy(struct xfa_http *http)
{
    ovs_assert(!http);
}

void
xfa_http_publish(struct xfa_http *http OVS_UNUSED,
                 const char *path OVS_UNUSED,
                 const char *content_type OVS_UNUSED,
                 struct ds *body OVS_UNUSED)
{
    OVS_NOT_REACHED();
}

unsigned short
xfa_http_port(const struct xfa_http *http OVS_UNUSED)
{
    OVS_NOT_REACHED();
}

bool
xfa_http_is_ssl(const struct xfa_http *http OVS_UNUSED)
{
    OVS_NOT_REACHED();
}

unsigned long long
xfa_http_requests(const struct xfa_http *http OVS_UNUSED)
{
    OVS_NOT_REACHED();
}
