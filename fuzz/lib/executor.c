/* Runs call programs against the target with a model of what the man pages
 * allow (see executor.h).  Each clause the model encodes is named beside it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdill.h>

#include "blockwatch.h"
#include "model.h"
#include "vtime.h"
#include "record.h"

/******************************************************************************/
/*  The program                                                               */
/******************************************************************************/

static void step(struct fz_run *r, const struct fz_op *op) {
    r->code = op->code;
    r->after_fd = false;
    r->on_accepting = false;
    if(fz_verbose())
        fprintf(stderr, "op %d: %s\n", r->op, fz_op_name(op->code));
    fz_record_op(r->op, op);
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
    case FZ_OP_TRANSFER: fz_op_transfer(r, op); break;
    case FZ_OP_MSLEEP: fz_op_msleep(r, op); break;
    case FZ_OP_FDIN: fz_op_fdwait(r, op, false); break;
    case FZ_OP_FDOUT: fz_op_fdwait(r, op, true); break;
    case FZ_OP_FDCLEAN: fz_op_fdclean(r, op); break;
    case FZ_OP_RAWFD: fz_op_rawfd(r, op); break;
    case FZ_OP_RAWIO: fz_op_rawio(r, op); break;
    case FZ_OP_BUNDLE_WAIT: fz_op_bundle_wait(r, op); break;
    case FZ_OP_HOWN: fz_op_hown(r, op); break;
    case FZ_OP_GO_ACCEPT: fz_op_go_accept(r, op); break;
    default: break;
    }
    /* What coroutines did meanwhile, judged before the next call. */
    fz_settle(r);
}

static struct fz_run run;

/* A wait with no deadline while nothing can wake it (vtime.h): every
 * coroutine is blocked, no fd is ready, and none of the program's fds can
 * become ready from outside.  It would never end: reported at once, as the
 * promise the call in progress broke, instead of as a hang. */
void fz_report_hang(void) {
    struct fz_run *r = &run;
    char key[128];
    if(r->closing != FZ_NONE) {
        FZ_EACH_CELL(r, r->closing, c) {
            const struct fz_cell *cell = &r->cells[c];
            if(cell->done)
                continue;
            snprintf(key, sizeof(key), "%s/%s/blocked-forever", dc_fn_name(cell->fn),
                cell->woken ? "canceled-while-woken" : "canceled-while-blocked");
            fz_finding(key, "op %d: hclose waits for a canceled coroutine whose %s never"
                " returns", r->op, dc_fn_name(cell->fn));
            return;
        }
    }
    snprintf(key, sizeof(key), "%s/%s/blocked-forever", fz_op_name((enum fz_opcode)r->code),
        r->call.set ? fz_deadline_name(r->call.mode) : "no-deadline");
    fz_finding(key, "op %d waits for ever: every coroutine is blocked, no fd is ready and"
        " no deadline is set", r->op);
}

void fz_trace_hang(void) {
    struct fz_run *r = &run;
    const int room = (int)(sizeof(r->trace->steps) / sizeof(r->trace->steps[0]));
    if(!r->trace || r->trace->n == room)
        return;
    struct fz_step *s = &r->trace->steps[r->trace->n++];
    memset(s, 0, sizeof(*s));
    s->op = (int16_t)r->op;
    s->code = (int8_t)r->code;
    s->outcome = FZ_HUNG;
}

void fz_execute(const struct fz_program *prog, enum fz_mode mode,
        struct fz_trace *trace) {
    struct fz_run *r = &run;
    memset(r, 0, sizeof(*r));
    r->mode = mode;
    r->trace = trace;
    r->last_closed = -1;
    r->closing = FZ_NONE;
    for(int s = 0; s < FZ_NSLOTS; s++)
        r->slots[s].last_h = -1;
    if(trace)
        trace->n = 0;
    /* Any socket of the target's left blocking (a wrapped one, an accepted
     * one) shows as a call that would have slept (blockwatch.h). */
    int ignored;
    fz_bw_arm(true);
    fz_bw_take(&ignored);
    for(r->op = 0; r->op < prog->n; r->op++)
        step(r, &prog->ops[r->op]);
    /* Coroutines first: none may outlive what it waits on. */
    for(int s = 0; s < FZ_NSLOTS; s++)
        if(r->slots[s].kind == FZ_COROUTINE || r->slots[s].kind == FZ_BUNDLE)
            fz_close_slot(r, s);
    for(int s = 0; s < FZ_NSLOTS; s++)
        if(r->slots[s].kind != FZ_EMPTY)
            fz_close_slot(r, s);
    fz_settle(r);
    fz_bw_arm(false);
    for(int i = 0; i < r->nmems; i++)
        free(r->mems[i]);
}

static coroutine void send_after_yield(int s) {
    yield();
    bsend(s, "w", 1, -1);
}

/* A target may make its poller's fd at its first wait on an fd (ref does),
 * and the fds are counted from the first input on: the warm-up must have
 * waited on an fd for certain.  So its receive blocks (the byte is sent by
 * a coroutine only after the receiver waits) and has no deadline: one that
 * can expire can find itself past, on a clock that moved or lags (real
 * time on a loaded machine, libdill's cached now()), before it reaches the
 * poller, and the first input then counted the poller's fd as its own leak
 * (hygiene/fd-leak/leaked).  The byte must arrive; if the warm-up cannot
 * wait so (no pair, no coroutine), it says so.  Under virtual time the
 * wait costs nothing. */
void fz_warm_up(void) {
    fz_make_quiet_pipe();
    now();
    yield();
    msleep(now() + 1);
    int pair[2];
    if(ipc_pair(pair) != 0) {
        fprintf(stderr, "dillspec-fuzz: warm-up: ipc_pair failed; fd counts may "
            "include the target's poller\n");
        return;
    }
    int cr = go(send_after_yield(pair[1]));
    char c = 0;
    int rc = cr >= 0 ? brecv(pair[0], &c, 1, -1) : -1;
    if(rc != 0 || c != 'w')
        fprintf(stderr, "dillspec-fuzz: warm-up: no wait on an fd; fd counts may "
            "include the target's poller\n");
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
