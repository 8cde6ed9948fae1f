/* The I/O-list checks of bsendl(3) and brecvl(3) (see bytestream.h). */
#include <sys/socket.h>
#include <unistd.h>

#include "bytestream.h"

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

/* A list made malformed as `how` says: `op` on `s` is EINVAL and leaves the
 * list as it was. */
static void expect_einval(ds_xferl op, int s, enum ds_bad_list how) {
    char buf[8] = "abcdefgh";
    struct iolist l[NITEMS], copy[NITEMS], *first;
    make_list(l, copy, buf);
    struct iolist *last = malform(l, how, &first, buf);
    memcpy(copy, l, sizeof(copy));
    DS_EXPECT_ERR(op(s, first, last, now() + 1000), EINVAL, BYTESTREAM_ERRS);
    expect_list_unchanged(l, copy);
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
    expect_einval(op, s[0], how);
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
        DS_SETUP(ds_blocking_call(ds_bsend, true, s[0], now() + 20) == -1);
        break;
    case DS_AFTER_FAILED_RECV:
        DS_SETUP(ds_blocking_call(ds_brecv, false, s[0], now() + 20) == -1);
        break;
    case DS_AFTER_PEER_DONE:
        DS_SETUP(ipc_done(s[1], now() + 1000) == 0);
        DS_SETUP(brecv(s[0], &c, 1, now() + 1000) == -1 && errno == EPIPE);
        break;
    }
    expect_einval(op, s[0], DS_RSVD);
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
