/*
 * fuzz.h - what every dillspec harness shares.
 *
 * A harness is one LLVMFuzzerTestOneInput.  It reads its input with the
 * fz_in reader (an exhausted input reads as zeros, so every input is valid),
 * drives the target through libdill's public API, and reports a broken
 * man-page promise as a *finding*: a stable key that names the harness, the
 * function and the kind of mismatch, so that duplicates collapse.  A finding
 * aborts the process (libFuzzer and AFL++ keep the input as a crash) unless
 * the target's known-deviations file lists its key.
 */
#ifndef DILLSPEC_FUZZ_H
#define DILLSPEC_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dc_errors.h"
/* The target's libdill.h, and declarations of what an older release lacks
 * (DS_HAVE_<function>; fz_absent tells at run time). */
#include "dill_available.h"

/* Each harness defines its name: the first part of every finding key. */
extern const char fz_harness[];

/******************************************************************************/
/*  Reading the input                                                         */
/******************************************************************************/

struct fz_in {
    const uint8_t *p;
    size_t n;
};

static inline uint8_t fz_u8(struct fz_in *in) {
    if(in->n == 0)
        return 0;
    in->n--;
    return *in->p++;
}

static inline bool fz_empty(const struct fz_in *in) {
    return in->n == 0;
}

/******************************************************************************/
/*  Findings                                                                  */
/******************************************************************************/

/* Reports a broken promise.  `key` is "<function>/<situation>/<observed>"
 * (the harness name is prepended); `detail` says what was expected.  Returns
 * only when the key is a known deviation of the target. */
void fz_finding(const char *key, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Called by fz_finding before it aborts, when set: what atexit() would
 * have done (hygiene.c removes its private directory). */
extern void (*fz_before_abort)(void);

/* How many findings fz_finding has returned from (known deviations): a
 * harness that keeps state from one call to the next starts afresh after
 * one. */
unsigned fz_findings_passed_over(void);

/* The finding "<fn>/<situation>/<observed>" of a call the harness judged. */
void fz_call_finding(enum dc_fn fn, const char *situation, const char *observed,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* True when the target's known-deviations file (DILLSPEC_FUZZ_KNOWN, a TSV
 * of "key<TAB>reason" lines; keys are fnmatch(3) patterns) lists
 * "<harness>/<key>".  Harnesses ask before a call that is known to crash
 * or hang the target, so fuzzing can go on past a known defect. */
bool fz_known(const char *key);

/* Copies the input about to run to DILLSPEC_FUZZ_LAST_INPUT, if set. */
void fz_save_input(const uint8_t *data, size_t size);

/* Whether DILLSPEC_FUZZ_VERBOSE is set: the executor prints each call as it
 * runs, and each coroutine's call as it is judged (to see where an input
 * hangs). */
bool fz_verbose(void);

/******************************************************************************/
/*  The bytes sent                                                            */
/******************************************************************************/

/* The harnesses send stream `s`'s bytes: fz_stream(s, pos) points at its
 * byte at position `pos` and the FZ_STREAM_WINDOW after it.  They come from
 * a table of 1 MiB of hashed bytes, so a byte lost, repeated, moved (by
 * less than 1 MiB) or taken from another stream is a wrong byte; and no
 * byte there equals the one before it, so fz_stream(s, pos) + 1 is a
 * stretch unlike the stream at every position, to prime a receive buffer
 * with.  Made on first use. */
#define FZ_STREAM_WINDOW (280 * 1024 + 64)
const uint8_t *fz_stream(int s, uint32_t pos);

/* Loops over every byte of a buffer are left out of the fuzzer's coverage
 * instrumentation: it would trace a comparison for each byte (the loop's
 * bound), which costs more than the byte and tells the fuzzer nothing.
 * Never inlined: the instrumentation runs after inlining, on the caller's
 * attributes, so an inlined copy would be traced after all. */
#if defined(__clang__) && __clang_major__ >= 13
#define FZ_EVERY_BYTE __attribute__((no_sanitize("coverage"), noinline))
#else
#define FZ_EVERY_BYTE
#endif

/* Where p[0..n) first holds a byte other than `byte`: its offset, -1 if
 * nowhere (a guard or gap written to). */
long fz_first_unlike(const uint8_t *p, size_t n, uint8_t byte);

/******************************************************************************/
/*  Hygiene between inputs                                                    */
/******************************************************************************/

/* A private directory for this process's socket files, made on first use and
 * removed at exit.  Short, so that paths inside stay under sun_path's limit. */
const char *fz_dir(void);

/* "<fz_dir()>/<name>" in a static buffer. */
const char *fz_path(const char *name);

/* Empties fz_dir() so that each input starts from the same file system. */
void fz_clean_dir(void);

/* The count of open fds before this input (the directory's own fd not
 * counted): what the previous input left (see hygiene.c), listed only for
 * the first. */
int fz_fds_before(void);

/* Fails with a finding when the input left fds open.  `baseline` is
 * fz_fds_before() taken before the input ran. */
void fz_check_fds(int baseline, const char *where);

/******************************************************************************/
/*  The contract: each function's ERRORS table (contract/dc_errors.h)        */
/******************************************************************************/

/* The harnesses name the functions they judge by the contract layer's
 * numbers (enum dc_fn) and ask it for names, tables and errno names
 * (dc_fn_name, dc_documented, dc_errname): one spelling of the contract
 * for both judges, this one and the conformance suite. */

/* Every failed call must fail with an errno its page lists: a finding
 * "<fn>/undocumented/<errno>" otherwise. */
void fz_check_documented(enum dc_fn fn, int rc, int err);

/* Reads or writes all `n` bytes of a pipe: 0, or -1 at EOF or an error.
 * The differential harness and its peer speak through it. */
int fz_io_all(int fd, void *buf, size_t n, bool writing);

#endif
