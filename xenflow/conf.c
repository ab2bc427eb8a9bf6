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

#include "xenflow/conf.h"

#include <string.h>

#include "smap.h"
#include "svec.h"
#include "util.h"

/* Keys this version understands on a Bridge.  Any other xenflow-* key is
 * reported, because a typo in a key would otherwise fail silently. */
static const char *const bridge_keys[] = {
    XF_KEY_ENABLE,
};

/* Parses 's' as a boolean.  Only "true" and "false" are accepted, the same
 * words OVSDB itself uses, so that a typo such as "ture" is reported instead
 * of quietly meaning false.  Returns true and stores the value in '*value'
 * on success, otherwise returns false and leaves '*value' alone. */
bool
xf_parse_bool(const char *s, bool *value)
{
    if (!strcmp(s, "true")) {
        *value = true;
        return true;
    } else if (!strcmp(s, "false")) {
        *value = false;
        return true;
    }
    return false;
}

static bool
is_known_key(const char *key, const char *const *keys, size_t n_keys)
{
    for (size_t i = 0; i < n_keys; i++) {
        if (!strcmp(key, keys[i])) {
            return true;
        }
    }
    return false;
}

/* Parses the xenflow-* keys of bridge 'br_name' from its 'other_config'
 * into 'conf'.  Appends one message per problem to 'errors'; a key with a
 * bad value is ignored, i.e. it takes its default. */
void
xf_bridge_conf_parse(const char *br_name, const struct smap *other_config,
                     struct xf_bridge_conf *conf, struct svec *errors)
{
    memset(conf, 0, sizeof *conf);

    const char *enable = smap_get(other_config, XF_KEY_ENABLE);
    if (enable && !xf_parse_bool(enable, &conf->enabled)) {
        svec_add_nocopy(errors, xasprintf(
                            "bridge %s: other_config:%s=\"%s\" is not a "
                            "boolean (use \"true\" or \"false\"); ignored, "
                            "XenFlow stays disabled on this bridge",
                            br_name, XF_KEY_ENABLE, enable));
    }

    /* Report unknown xenflow-* keys, in a stable (sorted) order. */
    const struct smap_node **nodes = smap_sort(other_config);
    for (size_t i = 0; i < smap_count(other_config); i++) {
        const char *key = nodes[i]->key;
        if (!strncmp(key, XF_KEY_PREFIX, strlen(XF_KEY_PREFIX))
            && !is_known_key(key, bridge_keys, ARRAY_SIZE(bridge_keys))) {
            svec_add_nocopy(errors, xasprintf(
                                "bridge %s: other_config:%s is not a XenFlow "
                                "key (see xenflow(7)); ignored",
                                br_name, key));
        }
    }
    free(nodes);
}
