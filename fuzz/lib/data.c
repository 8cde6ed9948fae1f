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
 * stray write is the pattern's byte, which differs from it in all but one
 * case in 256, and a gap is FZ_LIST_GAP bytes. */
#define GAP_BYTE 0xA5

FZ_EVERY_BYTE void fz_fill_pattern(uint8_t *buf, size_t n, int ep, uint32_t pos) {
    for(size_t i = 0; i < n; i++)
        buf[i] = fz_pattern(ep, pos + (uint32_t)i);
}

FZ_EVERY_BYTE uint32_t fz_fnv1a(uint32_t sum, const uint8_t *buf, size_t n) {
    for(size_t i = 0; i < n; i++)
        sum = (sum ^ buf[i]) * 16777619u;
    return sum;
}

FZ_EVERY_BYTE static void fill_not(uint8_t *dst, const uint8_t *src, size_t n) {
    for(size_t i = 0; i < n; i++)
        dst[i] = (uint8_t)~src[i];
}

FZ_EVERY_BYTE static size_t first_difference(const uint8_t *a, const uint8_t *b,
        size_t n) {
    size_t i = 0;
    while(i < n && a[i] == b[i])
        i++;
    return i;
}

/* The stream's bytes [pos, pos + len) of endpoint `ep`, made once per call
 * into a buffer that grows as needed. */
static const uint8_t *expected(int ep, uint32_t pos, size_t len) {
    static uint8_t buf[FZ_TRANSFER_MAX];
    fz_fill_pattern(buf, len, ep, pos);
    return buf;
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
    const uint8_t *want = expected(ep, pos, b->len);
    for(int i = 0; i < b->n; i++) {
        if(!b->items[i].null)
            memcpy(b->mem + b->items[i].at, want, b->items[i].len);
        want += b->items[i].len;
    }
}

void fz_buf_prime(struct fz_buf *b, int ep, uint32_t pos) {
    const uint8_t *want = expected(ep, pos, b->len);
    memset(b->mem, GAP_BYTE, b->span);
    for(int i = 0; i < b->n; i++) {
        if(!b->items[i].null)
            fill_not(b->mem + b->items[i].at, want, b->items[i].len);
        want += b->items[i].len;
    }
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

/* A byte outside every item that is not the gap's: -1 if none. */
static long overrun(const struct fz_buf *b) {
    size_t at = 0;
    for(int i = 0; i <= b->n; i++) {
        size_t end = i < b->n ? b->items[i].at : b->span;
        for(; at < end; at++)
            if(b->mem[at] != GAP_BYTE)
                return (long)at;
        if(i < b->n && !b->items[i].null && at < b->items[i].at + b->items[i].len)
            at = b->items[i].at + b->items[i].len;
    }
    return -1;
}

uint32_t fz_buf_check(struct fz_run *r, enum dc_fn fn, const struct fz_buf *b,
        int ep, uint32_t pos) {
    const uint8_t *want = expected(ep, pos, b->len);
    size_t off = 0;
    uint32_t bad = 0;
    for(int i = 0; i < b->n && !bad; i++) {
        const struct fz_item *it = &b->items[i];
        const uint8_t *got = b->mem + it->at;
        if(!it->null && memcmp(got, want + off, it->len) != 0) {
            size_t k = first_difference(got, want + off, it->len);
            bad = (uint32_t)(off + k) + 1;
            if(r->mode == FZ_ORACLE)
                fz_call_finding(fn, "data", "corrupt", "stream byte %u (item %d, "
                    "byte %zu of %zu): 0x%02x where 0x%02x was sent",
                    (unsigned)(pos + off + k), i, k, it->len, got[k], want[off + k]);
        }
        off += it->len;
    }
    long at = bad ? -1 : overrun(b);
    if(at >= 0) {
        bad = 0x80000000u | (uint32_t)at;
        if(r->mode == FZ_ORACLE)
            fz_call_finding(fn, "data", "overrun", "a byte outside the list's "
                "items was written (buffer offset %ld of %zu)", at, b->span);
    }
    return bad;
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
