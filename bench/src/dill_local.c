/* The target in one process: two coroutines at the two ends of a
 * connection, switching whenever a socket buffer fills or empties. */
#include "figures.h"

#include <libdill.h>

#include "link.h"
#include "stream.h"

/* Both ends of an ipc_pair, as links sharing one deadline. */
static void pair_links(int s[2], struct link *a, struct link *b) {
    int64_t deadline = now() + BENCH_DEADLINE_MS;
    *a = (struct link){.kind = LINK_DILL, .fd = s[0], .deadline = deadline};
    *b = (struct link){.kind = LINK_DILL, .fd = s[1], .deadline = deadline};
}

coroutine static void stream_sender(const struct link *l, const struct job *job,
      const struct stream *st, int *rc) {
    *rc = link_send_stream(l, job, st);
}

/* Receives the stream the sender coroutine sends, timing both. */
static int pair_stream(int s[2], const struct job *job, struct stream *st, uint64_t *ns) {
    struct link tx, rx;
    pair_links(s, &tx, &rx);
    int sender_rc = -1;
    uint64_t start = bench_clock_ns();
    int cr = go(stream_sender(&tx, job, st, &sender_rc));
    if(cr < 0) return bench_fail("go");
    int rc = link_recv_stream(&rx, job, st);
    /* After a failure the sender may be stuck: hclose cancels it. */
    if(rc == 0 && bundle_wait(cr, rx.deadline) < 0) rc = bench_fail("bundle_wait (sender)");
    *ns = bench_clock_ns() - start;
    hclose(cr);
    return rc < 0 || sender_rc < 0 ? -1 : stream_verify(st);
}

int dill_local_stream(const struct job *job, uint64_t *ns) {
    struct stream st;
    int s[2];
    if(stream_open(&st, job) < 0) return -1;
    int rc = ipc_pair(s);
    if(rc < 0) bench_fail("ipc_pair");
    else {
        rc = pair_stream(s, job, &st, ns);
        hclose(s[0]);
        hclose(s[1]);
    }
    stream_close(&st);
    return rc;
}

coroutine static void echoer(const struct link *l, uint64_t count, int *rc) {
    *rc = link_echo(l, count);
}

static int pair_pingpong(int s[2], const struct job *job, uint64_t *ns) {
    struct link ping, echo;
    pair_links(s, &ping, &echo);
    int echo_rc = -1;
    int cr = go(echoer(&echo, job->count, &echo_rc));
    if(cr < 0) return bench_fail("go");
    uint64_t start = bench_clock_ns();
    int rc = link_ping(&ping, job->count);
    *ns = bench_clock_ns() - start;
    if(rc == 0 && bundle_wait(cr, ping.deadline) < 0) rc = bench_fail("bundle_wait (echo)");
    hclose(cr);
    return rc < 0 || echo_rc < 0 ? -1 : 0;
}

int dill_local_pingpong(const struct job *job, uint64_t *ns) {
    int s[2];
    if(ipc_pair(s) < 0) return bench_fail("ipc_pair");
    int rc = pair_pingpong(s, job, ns);
    hclose(s[0]);
    hclose(s[1]);
    return rc;
}

/* Accepts and closes `count` connections; *accepted says how many closed
 * cleanly, so that a lost connection shows. */
coroutine static void acceptor(int ls, uint64_t count, int64_t deadline, uint64_t *accepted) {
    for(uint64_t i = 0; i != count; ++i) {
        int s = ipc_accept(ls, deadline);
        if(s < 0) { bench_fail("ipc_accept"); return; }
        if(ipc_close(s, deadline) < 0) { bench_fail("ipc_close (accepted)"); return; }
        ++*accepted;
    }
}

static int connect_all(const char *path, uint64_t count, int64_t deadline) {
    for(uint64_t i = 0; i != count; ++i) {
        int s = ipc_connect(path, deadline);
        if(s < 0) return bench_fail("ipc_connect");
        if(ipc_close(s, deadline) < 0) return bench_fail("ipc_close (connected)");
    }
    return 0;
}

static int accept_and_connect(int ls, const char *path, const struct job *job, uint64_t *ns) {
    int64_t deadline = now() + BENCH_DEADLINE_MS;
    uint64_t accepted = 0;
    uint64_t start = bench_clock_ns();
    int cr = go(acceptor(ls, job->count, deadline, &accepted));
    if(cr < 0) return bench_fail("go");
    int rc = connect_all(path, job->count, deadline);
    if(rc == 0 && bundle_wait(cr, deadline) < 0) rc = bench_fail("bundle_wait (acceptor)");
    *ns = bench_clock_ns() - start;
    hclose(cr);
    if(rc == 0 && accepted != job->count)
        rc = bench_failx("connections: fewer accepted and closed than connected");
    return rc;
}

int dill_local_connections(const struct job *job, uint64_t *ns) {
    char path[BENCH_PATH_MAX];
    if(bench_socket_path(path, "dill") < 0) return -1;
    int rc = -1;
    int ls = ipc_listen(path, 64);
    if(ls < 0) bench_fail("ipc_listen");
    else {
        rc = accept_and_connect(ls, path, job, ns);
        hclose(ls);
    }
    bench_socket_path_remove(path);
    return rc;
}
