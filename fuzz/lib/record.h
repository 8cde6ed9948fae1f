/*
 * record.h - what a harness run says of itself for fuzz/tools/to_c.py,
 * which writes an input as a standalone C program.  When
 * fuzz/tools/recorder.c is preloaded with DILLSPEC_FUZZ_RECORD=FILE, it
 * writes the program's libdill and system calls to FILE, and each call
 * below one line more, through the same fd.  Otherwise each costs a test.
 */
#ifndef DILLSPEC_RECORD_H
#define DILLSPEC_RECORD_H

#include <stdbool.h>

#include "dc_errors.h"
#include "program.h"

/* Operation `index` of a call program starts. */
void fz_record_op(int index, const struct fz_op *op);
/* The model's promise for a call, and what the call did (judge.c). */
void fz_record_expect(enum dc_fn fn, const char *situation, bool may_succeed,
    bool may_fail, const int errs[3], int rc, int err);
/* A point of the run: "fds-before" (the fd count the run is held to is
 * taken), "fds-check" (it is checked). */
void fz_record_mark(const char *what);
/* A finding, just before it aborts the run. */
void fz_record_finding(const char *harness, const char *key, const char *detail);

#endif
