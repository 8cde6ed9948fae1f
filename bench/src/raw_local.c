/* The physical limit in one process: both ends of a non-blocking
 * socketpair driven by one thread with bare syscalls, no poller and no
 * scheduler.  What a coroutine library does in one process can only add to
 * this. */
#include "figures.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "raw_io.h"
#include "stream.h"

static int nonblocking_pair(int sv[2]) {
    if(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
        return bench_fail("socketpair");
    return 0;
}

/* One end of a stream: which message it is on and how far into it. */
struct pump {
    int fd;
    uint64_t i;
    struct msg_cursor c;
};

/* Sends until the socket buffer is full or everything is sent.  A short
 * send means the buffer is full: trying again would only fetch EAGAIN. */
static int pump_send(struct pump *tx, const struct job *job, const struct stream *st) {
    while(tx->i != job->count) {
        if(!tx->c.rest)
            cursor_start(&tx->c, (void *)pattern_message(st->pattern, tx->i),
                job->size, job->pieces);
        if(cursor_send(tx->fd, &tx->c) < 0) return bench_fail("sendmsg");
        if(tx->c.rest) return 0;
        ++tx->i;
    }
    return 0;
}

/* Receives until the socket buffer is empty, checksumming each message.  A
 * short receive means the buffer is empty. */
static int pump_recv(struct pump *rx, const struct job *job, struct stream *st) {
    while(rx->i != job->count) {
        if(!rx->c.rest) cursor_start(&rx->c, st->rbuf, job->size, job->pieces);
        if(cursor_recv(rx->fd, &rx->c) < 0) return bench_fail("recvmsg");
        if(rx->c.rest) return 0;
        stream_received(st, rx->i, job->size);
        ++rx->i;
    }
    return 0;
}

static int pump_stream(int sv[2], const struct job *job, struct stream *st, uint64_t *ns) {
    struct pump tx = {.fd = sv[0]}, rx = {.fd = sv[1]};
    uint64_t start = bench_clock_ns();
    while(rx.i != job->count)
        if(pump_send(&tx, job, st) < 0 || pump_recv(&rx, job, st) < 0) return -1;
    *ns = bench_clock_ns() - start;
    return 0;
}

int raw_local_stream(const struct job *job, uint64_t *ns) {
    struct stream st;
    int sv[2];
    if(stream_open(&st, job) < 0) return -1;
    int rc = nonblocking_pair(sv);
    if(rc == 0) {
        rc = pump_stream(sv, job, &st, ns);
        if(rc == 0) rc = stream_verify(&st);
        close(sv[0]);
        close(sv[1]);
    }
    stream_close(&st);
    return rc;
}

/* Sends one byte each way; the byte always waits in the buffer already, so
 * no call can see EAGAIN. */
static int bounce(int a, int b, unsigned char out) {
    unsigned char in = 0, back = 0;
    if(write(a, &out, 1) != 1) return bench_fail("write ping");
    if(read(b, &in, 1) != 1) return bench_fail("read ping");
    if(write(b, &in, 1) != 1) return bench_fail("write pong");
    if(read(a, &back, 1) != 1) return bench_fail("read pong");
    if(back != out) return bench_failx("ping-pong: the byte came back changed");
    return 0;
}

int raw_local_pingpong(const struct job *job, uint64_t *ns) {
    int sv[2];
    if(nonblocking_pair(sv) < 0) return -1;
    int rc = 0;
    uint64_t start = bench_clock_ns();
    for(uint64_t i = 0; i != job->count && rc == 0; ++i)
        rc = bounce(sv[0], sv[1], (unsigned char)i);
    *ns = bench_clock_ns() - start;
    close(sv[0]);
    close(sv[1]);
    return rc;
}

/* Reads the peer's end-of-stream: what ipc_close waits for. */
static int expect_eof(int fd) {
    char c;
    ssize_t n = read(fd, &c, 1);
    if(n < 0) return bench_fail("read waiting for shutdown");
    if(n > 0) return bench_failx("connection: data where shutdown was expected");
    return 0;
}

/* connect, accept, then an orderly close on both sides: shutdown, wait for
 * the peer's shutdown, close, as ipc_close does.  A UNIX connect completes
 * at once while the backlog has room, so one thread can play both roles. */
static int connect_once(int listener, const char *path) {
    int c = raw_connect(path, 1);
    if(c < 0) return bench_fail("connect");
    int s = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if(s < 0) { close(c); return bench_fail("accept4"); }
    int rc = 0;
    if(shutdown(c, SHUT_WR) < 0 || shutdown(s, SHUT_WR) < 0) rc = bench_fail("shutdown");
    if(rc == 0) rc = expect_eof(s);
    if(rc == 0) rc = expect_eof(c);
    close(c);
    close(s);
    return rc;
}

int raw_local_connections(const struct job *job, uint64_t *ns) {
    char path[BENCH_PATH_MAX];
    if(bench_socket_path(path, "raw") < 0) return -1;
    int listener = raw_listen(path, 1);
    if(listener < 0) { bench_socket_path_remove(path); return bench_fail("listen"); }
    int rc = 0;
    uint64_t start = bench_clock_ns();
    for(uint64_t i = 0; i != job->count && rc == 0; ++i) rc = connect_once(listener, path);
    *ns = bench_clock_ns() - start;
    close(listener);
    bench_socket_path_remove(path);
    return rc;
}
