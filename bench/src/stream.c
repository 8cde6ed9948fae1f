#include "stream.h"

#include <stdlib.h>

int stream_open(struct stream *st, const struct job *job) {
    st->pattern = pattern_new(job->size);
    st->rbuf = bench_alloc_pages(job->size);
    if(!st->pattern || !st->rbuf) {
        stream_close(st);
        return bench_fail("allocating stream buffers");
    }
    checksum_expected(&st->expected, st->pattern, job->size, job->count);
    checksum_init(&st->got);
    return 0;
}

int stream_corrupt_first;

void stream_received(struct stream *st, uint64_t i, size_t size) {
    if(stream_corrupt_first && i == 0) st->rbuf[0] ^= 1;
    checksum_add(&st->got, st->rbuf, size);
}

int stream_verify(const struct stream *st) {
    if(!checksum_equal(&st->expected, &st->got))
        return bench_failx("checksum mismatch: received bytes differ from those sent");
    return 0;
}

void stream_close(struct stream *st) {
    free(st->pattern);
    free(st->rbuf);
    st->pattern = st->rbuf = NULL;
}
