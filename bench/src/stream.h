/* The buffers of one stream run, shared by every stream benchmark: what the
 * sender sends, where the receiver receives, and the checksums to compare. */
#ifndef DILLSPEC_BENCH_STREAM_H
#define DILLSPEC_BENCH_STREAM_H
#include "bench.h"
#include "pattern.h"

struct stream {
    unsigned char *pattern;   /* message i is pattern_message(pattern, i) */
    unsigned char *rbuf;      /* one message's worth */
    struct checksum expected; /* computed before the clock starts */
    struct checksum got;      /* the receiver adds each message it gets */
};

/* Allocates and precomputes for job->count messages of job->size bytes.
 * Returns 0, or -1 (said on stderr). */
int stream_open(struct stream *st, const struct job *job);
/* The receiver got message i into st->rbuf: adds it to st->got. */
void stream_received(struct stream *st, uint64_t i, size_t size);
/* Self-check (--self-check): when set, stream_received flips one bit of
 * message 0 first, which stream_verify must then catch. */
extern int stream_corrupt_first;
/* 0 if everything arrived intact, else -1 (said on stderr). */
int stream_verify(const struct stream *st);
void stream_close(struct stream *st);

#endif
