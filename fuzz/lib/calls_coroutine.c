/* Coroutines: a receiver blocked on a connection, its cancellation by
 * hclose (go(3), hclose(3), msleep(3)), and yields. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdill.h>

#include "model.h"

/******************************************************************************/
/*  Coroutines                                                                */
/******************************************************************************/

/* Receives one byte with no deadline; once canceled, tries two more calls
 * that must both fail with ECANCELED (go(3), hclose(3), msleep(3)). */
static coroutine void receiver(struct run *r, int c) {
    struct cell *cell = &r->cells[c];
    struct ep *e = &r->eps[cell->ep];
    uint8_t byte = 0;
    cell->rc = brecv(cell->h, &byte, 1, -1);
    cell->err = errno;
    if(cell->rc == 0) {
        cell->byte_ok = e->peer != NONE && byte == pattern(e->peer, e->rcvd);
        e->rcvd++;
    } else {
        e->in_dead = true;
    }
    e->busy_cell = NONE;
    cell->done = true;
    if(cell->rc == -1 && cell->err == ECANCELED) {
        /* Not the same socket: its receiving side is over already. */
        cell->after_rc = msleep(now() + 50);
        cell->after_err = errno;
        int pair[2];
        cell->pair_rc = ipc_pair(pair);
        cell->pair_err = errno;
        if(cell->pair_rc == 0) {
            hclose(pair[0]);
            hclose(pair[1]);
        }
    }
}

void op_go_recv(struct run *r, const struct fz_op *op) {
    int h, s, slot = free_slot(r, op->b);
    if(r->mode != FZ_ORACLE || slot == NONE || !resolve(r, op->a, &h, &s))
        return;
    if(s == NONE || r->slots[s].kind != CONN || r->ncells == FZ_MAX_OPS)
        return;
    struct ep *e = &r->eps[r->slots[s].ep];
    if(e->busy_cell != NONE || fd_ahead(r, e, e->rcvd, SIZE_MAX))
        return;
    int c = r->ncells++;
    r->cells[c] = (struct cell){.ep = r->slots[s].ep, .h = h};
    e->busy_cell = c;
    int cr = go(receiver(r, c));
    if(cr < 0) {
        e->busy_cell = NONE;
        r->ncells--;
        return;
    }
    set_slot(r, slot, COROUTINE, cr, NULL);
    r->slots[slot].cell = c;
}

void op_yield(struct run *r, const struct fz_op *op) {
    if(r->mode != FZ_ORACLE)
        return;
    int rc = (op->len & 1) ? msleep(now() + 1) : yield();
    if(rc != 0)
        fz_finding("yield/always/failed", "yield or msleep failed: %s",
            fz_errname(errno));
}

/* hclose(3): "closes a handle"; on a coroutine, go(3): "the coroutine is
 * canceled", and its blocking calls fail with ECANCELED from then on.  A
 * call still blocked when hclose came fails with ECANCELED even if its
 * event (its byte, or the peer's end) had already arrived: the coroutine had
 * not run again, and cancellation wins (ref/README reading 17; the
 * conformance rows brecv/ECANCELED/same-step-as-event and
 * ipc_close/ECANCELED/same-step-as-event). */
void close_coroutine(struct run *r, int s) {
    struct cell *c = &r->cells[r->slots[s].cell];
    bool was_blocked = !c->done;
    int rc = hclose(r->slots[s].h);
    int err = errno;
    judge(r, FZ_HCLOSE, &MUST_SUCCEED("coroutine"), rc, err, false);
    forget(r, s);
    if(r->mode != FZ_ORACLE || r->lost)
        return;
    if(!c->done)
        finding(FZ_HCLOSE, "coroutine", "still-running",
            "hclose returned before the coroutine finished");
    bool canceled = c->rc == -1 && c->err == ECANCELED;
    if(was_blocked && !canceled)
        finding(FZ_BRECV, "canceled-while-blocked", fz_errname(c->rc ? c->err : 0),
            "blocked brecv returned %d/%s after hclose of its coroutine",
            c->rc, fz_errname(c->err));
    if(canceled) {
        if(c->after_rc != -1 || c->after_err != ECANCELED)
            finding(FZ_MSLEEP, "after-cancel", fz_errname(c->after_rc ? c->after_err : 0),
                "a later msleep in the canceled coroutine returned %d/%s",
                c->after_rc, fz_errname(c->after_err));
        if(c->pair_rc != -1 || c->pair_err != ECANCELED)
            finding(FZ_IPC_PAIR, "after-cancel", fz_errname(c->pair_rc ? c->pair_err : 0),
                "ipc_pair in the canceled coroutine returned %d/%s",
                c->pair_rc, fz_errname(c->pair_err));
    }
    if(c->rc == 0 && !c->byte_ok)
        finding(FZ_BRECV, "coroutine", "wrong-bytes",
            "the byte a coroutine received is not the byte sent");
}
