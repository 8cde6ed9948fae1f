# Shared by ci/corpus and ci/fuzz: sourced after lib.sh, never run.

# The harnesses are the files of fuzz/harness/ (fuzz/CMakeLists.txt and
# fuzz/oss-fuzz/build.sh read the same directory).
HARNESSES=$(for f in "$DILLSPEC_ROOT"/fuzz/harness/*.c; do basename "$f" .c; done | tr '\n' ' ')

# build_harnesses DIR TARGET ENGINE SANITIZE [CC]: the harnesses of one
# engine against one target (a DILLSPEC_TARGET value: ref, pkg-config or an
# absolute prefix, see resolve_target), in DIR; returns 1 if they do not build.
build_harnesses() {
    # Names of their own: sh functions share the caller's variables.
    bh_dir=$1 bh_target=$2 bh_engine=$3 bh_sanitize=$4 bh_cc=${5:-clang}
    say "building $bh_engine harnesses against $bh_target${bh_sanitize:+ ($bh_sanitize)}"
    try_configure_and_build "$bh_dir" -DDILLSPEC_TARGET="$bh_target" \
        -DDILLSPEC_FUZZ_ENGINE="$bh_engine" -DDILLSPEC_SANITIZE="$bh_sanitize" \
        -DCMAKE_C_COMPILER="$bh_cc" -DDILLSPEC_CONFORMANCE=OFF -DDILLSPEC_BENCH=OFF
}

# absent_functions DIR: the in-scope functions the target built in DIR
# lacks (its probe, cmake/DillTarget.cmake); the harnesses skip their calls.
absent_functions() {
    cat "$1/dillspec/absent.txt" 2>/dev/null | tr -s ' \n' ' ' | sed 's/ $//'
}

# corpus_dirs HARNESS: the committed inputs of a harness that exist.
corpus_dirs() {
    for sub in seeds regressions merged; do
        d="$DILLSPEC_ROOT/corpus/$1/$sub"
        [ -d "$d" ] && echo "$d"
    done
}

# lib_path: what LD_LIBRARY_PATH needs for the target resolve_target
# resolved last (its library's directory first).
lib_path() {
    echo "${t_libdir:+$t_libdir${LD_LIBRARY_PATH:+:}}${LD_LIBRARY_PATH:-}"
}

# note_finding FILE TARGET HARNESS SAID INPUT MODE PROGRAM: one finding for
# the summary at the end of the run (report.py findings): what the harness
# said, the input, how PROGRAM takes it (arg or stdin), and the environment
# it ran with, so that one command line replays it.
note_finding() {
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$3" "$(printf '%s' "$4" | tr '\t\r\n' '   ')" \
        "$5" "$6" "$7" "${LD_LIBRARY_PATH:-}" "${DILLSPEC_FUZZ_KNOWN:-}" "${DILLSPEC_FUZZ_ABSENT:-}" \
        "${DILLSPEC_FUZZ_PEER:-}" >>"$1"
}
