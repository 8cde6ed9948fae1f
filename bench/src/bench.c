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

/* Buffers start on a page, whoever allocated before them: where the heap
 * puts a 64 KiB buffer depends on what the library under test allocated
 * first, and the copies and the checksum over it should meet the same
 * offsets whatever the target. */
void *bench_alloc_pages(size_t size) {
    size_t page = 4096;
    return aligned_alloc(page, (size + page - 1) / page * page);
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
