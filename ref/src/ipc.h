/* IPC objects shared by the ipc_*.c files. */
#ifndef DILL_IPC_H
#define DILL_IPC_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "bytestream.h"
#include "handle.h"
#include "sockio.h"

extern const int dill_ipc_conn_type;
extern const int dill_ipc_listener_type;

/* One direction of a connection. */
struct dill_ipc_dir {
    bool busy;      /* a coroutine is in a call on it: others get EBUSY */
    int err;        /* 0, or what every later call reports once it failed:
                       "the socket cannot be used for sending/receiving from
                       that point on" (bsend(3), brecv(3)) */
};

struct dill_ipc_conn {
    struct dill_hvfs hvfs;
    struct dill_bsock_vfs bvfs;
    int fd;
    /* The other end when it is a connection of this thread too (ipc_pair),
     * until either is closed; else NULL.  See struct dill_sock. */
    struct dill_ipc_conn *peer;
    bool done;      /* ipc_done(3) was called: outbound half closed */
    bool mem;       /* lives in the caller's storage */
    struct dill_ipc_dir out, in;
    struct dill_rxbuf rx;   /* bytes read ahead (rxbuf.h) */
};

/* Wraps a connected, non-blocking socket in a connection in `mem` (or the
 * heap when NULL).  A handle, or -1 with errno; the fd stays the caller's
 * on failure. */
int dill_ipc_conn_make(int fd, struct dill_ipc_conn *mem);

/* The socket of `c`, with its peer's when known, for sockio.h. */
struct dill_sock dill_ipc_sock(struct dill_ipc_conn *c);

/* The same for a listening socket, in ipc_listener_storage. */
int dill_ipc_listener_make(int fd, struct dill_ipc_listener_storage *mem);

/* Starts a call on one direction: -1 with EBUSY, or with the error the
 * direction failed with earlier. */
int dill_ipc_dir_begin(struct dill_ipc_dir *d);
/* Ends it; rc < 0 marks the direction failed for good.  Returns rc.  After
 * EBADF (the object was closed under the call) it touches nothing. */
int dill_ipc_dir_end(struct dill_ipc_dir *d, int rc);

/* Fills a sockaddr_un from a path: EINVAL (NULL), ENOENT ("the pathname is
 * an empty string"), ENAMETOOLONG (does not fit in sun_path). */
int dill_ipc_addr(const char *addr, struct sockaddr_un *sa);

/* Makes a non-blocking, close-on-exec UNIX stream socket, tracked by the
 * poller.  -1 with errno EMFILE, ENFILE or ENOMEM. */
int dill_ipc_socket(void);

/* Closes an fd that the poller may know about. */
void dill_ipc_fd_close(int fd);

/* For constructors: returns h, but when h < 0 (the object could not be
 * made) first closes the fd they created, keeping errno. */
int dill_ipc_fd_close_unless(int h, int fd);

#endif
