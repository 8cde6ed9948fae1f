/* The two outputs: a table for people, a TSV for programs (ci/bench
 * joins several targets' TSVs side by side). */
#ifndef DILLSPEC_BENCH_REPORT_H
#define DILLSPEC_BENCH_REPORT_H
#include <stdio.h>

#include "runner.h"

void table_header(FILE *out, const char *target_name);
void table_row(FILE *out, const struct measurement *m);
void tsv_header(FILE *out);
void tsv_row(FILE *out, const struct measurement *m, int runs);

#endif
