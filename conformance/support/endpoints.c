/* Every endpoint a constructor makes, in every deadline mode (see
 * bytestream.h). */
#include <sys/socket.h>
#include <unistd.h>

#include "bytestream.h"

/******************************************************************************/
/*  Every endpoint, every deadline mode                                       */
/******************************************************************************/

/* A connection whose s[0] the constructor under test made; returns the
 * listener it needed, or -1. */
static int make_endpoint(enum ds_endpoint e, bool mem, int s[2]) {
    int ls = -1, fds[2];
    switch(e) {
    case DS_PAIR_END0:
    case DS_PAIR_END1:
        DS_SETUP(ds_pair(mem, s) == 0);
        if(e == DS_PAIR_END1) {
            int t = s[0];
            s[0] = s[1];
            s[1] = t;
        }
        break;
    case DS_ACCEPTED:
        unlink(ds_path("e.ipc"));
        ls = ipc_listen(ds_path("e.ipc"), 10);
        DS_SETUP(ls >= 0);
        s[1] = ipc_connect(ds_path("e.ipc"), now() + 1000);
        DS_SETUP(s[1] >= 0);
        s[0] = ds_accept(mem, ls, now() + 1000);
        DS_SETUP(s[0] >= 0);
        break;
    case DS_CONNECTED:
        unlink(ds_path("e.ipc"));
        ls = ipc_listen(ds_path("e.ipc"), 10);
        DS_SETUP(ls >= 0);
        s[0] = ds_connect(mem, ds_path("e.ipc"), now() + 1000);
        DS_SETUP(s[0] >= 0);
        s[1] = ipc_accept(ls, now() + 1000);
        DS_SETUP(s[1] >= 0);
        break;
    case DS_FROMFD_END:
        DS_SETUP(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
        s[0] = ds_fromfd(mem, fds[0]);
        s[1] = ipc_fromfd(fds[1]);
        DS_SETUP(s[0] >= 0 && s[1] >= 0);
        break;
    }
    return ls;
}

static void drop_endpoint(int s[2], int ls) {
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
    if(ls >= 0)
        DS_SETUP(hclose(ls) == 0);
}

/* Deadline 0, 100 ms and -1 on a fresh connection each (a timeout makes
 * the direction unusable). */
void ds_check_endpoint_deadlines(enum ds_endpoint e, bool mem, bool sending) {
    const char *dir = sending ? "sending" : "receiving";
    int s[2];
    int ls = make_endpoint(e, mem, s);
    int64_t t0 = ds_ms();
    int rc = ds_blocking_call(sending ? ds_bsend : ds_brecv,
        sending, s[0], 0);
    int err = errno;
    cr_assert(rc == -1 && err == ETIMEDOUT, "FAIL: deadline 0, %s: returned %d (errno %s), "
        "expected -1 with ETIMEDOUT", dir, rc, ds_errname(err));
    cr_assert(ds_ms() - t0 < DS_FAST_MS, "FAIL: deadline 0, %s: blocked %lld ms", dir,
        (long long)(ds_ms() - t0));
    drop_endpoint(s, ls);

    ls = make_endpoint(e, mem, s);
    t0 = ds_ms();
    int64_t dl = now() + 100;
    rc = ds_blocking_call(sending ? ds_bsend : ds_brecv, sending, s[0], dl);
    err = errno;
    int64_t el = ds_ms() - t0, early = dl - now();
    cr_assert(rc == -1 && err == ETIMEDOUT, "FAIL: deadline of 100 ms, %s: returned %d "
        "(errno %s), expected -1 with ETIMEDOUT", dir, rc, ds_errname(err));
    cr_assert(early <= 0 && el <= 100 + DS_LATE_MS, "FAIL: deadline of 100 ms, %s: "
        "expired after %lld ms, now() %lld ms short of it", dir, (long long)el,
        (long long)(early > 0 ? early : 0));
    drop_endpoint(s, ls);

    ls = make_endpoint(e, mem, s);
    ds_event_reset();
    int cr = go(ds_peer_acts_later(s[1], sending));
    DS_SETUP(cr >= 0);
    t0 = ds_ms();
    rc = ds_blocking_call(sending ? ds_bsend : ds_brecv, sending, s[0], -1);
    err = errno;
    el = ds_ms() - t0;
    cr_assert(rc == 0, "FAIL: deadline -1, %s: returned %d (errno %s) once the peer acted",
        dir, rc, ds_errname(err));
    cr_assert(ds_event_happened(), "FAIL: deadline -1, %s: returned after %lld ms, "
        "before the peer acted at 100 ms", dir, (long long)el);
    DS_SETUP(bundle_wait(cr, now() + 5000) == 0 && hclose(cr) == 0);
    drop_endpoint(s, ls);
}
