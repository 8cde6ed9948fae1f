/* Threads clean up after themselves: a thread that ran coroutines, made
 * handles and sockets, and returned (or called pthread_exit) leaves no
 * memory of ref's behind.  LeakSanitizer and valgrind judge. */
#include <libdill.h>
#include <pthread.h>

#include "smoke.h"

static coroutine void sleeper(void) {
    msleep(now() + 5);
}

static void *worker(void *exit_early) {
    int b = bundle();
    CHECK(b >= 0);
    for(int i = 0; i < 8; i++)
        CHECK(bundle_go(b, sleeper()) == 0);
    int s[2];
    CHECK(ipc_pair(s) == 0);
    char c;
    CHECK(brecv(s[1], &c, 1, now() + 5) == -1 && errno == ETIMEDOUT);
    CHECK(hclose(s[0]) == 0 && hclose(s[1]) == 0);
    CHECK(bundle_wait(b, -1) == 0 && hclose(b) == 0);
    if(exit_early)
        pthread_exit(NULL);
    return NULL;
}

int main(void) {
    for(int i = 0; i < 4; i++) {
        pthread_t t;
        CHECK(pthread_create(&t, NULL, worker, i % 2 ? &t : NULL) == 0);
        CHECK(pthread_join(t, NULL) == 0);
    }
    return 0;
}
