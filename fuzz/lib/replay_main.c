/*
 * replay_main.c - the plain build of a harness: no fuzzer runtime, any
 * compiler.  Runs every file named on the command line (a directory means
 * every file in it, in name order; no argument means standard input) through
 * LLVMFuzzerTestOneInput, for CI replay and for reproducing a finding in a
 * debugger.  A finding aborts, so the last "replay:" line on stderr names
 * the input that caused it when -v is given.  An input that runs longer
 * than DILLSPEC_REPLAY_TIMEOUT seconds (default 10) is a hang: reported with
 * its name, exit status 124.  The last line gives the wall time, the CPU
 * time and the time spent runnable but waiting for a CPU (a loaded
 * machine's share, from /proc/self/schedstat): what is left is sleeping,
 * which virtual time (vtime.h) should have made none.  With
 * DILLSPEC_FUZZ_TRACE=1 each input's trace digest goes to standard output
 * ("trace DIGEST NAME"), for ci/corpus to compare runs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vtime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT (1 << 20)

static int verbose;
static long replayed;
static const char *current = "<none>";
static unsigned timeout_s = 10;

static void on_alarm(int sig) {
    (void)sig;
    static const char msg[] = "replay: timeout (a hang) on ";
    (void)!write(2, msg, sizeof(msg) - 1);
    (void)!write(2, current, strlen(current));
    (void)!write(2, "\n", 1);
    _exit(124);
}

static int replay_stream(FILE *f, const char *name) {
    static uint8_t buf[REPLAY_MAX_INPUT];
    size_t n = fread(buf, 1, sizeof(buf), f);
    if(ferror(f)) {
        fprintf(stderr, "replay: cannot read %s\n", name);
        return -1;
    }
    if(verbose)
        fprintf(stderr, "replay: %s (%zu bytes)\n", name, n);
    current = name;
    fz_trace_reset();
    alarm(timeout_s);
    LLVMFuzzerTestOneInput(buf, n);
    alarm(0);
    if(fz_tracing()) {
        /* Flushed at once: a finding in a later input aborts the process,
         * and ci/corpus must still see which inputs replayed. */
        printf("trace %016llx %s\n", (unsigned long long)fz_trace_digest(), name);
        fflush(stdout);
    }
    replayed++;
    return 0;
}

static int replay_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if(!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    int rc = replay_stream(f, path);
    fclose(f);
    return rc;
}

static int by_name(const struct dirent **a, const struct dirent **b) {
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int replay_dir(const char *dir) {
    struct dirent **names;
    int n = scandir(dir, &names, NULL, by_name);
    if(n < 0) {
        fprintf(stderr, "replay: cannot list %s\n", dir);
        return -1;
    }
    int rc = 0;
    for(int i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
        if(names[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode))
            rc |= replay_file(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

static double seconds(struct timespec t) {
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* This process's CPU time and its children's (the differential peer). */
static double cpu_seconds(void) {
    double t = 0;
    int who[] = {RUSAGE_SELF, RUSAGE_CHILDREN};
    for(int i = 0; i < 2; i++) {
        struct rusage ru;
        getrusage(who[i], &ru);
        t += (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
            (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    }
    return t;
}

/* Seconds this process was runnable but not running; 0 if unknown. */
static double runnable_seconds(void) {
    unsigned long long on_cpu, waiting;
    FILE *f = fopen("/proc/self/schedstat", "r");
    if(!f)
        return 0;
    int n = fscanf(f, "%llu %llu", &on_cpu, &waiting);
    fclose(f);
    return n == 2 ? (double)waiting / 1e9 : 0;
}

static struct timespec start;
static const char *program;
static bool finished;   /* main returned: not an exit on an error */

/* The last line, at exit: after what other exit handlers do (the
 * differential harness waits for its peer, whose CPU time then counts). */
static void report(void) {
    if(!finished)
        return;
    struct timespec end;
    clock_gettime(CLOCK_REALTIME, &end);
    const struct fz_vt_stats *vt = fz_vt_stats();
    fprintf(stderr, "replay: %s: %ld input(s) replayed, no finding"
        " (wall %.3f s, CPU %.3f s, runnable %.3f s; virtual time %ld jumps,"
        " %ld lagging caches)\n", program, replayed, seconds(end) - seconds(start),
        cpu_seconds(), runnable_seconds(), vt->jumps, vt->stale);
}

int main(int argc, char **argv) {
    program = argv[0];
    clock_gettime(CLOCK_REALTIME, &start);
    atexit(report);
    int rc = 0, args = 0;
    const char *t = getenv("DILLSPEC_REPLAY_TIMEOUT");
    if(t && atoi(t) > 0)
        timeout_s = (unsigned)atoi(t);
    signal(SIGALRM, on_alarm);
    for(int i = 1; i < argc; i++) {
        struct stat st;
        if(!strcmp(argv[i], "-v")) {
            verbose = 1;
            continue;
        }
        if(argv[i][0] == '-') {  /* libFuzzer-style flags are ignored */
            continue;
        }
        args++;
        if(stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: no such file or directory: %s\n", argv[i]);
            rc = -1;
        } else if(S_ISDIR(st.st_mode)) {
            rc |= replay_dir(argv[i]);
        } else {
            rc |= replay_file(argv[i]);
        }
    }
    if(args == 0)
        rc |= replay_stream(stdin, "<stdin>");
    finished = true;
    return rc == 0 ? 0 : 2;
}
