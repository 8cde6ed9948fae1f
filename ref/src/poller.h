/* Waiting for file descriptors (poller.c). */
#ifndef DILL_POLLER_H
#define DILL_POLLER_H

#include <stdbool.h>
#include <stdint.h>

enum dill_direction { DILL_IN, DILL_OUT };

/* Makes room to track `fd`, so that a later wait on it cannot fail for want
 * of memory.  Object constructors call it; -1 with errno ENOMEM. */
int dill_fd_track(int fd);

/* Blocks the running coroutine until `fd` may have become ready in `dir`,
 * after the caller's non-blocking call said EAGAIN (or a pair end knows
 * its queue empty: see poller.c).  Returns 0 (the caller
 * retries its call), or -1 with errno ETIMEDOUT, ECANCELED, ENOMEM, or
 * EBADF when fdclean() dropped the fd meanwhile: its object was closed by
 * another coroutine, and the caller must not touch that object again.
 * Several coroutines may wait on one fd (two acceptors on one listener);
 * an event wakes them all. */
int dill_fd_wait(int fd, enum dill_direction dir, int64_t deadline);

/* True when epoll already reports `dir` on `fd` (an earlier wait asked for
 * it): any change of readiness from now on will end a later wait, which
 * therefore may follow a call that merely found the fd not ready, without
 * the EAGAIN that dill_fd_wait() otherwise requires. */
bool dill_fd_watched(int fd, enum dill_direction dir);

/* Makes every coroutine waiting on `fd` in `dir` (woken already or not)
 * fail with EBADF: the object is being closed (reading 14).  fdclean()
 * does this for both directions. */
void dill_fd_evict(int fd, enum dill_direction dir);

/* `fd` may have become ready in `dir` through something this thread did at
 * its other end (see struct dill_sock): wakes its waiters at once, and they
 * retry their call.  Waking too often is harmless; epoll still reports. */
void dill_fd_notify(int fd, enum dill_direction dir);

#endif
