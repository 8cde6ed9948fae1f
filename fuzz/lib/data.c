/* The bytes of the streams: what a send puts in its buffers (the pattern
 * of program.h), how a receive's buffers are primed, and the checks on what
 * a receive got: every byte at its position ("Nothing is lost", and
 * nothing changed or moved), none written outside the items, and the
 * caller's list as it was (bsendl(3)/brecvl(3): "once the function returns
 * the list is guaranteed to be the same as before the call"). */
#include <stdio.h>
#include <string.h>

#include <libdill.h>

#include "model.h"

/* What the gaps between a receive's pieces hold; any value will do: a
 * stray write is the stream's byte, which differs from it in all but one
 * case in 256, and a gap is FZ_LIST_GAP bytes. */
#define GAP_BYTE 0xA5

void fz_fill_pattern(uint8_t *buf, size_t n, int ep, uint32_t pos) {
    memcpy(buf, fz_stream(ep, pos), n);
}

FZ_EVERY_BYTE uint32_t fz_fnv1a(uint32_t sum, const uint8_t *buf, size_t n) {
    for(size_t i = 0; i < n; i++)
        sum = (sum ^ buf[i]) * 16777619u;
    return sum;
}

FZ_EVERY_BYTE static size_t first_difference(const uint8_t *a, const uint8_t *b,
        size_t n) {
    size_t i = 0;
    while(i < n && a[i] == b[i])
        i++;
    return i;
}

static void chain(struct fz_buf *b, uint8_t *mem) {
    for(int i = 0; i < b->n; i++)
        b->iol[i] = (struct iolist){b->items[i].null ? NULL : mem + b->items[i].at,
            b->items[i].len, i + 1 < b->n ? &b->iol[i + 1] : NULL, 0};
    memcpy(b->copy, b->iol, sizeof(b->iol[0]) * (size_t)b->n);
}

void fz_buf_list(struct fz_buf *b, uint8_t *mem, size_t len, unsigned shape,
        bool receiving) {
    b->mem = mem;
    b->len = len;
    b->n = fz_list_shape(len, shape, receiving, b->items, &b->span);
    chain(b, mem);
}

void fz_buf_plain(struct fz_buf *b, uint8_t *mem, size_t len, bool null) {
    b->mem = mem;
    b->len = len;
    b->n = 1;
    b->items[0] = (struct fz_item){FZ_LIST_GAP, len, null};
    b->span = len + 2 * FZ_LIST_GAP;
    chain(b, mem);
}

void fz_buf_fill(struct fz_buf *b, int ep, uint32_t pos) {
    const uint8_t *want = fz_stream(ep, pos);
    for(int i = 0; i < b->n; i++) {
        if(!b->items[i].null)
            memcpy(b->mem + b->items[i].at, want, b->items[i].len);
        want += b->items[i].len;
    }
}

/* The gaps of a buffer, before each item and after the last up to the
 * span, as offsets and lengths; returns how many. */
static int gaps(const struct fz_buf *b, size_t at[FZ_LIST_MAX + 1],
        size_t len[FZ_LIST_MAX + 1]) {
    size_t from = 0;
    int n = 0;
    for(int i = 0; i <= b->n; i++) {
        size_t end = i < b->n ? b->items[i].at : b->span;
        if(end > from) {
            at[n] = from;
            len[n++] = end - from;
        }
        if(i < b->n && b->items[i].at + b->items[i].len > from)
            from = b->items[i].at + b->items[i].len;
    }
    return n;
}

void fz_buf_prime(struct fz_buf *b, int ep, uint32_t pos) {
    /* The stream one byte on differs from it at every position (fuzz.h). */
    const uint8_t *unlike = fz_stream(ep, pos) + 1;
    for(int i = 0; i < b->n; i++) {
        if(!b->items[i].null)
            memcpy(b->mem + b->items[i].at, unlike, b->items[i].len);
        unlike += b->items[i].len;
    }
    size_t at[FZ_LIST_MAX + 1], len[FZ_LIST_MAX + 1];
    for(int g = gaps(b, at, len); g-- > 0;)
        memset(b->mem + at[g], GAP_BYTE, len[g]);
}

bool fz_buf_skips(const struct fz_buf *b) {
    for(int i = 0; i < b->n; i++)
        if(b->items[i].null && b->items[i].len)
            return true;
    return false;
}

bool fz_buf_list_changed(const struct fz_buf *b) {
    return memcmp(b->copy, b->iol, sizeof(b->iol[0]) * (size_t)b->n) != 0;
}

/* A byte outside every item that is not the gap's: its offset, -1 if none.
 * (A NULL-based item's room lies between two gaps: no pointer to it is
 * given, so a write there crosses a gap first.) */
static long overrun(const struct fz_buf *b) {
    size_t at[FZ_LIST_MAX + 1], len[FZ_LIST_MAX + 1];
    int n = gaps(b, at, len);
    for(int g = 0; g < n; g++) {
        long k = fz_first_unlike(b->mem + at[g], len[g], GAP_BYTE);
        if(k >= 0)
            return (long)at[g] + k;
    }
    return -1;
}

uint32_t fz_buf_check(struct fz_run *r, enum dc_fn fn, const struct fz_buf *b,
        int ep, uint32_t pos) {
    const uint8_t *want = fz_stream(ep, pos);
    size_t off = 0;
    for(int i = 0; i < b->n; i++) {
        const struct fz_item *it = &b->items[i];
        const uint8_t *got = b->mem + it->at;
        if(!it->null && memcmp(got, want + off, it->len) != 0) {
            size_t k = first_difference(got, want + off, it->len);
            if(r->mode == FZ_ORACLE)
                fz_call_finding(fn, "data", "corrupt", "stream byte %u (item %d, "
                    "byte %zu of %zu): 0x%02x where 0x%02x was sent",
                    (unsigned)(pos + off + k), i, k, it->len, got[k], want[off + k]);
            return (uint32_t)(off + k) + 1;
        }
        off += it->len;
    }
    return fz_buf_check_overrun(r, fn, b);
}

uint32_t fz_buf_check_overrun(struct fz_run *r, enum dc_fn fn, const struct fz_buf *b) {
    long at = overrun(b);
    if(at < 0)
        return 0;
    if(r->mode == FZ_ORACLE)
        fz_call_finding(fn, "data", "overrun", "a byte outside the list's items was "
            "written (buffer offset %ld of %zu)", at, b->span);
    return 0x80000000u | (uint32_t)at;
}

void fz_check_list(struct fz_run *r, enum dc_fn fn, const struct fz_buf *b,
        int rc, int err) {
    if(r->mode != FZ_ORACLE || !fz_buf_list_changed(b))
        return;
    char observed[48];
    snprintf(observed, sizeof(observed), "modified-after-%s",
        rc == -1 ? dc_errname(err) : "success");
    for(int i = 0; i < b->n; i++)
        if(memcmp(&b->iol[i], &b->copy[i], sizeof(b->iol[i])) != 0)
            fz_call_finding(fn, "list", observed, "item %d of %d changed: "
                "iol_next %s, iol_rsvd %d, iol_len %zu -> %zu", i, b->n,
                b->iol[i].iol_next == b->copy[i].iol_next ? "kept" : "changed",
                b->iol[i].iol_rsvd, b->copy[i].iol_len, b->iol[i].iol_len);
}

void fz_note_list(struct fz_run *r, const struct fz_buf *b) {
    if(r->step)
        r->step->list = fz_buf_list_changed(b);
}
