#! /bin/sh
# run-fuzz.sh -- build and run the libFuzzer targets of the xenflow-client
# protocol decoder (tests/fuzz/xenflow-proto-fuzz.c).
#
# Usage: tests/fuzz/run-fuzz.sh [-t envelope|params|both] [SECONDS]
#
#   -t TARGET  envelope: raw stream bytes -> OVS JSON parser -> JSON-RPC
#              message -> xf_proto_parse_*; params: JSON text of the params
#              object -> xf_proto_parse_hello/update (reaches deep sooner);
#              both (default): each for SECONDS.
#   SECONDS    how long to fuzz each target (default 60).  0 only runs the
#              seeds and the saved corpus once (a regression check).
#
# Environment:
#   XFF_BUILD  build directory (default /tmp/xff-build).  On first use the
#              fork is configured there with clang and the sanitizers and
#              only lib/libopenvswitch.la is built (about 5 minutes on
#              2 cores); later runs rebuild only the target.
#   JOBS       make parallelism (default 2).
#
# The target and xenflow/{proto,addr,rib}.c are compiled from this source
# tree; libopenvswitch from the pinned upstream in $XFF_BUILD/ovs.  The
# growing corpus lives in $XFF_BUILD/fuzz/corpus-TARGET (seeded from
# tests/fuzz/corpus/TARGET); crashes, leaks and UB reports are written to
# $XFF_BUILD/fuzz/artifacts/.  Reproduce one with
#   $XFF_BUILD/fuzz/xenflow-proto-TARGET-fuzz FILE
# The script prints executions, exec/s, coverage (libFuzzer's edge count
# over everything instrumented, then line and branch coverage of
# xenflow/proto.c and addr.c by the corpus, with llvm-cov) and exits nonzero
# if a target found anything.
set -e

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
build=${XFF_BUILD:-/tmp/xff-build}
jobs=${JOBS:-2}
targets="envelope params"
case $1 in
    -t) case $2 in
            envelope|params) targets=$2 ;;
            both) ;;
            *) echo "$0: -t envelope|params|both" >&2; exit 1 ;;
        esac
        shift 2 ;;
esac
secs=${1:-60}

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-g -O1 -fno-omit-frame-pointer"

# 1. A clang + sanitizer build of the fork's libopenvswitch.
mkdir -p "$build"
if [ ! -f "$build/ovs-build/Makefile" ]; then
    echo "== configuring $build (clang, $san)"
    (cd "$build" && CC=clang \
        CFLAGS="$cflags -fsanitize=fuzzer-no-link $san" \
        "$srcdir/configure" --enable-ssl > configure.log 2>&1) \
        || { tail -20 "$build/configure.log"; exit 1; }
fi
ovsb=$build/ovs-build
ovss=$build/ovs
echo "== building lib/libopenvswitch.la in $ovsb"
# Regenerate the Makefile first if our automake.mk changed, so that the
# queries below print only what they are asked.
make -s -C "$ovsb" Makefile > "$build/make-lib.log" 2>&1 \
    || { tail -20 "$build/make-lib.log"; exit 1; }
query() {
    printf 'xff-query:\n\t@echo "xff-query: $(%s)"\n' "$1" > "$build/query.mk"
    make -s -C "$ovsb" -f Makefile -f "$build/query.mk" xff-query \
        | sed -n 's/^xff-query: //p'
}
built=$(query BUILT_SOURCES)
make -s -C "$ovsb" -j"$jobs" $built lib/libopenvswitch.la \
    >> "$build/make-lib.log" 2>&1 \
    || { tail -20 "$build/make-lib.log"; exit 1; }
libs=$(query 'SSL_LIBS) $(CAPNG_LDADD) $(LIBS')

# 2. The targets.
cppflags="-DHAVE_CONFIG_H -I$srcdir -I$ovsb -I$ovss -I$ovss/include
          -I$ovsb/include -I$ovss/lib -I$ovsb/lib"
sources="$srcdir/tests/fuzz/xenflow-proto-fuzz.c $srcdir/xenflow/proto.c
         $srcdir/xenflow/addr.c $srcdir/xenflow/rib.c"
ldadd="$ovsb/lib/.libs/libopenvswitch.a $libs -lm -lpthread"
mkdir -p "$build/fuzz/artifacts"
for t in $targets; do
    bin=$build/fuzz/xenflow-proto-$t-fuzz
    def=
    [ $t = params ] && def=-DXF_FUZZ_PARAMS
    echo "== compiling $bin"
    clang $cflags -fsanitize=fuzzer $san $def $cppflags -Wall \
        $sources $ldadd -o "$bin"
done

# 3. Fuzz.
status=0
for t in $targets; do
    bin=$build/fuzz/xenflow-proto-$t-fuzz
    def=
    [ $t = params ] && def=-DXF_FUZZ_PARAMS
    corpus=$build/fuzz/corpus-$t
    log=$build/fuzz/$t.log
    mkdir -p "$corpus"
    if [ "$secs" = 0 ]; then
        mode="-runs=0"
        echo "== $t: running the seeds and $corpus once"
    else
        mode="-max_total_time=$secs"
        echo "== $t: fuzzing for $secs s (log: $log)"
    fi
    set +e
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$bin" $mode -workers=1 -max_len=4096 -timeout=10 \
        -dict="$srcdir/tests/fuzz/xenflow-proto.dict" \
        -artifact_prefix="$build/fuzz/artifacts/$t-" \
        -print_final_stats=1 \
        "$corpus" "$srcdir/tests/fuzz/corpus/$t" > "$log" 2>&1
    rc=$?
    set -e

    grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$log" | tail -1
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    echo "$t: executions $execs, $rate exec/s, corpus $(ls "$corpus" | wc -l) files"

    # Source coverage of our code by the corpus: the same target built
    # with clang's profile instrumentation, run once over the corpus.
    if command -v llvm-profdata > /dev/null && command -v llvm-cov > /dev/null
    then
        clang $cflags -fsanitize=fuzzer $san $def $cppflags \
            -fprofile-instr-generate -fcoverage-mapping $sources $ldadd \
            -o "$bin-cov"
        rm -f "$build/fuzz/$t.profraw"
        LLVM_PROFILE_FILE="$build/fuzz/$t.profraw" "$bin-cov" -runs=0 \
            -artifact_prefix="$build/fuzz/artifacts/$t-cov-" \
            "$corpus" "$srcdir/tests/fuzz/corpus/$t" > /dev/null 2>&1 || true
        llvm-profdata merge -sparse "$build/fuzz/$t.profraw" \
            -o "$build/fuzz/$t.profdata"
        echo "$t: source coverage by the corpus (lines, branches):"
        llvm-cov report "$bin-cov" -instr-profile="$build/fuzz/$t.profdata" \
            "$srcdir/xenflow/proto.c" "$srcdir/xenflow/addr.c" \
            | awk '$1 ~ /\.c$/ { printf "  xenflow/%-8s lines %s/%s missed (%s), branches %s/%s missed (%s)\n", $1, $9, $8, $10, $12, $11, $13 }'
        echo "  (llvm-cov show $bin-cov -instr-profile=$build/fuzz/$t.profdata $srcdir/xenflow/proto.c)"
    fi

    if [ $rc != 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|invariant violated' "$log"; then
        status=1
        echo "$t: FOUND A PROBLEM (exit $rc):"
        grep -E 'ERROR:|runtime error|invariant violated|SUMMARY|Test unit written' "$log" | head -10
    else
        echo "$t: nothing found"
    fi
done
exit $status
