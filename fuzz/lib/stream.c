/* The bytes the harnesses send (see fuzz.h): a table of hashed bytes, made
 * once, in which no byte equals the one before it, extended by a window so
 * that every stretch a call moves is one memcpy or memcmp away.  And the
 * bytes around what they receive: where a guard of one byte was written. */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"

#define PERIOD (1u << 20)

static uint8_t table[PERIOD + FZ_STREAM_WINDOW + 1];

static uint8_t hash(uint32_t i) {
    uint32_t x = i * 0x9E3779B1u;
    x ^= x >> 15;
    x *= 0x85EBCA77u;
    return (uint8_t)(x >> 24);
}

static void make_table(void) {
    for(uint32_t i = 0; i < PERIOD; i++) {
        uint8_t b = hash(i);
        if(i > 0 && b == table[i - 1])
            b ^= 0x5A;
        table[i] = b;
    }
    /* Across the wrap too: the byte after the last is the first. */
    while(table[0] == table[PERIOD - 1] || table[0] == table[1])
        table[0]++;
    memcpy(table + PERIOD, table, FZ_STREAM_WINDOW + 1);
}

const uint8_t *fz_stream(int s, uint32_t pos) {
    static int made;
    if(!made) {
        make_table();
        made = 1;
    }
    return table + ((pos + (uint32_t)s * 0x9E3779B9u) & (PERIOD - 1));
}

FZ_EVERY_BYTE static size_t first_unlike_byte(const uint8_t *p, size_t n, uint8_t byte) {
    size_t k = 0;
    while(k < n && p[k] == byte)
        k++;
    return k;
}

/* Chunks are compared with memcmp against a block of `byte`, at memory
 * speed (a guard may be a whole item's room); only a chunk that differs is
 * read byte by byte. */
long fz_first_unlike(const uint8_t *p, size_t n, uint8_t byte) {
    static uint8_t block[4096];
    static int filled = -1;
    if(filled != byte) {
        memset(block, byte, sizeof(block));
        filled = byte;
    }
    for(size_t at = 0; at < n; at += sizeof(block)) {
        size_t len = n - at < sizeof(block) ? n - at : sizeof(block);
        if(memcmp(p + at, block, len) != 0)
            return (long)(at + first_unlike_byte(p + at, len, byte));
    }
    return -1;
}
