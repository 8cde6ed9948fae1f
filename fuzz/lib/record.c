/* A harness run's own account of itself, for fuzz/tools/to_c.py (see
 * record.h): one tab-separated line per event. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"

/* The record's fd, which the preloaded recorder opened before main() (so
 * that the harness's fd counts include it) and names in the environment,
 * in the process that records only; -1 when nothing is recorded. */
static int record_fd(void) {
    static int fd = -2;
    if(fd == -2) {
        const char *f = getenv("DILLSPEC_FUZZ_RECORD_FD"), *pid = getenv("DILLSPEC_FUZZ_RECORD_PID");
        fd = f && pid && atoi(pid) == (int)getpid() ? atoi(f) : -1;
    }
    return fd;
}

/* One line, written at once (the preloaded recorder appends to the same
 * file); tabs and newlines in the text become spaces. */
static void line(const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
    va_end(ap);
    if(n < 0)
        return;
    n = n > (int)sizeof(buf) - 2 ? (int)sizeof(buf) - 2 : n;
    for(int i = 0; i < n; i++)
        if(buf[i] == '\n')
            buf[i] = ' ';
    buf[n++] = '\n';
    (void)!write(record_fd(), buf, (size_t)n);
}

void fz_record_op(int index, const struct fz_op *op) {
    if(record_fd() < 0)
        return;
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if(!f)
        return;
    struct fz_program one = {.n = 1, .ops = {*op}};
    fz_print(&one, f);
    fclose(f);
    char *body = text ? strstr(text, ": ") : NULL;
    line("op\t%d\t%d\t%d\t%d\t%s", index, (int)op->code, op->a, op->b,
        body ? body + 2 : "");
    free(text);
}

void fz_record_expect(enum dc_fn fn, const char *situation, bool may_succeed,
        bool may_fail, const int errs[3], int rc, int err) {
    if(record_fd() >= 0)
        line("expect\t%s\t%s\t%d\t%d\t%d,%d,%d\t%d\t%d", dc_fn_name(fn), situation,
            may_succeed, may_fail, errs[0], errs[1], errs[2], rc, err);
}

void fz_record_mark(const char *what) {
    if(record_fd() >= 0)
        line("mark\t%s", what);
}

void fz_record_finding(const char *harness, const char *key, const char *detail) {
    if(record_fd() >= 0)
        line("finding\t%s/%s\t%s", harness, key, detail);
}
