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
/* A router VM's description: validation and libvirt domain XML. */

#include <config.h>

#include "xenflow/agent/vm.h"

#include <inttypes.h>
#include <string.h>

#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"
#include "xenflow/conf.h"

const char *
xfa_driver_name(enum xfa_driver driver)
{
    switch (driver) {
    case XFA_DRIVER_LXC: return "lxc";
    case XFA_DRIVER_QEMU: return "qemu";
    case XFA_DRIVER_TEST: return "test";
    default: OVS_NOT_REACHED();
    }
}

bool
xfa_driver_from_string(const char *s, enum xfa_driver *driver)
{
    for (enum xfa_driver d = XFA_DRIVER_LXC; d <= XFA_DRIVER_TEST; d++) {
        if (!strcmp(s, xfa_driver_name(d))) {
            *driver = d;
            return true;
        }
    }
    return false;
}

static bool
is_absolute_path(const char *path)
{
    return path && path[0] == '/' && !strstr(path, "/../")
           && !strchr(path, '\n');
}

/* Returns NULL if 'vm' can be defined, otherwise why not (the caller
 * frees it). */
char *
xfa_vm_validate(const struct xfa_vm *vm)
{
    if (!xf_conf_name_is_valid(vm->name)) {
        return xasprintf("router name \"%s\" is not 1 to 32 letters, digits, "
                         "'_', '.' or '-'", vm->name);
    }
    if (!vm->vcpus || !vm->memory_mb) {
        return xasprintf("router %s: vcpus and memory_mb must be given (in "
                         "the router or its template)", vm->name);
    }
    if (vm->filesystem && !is_absolute_path(vm->filesystem)) {
        return xasprintf("router %s: filesystem \"%s\" is not an absolute "
                         "path", vm->name, vm->filesystem);
    }
    if (vm->image && !is_absolute_path(vm->image)) {
        return xasprintf("router %s: image \"%s\" is not an absolute path",
                         vm->name, vm->image);
    }
    if (vm->driver == XFA_DRIVER_QEMU && vm->filesystem) {
        return xasprintf("router %s: driver qemu boots an image, not a "
                         "filesystem", vm->name);
    }
    if (vm->driver == XFA_DRIVER_LXC && vm->image) {
        return xasprintf("router %s: driver lxc runs a filesystem, not an "
                         "image", vm->name);
    }
    for (size_t i = 0; i < vm->n_ifaces; i++) {
        const struct xfa_vm_iface *iface = &vm->ifaces[i];
        if (!xf_conf_name_is_valid(iface->name) || strlen(iface->name) > 15) {
            return xasprintf("router %s: interface name \"%s\" is not 1 to "
                             "15 letters, digits, '_', '.' or '-'",
                             vm->name, iface->name);
        }
        if (!eth_addr_is_zero(iface->mac)
            && (eth_addr_is_multicast(iface->mac))) {
            return xasprintf("router %s: interface %s: MAC "ETH_ADDR_FMT
                             " is not unicast", vm->name, iface->name,
                             ETH_ADDR_ARGS(iface->mac));
        }
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(vm->ifaces[j].name, iface->name)) {
                return xasprintf("router %s: two interfaces are named %s",
                                 vm->name, iface->name);
            }
        }
    }
    return NULL;
}

/* Appends 's' to 'xml', escaped for an attribute or text. */
static void
put_escaped(struct ds *xml, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': ds_put_cstr(xml, "&amp;"); break;
        case '<': ds_put_cstr(xml, "&lt;"); break;
        case '>': ds_put_cstr(xml, "&gt;"); break;
        case '\'': ds_put_cstr(xml, "&apos;"); break;
        case '"': ds_put_cstr(xml, "&quot;"); break;
        default: ds_put_char(xml, *s); break;
        }
    }
}

static void
put_filesystem(struct ds *xml, const char *source, const char *target,
               bool readonly)
{
    ds_put_cstr(xml, "    <filesystem type='mount' accessmode='passthrough'>"
                "<source dir='");
    put_escaped(xml, source);
    ds_put_cstr(xml, "'/><target dir='");
    put_escaped(xml, target);
    ds_put_format(xml, "'/>%s</filesystem>\n", readonly ? "<readonly/>" : "");
}

/* The name of the switch port of 'vm''s interface 'iface' (the domain's
 * <target dev>): "ROUTER-IFACE" if that fits in a device name, otherwise
 * "xf" and a hash of both.  The same on every node, so that a node a router
 * migrates to has its ports ready under the names they will have. */
char *
xfa_vm_port_name(const struct xfa_vm *vm, const struct xfa_vm_iface *iface)
{
    char *name = xasprintf("%s-%s", vm->name, iface->name);
    if (strlen(name) > 15) {
        uint32_t hash = hash_string(iface->name, hash_string(vm->name, 0));
        free(name);
        name = xasprintf("xf%08"PRIx32, hash);
    }
    return name;
}

static void
put_interfaces(const struct xfa_vm *vm, struct ds *xml)
{
    for (size_t i = 0; i < vm->n_ifaces; i++) {
        const struct xfa_vm_iface *iface = &vm->ifaces[i];
        char *port = xfa_vm_port_name(vm, iface);

        ds_put_cstr(xml, "    <interface type='bridge'>");
        if (!eth_addr_is_zero(iface->mac)) {
            ds_put_format(xml, "<mac address='"ETH_ADDR_FMT"'/>",
                          ETH_ADDR_ARGS(iface->mac));
        }
        ds_put_cstr(xml, "<source bridge='");
        put_escaped(xml, vm->bridge);
        ds_put_cstr(xml, "'/><virtualport type='openvswitch'/><target dev='");
        put_escaped(xml, port);
        ds_put_cstr(xml, "'/>");
        free(port);
        if (vm->driver == XFA_DRIVER_LXC) {
            ds_put_cstr(xml, "<guest dev='");
            put_escaped(xml, iface->name);
            ds_put_cstr(xml, "'/>");
        } else if (vm->driver == XFA_DRIVER_QEMU) {
            ds_put_cstr(xml, "<model type='virtio'/>");
        }
        ds_put_cstr(xml, "</interface>\n");
    }
}

/* Appends the libvirt domain XML of 'vm' (which xfa_vm_validate()
 * accepted) to 'xml', an empty string.  Its <metadata> names the domain as
 * the agent's, with a hash of the rest of the XML that tells the agent
 * whether a defined domain still matches its router.  The CPU share is not
 * in it: the agent applies it to the running domain. */
void
xfa_vm_to_xml(const struct xfa_vm *vm, struct ds *xml)
{
    ds_put_format(xml, "<domain type='%s'>\n  <name>",
                  vm->driver == XFA_DRIVER_QEMU ? "qemu"
                  : vm->driver == XFA_DRIVER_TEST ? "test" : "lxc");
    put_escaped(xml, vm->name);
    ds_put_format(xml, "</name>\n"
                  "  <description>XenFlow router %s, managed by "
                  "xenflow-agent</description>\n"
                  "  <memory unit='MiB'>%llu</memory>\n"
                  "  <vcpu>%u</vcpu>\n",
                  vm->name, vm->memory_mb, vm->vcpus);
    switch (vm->driver) {
    case XFA_DRIVER_LXC:
        ds_put_cstr(xml, "  <os><type>exe</type><init>/bin/sh</init>"
                    "<initarg>"XFA_VM_BOOT_INIT"</initarg></os>\n");
        break;
    case XFA_DRIVER_QEMU:
        ds_put_cstr(xml, "  <os><type arch='x86_64' machine='pc'>hvm</type>"
                    "</os>\n");
        break;
    case XFA_DRIVER_TEST:
    default:
        ds_put_cstr(xml, "  <os><type>hvm</type></os>\n");
        break;
    }

    ds_put_cstr(xml, "  <devices>\n");
    if (vm->driver == XFA_DRIVER_LXC) {
        if (vm->filesystem) {
            put_filesystem(xml, vm->filesystem, "/", false);
        }
        if (vm->boot_dir) {
            put_filesystem(xml, vm->boot_dir, XFA_VM_BOOT_DIR, true);
        }
    } else if (vm->driver == XFA_DRIVER_QEMU && vm->image) {
        ds_put_cstr(xml, "    <disk type='file' device='disk'>"
                    "<driver name='qemu' type='qcow2'/><source file='");
        put_escaped(xml, vm->image);
        ds_put_cstr(xml, "'/><target dev='vda' bus='virtio'/></disk>\n");
    }
    put_interfaces(vm, xml);
    if (vm->driver != XFA_DRIVER_TEST) {
        ds_put_cstr(xml, "    <console type='pty'/>\n");
    }
    ds_put_cstr(xml, "  </devices>\n");

    /* What the guest's bootstrap directory holds counts too. */
    uint32_t hash = hash_string(ds_cstr(xml), 0);
    for (size_t i = 0; i < vm->n_ifaces; i++) {
        hash = hash_string(vm->ifaces[i].network ? vm->ifaces[i].network : "",
                           hash);
        hash = hash_string(vm->ifaces[i].addresses
                           ? vm->ifaces[i].addresses : "", hash);
    }
    hash = hash_string(vm->frr_config ? vm->frr_config : "", hash);
    ds_put_format(xml, "  <metadata><xenflow:router xmlns:xenflow='"
                  XFA_VM_XML_NS"' config='%08"PRIx32"'/></metadata>\n"
                  "</domain>\n", hash);
}

void
xfa_vm_clone(struct xfa_vm *dst, const struct xfa_vm *src)
{
    *dst = *src;
    dst->name = xstrdup(src->name);
    dst->bridge = nullable_xstrdup(src->bridge);
    dst->filesystem = nullable_xstrdup(src->filesystem);
    dst->image = nullable_xstrdup(src->image);
    dst->boot_dir = nullable_xstrdup(src->boot_dir);
    dst->frr_config = nullable_xstrdup(src->frr_config);
    dst->ifaces = xmemdup(src->ifaces, src->n_ifaces * sizeof *src->ifaces);
    for (size_t i = 0; i < src->n_ifaces; i++) {
        dst->ifaces[i].name = xstrdup(src->ifaces[i].name);
        dst->ifaces[i].network = nullable_xstrdup(src->ifaces[i].network);
        dst->ifaces[i].addresses = nullable_xstrdup(src->ifaces[i].addresses);
    }
}

void
xfa_vm_destroy(struct xfa_vm *vm)
{
    if (vm) {
        for (size_t i = 0; i < vm->n_ifaces; i++) {
            free(vm->ifaces[i].name);
            free(vm->ifaces[i].network);
            free(vm->ifaces[i].addresses);
        }
        free(vm->ifaces);
        free(vm->name);
        free(vm->bridge);
        free(vm->filesystem);
        free(vm->image);
        free(vm->boot_dir);
        free(vm->frr_config);
    }
}
