/* Shared pieces for the coroutine core's pages: go(3), go_mem(3), bundle(3),
 * bundle_mem(3), bundle_go(3), bundle_go_mem(3), bundle_wait(3), msleep(3),
 * yield(3), hown(3), fdin(3), fdout(3), fdclean(3).
 *
 * Those pages' blocking calls (bundle_wait, fdin, fdout) share one set of
 * checks (waits.c), run through a `struct ds_wait`: how to make the call
 * block, the call itself, and what lets it succeed. */
#ifndef DS_CORE_H
#define DS_CORE_H

#include "support.h"

#define GO_ERRS dc_errors(DC_GO)
#define GO_MEM_ERRS dc_errors(DC_GO_MEM)
#define BUNDLE_ERRS dc_errors(DC_BUNDLE)
#define BUNDLE_GO_ERRS dc_errors(DC_BUNDLE_GO)
#define BUNDLE_GO_MEM_ERRS dc_errors(DC_BUNDLE_GO_MEM)
#define BUNDLE_WAIT_ERRS dc_errors(DC_BUNDLE_WAIT)
#define YIELD_ERRS dc_errors(DC_YIELD)
#define HOWN_ERRS dc_errors(DC_HOWN)
#define FDIN_ERRS dc_errors(DC_FDIN)
#define FDOUT_ERRS dc_errors(DC_FDOUT)

/* The stack a go_mem/bundle_go_mem test gives its coroutine: room for any
 * test coroutine (and for ASan's larger frames), in guarded storage, so
 * that a write past its end faults and one before it fails the test. */
#define DS_STACK_BYTES (64 * 1024)
void *ds_stack(size_t bytes);

/* go(expr), or go_mem(expr, ...) on a fresh guarded stack; the same for
 * bundle_go into bundle `b`.  `expr` must be a coroutine call whose
 * arguments are no function calls (go(3)). */
#define ds_go(mem, expr) \
    ((mem) ? go_mem(expr, ds_stack(DS_STACK_BYTES), DS_STACK_BYTES) : go(expr))
#define ds_bundle_go(mem, b, expr) \
    ((mem) ? bundle_go_mem(b, expr, ds_stack(DS_STACK_BYTES), DS_STACK_BYTES) \
           : bundle_go(b, expr))
/* bundle(), or bundle_mem() in fresh guarded storage. */
int ds_bundle(bool mem);

/* The errno a coroutine's call left, for DS_EXPECT_ERR after it ended. */
struct ds_result {
    int rc, err;
    bool returned;
};
#define DS_RESULT(r, call) do { \
    (r)->returned = false; \
    (r)->rc = (call); \
    (r)->err = errno; \
    (r)->returned = true; \
} while(0)

/* A coroutine that sleeps until it is canceled (its msleep(-1) then fails,
 * which it counts in *canceled, and it ends). */
coroutine void ds_sleeper(int *canceled);
/* A coroutine that sleeps `ms` and then sets *done. */
coroutine void ds_nap(int ms, bool *done);

/* Coroutines that keep the scheduler busy until *stop is set (or 3 s
 * passed, so that a target whose timers never fire shows as late, not as
 * a hung test): looping on yield(); bouncing a byte over their own
 * connection (start one on each end, `first` on one of them); sleeping
 * 1 ms at a time. */
coroutine void ds_busy_yield(bool *stop);
coroutine void ds_busy_bounce(int s, bool first, bool *stop);
coroutine void ds_busy_sleep(bool *stop);

/* File descriptors: a non-blocking pipe; the same with its write end full
 * (every further write says EAGAIN); fdclean() and close() of both ends. */
void ds_pipe(int p[2]);
void ds_full_pipe(int p[2]);
void ds_pipe_close(int p[2]);
/* Empties the pipe's read end, so that its write end has room again. */
void ds_pipe_drain(int rd);

/* go(3), bundle_go(3): "The coroutine gets a 1MB stack.  The stack is
 * guarded by a non-writeable memory page."  The coroutine ds_probe_stack
 * looks at the pages below its own frame (without touching them): how many
 * bytes below are writable, where the first page it cannot write is, and
 * whether that page is mapped (a guard) or a hole. */
struct ds_stack_probe {
    uintptr_t frame;            /* the probing coroutine's own frame */
    size_t writable, guard;
    bool guard_mapped;
};
coroutine void ds_probe_stack(struct ds_stack_probe *p);
void ds_expect_stack_1MB(const struct ds_stack_probe *p);
void ds_expect_stack_guarded(const struct ds_stack_probe *p);

/* Mappings of the process (lines of /proc/self/maps). */
int ds_mappings(void);

/* Whether the page holding `p` can be written (it is not touched: the
 * kernel is asked to copy its byte onto itself), and whether it is mapped
 * at all (with any protection). */
bool ds_page_writable(const void *p);
bool ds_page_mapped(const void *p);

/******************************************************************************/
/*  The blocking calls of the core (waits.c)                                  */
/******************************************************************************/

/* One blocking call and what decides its outcome.  `st` is the case's own
 * state: an fd pair, a bundle. */
struct ds_wait {
    enum dc_fn fn;                            /* its page (for the ERRORS table) */
    void (*make)(int st[2]);                  /* the call would block now */
    int (*call)(int st[2], int64_t deadline);
    void (*release)(int st[2]);               /* the call may succeed now */
    void (*drop)(int st[2]);                  /* undo make */
};
extern const struct ds_wait ds_wait_fdin, ds_wait_fdout, ds_wait_bundle;

void ds_check_wait_deadline_0(const struct ds_wait *w);
void ds_check_wait_deadline_0_ready(const struct ds_wait *w);
void ds_check_wait_deadline_timed(const struct ds_wait *w);
void ds_check_wait_deadline_past(const struct ds_wait *w);
void ds_check_wait_deadline_infinite(const struct ds_wait *w);
void ds_check_wait_ready(const struct ds_wait *w);
void ds_check_wait_ecanceled_blocked(const struct ds_wait *w);
void ds_check_wait_ecanceled_after(const struct ds_wait *w);
/* After a timeout nothing of the wait is left: the call works again. */
void ds_check_wait_after_timeout(const struct ds_wait *w);
/* While another coroutine loops on yield(), the call still sees its event
 * within DS_LATE_MS. */
void ds_check_wait_while_others_yield(const struct ds_wait *w);

/* go(3): "When the coroutine is canceled all the blocking calls within the
 * coroutine will start failing with ECANCELED": `call` made three times in
 * a canceled coroutine fails so each time, at once.  `call` gets a fresh
 * object `make` made. */
typedef int (*ds_core_call)(int st[2]);
void ds_check_canceled_repeatedly(ds_core_call call, void (*make)(int st[2]),
    void (*drop)(int st[2]), const int *errs);

#endif
