# Shared by the ci/ scripts: sourced, never run.
# shellcheck shell=bash
#
# Any path works: the checkout's, a target's, the reports'.  Lists of paths
# are bash arrays, never strings split on blanks.

# The checkout's top directory, whatever the caller's working directory.
DILLSPEC_ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
# Build trees live under build/ unless DILLSPEC_BUILD says otherwise.
DILLSPEC_BUILD=${DILLSPEC_BUILD:-$DILLSPEC_ROOT/build}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

die() { echo "${0##*/}: $*" >&2; exit 2; }
# usage: the calling script's header comment (from line 2 to the first line
# that is not a comment), without the comment marks: its --help.
usage() { sed -n '2,/^[^#]/{/^#/!q;s/^# \{0,1\}//;p;}' "$0"; }
say() { echo "== ${0##*/}: $*" >&2; }
# rel PATH: PATH below the checkout without the checkout's part, for messages.
rel() { echo "${1#"$DILLSPEC_ROOT"/}"; }

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
#   t_header   its libdill.h ("" for ref)
#   t_version  the Version its libdill.pc states ("none" without one)
#   t_key      what build trees and reports are named by: t_name and a hash
#              of the library's resolved path and of the library's and the
#              header's contents (ref: "ref")
#   t_error    why the target cannot be used ("" when it can)
resolve_target() {
    t_arg=$1 t_name=$(target_name "$1") t_lib="" t_libdir="" t_header="" t_version=none
    t_key=$1 t_error=""
    case "$1" in
        ref) return 0 ;;
        pkg-config)
            if ! pkg-config --exists libdill 2>/dev/null; then
                t_error="pkg-config finds no libdill (PKG_CONFIG_PATH=${PKG_CONFIG_PATH:-})"
            else
                t_libdir=$(pkg-config --variable=libdir libdill)
                t_header=$(pkg-config --variable=includedir libdill)/libdill.h
                t_version=$(pkg-config --modversion libdill)
            fi ;;
        *)
            local prefix d f
            prefix=$(CDPATH='' cd -- "$1" 2>/dev/null && pwd) \
                || { t_error="no such directory: $1"; t_key=$t_name-none; return 1; }
            t_arg=$prefix t_header=$prefix/include/libdill.h
            for d in "$prefix/lib" "$prefix/lib64"; do
                if [ -z "$t_libdir" ] && { [ -e "$d/libdill.so" ] || [ -e "$d/libdill.a" ]; }; then
                    t_libdir=$d
                fi
            done
            f=$t_libdir/pkgconfig/libdill.pc
            if [ -n "$t_libdir" ] && [ -f "$f" ]; then
                t_version=$(sed -n 's/^Version: *//p' "$f")
            fi ;;
    esac
    if [ -z "$t_error" ]; then
        for f in "$t_libdir/libdill.so" "$t_libdir/libdill.a"; do
            if [ -z "$t_lib" ] && [ -e "$f" ]; then t_lib=$(readlink -f -- "$f"); fi
        done
        [ -n "$t_lib" ] || t_error="no libdill.so or libdill.a under ${t_libdir:-$1/lib}"
        [ -f "$t_header" ] || t_error="${t_error:+$t_error; }no libdill.h at $t_header"
    fi
    if [ -n "$t_error" ]; then
        t_key=$t_name-none
        return 1
    fi
    t_key=$t_name-$({ echo "$t_lib"; cat -- "$t_lib" "$t_header"; } | sha256sum | cut -c1-12)
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

# identify_release: which library the target resolve_target resolved last
# is, from the library itself (ci/releases.tsv says how).  Sets
#   id_library       its name ("libdill 2.13"), "" when unknown
#   id_expectations  the name of its shipped expectations, "" for none
#   id_nearest       without one: the name of the nearest release's that has
#                    one (id_nearest_library: that release)
#   id_why           what the identity rests on, for the log
identify_release() {
    id_library="" id_expectations="" id_nearest="" id_nearest_library="" id_why=""
    local hv="" version exports
    if [ -f "$t_header" ]; then
        hv=$(awk '$1 == "#define" && $2 == "DILL_VERSION_CURRENT" { c = $3 }
                  $1 == "#define" && $2 == "DILL_VERSION_REVISION" { r = $3 }
                  $1 == "#define" && $2 == "DILL_VERSION_AGE" { a = $3 }
                  END { if (c != "" && r != "" && a != "") print c "." r "." a }' "$t_header")
    fi
    version=$t_version
    if [ "$version" = none ]; then
        version=$hv
        id_why="libdill.h's version ${hv:-(none)} (no libdill.pc)"
    elif [ -n "$hv" ] && [ "$hv" != "$version" ]; then
        id_why="libdill.pc version $version (libdill.h says $hv)"
    else
        id_why="libdill.pc version $version${hv:+, as libdill.h says}"
    fi
    [ -n "$version" ] || return 0
    # The symbols the library exports, one a line.
    exports=$( { nm -D --defined-only -- "$t_lib" 2>/dev/null || nm -g --defined-only -- "$t_lib"; } 2>/dev/null \
        | awk 'NF >= 3 { print $3 }' | sed 's/@.*//' | sort -u)
    local row need near_lib
    row=$(EXPORTS=$exports awk -F'\t' -v v="$version" '
        BEGIN { n = split(ENVIRON["EXPORTS"], e, "\n"); for (i = 1; i <= n; i++) has[e[i]] = 1 }
        /^#/ || $1 == "version" { next }
        { rows++; ver[rows] = $1; need[rows] = $2; lib[rows] = $3; fil[rows] = $4 }
        END {
            # Rows that name exports first, then the others.
            for (pass = 1; pass <= 2 && !hit; pass++)
                for (i = 1; i <= rows && !hit; i++) {
                    if (ver[i] != v || (pass == 1) != (need[i] != "-")) continue
                    ok = 1; m = split(need[i], s, " ")
                    for (j = 1; j <= m; j++) if (need[i] != "-" && !(s[j] in has)) ok = 0
                    if (ok) hit = i
                }
            if (!hit) exit
            near = 0
            for (k = hit + 1; k <= rows && !near; k++) if (fil[k] != "-") near = k
            for (k = hit - 1; k >= 1 && !near; k--) if (fil[k] != "-") near = k
            printf "%s\t%s\t%s\t%s\t%s\n", lib[hit], fil[hit], need[hit],
                fil[hit] == "-" && near ? fil[near] : "-", fil[hit] == "-" && near ? lib[near] : "-"
        }' "$DILLSPEC_ROOT/ci/releases.tsv")
    if [ -z "$row" ]; then
        id_why="$id_why names no library of ci/releases.tsv"
        return 0
    fi
    IFS=$'\t' read -r id_library id_expectations need id_nearest near_lib <<<"$row"
    [ "$id_expectations" != - ] || id_expectations=""
    [ "$id_nearest" != - ] || id_nearest=""
    [ -z "$id_nearest" ] || id_nearest_library=$near_lib
    [ "$need" = - ] || id_why="$id_why, exports $need"
}

# find_expect KIND GIVEN: the expectations file of the target resolve_target
# resolved last, in fe_file ("" for none) with why it was chosen in fe_why.
# KIND is conformance or fuzz (the directory KIND/expectations/); GIVEN is
# what --expect said: a file, or the name of a file in that directory
# (--expect libdill-2.14 serves ci/conformance, ci/corpus and ci/fuzz
# alike), none for none, or "" for the default: NAME.tsv or libNAME.tsv there, NAME being
# the target's name (a prefix named dill-2.14 finds libdill-2.14.tsv), else
# the file of the release the library itself is (identify_release).  Dies
# when GIVEN names nothing; validates the file found (report.py
# check-expect: exit 2 when the file is bad).
find_expect() {
    local dir=$DILLSPEC_ROOT/$1/expectations f
    fe_file="" fe_why=""
    if [ "$2" = none ]; then
        fe_why="none (--expect none)"
    elif [ -n "$2" ]; then
        for f in "$2" "$dir/$2" "$dir/$2.tsv"; do
            if [ -z "$fe_file" ] && [ -f "$f" ]; then fe_file=$f; fi
        done
        [ -n "$fe_file" ] || die "--expect $2: no such file (nor $1/expectations/$2.tsv)"
        fe_why="given by --expect"
    elif [ "$t_arg" != ref ]; then
        for f in "$dir/$t_name.tsv" "$dir/lib$t_name.tsv"; do
            if [ -z "$fe_file" ] && [ -f "$f" ]; then fe_file=$f; fi
        done
        if [ -n "$fe_file" ]; then
            fe_why="named after the target's folder, $t_name"
        elif [ -z "$t_error" ]; then
            expect_by_identity "$1"
        fi
    fi
    [ -n "$fe_file" ] || return 0
    "$DILLSPEC_ROOT/conformance/report/report.py" check-expect "$1" "$fe_file" || exit 2
    fe_file=$(realpath -s -- "$fe_file")
}

# expect_by_identity KIND: find_expect's last resort.  A release with a
# file of its own gets it; otherwise the run goes without expectations and
# says which shipped file is nearest and how to pass it: never a guess.
expect_by_identity() {
    identify_release
    local f=$DILLSPEC_ROOT/$1/expectations/$id_expectations.tsv
    if [ -z "$id_library" ]; then
        fe_why="none: no file named after the target's folder, and $id_why; pass --expect NAME to choose one of $(rel "$DILLSPEC_ROOT/$1/expectations")/"
    elif [ -n "$id_expectations" ] && [ -f "$f" ]; then
        fe_file=$f
        fe_why="the library is $id_library: $id_why"
    else
        fe_why="none: the library is $id_library ($id_why), which has no file in $1/expectations/"
        [ -z "$id_nearest" ] || fe_why="$fe_why; the nearest that has one is $id_nearest_library: --expect $id_nearest pins its deviations (rows where the two differ will fail)"
    fi
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
    local base=${DILLSPEC_TMP:-}
    if [ -z "$base" ]; then
        base=/tmp
        if [ -d /dev/shm ] && [ -w /dev/shm ]; then base=/dev/shm; fi
    fi
    DILLSPEC_RUN_TMP=$(mktemp -d "$base/dsr.XXXXXX") || die "cannot make a directory in $base"
    trap 'rm -rf "$DILLSPEC_RUN_TMP"' EXIT
    trap 'exit 130' INT TERM HUP
    export TMPDIR=$DILLSPEC_RUN_TMP
}

# try_configure_and_build DIR [cmake args...]: an idempotent out-of-tree
# build of this checkout; on failure shows the log's end and returns 1.
try_configure_and_build() { try_configure_and_build_tree "$DILLSPEC_ROOT" "$@"; }

# try_configure_and_build_tree SOURCE DIR [cmake args...]: the same for the
# tree at SOURCE (another version's, ci/fuzz-compare).
try_configure_and_build_tree() {
    local src=$1 dir=$2; shift 2
    mkdir -p "$dir"
    cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >"$dir.configure.log" 2>&1 \
        || { tail -n 40 "$dir.configure.log" >&2; say "cmake configure failed ($dir)"; return 1; }
    cmake --build "$dir" -j "$JOBS" >"$dir.build.log" 2>&1 \
        || { tail -n 60 "$dir.build.log" >&2; say "build failed ($dir)"; return 1; }
}

# configure_and_build DIR [cmake args...]: the same, exit 2 on failure.
configure_and_build() { try_configure_and_build "$@" || exit 2; }
