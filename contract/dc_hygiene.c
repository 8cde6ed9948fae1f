/* Fd counts and private directories (see dc_hygiene.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dc_hygiene.h"

/* Calls `fn` for each entry of the directory open at `fd` (rewound first)
 * but "." and "..", with `fd`, until it returns nonzero.  getdents64 into
 * a buffer on the stack: opendir would allocate 32 KB each time (fresh
 * memory under AddressSanitizer's quarantine, so page faults too). */
static int each_entry_at(int fd, int (*fn)(const struct dirent64 *, int, void *),
        void *arg) {
    if(lseek(fd, 0, SEEK_SET) < 0)
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
    return n < 0 ? -1 : 0;
}

/* The same for the directory at `dir`; -1 if it cannot be read. */
static int each_entry(const char *dir, int (*fn)(const struct dirent64 *, int, void *),
        void *arg) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if(fd < 0)
        return -1;
    int rc = each_entry_at(fd, fn, arg);
    close(fd);
    return rc;
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

/* The fuzzers count once an input: opening /proc/self/fd each time was a
 * third of the cost of a count.  "self" is resolved when the directory is
 * opened, so a forked child (AFL++'s fork server) opens its own. */
int dc_fds_count(void) {
    static int fd = -1;
    static pid_t owner;
    if(fd >= 0 && owner != getpid()) {
        close(fd);
        fd = -1;
    }
    if(fd < 0) {
        fd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if(fd < 0)
            return -1;
        owner = getpid();
    }
    /* Since Linux 6.2 the directory's size is the number of fds open (the
     * kernel counts its table's bits): one system call where reading the
     * entries made the kernel build one for each fd, a tenth of the time
     * of a fuzz input.  Before, the size is 0 (there is always one fd: this
     * one), and the entries are counted. */
    struct stat st;
    if(fstat(fd, &st) == 0 && st.st_size > 0)
        return (int)st.st_size - 1;     /* not this one */
    struct fd_count c = {NULL, 0, 0};
    return each_entry_at(fd, count_fd, &c) == 0 ? c.n : -1;
}

const char *dc_tmpdir(void) {
    const char *tmp = getenv("TMPDIR");
    return tmp && *tmp && strlen(tmp) <= 32 ? tmp : NULL;
}

int dc_dir_make(char *dir, size_t size, const char *tag) {
    const char *tmp = dc_tmpdir();
    snprintf(dir, size, "%s/%s.XXXXXX", tmp ? tmp : "/tmp", tag);
    return mkdtemp(dir) ? 0 : -1;
}

struct removal {
    const char *dir;
    int depth, n;
};

/* Names are removed relative to the directory being read (`self`): no
 * path walk from the root for each. */
static int remove_entry(const struct dirent64 *e, int self, void *arg) {
    struct removal *r = arg;
    if(e->d_type == DT_DIR && r->depth < 4) {
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", r->dir, e->d_name);
        struct removal inner = {p, r->depth + 1, 0};
        each_entry(p, remove_entry, &inner);
    }
    if(unlinkat(self, e->d_name, 0) != 0 && e->d_type == DT_DIR)
        unlinkat(self, e->d_name, AT_REMOVEDIR);
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

int dc_dir_empty_at(int fd, const char *dir) {
    struct removal r = {dir, 0, 0};
    each_entry_at(fd, remove_entry, &r);
    return r.n;
}

void dc_dir_remove(const char *dir) {
    dc_dir_empty(dir);
    rmdir(dir);
}
