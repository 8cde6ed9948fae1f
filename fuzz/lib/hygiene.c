/* The private directory and the fd count that every input is checked
 * against (see fuzz.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

static char dir[64];
static char path[160];

static void remove_dir(void) {
    fz_clean_dir();
    rmdir(dir);
}

/* Made lazily, so that each process (AFL++ forks after initialisation) has
 * its own directory and removes only its own. */
const char *fz_dir(void) {
    if(dir[0])
        return dir;
    /* Socket files are made and removed thousands of times a second: on a
     * memory file system that costs far less than on a disk's (ext4 looks
     * through recently deleted inodes on each one). */
    const char *tmp = getenv("TMPDIR");
    if(!tmp || !*tmp || strlen(tmp) > 32)
        tmp = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof(dir), "%s/dsfz.XXXXXX", tmp);
    if(!mkdtemp(dir)) {
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

/* Entries may be files, sockets, symlinks or directories one level deep
 * (the address harness makes no deeper ones). */
static void remove_entries(const char *d, int depth) {
    DIR *h = opendir(d);
    if(!h)
        return;
    struct dirent *e;
    while((e = readdir(h))) {
        if(!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", d, e->d_name);
        if(e->d_type == DT_DIR && depth < 4)
            remove_entries(p, depth + 1);
        if(remove(p) != 0 && e->d_type == DT_DIR)
            rmdir(p);
    }
    closedir(h);
}

void fz_clean_dir(void) {
    if(dir[0])
        remove_entries(dir, 0);
}

int fz_count_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    if(!d)
        return -1;
    int n = 0;
    while(readdir(d))
        n++;
    closedir(d);
    return n;
}

void fz_check_fds(int baseline, const char *where) {
    int now = fz_count_fds();
    if(now > baseline)
        fz_finding("hygiene/fd-leak/leaked", "%d fd(s) open after %s",
            now - baseline, where);
}

int64_t fz_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
