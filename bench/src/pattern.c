#include "pattern.h"

#include <stdlib.h>
#include <string.h>

#include "bench.h"

unsigned char *pattern_new(size_t size) {
    unsigned char *p = bench_alloc_pages(size + PATTERN_SHIFTS);
    if(!p) return NULL;
    /* xorshift64: fast, and no two windows of the buffer look alike. */
    uint64_t x = 0x9e3779b97f4a7c15u;
    for(size_t i = 0; i != size + PATTERN_SHIFTS; ++i) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        p[i] = (unsigned char)(x >> 32);
    }
    return p;
}

const unsigned char *pattern_message(const unsigned char *pattern, uint64_t i) {
    return pattern + i % PATTERN_SHIFTS;
}

void checksum_init(struct checksum *c) {
    for(int k = 0; k != CHECKSUM_LANES; ++k) {
        c->a[k] = 1;
        c->b[k] = 0;
    }
}

static uint64_t load_word(const unsigned char *p) {
    uint64_t w;
    memcpy(&w, p, 8);   /* unaligned-safe; compiles to one load */
    return w;
}

void checksum_add(struct checksum *c, const void *buf, size_t len) {
    const unsigned char *p = buf;
    /* Named locals rather than arrays: compilers keep these in registers. */
    uint64_t a0 = c->a[0], a1 = c->a[1], a2 = c->a[2], a3 = c->a[3];
    uint64_t b0 = c->b[0], b1 = c->b[1], b2 = c->b[2], b3 = c->b[3];
    for(; len >= 32; p += 32, len -= 32) {
        a0 += load_word(p);      b0 += a0;
        a1 += load_word(p + 8);  b1 += a1;
        a2 += load_word(p + 16); b2 += a2;
        a3 += load_word(p + 24); b3 += a3;
    }
    /* The tail, byte by byte, in lane 0. */
    for(; len; ++p, --len) {
        a0 += *p;
        b0 += a0;
    }
    c->a[0] = a0; c->a[1] = a1; c->a[2] = a2; c->a[3] = a3;
    c->b[0] = b0; c->b[1] = b1; c->b[2] = b2; c->b[3] = b3;
}

int checksum_equal(const struct checksum *x, const struct checksum *y) {
    return memcmp(x, y, sizeof *x) == 0;
}

void checksum_expected(struct checksum *c, const unsigned char *pattern,
      size_t size, uint64_t count) {
    checksum_init(c);
    for(uint64_t i = 0; i != count; ++i)
        checksum_add(c, pattern_message(pattern, i), size);
}

size_t piece_offset(size_t size, int pieces, int k) {
    return (size / (size_t)pieces) * (size_t)k;
}

size_t piece_length(size_t size, int pieces, int k) {
    size_t even = size / (size_t)pieces;
    return k == pieces - 1 ? size - even * (size_t)(pieces - 1) : even;
}

/* Where the timed checksum goes, so the compiler cannot drop the loop. */
static volatile uint64_t checksum_sink;

double checksum_mib_per_s(void) {
    enum { SIZE = 1 << 20, ROUNDS = 64 };
    unsigned char *p = pattern_new(SIZE);
    if(!p) return 0;
    struct checksum c;
    checksum_init(&c);
    uint64_t start = bench_clock_ns();
    for(int i = 0; i != ROUNDS; ++i) checksum_add(&c, pattern_message(p, (uint64_t)i), SIZE);
    double ns = (double)(bench_clock_ns() - start);
    for(int k = 0; k != CHECKSUM_LANES; ++k) checksum_sink ^= c.a[k] ^ c.b[k];
    free(p);
    return ns > 0 ? (double)SIZE * ROUNDS / ns * 1e9 / (1024.0 * 1024.0) : 0;
}
