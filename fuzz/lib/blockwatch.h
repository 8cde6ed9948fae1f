/*
 * blockwatch.h - calls that would block the whole thread.
 *
 * A target waits for a socket through its poller, so that a deadline can
 * end the wait (and, in the harnesses, so that the virtual clock sees it).
 * A socket left in blocking mode breaks that: a recv(2) on it with nothing
 * to read sleeps in the kernel, past any deadline, and no other coroutine
 * runs meanwhile.  A wrapper, ipc_fromfd(3) or ipc_listener_fromfd(3) of a
 * socket as socket(2) makes it, must not leave it so.
 *
 * blockwatch.c defines recv, recvmsg, send, sendmsg, accept and accept4
 * for the program and every library it loads (as vtime.c does the waits).
 * While the watch is armed (the executor arms it while it runs a program),
 * each of them on a blocking socket is made without blocking: where it
 * would have slept, the call is noted and fails with EAGAIN, as on a
 * non-blocking socket.  The judge then reports that the call in progress
 * would have blocked past its deadline, and the target goes on as if the
 * socket had been non-blocking.  Each call is made with MSG_DONTWAIT, which
 * changes nothing on a non-blocking socket, and the socket's mode is looked
 * at (fcntl(2)) only when a call found nothing to do; accept, which has no
 * such flag, looks first.  Disarmed, nothing.
 */
#ifndef DILLSPEC_BLOCKWATCH_H
#define DILLSPEC_BLOCKWATCH_H

#include <stdbool.h>

void fz_bw_arm(bool on);

/* The system call that would have blocked since the last time this was
 * asked ("recv", ...), or NULL; `fd` gets its fd. */
const char *fz_bw_take(int *fd);

#endif
