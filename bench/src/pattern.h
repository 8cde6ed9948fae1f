/* The bytes the stream benchmarks move, and the checksum that proves they
 * all arrived, in order, unchanged. */
#ifndef DILLSPEC_BENCH_PATTERN_H
#define DILLSPEC_BENCH_PATTERN_H
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* Message i is PATTERN_SHIFTS-periodic: it starts at byte (i % PATTERN_SHIFTS)
 * of the pattern, so consecutive messages differ and a lost, repeated or
 * reordered message changes the checksum. */
#define PATTERN_SHIFTS 251

/* A pseudo-random buffer of size + PATTERN_SHIFTS bytes; NULL if out of memory. */
unsigned char *pattern_new(size_t size);
const unsigned char *pattern_message(const unsigned char *pattern, uint64_t i);

/* A position-sensitive checksum chained message after message: Fletcher
 * style, a running sum `a` of 8-byte words and a sum `b` of those running
 * sums, in four independent lanes (word k of each 32-byte block goes to lane
 * k) so that the adds do not wait on each other.  It runs at tens of GB/s,
 * so it hides as little as possible of the transport's cost it is part of. */
#define CHECKSUM_LANES 4   /* checksum_add spells the four out */
struct checksum { uint64_t a[CHECKSUM_LANES], b[CHECKSUM_LANES]; };
void checksum_init(struct checksum *c);
void checksum_add(struct checksum *c, const void *buf, size_t len);
int checksum_equal(const struct checksum *x, const struct checksum *y);

/* How fast checksum_add runs here, over 1 MiB messages: MiB/s, or 0 when
 * out of memory. */
double checksum_mib_per_s(void);

/* What the receiver of `count` messages of `size` bytes must end up with. */
void checksum_expected(struct checksum *c, const unsigned char *pattern,
    size_t size, uint64_t count);

/* Where piece k (0..pieces-1) of a size-byte message starts and how long it
 * is: equal pieces, the remainder in the last, so that a 1-byte message is
 * three empty pieces and one byte. */
size_t piece_offset(size_t size, int pieces, int k);
size_t piece_length(size_t size, int pieces, int k);

#endif
