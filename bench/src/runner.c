#include "runner.h"

#include <stdlib.h>

/* Calibration never grows a run more than this much in one step, and
 * stops at this many operations, whatever the clock says. */
#define GROWTH_MAX 64.0
#define COUNT_MAX 100000000u

static int run_once(bench_fn fn, struct job *job, double *ns_op) {
    uint64_t ns = 0;
    if(fn(job, &ns) < 0) return -1;
    if(ns == 0) ns = 1;
    *ns_op = (double)ns / (double)job->count;
    return 0;
}

/* Warm-up runs that grow job->count until a run lasts about run_ms. */
static int calibrate(bench_fn fn, struct job *job, double run_ms) {
    double ns_op;
    if(run_once(fn, job, &ns_op) < 0) return -1;   /* the warm-up proper */
    for(int step = 0; step != 4 && run_ms > 0; ++step) {
        double ms = ns_op * (double)job->count / 1e6;
        if(ms >= run_ms / 2 || job->count >= COUNT_MAX) break;
        double growth = run_ms / (ms > 0 ? ms : 1e-3);
        if(growth > GROWTH_MAX) growth = GROWTH_MAX;
        job->count = (uint64_t)((double)job->count * growth) + 1;
        job->count += job->count & 1;   /* the yield figure splits it in two */
        if(run_once(fn, job, &ns_op) < 0) return -1;
    }
    return 0;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void summarize(struct side *s, int runs) {
    double sorted[RUNS_MAX];
    for(int i = 0; i != runs; ++i) sorted[i] = s->ns_op[i];
    qsort(sorted, (size_t)runs, sizeof sorted[0], compare_doubles);
    s->min = sorted[0];
    s->max = sorted[runs - 1];
    s->median = runs % 2 ? sorted[runs / 2]
                         : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
}

int runner_measure(const struct figure *f, const struct runner_options *o,
      struct peer *raw_peer, struct peer *target_peer, struct measurement *m) {
    struct job raw = {.size = f->size, .pieces = f->pieces,
        .count = o->count ? o->count : f->base_count,
        .peer = f->remote ? raw_peer : NULL};
    struct job target = raw;
    target.peer = f->remote ? target_peer : NULL;
    m->figure = f;
    if(calibrate(f->raw, &raw, o->run_ms) < 0) return -1;
    if(calibrate(f->target, &target, o->run_ms) < 0) return -1;
    for(int r = 0; r != o->runs; ++r) {
        /* Alternate who goes first, so neither always runs on a warmer
         * or cooler machine. */
        int raw_first = r % 2 == 0;
        if(raw_first && run_once(f->raw, &raw, &m->raw.ns_op[r]) < 0) return -1;
        if(run_once(f->target, &target, &m->target.ns_op[r]) < 0) return -1;
        if(!raw_first && run_once(f->raw, &raw, &m->raw.ns_op[r]) < 0) return -1;
    }
    m->raw.count = raw.count;
    m->target.count = target.count;
    summarize(&m->raw, o->runs);
    summarize(&m->target, o->runs);
    return 0;
}
