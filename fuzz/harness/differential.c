/*
 * differential - the same call program (see program.h) run by this process
 * against the target it was built with and by a peer process, the
 * dillspec-fuzz-trace program built against a second target, compared step
 * by step: whether each call failed, returned 0 or a handle, its errno, and
 * a checksum of the bytes it received.  Timed deadlines, coroutines and
 * yields are left out of both runs (executor.h), so two conforming targets
 * agree on every step but where the pages leave the outcome open (EPIPE or
 * ECONNRESET once the peer is gone, say): a step both models allowed, of
 * such a promise, may differ, and ends the comparison (the two targets'
 * states may differ from there on).  The bytes received must always agree,
 * and so must the calls on a connection where an fd call failed (below).
 *
 * The first divergence is a finding keyed "<call>/<what ours did>~<what
 * theirs did>" (no target's name: one expectations file serves a build
 * under any name), so that the same divergence found through different
 * programs collapses to one key, and a key the known-deviations file lists
 * is passed over.  A peer that dies is a finding too, and is
 * restarted.
 *
 *   DILLSPEC_FUZZ_PEER       the peer program (default: the one built
 *                            beside this harness, against the same target)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "executor.h"
#include "fuzz.h"
#include "program.h"
#include "vtime.h"

const char fz_harness[] = "differential";

extern char **environ;

static pid_t peer = -1;
static int to_peer = -1, from_peer = -1;

/* The peer: DILLSPEC_FUZZ_PEER, else the one built with this harness, else
 * one beside this program (as OSS-Fuzz lays out $OUT). */
static const char *peer_program(void) {
    static char beside[4096];
    const char *set = getenv("DILLSPEC_FUZZ_PEER");
    if(set && *set)
        return set;
#ifdef DILLSPEC_TRACE_PROGRAM
    if(access(DILLSPEC_TRACE_PROGRAM, X_OK) == 0)
        return DILLSPEC_TRACE_PROGRAM;
#endif
    ssize_t n = readlink("/proc/self/exe", beside, sizeof(beside) - 32);
    if(n > 0) {
        beside[n] = 0;
        char *slash = strrchr(beside, '/');
        if(slash) {
            strcpy(slash + 1, "dillspec-fuzz-trace");
            return beside;
        }
    }
    return "dillspec-fuzz-trace";
}

/* At exit: the peer sees the end of its input and ends; waiting for it
 * makes its CPU time part of this process's children's. */
static void stop_peer(void) {
    if(peer < 0)
        return;
    close(to_peer);
    close(from_peer);
    waitpid(peer, NULL, 0);
    peer = -1;
}

static void start_peer(void) {
    const char *prog = peer_program();
    int in[2], out[2];
    if(pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
        perror("differential: pipe");
        exit(2);
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    char *argv[] = {(char *)prog, NULL};
    if(posix_spawnp(&peer, prog, &fa, NULL, argv, environ) != 0) {
        fprintf(stderr, "differential: cannot start the peer %s\n", prog);
        exit(2);
    }
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    to_peer = in[1];
    from_peer = out[0];
    signal(SIGPIPE, SIG_IGN);
    static bool registered;
    if(!registered) {
        registered = true;
        atexit(stop_peer);
    }
}

/* Whether the peer answers within PEER_TIMEOUT_MS: a peer that hangs on
 * an input is killed, and the hang is a finding.  The wait is real: the
 * peer is another process, which virtual time (vtime.h) knows nothing of.
 * A peer that deadlocks answers at once with a trace that ends in the call
 * that hung, then exits (tools/trace_main.c); the timeout remains for one
 * that spins. */
#define PEER_TIMEOUT_MS 5000   /* under the replay's 10 s per input */

static bool peer_answers(void) {
    struct pollfd p = {.fd = from_peer, .events = POLLIN};
    int rc;
    do
        rc = fz_real_poll(&p, 1, PEER_TIMEOUT_MS);
    while(rc < 0 && errno == EINTR);
    if(rc > 0)
        return true;
    kill(peer, SIGKILL);
    return false;
}

/* Hands the input to the peer, which runs it while this process runs its
 * own (two cores, half the wall time).  False if the peer is gone. */
static bool peer_start(const uint8_t *data, uint32_t size) {
    if(peer < 0)
        start_peer();
    return fz_io_all(to_peer, &size, sizeof(size), true) == 0 &&
        fz_io_all(to_peer, (void *)data, size, true) == 0;
}

static int peer_end(void) {
    int status = 0;
    close(to_peer);
    close(from_peer);
    waitpid(peer, &status, 0);
    peer = -1;
    return status;
}

/* The peer's trace of the input it was given: 1, 0 if the peer died on
 * it, -1 if it hung without saying where.  A peer whose trace ends with a
 * call that hung (FZ_HUNG) has exited after writing it. */
static int peer_trace(bool started, struct fz_trace *t) {
    if(started && peer_answers() &&
            fz_io_all(from_peer, &t->n, sizeof(t->n), false) == 0 &&
            t->n >= 0 && t->n <= (int)(sizeof(t->steps) / sizeof(t->steps[0])) &&
            fz_io_all(from_peer, t->steps, (size_t)t->n * sizeof(t->steps[0]), false) == 0) {
        if(t->n > 0 && t->steps[t->n - 1].outcome == FZ_HUNG)
            peer_end();
        return 1;
    }
    int status = peer_end();
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? -1 : 0;
}

 /* A call that would have slept in the kernel (a wrapped fd left blocking,
  * blockwatch.h) is its own outcome, whatever it then returned. */
static const char *outcome(const struct fz_step *s) {
    return s->blocked ? "blocked" : s->outcome == 0 ? "ok" : s->outcome == 1 ? "handle"
         : s->outcome == FZ_SKIPPED ? "skipped" : s->outcome == FZ_HUNG ? "hung"
         : dc_errname(s->err);
}

/* Whether a receive of operation `op` skips bytes (a NULL base with a
 * length): a brecv's NULL buffer, an item of the list a brecvl's or a
 * transfer's receive passes (program.h). */
static bool skips(const struct fz_op *op, bool list) {
    struct fz_item it[FZ_LIST_MAX];
    size_t span, len = op->len;
    unsigned shape = op->flags;
    if(op->code == FZ_OP_TRANSFER) {
        len = fz_transfer_size(op->len_code) / (1 + op->b % 4u);
        shape = op->b >> 2;
    } else if(!list) {
        return (op->flags & FZ_FLAG_SKIP) != 0;
    }
    int n = fz_list_shape(len, shape, true, it, &span);
    for(int i = 0; i < n; i++)
        if(it[i].null && it[i].len)
            return true;
    return false;
}

/* Whether a bsendl of operation `op` passes a list whose last item is
 * empty (program.h). */
static bool ends_empty(const struct fz_op *op) {
    struct fz_item it[FZ_LIST_MAX];
    size_t span;
    int n = fz_list_shape(op->len, op->flags, false, it, &span);
    return n > 0 && it[n - 1].len == 0;
}

/* The call a step made, NULL-buffer receives named apart (a target may
 * treat skipping differently from receiving), so are bsendl calls whose
 * list ends in an empty item (a target may wait on it), and calls on a connection
 * where ipc_sendfd or ipc_recvfd failed named apart (what follows such a
 * failure is the project's reading, spec/ipc_sendfd.md). */
static const char *call_name(const struct fz_program *prog, const struct fz_step *s) {
    static char name[48];
    const struct fz_op *op = s->op < prog->n ? &prog->ops[s->op] : NULL;
    bool receive = s->code == FZ_OP_BRECV || s->code == FZ_OP_BRECVL;
    bool send_list = op && op->code == FZ_OP_BSENDL && s->code == FZ_OP_BSENDL;
    snprintf(name, sizeof(name), "%s%s%s%s", fz_op_name((enum fz_opcode)s->code),
        op && receive && skips(op, s->code == FZ_OP_BRECVL) ? "-null-buffer" : "",
        send_list && ends_empty(op) ? "-ends-empty" : "",
        s->after_fd ? "-after-fd-call-failure" : "");
    return name;
}

static void compare(const struct fz_program *prog, const struct fz_trace *ours,
        const struct fz_trace *theirs) {
    int n = ours->n < theirs->n ? ours->n : theirs->n;
    for(int i = 0; i < n; i++) {
        const struct fz_step *a = &ours->steps[i], *b = &theirs->steps[i];
        bool same_outcome = a->outcome == b->outcome && a->err == b->err;
        if(same_outcome && a->sum == b->sum && a->after_fd == b->after_fd &&
                a->list == b->list && a->blocked == b->blocked)
            continue;
        if(!same_outcome && a->open && b->open && a->blocked == b->blocked)
            return;   /* both as the pages allow */
        char key[160], theirs_out[24];
        snprintf(theirs_out, sizeof(theirs_out), "%s", outcome(b));
        /* The same outcome: what differs is the bytes received, the
         * descriptors passed (calls_fd.c), or the caller's list after. */
        bool fd_call = a->code == FZ_OP_SENDFD || a->code == FZ_OP_RECVFD;
        const char *what = !same_outcome ? NULL
            : a->list != b->list ? (a->list ? "list-modified~list-unchanged"
                                            : "list-unchanged~list-modified")
            : a->sum != b->sum ? (fd_call ? "fd~fd" : "bytes~bytes") : NULL;
        if(what)
            snprintf(key, sizeof(key), "%s/%s", call_name(prog, a), what);
        else
            snprintf(key, sizeof(key), "%s/%s~%s", call_name(prog, a), outcome(a),
                theirs_out);
        fz_finding(key, "step %d (program op %d) diverges", i, a->op);
        return;   /* known: later steps follow from a different state */
    }
    if(ours->n != theirs->n)
        fz_finding("trace/length", "%d steps here, %d in the peer", ours->n, theirs->n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_begin_input(data, size);
    static struct fz_program prog;
    static struct fz_trace ours, theirs;
    if(size > FZ_MAX_OPS * 5)
        size = FZ_MAX_OPS * 5;
    bool started = peer_start(data, (uint32_t)size);
    fz_decode(data, size, &prog);
    fz_execute(&prog, FZ_TRACE, &ours);
    fz_clean_dir();
    int answered = peer_trace(started, &theirs);
    if(answered == 0)
        fz_finding("peer/died/crash", "the peer died running this input");
    if(answered == -1)
        fz_finding("peer/hung/timeout", "the peer did not finish in %d ms", PEER_TIMEOUT_MS);
    if(answered != 1)
        return 0;
    if(fz_tracing()) {
        fz_trace_steps(&ours);
        fz_trace_steps(&theirs);
    }
    compare(&prog, &ours, &theirs);
    return 0;
}
