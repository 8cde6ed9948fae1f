/* now(3). */
#include "support.h"

DS_TEST(now, never_special_values, "now() never returns 0 or -1") {
    for(int i = 0; i < 10000; i++) {
        int64_t t = now();
        cr_assert(t != 0 && t != -1, "FAIL: now() returned %lld", (long long)t);
    }
}

DS_TEST(now, monotonic, "now() never goes back") {
    int64_t last = now();
    for(int i = 0; i < 100000; i++) {
        int64_t t = now();
        cr_assert(t >= last, "FAIL: now() went back from %lld to %lld",
            (long long)last, (long long)t);
        last = t;
    }
}

/* Each now() is bracketed by the coarse clock read before it and the
 * precise one read after it (support.h): a now() may read either clock, or
 * a copy of one a moment old (libdill caches its reading for under a
 * millisecond).  So the least it can advance is from the precise clock's
 * first reading to the coarse clock's second, the most from the coarse
 * clock's first to the precise clock's second; 2 ms more for the
 * truncation of the readings to ms and the cached copy.  A preemption, or
 * a tick the loaded machine delays, widens the bounds with what the clocks
 * say instead of failing the test. */
DS_TEST(now, milliseconds, "now() counts milliseconds: 200 ms of a monotonic clock read as about 200") {
    int64_t c0 = ds_ms_coarse(), t0 = now(), m0 = ds_ms();
    while(ds_ms() - m0 < 200)
        ;
    int64_t c1 = ds_ms_coarse(), t1 = now(), m1 = ds_ms();
    int64_t d = t1 - t0, least = c1 - m0 - 2, most = m1 - c0 + 2;
    cr_assert(d >= least && d <= most,
        "FAIL: now() advanced %lld while the monotonic clock advanced %lld to %lld ms",
        (long long)d, (long long)least, (long long)most);
}

DS_TEST(now, deadline_arithmetic, "now() + 100 is a deadline 100 ms away (msleep)") {
    int64_t t0 = ds_ms(), dl = now() + 100;
    DS_EXPECT_RC(msleep(dl), 0);
    DS_EXPECT_EXPIRY(t0, dl, 100);
}
