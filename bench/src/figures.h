/* The figures this benchmark reports, each measured twice: on bare
 * syscalls (the baseline, the physical limit) and through the target. */
#ifndef DILLSPEC_BENCH_FIGURES_H
#define DILLSPEC_BENCH_FIGURES_H
#include "bench.h"

enum unit {
    UNIT_MIB_PER_S,   /* stream throughput */
    UNIT_USEC,        /* round-trip latency */
    UNIT_PER_S,       /* connections per second */
    UNIT_NSEC,        /* cost of one coroutine operation */
};

struct figure {
    const char *name;
    enum unit unit;
    size_t size;          /* bytes per message (stream figures) */
    int pieces;           /* 1 or 4 (iolists) */
    int remote;           /* the other end is another process */
    uint64_t base_count;  /* operations in a --quick run; where calibration starts */
    bench_fn raw;
    bench_fn target;
};

extern const struct figure figures[];
extern const size_t figure_count;

const char *unit_label(enum unit u);
/* The figure in its unit, from the time one operation took. */
double unit_value(const struct figure *f, double ns_per_op);

/* raw_local.c: one thread, a non-blocking socketpair. */
int raw_local_stream(const struct job *job, uint64_t *ns);
int raw_local_pingpong(const struct job *job, uint64_t *ns);
int raw_local_connections(const struct job *job, uint64_t *ns);
/* dill_local.c: two coroutines, ipc_pair or ipc_listen/ipc_connect. */
int dill_local_stream(const struct job *job, uint64_t *ns);
int dill_local_pingpong(const struct job *job, uint64_t *ns);
int dill_local_connections(const struct job *job, uint64_t *ns);
/* remote.c: the peer process at the other end (raw or library per job->peer). */
int remote_stream(const struct job *job, uint64_t *ns);
int remote_pingpong(const struct job *job, uint64_t *ns);
/* coroutines.c */
int dill_go_empty(const struct job *job, uint64_t *ns);
int dill_yield_switch(const struct job *job, uint64_t *ns);
int raw_go_empty(const struct job *job, uint64_t *ns);
int raw_yield_switch(const struct job *job, uint64_t *ns);

#endif
