# One row of ci/bench's table: awk -f median.awk -f row.awk -v fig=FIGURE
# -v names="T1 T2 ..." -v work=DIR, reading DIR/<target>.rows (each line the
# round, a tab, and the benchmark's TSV row).  Medians over the rounds; the
# last columns the median of each round's ratio of the first target's time
# per operation to each other's, and with several rounds in how many of them
# the first target was the faster ("0.97 5/7"): on a busy machine the count
# says more than one median does.
function pick(col, i,    r, a, n) {
    n = 0
    for(r in rounds) if((i, r) in row) { split(row[i, r], c, "\t"); a[++n] = c[col] }
    return median(a, n)
}
BEGIN {
    n = split(names, t, " ")
    for(i = 1; i <= n; i++) {
        f = work "/" t[i] ".rows"
        while((getline line < f) > 0) {
            r = substr(line, 1, index(line, "\t") - 1)
            row[i, r] = substr(line, index(line, "\t") + 1); rounds[r] = 1; ok[i] = 1
            split(row[i, r], c, "\t"); unit = c[2]
            if(c[8] > 20 || c[9] > 20) soft[i] = "*"
        }
        if(ok[i]) { raw[i] = pick(3, i); val[i] = pick(4, i); x[i] = pick(5, i) }
        if(!(i in soft)) soft[i] = " "
    }
    printf "%-27s %-7s", fig, unit
    printf " %11s", ok[1] ? sprintf("%.2f", raw[1]) : "-"
    for(i = 1; i <= n; i++) printf " %13s %7s", ok[i] ? sprintf("%.2f", val[i]) : "FAILED", ok[i] ? sprintf("%.2f%s", x[i], soft[i]) : "-"
    for(i = 2; i <= n; i++) {
        m = 0
        for(r in rounds) if((1, r) in row && (i, r) in row) {
            split(row[1, r], a, "\t"); split(row[i, r], b, "\t"); q[++m] = a[7] / b[7]
        }
        faster = 0
        for(k = 1; k <= m; k++) if(q[k] < 1) faster++
        printf " %16s", m ? sprintf(m > 1 ? "%.2f %d/%d" : "%.2f", median(q, m), faster, m) : "-"
        delete q
    }
    printf "\n"
}