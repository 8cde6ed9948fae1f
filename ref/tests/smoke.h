/* Shared by ref's smoke programs: a failing check ends the program with
 * the line and errno, and a private directory holds socket files. */
#ifndef DILL_SMOKE_H
#define DILL_SMOKE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(cond) do { \
    if(!(cond)) { \
        fprintf(stderr, "%s:%d: check failed: %s (errno %d: %s)\n", \
            __FILE__, __LINE__, #cond, errno, strerror(errno)); \
        exit(1); \
    } \
} while(0)

/* A private directory under $TMPDIR (or /tmp), short enough for sun_path;
 * `path` gets "<dir>/<name>".  smoke_cleanup() removes both. */
static char smoke_dir[64], smoke_file[128];

static inline const char *smoke_path(const char *name) {
    const char *tmp = getenv("TMPDIR");
    snprintf(smoke_dir, sizeof(smoke_dir), "%s/dsm.XXXXXX", tmp && strlen(tmp) < 32 ? tmp : "/tmp");
    CHECK(mkdtemp(smoke_dir) != NULL);
    snprintf(smoke_file, sizeof(smoke_file), "%s/%s", smoke_dir, name);
    return smoke_file;
}

static inline void smoke_cleanup(void) {
    unlink(smoke_file);
    rmdir(smoke_dir);
}

#endif
