/*
 * storage - the _mem variants: objects made in caller storage and on the
 * heap, interleaved, closed in every order with hclose or ipc_close, storage
 * reused once its object is closed, and NULL storage.
 *
 * Each storage block sits flush against a PROT_NONE page with a canary in
 * front, so a target that writes past its storage crashes and one that
 * writes before it is caught by the canary.  Oracle: every constructor
 * succeeds in free storage (reused or not), every object works (bytes go
 * through each connection intact), hclose returns 0, ipc_close fails only
 * with an errno its page lists, NULL storage gives -1/EINVAL and never a
 * crash (ref/README reading 6), and nothing is left open at the end.
 *
 * Each operation is 3 bytes: action, block, object.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <libdill.h>

#include "dc_guarded.h"
#include "executor.h"
#include "fuzz.h"

const char fz_harness[] = "storage";

#define NBLOCKS 4
#define NOBJS 8
#define MAX_OPS 24

enum action { LISTEN, CONNECT, PAIR, FROMFD, LISTENER_FROMFD, HCLOSE,
    IPC_CLOSE, EXCHANGE, NULL_STORAGE, NACTIONS };

/* The largest storage of any _mem variant in scope. */
union any_storage {
    struct ipc_storage ipc;
    struct ipc_listener_storage listener;
    struct ipc_pair_storage pair;
};

struct block {
    uint8_t *mem;      /* sizeof(union any_storage) bytes before a guard page */
    int users;         /* live objects in it (a pair has two) */
};

struct obj {
    bool live, listener;
    int h, peer, block;
    char name[8];      /* a listener's socket file */
};

static struct block blocks[NBLOCKS];
static struct obj objs[NOBJS];
static int listeners_made;

/* Blocks are mapped once, guarded (contract/dc_guarded.h). */
static void map_blocks(void) {
    for(int i = 0; i < NBLOCKS; i++) {
        blocks[i].mem = dc_guarded(sizeof(union any_storage));
        if(!blocks[i].mem)
            fz_finding("setup/mmap/failed", "cannot map guarded storage");
    }
}

static void check_canaries(void) {
    for(int i = 0; i < NBLOCKS; i++)
        if(dc_guarded_overrun(blocks[i].mem) != 0)
            fz_finding("storage/canary/overwritten",
                "a byte before block %d's storage was written", i);
}

static union any_storage *storage_of(int k) {
    return k >= 0 ? (union any_storage *)blocks[k].mem : NULL;
}

/* Storage for the next object: a free block (b's low bits choose), the
 * heap (b's top bit), or -2 when the chosen block is in use. */
static int pick_block(uint8_t b) {
    if(b & 0x80)
        return -1;
    int k = b % NBLOCKS;
    return blocks[k].users == 0 ? k : -2;
}

static int free_slots(void) {
    int n = 0;
    for(int i = 0; i < NOBJS; i++)
        n += !objs[i].live;
    return n;
}

static int add_obj(int h, int block, bool listener) {
    int o = 0;
    while(objs[o].live)
        o++;
    objs[o] = (struct obj){.live = true, .listener = listener, .h = h,
        .peer = -1, .block = block};
    if(block >= 0)
        blocks[block].users++;
    return o;
}

static void link_peers(int a, int b) {
    objs[a].peer = b;
    objs[b].peer = a;
}

static void must(bool ok, const char *key) {
    if(!ok)
        fz_finding(key, "failed with %s", dc_errname(errno));
}

/* A fresh socket file name for a listener, with nothing left at it. */
static void listener_name(char name[8]) {
    snprintf(name, 8, "l%d", listeners_made++ % 100);
    unlink(fz_path(name));
}

static void act_listen(uint8_t b) {
    int k = pick_block(b);
    if(k == -2 || free_slots() < 1)
        return;
    char name[8];
    listener_name(name);
    int h = k >= 0 ? ipc_listen_mem(fz_path(name), 8, &storage_of(k)->listener)
                   : ipc_listen(fz_path(name), 8);
    must(h >= 0, k >= 0 ? "ipc_listen_mem/free-storage/failed" : "ipc_listen/heap/failed");
    int o = add_obj(h, k, true);
    memcpy(objs[o].name, name, sizeof(name));
}

static void act_listener_fromfd(uint8_t b) {
    int k = pick_block(b);
    if(k == -2 || free_slots() < 1 ||
            fz_absent(k >= 0 ? "ipc_listener_fromfd_mem" : "ipc_listener_fromfd"))
        return;
    char name[8];
    listener_name(name);
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", fz_path(name));
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if(fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 || listen(fd, 8) != 0)
        fz_finding("setup/listen/failed", "%s", dc_errname(errno));
    int h = k >= 0 ? ipc_listener_fromfd_mem(fd, &storage_of(k)->listener)
                   : ipc_listener_fromfd(fd);
    must(h >= 0, k >= 0 ? "ipc_listener_fromfd_mem/free-storage/failed"
                        : "ipc_listener_fromfd/heap/failed");
    int o = add_obj(h, k, true);
    memcpy(objs[o].name, name, sizeof(name));
}

/* Connects (storage chosen by b) to listener c and accepts (storage chosen
 * by b + 1). */
static void act_connect(uint8_t b, uint8_t c) {
    int l = c % NOBJS;
    int k1 = pick_block(b), k2 = pick_block((uint8_t)(b + 1));
    if(!objs[l].live || !objs[l].listener || k1 == -2 || k2 == -2 ||
            (k1 >= 0 && k1 == k2) || free_slots() < 2)
        return;
    const char *path = fz_path(objs[l].name);
    int h1 = k1 >= 0 ? ipc_connect_mem(path, &storage_of(k1)->ipc, now() + 1000)
                     : ipc_connect(path, now() + 1000);
    must(h1 >= 0, k1 >= 0 ? "ipc_connect_mem/free-storage/failed" : "ipc_connect/heap/failed");
    int a = add_obj(h1, k1, false);
    int h2 = k2 >= 0 ? ipc_accept_mem(objs[l].h, &storage_of(k2)->ipc, now() + 1000)
                     : ipc_accept(objs[l].h, now() + 1000);
    must(h2 >= 0, k2 >= 0 ? "ipc_accept_mem/free-storage/failed" : "ipc_accept/heap/failed");
    link_peers(a, add_obj(h2, k2, false));
}

/* ipc_pair_mem keeps both ends in one block: it stays in use until both
 * are closed. */
static void act_pair(uint8_t b) {
    int k = pick_block(b), h[2];
    if(k == -2 || free_slots() < 2)
        return;
    int rc = k >= 0 ? ipc_pair_mem(&storage_of(k)->pair, h) : ipc_pair(h);
    must(rc == 0, k >= 0 ? "ipc_pair_mem/free-storage/failed" : "ipc_pair/heap/failed");
    int a = add_obj(h[0], k, false);
    link_peers(a, add_obj(h[1], k, false));
}

/* Both ends of a socketpair, one in storage chosen by b, one by b + 1. */
static void act_fromfd(uint8_t b) {
    int k1 = pick_block(b), k2 = pick_block((uint8_t)(b + 1)), fds[2];
    if(k1 == -2 || k2 == -2 || (k1 >= 0 && k1 == k2) || free_slots() < 2
            || fz_absent("ipc_fromfd") || fz_absent("ipc_fromfd_mem"))
        return;
    if(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
        fz_finding("setup/socketpair/failed", "%s", dc_errname(errno));
    int h1 = k1 >= 0 ? ipc_fromfd_mem(fds[0], &storage_of(k1)->ipc) : ipc_fromfd(fds[0]);
    must(h1 >= 0, k1 >= 0 ? "ipc_fromfd_mem/free-storage/failed" : "ipc_fromfd/heap/failed");
    int a = add_obj(h1, k1, false);
    int h2 = k2 >= 0 ? ipc_fromfd_mem(fds[1], &storage_of(k2)->ipc) : ipc_fromfd(fds[1]);
    must(h2 >= 0, k2 >= 0 ? "ipc_fromfd_mem/free-storage/failed" : "ipc_fromfd/heap/failed");
    link_peers(a, add_obj(h2, k2, false));
}

static void drop(int o) {
    if(objs[o].block >= 0)
        blocks[objs[o].block].users--;
    if(objs[o].peer >= 0)
        objs[objs[o].peer].peer = -1;
    if(objs[o].listener)
        unlink(fz_path(objs[o].name));
    objs[o].live = false;
}

static void act_hclose(uint8_t c) {
    int o = c % NOBJS;
    if(!objs[o].live)
        return;
    must(hclose(objs[o].h) == 0, "hclose/live/failed");
    drop(o);
}

/* ipc_close(3): "The socket is closed even in the case of error." */
static void act_ipc_close(uint8_t c) {
    int o = c % NOBJS;
    if(!objs[o].live)
        return;
    int rc = ipc_close(objs[o].h, 0);
    fz_check_documented(DC_IPC_CLOSE, rc, errno);
    if(objs[o].listener && rc != 0)
        fz_finding("ipc_close/listener/failed", "ipc_close of a listener is hclose");
    drop(o);
}

/* Sixteen bytes through a connection and back out of its peer. */
static void act_exchange(uint8_t c) {
    int o = c % NOBJS;
    if(!objs[o].live || objs[o].listener || objs[o].peer < 0)
        return;
    uint8_t out[16], in[16] = {0};
    for(int i = 0; i < 16; i++)
        out[i] = (uint8_t)(c + i * 17);
    must(bsend(objs[o].h, out, sizeof(out), 0) == 0, "bsend/mem-object/failed");
    must(brecv(objs[objs[o].peer].h, in, sizeof(in), 0) == 0, "brecv/mem-object/failed");
    for(size_t i = 0; i < sizeof(in); i++)
        if(in[i] != out[i])
            fz_finding("brecv/data/corrupt", "byte %zu of 16 through a _mem object: "
                "0x%02x where 0x%02x was sent", i, in[i], out[i]);
}

/* NULL storage: -1 with EINVAL, never a crash, no handle, no fd (counted
 * at the end of the input) and, for ipc_listen_mem, no socket file: the
 * contract's reading (ref/README reading 6), which the conformance rows
 * <fn>/EINVAL/null-storage check too.  Only the ipc_listen_mem and
 * ipc_connect_mem tables list EINVAL; the reading adds it to the others. */
static void act_null_storage(uint8_t c) {
    static const enum dc_fn fns[] = {DC_IPC_LISTEN_MEM, DC_IPC_PAIR_MEM,
        DC_IPC_CONNECT_MEM, DC_IPC_ACCEPT_MEM};
    enum dc_fn fn = fns[c % 4];
    char key[64];
    snprintf(key, sizeof(key), "%s/null-storage/crash", dc_fn_name(fn));
    if(fz_known(key))
        return;
    int h[2] = {-1, -1}, rc, l = 0;
    while(l < NOBJS && !(objs[l].live && objs[l].listener))
        l++;
    switch(fn) {
    case DC_IPC_LISTEN_MEM: rc = ipc_listen_mem(fz_path("null"), 8, NULL); break;
    case DC_IPC_PAIR_MEM: rc = ipc_pair_mem(NULL, h); break;
    case DC_IPC_CONNECT_MEM: rc = ipc_connect_mem(fz_path("null"), NULL, 0); break;
    default:
        if(l == NOBJS)
            return;   /* no listener to try it on */
        rc = ipc_accept_mem(objs[l].h, NULL, 0);
        break;
    }
    int err = errno;
    if(rc != -1 || err != EINVAL) {
        snprintf(key, sizeof(key), "%s/null-storage/%s", dc_fn_name(fn),
            rc == -1 ? dc_errname(err) : "succeeded");
        fz_finding(key, "NULL storage: returned %d, expected -1 with EINVAL", rc);
    }
    struct stat st;
    if(fn == DC_IPC_LISTEN_MEM && lstat(fz_path("null"), &st) == 0) {
        unlink(fz_path("null"));
        fz_finding("ipc_listen_mem/null-storage/left-file",
            "the refused call left a socket file at its path");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int mapped;
    if(!mapped++)
        map_blocks();
    fz_begin_input(data, size);
    int fds = fz_fds_before();
    struct fz_in in = {data, size};
    for(int op = 0; op < MAX_OPS && !fz_empty(&in); op++) {
        enum action a = (enum action)(fz_u8(&in) % NACTIONS);
        uint8_t b = fz_u8(&in), c = fz_u8(&in);
        switch(a) {
        case LISTEN: act_listen(b); break;
        case LISTENER_FROMFD: act_listener_fromfd(b); break;
        case CONNECT: act_connect(b, c); break;
        case PAIR: act_pair(b); break;
        case FROMFD: act_fromfd(b); break;
        case HCLOSE: act_hclose(c); break;
        case IPC_CLOSE: act_ipc_close(c); break;
        case EXCHANGE: act_exchange(c); break;
        case NULL_STORAGE: act_null_storage(c); break;
        default: break;
        }
        check_canaries();
    }
    for(int o = 0; o < NOBJS; o++)
        if(objs[o].live)
            act_hclose((uint8_t)o);
    check_canaries();
    fz_clean_dir();
    fz_check_fds(fds, "every object was closed");
    return 0;
}
