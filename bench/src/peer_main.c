/* The spawned peer process: connects back and serves commands. */
#include "peer.h"

#include <errno.h>
#include <libdill.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "peer_wire.h"
#include "raw_io.h"
#include "stream.h"

static int connect_back(enum link_kind kind, const char *path) {
    if(kind == LINK_RAW) return raw_connect(path, 0);
    return ipc_connect(path, now() + BENCH_DEADLINE_MS);
}

/* Waiting for the next command has no deadline: the benchmark may be busy
 * with other figures for a while, and if it dies we read end-of-stream. */
static int next_command(struct link *l, struct peer_cmd *cmd) {
    l->deadline = -1;
    if(link_recv(l, cmd, sizeof *cmd, 1) < 0) return bench_fail("peer: reading a command");
    if(l->kind == LINK_DILL) l->deadline = now() + BENCH_DEADLINE_MS;
    return 0;
}

static int ready(const struct link *l) {
    if(link_send(l, &PEER_READY_BYTE, 1, 1) < 0) return bench_fail("peer: ready");
    return 0;
}

static int serve_stream(const struct link *l, const struct job *job) {
    struct stream st = {.pattern = pattern_new(job->size)};
    char go_byte = 0;
    int rc = st.pattern ? ready(l) : bench_fail("peer: allocating the pattern");
    if(rc == 0 && (link_recv(l, &go_byte, 1, 1) < 0 || go_byte != PEER_GO_BYTE))
        rc = bench_failx("peer: no go");
    if(rc == 0) rc = link_send_stream(l, job, &st);
    free(st.pattern);
    return rc;
}

static int serve(struct link *l) {
    for(;;) {
        struct peer_cmd cmd;
        if(next_command(l, &cmd) < 0) return -1;
        if(cmd.op != PEER_QUIT && cmd.pieces != 1 && cmd.pieces != 4)
            return bench_failx("peer: bad command");
        struct job job = {.size = cmd.size, .pieces = (int)cmd.pieces, .count = cmd.count};
        int rc;
        switch(cmd.op) {
        case PEER_STREAM: rc = serve_stream(l, &job); break;
        case PEER_ECHO: rc = ready(l) < 0 ? -1 : link_echo(l, job.count); break;
        case PEER_QUIT: return 0;
        default: return bench_failx("peer: unknown command");
        }
        if(rc < 0) return -1;
    }
}

int peer_main(int argc, char **argv) {
    if(argc != 2 || (strcmp(argv[0], "raw") && strcmp(argv[0], "dill")))
        return bench_failx("usage: dillspec-bench --peer raw|dill PATH"), 2;
    enum link_kind kind = strcmp(argv[0], "raw") ? LINK_DILL : LINK_RAW;
    struct link l = {.kind = kind, .deadline = -1};
    l.fd = connect_back(kind, argv[1]);
    if(l.fd < 0) return bench_fail("peer: connecting back"), 1;
    int rc = serve(&l);
    if(kind == LINK_RAW) close(l.fd);
    else hclose(l.fd);
    return rc < 0;
}
