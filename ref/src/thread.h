/* What a thread leaves behind when it exits: ref's state is thread-local
 * (a scheduler, a handle table, cached stacks and bundles, the poller), and
 * glibc frees the thread's TLS but not the memory it points to. */
#ifndef DILL_THREAD_H
#define DILL_THREAD_H

/* The calling thread now owns memory that must go when it exits.  Called on
 * every slow path that allocates it; cheap enough for those. */
void dill_thread_track(void);

/* Each module frees its own part (run at thread exit, in this order). */
void dill_sched_free(void);     /* sched.c: the last ended coroutine */
void dill_stacks_free(void);    /* stack.c: cached stacks */
void dill_bundles_free(void);   /* bundle.c: cached bundles */
void dill_poller_free(void);    /* poller.c: the epoll fd, the fd table */
void dill_handles_free(void);   /* handle.c: the handle table */

#endif
