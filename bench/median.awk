# median(a, n): the median of a[1..n] (sorted in place), for ci/bench's table
# (bench/row.awk) and its goals (bench/goals.awk); loaded with -f before them.
function median(a, n,    i, j, t) {
    for(i = 2; i <= n; i++) for(j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
