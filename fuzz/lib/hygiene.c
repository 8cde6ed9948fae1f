/* The private directory and the fd count that every input is checked
 * against (see fuzz.h). */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dc_hygiene.h"
#include "fuzz.h"

static char dir[64];
static char path[160];
static bool used;   /* whether anyone asked for the directory since it was emptied */

static void remove_dir(void) {
    dc_dir_remove(dir);
}

/* Socket files are made and removed thousands of times a second: on a
 * memory file system that costs far less than on a disk's (ext4 looks
 * through its recently deleted inodes for each one).  TMPDIR, when set,
 * still decides. */
static int make_dir(void) {
    const char *tmp = getenv("TMPDIR");
    if((!tmp || !*tmp) && access("/dev/shm", W_OK | X_OK) == 0) {
        snprintf(dir, sizeof(dir), "/dev/shm/dsfz.XXXXXX");
        return mkdtemp(dir) ? 0 : -1;
    }
    return dc_dir_make(dir, sizeof(dir), "dsfz");
}

/* Made lazily, so that each process (AFL++ forks after initialisation) has
 * its own directory and removes only its own. */
const char *fz_dir(void) {
    used = true;
    if(dir[0])
        return dir;
    if(make_dir() != 0) {
        perror("dillspec-fuzz: mkdtemp");
        exit(2);
    }
    atexit(remove_dir);
    return dir;
}

const char *fz_path(const char *name) {
    snprintf(path, sizeof(path), "%s/%s", fz_dir(), name);
    return path;
}

/* Every path in the directory is made from fz_dir(): an input that never
 * asked for it made nothing there, and reading the directory would be
 * three system calls for nothing. */
void fz_clean_dir(void) {
    if(dir[0] && used)
        dc_dir_empty(dir);
    used = false;
}

int fz_count_fds(void) {
    return dc_fds_open(NULL, 0);
}

void fz_check_fds(int baseline, const char *where) {
    int now = fz_count_fds();
    if(now > baseline)
        fz_finding("hygiene/fd-leak/leaked", "%d fd(s) open after %s",
            now - baseline, where);
}

int fz_io_all(int fd, void *buf, size_t n, bool writing) {
    for(size_t done = 0; done < n;) {
        ssize_t k = writing ? write(fd, (char *)buf + done, n - done)
                            : read(fd, (char *)buf + done, n - done);
        if(k <= 0)
            return -1;
        done += (size_t)k;
    }
    return 0;
}
