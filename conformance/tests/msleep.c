/* msleep(3): "This function blocks until the deadline expires or an error
 * occurs.  In the former case it returns zero." */
#include "core.h"

DS_TEST(msleep, deadline_0, "deadline 0: returns 0 without blocking") {
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(msleep(0), 0);
    DS_EXPECT_FAST(t0);
}

DS_TEST(msleep, past_deadline, "a deadline already past acts like 0: returns 0 without blocking") {
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(msleep(now() - 1000), 0);
    DS_EXPECT_FAST(t0);
}

DS_TEST(msleep, timed, "a timed deadline: returns 0 when it expires, neither early nor much late") {
    int64_t t0 = ds_ms(), dl = now() + 100;
    DS_EXPECT_RC(msleep(dl), 0);
    DS_EXPECT_EXPIRY(t0, dl, 100);
}

static struct ds_result slept;

static coroutine void sleep_until(int64_t deadline) {
    DS_RESULT(&slept, msleep(deadline));
}

DS_TEST(msleep, deadline_infinite_blocks,
    "deadline -1 blocks forever: still asleep after 200 ms, ended only by cancellation (ECANCELED)") {
    int cr = go(sleep_until(-1));
    DS_SETUP(cr >= 0);
    DS_SETUP(msleep(now() + 200) == 0);
    cr_assert(!slept.returned, "FAIL: msleep(-1) returned %d (errno %s) within 200 ms",
        slept.rc, ds_errname(slept.err));
    DS_SETUP(hclose(cr) == 0);
    errno = slept.err;
    DS_EXPECT_ERR(slept.rc, ECANCELED, MSLEEP_ERRS);
}

DS_TEST(msleep, ECANCELED_blocked,
    "asleep (deadline 10 s away) when its coroutine is closed: ECANCELED at once") {
    int cr = go(sleep_until(now() + 10000));
    DS_SETUP(cr >= 0);
    DS_SETUP(msleep(now() + 20) == 0);
    int64_t t0 = ds_ms();
    DS_SETUP(hclose(cr) == 0);
    DS_EXPECT_FAST(t0);
    errno = slept.err;
    DS_EXPECT_ERR(slept.rc, ECANCELED, MSLEEP_ERRS);
}

static coroutine void sleep_after_cancel(void) {
    msleep(-1);
    DS_RESULT(&slept, msleep(now() + 1000));
}

DS_TEST(msleep, ECANCELED_after,
    "called in a coroutine already canceled: ECANCELED without blocking") {
    int cr = go(sleep_after_cancel());
    DS_SETUP(cr >= 0);
    int64_t t0 = ds_ms();
    DS_SETUP(hclose(cr) == 0);
    DS_EXPECT_FAST(t0);
    errno = slept.err;
    DS_EXPECT_ERR(slept.rc, ECANCELED, MSLEEP_ERRS);
}
