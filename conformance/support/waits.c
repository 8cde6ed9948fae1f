/* The core's blocking calls, bundle_wait(3), fdin(3) and fdout(3), each
 * in every deadline mode, cancelled, and after a timeout (see core.h).  The
 * pages word the deadline alike: "0 means immediate timeout, i.e., perform
 * the operation if possible or return without blocking if not.  -1 means
 * no deadline, i.e., the call will block forever if the operation cannot
 * be performed." */
#include <unistd.h>

#include "core.h"

/******************************************************************************/
/*  The cases                                                                 */
/******************************************************************************/

/* fdin: a pipe with nothing in it; a byte makes its read end readable. */
static int fdin_call(int p[2], int64_t deadline) {
    return fdin(p[0], deadline);
}

static void fdin_release(int p[2]) {
    DS_SETUP(write(p[1], "x", 1) == 1);
}

const struct ds_wait ds_wait_fdin = {DC_FDIN, ds_pipe, fdin_call,
    fdin_release, ds_pipe_close};

/* fdout: a pipe whose buffer is full; reading it all makes room. */
static int fdout_call(int p[2], int64_t deadline) {
    return fdout(p[1], deadline);
}

static void fdout_release(int p[2]) {
    ds_pipe_drain(p[0]);
}

const struct ds_wait ds_wait_fdout = {DC_FDOUT, ds_full_pipe,
    fdout_call, fdout_release, ds_pipe_close};

/* bundle_wait: a bundle whose one coroutine runs until released.  It
 * sleeps in short steps rather than on an fd, so that the checks of
 * bundle_wait lean on msleep alone. */
static bool bundle_released;

static coroutine void until_released(void) {
    while(!bundle_released && msleep(now() + 5) == 0)
        ;
}

static void bundle_make(int st[2]) {
    bundle_released = false;
    st[0] = bundle();
    DS_SETUP(st[0] >= 0);
    DS_SETUP(bundle_go(st[0], until_released()) == 0);
}

static int bundle_call(int st[2], int64_t deadline) {
    return bundle_wait(st[0], deadline);
}

static void bundle_release(int st[2]) {
    (void)st;
    bundle_released = true;
}

static void bundle_drop(int st[2]) {
    DS_SETUP(hclose(st[0]) == 0);
}

const struct ds_wait ds_wait_bundle = {DC_BUNDLE_WAIT, bundle_make,
    bundle_call, bundle_release, bundle_drop};

/******************************************************************************/
/*  Deadlines                                                                 */
/******************************************************************************/

void ds_check_wait_deadline_0(const struct ds_wait *w) {
    int st[2];
    w->make(st);
    int64_t t0 = ds_ms();
    DS_EXPECT_ERR(w->call(st, 0), ETIMEDOUT, dc_errors(w->fn));
    DS_EXPECT_FAST(t0);
    w->drop(st);
}

/* "perform the operation if possible": deadline 0 still succeeds. */
void ds_check_wait_deadline_0_ready(const struct ds_wait *w) {
    int st[2];
    w->make(st);
    w->release(st);
    DS_SETUP(msleep(now() + 20) == 0);     /* a released bundle empties */
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(w->call(st, 0), 0);
    DS_EXPECT_FAST(t0);
    w->drop(st);
}

void ds_check_wait_deadline_past(const struct ds_wait *w) {
    int st[2];
    w->make(st);
    int64_t t0 = ds_ms();
    DS_EXPECT_ERR(w->call(st, now() - 1000), ETIMEDOUT, dc_errors(w->fn));
    DS_EXPECT_FAST(t0);
    w->drop(st);
}

void ds_check_wait_deadline_timed(const struct ds_wait *w) {
    int st[2];
    w->make(st);
    int64_t t0 = ds_ms(), dl = now() + 100;
    DS_EXPECT_ERR(w->call(st, dl), ETIMEDOUT, dc_errors(w->fn));
    DS_EXPECT_EXPIRY(t0, dl, 100);
    w->drop(st);
}

static coroutine void release_later(const struct ds_wait *w, int *st, int ms) {
    if(msleep(now() + ms) == 0) {
        ds_event_happens();
        w->release(st);
    }
}

/* -1 blocks until the event and not less; the event ends it within
 * DS_LATE_MS. */
void ds_check_wait_deadline_infinite(const struct ds_wait *w) {
    int st[2];
    w->make(st);
    ds_event_reset();
    int cr = go(release_later(w, st, 100));
    DS_SETUP(cr >= 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(w->call(st, -1), 0);
    int64_t el = ds_ms() - t0;
    DS_EXPECT_AFTER_EVENT(t0, "its event at 100 ms");
    cr_assert(el <= 100 + DS_LATE_MS,
        "FAIL: returned %lld ms after its event at 100 ms (late)", (long long)(el - 100));
    DS_SETUP(hclose(cr) == 0);
    w->drop(st);
}

/* A call whose event already came returns 0 at once, whatever the deadline. */
void ds_check_wait_ready(const struct ds_wait *w) {
    int st[2];
    w->make(st);
    w->release(st);
    DS_SETUP(msleep(now() + 20) == 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(w->call(st, -1), 0);
    DS_EXPECT_FAST(t0);
    w->drop(st);
}

/******************************************************************************/
/*  Cancellation and what a timeout leaves                                    */
/******************************************************************************/

static struct ds_result waited;

static coroutine void call_blocked(const struct ds_wait *w, int *st) {
    DS_RESULT(&waited, w->call(st, -1));
}

/* Closing the coroutine `cr` returns at once, and its call failed with
 * ECANCELED. */
static void close_and_expect_ecanceled(const struct ds_wait *w, int cr) {
    int64_t t0 = ds_ms();
    DS_SETUP(hclose(cr) == 0);
    DS_EXPECT_FAST(t0);
    errno = waited.err;
    DS_EXPECT_ERR(waited.rc, ECANCELED, dc_errors(w->fn));
}

/* Blocked in the call when its coroutine is closed: ECANCELED, at once. */
void ds_check_wait_ecanceled_blocked(const struct ds_wait *w) {
    int st[2];
    w->make(st);
    int cr = go(call_blocked(w, st));
    DS_SETUP(cr >= 0);
    DS_SETUP(msleep(now() + 20) == 0);
    cr_assert(!waited.returned, "FAIL: the call returned %d (errno %s) before its "
        "coroutine was canceled", waited.rc, ds_errname(waited.err));
    close_and_expect_ecanceled(w, cr);
    w->drop(st);
}

static coroutine void call_after_cancel(const struct ds_wait *w, int *st) {
    msleep(-1);
    DS_RESULT(&waited, w->call(st, now() + 1000));
}

/* Called in a coroutine already canceled: ECANCELED without blocking. */
void ds_check_wait_ecanceled_after(const struct ds_wait *w) {
    int st[2];
    w->make(st);
    int cr = go(call_after_cancel(w, st));
    DS_SETUP(cr >= 0);
    close_and_expect_ecanceled(w, cr);
    w->drop(st);
}

static coroutine void call_timed(const struct ds_wait *w, int *st) {
    DS_RESULT(&waited, w->call(st, now() + 50));
}

/* A timed-out wait leaves nothing behind: another coroutine may wait on
 * the same object at once (no EBUSY), the event ends that wait within
 * DS_LATE_MS, and the scheduler goes on sleeping (msleep) as usual. */
void ds_check_wait_after_timeout(const struct ds_wait *w) {
    int st[2];
    w->make(st);
    int cr = go(call_timed(w, st));
    DS_SETUP(cr >= 0);
    DS_SETUP(bundle_wait(cr, now() + 2000) == 0 && hclose(cr) == 0);
    errno = waited.err;
    DS_EXPECT_ERR(waited.rc, ETIMEDOUT, dc_errors(w->fn));
    cr = go(release_later(w, st, 50));
    DS_SETUP(cr >= 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(w->call(st, now() + 1000), 0);
    cr_assert(ds_ms() - t0 <= 50 + DS_LATE_MS, "FAIL: the wait after a timeout "
        "saw its event %lld ms late", (long long)(ds_ms() - t0 - 50));
    DS_SETUP(hclose(cr) == 0);
    t0 = ds_ms();
    int64_t dl = now() + 50;
    DS_EXPECT_RC(msleep(dl), 0);
    DS_EXPECT_EXPIRY(t0, dl, 50);
    w->drop(st);
}

static bool stop_yielding;

static coroutine void yield_and_release(const struct ds_wait *w, int *st) {
    int64_t end = ds_ms() + 3000;
    w->release(st);
    while(!stop_yielding && ds_ms() < end && yield() == 0)
        ;
}

/* One round: how long, while another coroutine loops on yield(), the call
 * takes to see the event that coroutine made at once. */
static int64_t late_while_yielding(const struct ds_wait *w) {
    int st[2];
    w->make(st);
    stop_yielding = false;
    int cr = go(call_blocked(w, st));
    DS_SETUP(cr >= 0);
    DS_SETUP(msleep(now() + 20) == 0);
    int busy = go(yield_and_release(w, st));
    DS_SETUP(busy >= 0);
    int64_t t0 = ds_ms();
    while(!waited.returned && ds_ms() - t0 < 2000)
        DS_SETUP(yield() == 0);
    int64_t el = ds_ms() - t0;
    stop_yielding = true;
    DS_SETUP(hclose(busy) == 0 && hclose(cr) == 0);
    cr_assert(waited.returned, "FAIL: the waiting call saw no event within 2000 ms "
        "while other coroutines yielded");
    errno = waited.err;
    DS_EXPECT_RC(waited.rc, 0);
    w->drop(st);
    return el;
}

/* Two rounds: a scheduler that looks at its fds and timers only now and
 * then (once a second, say) may meet one event just in time, when the
 * test was held up by a loaded machine at the wrong moment, not two. */
void ds_check_wait_while_others_yield(const struct ds_wait *w) {
    for(int round = 1; round <= 2; round++) {
        int64_t el = late_while_yielding(w);
        cr_assert(el <= DS_LATE_MS, "FAIL: the waiting call saw its event %lld ms "
            "late while other coroutines yielded (round %d of 2)", (long long)el,
            round);
    }
}

/******************************************************************************/
/*  Cancellation seen by every later call                                     */
/******************************************************************************/

static struct ds_result repeated[3];
static bool repeated_ended;

static coroutine void call_three_times(ds_core_call call, int *st) {
    msleep(-1);
    for(int i = 0; i < 3; i++)
        DS_RESULT(&repeated[i], call(st));
    repeated_ended = true;
}

void ds_check_canceled_repeatedly(ds_core_call call, void (*make)(int st[2]),
      void (*drop)(int st[2]), const int *errs) {
    int st[2] = {-1, -1};
    if(make)
        make(st);
    repeated_ended = false;
    int cr = go(call_three_times(call, st));
    DS_SETUP(cr >= 0);
    DS_SETUP(yield() == 0);
    int64_t t0 = ds_ms();
    DS_SETUP(hclose(cr) == 0);
    int64_t el = ds_ms() - t0;
    cr_assert(repeated_ended, "FAIL: the canceled coroutine had not ended when "
        "hclose returned");
    for(int i = 0; i < 3; i++) {
        cr_assert(repeated[i].rc == -1 && repeated[i].err == ECANCELED,
            "%s: call %d of 3 after the cancellation returned %d (errno %s), "
            "expected -1 with ECANCELED", repeated[i].rc == -1 ?
            ds_errno_verdict(repeated[i].err, errs) : "FAIL", i + 1,
            repeated[i].rc, ds_errname(repeated[i].err));
    }
    cr_assert(el < DS_FAST_MS, "FAIL: the canceled coroutine's three calls took "
        "%lld ms: they blocked", (long long)el);
    if(drop)
        drop(st);
}
