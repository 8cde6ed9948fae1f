/*
 * address - ipc_listen, ipc_listen_mem, ipc_connect and ipc_connect_mem with
 * generated paths inside the harness's private directory: lengths around
 * sun_path's limit, the empty string, missing components, files that are
 * not sockets, directories, symlinks and symlink loops.
 *
 * Oracle: the path errors of ipc_listen(3)/ipc_connect(3) are the kernel's
 * own, so the harness first asks the kernel what a plain bind(2) or
 * connect(2) of the same path gives and expects the same errno from the
 * library (ENAMETOOLONG when the path does not fit in sun_path; ENOENT for
 * the empty string, as the pages' "the pathname is an empty string" says).
 * A listener must accept the connection a later connect makes, and carry
 * bytes both ways.
 *
 * Each operation is 3 bytes: what to do, and a path made of up to two
 * components chosen from a small set (names of made things, a missing name,
 * long names around the limit).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <libdill.h>

#include "executor.h"
#include "fuzz.h"

const char fz_harness[] = "address";

#define MAX_OPS 16
#define MAX_LISTENERS 4

enum action { LISTEN, LISTEN_MEM, CONNECT, CONNECT_MEM, MKDIR, MKFILE,
    SYMLINK, SYMLINK_LOOP, NACTIONS };

static struct {
    int h;
    dev_t dev;
    ino_t ino;
    struct ipc_listener_storage mem;
} listeners[MAX_LISTENERS];
static int nlisteners;

/* A path component: made things, a missing name, or a long name whose
 * length puts the whole path around sun_path's 108 bytes. */
static void component(uint8_t b, char *out, size_t room, size_t base_len) {
    static const char *names[] = {"d", "f", "s", "l", "loop", "missing", "d/s"};
    if(b < 200) {
        snprintf(out, room, "%s", names[b % 7]);
        return;
    }
    /* 200..255: lengths sizeof(sun_path) - 30 .. + 25 of the whole path */
    size_t want = sizeof(((struct sockaddr_un *)0)->sun_path) - 30 + (size_t)(b - 200);
    size_t n = want > base_len + 1 ? want - base_len - 1 : 1;
    if(n >= room)
        n = room - 1;
    memset(out, 'n', n);
    out[n] = 0;
}

static void make_path(struct fz_in *in, char *path, size_t room) {
    uint8_t a = fz_u8(in), b = fz_u8(in);
    if(a == 0xFF) {              /* the empty string */
        path[0] = 0;
        return;
    }
    char c1[200], c2[200];
    size_t dir_len = strlen(fz_dir());
    component(a, c1, sizeof(c1), dir_len);
    if(b >= 128) {
        component(b, c2, sizeof(c2), dir_len + strlen(c1) + 1);
        snprintf(path, room, "%s/%s/%s", fz_dir(), c1, c2);
    } else {
        snprintf(path, room, "%s/%s", fz_dir(), c1);
    }
}

static bool fits(const char *path) {
    return strlen(path) < sizeof(((struct sockaddr_un *)0)->sun_path);
}

/* What the kernel says to bind(2) or connect(2) of `path`: 0 or an errno. */
static int kernel_says(const char *path, bool listening) {
    if(!*path)
        return ENOENT;
    if(!fits(path))
        return ENAMETOOLONG;
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    memcpy(sun.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if(fd < 0)
        fz_finding("setup/socket/failed", "socket(2): %s", dc_errname(errno));
    int rc = listening ? bind(fd, (struct sockaddr *)&sun, sizeof(sun))
                       : connect(fd, (struct sockaddr *)&sun, sizeof(sun));
    int err = rc == 0 ? 0 : errno;
    close(fd);
    if(rc == 0 && listening)
        unlink(path);
    return err;
}

/* The listener at `path`, by the socket file it resolves to: a symlink to
 * a listener's directory reaches the same listener. */
static int find_listener(const char *path) {
    struct stat st;
    if(!*path || !fits(path) || stat(path, &st) != 0)
        return -1;
    for(int i = 0; i < nlisteners; i++)
        if(listeners[i].dev == st.st_dev && listeners[i].ino == st.st_ino)
            return i;
    return -1;
}

static void judge(const char *fn, int want, int rc, int err) {
    char key[96];
    if(rc == -1 && !dc_documented(fn[4] == 'l' ? DC_IPC_LISTEN : DC_IPC_CONNECT, err)) {
        snprintf(key, sizeof(key), "%s/undocumented/%s", fn, dc_errname(err));
        fz_finding(key, "an errno its ERRORS table lacks");
    }
    if(want == 0 && rc < 0) {
        snprintf(key, sizeof(key), "%s/valid/%s", fn, dc_errname(err));
        fz_finding(key, "the kernel accepts this path; the call failed");
    }
    if(want != 0 && (rc != -1 || err != want)) {
        snprintf(key, sizeof(key), "%s/%s/%s", fn, dc_errname(want),
            rc == -1 ? dc_errname(err) : "succeeded");
        fz_finding(key, "expected -1 with %s", dc_errname(want));
    }
}

static void do_listen(const char *path, bool mem) {
    if(nlisteners == MAX_LISTENERS)
        return;
    const char *fn = mem ? "ipc_listen_mem" : "ipc_listen";
    if(!*path && fz_known("ipc_listen/empty-path/crash"))
        return;
    int want = kernel_says(path, true);
    int i = nlisteners;
    int h = mem ? ipc_listen_mem(path, 4, &listeners[i].mem) : ipc_listen(path, 4);
    judge(fn, want, h, errno);
    struct stat st;
    if(h >= 0 && want == 0 && stat(path, &st) != 0)
        fz_finding("ipc_listen/valid/no-socket-file", "no file at the address");
    if(h >= 0) {
        if(want != 0)
            st = (struct stat){0};
        listeners[i].h = h;
        listeners[i].dev = st.st_dev;
        listeners[i].ino = st.st_ino;
        nlisteners++;
    }
}

/* A connect to one of our listeners must be accepted and carry bytes. */
static void exchange(int conn, int l) {
    int s = ipc_accept(listeners[l].h, now() + 1000);
    if(s < 0)
        fz_finding("ipc_accept/after-connect/failed", "%s", dc_errname(errno));
    char ping = 'p', got = 0;
    if(bsend(conn, &ping, 1, -1) != 0 || brecv(s, &got, 1, now() + 1000) != 0)
        fz_finding("ipc_connect/exchange/failed", "no byte through the connection");
    if(got != ping)
        fz_finding("brecv/data/corrupt", "0x%02x arrived where 0x%02x was sent",
            (unsigned char)got, (unsigned char)ping);
    hclose(s);
}

static void do_connect(const char *path, bool mem) {
    const char *fn = mem ? "ipc_connect_mem" : "ipc_connect";
    int l = find_listener(path);
    if(!*path && fz_known("ipc_connect/empty-path/crash"))
        return;
    /* Asking the kernel would queue a connection on our own listener. */
    int want = l >= 0 ? 0 : kernel_says(path, false);
    struct ipc_storage storage;
    int h = mem ? ipc_connect_mem(path, &storage, now() + 1000)
                : ipc_connect(path, now() + 1000);
    judge(fn, want, h, errno);
    if(h < 0)
        return;
    if(l >= 0)
        exchange(h, l);
    hclose(h);
}

static void make_thing(enum action a, const char *path) {
    switch(a) {
    case MKDIR: (void)mkdir(path, 0700); break;
    case MKFILE: { FILE *f = fopen(path, "w"); if(f) fclose(f); break; }
    case SYMLINK: (void)symlink(fz_path("d"), path); break;
    case SYMLINK_LOOP: (void)symlink(path, path); break;
    default: break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_begin_input(data, size);
    int fds = fz_fds_before();
    struct fz_in in = {data, size};
    /* Names the components refer to: "l" a symlink to "d", "loop" a loop. */
    make_thing(MKDIR, fz_path("d"));
    make_thing(MKFILE, fz_path("f"));
    make_thing(SYMLINK, fz_path("l"));
    make_thing(SYMLINK_LOOP, fz_path("loop"));
    for(int op = 0; op < MAX_OPS && !fz_empty(&in); op++) {
        enum action a = (enum action)(fz_u8(&in) % NACTIONS);
        char path[512];
        make_path(&in, path, sizeof(path));
        switch(a) {
        case LISTEN: do_listen(path, false); break;
        case LISTEN_MEM: do_listen(path, true); break;
        case CONNECT: do_connect(path, false); break;
        case CONNECT_MEM: do_connect(path, true); break;
        default: if(fits(path) && *path) make_thing(a, path); break;
        }
    }
    for(int i = 0; i < nlisteners; i++)
        if(hclose(listeners[i].h) != 0)
            fz_finding("hclose/listener/failed", "%s", dc_errname(errno));
    nlisteners = 0;
    fz_clean_dir();
    fz_check_fds(fds, "every listener was closed");
    return 0;
}
