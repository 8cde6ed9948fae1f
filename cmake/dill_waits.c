/* Does the target end a wait that only its poller can end?  ci/conformance
 * runs this before the suite.  A target whose waits hang would hold each
 * test that waits until the test's limit, a few seconds each, one or two
 * at a time; told so, ci/conformance runs many tests at once instead (a
 * hanging test sleeps and costs no CPU).  A healthy target passes in
 * about 40 ms and its run is unchanged.
 *
 * Two waits, each ended only by the poller: a 20 ms timer (msleep), and a
 * pipe that another process writes to 20 ms later (fdin).  Exit status 0
 * when both ended; otherwise SIGALRM ends the probe after LIMIT_S seconds
 * (its default action: the status says killed by a signal) and a line on
 * stderr names the wait that hung. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A target without one of these calls skips that wait (never called). */
#define DILL_STANDIN_CALLED(name) abort()
#include "dill_standins.h"

#define LIMIT_S 2

static void waiting_for(const char *what) {
    static char line[128];
    /* Written before the wait: a hung wait never comes back to say it. */
    int n = snprintf(line, sizeof(line), "dillspec-waits: waiting for %s\n", what);
    if(write(2, line, (size_t)n) != n)
        return;
}

static void timer_wait(void) {
    waiting_for("a 20 ms timer (msleep)");
    msleep(now() + 20);
}

static void fd_wait(void) {
    int p[2];
    if(pipe(p) != 0)
        return;
    pid_t pid = fork();
    if(pid == 0) {
        usleep(20000);
        _exit(write(p[1], "w", 1) == 1 ? 0 : 1);
    }
    if(pid > 0) {
        waiting_for("a pipe another process writes to in 20 ms (fdin)");
        fdin(p[0], now() + 10000);
        waitpid(pid, NULL, 0);
    }
    fdclean(p[0]);
    close(p[0]);
    close(p[1]);
}

int main(void) {
    alarm(LIMIT_S);
    if(DS_HAVE_msleep && DS_HAVE_now)
        timer_wait();
    if(DS_HAVE_fdin && DS_HAVE_fdclean && DS_HAVE_now)
        fd_wait();
    fprintf(stderr, "dillspec-waits: both waits ended\n");
    return 0;
}
