/* The EXAMPLEs of go(3), go_mem(3), bundle(3), bundle_mem(3), bundle_go(3),
 * bundle_go_mem(3), bundle_wait(3), msleep(3), yield(3), now(3), hclose(3)
 * and hown(3).  Changes: worker() and expensive_computation() are defined
 * here; now(3)'s channel and hown(3)'s TCP socket (outside the scope) are an
 * IPC pair; the loop of yield(3) is shorter; checks on the results. */
#include <libdill.h>

#include "../smoke.h"

static int sum, workers_done;

coroutine void add(int a, int b) {
    printf("%d+%d=%d\n", a, b, a + b);
    sum += a + b;
}

static coroutine void worker(void) {
    msleep(now() + 10);
    workers_done++;
}

static void expensive_computation(void) {}

int main(void) {
    /* go(3) */
    int h = go(add(1, 2));
    CHECK(h >= 0);
    /* go_mem(3) */
    char mem[16384];
    int h2 = go_mem(add(1, 2), mem, sizeof(mem));
    CHECK(h2 >= 0);
    CHECK(bundle_wait(h, -1) == 0 && bundle_wait(h2, -1) == 0);
    CHECK(sum == 6);
    CHECK(hclose(h) == 0 && hclose(h2) == 0);

    /* bundle(3), bundle_go(3), bundle_wait(3) */
    int b = bundle();
    bundle_go(b, worker());
    bundle_go(b, worker());
    bundle_go(b, worker());
    /* Give wrokers 1 second to finish. */
    bundle_wait(b, now() + 1000);
    /* Cancel any remaining workers. */
    hclose(b);
    CHECK(workers_done == 3);

    /* bundle_mem(3), bundle_go_mem(3) */
    struct bundle_storage bs;
    static char stk[3][16384];
    b = bundle_mem(&bs);
    CHECK(b >= 0);
    for(int i = 0; i < 3; i++)
        CHECK(bundle_go_mem(b, worker(), stk[i], sizeof(stk[i])) == 0);
    CHECK(bundle_wait(b, now() + 1000) == 0);
    CHECK(hclose(b) == 0);
    CHECK(workers_done == 6);

    /* msleep(3) */
    int rc = msleep(now() + 100);
    if(rc != 0) {
        perror("Cannot sleep");
        exit(1);
    }
    printf("Slept succefully for 0.1 second.\n");

    /* yield(3) */
    for(int i = 0; i != 1000; ++i) {
        expensive_computation();
        yield(); /* Give other coroutines a chance to run. */
    }

    /* now(3) */
    int ch[2];
    CHECK(ipc_pair(ch) == 0);
    char val;
    int result = brecv(ch[0], &val, sizeof(val), now() + 100);
    if(result == -1 && errno == ETIMEDOUT) {
        printf("0.1 second elapsed without receiving a message.\n");
    }
    CHECK(result == -1 && errno == ETIMEDOUT);

    /* hown(3) and hclose(3) */
    int h1 = ch[1];
    int h3 = hown(h1);
    CHECK(h3 >= 0 && h3 != h1);
    /* h1 is invalid here */
    CHECK(hclose(h1) == -1 && errno == EBADF);
    CHECK(hclose(h3) == 0);
    CHECK(hclose(ch[0]) == 0);
    return 0;
}
