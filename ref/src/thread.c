/* Freeing a thread's state when it exits.
 *
 * A thread that ran coroutines (or made handles) and returns, or calls
 * pthread_exit(), leaves its handle table, cached stacks and bundles and
 * its epoll fd behind unless someone frees them: a pthread key's
 * destructor, which runs at thread exit while the thread's TLS is still
 * there.  Each module that keeps such state registers the function that
 * frees it (dill_thread_register), so this file knows no module by name.
 * Objects the program left open stay its own; only ref's bookkeeping goes.
 * exit() runs no such destructors, and needs none. */
#include <errno.h>
#include <pthread.h>

#include "thread.h"

/* One per module that keeps state: stacks, bundles, the poller, handles. */
#define DILL_THREAD_PARTS 8

static _Thread_local void (*dill_thread_parts[DILL_THREAD_PARTS])(void);
static _Thread_local int dill_thread_nparts;

static pthread_key_t dill_thread_key;
static pthread_once_t dill_thread_once = PTHREAD_ONCE_INIT;
static int dill_thread_key_error;   /* pthread_key_create's, once */

/* The key's destructor.  A part may be registered again while the parts
 * are freed (a destructor of the program's that uses ref after ours ran);
 * pthread then calls us again, as it does for any key set anew. */
static void dill_thread_exit(void *unused) {
    (void)unused;
    int n = dill_thread_nparts;
    dill_thread_nparts = 0;
    for(int i = 0; i < n; i++)
        dill_thread_parts[i]();
}

static void dill_thread_key_make(void) {
    dill_thread_key_error = pthread_key_create(&dill_thread_key,
        dill_thread_exit);
}

/* The destructor runs only for a thread whose value is not NULL. */
static int dill_thread_watch(void) {
    if(pthread_once(&dill_thread_once, dill_thread_key_make) != 0 ||
          dill_thread_key_error != 0)
        return -1;
    if(pthread_getspecific(dill_thread_key))
        return 0;
    return pthread_setspecific(dill_thread_key, &dill_thread_key) == 0 ? 0 : -1;
}

int dill_thread_register(void (*free_part)(void)) {
    for(int i = 0; i < dill_thread_nparts; i++)
        if(dill_thread_parts[i] == free_part)
            return 0;
    if(dill_thread_nparts == DILL_THREAD_PARTS || dill_thread_watch() < 0) {
        errno = ENOMEM;
        return -1;
    }
    dill_thread_parts[dill_thread_nparts++] = free_part;
    return 0;
}
