# Shared by ci/corpus and ci/fuzz: sourced after lib.sh, never run.

# The harnesses are the files of fuzz/harness/ (fuzz/CMakeLists.txt and
# fuzz/oss-fuzz/build.sh read the same directory).
HARNESSES=$(for f in "$DILLSPEC_ROOT"/fuzz/harness/*.c; do basename "$f" .c; done | tr '\n' ' ')

# known_file NAME: the known-deviations file of a target, or nothing.
known_file() {
    f="$DILLSPEC_ROOT/fuzz/expectations/$1.tsv"
    [ -f "$f" ] && echo "$f"
}

# target_dir TARGET: the value DILLSPEC_TARGET takes for a --target value.
target_dir() {
    case "$1" in
        ref|pkg-config) echo "$1" ;;
        *) (cd "$1" 2>/dev/null && pwd) || die "no such directory: $1" ;;
    esac
}

# build_harnesses DIR TARGET ENGINE SANITIZE [CC]: the harnesses of one
# engine against one target, in DIR.
build_harnesses() {
    # Names of their own: sh functions share the caller's variables.
    bh_dir=$1 bh_target=$2 bh_engine=$3 bh_sanitize=$4 bh_cc=${5:-clang}
    say "building $bh_engine harnesses against $bh_target${bh_sanitize:+ ($bh_sanitize)}"
    configure_and_build "$bh_dir" -DDILLSPEC_TARGET="$(target_dir "$bh_target")" \
        -DDILLSPEC_FUZZ_ENGINE="$bh_engine" -DDILLSPEC_SANITIZE="$bh_sanitize" \
        -DCMAKE_C_COMPILER="$bh_cc" -DDILLSPEC_CONFORMANCE=OFF -DDILLSPEC_BENCH=OFF
}

# corpus_dirs HARNESS: the committed inputs of a harness that exist.
corpus_dirs() {
    for sub in seeds regressions merged; do
        d="$DILLSPEC_ROOT/corpus/$1/$sub"
        [ -d "$d" ] && echo "$d"
    done
}

# lib_path TARGET: what LD_LIBRARY_PATH needs for a prefix target.
lib_path() {
    case "$1" in
        ref|pkg-config) echo "${LD_LIBRARY_PATH:-}" ;;
        *) echo "$(target_dir "$1")/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ;;
    esac
}
