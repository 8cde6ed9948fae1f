/* The other process of the cross-process figures: this same program,
 * started with posix_spawn as `dillspec-bench --peer raw|dill PATH` (a fresh
 * exec, so no library state is ever shared through a fork).  It connects
 * back to PATH and serves commands until told to quit. */
#ifndef DILLSPEC_BENCH_PEER_H
#define DILLSPEC_BENCH_PEER_H
#include <sys/types.h>

#include "link.h"

struct job;

struct peer {
    enum link_kind kind;  /* how both ends drive the connection */
    pid_t pid;
    int conn;             /* our end: a blocking socket or a library handle */
};

enum peer_op { PEER_STREAM = 1, PEER_ECHO = 2, PEER_QUIT = 3 };

/* Listens, spawns the peer and accepts its connection.  0, or -1 (said). */
int peer_start(struct peer *p, enum link_kind kind);
/* Tells the peer to quit and reaps it.  0 if it exited cleanly, else -1. */
int peer_stop(struct peer *p);

/* Sends the peer a command and waits until it is ready to run it, so that
 * its preparations stay outside the caller's clock.  *l is our end, with a
 * fresh deadline.  PEER_STREAM: the peer sends job->count messages after
 * one byte from us (peer_go); PEER_ECHO: it echoes job->count bytes. */
int peer_begin(struct peer *p, enum peer_op op, const struct job *job, struct link *l);
int peer_go(const struct link *l);

/* main() of the spawned process: argv[0] is "raw" or "dill", argv[1] the
 * path.  Returns the exit status. */
int peer_main(int argc, char **argv);

#endif
