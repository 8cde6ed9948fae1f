/* The private directory and the fd count that every input is checked
 * against (see fuzz.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dc_hygiene.h"
#include "fuzz.h"
#include "record.h"

static char dir[64];
static int dir_fd = -1;   /* open while the directory exists: emptied once an input */
static char path[160];
static bool used;   /* whether anyone asked for the directory since it was emptied */

static void remove_dir(void) {
    dc_dir_remove(dir);
}

/* Socket files are made and removed thousands of times a second: on a
 * memory file system that costs far less than on a disk's (ext4 looks
 * through its recently deleted inodes for each one).  TMPDIR, when set and
 * short (socket paths are limited to 107 bytes), still decides. */
static const char *dir_base(void) {
    const char *tmp = dc_tmpdir();
    if(tmp)
        return tmp;
    const char *set = getenv("TMPDIR");
    if(set && *set)
        return "/tmp";      /* set, but too long for socket paths */
    return access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
}

/* The PID namespace's inode: a pid names a process only within it (two
 * containers may share a /tmp), 0 if unknown. */
static unsigned long pid_namespace(void) {
    struct stat st;
    return stat("/proc/self/ns/pid", &st) == 0 ? (unsigned long)st.st_ino : 0;
}

/* A process that dies of a signal (a crash in the target, a hang that
 * AFL++, libFuzzer or timeout(1) kills) never runs remove_dir, and under
 * AFL++ every crashing child would leave a directory behind, in memory when
 * it is /dev/shm.  The name says whose a directory is, "dsfz.NS.PID.XXXXXX",
 * so each process removes, before it makes its own, those of its namespace
 * whose owner is gone. */
static void remove_orphans(const char *base, unsigned long ns) {
    DIR *d = ns ? opendir(base) : NULL;
    if(!d)
        return;
    for(struct dirent *e; (e = readdir(d));) {
        unsigned long their_ns;
        int pid, end = 0;
        if(sscanf(e->d_name, "dsfz.%lu.%d.%*6[A-Za-z0-9]%n", &their_ns, &pid, &end) != 2 ||
           e->d_name[end] != '\0' || their_ns != ns || pid <= 0 ||
           kill(pid, 0) == 0 || errno != ESRCH)
            continue;
        char orphan[sizeof(dir)];
        if(snprintf(orphan, sizeof(orphan), "%s/%s", base, e->d_name) < (int)sizeof(orphan))
            dc_dir_remove(orphan);
    }
    closedir(d);
}

static int make_dir(void) {
    const char *base = dir_base();
    unsigned long ns = pid_namespace();
    remove_orphans(base, ns);
    if(snprintf(dir, sizeof(dir), "%s/dsfz.%lu.%ld.XXXXXX", base, ns,
            (long)getpid()) >= (int)sizeof(dir))
        return -1;
    return mkdtemp(dir) ? 0 : -1;
}

/* Made lazily, so that each process (AFL++ forks after initialisation) has
 * its own directory and removes only its own. */
const char *fz_dir(void) {
    used = true;
    if(dir[0])
        return dir;
    if(make_dir() != 0 || (dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        perror("dillspec-fuzz: private directory");
        exit(2);
    }
    atexit(remove_dir);
    fz_before_abort = remove_dir;   /* a finding aborts: no atexit */
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
        dc_dir_empty_at(dir_fd, dir);
    used = false;
}

/* The directory's own fd is the harness's, opened by the first input that
 * asks for it: not counted. */
static int fz_count_fds(void) {
    int n = dc_fds_count();
    return n > 0 && dir_fd >= 0 ? n - 1 : n;
}

/* What the last input left open, or -1 before the first count. */
static int left_open = -1;

#ifdef FZ_LIBFUZZER
/* libFuzzer names each newly covered function (NEW_FUNC) through the
 * sanitizers' symbolizer, an llvm-symbolizer process started on first use
 * and kept, with two pipes: opened between two inputs, which the count
 * below takes as nothing (from an empty corpus, a false fd-leak finding
 * within the first few hundred inputs).  Started before the first count,
 * its fds are in every baseline.  Without a sanitizer runtime there is no
 * symbolizer: libFuzzer prints bare addresses. */
void __sanitizer_symbolize_pc(void *pc, const char *fmt, char *out, size_t size)
    __attribute__((weak));

static void start_symbolizer(void) {
    char name[64];
    if(__sanitizer_symbolize_pc)
        __sanitizer_symbolize_pc((void *)(uintptr_t)start_symbolizer, "%F", name, sizeof(name));
}
#else
static void start_symbolizer(void) {
}
#endif

/* Nothing between two inputs opens or closes an fd for good (libFuzzer and
 * the replay programs open a file only to read or write it whole, AFL++'s
 * persistent loop reads shared memory; libFuzzer's symbolizer, the one fd
 * pair it keeps, is started before the first count), and an input that leaves one more
 * ends the process with a finding (a known leak stays counted, as a count
 * before the next input would count it): so the count one input ended with
 * is the next one's baseline, and /proc/self/fd is listed once an input,
 * not twice (the listing was 6% of the handles harness).  A forked child
 * starts with its parent's fds, so the count still holds there. */
int fz_fds_before(void) {
    fz_record_mark("fds-before");
    if(left_open < 0) {
        start_symbolizer();
        left_open = fz_count_fds();
    }
    return left_open;
}

void fz_check_fds(int baseline, const char *where) {
    fz_record_mark("fds-check");
    int now = fz_count_fds();
    left_open = now;
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
