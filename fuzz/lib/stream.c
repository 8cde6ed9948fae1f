/* The bytes the harnesses send (see fuzz.h): a table of hashed bytes, made
 * once, in which no byte equals the one before it, extended by a window so
 * that every stretch a call moves is one memcpy or memcmp away. */
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
