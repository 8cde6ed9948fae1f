#include "peer.h"

#include <errno.h>
#include <libdill.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "peer_wire.h"
#include "raw_io.h"

extern char **environ;

/* How long the peer may take to start and connect. */
#define PEER_START_MS 10000

static struct link peer_link(const struct peer *p) {
    return (struct link){.kind = p->kind, .fd = p->conn,
        .deadline = p->kind == LINK_DILL ? now() + BENCH_DEADLINE_MS : -1};
}

/* The peer is this program, or DILLSPEC_BENCH_PEER: another target's
 * dillspec-bench of the same tree, so that a cross-process figure can mix
 * one library's receiver with another's sender and tell which end is slow. */
static const char *peer_program(void) {
    const char *other = getenv("DILLSPEC_BENCH_PEER");
    return other && *other ? other : "/proc/self/exe";
}

static int spawn_peer(struct peer *p, const char *path) {
    char *argv[] = {"dillspec-bench", "--peer",
        p->kind == LINK_RAW ? "raw" : "dill", (char *)path, NULL};
    int err = posix_spawn(&p->pid, peer_program(), NULL, NULL, argv, environ);
    if(err) { errno = err; return bench_fail("posix_spawn of the peer"); }
    return 0;
}

static int accept_raw(struct peer *p, int listener) {
    struct pollfd pfd = {.fd = listener, .events = POLLIN};
    int n = poll(&pfd, 1, PEER_START_MS);
    if(n <= 0) { if(n == 0) errno = ETIMEDOUT; return bench_fail("waiting for the peer"); }
    p->conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if(p->conn < 0) return bench_fail("accept4 (peer)");
    return raw_set_timeouts(p->conn, BENCH_DEADLINE_MS / 1000);
}

static int listen_spawn_accept(struct peer *p, const char *path) {
    if(p->kind == LINK_RAW) {
        int listener = raw_listen(path, 0);
        if(listener < 0) return bench_fail("listen (peer)");
        int rc = spawn_peer(p, path);
        if(rc == 0) rc = accept_raw(p, listener);
        close(listener);
        return rc;
    }
    int ls = ipc_listen(path, 1);
    if(ls < 0) return bench_fail("ipc_listen (peer)");
    int rc = spawn_peer(p, path);
    if(rc == 0) {
        p->conn = ipc_accept(ls, now() + PEER_START_MS);
        if(p->conn < 0) rc = bench_fail("ipc_accept (peer)");
    }
    hclose(ls);
    return rc;
}

int peer_start(struct peer *p, enum link_kind kind) {
    char path[BENCH_PATH_MAX];
    *p = (struct peer){.kind = kind, .pid = -1, .conn = -1};
    if(bench_socket_path(path, "peer") < 0) return -1;
    int rc = listen_spawn_accept(p, path);
    bench_socket_path_remove(path);
    if(rc < 0 && p->pid > 0) { kill(p->pid, SIGKILL); waitpid(p->pid, NULL, 0); }
    return rc;
}

static int reap(pid_t pid) {
    int status;
    if(waitpid(pid, &status, 0) < 0) return bench_fail("waitpid (peer)");
    if(!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return bench_failx("the peer process failed");
    return 0;
}

int peer_stop(struct peer *p) {
    struct peer_cmd cmd = {.op = PEER_QUIT};
    struct link l = peer_link(p);
    int rc = 0;
    if(link_send(&l, &cmd, sizeof cmd, 1) < 0) rc = bench_fail("telling the peer to quit");
    if(p->kind == LINK_RAW) close(p->conn);
    else hclose(p->conn);
    if(rc < 0) kill(p->pid, SIGKILL);
    if(reap(p->pid) < 0) rc = -1;
    return rc;
}

int peer_begin(struct peer *p, enum peer_op op, const struct job *job, struct link *l) {
    struct peer_cmd cmd = {.op = op, .pieces = (uint32_t)job->pieces,
        .size = job->size, .count = job->count};
    char ready = 0;
    *l = peer_link(p);
    if(link_send(l, &cmd, sizeof cmd, 1) < 0) return bench_fail("sending the peer a command");
    if(link_recv(l, &ready, 1, 1) < 0 || ready != PEER_READY_BYTE)
        return bench_failx("the peer did not get ready");
    return 0;
}

int peer_go(const struct link *l) {
    if(link_send(l, &PEER_GO_BYTE, 1, 1) < 0) return bench_fail("starting the peer");
    return 0;
}
