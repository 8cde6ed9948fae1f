/* Shared bodies for the bytestream pages (see bytestream.h). */
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
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int cr = go(call_blocking(op, sending, s[0]));
    DS_SETUP(cr >= 0);
    DS_SETUP(yield() == 0);
    DS_EXPECT_ERR(blocking_call(op, sending, s[0], now() + 1000), EBUSY,
        BYTESTREAM_ERRS);
    DS_SETUP(hclose(cr) == 0);
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
static coroutine void peer_acts_later(int s, bool drain) {
    msleep(now() + 100);
    if(drain)
        brecv(s, NULL, DS_BIG, now() + 5000);
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
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(blocking_call(op, sending, s[0], now() + 20) == -1);
    if(!sending)
        DS_SETUP(bsend(s[1], "xy", 2, now() + 1000) == 0);
    char c = 'z';
    int rc = op(s[0], &c, 1, now() + 1000);
    cr_assert(rc == -1, "FAIL: the %s direction still works after a timeout",
        sending ? "sending" : "receiving");
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
    cr_assert(op(s[0], buf, 3, now() + 100) == -1,
        "FAIL: received after a partial receive failed");
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

/* A peer that closed the connection: the send fails with the page's
 * "Closed connection" or "Broken connection" (the pages do not say which). */
void ds_check_send_peer_closed(ds_xfer op) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(hclose(s[1]) == 0);
    int rc = op(s[0], ds_big, 1000, now() + 1000);
    int err = errno;
    cr_assert(rc == -1, "FAIL: returned %d sending to a closed peer", rc);
    cr_assert(err == EPIPE || err == ECONNRESET, "%s: errno %s, expected EPIPE or ECONNRESET",
        ds_errno_verdict(err, BYTESTREAM_ERRS), ds_errname(err));
    DS_SETUP(hclose(s[0]) == 0);
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

static void expect_list_unchanged(struct iolist l[NITEMS], struct iolist copy[NITEMS]) {
    for(int i = 0; i < NITEMS; i++)
        cr_assert(memcmp(&l[i], &copy[i], sizeof(l[i])) == 0,
            "FAIL: item %d of the caller's list changed by the call", i);
}

/* "The function returns EINVAL error in the case the list is malformed",
 * and "once the function returns the list is guaranteed to be the same as
 * before the call" - on this error path too. */
void ds_check_iolist_einval(ds_xferl op, enum ds_bad_list how) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(bsend(s[1], "01234567", 8, now() + 1000) == 0);
    char buf[8] = "abcdefgh";
    struct iolist l[NITEMS], copy[NITEMS], other = {buf, 1, NULL, 0};
    make_list(l, copy, buf);
    struct iolist *first = &l[0], *last = &l[NITEMS - 1];
    switch(how) {
    case DS_LAST_HAS_NEXT: last = &l[1]; break;              /* l[1].next != NULL */
    case DS_NOT_SAME_LIST: last = &other; break;
    case DS_LOOP: {
        /* l1 -> l2 -> l3 -> l1 ...; `last` is a separate, well-formed item,
         * so that only the loop is wrong. */
        static struct iolist tail;
        tail = (struct iolist){buf, 1, NULL, 0};
        l[NITEMS - 1].iol_next = &l[1];
        last = &tail;
        break;
    }
    case DS_RSVD: l[2].iol_rsvd = 1; break;
    case DS_NULL_FIRST: first = NULL; break;
    case DS_NULL_LAST: last = NULL; break;
    }
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
