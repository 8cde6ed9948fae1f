/* Fd counts and private directories (see dc_hygiene.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dc_hygiene.h"

/* Calls `fn` for each entry of `dir` but "." and ".." (with the fd that
 * reads the directory), until it returns nonzero; -1 if `dir` cannot be
 * read.  The fuzzers list a directory twice an input: getdents64 into a
 * buffer on the stack, where opendir would allocate 32 KB each time (fresh
 * memory under AddressSanitizer's quarantine, so page faults too). */
static int each_entry(const char *dir, int (*fn)(const struct dirent64 *, int, void *),
        void *arg) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if(fd < 0)
        return -1;
    _Alignas(struct dirent64) char buf[4096];
    ssize_t n;
    int stop = 0;
    while(!stop && (n = getdents64(fd, buf, sizeof(buf))) > 0) {
        for(ssize_t at = 0; !stop && at < n;) {
            const struct dirent64 *e = (const struct dirent64 *)(buf + at);
            at += e->d_reclen;
            if(strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                stop = fn(e, fd, arg);
        }
    }
    close(fd);
    return 0;
}

struct fd_count {
    unsigned char *open;
    int max, n;
};

static int count_fd(const struct dirent64 *e, int self, void *arg) {
    struct fd_count *c = arg;
    int fd = atoi(e->d_name);
    if(fd == self)
        return 0;
    if(c->open && fd >= c->max) {
        c->n = -1;
        return 1;
    }
    if(c->open)
        c->open[fd] = 1;
    c->n++;
    return 0;
}

int dc_fds_open(unsigned char *open, int max) {
    struct fd_count c = {open, max, 0};
    if(open)
        memset(open, 0, (size_t)max);
    return each_entry("/proc/self/fd", count_fd, &c) == 0 ? c.n : -1;
}

int dc_dir_make(char *dir, size_t size, const char *tag) {
    const char *tmp = getenv("TMPDIR");
    if(!tmp || !*tmp || strlen(tmp) > 32)
        tmp = "/tmp";
    snprintf(dir, size, "%s/%s.XXXXXX", tmp, tag);
    return mkdtemp(dir) ? 0 : -1;
}

struct removal {
    const char *dir;
    int depth, n;
};

static int remove_entry(const struct dirent64 *e, int self, void *arg) {
    (void)self;
    struct removal *r = arg;
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", r->dir, e->d_name);
    if(e->d_type == DT_DIR && r->depth < 4) {
        struct removal inner = {p, r->depth + 1, 0};
        each_entry(p, remove_entry, &inner);
    }
    if(remove(p) != 0 && e->d_type == DT_DIR)
        rmdir(p);
    r->n++;
    return 0;
}

static int count_entry(const struct dirent64 *e, int self, void *arg) {
    (void)e, (void)self;
    ++*(int *)arg;
    return 0;
}

int dc_dir_entries(const char *dir) {
    int n = 0;
    return each_entry(dir, count_entry, &n) == 0 ? n : -1;
}

int dc_dir_empty(const char *dir) {
    struct removal r = {dir, 0, 0};
    each_entry(dir, remove_entry, &r);
    return r.n;
}

void dc_dir_remove(const char *dir) {
    dc_dir_empty(dir);
    rmdir(dir);
}
