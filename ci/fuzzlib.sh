# Shared by ci/corpus and ci/fuzz: sourced after lib.sh, never run.
# shellcheck shell=bash

# The harnesses are the files of fuzz/harness/ (fuzz/CMakeLists.txt and
# fuzz/oss-fuzz/build.sh read the same directory).
# shellcheck disable=SC2034 # used by the scripts that source this
HARNESSES=()
for f in "$DILLSPEC_ROOT"/fuzz/harness/*.c; do HARNESSES+=("$(basename "$f" .c)"); done

# build_harnesses DIR TARGET ENGINE SANITIZE [CC]: the harnesses of one
# engine against one target (a DILLSPEC_TARGET value: ref, pkg-config or an
# absolute prefix, see resolve_target), in DIR; returns 1 if they do not build.
build_harnesses() {
    local dir=$1 target=$2 engine=$3 sanitize=$4 cc=${5:-clang}
    say "building $engine harnesses against $target${sanitize:+ ($sanitize)}"
    try_configure_and_build "$dir" -DDILLSPEC_TARGET="$target" \
        -DDILLSPEC_FUZZ_ENGINE="$engine" -DDILLSPEC_SANITIZE="$sanitize" \
        -DCMAKE_C_COMPILER="$cc" -DDILLSPEC_CONFORMANCE=OFF -DDILLSPEC_BENCH=OFF
}

# absent_functions DIR: the in-scope functions the target built in DIR
# lacks (its probe, cmake/DillTarget.cmake); the harnesses skip their calls.
absent_functions() {
    tr -s ' \n' ' ' <"$1/dillspec/absent.txt" 2>/dev/null | sed 's/ $//'
}

# corpus_dirs HARNESS: the committed inputs of a harness that exist, one a
# line (read them with mapfile).
corpus_dirs() {
    local sub d
    for sub in seeds regressions merged; do
        d="$DILLSPEC_ROOT/corpus/$1/$sub"
        if [ -d "$d" ]; then echo "$d"; fi
    done
}

# lib_path: what LD_LIBRARY_PATH needs for the target resolve_target
# resolved last (its library's directory first).
lib_path() {
    echo "${t_libdir:+$t_libdir${LD_LIBRARY_PATH:+:}}${LD_LIBRARY_PATH:-}"
}

# note_finding FILE TARGET HARNESS SAID INPUT MODE PROGRAM: one finding for
# the summary at the end of the run (report.py findings): what the harness
# said, the input, how PROGRAM takes it (arg or stdin), the environment it
# ran with, so that one command line replays it, and its C program (the
# repro_line just before it).
note_finding() {
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$3" "$(printf '%s' "$4" | tr '\t\r\n' '   ')" \
        "$5" "$6" "$7" "${LD_LIBRARY_PATH:-}" "${DILLSPEC_FUZZ_KNOWN:-}" "${DILLSPEC_FUZZ_ABSENT:-}" \
        "${DILLSPEC_FUZZ_PEER:-}" "$(printf '%s' "${rl_c:-}" | tr '\t\r\n' '   ')" >>"$1"
}

# repro_line TARGET INPUT: the line under a finding that names the input's
# standalone C program (ci/repro --fuzz; fuzz/tools/fuzz_repro.py), written
# now, kept in rl_c for note_finding; the first for a target builds the
# harnesses it records with.
repro_line() {
    rl_out=$(python3 "$DILLSPEC_ROOT/fuzz/tools/fuzz_repro.py" --no-run --target "$1" \
        --out "${DILLSPEC_REPORTS:-$DILLSPEC_ROOT/reports}/repro" --build "$DILLSPEC_BUILD" "$2" 2>&1)
    case "$rl_out" in
        *"reproducer: "*) rl_c=$(printf '%s\n' "$rl_out" | sed -n 's/^reproducer: //p' | tail -n 1)
                          printf '  reproducer: %s\n' "$rl_c" ;;
        *) rl_c=""; printf '  reproducer: none (%s)\n' "$(printf '%s\n' "$rl_out" | tail -n 1)" ;;
    esac
}
