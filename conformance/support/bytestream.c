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

int ds_blocking_call(ds_xfer op, bool sending, int s, int64_t deadline) {
    return sending ? op(s, ds_big, DS_BIG, deadline)
                   : op(s, ds_big, 1, deadline);
}

static coroutine void call_blocking(ds_xfer op, bool sending, int s) {
    co_rc = ds_blocking_call(op, sending, s, -1);
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

char ds_sink[DS_BIG];

/* The peer makes a blocked call possible: reads all of a DS_BIG send, or
 * sends the byte a receive waits for. */
static void peer_unblocks(int peer, bool sending) {
    if(sending)
        DS_SETUP(brecv(peer, ds_sink, DS_BIG, now() + 5000) == 0);
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
    DS_EXPECT_ERR(ds_blocking_call(second, sending, s[0], now() + 100), EBUSY,
        BYTESTREAM_ERRS);
    cr_assert(co_rc == 1, "FAIL: the EBUSY rejection ended the other coroutine's call");
    DS_EXPECT_ERR(ds_blocking_call(second, sending, s[0], now() + 100), EBUSY,
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
    DS_EXPECT_ERR(ds_blocking_call(op, sending, s[0], 0), ETIMEDOUT, BYTESTREAM_ERRS);
    DS_EXPECT_FAST(t0);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

void ds_check_deadline_past(ds_xfer op, bool sending) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_ERR(ds_blocking_call(op, sending, s[0], now() - 1000), ETIMEDOUT,
        BYTESTREAM_ERRS);
    DS_EXPECT_FAST(t0);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

void ds_check_deadline_timed(ds_xfer op, bool sending) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int64_t t0 = ds_ms(), dl = now() + 100;
    DS_EXPECT_ERR(ds_blocking_call(op, sending, s[0], dl), ETIMEDOUT, BYTESTREAM_ERRS);
    DS_EXPECT_EXPIRY(t0, dl, 100);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

/* The peer acts after 100 ms: sends the byte awaited, or reads everything
 * into ds_sink, not with a NULL buffer: a check of the sender's deadline must
 * not rest on brecv's skipping, which releases before 2.14 lack (they fail it
 * with EFAULT, and the sender would wait for ever). */
coroutine void ds_peer_acts_later(int s, bool drain) {
    msleep(now() + 100);
    ds_event_happens();
    if(drain)
        brecv(s, ds_sink, DS_BIG, now() + 5000);
    else
        bsend(s, "x", 1, now() + 1000);
}

void ds_check_deadline_infinite(ds_xfer op, bool sending) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    ds_event_reset();
    int cr = go(ds_peer_acts_later(s[1], sending));
    DS_SETUP(cr >= 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(ds_blocking_call(op, sending, s[0], -1), 0);
    DS_EXPECT_AFTER_EVENT(t0, "the peer acted at 100 ms");
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
    DS_SETUP(ds_blocking_call(op, sending, s[0], now() + 20) == -1);
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

/* A receive that took everything there was (a coroutine's, so that the
 * receiver's fd is watched) and then the one byte read ahead: nothing is
 * left, and a library that remembers so must still hear of what the peer
 * does next.  With `done`, the peer's done comes before that receive. */
static void ds_pair_drained(int s[2], bool done) {
    DS_SETUP(ipc_pair(s) == 0);
    int cr = go(take_one_byte(s[0]));
    DS_SETUP(cr >= 0);
    DS_SETUP(bsend(s[1], "xA", 2, now() + 1000) == 0);
    if(done)
        DS_SETUP(ipc_done(s[1], now() + 1000) == 0);
    DS_SETUP(msleep(now() + 10) == 0);
    DS_SETUP(hclose(cr) == 0);
    char c;
    DS_SETUP(brecv(s[0], &c, 1, now() + 1000) == 0 && c == 'A');
}

/* The peer's close comes after the receiver emptied the queue, and the
 * scheduler looks at the fds (msleep) before the next receive. */
void ds_check_recv_epipe_after_drain_peer_closed(ds_xfer op) {
    int s[2];
    ds_pair_drained(s, false);
    DS_SETUP(hclose(s[1]) == 0);
    DS_SETUP(msleep(now() + 10) == 0);
    char c;
    DS_EXPECT_ERR(op(s[0], &c, 1, now() + 1000), EPIPE, BYTESTREAM_ERRS);
    DS_SETUP(hclose(s[0]) == 0);
}

/* The peer's done came before the receive that emptied the queue, and
 * the scheduler looked at the fds in between: the end is still seen. */
void ds_check_recv_epipe_done_before_drain(ds_xfer op) {
    int s[2];
    ds_pair_drained(s, true);
    char c;
    DS_EXPECT_ERR(op(s[0], &c, 1, now() + 1000), EPIPE, BYTESTREAM_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

/* A descriptor's byte comes after the receiver emptied the queue, and the
 * scheduler looks at its fds (msleep) before anyone receives: the byte
 * still arrives (its descriptor closed, ref/README reading 11). */
void ds_check_recv_fd_byte_after_drain(ds_xfer op) {
    int s[2], p[2];
    ds_pair_drained(s, false);
    DS_SETUP(pipe(p) == 0);
    DS_SETUP(ipc_sendfd(s[1], p[0], now() + 1000) == 0);
    DS_SETUP(msleep(now() + 10) == 0);
    char c;
    DS_EXPECT_RC(op(s[0], &c, 1, now() + 1000), 0);
    close(p[0]), close(p[1]);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}
