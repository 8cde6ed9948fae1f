/*
 * blockwatch.h - calls that would block the whole thread.
 *
 * A target waits for a socket through its poller, so that a deadline can
 * end the wait (and, in the harnesses, so that the virtual clock sees it).
 * A socket left in blocking mode breaks that: a recv(2) on it with nothing
 * to read sleeps in the kernel, past any deadline, and no other coroutine
 * runs meanwhile.  A program that wraps a blocking fd (ipc_fromfd(3) and
 * ipc_listener_fromfd(3) of a socket as socket(2) makes it) arms the
 * watch.  Then blockwatch.c, which defines recv, recvmsg, send, sendmsg,
 * accept and accept4 for the program and every library it loads (as
 * vtime.c does the waits), makes each of them on a blocking socket without
 * blocking: where it would have slept, it notes the call and fails with
 * EAGAIN, as on a non-blocking socket.  The judge then reports that the call
 * in progress blocked past its deadline, and the target goes on as if the
 * socket had been non-blocking.  Disarmed, each call costs one test.
 */
#ifndef DILLSPEC_BLOCKWATCH_H
#define DILLSPEC_BLOCKWATCH_H

#include <stdbool.h>

void fz_bw_arm(bool on);

/* The system call that would have blocked since the last time this was
 * asked ("recv", ...), or NULL; `fd` gets its fd. */
const char *fz_bw_take(int *fd);

#endif
