/*
 * iolist - bsendl(3)/brecvl(3) with generated list shapes: loops anywhere,
 * `last` outside the list, non-zero iol_rsvd anywhere, NULL bases, zero
 * lengths, NULL first or last; valid lists small or large (past libdill's
 * 1984-byte receive buffer), and valid lists on calls that must fail (too
 * few bytes, the peer done, the peer gone).
 *
 * Oracle: EINVAL exactly when the list is malformed as the pages define it
 * ("If last->iol_next is not NULL. If first and last don't belong to the
 * same list. If there's a loop in the list. If iol_rsvd of any item is
 * non-zero."), plus the readings ref/README.md gives (NULL first or last,
 * and a NULL base with a non-zero length when sending, are EINVAL); for a
 * valid list, success, or the failure the situation calls for (ETIMEDOUT,
 * EPIPE, EPIPE or ECONNRESET); the caller's list exactly as it was after
 * every call, failed or not ("once the function returns the list is
 * guaranteed to be the same as before the call"), keyed
 * <fn>/list/modified-after-<errno|success>; and for a valid list that went
 * through, every byte at its position (<fn>/data/corrupt, with the
 * offset), NULL-based items skipping theirs, and none written outside the
 * items (<fn>/data/overrun).
 *
 * Each operation: 1 byte (bit 0: sending; bits 1-3: item count - 1; bit 4:
 * large, each item's length times 64; bits 5-6: what the peer does to a
 * valid list's call: 0 its part, 1 too few bytes, 2 ipc_done, 3 hclose),
 * then 4 bytes per item (length, base, next, reserved) and 2 bytes naming
 * first and last.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libdill.h>

#include "executor.h"
#include "fuzz.h"

const char fz_harness[] = "iolist";

#define MAX_ITEMS 8
#define MAX_LEN 64
#define LARGE 64                 /* a large item's length is its code times this */
#define STRIDE (MAX_LEN * LARGE + 64)  /* each item's room, a gap after it */
#define MAX_CALLS 8
#define GAP_BYTE 0xA5

enum peer { PEER_SENDS, PEER_SHORT, PEER_DONE, PEER_CLOSED };

struct shape {
    int n;                              /* items in use; item n is a stray */
    struct iolist items[MAX_ITEMS + 1];
    struct iolist *first, *last;
    bool sending;
    enum peer peer;
};

static uint8_t space[(MAX_ITEMS + 1) * STRIDE];

static struct iolist *pick(struct shape *s, uint8_t b) {
    switch(b % 12) {
    case 10: return NULL;
    case 11: return &s->items[MAX_ITEMS];       /* in no list */
    default: return &s->items[b % 12 % s->n];
    }
}

static void decode(struct fz_in *in, struct shape *s) {
    uint8_t head = fz_u8(in);
    s->sending = head & 1;
    s->n = 1 + (head >> 1) % MAX_ITEMS;
    s->peer = (enum peer)(head >> 5 & 3);
    size_t scale = (head & 16) ? LARGE : 1;
    for(int i = 0; i <= MAX_ITEMS; i++) {
        struct iolist *it = &s->items[i];
        uint8_t len = fz_u8(in), base = fz_u8(in), next = fz_u8(in), rsvd = fz_u8(in);
        it->iol_len = len % MAX_LEN * scale;
        it->iol_base = base % 5 == 0 ? NULL : space + i * STRIDE;
        /* Mostly the natural chain; sometimes anything, loops included. */
        it->iol_next = next < 200 ? (i + 1 < s->n ? &s->items[i + 1] : NULL)
                                  : pick(s, next);
        it->iol_rsvd = rsvd == 0xFF ? 1 : rsvd == 0xFE ? -1 : 0;
        if(i >= s->n)
            it->iol_next = NULL;
    }
    uint8_t f = fz_u8(in), l = fz_u8(in);
    s->first = f < 200 ? &s->items[0] : pick(s, f);
    s->last = l < 200 ? &s->items[s->n - 1] : pick(s, l);
}

/* Which of the pages' rules a list breaks, or NULL when it keeps them all,
 * by walking it with a visited set: *total gets the message's length.  The
 * shape of the walk comes first ("loop": an item comes twice before last;
 * "last-outside": the walk ends before last), since a target that walks
 * before it checks meets that first; a known crash or hang is keyed by it. */
static const char *malformed(const struct shape *s, size_t *total) {
    if(!s->first && !s->last)
        return "null-both";
    if(!s->first)
        return "null-first";
    if(!s->last)
        return "null-last";
    bool seen[MAX_ITEMS + 1] = {false}, rsvd = false, null_base = false, reached = false;
    *total = 0;
    for(const struct iolist *it = s->first; it; it = it->iol_next) {
        int k = (int)(it - s->items);
        if(seen[k])
            return "loop";
        seen[k] = true;
        rsvd |= it->iol_rsvd != 0;
        null_base |= s->sending && !it->iol_base && it->iol_len;
        *total += it->iol_len;
        if(it == s->last) {
            reached = true;
            break;
        }
    }
    if(!reached)
        return "last-outside";
    if(s->last->iol_next)
        return "last-has-next";
    if(rsvd)
        return "rsvd";
    return null_base ? "null-base" : NULL;
}

/* The bytes one call moves: stream 0 from position 0 on (fuzz.h), so that
 * a byte lost, repeated or moved is a wrong byte. */
static const uint8_t *stream(void) {
    return fz_stream(0, 0);
}

/* The item after `it` in a valid list, NULL past `last`. */
static struct iolist *next_item(const struct shape *s, const struct iolist *it) {
    return it == s->last ? NULL : it->iol_next;
}

/* The room after an item (or a NULL-based item's room) that a receive
 * must leave as it was. */
#define GUARD 64

/* Sending: the stream's bytes into the items.  Receiving: each item's
 * bytes made unlike the stream's at every position, and a guard after each
 * item (or in a NULL-based item's room) the gap's byte, so that a byte not
 * written, or written astray, shows. */
static void prepare(struct shape *s) {
    for(int i = 0; i <= MAX_ITEMS; i++)
        memset(space + i * STRIDE, GAP_BYTE, s->items[i].iol_len + GUARD);
    size_t pos = 0;
    for(struct iolist *it = s->first; it; pos += it->iol_len, it = next_item(s, it))
        if(it->iol_base)
            memcpy(it->iol_base, stream() + pos + !s->sending, it->iol_len);
}

/* After a receive: every byte of every item at its position, and nothing
 * written past an item or into a NULL-based one's room. */
static void check_received(struct shape *s) {
    size_t pos = 0;
    for(struct iolist *it = s->first; it; pos += it->iol_len, it = next_item(s, it)) {
        if(!it->iol_base || !memcmp(it->iol_base, stream() + pos, it->iol_len))
            continue;
        size_t k = 0;
        while(((uint8_t *)it->iol_base)[k] == stream()[pos + k])
            k++;
        fz_finding("brecvl/data/corrupt", "stream byte %zu (item %d, byte %zu) "
            "is not the byte sent", pos + k, (int)(it - s->items), k);
    }
    for(int i = 0; i <= MAX_ITEMS; i++) {
        const struct iolist *it = &s->items[i];
        size_t from = it->iol_base ? it->iol_len : 0;
        long k = fz_first_unlike(space + i * STRIDE + from, it->iol_len + GUARD - from,
            GAP_BYTE);
        if(k >= 0)
            fz_finding("brecvl/data/overrun", "byte %zu of item %d's room, past its "
                "%zu bytes, was written", from + (size_t)k, i, from);
    }
}

/* Whether a valid list skips bytes when receiving (a NULL base with a
 * length).  Such a call is named apart, as a target may treat skipping
 * apart ("brecvl/short-null-base/succeeded"), and so is one whose last item
 * is empty ("-ends-empty"): a target that waits until no item is left may
 * wait on it. */
static bool skips(const struct shape *s) {
    for(struct iolist *it = s->first; it; it = next_item(s, it))
        if(!it->iol_base && it->iol_len)
            return true;
    return false;
}

/* What a valid list's call must give when the peer does `peer`. */
static const char *situation(const struct shape *s, int *want) {
    static const char *names[] = {"valid", "short", "peer-done", "peer-closed"};
    static const int errs[] = {0, ETIMEDOUT, EPIPE, ECONNRESET};
    static char name[48];
    *want = errs[s->peer];
    snprintf(name, sizeof(name), "%s%s%s", names[s->peer],
        s->last->iol_len == 0 ? "-ends-empty" : "",
        !s->sending && skips(s) ? "-null-base" : "");
    return name;
}

/* A malformed list's key names its shape: "brecvl/last-has-next/succeeded";
 * a valid one's the peer's part: "brecvl/short/succeeded". */
static void expect(const char *fn, const char *why, const char *sit, int want,
        int rc, int err) {
    char key[96];
    if(why && (rc != -1 || err != EINVAL)) {
        snprintf(key, sizeof(key), "%s/%s/%s", fn, why, rc == -1 ? dc_errname(err) : "succeeded");
        fz_finding(key, "a malformed list (%s) must give EINVAL", why);
    }
    if(why)
        return;
    /* A gone peer may show as either (brecv(3), bsend(3)). */
    bool ok = want == 0 ? rc == 0 : rc == -1 &&
        (err == want || (want == ECONNRESET && err == EPIPE));
    if(!ok) {
        snprintf(key, sizeof(key), "%s/%s/%s", fn, sit, rc == -1 ? dc_errname(err) : "succeeded");
        fz_finding(key, "a valid list (%s) must give %s", sit,
            want ? dc_errname(want) : "success");
    }
}

/* The peer's part before the call: for a receive, the bytes (all, or all
 * but the last when too few), then its ipc_done or hclose; for a send, its
 * hclose (or this end's ipc_done). */
static void play_peer(struct shape *s, int pair[2], size_t total) {
    size_t n = s->peer == PEER_SENDS ? total : total / 2;
    if(!s->sending) {
        if(bsend(pair[0], stream(), n, 0) != 0)
            fz_finding("bsend/setup/failed", "could not send %zu bytes", n);
    }
    if(s->peer == PEER_DONE && ipc_done(pair[0], 0) != 0)
        fz_finding("ipc_done/setup/failed", "%s", dc_errname(errno));
    if(s->peer == PEER_CLOSED) {
        hclose(s->sending ? pair[1] : pair[0]);
        pair[s->sending ? 1 : 0] = -1;
    }
}

/* The call and its checks; false when the pair may be left unlike a new one. */
static bool call_and_check(struct shape *s, int pair[2]) {
    struct iolist before[MAX_ITEMS + 1];
    static uint8_t wire[(MAX_ITEMS + 1) * MAX_LEN * LARGE];
    size_t total = 0;
    const char *why = malformed(s, &total);
    bool bad = why != NULL;
    const char *fn = s->sending ? "bsendl" : "brecvl";
    /* A target known to crash or hang on one shape of list is spared that
     * shape, and that shape only ("brecvl/loop/crash"). */
    char crash[64];
    snprintf(crash, sizeof(crash), "%s/%s/crash", fn, why ? why : "valid");
    if(bad && fz_known(crash))
        return true;
    /* A failure the peer causes needs bytes to fail on. */
    if(bad || total == 0 || (s->sending && s->peer == PEER_SHORT))
        s->peer = PEER_SENDS;
    int want = 0;
    const char *sit = bad ? why : situation(s, &want);   /* a malformed list may loop */
    if(!bad)                     /* a malformed list may loop */
        prepare(s);
    if(!bad)
        play_peer(s, pair, total);
    memcpy(before, s->items, sizeof(before));
    int rc, err;
    if(s->sending) {
        rc = bsendl(pair[0], s->first, s->last, 0);
    } else {
        rc = brecvl(pair[1], s->first, s->last, 0);
    }
    err = errno;
    if(memcmp(before, s->items, sizeof(before)) != 0) {
        char key[64];
        snprintf(key, sizeof(key), "%s/list/modified-after-%s", fn,
            rc == -1 ? dc_errname(err) : "success");
        fz_finding(key, "the caller's list differs after the call");
    }
    expect(fn, why, sit, want, rc, err);
    if(bad || rc != 0)
        return false;
    if(!s->sending) {
        check_received(s);
        return want == 0;
    }
    if(brecv(pair[1], wire, total, 0) != 0) {
        fz_finding("bsendl/data/missing", "the %zu bytes sent did not arrive", total);
        return false;
    }
    if(memcmp(wire, stream(), total) != 0) {
        size_t k = 0;
        while(wire[k] == stream()[k])
            k++;
        fz_finding("bsendl/data/corrupt", "stream byte %zu is not the byte sent", k);
    }
    return true;
}

/* One call on the pair; whether the pair is as a new one would be: every
 * byte the call moved has been read, nothing failed, and the call broke no
 * promise (not even one the target is known to break). */
static bool one_call(struct shape *s, int pair[2]) {
    unsigned deviations = fz_findings_passed_over();
    bool moved = call_and_check(s, pair);
    return moved && fz_findings_passed_over() == deviations;
}

static void close_pair(int pair[2]) {
    for(int i = 0; i < 2; i++)
        if(pair[i] >= 0)
            hclose(pair[i]);
    pair[0] = pair[1] = -1;
}

/* A pair serves the calls after it while it stays as a new one would be
 * (one_call): making and closing a pair cost more than most calls (half the
 * time of an input against libdill 2.14), and a call on a used pair also
 * sees what the calls before it left in the target's buffers.  After a
 * failure, or a malformed list (EINVAL may leave the socket unusable:
 * "the socket cannot be used for receiving from that point on"), the next
 * call gets a new pair. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_begin_input(data, size);
    int fds = fz_fds_before();
    struct fz_in in = {data, size};
    int pair[2] = {-1, -1};
    bool clean = false;
    for(int call = 0; call < MAX_CALLS && !fz_empty(&in); call++) {
        if(!clean) {
            close_pair(pair);
            if(ipc_pair(pair) != 0) {
                fz_finding("ipc_pair/setup/failed", "%s", dc_errname(errno));
                pair[0] = pair[1] = -1;
            }
        }
        struct shape s;
        decode(&in, &s);
        clean = one_call(&s, pair);
    }
    close_pair(pair);
    fz_check_fds(fds, "every pair was closed");
    return 0;
}
