/*
 * iolist - bsendl(3)/brecvl(3) with generated list shapes: loops anywhere,
 * `last` outside the list, non-zero iol_rsvd anywhere, NULL bases, zero
 * lengths, NULL first or last.
 *
 * Oracle: EINVAL exactly when the list is malformed as the pages define it
 * ("If last->iol_next is not NULL. If first and last don't belong to the
 * same list. If there's a loop in the list. If iol_rsvd of any item is
 * non-zero."), plus the readings ref/README.md gives (NULL first or last,
 * and a NULL base with a non-zero length when sending, are EINVAL); the
 * caller's list exactly as it was after every call ("once the function
 * returns the list is guaranteed to be the same as before the call"); and
 * for a valid list, the bytes received equal the bytes sent, NULL-based
 * items skipping theirs.
 *
 * Each operation: 1 byte of direction and item count, then 4 bytes per
 * item (length, base, next, reserved) and 2 bytes naming first and last.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <libdill.h>

#include "executor.h"
#include "fuzz.h"

const char fz_harness[] = "iolist";

#define MAX_ITEMS 8
#define MAX_LEN 64
#define MAX_CALLS 8

struct shape {
    int n;                              /* items in use; item n is a stray */
    struct iolist items[MAX_ITEMS + 1];
    struct iolist *first, *last;
    bool sending;
};

static uint8_t space[(MAX_ITEMS + 1) * MAX_LEN];

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
    for(int i = 0; i <= MAX_ITEMS; i++) {
        struct iolist *it = &s->items[i];
        uint8_t len = fz_u8(in), base = fz_u8(in), next = fz_u8(in), rsvd = fz_u8(in);
        it->iol_len = len % MAX_LEN;
        it->iol_base = base % 5 == 0 ? NULL : space + i * MAX_LEN;
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

static uint8_t pattern(size_t pos) {
    return (uint8_t)(pos * 11 + 3);
}

/* Fills the send buffers of a valid list with the pattern, in order. */
static void fill(struct shape *s) {
    size_t pos = 0;
    for(struct iolist *it = s->first; it; it = it->iol_next) {
        for(size_t k = 0; it->iol_base && k < it->iol_len; k++)
            ((uint8_t *)it->iol_base)[k] = pattern(pos + k);
        pos += it->iol_len;
        if(it == s->last)
            break;
    }
}

static void check_received(struct shape *s) {
    size_t pos = 0;
    for(struct iolist *it = s->first; it; it = it->iol_next) {
        for(size_t k = 0; it->iol_base && k < it->iol_len; k++)
            if(((uint8_t *)it->iol_base)[k] != pattern(pos + k))
                fz_finding("brecvl/valid/wrong-bytes", "byte %zu differs", pos + k);
        pos += it->iol_len;
        if(it == s->last)
            break;
    }
}

/* A malformed list's key names its shape: "brecvl/last-has-next/succeeded". */
static void expect(const char *fn, const char *why, int rc, int err) {
    char key[64];
    bool bad = why != NULL;
    if(bad && (rc != -1 || err != EINVAL)) {
        snprintf(key, sizeof(key), "%s/%s/%s", fn, why, rc == -1 ? dc_errname(err) : "succeeded");
        fz_finding(key, "a malformed list (%s) must give EINVAL", why);
    }
    if(!bad && rc != 0) {
        snprintf(key, sizeof(key), "%s/valid/%s", fn, dc_errname(err));
        fz_finding(key, "a valid list must be sent or received");
    }
}

static void one_call(struct shape *s, const int pair[2]) {
    struct iolist before[MAX_ITEMS + 1];
    static uint8_t wire[(MAX_ITEMS + 1) * MAX_LEN];
    size_t total = 0;
    const char *why = malformed(s, &total);
    bool bad = why != NULL;
    const char *fn = s->sending ? "bsendl" : "brecvl";
    /* A target known to crash or hang on one shape of list is spared that
     * shape, and that shape only ("brecvl/loop/crash"). */
    char crash[64];
    snprintf(crash, sizeof(crash), "%s/%s/crash", fn, why ? why : "valid");
    if(bad && fz_known(crash))
        return;
    memcpy(before, s->items, sizeof(before));
    int rc, err;
    if(s->sending) {
        if(!bad)                 /* a malformed list may loop */
            fill(s);
        rc = bsendl(pair[0], s->first, s->last, 0);
        err = errno;
    } else {
        for(size_t i = 0; !bad && i < total; i++)
            wire[i] = pattern(i);
        if(!bad && bsend(pair[0], wire, total, 0) != 0)
            fz_finding("bsend/setup/failed", "could not send %zu bytes", total);
        rc = brecvl(pair[1], s->first, s->last, 0);
        err = errno;
    }
    if(memcmp(before, s->items, sizeof(before)) != 0)
        fz_finding(s->sending ? "bsendl/list/modified" : "brecvl/list/modified",
            "the caller's list differs after the call");
    expect(fn, why, rc, err);
    if(bad || rc != 0)
        return;
    if(s->sending) {
        if(brecv(pair[1], wire, total, 0) != 0)
            fz_finding("bsendl/valid/lost", "the bytes sent did not arrive");
        for(size_t i = 0; i < total; i++)
            if(wire[i] != pattern(i))
                fz_finding("bsendl/valid/wrong-bytes", "byte %zu differs", i);
    } else {
        check_received(s);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_begin_input(data, size);
    int fds = fz_fds_before();
    struct fz_in in = {data, size};
    for(int call = 0; call < MAX_CALLS && !fz_empty(&in); call++) {
        int pair[2];
        if(ipc_pair(pair) != 0)
            fz_finding("ipc_pair/setup/failed", "%s", dc_errname(errno));
        struct shape s;
        decode(&in, &s);
        one_call(&s, pair);
        hclose(pair[0]);
        hclose(pair[1]);
    }
    fz_check_fds(fds, "every pair was closed");
    return 0;
}
