/* What every benchmark shares: one run's parameters and its verdict. */
#ifndef DILLSPEC_BENCH_H
#define DILLSPEC_BENCH_H
#include <stddef.h>
#include <stdint.h>

struct peer;

/* One timed run.  `count` is the number of operations the run performs
 * (messages, round trips, connections, coroutines, switches); the runner
 * picks it so that a run lasts long enough to time. */
struct job {
    size_t size;        /* bytes per message (stream figures) */
    int pieces;         /* 1: bsend/brecv, write/read; 4: four-element iolists */
    uint64_t count;
    struct peer *peer;  /* the process at the other end (cross-process figures) */
};

/* Runs the job once and stores the time its operations took (setup and
 * teardown excluded) in *ns.  Returns 0, or -1 after saying on stderr what
 * went wrong: a failed call, or bytes that did not arrive intact. */
typedef int (*bench_fn)(const struct job *job, uint64_t *ns);

/* Every library call the benchmarks make carries this deadline, so that a
 * broken target gives an error rather than a hang. */
#define BENCH_DEADLINE_MS 30000

/* CLOCK_MONOTONIC in nanoseconds: what every run is timed with. */
uint64_t bench_clock_ns(void);

/* malloc(size), but page-aligned (free() releases it). */
void *bench_alloc_pages(size_t size);

/* Prints "dillspec-bench: <what>: <strerror(errno)>" and returns -1. */
int bench_fail(const char *what);
/* Prints "dillspec-bench: <what>" and returns -1. */
int bench_failx(const char *what);

/* A fresh socket path /tmp/ds.XXXXXX/<name> in a private directory, and its
 * removal with the directory.  Returns 0, or -1 (said on stderr). */
#define BENCH_PATH_MAX 64
int bench_socket_path(char path[BENCH_PATH_MAX], const char *name);
void bench_socket_path_remove(const char *path);

#endif
