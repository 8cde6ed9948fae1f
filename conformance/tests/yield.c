/* yield(3): "By calling this function, you give other coroutines a chance
 * to run." */
#include "core.h"

static int turns[3];
static bool stop;

static coroutine void take_turns(int i) {
    while(!stop) {
        turns[i]++;
        if(yield() != 0)
            return;
    }
}

DS_TEST(yield, others_run,
    "returns 0, and a coroutine that was ready has run meanwhile") {
    stop = false;
    turns[0] = 0;
    int cr = go(take_turns(0));
    DS_SETUP(cr >= 0);
    int before = turns[0];
    DS_EXPECT_RC(yield(), 0);
    cr_assert(turns[0] > before, "FAIL: yield returned without the ready coroutine "
        "having run");
    stop = true;
    DS_SETUP(hclose(cr) == 0);
}

/* ref/README reading 24: every coroutine ready when yield was called runs
 * once before the caller runs again.  Three coroutines take turns with
 * the caller: after 100 of its yields each had 100 turns, give or take one. */
DS_TEST(yield, every_ready_coroutine_runs,
    "each of three ready coroutines runs once per yield of the caller: none is starved, none runs twice ahead (reading 24)") {
    stop = false;
    int cr[3];
    for(int i = 0; i < 3; i++) {
        turns[i] = 0;
        cr[i] = go(take_turns(i));
        DS_SETUP(cr[i] >= 0);
    }
    int base[3] = {turns[0], turns[1], turns[2]};
    for(int n = 0; n < 100; n++)
        DS_SETUP(yield() == 0);
    stop = true;
    for(int i = 0; i < 3; i++)
        DS_SETUP(hclose(cr[i]) == 0);
    for(int i = 0; i < 3; i++) {
        int got = turns[i] - base[i];
        cr_assert(got >= 99 && got <= 101, "FAIL: coroutine %d of 3 had %d turns "
            "during 100 yields of the caller, expected 100", i + 1, got);
    }
}

static struct ds_result yielded;

static coroutine void yield_after_cancel(void) {
    msleep(-1);
    DS_RESULT(&yielded, yield());
}

DS_TEST(yield, ECANCELED_after,
    "called in a coroutine already canceled: ECANCELED") {
    int cr = go(yield_after_cancel());
    DS_SETUP(cr >= 0);
    DS_SETUP(hclose(cr) == 0);
    errno = yielded.err;
    DS_EXPECT_ERR(yielded.rc, ECANCELED, YIELD_ERRS);
}

/* Canceled while it yields (its turn had not come back yet). */
static coroutine void keep_yielding(void) {
    int rc;
    do {
        DS_RESULT(&yielded, rc = yield());
    } while(rc == 0);
}

DS_TEST(yield, ECANCELED_while_yielding,
    "a coroutine canceled while it loops on yield: its next yield fails with ECANCELED, and it ends") {
    yielded.rc = 0;
    int cr = go(keep_yielding());
    DS_SETUP(cr >= 0);
    DS_SETUP(yield() == 0 && yield() == 0);
    int64_t t0 = ds_ms();
    DS_SETUP(hclose(cr) == 0);
    DS_EXPECT_FAST(t0);
    errno = yielded.err;
    DS_EXPECT_ERR(yielded.rc, ECANCELED, YIELD_ERRS);
}
