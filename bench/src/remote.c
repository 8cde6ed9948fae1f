/* Our side of the cross-process figures.  The same functions serve the
 * baseline and the target: job->peer says how both ends drive the
 * connection (blocking syscalls, or the library in both processes). */
#include "figures.h"

#include "peer.h"
#include "stream.h"

static int receive_stream(const struct job *job, struct stream *st, uint64_t *ns) {
    struct link l;
    if(peer_begin(job->peer, PEER_STREAM, job, &l) < 0) return -1;
    uint64_t start = bench_clock_ns();
    int rc = peer_go(&l);
    if(rc == 0) rc = link_recv_stream(&l, job, st);
    *ns = bench_clock_ns() - start;
    return rc < 0 ? -1 : stream_verify(st);
}

int remote_stream(const struct job *job, uint64_t *ns) {
    struct stream st;
    if(stream_open(&st, job) < 0) return -1;
    int rc = receive_stream(job, &st, ns);
    stream_close(&st);
    return rc;
}

int remote_pingpong(const struct job *job, uint64_t *ns) {
    struct link l;
    if(peer_begin(job->peer, PEER_ECHO, job, &l) < 0) return -1;
    uint64_t start = bench_clock_ns();
    int rc = link_ping(&l, job->count);
    *ns = bench_clock_ns() - start;
    return rc;
}
