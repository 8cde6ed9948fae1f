/* Volume and boundaries: much data, long lists, NULL-buffer receives beyond
 * any internal buffer, transfers spanning kernel buffers (see bytestream.h). */
#include <sys/socket.h>
#include <unistd.h>

#include "bytestream.h"

/* What this file's coroutines return. */
static int co_rc, co_errno;

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
    DS_EXPECT_RC(recv(s[1], ds_sink, SPAN, now() + 10000), 0);
    DS_SETUP(bundle_wait(cr, now() + 10000) == 0 && hclose(cr) == 0);
    errno = co_errno;
    DS_EXPECT_RC(co_rc, 0);
    cr_assert(memcmp(ds_sink, ds_big, SPAN) == 0, "FAIL: 4 MiB changed in transit");
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}
