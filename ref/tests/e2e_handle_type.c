/* A handle type of the program's own, through libdillimpl.h: a bytestream
 * that loops what is sent back to its receiver.  hclose(3), bsend(3) and
 * brecv(3) reach it like any of ref's objects. */
#include <libdillimpl.h>
#include <stdlib.h>
#include <string.h>

#include "smoke.h"

struct loop {
    struct hvfs hvfs;
    struct bsock_vfs bvfs;
    char buf[64];
    size_t len;
};

static int closed;
static const int loop_type;   /* its own type, answered with itself */

static void *loop_query(struct hvfs *vfs, const void *type) {
    struct loop *l = (struct loop *)vfs;
    if(type == bsock_type)
        return &l->bvfs;
    if(type == &loop_type)
        return l;
    errno = ENOTSUP;
    return NULL;
}

static void loop_close(struct hvfs *vfs) {
    closed++;
    free(vfs);
}

static int loop_send(struct bsock_vfs *vfs, struct iolist *first,
      struct iolist *last, int64_t deadline) {
    (void)last; (void)deadline;
    struct loop *l = (struct loop *)((char *)vfs - offsetof(struct loop, bvfs));
    for(struct iolist *it = first; it; it = it->iol_next) {
        if(l->len + it->iol_len > sizeof(l->buf)) {
            errno = ENOMEM;
            return -1;
        }
        memcpy(l->buf + l->len, it->iol_base, it->iol_len);
        l->len += it->iol_len;
    }
    return 0;
}

static int loop_recv(struct bsock_vfs *vfs, struct iolist *first,
      struct iolist *last, int64_t deadline) {
    (void)last;
    struct loop *l = (struct loop *)((char *)vfs - offsetof(struct loop, bvfs));
    size_t off = 0;
    for(struct iolist *it = first; it; it = it->iol_next) {
        if(off + it->iol_len > l->len)
            return msleep(deadline) == 0 ? (errno = ETIMEDOUT, -1) : -1;
        if(it->iol_base)
            memcpy(it->iol_base, l->buf + off, it->iol_len);
        off += it->iol_len;
    }
    memmove(l->buf, l->buf + off, l->len - off);
    l->len -= off;
    return 0;
}

int main(void) {
    CHECK(hmake(NULL) == -1 && errno == EINVAL);
    struct loop *l = calloc(1, sizeof(*l));
    CHECK(l != NULL);
    l->hvfs.query = loop_query;
    l->hvfs.close = loop_close;
    l->bvfs.bsendl = loop_send;
    l->bvfs.brecvl = loop_recv;
    int h = hmake(&l->hvfs);
    CHECK(h >= 0);
    CHECK(hquery(h, &loop_type) == l);
    CHECK(hquery(h, &closed) == NULL && errno == ENOTSUP);
    CHECK(bsend(h, "hello", 5, -1) == 0);
    char out[5];
    CHECK(brecv(h, out, 5, -1) == 0 && memcmp(out, "hello", 5) == 0);
    CHECK(brecv(h, out, 1, 0) == -1 && errno == ETIMEDOUT);
    /* The library's own checks come first: an iolist rule, another type. */
    CHECK(bsendl(h, NULL, NULL, -1) == -1 && errno == EINVAL);
    CHECK(ipc_done(h, -1) == -1 && errno == ENOTSUP);
    CHECK(hclose(h) == 0 && closed == 1);
    CHECK(hquery(h, bsock_type) == NULL && errno == EBADF);
    CHECK(bsend(h, "x", 1, -1) == -1 && errno == EBADF);
    return 0;
}
