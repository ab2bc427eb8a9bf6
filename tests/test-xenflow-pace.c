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

/* Unit tests for xenflow/pace.c, driven by tests/xenflow-unit.at.
 *
 *   ovstest test-xenflow-pace SHARE STEP...
 *       Runs a pacer with 'share' percent through the steps, times in
 *       milliseconds: "[T" starts XenFlow's part of a main-loop iteration at
 *       T, "]T" ends it, a plain T asks at that time whether bulk work may
 *       start.  Prints one line per question: "work", or "no" and the time
 *       bulk work may resume; then the statistics. */

#include <config.h>
#undef NDEBUG

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ovstest.h"
#include "util.h"
#include "xenflow/pace.h"

static void
test_xenflow_pace_main(int argc, char *argv[])
{
    struct xf_pace pace;

    if (argc < 2) {
        ovs_fatal(0, "usage: %s SHARE STEP...", argv[0]);
    }
    xf_pace_init(&pace, atoi(argv[1]));
    printf("share %u%%\n", pace.share);
    for (int i = 2; i < argc; i++) {
        const char *step = argv[i];
        long long int now = atoll(step + (*step == '[' || *step == ']'));

        now *= 1000;
        if (*step == '[') {
            xf_pace_start_iteration(&pace, now);
        } else if (*step == ']') {
            xf_pace_end_iteration(&pace, now);
        } else if (xf_pace_allows(&pace, now)) {
            printf("%s: work\n", step);
        } else {
            printf("%s: no, resume at %lld\n", step, pace.resume_at / 1000);
        }
        ovs_assert(xf_pace_resting(&pace, now) == (now < pace.resume_at));
    }
    printf("slices %llu, rests %llu (%lld ms)\n", pace.n_slices,
           pace.n_rests, pace.rested_us / 1000);
}

OVSTEST_REGISTER("test-xenflow-pace", test_xenflow_pace_main);
