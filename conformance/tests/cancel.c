/* Cancellation is for good.  go(3): "When the coroutine is canceled all the
 * blocking calls within the coroutine will start failing with ECANCELED
 * error": not only the first.  A canceled coroutine makes each call three
 * times (core.h, ds_check_canceled_repeatedly), each time with a deadline
 * a second away and an object it would wait on. */
#include <unistd.h>

#include "core.h"

static int msleep_call(int st[2]) {
    (void)st;
    return msleep(now() + 1000);
}

DS_TEST(msleep, ECANCELED_repeated,
    "every msleep a canceled coroutine makes fails with ECANCELED at once, not only the first") {
    ds_check_canceled_repeatedly(msleep_call, NULL, NULL, MSLEEP_ERRS);
}

static int yield_call(int st[2]) {
    (void)st;
    return yield();
}

DS_TEST(yield, ECANCELED_repeated,
    "every yield a canceled coroutine makes fails with ECANCELED, not only the first") {
    ds_check_canceled_repeatedly(yield_call, NULL, NULL, YIELD_ERRS);
}

static int fdin_call(int p[2]) {
    return fdin(p[0], now() + 1000);
}

DS_TEST(fdin, ECANCELED_repeated,
    "every fdin a canceled coroutine makes on an fd that is not ready fails with ECANCELED at once") {
    ds_check_canceled_repeatedly(fdin_call, ds_pipe, ds_pipe_close, FDIN_ERRS);
}

static int fdout_call(int p[2]) {
    return fdout(p[1], now() + 1000);
}

DS_TEST(fdout, ECANCELED_repeated,
    "every fdout a canceled coroutine makes on an fd that is not ready fails with ECANCELED at once") {
    ds_check_canceled_repeatedly(fdout_call, ds_full_pipe, ds_pipe_close, FDOUT_ERRS);
}

static int canceled_in_bundle;

static void running_bundle(int st[2]) {
    canceled_in_bundle = 0;
    st[0] = bundle();
    DS_SETUP(st[0] >= 0 && bundle_go(st[0], ds_sleeper(&canceled_in_bundle)) == 0);
}

static void close_bundle(int st[2]) {
    DS_SETUP(hclose(st[0]) == 0);
    cr_assert(canceled_in_bundle == 1, "FAIL: the bundle's own coroutine was not "
        "running until the bundle was closed");
}

static int bundle_wait_call(int st[2]) {
    return bundle_wait(st[0], now() + 1000);
}

DS_TEST(bundle_wait, ECANCELED_repeated,
    "every bundle_wait a canceled coroutine makes on a busy bundle fails with ECANCELED at once; that bundle's coroutine runs on") {
    ds_check_canceled_repeatedly(bundle_wait_call, running_bundle, close_bundle,
        BUNDLE_WAIT_ERRS);
}

static int started;

static coroutine void count_start(void) {
    started++;
}

/* A launch that succeeds anyway leaves a handle to close, and counts. */
static int go_call(int st[2]) {
    (void)st;
    int h = go(count_start());
    if(h >= 0) {
        hclose(h);
        return 0;
    }
    return -1;
}

DS_TEST(go, ECANCELED_repeated,
    "every go() a canceled coroutine makes fails with ECANCELED, and starts nothing") {
    started = 0;
    ds_check_canceled_repeatedly(go_call, NULL, NULL, GO_ERRS);
    cr_assert(started == 0, "FAIL: %d coroutines started", started);
}

static int bundle_go_call(int st[2]) {
    return bundle_go(st[0], count_start());
}

static void empty_bundle(int st[2]) {
    st[0] = bundle();
    DS_SETUP(st[0] >= 0);
}

static void drop_bundle(int st[2]) {
    DS_SETUP(hclose(st[0]) == 0);
}

DS_TEST(bundle_go, ECANCELED_repeated,
    "every bundle_go a canceled coroutine makes fails with ECANCELED, and starts nothing") {
    started = 0;
    ds_check_canceled_repeatedly(bundle_go_call, empty_bundle, drop_bundle,
        BUNDLE_GO_ERRS);
    cr_assert(started == 0, "FAIL: %d coroutines started", started);
}

/* The blocking calls of every page in turn, twice over, in one canceled
 * coroutine: whichever comes after the first failure fails so too.  Each
 * transfer gets a connection of its own: a failed transfer leaves its
 * direction unusable (ECONNRESET from then on), which is not what is
 * checked here. */
struct objects {
    int pipe[2], full[2], bundle, listener;
    int conn[2][4][2];      /* by round, by transfer: a pair */
};

static const char *const names[] = {"msleep", "yield", "fdin", "fdout",
    "bundle_wait", "brecv", "bsend", "brecvl", "bsendl", "ipc_accept", NULL};

static int call_nth(int round, int i, struct objects *o) {
    char c;
    struct iolist iol = {&c, 1, NULL, 0};
    int *conn = i >= 5 && i <= 8 ? o->conn[round][i - 5] : NULL;
    switch(i) {
    case 0: return msleep(now() + 1000);
    case 1: return yield();
    case 2: return fdin(o->pipe[0], now() + 1000);
    case 3: return fdout(o->full[1], now() + 1000);
    case 4: return bundle_wait(o->bundle, now() + 1000);
    case 5: return brecv(conn[0], &c, 1, now() + 1000);
    case 6: return bsend(conn[0], ds_big, DS_BIG, now() + 1000);
    case 7: return brecvl(conn[0], &iol, &iol, now() + 1000);
    case 8: iol.iol_base = ds_big; iol.iol_len = DS_BIG;
            return bsendl(conn[0], &iol, &iol, now() + 1000);
    default: {
        int h = ipc_accept(o->listener, now() + 1000);
        return h >= 0 ? hclose(h) : -1;
    }
    }
}

static struct ds_result results[2][10];

static coroutine void call_every_page(struct objects *o) {
    msleep(-1);
    for(int round = 0; round < 2; round++)
        for(int i = 0; names[i]; i++)
            DS_RESULT(&results[round][i], call_nth(round, i, o));
}

DS_TEST(go, ECANCELED_every_later_call,
    "a canceled coroutine's every later blocking call fails with ECANCELED at once: msleep, yield, fdin, fdout, bundle_wait, brecv, bsend, brecvl, bsendl, ipc_accept, each twice") {
    struct objects o;
    int canceled = 0;
    ds_pipe(o.pipe);
    ds_full_pipe(o.full);
    o.bundle = bundle();
    DS_SETUP(o.bundle >= 0 && bundle_go(o.bundle, ds_sleeper(&canceled)) == 0);
    for(int round = 0; round < 2; round++)
        for(int k = 0; k < 4; k++)
            DS_SETUP(ipc_pair(o.conn[round][k]) == 0);
    o.listener = ipc_listen(ds_path("c.ipc"), 1);
    DS_SETUP(o.listener >= 0);
    int cr = go(call_every_page(&o));
    DS_SETUP(cr >= 0);
    int64_t t0 = ds_ms();
    DS_SETUP(hclose(cr) == 0);
    int64_t el = ds_ms() - t0;
    for(int round = 0; round < 2; round++)
        for(int i = 0; names[i]; i++)
            cr_assert(results[round][i].rc == -1 && results[round][i].err == ECANCELED,
                "FAIL: after the cancellation, %s (round %d of 2) returned %d "
                "(errno %s), expected -1 with ECANCELED", names[i], round + 1,
                results[round][i].rc, ds_errname(results[round][i].err));
    cr_assert(el < DS_FAST_MS, "FAIL: the canceled coroutine's calls took %lld ms: "
        "some blocked", (long long)el);
    ds_pipe_close(o.pipe);
    ds_pipe_close(o.full);
    DS_SETUP(hclose(o.bundle) == 0 && hclose(o.listener) == 0);
    for(int round = 0; round < 2; round++)
        for(int k = 0; k < 4; k++)
            DS_SETUP(hclose(o.conn[round][k][0]) == 0 && hclose(o.conn[round][k][1]) == 0);
}
