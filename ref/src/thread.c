/* Freeing a thread's state when it exits.
 *
 * A thread that ran coroutines (or made handles) and returns, or calls
 * pthread_exit(), leaves its handle table, cached stacks and bundles and
 * its epoll fd behind unless someone frees them: a pthread key's
 * destructor, which runs at thread exit while the thread's TLS is still
 * there.  Objects the program left open stay its own; only ref's
 * bookkeeping goes.  exit() runs no such destructors, and needs none. */
#include <pthread.h>

#include "thread.h"

static pthread_key_t dill_thread_key;
static pthread_once_t dill_thread_once = PTHREAD_ONCE_INIT;

static void dill_thread_exit(void *unused) {
    (void)unused;
    dill_sched_free();
    dill_stacks_free();
    dill_bundles_free();
    dill_poller_free();
    dill_handles_free();
}

static void dill_thread_key_make(void) {
    pthread_key_create(&dill_thread_key, dill_thread_exit);
}

void dill_thread_track(void) {
    pthread_once(&dill_thread_once, dill_thread_key_make);
    /* The destructor runs only for a non-NULL value. */
    if(!pthread_getspecific(dill_thread_key))
        pthread_setspecific(dill_thread_key, &dill_thread_key);
}
