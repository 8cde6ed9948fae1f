# Where the first target stands on issue 5's goals, from the results TSVs
# ci/bench wrote: awk -f median.awk -f goals.awk FIRST.tsv [OTHER.tsv ...].  It informs;
# it never fails a run (timing claims are not asserts).  "soft": some side's
# runs of that figure spread over 20%, so one run does not settle it.  A
# figure measured several times (ci/bench --rounds) counts with its medians.
FNR == 1 { file++; name[file] = FILENAME; sub(/.*\//, "", name[file]); sub(/\.tsv$/, "", name[file]); next }
{
    k = ++seen[file, $1]
    nsv[file, $1, k] = $7
    if($8 > 20 || $9 > 20) softany[$1] = 1
    if(file == 1) {
        if(k == 1) order[++figures] = $1
        xv[$1, k] = $5
        if($8 > 20 || $9 > 20) soft[$1] = 1
    }
}
function medians(    o, i, f, k, a) {
    for(o = 1; o <= file; o++)
        for(i = 1; i <= figures; i++) {
            f = order[i]
            for(k = 1; k <= seen[o, f]; k++) a[k] = nsv[o, f, k]
            if(seen[o, f]) ns[o, f] = median(a, seen[o, f])
            delete a
            if(o == 1) { for(k = 1; k <= seen[1, f]; k++) a[k] = xv[f, k]; x[f] = median(a, seen[1, f]); delete a }
        }
}
function worst(pattern, limit, label,    i, f, w, wf) {
    w = 0
    for(i = 1; i <= figures; i++) {
        f = order[i]
        if(f ~ pattern && x[f] > w) { w = x[f]; wf = f }
    }
    if(wf == "") return
    printf "  %-44s worst %.3f x raw (%s)%s: %s\n", label, w, wf, soft[wf] ? ", soft" : "",
        w <= limit ? "met" : "not met"
}
END {
    medians()
    print ""
    print "goals for " name[1] " (issue 5; x raw is time over the raw-syscall limit)"
    worst("^stream\\..*\\.(64KiB|1MiB)$", 1.10, "stream 64 KiB and 1 MiB within 10% of raw:")
    worst("^stream\\..*\\.1B$", 3.0, "stream 1 B within 3x of raw:")
    for(o = 2; o <= file; o++) {
        slower = ""
        for(i = 1; i <= figures; i++) {
            f = order[i]
            if(ns[o, f] > 0 && ns[1, f] > 1.05 * ns[o, f])
                slower = slower sprintf(" %s (%.2f%s)", f, ns[1, f] / ns[o, f], softany[f] ? ", soft" : "")
        }
        printf "  at least as fast as %s on every figure: %s\n", name[o],
            slower == "" ? "met (within 5%)" : "not met, slower on" slower
    }
}
