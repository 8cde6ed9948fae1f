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

/* True when the target's known-deviations file (DILLSPEC_FUZZ_KNOWN, a TSV
 * of "key<TAB>reason" lines; keys are fnmatch(3) patterns) lists
 * "<harness>/<key>".  Harnesses ask before a call that is known to crash
 * or hang the target, so fuzzing can go on past a known defect. */
bool fz_known(const char *key);

/* Copies the input about to run to DILLSPEC_FUZZ_LAST_INPUT, if set. */
void fz_save_input(const uint8_t *data, size_t size);

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

/* The functions the harnesses judge, under the contract layer's numbers. */
enum fz_fn {
    FZ_IPC_LISTEN = DC_IPC_LISTEN, FZ_IPC_ACCEPT = DC_IPC_ACCEPT,
    FZ_IPC_CONNECT = DC_IPC_CONNECT, FZ_IPC_PAIR = DC_IPC_PAIR,
    FZ_IPC_FROMFD = DC_IPC_FROMFD, FZ_IPC_LISTENER_FROMFD = DC_IPC_LISTENER_FROMFD,
    FZ_IPC_DONE = DC_IPC_DONE, FZ_IPC_CLOSE = DC_IPC_CLOSE,
    FZ_IPC_SENDFD = DC_IPC_SENDFD, FZ_IPC_RECVFD = DC_IPC_RECVFD,
    FZ_BSEND = DC_BSEND, FZ_BRECV = DC_BRECV, FZ_BSENDL = DC_BSENDL,
    FZ_BRECVL = DC_BRECVL, FZ_HCLOSE = DC_HCLOSE, FZ_MSLEEP = DC_MSLEEP
};

static inline const char *fz_fn_name(enum fz_fn fn) {
    return dc_fn_name((enum dc_fn)fn);
}

/* True when `err` is in the function's ERRORS table. */
static inline bool fz_documented(enum fz_fn fn, int err) {
    return dc_documented((enum dc_fn)fn, err);
}

/* "EPIPE", ..., "0" for success, "E<number>" for a number without a name. */
#define fz_errname dc_errname

/* Every failed call must fail with an errno its page lists: a finding
 * "<fn>/undocumented/<errno>" otherwise. */
void fz_check_documented(enum fz_fn fn, int rc, int err);

/* Reads or writes all `n` bytes of a pipe: 0, or -1 at EOF or an error.
 * The differential harness and its peer speak through it. */
int fz_io_all(int fd, void *buf, size_t n, bool writing);

#endif
