/* Shared bodies for the bytestream pages (see bytestream.h). */
#include <sys/socket.h>
#include <unistd.h>

#include "bytestream.h"

int ds_bsend(int s, void *buf, size_t len, int64_t deadline) {
    return bsend(s, buf, len, deadline);
}

int ds_brecv(int s, void *buf, size_t len, int64_t deadline) {
    return brecv(s, buf, len, deadline);
}

/* The buffer split into three items (the middle one may be empty). */
static void three_items(struct iolist iol[3], void *buf, size_t len) {
    size_t a = len / 3, b = len / 3;
    char *p = buf;
    iol[0] = (struct iolist){p, a, &iol[1], 0};
    iol[1] = (struct iolist){p ? p + a : NULL, b, &iol[2], 0};
    iol[2] = (struct iolist){p ? p + a + b : NULL, len - a - b, NULL, 0};
}

int ds_bsendl(int s, void *buf, size_t len, int64_t deadline) {
    struct iolist iol[3];
    three_items(iol, buf, len);
    return bsendl(s, &iol[0], &iol[2], deadline);
}

int ds_brecvl(int s, void *buf, size_t len, int64_t deadline) {
    struct iolist iol[3];
    three_items(iol, buf, len);
    return brecvl(s, &iol[0], &iol[2], deadline);
}

int ds_bsend0(int s, void *buf, size_t len, int64_t deadline) {
    (void)len;
    return bsend(s, buf, 0, deadline);
}

int ds_brecv0(int s, void *buf, size_t len, int64_t deadline) {
    (void)len;
    return brecv(s, buf, 0, deadline);
}

int ds_bsendl0(int s, void *buf, size_t len, int64_t deadline) {
    (void)len;
    return ds_bsendl(s, buf, 0, deadline);
}

int ds_brecvl0(int s, void *buf, size_t len, int64_t deadline) {
    (void)len;
    return ds_brecvl(s, buf, 0, deadline);
}

void ds_check_ebadf(ds_xfer op, int handle) {
    char c = 0;
    DS_EXPECT_ERR(op(handle, &c, 1, 0), EBADF, BYTESTREAM_ERRS);
}

void ds_check_enotsup(ds_xfer op, int kind) {
    int h = kind == 0 ? ipc_listen(ds_path("b.ipc"), 1)
          : kind == 1 ? ds_bundle_handle() : ds_coroutine_handle();
    DS_SETUP(h >= 0);
    char c = 0;
    DS_EXPECT_ERR(op(h, &c, 1, 0), ENOTSUP, BYTESTREAM_ERRS);
    DS_SETUP(hclose(h) == 0);
}

static int co_rc, co_errno;

static coroutine void call_after_cancel(ds_xfer op, int s) {
    msleep(-1);
    char c = 'x';
    co_rc = op(s, &c, 1, now() + 1000);
    co_errno = errno;
}

void ds_check_ecanceled_after(ds_xfer op) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(bsend(s[1], "x", 1, now() + 1000) == 0);   /* a recv could succeed */
    int cr = go(call_after_cancel(op, s[0]));
    DS_SETUP(cr >= 0);
    DS_SETUP(hclose(cr) == 0);
    errno = co_errno;
    DS_EXPECT_ERR(co_rc, ECANCELED, BYTESTREAM_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

/* A call that must block: receive with no data, or send more than any
 * socket buffer holds to a peer that does not read. */
static int blocking_call(ds_xfer op, bool sending, int s, int64_t deadline) {
    return sending ? op(s, ds_big, DS_BIG, deadline)
                   : op(s, ds_big, 1, deadline);
}

static coroutine void call_blocking(ds_xfer op, bool sending, int s) {
    co_rc = blocking_call(op, sending, s, -1);
    co_errno = errno;
}

void ds_check_ecanceled_blocked(ds_xfer op, bool sending) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int cr = go(call_blocking(op, sending, s[0]));
    DS_SETUP(cr >= 0);
    DS_SETUP(msleep(now() + 20) == 0);
    DS_SETUP(hclose(cr) == 0);
    errno = co_errno;
    DS_EXPECT_ERR(co_rc, ECANCELED, BYTESTREAM_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

void ds_check_ebusy(ds_xfer op, bool sending) {
    ds_check_ebusy_with(op, op, sending);
}

/* Where the bytes of a blocked DS_BIG send go (a real buffer, not NULL:
 * NULL-buffer receives are a check of their own). */
static char sink[DS_BIG];

/* The peer makes a blocked call possible: reads all of a DS_BIG send, or
 * sends the byte a receive waits for. */
static void peer_unblocks(int peer, bool sending) {
    if(sending)
        DS_SETUP(brecv(peer, sink, DS_BIG, now() + 5000) == 0);
    else
        DS_SETUP(bsend(peer, "x", 1, now() + 1000) == 0);
}

void ds_check_ebusy_with(ds_xfer op, ds_xfer second, bool sending) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    co_rc = 1;
    int cr = go(call_blocking(op, sending, s[0]));
    DS_SETUP(cr >= 0);
    DS_SETUP(yield() == 0);
    DS_EXPECT_ERR(blocking_call(second, sending, s[0], now() + 100), EBUSY,
        BYTESTREAM_ERRS);
    cr_assert(co_rc == 1, "FAIL: the EBUSY rejection ended the other coroutine's call");
    DS_EXPECT_ERR(blocking_call(second, sending, s[0], now() + 100), EBUSY,
        BYTESTREAM_ERRS);
    peer_unblocks(s[1], sending);
    DS_SETUP(bundle_wait(cr, now() + 5000) == 0 && hclose(cr) == 0);
    errno = co_errno;
    cr_assert(co_rc == 0, "FAIL: the blocked call failed (errno %s) after another "
        "coroutine's call was rejected with EBUSY", ds_errname(co_errno));
    ds_expect_usable(s[0], s[1]);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

void ds_check_deadline_0(ds_xfer op, bool sending) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_ERR(blocking_call(op, sending, s[0], 0), ETIMEDOUT, BYTESTREAM_ERRS);
    DS_EXPECT_FAST(t0);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

void ds_check_deadline_past(ds_xfer op, bool sending) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_ERR(blocking_call(op, sending, s[0], now() - 1000), ETIMEDOUT,
        BYTESTREAM_ERRS);
    DS_EXPECT_FAST(t0);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

void ds_check_deadline_timed(ds_xfer op, bool sending) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_ERR(blocking_call(op, sending, s[0], now() + 100), ETIMEDOUT,
        BYTESTREAM_ERRS);
    DS_EXPECT_EXPIRY(t0, 100);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

/* The peer acts after 100 ms: sends the byte awaited, or reads everything. */
/* The peer drains into a buffer of its own, not with a NULL buffer: a check
 * of the sender's deadline must not rest on brecv's skipping, which releases
 * before 2.14 lack (they fail it with EFAULT and the sender would wait for
 * ever). */
static char peer_sink[DS_BIG];

static coroutine void peer_acts_later(int s, bool drain) {
    msleep(now() + 100);
    if(drain)
        brecv(s, peer_sink, DS_BIG, now() + 5000);
    else
        bsend(s, "x", 1, now() + 1000);
}

void ds_check_deadline_infinite(ds_xfer op, bool sending) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int cr = go(peer_acts_later(s[1], sending));
    DS_SETUP(cr >= 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(blocking_call(op, sending, s[0], -1), 0);
    cr_assert(ds_ms() - t0 >= 100 - DS_EARLY_MS,
        "FAIL: returned after %lld ms, before the peer acted at 100 ms",
        (long long)(ds_ms() - t0));
    DS_SETUP(bundle_wait(cr, now() + 5000) == 0 && hclose(cr) == 0);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

/* "the socket cannot be used for sending/receiving from that point on":
 * even once the peer makes the call possible. */
void ds_check_unusable_after_timeout(ds_xfer op, bool sending) {
    ds_check_after_timeout(op, op, sending);
}

/* The peer makes a later call possible: reads what a timed-out send left
 * in the socket (so there is room again), or sends bytes to receive. */
static void give_room(int peer, bool sending) {
    static char chunk[4096];
    if(sending)
        while(brecv(peer, chunk, sizeof(chunk), 0) == 0)
            ;
    else
        DS_SETUP(bsend(peer, "xy", 2, now() + 1000) == 0);
}

/* The reading of "cannot be used ... from that point on" (ref/README,
 * reading 3): the direction reports ECONNRESET, "Broken connection". */
void ds_check_after_timeout(ds_xfer op, ds_xfer next, bool sending) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(blocking_call(op, sending, s[0], now() + 20) == -1);
    give_room(s[1], sending);
    char c = 'z';
    int rc = next(s[0], &c, 1, now() + 1000);
    cr_assert(rc == -1, "FAIL: the %s direction still works after a timeout",
        sending ? "sending" : "receiving");
    DS_EXPECT_ERR(rc, ECONNRESET, BYTESTREAM_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

/* Bytes sent are the bytes received, over each kind of connection. */
void ds_check_roundtrip(ds_xfer send, ds_xfer recv, enum ds_conn_kind kind) {
    int s[2];
    ds_connect_pair(kind, s);
    static char out[100000], in[100000];
    for(size_t i = 0; i < sizeof(out); i++)
        out[i] = (char)(i * 7 + 3);
    for(size_t len = 1; len <= sizeof(out); len *= 10) {
        DS_EXPECT_RC(send(s[0], out, len, now() + 5000), 0);
        memset(in, 0, len);
        DS_EXPECT_RC(recv(s[1], in, len, now() + 5000), 0);
        cr_assert(memcmp(in, out, len) == 0, "FAIL: %zu bytes changed in transit", len);
    }
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

void ds_check_recv_epipe(ds_xfer op) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(ipc_done(s[1], now() + 1000) == 0);
    char c;
    DS_EXPECT_ERR(op(s[0], &c, 1, now() + 1000), EPIPE, BYTESTREAM_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

/* "There is no such thing as partial receive": 3 of 6 bytes arrive, the
 * call fails, and the direction stays failed after the rest arrive. */
void ds_check_recv_no_partial(ds_xfer op) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(bsend(s[1], "ABC", 3, now() + 1000) == 0);
    char buf[6];
    DS_EXPECT_ERR(op(s[0], buf, 6, now() + 50), ETIMEDOUT, BYTESTREAM_ERRS);
    DS_SETUP(bsend(s[1], "DEF", 3, now() + 1000) == 0);
    int rc = op(s[0], buf, 3, now() + 100);
    cr_assert(rc == -1, "FAIL: received after a partial receive failed");
    DS_EXPECT_ERR(rc, ECONNRESET, BYTESTREAM_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

/* A peer that closed the connection: "Broken connection", ECONNRESET.  The
 * pages name EPIPE "Closed connection" and ipc_done(3) gives it to the
 * receiver of an orderly end; a sender whose bytes can no longer arrive has
 * a broken connection (ref/README, reading 3; libdill's tests/ipc.c agrees). */
void ds_check_send_peer_closed(ds_xfer op) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(hclose(s[1]) == 0);
    DS_EXPECT_ERR(op(s[0], ds_big, 1000, now() + 1000), ECONNRESET, BYTESTREAM_ERRS);
    DS_SETUP(hclose(s[0]) == 0);
}

/* ipc_done(3) closed our outbound half: every send is EPIPE, "Closed
 * connection" (zero-length ones too). */
void ds_check_send_epipe_after_done(ds_xfer op) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(ipc_done(s[0], now() + 1000) == 0);
    char c = 'x';
    DS_EXPECT_ERR(op(s[0], &c, 1, now() + 1000), EPIPE, BYTESTREAM_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

/* A receive that met the peer's end of stream failed; the direction stays
 * closed: the next receive is EPIPE again, even one of nothing. */
void ds_check_recv_epipe_stays(ds_xfer op) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(ipc_done(s[1], now() + 1000) == 0);
    char c;
    DS_SETUP(brecv(s[0], &c, 1, now() + 1000) == -1 && errno == EPIPE);
    DS_EXPECT_ERR(op(s[0], &c, 1, now() + 1000), EPIPE, BYTESTREAM_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

/* The peer closed with our bytes unread: the kernel resets the connection,
 * and the receive reports a broken connection, not an orderly end. */
void ds_check_recv_peer_reset(ds_xfer op) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(bsend(s[0], "ABC", 3, now() + 1000) == 0);
    DS_SETUP(hclose(s[1]) == 0);
    char c;
    DS_EXPECT_ERR(op(s[0], &c, 1, now() + 1000), ECONNRESET, BYTESTREAM_ERRS);
    DS_SETUP(hclose(s[0]) == 0);
}

/* bsend of len bytes from NULL: an invalid argument, which changes nothing,
 * and comes before the state of the direction (after ipc_done too). */
void ds_check_bsend_null_buffer(bool after_done) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    if(after_done)
        DS_SETUP(ipc_done(s[0], now() + 1000) == 0);
    DS_EXPECT_ERR(bsend(s[0], NULL, 1, now() + 1000), EINVAL, BYTESTREAM_ERRS);
    if(!after_done)
        ds_expect_usable(s[0], s[1]);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

/* "If buf is NULL, len bytes will be received but they will be dropped";
 * for lists, "iol_base equal to NULL means that iol_len bytes should be
 * skipped". */
void ds_check_recv_discard(ds_xfer op) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(bsend(s[1], "ABCDEFGHI", 9, now() + 1000) == 0);
    DS_EXPECT_RC(op(s[0], NULL, 6, now() + 1000), 0);
    char buf[3];
    DS_EXPECT_RC(brecv(s[0], buf, 3, now() + 1000), 0);
    cr_assert(memcmp(buf, "GHI", 3) == 0, "FAIL: the discarded bytes were not the first 6");
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

/* A NULL buffer skips bytes; it does not make them unnecessary: with none
 * there the call times out, and past the peer's done it fails with EPIPE,
 * exactly as a receive into a buffer would. */
void ds_check_recv_discard_waits(ds_xfer op) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int64_t start = ds_ms();
    DS_EXPECT_ERR(op(s[0], NULL, 3, 0), ETIMEDOUT, BYTESTREAM_ERRS);
    cr_assert(ds_ms() - start < DS_FAST_MS, "FAIL: deadline 0 blocked");
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

void ds_check_recv_discard_epipe(ds_xfer op) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(bsend(s[1], "AB", 2, now() + 1000) == 0);
    DS_SETUP(ipc_done(s[1], now() + 1000) == 0);
    DS_EXPECT_ERR(op(s[0], NULL, 5, now() + 1000), EPIPE, BYTESTREAM_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

static coroutine void take_one_byte(int s) {
    char c;
    brecv(s, &c, 1, -1);
}

/* The peer's done must show even when its wake-up came while nobody was
 * waiting: a coroutine first makes the receiver's fd watched and takes one
 * byte; the done then arrives with no receive pending; the receive that
 * follows reads the rest (a short read) and must then see the end, not wait
 * for news that already came. */
void ds_check_recv_epipe_after_short_read(ds_xfer op) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int cr = go(take_one_byte(s[0]));
    DS_SETUP(cr >= 0);
    DS_SETUP(bsend(s[1], "xABCDE", 6, now() + 1000) == 0);
    DS_SETUP(msleep(now() + 10) == 0);
    DS_SETUP(ipc_done(s[1], now() + 1000) == 0);
    DS_SETUP(msleep(now() + 10) == 0);
    char buf[10];
    DS_EXPECT_ERR(op(s[0], buf, sizeof(buf), now() + 1000), EPIPE, BYTESTREAM_ERRS);
    DS_SETUP(hclose(cr) == 0 && hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

/******************************************************************************/
/*  I/O lists                                                                 */
/******************************************************************************/

#define NITEMS 4

/* A list of 4 items over `buf`, and a copy to compare it with later. */
static void make_list(struct iolist l[NITEMS], struct iolist copy[NITEMS],
      char *buf) {
    for(int i = 0; i < NITEMS; i++)
        l[i] = (struct iolist){buf + i * 2, 2, i + 1 < NITEMS ? &l[i + 1] : NULL, 0};
    memcpy(copy, l, sizeof(struct iolist) * NITEMS);
}

/* Field by field (padding is not the list), naming what changed. */
static void expect_list_unchanged(struct iolist l[NITEMS], struct iolist copy[NITEMS]) {
    for(int i = 0; i < NITEMS; i++) {
        cr_assert(l[i].iol_base == copy[i].iol_base,
            "FAIL: item %d of the caller's list changed by the call: iol_base", i);
        cr_assert(l[i].iol_len == copy[i].iol_len,
            "FAIL: item %d of the caller's list changed by the call: iol_len %zu, was %zu",
            i, l[i].iol_len, copy[i].iol_len);
        cr_assert(l[i].iol_next == copy[i].iol_next,
            "FAIL: item %d of the caller's list changed by the call: iol_next", i);
        cr_assert(l[i].iol_rsvd == copy[i].iol_rsvd,
            "FAIL: item %d of the caller's list changed by the call: iol_rsvd %d, was %d",
            i, l[i].iol_rsvd, copy[i].iol_rsvd);
    }
}

/* Makes `l` malformed as `how` says; returns the `last` to pass, and sets
 * *first. */
static struct iolist *malform(struct iolist l[NITEMS], enum ds_bad_list how,
      struct iolist **first, char *buf) {
    static struct iolist other, tail;
    other = (struct iolist){buf, 1, NULL, 0};
    /* For loops `last` is a separate, well-formed item, so that only the
     * loop is wrong. */
    tail = (struct iolist){buf, 1, NULL, 0};
    *first = &l[0];
    switch(how) {
    case DS_LAST_HAS_NEXT: return &l[1];                 /* l[1].next != NULL */
    case DS_NOT_SAME_LIST: return &other;
    case DS_LOOP: l[NITEMS - 1].iol_next = &l[1]; return &tail; /* l1->l2->l3->l1 */
    case DS_LOOP_SELF: l[0].iol_next = &l[0]; return &tail;      /* l0->l0 */
    case DS_RSVD: l[2].iol_rsvd = 1; break;
    case DS_RSVD_FIRST: l[0].iol_rsvd = 1; break;
    case DS_RSVD_LAST: l[NITEMS - 1].iol_rsvd = 1; break;
    case DS_NULL_BASE: l[1].iol_base = NULL; break;     /* sending only */
    case DS_NULL_FIRST: *first = NULL; break;
    case DS_NULL_LAST: return NULL;
    }
    return &l[NITEMS - 1];
}

/* "The function returns EINVAL error in the case the list is malformed",
 * and "once the function returns the list is guaranteed to be the same as
 * before the call" - on this error path too. */
/* The peer's 8 bytes wait, so a receive that ignored the error would
 * succeed; afterwards they are still all there, in order. */
void ds_check_iolist_einval(ds_xferl op, enum ds_bad_list how) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(bsend(s[1], "01234567", 8, now() + 1000) == 0);
    char buf[8] = "abcdefgh";
    struct iolist l[NITEMS], copy[NITEMS], *first;
    make_list(l, copy, buf);
    struct iolist *last = malform(l, how, &first, buf);
    memcpy(copy, l, sizeof(copy));
    DS_EXPECT_ERR(op(s[0], first, last, now() + 1000), EINVAL, BYTESTREAM_ERRS);
    expect_list_unchanged(l, copy);
    char in[8];
    DS_EXPECT_RC(brecv(s[0], in, 8, now() + 1000), 0);
    cr_assert(memcmp(in, "01234567", 8) == 0,
        "FAIL: the rejected call consumed or changed the waiting bytes");
    ds_expect_usable(s[0], s[1]);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

void ds_check_einval_first(ds_xferl op, enum ds_dir_state state) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    char c;
    switch(state) {
    case DS_AFTER_DONE:
        DS_SETUP(ipc_done(s[0], now() + 1000) == 0);
        break;
    case DS_AFTER_FAILED_SEND:
        DS_SETUP(blocking_call(ds_bsend, true, s[0], now() + 20) == -1);
        break;
    case DS_AFTER_FAILED_RECV:
        DS_SETUP(blocking_call(ds_brecv, false, s[0], now() + 20) == -1);
        break;
    case DS_AFTER_PEER_DONE:
        DS_SETUP(ipc_done(s[1], now() + 1000) == 0);
        DS_SETUP(brecv(s[0], &c, 1, now() + 1000) == -1 && errno == EPIPE);
        break;
    }
    char buf[8] = "abcdefgh";
    struct iolist l[NITEMS], copy[NITEMS], *first;
    make_list(l, copy, buf);
    struct iolist *last = malform(l, DS_RSVD, &first, buf);
    memcpy(copy, l, sizeof(copy));
    DS_EXPECT_ERR(op(s[0], first, last, now() + 1000), EINVAL, BYTESTREAM_ERRS);
    expect_list_unchanged(l, copy);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

void ds_check_iolist_restored(ds_xferl op, bool sending) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    char buf[8] = "abcdefgh", peer[8];
    struct iolist l[NITEMS], copy[NITEMS];
    make_list(l, copy, buf);
    if(sending) {
        DS_EXPECT_RC(op(s[0], &l[0], &l[NITEMS - 1], now() + 1000), 0);
        DS_SETUP(brecv(s[1], peer, 8, now() + 1000) == 0);
        cr_assert(memcmp(peer, "abcdefgh", 8) == 0, "FAIL: bytes changed");
    } else {
        DS_SETUP(bsend(s[1], "ABCDEFGH", 8, now() + 1000) == 0);
        DS_EXPECT_RC(op(s[0], &l[0], &l[NITEMS - 1], now() + 1000), 0);
        cr_assert(memcmp(buf, "ABCDEFGH", 8) == 0, "FAIL: bytes changed");
    }
    expect_list_unchanged(l, copy);
    /* An error path: deadline 0 on a call that cannot complete. */
    if(!sending) {
        DS_SETUP(op(s[0], &l[0], &l[NITEMS - 1], 0) == -1);
        expect_list_unchanged(l, copy);
    }
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

void ds_check_iolist_skip(void) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(bsend(s[1], "ABCDEFGH", 8, now() + 1000) == 0);
    char a[2], b[2];
    struct iolist l[3] = {{a, 2, &l[1], 0}, {NULL, 4, &l[2], 0}, {b, 2, NULL, 0}};
    DS_EXPECT_RC(brecvl(s[0], &l[0], &l[2], now() + 1000), 0);
    cr_assert(memcmp(a, "AB", 2) == 0 && memcmp(b, "GH", 2) == 0,
        "FAIL: a NULL iol_base did not skip exactly its iol_len bytes");
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n) {
    for(size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

#define BIG_TOTAL (64u << 20)
static uint64_t sent_sum;

static coroutine void big_sender(ds_xferl send, int s) {
    static unsigned char chunk[3][65536];
    sent_sum = 0xcbf29ce484222325ull;
    for(size_t at = 0, round = 0; at < BIG_TOTAL; round++) {
        struct iolist l[3];
        size_t n = 0;
        for(int i = 0; i < 3; i++) {
            size_t len = (round * 7919 + (size_t)i * 4099) % 65536;
            if(len > BIG_TOTAL - at - n)
                len = BIG_TOTAL - at - n;
            for(size_t k = 0; k < len; k++)
                chunk[i][k] = (unsigned char)((at + n + k) * 2654435761u >> 11);
            l[i] = (struct iolist){chunk[i], len, i < 2 ? &l[i + 1] : NULL, 0};
            n += len;
        }
        if(send(s, &l[0], &l[2], now() + 10000) != 0)
            return;
        for(int i = 0; i < 3; i++)
            sent_sum = fnv(sent_sum, chunk[i], l[i].iol_len);
        at += n;
    }
}

/* "Nothing is lost": 64 MiB through one connection in changing list
 * shapes arrive with the same checksum. */
void ds_check_big_transfer(ds_xferl send, ds_xferl recv) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int cr = go(big_sender(send, s[0]));
    DS_SETUP(cr >= 0);
    static unsigned char buf[1 << 20];
    uint64_t sum = 0xcbf29ce484222325ull;
    for(size_t got = 0, round = 0; got < BIG_TOTAL; round++) {
        size_t len = 1 + (round * 65537) % sizeof(buf);
        if(len > BIG_TOTAL - got)
            len = BIG_TOTAL - got;
        struct iolist l = {buf, len, NULL, 0};
        DS_EXPECT_RC(recv(s[1], &l, &l, now() + 10000), 0);
        sum = fnv(sum, buf, len);
        got += len;
    }
    DS_SETUP(bundle_wait(cr, now() + 10000) == 0 && hclose(cr) == 0);
    cr_assert(sum == sent_sum, "FAIL: 64 MiB arrived with another checksum");
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

#define LARGE_ITEMS 3000

static unsigned char large_out[LARGE_ITEMS * 8], large_in[LARGE_ITEMS * 8];

/* A list of LARGE_ITEMS items of 1 to 8 bytes over `buf`; returns its
 * total length. */
static size_t large_list(struct iolist *l, unsigned char *buf, unsigned shift) {
    size_t at = 0;
    for(int i = 0; i < LARGE_ITEMS; i++) {
        size_t len = 1 + (size_t)(i * 5 + shift) % 8;
        l[i] = (struct iolist){buf + at, len, i + 1 < LARGE_ITEMS ? &l[i + 1] : NULL, 0};
        at += len;
    }
    return at;
}

static coroutine void large_sender(ds_xferl send, int s, struct iolist *l) {
    co_rc = send(s, &l[0], &l[LARGE_ITEMS - 1], now() + 5000);
    co_errno = errno;
}

/* 3000 items (more than IOV_MAX, 1024) cut differently on each side. */
void ds_check_large_list(ds_xferl send, ds_xferl recv) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    static struct iolist out[LARGE_ITEMS], in[LARGE_ITEMS];
    size_t total = large_list(out, large_out, 0);
    if(total == 0 || total > sizeof(large_out))
        cr_assert_fail("UNRESOLVED: setup failed: a list of %zu bytes", total);
    for(size_t i = 0; i < total; i++)
        large_out[i] = (unsigned char)(i * 131 + 7);
    large_out[0] = 'F';
    large_out[total - 1] = 'L';
    memset(large_in, 0, sizeof(large_in));
    size_t got = large_list(in, large_in, 3);
    DS_SETUP(got >= total);
    /* The receiving list covers exactly `total` bytes: trim its tail. */
    size_t excess = got - total;
    int last = LARGE_ITEMS - 1;
    while(excess >= in[last].iol_len) {
        excess -= in[last].iol_len;
        last--;
    }
    in[last].iol_len -= excess;
    in[last].iol_next = NULL;
    int cr = go(large_sender(send, s[0], out));
    DS_SETUP(cr >= 0);
    DS_EXPECT_RC(recv(s[1], &in[0], &in[last], now() + 5000), 0);
    DS_SETUP(bundle_wait(cr, now() + 5000) == 0 && hclose(cr) == 0);
    errno = co_errno;
    DS_EXPECT_RC(co_rc, 0);
    cr_assert(large_in[0] == 'F', "FAIL: the first byte of a %d-item list arrived as %d",
        LARGE_ITEMS, large_in[0]);
    cr_assert(large_in[total - 1] == 'L', "FAIL: the last byte of a %d-item list arrived "
        "as %d", LARGE_ITEMS, large_in[total - 1]);
    cr_assert(memcmp(large_in, large_out, total) == 0,
        "FAIL: bytes of a %d-item list changed in transit", LARGE_ITEMS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

static coroutine void send_then_marker(int s, size_t len) {
    co_rc = bsend(s, ds_big, len, now() + 5000);
    if(co_rc == 0)
        co_rc = bsend(s, "END!", 4, now() + 5000);
    co_errno = errno;
}

/* A NULL buffer drops exactly `len` bytes, however many more than any
 * buffer a target keeps for skipping: the 4 bytes after them follow. */
void ds_check_recv_discard_big(ds_xfer op, size_t len) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(len <= DS_BIG);
    memset(ds_big, 'x', len);
    int cr = go(send_then_marker(s[1], len));
    DS_SETUP(cr >= 0);
    DS_EXPECT_RC(op(s[0], NULL, len, now() + 5000), 0);
    char mark[4];
    DS_EXPECT_RC(brecv(s[0], mark, 4, now() + 5000), 0);
    cr_assert(memcmp(mark, "END!", 4) == 0,
        "FAIL: a NULL-buffer receive of %zu bytes did not drop exactly %zu bytes", len, len);
    DS_SETUP(bundle_wait(cr, now() + 5000) == 0 && hclose(cr) == 0);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

#define SPAN (4u << 20)

static coroutine void span_sender(ds_xfer send, int s) {
    co_rc = send(s, ds_big, SPAN, now() + 10000);
    co_errno = errno;
}

/* One call of 4 MiB each way: many times any socket buffer, so both calls
 * must wait for each other many times over. */
void ds_check_spans_kernel_buffers(ds_xfer send, ds_xfer recv) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    for(size_t i = 0; i < SPAN; i++)
        ds_big[i] = (char)(i * 2654435761u >> 13);
    int cr = go(span_sender(send, s[0]));
    DS_SETUP(cr >= 0);
    DS_EXPECT_RC(recv(s[1], sink, SPAN, now() + 10000), 0);
    DS_SETUP(bundle_wait(cr, now() + 10000) == 0 && hclose(cr) == 0);
    errno = co_errno;
    DS_EXPECT_RC(co_rc, 0);
    cr_assert(memcmp(sink, ds_big, SPAN) == 0, "FAIL: 4 MiB changed in transit");
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

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
    int rc = blocking_call(sending ? ds_bsend : ds_brecv,
        sending, s[0], 0);
    int err = errno;
    cr_assert(rc == -1 && err == ETIMEDOUT, "FAIL: deadline 0, %s: returned %d (errno %s), "
        "expected -1 with ETIMEDOUT", dir, rc, ds_errname(err));
    cr_assert(ds_ms() - t0 < DS_FAST_MS, "FAIL: deadline 0, %s: blocked %lld ms", dir,
        (long long)(ds_ms() - t0));
    drop_endpoint(s, ls);

    ls = make_endpoint(e, mem, s);
    t0 = ds_ms();
    rc = blocking_call(sending ? ds_bsend : ds_brecv, sending, s[0], now() + 100);
    err = errno;
    int64_t el = ds_ms() - t0;
    cr_assert(rc == -1 && err == ETIMEDOUT, "FAIL: deadline of 100 ms, %s: returned %d "
        "(errno %s), expected -1 with ETIMEDOUT", dir, rc, ds_errname(err));
    cr_assert(el >= 100 - DS_EARLY_MS && el <= 100 + DS_LATE_MS,
        "FAIL: deadline of 100 ms, %s: expired after %lld ms", dir, (long long)el);
    drop_endpoint(s, ls);

    ls = make_endpoint(e, mem, s);
    int cr = go(peer_acts_later(s[1], sending));
    DS_SETUP(cr >= 0);
    t0 = ds_ms();
    rc = blocking_call(sending ? ds_bsend : ds_brecv, sending, s[0], -1);
    err = errno;
    el = ds_ms() - t0;
    cr_assert(rc == 0, "FAIL: deadline -1, %s: returned %d (errno %s) once the peer acted",
        dir, rc, ds_errname(err));
    cr_assert(el >= 100 - DS_EARLY_MS, "FAIL: deadline -1, %s: returned after %lld ms, "
        "before the peer acted at 100 ms", dir, (long long)el);
    DS_SETUP(bundle_wait(cr, now() + 5000) == 0 && hclose(cr) == 0);
    drop_endpoint(s, ls);
}
