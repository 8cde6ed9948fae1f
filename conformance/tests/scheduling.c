/* What the IPC calls' deadlines and cancellations stand on: timers that fire
 * in order and on time whatever the other coroutines do, coroutines that
 * get their turn, and many coroutines at once.  The ids belong to the pages
 * whose promise each test checks; where the pages are silent, the reading
 * of ref/README a test follows is named in its clause. */
#include <unistd.h>

#include "core.h"

/* ref/README reading 25: a timer never fires before one whose deadline is
 * earlier.  Eight coroutines set deadlines 10 ms apart in a scrambled
 * order; they must wake in the order of the deadlines, none early (by
 * now(), support.h says why), none much late (by the monotonic clock). */
#define DS_TIMERS 8

static int woke[DS_TIMERS], nwoke;
static int64_t woke_early[DS_TIMERS], woke_late[DS_TIMERS];

static coroutine void sleep_and_note(int i, int64_t deadline, int64_t due) {
    if(msleep(deadline) != 0)
        return;
    woke_early[i] = deadline - now();
    woke_late[i] = ds_ms() - due;
    woke[nwoke++] = i;
}

DS_TEST(msleep, deadline_order,
    "timers of eight coroutines, set 10 ms apart in a scrambled order, fire in deadline order, none early, none over 250 ms late (reading 25)") {
    static const int slot[DS_TIMERS] = {7, 2, 5, 0, 6, 3, 1, 4};
    int h[DS_TIMERS];
    nwoke = 0;
    int64_t base = now() + 50, t0 = ds_ms() + 50;
    for(int i = 0; i < DS_TIMERS; i++) {
        h[i] = go(sleep_and_note(slot[i], base + 10 * slot[i], t0 + 10 * slot[i]));
        DS_SETUP(h[i] >= 0);
    }
    /* No timer of the test's own: a scheduler that takes timers out of
     * order would fire a deadline here first, and the row could not say
     * what went wrong.  Sleepers that never wake are the watchdog's. */
    for(int i = 0; i < DS_TIMERS; i++)
        DS_SETUP(bundle_wait(h[i], -1) == 0 && hclose(h[i]) == 0);
    cr_assert(nwoke == DS_TIMERS, "FAIL: %d of %d sleepers woke", nwoke, DS_TIMERS);
    for(int i = 0; i < DS_TIMERS; i++)
        cr_assert(woke[i] == i, "FAIL: wake-up %d was the timer due at +%d ms, "
            "expected +%d ms: a later deadline fired before an earlier one",
            i + 1, 10 * woke[i], 10 * i);
    for(int i = 0; i < DS_TIMERS; i++) {
        cr_assert(woke_early[i] <= 0, "FAIL: the timer due at +%d ms "
            "fired %lld ms early", 10 * i, (long long)woke_early[i]);
        cr_assert(woke_late[i] <= DS_LATE_MS, "FAIL: the timer due at +%d ms "
            "fired %lld ms late", 10 * i, (long long)woke_late[i]);
    }
}

/* msleep(3): "blocks until the deadline expires", neither early nor much
 * late, whatever the other coroutines do meanwhile (see concurrency.c for
 * the tolerance). */
static bool stop_busy;

/* One round: how long a 100 ms sleep takes while two other coroutines keep
 * the scheduler busy, and by how much now() fell short of its deadline when
 * it ended (*early). */
static int64_t sleep_while_busy_once(int kind, int64_t *early) {
    int t[2], cr[2];
    DS_SETUP(ipc_pair(t) == 0);
    stop_busy = false;
    for(int i = 0; i < 2; i++) {
        cr[i] = kind == 0 ? go(ds_busy_yield(&stop_busy))
              : kind == 1 ? go(ds_busy_bounce(t[i], i == 0, &stop_busy))
              : go(ds_busy_sleep(&stop_busy));
        DS_SETUP(cr[i] >= 0);
    }
    int64_t t0 = ds_ms(), dl = now() + 100;
    DS_EXPECT_RC(msleep(dl), 0);
    int64_t el = ds_ms() - t0;
    *early = dl - now();
    stop_busy = true;
    for(int i = 0; i < 2; i++)
        DS_SETUP(bundle_wait(cr[i], now() + 5000) == 0 && hclose(cr[i]) == 0);
    DS_SETUP(hclose(t[0]) == 0 && hclose(t[1]) == 0);
    return el;
}

/* Two rounds, as in waits.c: a scheduler that fires timers only now and
 * then may be on time once by the luck of a loaded machine, not twice. */
static void sleep_while_busy(int kind) {
    static const char *const doing[] = {"yielded", "transferred", "slept 1 ms at a time"};
    for(int round = 1; round <= 2; round++) {
        int64_t early, el = sleep_while_busy_once(kind, &early);
        cr_assert(early <= 0, "FAIL: a 100 ms sleep ended after %lld ms (early: now() "
            "%lld ms short of its deadline) while other coroutines %s", (long long)el,
            (long long)early, doing[kind]);
        cr_assert(el <= 100 + DS_LATE_MS, "FAIL: a 100 ms sleep ended after %lld ms "
            "(late) while other coroutines %s (round %d of 2)", (long long)el,
            doing[kind], round);
    }
}

DS_TEST(msleep, while_others_yield,
    "a 100 ms sleep ends on time while two other coroutines loop on yield()") {
    sleep_while_busy(0);
}

DS_TEST(msleep, while_others_transfer,
    "a 100 ms sleep ends on time while two other coroutines keep a connection busy") {
    sleep_while_busy(1);
}

DS_TEST(msleep, while_others_sleep,
    "a 100 ms sleep ends on time while two other coroutines sleep 1 ms at a time") {
    sleep_while_busy(2);
}

/* ref/README reading 24: a coroutine started by go() has run (up to its
 * first blocking call) by the time its caller's next yield returns. */
static bool started;

static coroutine void note_start(void) {
    started = true;
    msleep(-1);
}

DS_TEST(go, started_by_callers_yield,
    "a new coroutine has run by the time its caller's next yield() returns (reading 24)") {
    started = false;
    int h = go(note_start());
    DS_SETUP(h >= 0);
    DS_SETUP(yield() == 0);
    cr_assert(started, "FAIL: the coroutine had not run when its caller's yield returned");
    DS_SETUP(hclose(h) == 0);
}

/* libdill#130: progress stopped near 32,700 coroutines alive at once (two
 * memory mappings per guarded stack against Linux's 65,530; go() failing
 * unchecked).  A count this machine holds with room to spare: each
 * coroutine sleeps, then counts itself; all must have counted, every go()
 * must have succeeded or failed with ENOMEM, and once all are closed no fd
 * and no more than a cache's worth of mappings are left. */
#define DS_MANY 20000

static int completed;

static coroutine void sleep_then_count(int64_t deadline) {
    if(msleep(deadline) == 0)
        completed++;
}

DS_TEST(go, many_at_once,
    "20,000 coroutines alive at once, each sleeping 100 ms: all wake and end, go() fails with nothing but ENOMEM, and closing them leaves no fd and at most a cache of mappings") {
    static int h[DS_MANY];
    int maps0 = ds_mappings(), started = 0, refused = 0, err = 0;
    completed = 0;
    int64_t deadline = now() + 100;
    for(int i = 0; i < DS_MANY; i++) {
        h[i] = go(sleep_then_count(deadline));
        if(h[i] >= 0)
            started++;
        else if(!refused++)
            err = errno;
    }
    for(int i = 0; i < DS_MANY; i++)
        if(h[i] >= 0)
            DS_EXPECT_RC(bundle_wait(h[i], now() + 3000), 0);
    for(int i = 0; i < DS_MANY; i++)
        if(h[i] >= 0)
            DS_SETUP(hclose(h[i]) == 0);
    if(refused) {
        errno = err;
        DS_EXPECT_ERR(-1, ENOMEM, GO_ERRS);
    }
    cr_assert(completed == started, "FAIL: %d of %d coroutines woke from their "
        "sleep and ended", completed, started);
    cr_assert(started >= DS_MANY / 2, "FAIL: only %d of %d coroutines could be "
        "started (go failed with ENOMEM)", started, DS_MANY);
    int left = ds_mappings() - maps0;
    cr_assert(left <= 2 * 64 + 16, "FAIL: %d more memory mappings after all "
        "coroutines were closed than before they started", left);
}
