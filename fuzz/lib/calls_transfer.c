/* Transfers (program.h): up to 280 KiB from one end of a connection to the
 * other, sent by a coroutine with one bsend or bsendl while this coroutine
 * receives them at the peer in up to four brecv or brecvl calls.  More
 * than a kernel socket buffer, the send goes out in several writes and a
 * receive is filled by several reads, with list items of every shape on
 * both sides: where a target can lose, repeat or move bytes that a single
 * write and read never show.  Every byte is judged at its position
 * (data.c); bsend(3)/brecv(3): "There is no such thing as partial send" and
 * none of partial receive, so every call must succeed, and one byte more
 * sent and received after it must be the stream's next.  Each call's step in
 * a trace is named by its own function (the step's code), so that the
 * differential harness's keys say which call diverged. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libdill.h>

#include "model.h"

/* Room for a transfer's bytes in any list shape. */
#define ROOM (FZ_TRANSFER_MAX + (FZ_LIST_MAX + 1) * FZ_LIST_GAP)

struct sender {
    int h;
    struct fz_buf *b;
    bool list;
    int64_t deadline;
    bool done;
    int rc, err;
};

static coroutine void send_all(struct sender *s) {
    s->rc = s->list ? bsendl(s->h, &s->b->iol[0], &s->b->iol[s->b->n - 1], s->deadline)
                    : bsend(s->h, s->b->iol[0].iol_base, s->b->len, s->deadline);
    s->err = errno;
    s->done = true;
}

static int slot_of_ep(const struct fz_run *r, int ep) {
    for(int s = 0; s < FZ_NSLOTS; s++)
        if(r->slots[s].kind == FZ_CONN && r->slots[s].ep == ep)
            return s;
    return FZ_NONE;
}

/* Bytes `e` sent that its peer has not received. */
static size_t in_flight(const struct fz_run *r, const struct fz_ep *e) {
    return e->sent - r->eps[e->peer].rcvd;
}

/* Whether `e` can send `size` bytes that its peer, in a slot of its own,
 * can receive, with nothing else going on on the connection.  The receives
 * take the bytes in flight before the send too (no fd among them): they
 * then take every byte of the send, so a send still blocked after them
 * waits for nothing.  Behind unread bytes they would leave the send's last
 * bytes in the socket, and a conforming send could still be waiting for
 * room to write them. */
static bool ready(const struct fz_run *r, const struct fz_ep *e, size_t size) {
    if(r->lost || r->transfers == FZ_MAX_TRANSFERS ||
            r->transferred + size > FZ_TRANSFER_BUDGET)
        return false;
    if(e->peer == FZ_NONE || e->out_done || e->out_dead || e->busy_cell != FZ_NONE)
        return false;
    const struct fz_ep *p = &r->eps[e->peer];
    return p->open && !p->in_dead && !p->in_unsure && p->busy_cell == FZ_NONE &&
        in_flight(r, e) + size <= FZ_TRANSFER_MAX &&
        !fz_fd_ahead(r, p, p->rcvd, SIZE_MAX) && slot_of_ep(r, e->peer) != FZ_NONE;
}

/* The receiving side: `calls` receives of equal parts of `size` bytes at
 * `p`, the first one also taking the `early` bytes in flight before the
 * transfer, each judged; true if all succeeded. */
static bool receive_all(struct fz_run *r, struct fz_ep *p, int h, size_t size,
        size_t early, uint8_t b, int64_t deadline) {
    static uint8_t mem[ROOM];
    static struct fz_buf rb;
    unsigned calls = 1 + b % 4u, shape = b >> 2;
    enum dc_fn fn = shape ? DC_BRECVL : DC_BRECV;
    for(unsigned i = 0; i < calls; i++) {
        size_t part = size / calls + (i == calls - 1 ? size % calls : 0) +
            (i == 0 ? early : 0);
        if(shape)
            fz_buf_list(&rb, mem, part, shape, true);
        else
            fz_buf_plain(&rb, mem, part, false);
        fz_buf_prime(&rb, p->peer, p->rcvd);
        int rc = shape ? brecvl(h, &rb.iol[0], &rb.iol[rb.n - 1], deadline)
                       : brecv(h, rb.iol[0].iol_base, part, deadline);
        int err = errno;
        if(rc != 0 && !r->lost)
            fz_buf_check_overrun(r, fn, &rb);
        fz_check_list(r, fn, &rb, rc, err);
        /* The bytes were sent: the receive must get them.  Named apart when
         * it skips some, as plain receives are (calls_stream.c). */
        struct fz_expect x = fz_buf_skips(&rb) ? FZ_MUST_SUCCEED("data-sent-null-buffer")
                                               : FZ_MUST_SUCCEED("data-sent");
        r->code = shape ? FZ_OP_BRECVL : FZ_OP_BRECV;
        bool ok = fz_judge(r, fn, &x, rc, err, false);
        fz_note_list(r, &rb);
        if(ok) {
            uint32_t bad = r->lost ? 0 : fz_buf_check(r, fn, &rb, p->peer, p->rcvd);
            if(r->step)
                r->step->sum = bad;
        }
        fz_account_recv(p, ok, (uint32_t)part);
        if(!ok)
            return false;
    }
    return true;
}

/* After a transfer, one more byte from `e` to its peer: the stream's next
 * at both ends, so that a byte the send added past its end (or one the
 * receives left) shows here and not in some later call, or never. */
static void next_byte(struct fz_run *r, struct fz_ep *e, int h, int ph,
        int64_t deadline) {
    static uint8_t mem[1 + 2 * FZ_LIST_GAP];
    static struct fz_buf b;
    struct fz_ep *p = &r->eps[e->peer];
    fz_buf_plain(&b, mem, 1, false);
    fz_buf_fill(&b, (int)(e - r->eps), e->sent);   /* the stream e sends */
    r->code = FZ_OP_BSEND;
    int rc = bsend(h, b.iol[0].iol_base, 1, deadline);
    bool ok = fz_judge(r, DC_BSEND, &FZ_MUST_SUCCEED("room"), rc, errno, false);
    fz_account_send(e, ok, 1, false);
    if(!ok)
        return;
    int stream = (int)(e - r->eps);
    fz_buf_prime(&b, stream, p->rcvd);
    r->code = FZ_OP_BRECV;
    rc = brecv(ph, b.iol[0].iol_base, 1, deadline);
    ok = fz_judge(r, DC_BRECV, &FZ_MUST_SUCCEED("data-sent"), rc, errno, false);
    if(ok) {
        uint32_t bad = r->lost ? 0 : fz_buf_check(r, DC_BRECV, &b, stream, p->rcvd);
        if(r->step)
            r->step->sum = bad;
    }
    fz_account_recv(p, ok, 1);
}

void fz_op_transfer(struct fz_run *r, const struct fz_op *op) {
    int h, s;
    size_t size = fz_transfer_size(op->len_code);
    if(!fz_resolve(r, op->a, &h, &s) || s == FZ_NONE || r->slots[s].kind != FZ_CONN)
        return;
    struct fz_ep *e = &r->eps[r->slots[s].ep];
    if(!ready(r, e, size))
        return;
    struct fz_ep *p = &r->eps[e->peer];
    size_t early = in_flight(r, e);
    static uint8_t mem[ROOM];
    static struct fz_buf sb;
    bool list = op->flags != 0;
    if(list)
        fz_buf_list(&sb, mem, size, op->flags, false);
    else
        fz_buf_plain(&sb, mem, size, false);
    fz_buf_fill(&sb, (int)(e - r->eps), e->sent);
    int64_t deadline = now() + FZ_TRANSFER_MS;
    /* Static: the coroutine writes it on a path that, as the compiler sees
     * go()'s expansion, never comes back here, so a local's fields could be
     * taken as unchanged after the receives (libdill 2.14's go() made it
     * so: the send was seen as never done). */
    static struct sender snd;
    snd = (struct sender){h, &sb, list, deadline, false, 0, 0};
    int cr = go(send_all(&snd));
    if(cr < 0)
        return;
    r->transfers++;
    r->transferred += size;
    bool received = receive_all(r, p, r->slots[slot_of_ep(r, e->peer)].h, size,
        early, op->b, deadline);
    /* Its bytes all taken, the send has nothing left to wait for but the
     * socket's room (libdill 2.14 waits for it after its last write when
     * the list ends in a zero-length item), which a sleep lets the
     * scheduler see. */
    for(int i = 0; i < 2 && !snd.done; i++)
        yield();
    if(!snd.done)
        msleep(now() + 1);
    bool blocked = !snd.done;
    int rc = hclose(cr);
    r->code = FZ_OP_HCLOSE;
    fz_judge(r, DC_HCLOSE, &FZ_MUST_SUCCEED("coroutine"), rc, errno, false);
    enum dc_fn fn = list ? DC_BSENDL : DC_BSEND;
    if(received && blocked && r->mode == FZ_ORACLE && !r->lost)
        fz_call_finding(fn, "data", "still-sending", "all %zu bytes were received "
            "and the send had not returned", size);
    fz_check_list(r, fn, &sb, snd.rc, snd.err);
    struct fz_expect x = received ? FZ_MUST_SUCCEED("transfer")
                                  : FZ_EITHER("transfer-receiver-failed", 0);
    r->code = list ? FZ_OP_BSENDL : FZ_OP_BSEND;
    bool ok = fz_judge(r, fn, &x, snd.rc, snd.err, false);
    fz_note_list(r, &sb);
    fz_account_send(e, ok, (uint32_t)size, false);
    if(ok && received)
        next_byte(r, e, h, r->slots[slot_of_ep(r, e->peer)].h, deadline);
}
