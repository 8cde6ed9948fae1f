/* Criterion, the part of it the suite's tests use, for a program that runs
 * one test: Test() defines it, cr_assert() and its kin report as the
 * suite's runner does, and ds_repro() runs the test in a child process that
 * it watches, so that a crash or a hang of the library is a verdict too.
 *
 * A reproducer is written by conformance/repro/generate.py from the test's
 * own code and the support code it uses; the definitions here come first,
 * in place of Criterion (see README.md there).  Not compiled on its own. */
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

/* The fields of Criterion's test parameters that the suite sets. */
struct criterion_test_extra_data {
    const char *description;
    void (*init)(void);
    void (*fini)(void);
    int timeout;
};

struct criterion_test {
    const char *name, *category;
    const struct criterion_test_extra_data *data;
    void (*test)(void);
};

/* The tests this program defines (a DS_TWIN defines two), and the one that
 * runs. */
static const struct criterion_test *cr_tests[8];
static int cr_ntests;
static const struct criterion_test *criterion_current_test;

/* Criterion's Test(): the test's body, with its parameters, registered
 * before main() runs. */
#define Test(suite, name, ...) \
    static void suite##_##name##_impl(void); \
    static const struct criterion_test_extra_data suite##_##name##_data = \
        {__VA_ARGS__}; \
    __attribute__((constructor)) static void suite##_##name##_register(void) { \
        static const struct criterion_test t = {#name, #suite, \
            &suite##_##name##_data, suite##_##name##_impl}; \
        cr_tests[cr_ntests++] = &t; \
    } \
    static void suite##_##name##_impl(void)

/* One line on stdout, written at once: nothing waits in a buffer when the
 * process ends, and the watchdog's signal handler may call it. */
static void cr_say(const char *fmt, ...) {
    char line[1200];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    if(n < 0)
        return;
    if(n > (int)sizeof(line) - 2)
        n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    for(int at = 0; at < n;) {
        ssize_t w = write(1, line + at, (size_t)(n - at));
        if(w <= 0)
            return;
        at += (int)w;
    }
}

static int cr_failures;

/* The test ends: the fixture's fini runs (once), and the process exits with
 * `status`: 0 passed, 1 failed, 77 skipped. */
static _Noreturn void cr_end(int status) {
    static volatile sig_atomic_t ending;
    if(!ending++ && criterion_current_test->data->fini)
        criterion_current_test->data->fini();
    _exit(status);
}

/* A failed check: its message (the verdict first, as the suite reports
 * it), then the test ends if the check was an assertion. */
static void cr_fail(bool fatal, int line, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    cr_say("%s\n    (the check at line %d of this program)", msg, line);
    cr_failures++;
    if(fatal)
        cr_end(1);
}

#define cr_assert(cond, ...) \
    do { if(!(cond)) cr_fail(true, __LINE__, "" __VA_ARGS__); } while(0)
#define cr_expect(cond, ...) \
    do { if(!(cond)) cr_fail(false, __LINE__, "" __VA_ARGS__); } while(0)
#define cr_assert_fail(...) cr_fail(true, __LINE__, "" __VA_ARGS__)
#define cr_skip_test(...) \
    do { cr_fail(false, __LINE__, "" __VA_ARGS__); cr_end(77); } while(0)

/* Runs `test` ("page::name") as Criterion would in its own process: init,
 * body, fini. */
static _Noreturn void cr_run(const struct criterion_test *t) {
    criterion_current_test = t;
    if(t->data->init)
        t->data->init();
    t->test();
    if(!cr_failures)
        cr_say("PASS");
    cr_end(cr_failures ? 1 : 0);
}

static const struct criterion_test *cr_find(const char *test) {
    for(int i = 0; i < cr_ntests; i++) {
        const char *suite = cr_tests[i]->category;
        if(!strncmp(suite, "dill_", 5))   /* libdill.h's raw-name macros */
            suite += 5;
        size_t n = strlen(suite);
        if(!strncmp(test, suite, n) && !strncmp(test + n, "::", 2) &&
              !strcmp(test + n + 2, cr_tests[i]->name))
            return cr_tests[i];
    }
    return NULL;
}

static void cr_on_alarm(int sig) {
    (void)sig;
}

/* The child's wait status, or -1 once `seconds` passed (it is killed). */
static int cr_wait(pid_t pid, int seconds) {
    struct sigaction sa = {.sa_handler = cr_on_alarm};
    sigaction(SIGALRM, &sa, NULL);
    alarm((unsigned)seconds);
    int status;
    pid_t got = waitpid(pid, &status, 0);
    alarm(0);
    if(got == pid)
        return status;
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

/* What the reproducer says of itself before it runs. */
struct ds_row {
    const char *id, *test, *clause, *promise;
};

/* Runs the row's test in a child process with its own TMPDIR, which is
 * removed afterwards whatever the child died of.  DS_NO_FORK=1 runs it in
 * this process instead (for a debugger).  Exit status: 0 the target
 * conforms, 1 it does not, 77 nothing was checked. */
static int ds_repro(const struct ds_row *row) {
    cr_say("%s: %s", row->id, row->clause);
    cr_say("  the page: %s", row->promise);
    const struct criterion_test *t = cr_find(row->test);
    if(!t) {
        cr_say("UNRESOLVED: this program does not define the test %s", row->test);
        return 1;
    }
    if(getenv("DS_NO_FORK"))
        cr_run(t);
    const char *base = dc_tmpdir();
    char run[64];
    snprintf(run, sizeof(run), "%s/dsr.XXXXXX", base && strlen(base) < 20 ? base : "/tmp");
    if(!mkdtemp(run) || setenv("TMPDIR", run, 1) != 0) {
        cr_say("UNRESOLVED: cannot make a directory at %s", run);
        return 1;
    }
    pid_t pid = fork();
    if(pid == 0)
        cr_run(t);
    int status = pid < 0 ? -2 : cr_wait(pid, t->data->timeout);
    dc_dir_remove(run);
    int code = 1;
    if(status == -2)
        cr_say("UNRESOLVED: cannot start the test (fork failed)");
    else if(status == -1)
        cr_say("TIMEOUT: the test did not end within %d s; killed", t->data->timeout);
    else if(WIFSIGNALED(status))
        cr_say("CRASH: the test died of signal %d (%s)", WTERMSIG(status),
            strsignal(WTERMSIG(status)));
    else
        code = WEXITSTATUS(status);
    cr_say(code == 0 ? "=> exit 0: this libdill does what the page says"
         : code == 77 ? "=> exit 77: nothing was checked"
         : "=> exit 1: this libdill does not do what the page says");
    return code == 0 || code == 77 ? code : 1;
}
