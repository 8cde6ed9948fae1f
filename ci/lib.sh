# Shared by the ci/ scripts: sourced, never run. POSIX sh.

# The checkout's top directory, whatever the caller's working directory.
DILLSPEC_ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
# Build trees live under build/ unless DILLSPEC_BUILD says otherwise.
DILLSPEC_BUILD=${DILLSPEC_BUILD:-$DILLSPEC_ROOT/build}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

die() { echo "${0##*/}: $*" >&2; exit 2; }
# usage: the calling script's header comment (from line 2 to the first line
# that is not a comment), without the comment marks: its --help.
usage() { sed -n '2,/^[^#]/{/^#/!q;s/^# \{0,1\}//;p;}' "$0"; }
say() { echo "== ${0##*/}: $*" >&2; }

# Installs missing Debian packages (or says how) before anything is built.
ensure_deps() { "$DILLSPEC_ROOT/ci/deps" || exit 2; }

# target_name TARGET: the short name reports use for a --target value.
target_name() {
    case "$1" in
        ref|pkg-config) echo "$1" ;;
        *) basename -- "$1" ;;
    esac
}

# configure_and_build DIR [cmake args...]: an idempotent out-of-tree build.
configure_and_build() {
    # cab_: sh functions share the caller's variables.
    cab_dir=$1; shift
    mkdir -p "$cab_dir"
    cmake -S "$DILLSPEC_ROOT" -B "$cab_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >"$cab_dir.configure.log" 2>&1 \
        || { cat "$cab_dir.configure.log" >&2; die "cmake configure failed ($cab_dir)"; }
    cmake --build "$cab_dir" -j "$JOBS" >"$cab_dir.build.log" 2>&1 \
        || { tail -n 60 "$cab_dir.build.log" >&2; die "build failed ($cab_dir)"; }
}
