/* Findings, the target's known deviations and what a run prints of
 * itself (see fuzz.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "record.h"

#define MAX_KNOWN 256

static char *known[MAX_KNOWN];
static int nknown = -1;

/* The known-deviations file: DILLSPEC_FUZZ_KNOWN when it is set (the ci
 * scripts set it, empty for a target without deviations), else
 * dillspec-known.tsv beside the program, where fuzz/oss-fuzz/build.sh puts
 * the target's file: OSS-Fuzz and ClusterFuzzLite set no variable of ours. */
static FILE *open_known(void) {
    const char *file = getenv("DILLSPEC_FUZZ_KNOWN");
    if(file) {
        FILE *f = *file ? fopen(file, "r") : NULL;
        if(*file && !f) {
            fprintf(stderr, "dillspec-fuzz: cannot read DILLSPEC_FUZZ_KNOWN=%s\n", file);
            exit(2);
        }
        return f;
    }
    char beside[4096];
    ssize_t n = readlink("/proc/self/exe", beside, sizeof(beside) - 32);
    if(n <= 0)
        return NULL;
    beside[n] = 0;
    char *slash = strrchr(beside, '/');
    if(!slash)
        return NULL;
    strcpy(slash + 1, "dillspec-known.tsv");
    return fopen(beside, "r");
}

/* Reads the known keys once: the first column of each line that is not
 * blank or a comment.  DILLSPEC_FUZZ_CHECK_KEY=KEY leaves one listed key
 * out, so that ci/corpus can show that the target still does what the key
 * says (a crash key whose regression input now runs clean is stale, like an
 * XPASS). */
static void load_known(void) {
    nknown = 0;
    FILE *f = open_known();
    if(!f)
        return;
    const char *unlisted = getenv("DILLSPEC_FUZZ_CHECK_KEY");
    char line[1024];
    while(nknown < MAX_KNOWN && fgets(line, sizeof(line), f)) {
        if(line[0] == '#' || line[0] == '\n' || !strncmp(line, "key\t", 4))
            continue;
        line[strcspn(line, "\t\n")] = 0;
        if(!unlisted || strcmp(unlisted, line))
            known[nknown++] = strdup(line);
    }
    fclose(f);
}

/* A wildcard never passes over a hang: a key whose call never returned
 * (the differential peer's "~hung") is known only by a pattern that says
 * "hung" too, so that a known divergence of a call does not hide it, and a
 * hang key left out by DILLSPEC_FUZZ_CHECK_KEY still shows. */
static bool key_matches(const char *pattern, const char *key) {
    if(strstr(key, "~hung") && !strstr(pattern, "hung"))
        return false;
    return fnmatch(pattern, key, 0) == 0;
}

bool fz_known(const char *key) {
    if(nknown < 0)
        load_known();
    char full[256];
    snprintf(full, sizeof(full), "%s/%s", fz_harness, key);
    for(int i = 0; i < nknown; i++)
        if(key_matches(known[i], full))
            return true;
    return false;
}

void (*fz_before_abort)(void);

static unsigned passed_over;

unsigned fz_findings_passed_over(void) {
    return passed_over;
}

void fz_finding(const char *key, const char *fmt, ...) {
    if(fz_known(key)) {
        passed_over++;
        return;
    }
    fprintf(stderr, "dillspec-fuzz: finding %s/%s: ", fz_harness, key);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    va_start(ap, fmt);
    char detail[512];
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    fz_record_finding(fz_harness, key, detail);
    if(fz_before_abort)
        fz_before_abort();
    abort();
}

void fz_call_finding(enum dc_fn fn, const char *situation, const char *observed,
        const char *fmt, ...) {
    char key[128], detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    snprintf(key, sizeof(key), "%s/%s/%s", dc_fn_name(fn), situation, observed);
    fz_finding(key, "%s", detail);
}

/* DILLSPEC_FUZZ_LAST_INPUT=FILE keeps a copy of the input being run, for
 * a crash that takes the fuzzer's own handler down with it (a SEGV on a
 * coroutine's stack, say): ci/fuzz then keeps that file as the artifact. */
void fz_save_input(const uint8_t *data, size_t size) {
    /* Opened once and rewritten in place, cut only when shorter than the
     * last: opening and closing it each time cost more than a short input
     * runs, and truncating it on a disk's file system took a twentieth of
     * an input's time (iolist against libdill 2.14). */
    static int fd = -2;
    static size_t length;
    if(fd == -2) {
        const char *path = getenv("DILLSPEC_FUZZ_LAST_INPUT");
        fd = path && *path ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
    }
    if(fd < 0)
        return;
    /* A copy for a crash: nothing to do about a full disk. */
    if(pwrite(fd, data, size, 0) != (ssize_t)size)
        return;
    if(size < length && ftruncate(fd, (off_t)size) != 0)
        return;
    length = size;
}

void fz_check_documented(enum dc_fn fn, int rc, int err) {
    if(rc == -1 && !dc_documented(fn, err)) {
        char key[96];
        snprintf(key, sizeof(key), "%s/undocumented/%s", dc_fn_name(fn),
            dc_errname(err));
        fz_finding(key, "failed with an errno its ERRORS table lacks");
    }
}

/* DILLSPEC_FUZZ_VERBOSE=1 prints each operation before it runs: with
 * dillspec-fuzz-print's listing, it shows where a program hangs. */
bool fz_verbose(void) {
    static int v = -1;
    if(v < 0)
        v = getenv("DILLSPEC_FUZZ_VERBOSE") != NULL;
    return v;
}
