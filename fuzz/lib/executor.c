/* Runs call programs against the target with a model of what the man pages
 * allow (see executor.h).  Each clause the model encodes is named beside it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdill.h>

#include "model.h"

/******************************************************************************/
/*  The program                                                               */
/******************************************************************************/

/* DILLSPEC_FUZZ_VERBOSE=1 prints each operation before it runs: with
 * dillspec-fuzz-print's listing, it shows where a program hangs. */
static bool verbose(void) {
    static int v = -1;
    if(v < 0)
        v = getenv("DILLSPEC_FUZZ_VERBOSE") != NULL;
    return v;
}

static void step(struct fz_run *r, const struct fz_op *op) {
    r->code = op->code;
    r->after_fd = false;
    if(verbose())
        fprintf(stderr, "op %d: %s\n", r->op, fz_op_name(op->code));
    switch(op->code) {
    case FZ_OP_LISTEN: fz_op_listen(r, op); break;
    case FZ_OP_LISTENER_FROMFD: fz_op_listener_fromfd(r, op); break;
    case FZ_OP_CONNECT: fz_op_connect(r, op); break;
    case FZ_OP_ACCEPT: fz_op_accept(r, op); break;
    case FZ_OP_PAIR: fz_make_pair(r, op, false); break;
    case FZ_OP_FROMFD: fz_make_pair(r, op, true); break;
    case FZ_OP_BSEND: fz_op_send(r, op, false); break;
    case FZ_OP_BSENDL: fz_op_send(r, op, true); break;
    case FZ_OP_BRECV: fz_op_recv(r, op, false); break;
    case FZ_OP_BRECVL: fz_op_recv(r, op, true); break;
    case FZ_OP_DONE: fz_op_done(r, op); break;
    case FZ_OP_IPC_CLOSE: fz_op_ipc_close(r, op); break;
    case FZ_OP_HCLOSE: fz_op_hclose(r, op); break;
    case FZ_OP_GO_RECV: fz_op_go_recv(r, op); break;
    case FZ_OP_BUNDLE: fz_op_bundle(r, op); break;
    case FZ_OP_YIELD: fz_op_yield(r, op); break;
    case FZ_OP_SENDFD: fz_op_sendfd(r, op); break;
    case FZ_OP_RECVFD: fz_op_recvfd(r, op); break;
    default: break;
    }
}

void fz_execute(const struct fz_program *prog, enum fz_mode mode,
        struct fz_trace *trace) {
    static struct fz_run r;
    memset(&r, 0, sizeof(r));
    r.mode = mode;
    r.trace = trace;
    r.last_closed = -1;
    for(int s = 0; s < FZ_NSLOTS; s++)
        r.slots[s].last_h = -1;
    if(trace)
        trace->n = 0;
    for(r.op = 0; r.op < prog->n; r.op++)
        step(&r, &prog->ops[r.op]);
    /* Coroutines first: none may outlive the connection it waits on. */
    for(int s = 0; s < FZ_NSLOTS; s++)
        if(r.slots[s].kind == FZ_COROUTINE)
            fz_close_slot(&r, s);
    for(int s = 0; s < FZ_NSLOTS; s++)
        if(r.slots[s].kind != FZ_EMPTY)
            fz_close_slot(&r, s);
    for(int i = 0; i < r.nmems; i++)
        free(r.mems[i]);
}

static coroutine void send_after_yield(int s) {
    yield();
    bsend(s, "w", 1, now() + 1000);
}

/* The poller's fd comes with the first wait on an fd, so the warm-up makes
 * one that must block: the byte is sent only after the receiver waits.  (A
 * wait bound to time out, brecv(..., now() + 1), can find its deadline
 * already past on libdill's cached clock and return before it reaches the
 * poller; the first input then counted the poller's fd as its own leak.)
 * Under virtual time the wait costs nothing. */
void fz_warm_up(void) {
    now();
    yield();
    msleep(now() + 1);
    int pair[2];
    if(ipc_pair(pair) != 0)
        return;
    int cr = go(send_after_yield(pair[1]));
    char c;
    brecv(pair[0], &c, 1, now() + 1000);
    if(cr >= 0)
        hclose(cr);
    hclose(pair[0]);
    hclose(pair[1]);
}

void fz_begin_input(const uint8_t *data, size_t size) {
    static bool warm;
    fz_save_input(data, size);
    if(!warm) {
        warm = true;
        fz_warm_up();
    }
}
