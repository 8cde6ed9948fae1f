/*
 * executor.h - runs a call program (program.h) against the target.
 *
 * The executor keeps a model of every object the program made: which
 * handles are live and of what kind, which connection endpoints are peers,
 * how many bytes each has sent and received, which directions are done or
 * failed, which listeners hold unaccepted connections.  Before each call it
 * predicts from the model what the man pages allow (success, or which
 * errnos); after it, it checks the result against the prediction and
 * updates the model from what actually happened.
 *
 * In FZ_ORACLE mode a mismatch is a finding.  In FZ_TRACE mode nothing is
 * judged: each call's outcome is recorded for the differential harness, and
 * timing-dependent operations (timed deadlines, coroutines, yields) are left
 * out so that two conforming targets give the same trace.
 */
#ifndef DILLSPEC_EXECUTOR_H
#define DILLSPEC_EXECUTOR_H

#include <stdint.h>

#include "program.h"

enum fz_mode { FZ_ORACLE, FZ_TRACE };

struct fz_step {
    int16_t op;         /* index of the operation in the program */
    int8_t code;        /* its opcode */
    int8_t outcome;     /* -1 failed, 0 returned 0, 1 returned a handle,
                           FZ_SKIPPED: not run (a poisoned handle) */
    int32_t err;        /* errno when it failed */
    uint32_t sum;       /* checksum of bytes received; for a transfer and
                           fd passing, 0 or what was wrong (calls_*.c) */
    int8_t after_fd;    /* the connection had a failed ipc_sendfd/ipc_recvfd */
    int8_t open;        /* the pages allow this outcome and another (judge.c) */
    int8_t list;        /* the call changed the caller's iolist */
    int8_t blocked;     /* it would have slept in the kernel (blockwatch.h) */
};

#define FZ_SKIPPED 2
#define FZ_HUNG 3           /* never returned: it waited with nothing that
                               could end it (the differential peer's trace
                               ends with such a step) */

struct fz_trace {
    int n;
    /* An operation records up to three steps (ipc_fromfd's two calls, a
     * coroutine closed before its connection), a transfer up to eight,
     * the teardown one a slot. */
    struct fz_step steps[FZ_MAX_OPS * 3 + FZ_MAX_TRANSFERS * 8 + FZ_NSLOTS];
};

/* Runs `prog`; `trace` may be NULL in FZ_ORACLE mode.  Every object the
 * program made is closed before it returns. */
void fz_execute(const struct fz_program *prog, enum fz_mode mode,
    struct fz_trace *trace);

/* Adds the steps of a trace to the trace digest (vtime.h, lib/trace.c). */
void fz_trace_steps(const struct fz_trace *t);

/* Makes the target create whatever it creates lazily on first use (its
 * poller's fd, say), so that fd counts taken afterwards are stable. */
void fz_warm_up(void);

/* For vtime.h's fz_vt_on_hang in FZ_ORACLE mode: a wait that can never
 * end, reported as a finding of the call in progress ("<call>/<deadline
 * mode>/blocked-forever"; for hclose of a bundle, the canceled
 * coroutine's call that never returns). */
void fz_report_hang(void);

/* For fz_vt_on_hang in FZ_TRACE mode: the call in progress becomes the
 * trace's last step, with outcome FZ_HUNG. */
void fz_trace_hang(void);

/* What every harness does first with an input: keeps a copy of it
 * (fz_save_input) and warms the target up once.  A harness that checks
 * fds takes its baseline next (fz_fds_before). */
void fz_begin_input(const uint8_t *data, size_t size);

#endif
