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

# resolve_target TARGET: what a --target value stands for, resolved now (a
# library replaced under the same path, or a PKG_CONFIG_PATH that changed,
# is seen at once).  Sets:
#   t_arg      the value of DILLSPEC_TARGET (ref, pkg-config, an absolute prefix)
#   t_name     the short name (ref, pkg-config, the prefix's last component)
#   t_lib      the library file that is linked, symlinks resolved ("" for ref)
#   t_libdir   the directory the program must load it from ("" for ref)
#   t_version  the Version its libdill.pc states ("none" without one)
#   t_key      what build trees and reports are named by: t_name and a hash
#              of the library's resolved path and of the library's and the
#              header's contents (ref: "ref")
#   t_error    why the target cannot be used ("" when it can)
resolve_target() {
    t_arg=$1 t_name=$(target_name "$1") t_lib="" t_libdir="" t_version=none t_key=$1 t_error=""
    rt_inc=""
    case "$1" in
        ref) return 0 ;;
        pkg-config)
            if ! pkg-config --exists libdill 2>/dev/null; then
                t_error="pkg-config finds no libdill (PKG_CONFIG_PATH=${PKG_CONFIG_PATH:-})"
            else
                t_libdir=$(pkg-config --variable=libdir libdill)
                rt_inc=$(pkg-config --variable=includedir libdill)/libdill.h
                t_version=$(pkg-config --modversion libdill)
            fi ;;
        *)
            rt_prefix=$(CDPATH= cd -- "$1" 2>/dev/null && pwd) \
                || { t_error="no such directory: $1"; t_key=$t_name-none; return 1; }
            t_arg=$rt_prefix rt_inc=$rt_prefix/include/libdill.h
            for d in "$rt_prefix/lib" "$rt_prefix/lib64"; do
                if [ -z "$t_libdir" ] && { [ -e "$d/libdill.so" ] || [ -e "$d/libdill.a" ]; }; then
                    t_libdir=$d
                fi
            done
            [ -n "$t_libdir" ] && [ -f "$t_libdir/pkgconfig/libdill.pc" ] \
                && t_version=$(sed -n 's/^Version: *//p' "$t_libdir/pkgconfig/libdill.pc") ;;
    esac
    if [ -z "$t_error" ]; then
        for f in "$t_libdir/libdill.so" "$t_libdir/libdill.a"; do
            [ -z "$t_lib" ] && [ -e "$f" ] && t_lib=$(readlink -f -- "$f")
        done
        [ -n "$t_lib" ] || t_error="no libdill.so or libdill.a under ${t_libdir:-$1/lib}"
        [ -f "$rt_inc" ] || t_error="${t_error:+$t_error; }no libdill.h at $rt_inc"
    fi
    if [ -n "$t_error" ]; then
        t_key=$t_name-none
        return 1
    fi
    t_key=$t_name-$({ echo "$t_lib"; cat -- "$t_lib" "$rt_inc"; } | sha256sum | cut -c1-12)
}

# say_target: the first lines of a target's run, so that a log tells which
# library the verdicts are about.
say_target() {
    if [ "$t_arg" = ref ]; then
        say "target ref: the reference implementation built from ref/"
    elif [ -n "$t_error" ]; then
        say "target $t_name: cannot be used: $t_error"
    else
        say "target $t_name ($t_key): library $t_lib, libdill.pc version $t_version"
    fi
}

# find_expect KIND GIVEN NAME: the expectations file of a target, or
# nothing.  KIND is conformance or fuzz (the directory KIND/expectations/);
# GIVEN is what --expect said: a file, or the name of a file in that
# directory (--expect libdill-2.14 serves ci/conformance, ci/corpus and
# ci/fuzz alike), or "" for the default: NAME.tsv or libNAME.tsv there (a
# prefix named dill-2.14 finds libdill-2.14.tsv).  Dies when GIVEN names
# nothing; validates the file found (report.py check-expect: exit 2 when
# the file is bad).
find_expect() {
    fe_dir=$DILLSPEC_ROOT/$1/expectations fe_file=""
    if [ -n "$2" ]; then
        for f in "$2" "$fe_dir/$2" "$fe_dir/$2.tsv"; do
            [ -z "$fe_file" ] && [ -f "$f" ] && fe_file=$f
        done
        [ -n "$fe_file" ] || die "--expect $2: no such file (nor $1/expectations/$2.tsv)"
    else
        for f in "$fe_dir/$3.tsv" "$fe_dir/lib$3.tsv"; do
            [ -z "$fe_file" ] && [ -f "$f" ] && fe_file=$f
        done
    fi
    [ -n "$fe_file" ] || return 0
    fe_file=$(readlink -f -- "$fe_file")
    "$DILLSPEC_ROOT/conformance/report/report.py" check-expect "$1" "$fe_file" || exit 2
    echo "$fe_file"
}

# run_tmpdir: one private directory for everything a run's tests and
# inputs create (their own directories go inside, via TMPDIR), removed at
# exit by this script, which outlives them whatever they die of.  It is
# made in DILLSPEC_TMP (keep it short, socket paths are limited to 107
# bytes), by default /dev/shm where that is a writable directory, else
# /tmp.  What goes there is socket files and small control files, made and
# removed thousands of times a second by the fuzzers: a memory file system
# does that faster than a disk's, and more steadily (the handles fuzzer
# against ref, 10-15 s runs: 3150-3600 inputs a second with its directory
# in /dev/shm; 835-3130 in /tmp on ext4, most runs under 2500).
run_tmpdir() {
    rt_base=${DILLSPEC_TMP:-}
    if [ -z "$rt_base" ]; then
        rt_base=/tmp
        [ -d /dev/shm ] && [ -w /dev/shm ] && rt_base=/dev/shm
    fi
    DILLSPEC_RUN_TMP=$(mktemp -d "$rt_base/dsr.XXXXXX") || die "cannot make a directory in $rt_base"
    trap 'rm -rf "$DILLSPEC_RUN_TMP"' EXIT
    trap 'exit 130' INT TERM HUP
    export TMPDIR=$DILLSPEC_RUN_TMP
}

# try_configure_and_build DIR [cmake args...]: an idempotent out-of-tree
# build; on failure shows the log's end and returns 1.
try_configure_and_build() {
    # cab_: sh functions share the caller's variables.
    cab_dir=$1; shift
    mkdir -p "$cab_dir"
    cmake -S "$DILLSPEC_ROOT" -B "$cab_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >"$cab_dir.configure.log" 2>&1 \
        || { tail -n 40 "$cab_dir.configure.log" >&2; say "cmake configure failed ($cab_dir)"; return 1; }
    cmake --build "$cab_dir" -j "$JOBS" >"$cab_dir.build.log" 2>&1 \
        || { tail -n 60 "$cab_dir.build.log" >&2; say "build failed ($cab_dir)"; return 1; }
}

# configure_and_build DIR [cmake args...]: the same, exit 2 on failure.
configure_and_build() { try_configure_and_build "$@" || exit 2; }
