/* What a thread leaves behind when it exits: ref's state is thread-local
 * (a handle table, cached stacks and bundles, the poller), and glibc frees
 * the thread's TLS but not the memory it points to. */
#ifndef DILL_THREAD_H
#define DILL_THREAD_H

/* The calling thread is about to own memory that `free_part` (a module's
 * own function, which frees that module's part of the thread's state) must
 * release when the thread exits.  Called on each slow path that allocates,
 * before it allocates; registering the same function again is a no-op.
 * The parts are freed in the order they were first registered.  0, or -1
 * with errno ENOMEM when the thread's exit cannot be watched (no pthread
 * key, or no memory for its value). */
int dill_thread_register(void (*free_part)(void));

#endif
