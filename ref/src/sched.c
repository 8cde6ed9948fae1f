/* The scheduler: which coroutine runs, how one blocks and is woken, timers.
 *
 * One scheduler per thread (all of its state is thread-local), cooperative:
 * a coroutine runs until it blocks, yields or ends.  When nothing is ready
 * the scheduler sleeps in the poller until the earliest timer. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <unistd.h>

#include "libdill.h"
#include "runtime.h"
#include "stack.h"

#if defined(__SANITIZE_ADDRESS__)
#define DILL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DILL_ASAN 1
#endif
#endif
#if defined(DILL_ASAN)
#include <sanitizer/common_interface_defs.h>
#define dill_asan_on() true
#else
/* A program built with AddressSanitizer may use a ref built without it
 * (an installed libdill): the runtime's fiber calls are then found at run
 * time, and are NULL in a program without ASan. */
void __sanitizer_start_switch_fiber(void **fake, const void *bottom,
    size_t size) __attribute__((weak));
void __sanitizer_finish_switch_fiber(void *fake, const void **bottom,
    size_t *size) __attribute__((weak));
#define dill_asan_on() (__sanitizer_start_switch_fiber != NULL)
#endif

struct dill_sched {
    struct dill_cr main;        /* the thread's original stack */
    struct dill_cr *current;
    struct dill_cr *from;       /* the coroutine the last switch left */
    struct dill_cr *finished;   /* ended; its stack awaits release */
    struct dill_list ready;     /* runnable coroutines, FIFO */
    struct dill_list timers;    /* blocked coroutines with a deadline, by expiry */
    unsigned busy_switches;     /* switches since the poller and timers were
                                   last looked at */
    void (*wait_round)(int timeout_ms);   /* see dill_sched_wait_with() */
};

static _Thread_local struct dill_sched sched;

/* The wait of a thread whose poller watches no fd yet: nothing but a timer
 * can end it.  A round that may not sleep has nothing to look at. */
static void dill_sleep_round(int timeout_ms) {
    if(timeout_ms > 0)
        poll(NULL, 0, timeout_ms);
    else if(timeout_ms < 0)
        pause();
}

/* Once per thread; out of line, so that the compiler does not prepare its
 * work on every switch. */
static __attribute__((noinline, cold)) struct dill_sched *dill_sched_init(void) {
    dill_list_init(&sched.ready);
    dill_list_init(&sched.timers);
    dill_list_init(&sched.main.ready);
    dill_list_init(&sched.main.member);
    dill_list_init(&sched.main.timer);
    dill_list_init(&sched.main.waiting);
    sched.current = &sched.main;
    sched.wait_round = dill_sleep_round;
    return &sched;
}

static inline struct dill_sched *dill_sched(void) {
    if(__builtin_expect(!sched.current, 0))
        return dill_sched_init();
    return &sched;
}

void dill_sched_wait_with(void (*round)(int timeout_ms)) {
    dill_sched()->wait_round = round;
}

struct dill_cr *dill_self(void) {
    return dill_sched()->current;
}

/* ref/README reading 2 */
/* every later call of a canceled coroutine, not only the first: */
/* spine: go/ECANCELED/repeated */
/* spine: go/ECANCELED/every-later-call */
/* spine: bundle_go/ECANCELED/repeated */
int dill_check_canceled(void) {
    if(dill_self()->canceled) {
        errno = ECANCELED;
        return -1;
    }
    return 0;
}

/* ref/README reading 1 */
/* spine: brecv/ETIMEDOUT/past-deadline */
/* spine: brecvl/ETIMEDOUT/past-deadline */
/* spine: bsend/ETIMEDOUT/past-deadline */
/* spine: bsendl/ETIMEDOUT/past-deadline */
/* spine: ipc_accept/ETIMEDOUT/past-deadline */
/* spine: ipc_accept_mem/ETIMEDOUT/past-deadline */
bool dill_deadline_immediate(int64_t deadline) {
    return deadline != -1 && deadline <= dill_now();
}

/******************************************************************************/
/*  Switching stacks, told to AddressSanitizer as fiber switches              */
/******************************************************************************/

/* `fake` is NULL when the coroutine we leave will never run again. */
static inline void dill_asan_leave(void **fake, struct dill_cr *to) {
    if(dill_asan_on())
        __sanitizer_start_switch_fiber(fake, to->stack, to->stack_size);
}

static inline void dill_asan_arrive(struct dill_sched *s) {
    if(!dill_asan_on())
        return;
    const void *bottom;
    size_t size;
    __sanitizer_finish_switch_fiber(s->current->asan_fake_stack, &bottom, &size);
    /* The main stack's bounds are learned the first time we leave it. */
    if(s->from == &s->main && !s->main.stack) {
        s->main.stack = (void *)bottom;
        s->main.stack_size = size;
    }
}

/* Runs on the destination's stack right after every switch.  Every context
 * resumes through here, the thread's own stack included, so an ended
 * coroutine's stack is never still waiting when its thread exits. */
static inline void dill_arrived(void) {
    struct dill_sched *s = dill_sched();
    dill_asan_arrive(s);
    /* A coroutine cannot free the stack it runs on; its successor does. */
    if(s->finished && s->finished != s->current) {
        dill_stack_release(s->finished);
        s->finished = NULL;
    }
}

void dill_go_started(void) { dill_arrived(); }
void dill_go_resumed(void) { dill_arrived(); }

static inline void dill_switch_to(struct dill_sched *s, struct dill_cr *next) {
    struct dill_cr *self = s->current;
    if(next == self)
        return;
    s->from = self;
    s->current = next;
    dill_asan_leave(&self->asan_fake_stack, next);
    dill_ctx_switch(&self->ctx, &next->ctx);
    dill_arrived();
}

/******************************************************************************/
/*  Timers                                                                    */
/******************************************************************************/

/* Timers fire in the order of their deadlines, equal ones in the order they
 * were set (ref/README reading 25).  The list is searched from its end: a
 * new deadline is most often the latest (now() + the same timeout), so
 * thousands of coroutines sleeping at once cost no more than a few. */
/* spine: msleep/deadline-order */
/* spine: go/many-at-once */
static void dill_timer_add(struct dill_sched *s, struct dill_cr *cr,
      int64_t expiry) {
    cr->expiry = expiry;
    struct dill_list *it = s->timers.prev;
    while(it != &s->timers &&
          dill_cont(it, struct dill_cr, timer)->expiry > expiry)
        it = it->prev;
    dill_list_insert(&cr->timer, it->next);
}

/* Milliseconds until the earliest timer, or -1 when there is none. */
static int dill_timer_timeout(struct dill_sched *s) {
    if(dill_list_empty(&s->timers))
        return -1;
    int64_t left = dill_cont(s->timers.next, struct dill_cr, timer)->expiry -
        dill_now();
    if(left < 0)
        return 0;
    return left > INT_MAX ? INT_MAX : (int)left;
}

/* A timed deadline expires neither early (we compare against now()) nor
 * much late (the poller sleeps exactly until the earliest expiry). */
static void dill_timer_fire(struct dill_sched *s) {
    if(dill_list_empty(&s->timers))
        return;
    int64_t t = dill_now();
    while(!dill_list_empty(&s->timers)) {
        struct dill_cr *cr = dill_cont(s->timers.next, struct dill_cr, timer);
        if(cr->expiry > t)
            break;
        dill_list_erase(&cr->timer);
        dill_wake(cr, ETIMEDOUT);
    }
}

/******************************************************************************/
/*  Choosing what runs                                                        */
/******************************************************************************/

/* While coroutines keep each other busy (yielding, say), the poller and the
 * timers are still looked at every this many switches, so that they cannot
 * starve I/O and deadlines elsewhere.  The poller skips that look when no
 * coroutine waits for an fd, so a busy program without I/O makes no
 * syscall for it. */
#define DILL_BUSY_SWITCHES 64

/* Sleeps in the poller while nothing is ready; else has a look at it and
 * the timers without sleeping. */
static __attribute__((noinline)) void dill_next_poll(struct dill_sched *s) {
    if(dill_list_empty(&s->ready)) {
        do {
            s->wait_round(dill_timer_timeout(s));
            dill_timer_fire(s);
        } while(dill_list_empty(&s->ready));
    } else {
        s->wait_round(0);
        dill_timer_fire(s);
    }
    s->busy_switches = 0;
}

/* The next runnable coroutine; sleeps in the poller while there is none.
 * A deadline expires on time even while other coroutines keep the ready
 * queue full (DILL_BUSY_SWITCHES). */
/* spine: brecv/ETIMEDOUT/while-others-transfer */
/* spine: brecv/ETIMEDOUT/while-others-yield */
/* spine: msleep/while-others-yield */
/* spine: msleep/while-others-transfer */
/* spine: msleep/while-others-sleep */
/* spine: bundle_wait/while-others-yield */
/* spine: fdin/while-others-yield */
/* spine: fdout/while-others-yield */
static inline struct dill_cr *dill_next(struct dill_sched *s) {
    if(__builtin_expect(dill_list_empty(&s->ready) ||
          ++s->busy_switches == DILL_BUSY_SWITCHES, 0))
        dill_next_poll(s);
    struct dill_cr *cr = dill_cont(s->ready.next, struct dill_cr, ready);
    dill_list_erase(&cr->ready);
    return cr;
}

void dill_wake(struct dill_cr *cr, int result) {
    if(!cr->blocked)
        return;
    cr->blocked = false;
    cr->result = result;
    dill_list_erase(&cr->timer);
    dill_list_insert(&cr->ready, &dill_sched()->ready);
}

/* spine: hclose/coroutine-handle */
void dill_cancel(struct dill_cr *cr) {
    cr->canceled = true;
    /* A coroutine already woken keeps its event (ref/README reading 17). */
    /* spine: brecv/ECANCELED/blocked */
    /* spine: brecvl/ECANCELED/blocked */
    /* spine: bsend/ECANCELED/blocked */
    /* spine: bsendl/ECANCELED/blocked */
    /* spine: ipc_accept/ECANCELED/blocked */
    /* spine: ipc_accept_mem/ECANCELED/blocked */
    /* spine: ipc_close/ECANCELED/blocked */
    /* spine: ipc_connect/ECANCELED/blocked */
    /* spine: ipc_connect_mem/ECANCELED/blocked */
    if(cr->cancelable)
        dill_wake(cr, ECANCELED);
}

void dill_evict(struct dill_cr *cr) {
    if(cr->blocked)
        dill_wake(cr, EBADF);
    else
        cr->result = EBADF;     /* woken, not yet resumed: overrides */
}

int dill_block(int64_t deadline, bool cancelable) {
    struct dill_sched *s = dill_sched();
    struct dill_cr *self = s->current;
    if(cancelable && self->canceled) {
        errno = ECANCELED;
        return -1;
    }
    /* spine: bundle_wait/ETIMEDOUT/deadline-0 */
    /* spine: bundle_wait/ETIMEDOUT/past-deadline */
    if(dill_deadline_immediate(deadline)) {
        errno = ETIMEDOUT;
        return -1;
    }
    /* spine: brecv/ETIMEDOUT/timed */
    /* spine: brecvl/ETIMEDOUT/timed */
    /* spine: bsend/ETIMEDOUT/timed */
    /* spine: bsendl/ETIMEDOUT/timed */
    /* spine: ipc_accept/ETIMEDOUT/timed */
    /* spine: ipc_accept_mem/ETIMEDOUT/timed */
    /* spine: ipc_recvfd/ETIMEDOUT/timed */
    /* spine: bundle_wait/ETIMEDOUT/timed */
    if(deadline != -1)
        dill_timer_add(s, self, deadline);
    self->blocked = true;
    self->cancelable = cancelable;
    dill_switch_to(s, dill_next(s));
    int result = self->result;
    /* Reading 17: a coroutine canceled after its event came but before it
     * ran again fails with ECANCELED, as go(3) says of "all the blocking
     * calls" once it is canceled.  Reading 14: EBADF wins over that, for
     * it tells the caller its object is gone and must not be touched. */
    /* spine: brecv/ECANCELED/same-step-as-event */
    /* spine: ipc_close/ECANCELED/same-step-as-event */
    if(cancelable && self->canceled && result != EBADF)
        result = ECANCELED;
    if(result) {
        errno = result;
        return -1;
    }
    return 0;
}

int dill_reschedule(void) {
    struct dill_sched *s = dill_sched();
    struct dill_cr *self = s->current;
    /* spine: yield/ECANCELED/after */
    /* spine: yield/ECANCELED/repeated */
    /* spine: yield/ECANCELED/while-yielding */
    if(self->canceled) {
        errno = ECANCELED;
        return -1;
    }
    /* spine: yield/others-run */
    /* spine: yield/every-ready-coroutine-runs */
    dill_list_insert(&self->ready, &s->ready);
    dill_switch_to(s, dill_next(s));
    return 0;
}

/******************************************************************************/
/*  Starting and ending coroutines                                            */
/******************************************************************************/

struct dill_ctx *dill_start(struct dill_cr *cr) {
    struct dill_sched *s = dill_sched();
    struct dill_cr *self = s->current;
    /* The new coroutine runs at once; its parent waits its turn. */
    /* spine: go/started-by-callers-yield */
    dill_list_insert(&self->ready, &s->ready);
    s->from = self;
    s->current = cr;
    dill_asan_leave(&self->asan_fake_stack, cr);
    return &self->ctx;
}

void dill_exit(void) {
    struct dill_sched *s = dill_sched();
    struct dill_cr *self = s->current;
    s->finished = self;
    struct dill_cr *next = dill_next(s);
    s->from = self;
    s->current = next;
    dill_asan_leave(NULL, next);
    dill_ctx_jump(&next->ctx);
}
