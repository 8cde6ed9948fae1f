/* The suite's own verdict record: one line per test, written by the
 * Criterion runner itself as each test ends, to the file DILLSPEC_RECORD
 * names (nothing when it is unset).
 *
 * Why not only Criterion's criterion.json: Criterion 2.4.1 writes messages
 * into it unescaped, so a quote, a backslash or a control byte in a test's
 * message (a setup call quoted by DS_SETUP, an errno text from the target)
 * makes the file unreadable as JSON, and it is written only when the whole
 * run ends.  This record is escaped byte by byte and appended test by test,
 * so any message reaches the report intact and a runner killed halfway still
 * leaves the verdicts it had.  The report reads both and checks one against
 * the other (conformance/report/results.py).
 *
 * Report hooks run in the runner process, which sees every test's end:
 * POST_TEST for a test that returned, failed or timed out, TEST_CRASH for
 * one whose process died.  The format, one line per test:
 *
 *   test<TAB>SUITE<TAB>NAME<TAB>STATUS<TAB>DETAIL[<TAB>MESSAGE]...
 *
 * STATUS is PASSED, FAILED, SKIPPED, CRASHED or TIMEOUT; DETAIL is
 * "signal N", "exit N" or empty; each MESSAGE is a failed assertion's
 * "file:line: text" or the skip reason.  Every field is escaped: a
 * backslash as \\, tab \t, newline \n, carriage return \r, and every other
 * byte below 0x20 or above 0x7e as \xNN, so a line is printable ASCII and
 * one test, whatever its messages hold. */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A growing line. */
struct line {
    char *buf;
    size_t len, cap;
};

static void put(struct line *l, const char *s, size_t n) {
    if(!l->buf)
        return;
    if(l->len + n + 1 > l->cap) {
        size_t cap = (l->len + n + 1) * 2;
        char *b = realloc(l->buf, cap);
        if(!b) {
            free(l->buf);
            l->buf = NULL;
            return;
        }
        l->buf = b;
        l->cap = cap;
    }
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

/* A field: a tab, then `s` escaped. */
static void field(struct line *l, const char *s) {
    put(l, "\t", 1);
    for(const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        char esc[5];
        const char *named = *p == '\\' ? "\\\\" : *p == '\t' ? "\\t" :
            *p == '\n' ? "\\n" : *p == '\r' ? "\\r" : NULL;
        if(named) {
            put(l, named, 2);
        } else if(*p < 0x20 || *p > 0x7e) {
            snprintf(esc, sizeof(esc), "\\x%02x", *p);
            put(l, esc, 4);
        } else {
            put(l, (const char *)p, 1);
        }
    }
}

static const char *status(const struct criterion_test_stats *st, bool crashed) {
    if(crashed || st->crashed)
        return "CRASHED";
    if(st->timed_out)
        return "TIMEOUT";
    if(st->test_status == CR_STATUS_SKIPPED)
        return "SKIPPED";
    return st->test_status == CR_STATUS_PASSED && st->failed_asserts == 0 &&
        st->exit_code == 0 ? "PASSED" : "FAILED";
}

/* One write(2) of the whole line on an O_APPEND descriptor: a line is
 * never interleaved with another nor half written by a runner that lives. */
static void record(const struct criterion_test_stats *st, bool crashed) {
    const char *path = getenv("DILLSPEC_RECORD");
    if(!path || !*path)
        return;
    struct line l = {.buf = malloc(256), .cap = 256};
    char detail[32] = "";
    if(st->signal)
        snprintf(detail, sizeof(detail), "signal %d", st->signal);
    else if(st->exit_code)
        snprintf(detail, sizeof(detail), "exit %d", st->exit_code);
    put(&l, "test", 4);
    field(&l, st->test->category);
    field(&l, st->test->name);
    field(&l, status(st, crashed));
    field(&l, detail);
    for(const struct criterion_assert_stats *a = st->asserts; a; a = a->next) {
        if(a->passed)
            continue;
        char where[64];
        const char *file = a->file ? strrchr(a->file, '/') : NULL;
        snprintf(where, sizeof(where), "%s:%u: ", file ? file + 1 : a->file ? a->file : "?",
            a->line);
        char *msg = malloc(strlen(where) + strlen(a->message ? a->message : "") + 1);
        if(msg) {
            strcpy(msg, where);
            strcat(msg, a->message ? a->message : "");
            field(&l, msg);
            free(msg);
        }
    }
    if(st->message && *st->message)
        field(&l, st->message);
    put(&l, "\n", 1);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if(l.buf && fd >= 0 && write(fd, l.buf, l.len) != (ssize_t)l.len)
        fprintf(stderr, "dillspec: cannot write the verdict record %s\n", path);
    if(fd >= 0)
        close(fd);
    free(l.buf);
}

/* A run starts its record afresh: lines of an earlier run in the same file
 * would be read as this run's. */
ReportHook(PRE_ALL)(struct criterion_test_set *set) {
    (void)set;
    const char *path = getenv("DILLSPEC_RECORD");
    int fd = path && *path ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
    if(fd >= 0)
        close(fd);
}

ReportHook(POST_TEST)(struct criterion_test_stats *st) {
    record(st, false);
}

ReportHook(TEST_CRASH)(struct criterion_test_stats *st) {
    record(st, true);
}
