#include "link.h"

#include "bench.h"
#include "dill_io.h"
#include "raw_io.h"
#include "stream.h"

int link_send(const struct link *l, const void *base, size_t size, int pieces) {
    return l->kind == LINK_RAW ? raw_send_msg(l->fd, base, size, pieces)
                               : dill_send_msg(l->fd, base, size, pieces, l->deadline);
}

int link_recv(const struct link *l, void *base, size_t size, int pieces) {
    return l->kind == LINK_RAW ? raw_recv_msg(l->fd, base, size, pieces)
                               : dill_recv_msg(l->fd, base, size, pieces, l->deadline);
}

int link_send_stream(const struct link *l, const struct job *job, const struct stream *st) {
    for(uint64_t i = 0; i != job->count; ++i)
        if(link_send(l, pattern_message(st->pattern, i), job->size, job->pieces) < 0)
            return bench_fail("stream: send");
    return 0;
}

int link_recv_stream(const struct link *l, const struct job *job, struct stream *st) {
    for(uint64_t i = 0; i != job->count; ++i) {
        if(link_recv(l, st->rbuf, job->size, job->pieces) < 0)
            return bench_fail("stream: receive");
        stream_received(st, i, job->size);
    }
    return 0;
}

int link_ping(const struct link *l, uint64_t count) {
    for(uint64_t i = 0; i != count; ++i) {
        unsigned char out = (unsigned char)(i * 7 + 1), back = 0;
        if(link_send(l, &out, 1, 1) < 0) return bench_fail("ping: send");
        if(link_recv(l, &back, 1, 1) < 0) return bench_fail("ping: receive");
        if(back != out) return bench_failx("ping-pong: the byte came back changed");
    }
    return 0;
}

int link_echo(const struct link *l, uint64_t count) {
    for(uint64_t i = 0; i != count; ++i) {
        unsigned char c;
        if(link_recv(l, &c, 1, 1) < 0) return bench_fail("echo: receive");
        if(link_send(l, &c, 1, 1) < 0) return bench_fail("echo: send");
    }
    return 0;
}
