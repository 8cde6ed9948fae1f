#include "bench.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int bench_fail(const char *what) {
    fprintf(stderr, "dillspec-bench: %s: %s\n", what, strerror(errno));
    return -1;
}

int bench_failx(const char *what) {
    fprintf(stderr, "dillspec-bench: %s\n", what);
    return -1;
}

uint64_t bench_clock_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int bench_socket_path(char path[BENCH_PATH_MAX], const char *name) {
    /* Short on purpose: sun_path holds only ~107 bytes. */
    char dir[] = "/tmp/ds.XXXXXX";
    if(!mkdtemp(dir)) return bench_fail("mkdtemp");
    snprintf(path, BENCH_PATH_MAX, "%s/%s", dir, name);
    return 0;
}

void bench_socket_path_remove(const char *path) {
    char dir[BENCH_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    unlink(path);
    if(slash) { *slash = 0; rmdir(dir); }
}
