#include "pattern.h"

#include <stdlib.h>
#include <string.h>

unsigned char *pattern_new(size_t size) {
    unsigned char *p = malloc(size + PATTERN_SHIFTS);
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
    c->a = 1;
    c->b = 0;
}

void checksum_add(struct checksum *c, const void *buf, size_t len) {
    const unsigned char *p = buf;
    uint64_t a = c->a, b = c->b;
    for(; len >= 8; p += 8, len -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);   /* unaligned-safe; compiles to one load */
        a += w;
        b += a;
    }
    for(; len; ++p, --len) {
        a += *p;
        b += a;
    }
    c->a = a;
    c->b = b;
}

int checksum_equal(const struct checksum *x, const struct checksum *y) {
    return x->a == y->a && x->b == y->b;
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
