/* The constructors: what ipc_listen, ipc_listener_fromfd, ipc_connect,
 * ipc_accept, ipc_pair, ipc_fromfd and bundle may do, and the objects they
 * add to the model; and hown, which gives an object a new number.  Each
 * clause is named beside the code that encodes it. */
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdill.h>

#include "model.h"

/******************************************************************************/
/*  Constructors                                                              */
/******************************************************************************/

/* Storage for a _mem variant when the operation asks for one.  It lives
 * until the program ends: ipc_pair_mem's holds both ends of a pair. */
static void *storage(struct fz_run *r, const struct fz_op *op, size_t size) {
    if(!(op->flags & FZ_FLAG_MEM) || r->nmems == FZ_MAX_OPS * 2)
        return NULL;
    void *mem = calloc(1, size);
    if(mem)
        r->mems[r->nmems++] = mem;
    return mem;
}

/* ipc_listen(3): EADDRINUSE when the address is taken, which a socket file
 * left by a closed listener still does. */
void fz_op_listen(struct fz_run *r, const struct fz_op *op) {
    int s = fz_free_slot(r, op->a), a = op->b % FZ_NADDRS;
    if(s == FZ_NONE)
        return;
    struct fz_expect x = fz_path_exists(r, a) ? FZ_MUST_FAIL("address-in-use", EADDRINUSE)
                                        : FZ_MUST_SUCCEED("free-address");
    void *mem = storage(r, op, sizeof(struct ipc_listener_storage));
    int h = mem ? ipc_listen_mem(fz_addr_path(a), FZ_BACKLOG, mem)
                : ipc_listen(fz_addr_path(a), FZ_BACKLOG);
    int err = errno;
    fz_bound(r, a, h >= 0);
    if(!fz_judge(r, DC_IPC_LISTEN, &x, h, err, true))
        return;
    fz_set_slot(r, s, FZ_LISTENER, h, mem);
    r->slots[s].addr = a;
}

/* The type of a socket the harness makes to wrap: blocking, as socket(2)
 * makes it, unless FZ_FLAG_NONBLOCK.  A wrapper must not leave it so, or
 * its deadlines mean nothing (the executor watches for calls that would
 * block the thread: blockwatch.h). */
static int wrapped_type(const struct fz_op *op) {
    return op->flags & FZ_FLAG_NONBLOCK ? SOCK_STREAM | SOCK_NONBLOCK : SOCK_STREAM;
}

/* ipc_listener_fromfd(3) of a listening socket the harness made itself. */
void fz_op_listener_fromfd(struct fz_run *r, const struct fz_op *op) {
    int s = fz_free_slot(r, op->a), a = op->b % FZ_NADDRS;
    if(s == FZ_NONE || fz_path_exists(r, a))
        return;
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", fz_addr_path(a));
    int fd = socket(AF_UNIX, wrapped_type(op), 0);
    if(fd < 0)
        return;
    bool ok = bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
    fz_bound(r, a, ok);
    if(!ok || listen(fd, FZ_BACKLOG) != 0) {
        close(fd);
        return;
    }
    void *mem = storage(r, op, sizeof(struct ipc_listener_storage));
    int h = mem ? ipc_listener_fromfd_mem(fd, mem) : ipc_listener_fromfd(fd);
    struct fz_expect x = FZ_MUST_SUCCEED("listening-fd");
    if(!fz_judge(r, DC_IPC_LISTENER_FROMFD, &x, h, errno, true)) {
        close(fd);
        return;
    }
    fz_set_slot(r, s, FZ_LISTENER, h, mem);
    r->slots[s].addr = a;
}

/* ipc_connect(3): ENOENT when nothing is at the address, ECONNREFUSED when
 * a socket file is there but nobody listens. */
void fz_op_connect(struct fz_run *r, const struct fz_op *op) {
    int s = fz_free_slot(r, op->a), a = op->b % FZ_NADDRS;
    int l = fz_listener_on(r, a);
    if(s == FZ_NONE || (l != FZ_NONE && r->slots[l].npending == FZ_MAX_PENDING))
        return;
    struct fz_expect x = l != FZ_NONE ? FZ_MUST_SUCCEED("listening")
        : fz_path_exists(r, a) ? FZ_MUST_FAIL("nobody-listening", ECONNREFUSED)
        : FZ_MUST_FAIL("no-such-file", ENOENT);
    void *mem = storage(r, op, sizeof(struct ipc_storage));
    int64_t dl = fz_deadline(r, op->dl, true);
    int h = mem ? ipc_connect_mem(fz_addr_path(a), mem, dl) : ipc_connect(fz_addr_path(a), dl);
    int e = fz_new_ep(r);
    if(!fz_judge(r, DC_IPC_CONNECT, &x, h, errno, true) || e == FZ_NONE) {
        if(h >= 0)
            hclose(h);
        return;
    }
    fz_set_slot(r, s, FZ_CONN, h, mem);
    r->slots[s].ep = e;
    if(l != FZ_NONE) {
        r->slots[l].pending[r->slots[l].npending++] = e;
        fz_cells_event(r, FZ_BODY_ACCEPT, l);    /* a coroutine's ipc_accept */
        for(int c = 0; c < r->ncells; c++)
            if(r->cells[c].body == FZ_BODY_ACCEPT && r->cells[c].on == l &&
                    !r->cells[c].done && !r->cells[c].gone)
                r->eps[e].accepting = true;
    } else
        r->eps[e].reset = true;   /* connected to a listener we do not know */
}

/* ipc_accept(3): takes the oldest connection waiting on the listener. */
void fz_op_accept(struct fz_run *r, const struct fz_op *op) {
    int h, l, s = fz_free_slot(r, op->b);
    if(s == FZ_NONE || !fz_resolve(r, op->a, &h, &l))
        return;
    /* A coroutine accepts on it (FZ_OP_GO_ACCEPT): which of the two gets a
     * connection is the scheduler's business. */
    for(int c = 0; c < r->ncells && l != FZ_NONE; c++)
        if(r->cells[c].body == FZ_BODY_ACCEPT && r->cells[c].on == l && !r->cells[c].done &&
                !r->cells[c].gone)
            return;
    struct fz_expect x;
    bool ready = false;
    if(l == FZ_NONE)
        x = FZ_MUST_FAIL("bad-handle", EBADF);
    else if(r->slots[l].kind != FZ_LISTENER)
        x = FZ_MUST_FAIL("not-a-listener", ENOTSUP);
    else if(r->slots[l].npending > 0)
        x = FZ_MUST_SUCCEED("connection-waiting"), ready = true;
    else
        x = FZ_MUST_FAIL("nothing-waiting", ETIMEDOUT);
    void *mem = storage(r, op, sizeof(struct ipc_storage));
    int64_t dl = fz_deadline(r, op->dl, ready || l == FZ_NONE || r->slots[l].kind != FZ_LISTENER);
    int c = mem ? ipc_accept_mem(h, mem, dl) : ipc_accept(h, dl);
    int e = fz_new_ep(r);
    if(!fz_judge(r, DC_IPC_ACCEPT, &x, c, errno, true) || e == FZ_NONE || !ready) {
        if(c >= 0)
            hclose(c);
        return;
    }
    struct fz_slot *ls = &r->slots[l];
    int client = ls->pending[0];
    memmove(ls->pending, ls->pending + 1, sizeof(int) * (size_t)--ls->npending);
    fz_set_slot(r, s, FZ_CONN, c, mem);
    r->slots[s].ep = e;
    r->eps[e].peer = client;
    r->eps[client].peer = e;
}

/* Two connected endpoints in two slots, from ipc_pair(3) or from a
 * socketpair handed to ipc_fromfd(3). */
void fz_make_pair(struct fz_run *r, const struct fz_op *op, bool fromfd) {
    int s0 = fz_free_slot(r, op->a);
    if(s0 == FZ_NONE)
        return;
    r->slots[s0].kind = FZ_BUNDLE;               /* reserve it while looking */
    int s1 = fz_free_slot(r, op->a);
    r->slots[s0].kind = FZ_EMPTY;
    if(s1 == FZ_NONE)
        return;
    int h[2] = {-1, -1}, rc;
    void *mem[2] = {NULL, NULL};
    if(fromfd) {
        int fds[2];
        if(socketpair(AF_UNIX, wrapped_type(op), 0, fds) != 0)
            return;
        for(int i = 0; i < 2; i++) {
            mem[i] = storage(r, op, sizeof(struct ipc_storage));
            h[i] = mem[i] ? ipc_fromfd_mem(fds[i], mem[i]) : ipc_fromfd(fds[i]);
            if(!fz_judge(r, DC_IPC_FROMFD, &FZ_MUST_SUCCEED("socket"),
                    h[i], errno, true))
                close(fds[i]);
        }
        rc = h[0] >= 0 && h[1] >= 0 ? 0 : -1;
    } else {
        mem[0] = storage(r, op, sizeof(struct ipc_pair_storage));
        rc = mem[0] ? ipc_pair_mem(mem[0], h) : ipc_pair(h);
        fz_judge(r, DC_IPC_PAIR, &FZ_MUST_SUCCEED("always"), rc, errno, false);
    }
    int e0 = fz_new_ep(r), e1 = fz_new_ep(r);
    if(rc != 0 || e1 == FZ_NONE) {
        for(int i = 0; i < 2; i++)
            if(h[i] >= 0)
                hclose(h[i]);
        return;
    }
    /* ipc_pair_mem's storage holds both ends: the first slot owns it. */
    fz_set_slot(r, s0, FZ_CONN, h[0], mem[0]);
    fz_set_slot(r, s1, FZ_CONN, h[1], mem[1]);
    r->slots[s0].ep = e0;
    r->slots[s1].ep = e1;
    r->eps[e0].peer = e1;
    r->eps[e1].peer = e0;
}

void fz_op_bundle(struct fz_run *r, const struct fz_op *op) {
    int s = fz_free_slot(r, op->a);
    if(s == FZ_NONE)
        return;
    void *mem = storage(r, op, sizeof(struct bundle_storage));
    int h = mem ? bundle_mem(mem) : bundle();
    if(h < 0) {
        return;
    }
    fz_set_slot(r, s, FZ_BUNDLE, h, mem);
}

/* hown(3): "changes the number associated with the object.  The old
 * number becomes invalid ... The new number can be used in exactly the
 * same way as the old one would.  If the function fails, the old handle is
 * closed."  The slot keeps its object under the new number; the old one is
 * never used again (using it "will result in undefined behavior"). */
void fz_op_hown(struct fz_run *r, const struct fz_op *op) {
    int h, s;
    if(!fz_resolve(r, op->a, &h, &s))
        return;
    struct fz_expect x = s == FZ_NONE ? FZ_MUST_FAIL("bad-handle", EBADF)
                                      : FZ_MUST_SUCCEED("live");
    int nh = hown(h);
    if(fz_judge(r, DC_HOWN, &x, nh, errno, true)) {
        if(s == FZ_NONE)
            hclose(nh);
        else
            r->slots[s].h = nh;
    } else if(s != FZ_NONE) {
        fz_cells_closed_under(r, s);
        fz_forget(r, s);
    }
}
