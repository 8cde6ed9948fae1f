/* Coroutines: a receiver blocked on a connection, and yields (its
 * cancellation by hclose is judged in calls_close.c). */
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
static coroutine void receiver(struct fz_run *r, int c) {
    struct fz_cell *cell = &r->cells[c];
    struct fz_ep *e = &r->eps[cell->ep];
    uint8_t byte = 0;
    cell->rc = brecv(cell->h, &byte, 1, -1);
    cell->err = errno;
    if(cell->rc == 0) {
        cell->byte_ok = e->peer != FZ_NONE && byte == fz_pattern(e->peer, e->rcvd);
        e->rcvd++;
    } else {
        e->in_dead = true;
    }
    e->busy_cell = FZ_NONE;
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

void fz_op_go_recv(struct fz_run *r, const struct fz_op *op) {
    int h, s, slot = fz_free_slot(r, op->b);
    if(r->mode != FZ_ORACLE || slot == FZ_NONE || !fz_resolve(r, op->a, &h, &s))
        return;
    if(s == FZ_NONE || r->slots[s].kind != FZ_CONN || r->ncells == FZ_MAX_OPS)
        return;
    struct fz_ep *e = &r->eps[r->slots[s].ep];
    if(e->busy_cell != FZ_NONE || fz_fd_ahead(r, e, e->rcvd, SIZE_MAX))
        return;
    int c = r->ncells++;
    r->cells[c] = (struct fz_cell){.ep = r->slots[s].ep, .h = h};
    e->busy_cell = c;
    int cr = go(receiver(r, c));
    if(cr < 0) {
        e->busy_cell = FZ_NONE;
        r->ncells--;
        return;
    }
    fz_set_slot(r, slot, FZ_COROUTINE, cr, NULL);
    r->slots[slot].cell = c;
}

void fz_op_yield(struct fz_run *r, const struct fz_op *op) {
    if(r->mode != FZ_ORACLE)
        return;
    int rc = (op->len & 1) ? msleep(now() + 1) : yield();
    if(rc != 0)
        fz_finding("yield/always/failed", "yield or msleep failed: %s",
            dc_errname(errno));
}
