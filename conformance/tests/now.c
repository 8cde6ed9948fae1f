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

/* Each now() is bracketed by two readings of the monotonic clock, so a
 * preemption between the readings (a loaded machine) widens the bounds
 * instead of failing the test. */
DS_TEST(now, milliseconds, "now() counts milliseconds: 200 ms of a monotonic clock read as about 200") {
    int64_t a0 = ds_ms(), t0 = now(), a1 = ds_ms();
    while(ds_ms() - a1 < 200)
        ;
    int64_t b0 = ds_ms(), t1 = now(), b1 = ds_ms();
    int64_t d = t1 - t0, least = b0 - a1, most = b1 - a0;
    cr_assert(d >= least - DS_EARLY_MS && d <= most + DS_EARLY_MS + 20,
        "FAIL: now() advanced %lld while the monotonic clock advanced %lld to %lld ms",
        (long long)d, (long long)least, (long long)most);
}

DS_TEST(now, deadline_arithmetic, "now() + 100 is a deadline 100 ms away (msleep)") {
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(msleep(now() + 100), 0);
    DS_EXPECT_EXPIRY(t0, 100);
}
