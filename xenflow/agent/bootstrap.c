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
/* A router's bootstrap directory (see bootstrap.h). */

#include <config.h>

#include "xenflow/agent/bootstrap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "process.h"
#include "util.h"
#include "xenflow/agent/vm.h"

VLOG_DEFINE_THIS_MODULE(xenflow_agent_bootstrap);

char *
xfa_bootstrap_dir(const char *state_dir, const char *router)
{
    return xasprintf("%s/routers/%s", state_dir, router);
}

/* Writes 'content' to 'dir'/'name' with 'mode'. */
static char *
write_file(const char *dir, const char *name, const char *content,
           mode_t mode)
{
    char *path = xasprintf("%s/%s", dir, name);
    char *error = NULL;
    FILE *file = fopen(path, "w");
    if (!file) {
        error = xasprintf("%s: %s", path, ovs_strerror(errno));
    } else {
        fputs(content, file);
        if (fchmod(fileno(file), mode) || ferror(file)) {
            error = xasprintf("%s: %s", path, ovs_strerror(errno));
        }
        if (fclose(file) && !error) {
            error = xasprintf("%s: %s", path, ovs_strerror(errno));
        }
    }
    free(path);
    return error;
}

static char *
make_dirs(const char *dir)
{
    char *copy = xstrdup(dir);
    for (char *p = strchr(copy + 1, '/'); ; p = strchr(p + 1, '/')) {
        if (p) {
            *p = '\0';
        }
        if (mkdir(copy, 0700) && errno != EEXIST) {
            char *error = xasprintf("%s: %s", copy, ovs_strerror(errno));
            free(copy);
            return error;
        }
        if (!p) {
            break;
        }
        *p = '/';
    }
    free(copy);
    return NULL;
}

/* The guest's init script.  Everything it reads is in its own directory;
 * names and addresses were validated by the translation. */
static void
put_start_script(const struct xfa_vm *vm, struct ds *s)
{
    ds_put_format(s, "#!/bin/sh\n"
                  "# XenFlow router %s: written by xenflow-agent.\n"
                  "boot="XFA_VM_BOOT_DIR"\n"
                  "ip link set lo up\n", vm->name);
    for (size_t i = 0; i < vm->n_ifaces; i++) {
        const struct xfa_vm_iface *iface = &vm->ifaces[i];
        ds_put_format(s, "ip link set %s up\n", iface->name);
        if (iface->addresses) {
            char *copy = xstrdup(iface->addresses);
            char *save = NULL;
            for (char *a = strtok_r(copy, ",", &save); a;
                 a = strtok_r(NULL, ",", &save)) {
                ds_put_format(s, "ip addr add %s dev %s\n", a, iface->name);
            }
            free(copy);
        }
    }
    ds_put_format(s,
        "sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 "
        "2>/dev/null\n"
        "if [ -f $boot/frr.conf ] && [ -x /usr/lib/frr/zebra ]; then\n"
        "    for d in zebra staticd bgpd ospfd; do\n"
        "        [ -x /usr/lib/frr/$d ] && /usr/lib/frr/$d -d -N %s "
        "-f $boot/frr.conf\n"
        "    done\n"
        "fi\n"
        "if [ -f $boot/switch ] && [ -f $boot/client-cert.pem ] \\\n"
        "   && command -v xenflow-client >/dev/null; then\n"
        "    xenflow-client --detach --router=%s \\\n"
        "        --private-key=$boot/client-privkey.pem \\\n"
        "        --certificate=$boot/client-cert.pem \\\n"
        "        --ca-cert=$boot/cacert.pem $(cat $boot/switch)\n"
        "fi\n"
        "trap 'exit 0' TERM INT\n"
        "while :; do sleep 3600 & wait $!; done\n", vm->name, vm->name);
}

/* Renames 'dir'/ROUTER-'what'.pem, which ovs-pki wrote, to
 * 'dir'/client-'what'.pem (the start script's name).  Returns NULL or a
 * malloc()'d error. */
static char *
take_issued(const char *dir, const char *router, const char *what)
{
    char *from = xasprintf("%s/%s-%s.pem", dir, router, what);
    char *to = xasprintf("%s/client-%s.pem", dir, what);
    char *error = (rename(from, to)
                   ? xasprintf("router %s: renaming %s: %s", router, from,
                               ovs_strerror(errno))
                   : NULL);
    free(from);
    free(to);
    return error;
}

/* Runs "ovs-pki --dir=PKI_DIR --force req+sign ROUTER switch" in 'dir' (the
 * certificate's common name is the router's name, which XenFlow checks
 * against its client-id), keeps the key and certificate as client-*.pem
 * and copies there the switch CA's certificate, which signs XenFlow's
 * switches' certificates too (the client checks the switch with it). */
static char *
issue_certificate(const char *dir, const char *pki_dir, const char *router)
{
    char *dir_opt = xasprintf("--dir=%s", pki_dir);
    char *name = xstrdup(router);
    char *argv[] = { "ovs-pki", dir_opt, "--force", "req+sign", name,
                     "switch", NULL };
    char *log = xasprintf("%s/ovs-pki.log", dir);
    posix_spawn_file_actions_t actions;
    char *error = NULL;
    pid_t pid;

    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addchdir_np(&actions, dir);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log,
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    int retval = posix_spawnp(&pid, "ovs-pki", &actions, NULL, argv, NULL);
    posix_spawn_file_actions_destroy(&actions);
    if (retval) {
        error = xasprintf("router %s: running ovs-pki: %s", router,
                          ovs_strerror(retval));
    } else {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            continue;
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status)) {
            error = xasprintf("router %s: ovs-pki req+sign failed (%s), see "
                              "%s", router, process_status_msg(status), log);
        }
    }
    if (!error) {
        error = take_issued(dir, router, "privkey");
    }
    if (!error) {
        error = take_issued(dir, router, "cert");
    }
    if (!error) {
        char *req = xasprintf("%s/%s-req.pem", dir, router);
        unlink(req);
        free(req);
    }
    if (!error) {
        char *src = xasprintf("%s/switchca/cacert.pem", pki_dir);
        FILE *in = fopen(src, "r");
        if (!in) {
            error = xasprintf("router %s: %s: %s", router, src,
                              ovs_strerror(errno));
        } else {
            struct ds ca = DS_EMPTY_INITIALIZER;
            int c;
            while ((c = getc(in)) != EOF) {
                ds_put_char(&ca, c);
            }
            fclose(in);
            error = write_file(dir, "cacert.pem", ds_cstr(&ca), 0644);
            ds_destroy(&ca);
        }
        free(src);
    }
    free(log);
    free(dir_opt);
    free(name);
    return error;
}

/* Writes 'vm''s bootstrap directory, vm->boot_dir.  An existing key and
 * certificate are kept. */
char *
xfa_bootstrap_write(const struct xfa_vm *vm,
                    const struct xfa_bootstrap_options *options)
{
    const char *dir = vm->boot_dir;
    char *error = make_dirs(dir);
    if (error) {
        return error;
    }
    chmod(dir, 0755);

    struct ds s = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < vm->n_ifaces; i++) {
        const struct xfa_vm_iface *iface = &vm->ifaces[i];
        ds_put_format(&s, "%s "ETH_ADDR_FMT" %s %s\n", iface->name,
                      ETH_ADDR_ARGS(iface->mac),
                      iface->network ? iface->network : "-",
                      iface->addresses ? iface->addresses : "-");
    }
    error = write_file(dir, "interfaces", ds_cstr(&s), 0644);

    if (!error) {
        ds_clear(&s);
        put_start_script(vm, &s);
        error = write_file(dir, "start", ds_cstr(&s), 0755);
    }
    if (!error && vm->frr_config) {
        error = write_file(dir, "frr.conf", vm->frr_config, 0644);
    }
    if (!error && options->switch_remote) {
        ds_clear(&s);
        ds_put_format(&s, "%s\n", options->switch_remote);
        error = write_file(dir, "switch", ds_cstr(&s), 0644);
    }
    ds_destroy(&s);

    if (!error && options->pki_dir) {
        char *cert = xasprintf("%s/client-cert.pem", dir);
        if (access(cert, R_OK)) {
            error = issue_certificate(dir, options->pki_dir, vm->name);
        }
        free(cert);
    }
    return error;
}

/* Removes a router's bootstrap directory (its files only: it has no
 * subdirectories). */
void
xfa_bootstrap_remove(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
            char *path = xasprintf("%s/%s", dir, de->d_name);
            if (unlink(path)) {
                VLOG_WARN("%s: %s", path, ovs_strerror(errno));
            }
            free(path);
        }
    }
    closedir(d);
    if (rmdir(dir)) {
        VLOG_WARN("%s: %s", dir, ovs_strerror(errno));
    }
}
