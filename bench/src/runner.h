/* Times one figure: a warm-up that also sizes the runs, then repeated runs
 * of the baseline and the target taken turn about, so that both see the
 * same machine. */
#ifndef DILLSPEC_BENCH_RUNNER_H
#define DILLSPEC_BENCH_RUNNER_H
#include "figures.h"

#define RUNS_MAX 31

struct runner_options {
    int runs;           /* timed runs of each side */
    double run_ms;      /* what one run should last; 0: no calibration */
    uint64_t count;     /* operations per run instead of the figure's base count */
};

/* One side's runs, in ns per operation. */
struct side {
    uint64_t count;     /* operations per run */
    double ns_op[RUNS_MAX];
    double median, min, max;
};

struct measurement {
    const struct figure *figure;
    struct side raw, target;
};

struct peer;
/* Measures the figure; remote figures use the given peers.  0, or -1 when a
 * run failed (said on stderr). */
int runner_measure(const struct figure *f, const struct runner_options *o,
    struct peer *raw_peer, struct peer *target_peer, struct measurement *m);

#endif
