/* The scheduler's view of a coroutine, and the few operations every blocking
 * call is built from.  See sched.c for the rules they follow. */
#ifndef DILL_RUNTIME_H
#define DILL_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "list.h"

struct dill_bundle;

/* dill_stack_place() (stack.c) sets every field: a new one goes there too. */
struct dill_cr {
    struct dill_ctx ctx;        /* where to resume it; must stay first */
    struct dill_list ready;     /* link in the ready queue */
    struct dill_list member;    /* link in its bundle's list of coroutines */
    struct dill_bundle *bundle; /* NULL for the main coroutine or an orphan */
    struct dill_list timer;     /* link in the timer list while it waits */
    struct dill_list waiting;   /* link in a bundle's waiters while it waits */
    struct dill_cr *fd_next;    /* next waiter on the same fd and direction */
    int64_t expiry;             /* when that timer fires */
    int result;                 /* why it was woken: 0, ETIMEDOUT, ECANCELED */
    bool blocked;               /* in dill_block(), waiting for dill_wake() */
    bool canceled;              /* its bundle was closed */
    bool cancelable;            /* while blocked: may cancellation wake it? */
    /* Its stack: [stack, stack + stack_size), `mapped` if ref owns it. */
    void *stack;
    size_t stack_size;
    bool mapped;
    void *asan_fake_stack;      /* AddressSanitizer's per-fiber bookkeeping */
    unsigned valgrind_id;       /* the stack as valgrind knows it */
};

/* The coroutine running now (the main one until the first go()). */
struct dill_cr *dill_self(void);

/* 0, or -1 with errno ECANCELED when the running coroutine was canceled:
 * go(3) "all the blocking calls within the coroutine will start failing with
 * ECANCELED". Every function whose ERRORS table lists ECANCELED calls it. */
int dill_check_canceled(void);

/* True when `deadline` is 0 or already past, i.e. the caller must not block:
 * "0 means immediate timeout, i.e., perform the operation if possible or
 * return without blocking if not". -1 never expires. */
bool dill_deadline_immediate(int64_t deadline);

/* Suspends the running coroutine until dill_wake(), the deadline or, when
 * `cancelable`, cancellation.  The caller registers itself wherever its event
 * will be noticed first, and unregisters after.  Returns 0, or -1 with errno
 * ETIMEDOUT or ECANCELED. */
int dill_block(int64_t deadline, bool cancelable);

/* Makes a blocked coroutine runnable; dill_block() returns `result` in it
 * (0 for success, an errno otherwise).  No effect on one not blocked. */
void dill_wake(struct dill_cr *cr, int result);

/* Marks the coroutine canceled and wakes it with ECANCELED.  One that was
 * already woken but has not run yet gets ECANCELED too (reading 17). */
void dill_cancel(struct dill_cr *cr);

/* For a coroutine inside dill_block(), blocked or woken but not yet
 * resumed: makes that dill_block() return EBADF, because the object it
 * waits on is being closed (reading 14).  EBADF wins over every other
 * result, ECANCELED included. */
void dill_evict(struct dill_cr *cr);

/* Puts the running coroutine at the end of the ready queue and runs others:
 * 0, or -1 with errno ECANCELED (and no switch) when it was canceled. */
int dill_reschedule(void);

/* go() support, in sched.c: starts `cr` (already set up) in place of the
 * running coroutine, which becomes ready; returns where to save the caller. */
struct dill_ctx *dill_start(struct dill_cr *cr);
/* Ends the running coroutine for good. */
__attribute__((noreturn)) void dill_exit(void);

/* How the scheduler waits while no coroutine is ready: one round of at
 * most timeout_ms (-1: no limit), ended by an event that wakes someone, or
 * by the time, after which the scheduler fires the timers due.  Until the
 * thread's poller hands in its round (poller.c, once it watches an fd), a
 * round is a plain sleep: only a timer can end it.  So the scheduler
 * names no module above it. */
void dill_sched_wait_with(void (*round)(int timeout_ms));

#endif
