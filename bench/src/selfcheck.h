#ifndef DILLSPEC_BENCH_SELFCHECK_H
#define DILLSPEC_BENCH_SELFCHECK_H

/* Checks that the benchmarks' verification catches reordered and corrupted
 * bytes.  0 if it does, -1 if not (said on stderr). */
int selfcheck_run(void);

#endif
