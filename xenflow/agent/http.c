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

#include <errno.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "ovs-thread.h"
#include "socket-util.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(xenflow_agent_http);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

struct page {
    char *content_type;
    char *body;
    size_t len;
};

struct xfa_http {
    struct MHD_Daemon *daemon;
    bool ssl;
    unsigned short port;
    char *dashboard_dir;
    char *key_pem, *cert_pem;   /* MHD keeps pointers: freed at the end. */
    xfa_http_post_func *post;
    void *post_aux;

    struct ovs_mutex mutex;
    struct shash pages OVS_GUARDED;     /* Path -> struct page *. */
    atomic_ullong n_requests;
};

/* The dashboard's files: what may be served from 'dashboard_dir', by
 * name suffix. */
static const struct {
    const char *suffix, *type;
} static_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
};

static void
page_destroy(struct page *page)
{
    if (page) {
        free(page->content_type);
        free(page->body);
        free(page);
    }
}

void
xfa_http_publish(struct xfa_http *http, const char *path,
                 const char *content_type, struct ds *body)
{
    struct page *page = xmalloc(sizeof *page);
    page->content_type = xstrdup(content_type);
    page->len = body->length;
    page->body = ds_steal_cstr(body);

    ovs_mutex_lock(&http->mutex);
    page_destroy(shash_replace(&http->pages, path, page));
    ovs_mutex_unlock(&http->mutex);
}

/* A POST's state between the calls MHD makes for it: its body so far.
 * Other requests' state is 'no_request', a marker. */
struct request {
    struct ds body;
    bool too_big;
};
static int no_request;

/* What a 405 reply's Allow header says: POST only where a handler is. */
static const char *allow = "GET, HEAD";

static enum MHD_Result
reply(struct MHD_Connection *conn, unsigned int status,
      const char *content_type, char *body, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    /* The dashboard works offline: nothing but this server. */
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
    } else if (status == MHD_HTTP_UNAUTHORIZED) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "Bearer realm=\"xenflow\"");
    }
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result
reply_error(struct MHD_Connection *conn, unsigned int status,
            const char *format, ...)
    OVS_PRINTF_FORMAT(3, 4);

static enum MHD_Result
reply_error(struct MHD_Connection *conn, unsigned int status,
            const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *msg = xvasprintf(format, args);
    va_end(args);

    char *body = xasprintf("%u %s\n", status, msg);
    free(msg);
    return reply(conn, status, "text/plain; charset=utf-8", body,
                 strlen(body));
}

/* Reads all of 'name' into 'text'; returns an errno value. */
static int
read_file(const char *name, struct ds *text)
{
    FILE *f = fopen(name, "rb");
    if (!f) {
        return errno;
    }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        ds_put_buffer(text, buf, n);
    }
    int error = ferror(f) ? EIO : 0;
    fclose(f);
    return error;
}

/* The dashboard file for 'url', if it names one: a single path component
 * of letters, digits, '-', '_' and '.', not starting with '.', with one
 * of the suffixes above.  "/" is "/index.html". */
static enum MHD_Result
serve_static(struct xfa_http *http, struct MHD_Connection *conn,
             const char *url, bool *found)
{
    const char *name = !strcmp(url, "/") ? "index.html" : url + 1;
    const char *type = NULL;

    *found = false;
    if (!http->dashboard_dir || url[0] != '/' || name[0] == '.'
        || name[strspn(name, "abcdefghijklmnopqrstuvwxyz"
                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")]) {
        return MHD_NO;
    }
    for (size_t i = 0; i < ARRAY_SIZE(static_types); i++) {
        const char *suffix = static_types[i].suffix;
        size_t n = strlen(name), m = strlen(suffix);
        if (n > m && !strcmp(name + n - m, suffix)) {
            type = static_types[i].type;
        }
    }
    if (!type) {
        return MHD_NO;
    }

    char *file = xasprintf("%s/%s", http->dashboard_dir, name);
    struct ds body = DS_EMPTY_INITIALIZER;
    int error = read_file(file, &body);
    if (error == ENOENT || error == EISDIR) {
        free(file);
        ds_destroy(&body);
        return MHD_NO;
    }
    *found = true;
    if (error) {
        VLOG_WARN_RL(&rl, "%s: %s", file, ovs_strerror(error));
        free(file);
        ds_destroy(&body);
        return reply_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
                           "cannot read %s", url);
    }
    free(file);
    size_t len = body.length;
    return reply(conn, MHD_HTTP_OK, type, ds_steal_cstr(&body), len);
}

/* A POST, once its whole body is in 'req'. */
static enum MHD_Result
handle_post(struct xfa_http *http, struct MHD_Connection *conn,
            const char *url, struct request *req)
{
    if (req->too_big) {
        return reply_error(conn, MHD_HTTP_CONTENT_TOO_LARGE,
                           "the body is over %d bytes", XFA_HTTP_MAX_BODY);
    }
    const char *auth = MHD_lookup_connection_value(
        conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    struct ds out = DS_EMPTY_INITIALIZER;
    unsigned int status = http->post(http->post_aux, url, auth,
                                     ds_cstr(&req->body), req->body.length,
                                     &out);
    ds_put_char(&out, '\n');
    size_t len = out.length;
    return reply(conn, status, "application/json", ds_steal_cstr(&out), len);
}

static enum MHD_Result
handle(void *http_, struct MHD_Connection *conn, const char *url,
       const char *method, const char *version OVS_UNUSED,
       const char *upload_data, size_t *upload_data_size,
       void **con_cls)
{
    struct xfa_http *http = http_;
    bool is_post = !strcmp(method, MHD_HTTP_METHOD_POST);

    if (!*con_cls) {
        /* First call: headers only.  Answer on the next. */
        *con_cls = (is_post && http->post ? xzalloc(sizeof(struct request))
                    : (void *) &no_request);
        return MHD_YES;
    }
    if (is_post && http->post) {
        struct request *req = *con_cls;
        if (*upload_data_size) {
            if (req->body.length + *upload_data_size > XFA_HTTP_MAX_BODY) {
                req->too_big = true;
            } else {
                ds_put_buffer(&req->body, upload_data, *upload_data_size);
            }
            *upload_data_size = 0;
            return MHD_YES;
        }
        atomic_add_relaxed(&http->n_requests, 1, &(unsigned long long) {0});
        return handle_post(http, conn, url, req);
    }
    if (*upload_data_size) {
        *upload_data_size = 0;  /* A body is ignored, and refused below. */
        return MHD_YES;
    }
    atomic_add_relaxed(&http->n_requests, 1, &(unsigned long long) {0});
    if (strcmp(method, MHD_HTTP_METHOD_GET)
        && strcmp(method, MHD_HTTP_METHOD_HEAD)) {
        return reply_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                           "%s is not allowed here (%s)", method,
                           http->post ? "GET, HEAD; POST for /api/action"
                           : "GET, HEAD: this server is read-only");
    }

    ovs_mutex_lock(&http->mutex);
    const struct page *page = shash_find_data(&http->pages, url);
    char *body = page ? xmemdup(page->body, page->len + 1) : NULL;
    size_t len = page ? page->len : 0;
    char *type = page ? xstrdup(page->content_type) : NULL;
    ovs_mutex_unlock(&http->mutex);

    if (body) {
        enum MHD_Result ret = reply(conn, MHD_HTTP_OK, type, body, len);
        free(type);
        return ret;
    }

    bool found;
    enum MHD_Result ret = serve_static(http, conn, url, &found);
    if (found) {
        return ret;
    }
    return reply_error(conn, MHD_HTTP_NOT_FOUND, "no such page: %s "
                       "(try /metrics, /api/fleet.json or /)", url);
}

/* Frees a POST's state when MHD is done with its connection's request. */
static void
request_completed(void *http OVS_UNUSED, struct MHD_Connection *conn OVS_UNUSED,
                  void **con_cls,
                  enum MHD_RequestTerminationCode toe OVS_UNUSED)
{
    struct request *req = *con_cls;
    if (req && *con_cls != &no_request) {
        ds_destroy(&req->body);
        free(req);
    }
    *con_cls = NULL;
}

static void
log_mhd(void *cls OVS_UNUSED, const char *format, va_list args)
{
    char *msg = xvasprintf(format, args);
    VLOG_WARN_RL(&rl, "libmicrohttpd: %s", msg);
    free(msg);
}

static char *
read_pem(const char *what, const char *file, char **pem)
{
    if (!file) {
        return xasprintf("--metrics=ssl:... needs --%s", what);
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    int error = read_file(file, &s);
    if (error) {
        ds_destroy(&s);
        return xasprintf("%s: %s", file, ovs_strerror(error));
    }
    *pem = ds_steal_cstr(&s);
    return NULL;
}

char *
xfa_http_create(const struct xfa_http_options *opts, struct xfa_http **httpp)
{
    const char *listen = opts->listen;
    bool ssl = !strncmp(listen, "ssl:", 4);
    struct sockaddr_storage ss;
    char *error = NULL;

    *httpp = NULL;
    const char *target = ssl ? listen + 4 : listen;
    size_t n_digits = strspn(target, "0123456789");
    if (!n_digits || (target[n_digits] && target[n_digits] != ':')
        || !inet_parse_passive(target, -1, &ss, false, NULL)) {
        return xasprintf("--metrics: \"%s\" is not [ssl:]PORT[:ADDR] (e.g. "
                         "9475 or ssl:9475:192.0.2.1)", listen);
    }

    struct xfa_http *http = xzalloc(sizeof *http);
    http->ssl = ssl;
    http->dashboard_dir = nullable_xstrdup(opts->dashboard_dir);
    http->post = opts->post;
    http->post_aux = opts->post_aux;
    ovs_mutex_init(&http->mutex);
    shash_init(&http->pages);
    atomic_init(&http->n_requests, 0);

    unsigned int flags = (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG
                          | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0));
    if (opts->post) {
        /* A POST handler waits for its commit: a thread per connection,
         * so that readers do not wait behind it. */
        flags |= MHD_USE_THREAD_PER_CONNECTION;
        allow = "GET, HEAD, POST";
    }
    if (ssl) {
        if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
            error = xstrdup("--metrics=ssl:...: this libmicrohttpd has no "
                            "TLS");
        }
        if (!error) {
            error = read_pem("private-key", opts->private_key,
                             &http->key_pem);
        }
        if (!error) {
            error = read_pem("certificate", opts->certificate,
                             &http->cert_pem);
        }
        flags |= MHD_USE_TLS;
    }
    if (!error) {
        http->daemon = MHD_start_daemon(
            flags, 0, NULL, NULL, handle, http,
            MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
            MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &ss,
            MHD_OPTION_NOTIFY_COMPLETED, request_completed, http,
            MHD_OPTION_CONNECTION_LIMIT, 64u,
            MHD_OPTION_CONNECTION_TIMEOUT, 30u,
            ssl ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, http->key_pem,
            MHD_OPTION_HTTPS_MEM_CERT, http->cert_pem,
            MHD_OPTION_END);
        if (!http->daemon) {
            error = xasprintf("--metrics=%s: cannot listen (address in use, "
                              "or a bad key or certificate: see the log)",
                              listen);
        }
    }
    if (error) {
        xfa_http_destroy(http);
        return error;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(
        http->daemon, MHD_DAEMON_INFO_BIND_PORT);
    http->port = info ? info->port : 0;
    *httpp = http;
    return NULL;
}

void
xfa_http_destroy(struct xfa_http *http)
{
    if (!http) {
        return;
    }
    if (http->daemon) {
        MHD_stop_daemon(http->daemon);
    }
    struct shash_node *node;
    SHASH_FOR_EACH (node, &http->pages) {
        page_destroy(node->data);
    }
    shash_destroy(&http->pages);
    ovs_mutex_destroy(&http->mutex);
    free(http->dashboard_dir);
    free(http->key_pem);
    free(http->cert_pem);
    free(http);
}

unsigned short
xfa_http_port(const struct xfa_http *http)
{
    return http->port;
}

bool
xfa_http_is_ssl(const struct xfa_http *http)
{
    return http->ssl;
}

unsigned long long
xfa_http_requests(const struct xfa_http *http)
{
    unsigned long long n;
    atomic_read_relaxed(&CONST_CAST(struct xfa_http *, http)->n_requests, &n);
    return n;
}
