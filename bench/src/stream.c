#include "stream.h"

#include <stdlib.h>

int stream_open(struct stream *st, const struct job *job) {
    st->pattern = pattern_new(job->size);
    st->rbuf = malloc(job->size);
    if(!st->pattern || !st->rbuf) {
        stream_close(st);
        return bench_fail("allocating stream buffers");
    }
    checksum_expected(&st->expected, st->pattern, job->size, job->count);
    checksum_init(&st->got);
    return 0;
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
