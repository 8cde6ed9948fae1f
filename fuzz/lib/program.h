/*
 * program.h - the call programs of the handles and differential harnesses.
 *
 * An input is a sequence of fixed-size operations, five bytes each, so that
 * a fuzzer's byte flips change one argument and its splices keep whole
 * operations.  Decoding is total: every byte string is a program.
 *
 *   byte 0  operation (modulo FZ_NOPS)
 *   byte 1  first operand: a slot, or a special handle value (see below)
 *   byte 2  second operand (a slot or an address number)
 *   byte 3  deadline mode (low 2 bits) and variant flags (the rest)
 *   byte 4  length code
 *
 * Operands name one of FZ_NSLOTS slots, or, from 0xF8 up, a value that is
 * not a live handle of this program or is one of the wrong type: -1, 0,
 * INT_MAX, the number most recently closed, a large never-issued number,
 * INT_MIN, and "a live coroutine or bundle" and "a live listener".
 *
 * The bytes a program sends are not in it: the byte at position `pos` of
 * what connection endpoint `ep` sends is fz_pattern(ep, pos), endpoints
 * numbered in the order the program made them (two per pair, the
 * connecting end before the accepted one), so a receiver knows every byte
 * it must get.  A list's items are laid out by fz_list_shape (below).
 *
 * Per operation (a: byte 1, b: byte 2, flags: byte 3 >> 2, len: the length
 * code decoded by fz_decode):
 *
 *   listen, listener_fromfd   a: the slot made, b: the address; flags bit 0:
 *                             the _mem variant
 *   connect                   a: the slot made, b: the address; deadline;
 *                             flags bit 0: _mem
 *   accept                    a: the listener operand, b: the slot made;
 *                             deadline; flags bit 0: _mem
 *   pair, fromfd, bundle      a: the first slot made (a pair fills the next
 *                             free one too); flags bit 0: _mem
 *   bsend, brecv              a: the connection; len bytes; deadline; brecv
 *                             flags bit 1: a NULL buffer
 *   bsendl, brecvl            as bsend/brecv, the bytes in the list
 *                             fz_list_shape(len, flags, receiving) gives
 *   done, ipc_close, recvfd   a: the operand; deadline
 *   hclose                    a: the operand
 *   go_recv                   a: the connection, b: the coroutine's slot: a
 *                             coroutine receives one byte with deadline -1
 *   yield                     len odd: msleep(now() + 1), even: yield()
 *   sendfd                    a: the connection; deadline; the fd sent is a
 *                             pipe's read end (flags bit 1: -1 instead; bit
 *                             2: moved to fd 0 first; bit 3: to a high
 *                             number, FZ_HIGH_FD or below)
 *   transfer                  a: the sending end, which must have a peer in
 *                             a slot: fz_transfer_size(len code) bytes sent
 *                             by a coroutine with bsendl of the list
 *                             fz_list_shape(size, flags, false) (flags 0: a
 *                             plain bsend) while this coroutine receives
 *                             them at the peer in 1 + b % 4 calls of equal
 *                             parts (the last takes the remainder), each a
 *                             brecvl of fz_list_shape(part, b >> 2, true)
 *                             (b >> 2 == 0: a plain brecv); every call with
 *                             deadline now() + FZ_TRANSFER_MS
 *
 * The encoding only grows: operations are appended to enum fz_opcode, flags
 * take bits an operation did not use.  An input whose opcode bytes are
 * below FZ_NOPS keeps its meaning under every later encoding (the corpus is
 * kept so: fuzz/tools/make_seeds.py --canonical).
 *
 * Deadlines.  A deadline mode is 0, -1, timed or past (enum fz_deadline):
 * timed is now() + 1 for the operations before FZ_OP_MSLEEP and now() +
 * fz_delay_ms(length) for those after it; past is now() - 10.  -1 is
 * passed only where the model knows the call completes without it (data
 * waiting, a peer's done, ...); elsewhere the call gets 0 instead.  The
 * differential harness (FZ_TRACE) passes 0 for timed and makes no
 * coroutine.
 *
 * The core's operations (from FZ_OP_MSLEEP on):
 *
 *   msleep        msleep(deadline); with FZ_FLAG_GO, or with deadline -1
 *                 (which only cancellation ends), in a coroutine instead
 *   fdin, fdout   fdin/fdout(fd, deadline) on the fd operand a names: a raw
 *                 fd of the program (FZ_OP_RAWFD), or -1, INT_MAX, INT_MIN or
 *                 the never-issued number (EBADF); FZ_FLAG_GO: in a coroutine
 *   fdclean       fdclean(fd) of a raw fd, then close(fd), which gives the
 *                 number back to the kernel (the next socket reuses it);
 *                 FZ_FLAG_SKIP: fdclean only, the program keeps using the fd
 *   rawfd         socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK): two raw
 *                 fds, owned by the program, into slots from a
 *   rawio         on raw fd a: send `length` bytes to its other end; a length
 *                 of 3584 (code 255) sends until the socket is full;
 *                 FZ_FLAG_SKIP: read and drop whatever waits at fd a
 *   bundle_wait   bundle_wait(a, deadline); FZ_FLAG_GO: in a coroutine
 *   hown          hown(a): the object in a's slot takes the new number
 *   go_accept     ipc_accept(a, deadline) in a coroutine, which closes the
 *                 connection it gets at once
 *
 * Coroutines.  "In a coroutine" (FZ_OP_GO_RECV, FZ_OP_GO_ACCEPT and
 * FZ_FLAG_GO) is go(call) into the first free slot from b, or
 * bundle_go(slot b, call) when slot b holds a bundle or a coroutine (go's
 * handle is a bundle too); FZ_FLAG_MEM makes it go_mem/bundle_go_mem with
 * a 256 KiB stack of the program's.  The call's deadline is worked out
 * when the op runs.  A coroutine whose call failed with ECANCELED then
 * calls msleep(now() + 50), yield(), fdin(a pipe of the harness's, now() +
 * 50) and ipc_pair(), each of which must fail with ECANCELED too.
 */
#ifndef DILLSPEC_PROGRAM_H
#define DILLSPEC_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FZ_NSLOTS 8
#define FZ_MAX_OPS 64
#define FZ_NADDRS 4

enum fz_opcode {
    FZ_OP_LISTEN, FZ_OP_CONNECT, FZ_OP_ACCEPT, FZ_OP_PAIR, FZ_OP_FROMFD,
    FZ_OP_LISTENER_FROMFD, FZ_OP_BSEND, FZ_OP_BRECV, FZ_OP_BSENDL, FZ_OP_BRECVL,
    FZ_OP_DONE, FZ_OP_IPC_CLOSE, FZ_OP_HCLOSE, FZ_OP_GO_RECV, FZ_OP_BUNDLE,
    FZ_OP_YIELD, FZ_OP_SENDFD, FZ_OP_RECVFD, FZ_OP_TRANSFER,
    /* the coroutine core (see above) */
    FZ_OP_MSLEEP, FZ_OP_FDIN, FZ_OP_FDOUT, FZ_OP_FDCLEAN, FZ_OP_RAWFD, FZ_OP_RAWIO,
    FZ_OP_BUNDLE_WAIT, FZ_OP_HOWN, FZ_OP_GO_ACCEPT,
    FZ_NOPS
};

/* Special operand values, from 0xF8 up. */
enum fz_special {
    FZ_SP_MINUS_ONE = 0xF8, FZ_SP_ZERO, FZ_SP_INT_MAX, FZ_SP_LAST_CLOSED,
    FZ_SP_NEVER_ISSUED, FZ_SP_INT_MIN, FZ_SP_COROUTINE_OR_BUNDLE, FZ_SP_LISTENER
};

enum fz_deadline { FZ_DL_ZERO, FZ_DL_INFINITE, FZ_DL_TIMED, FZ_DL_PAST };
/* A deadline mode as finding keys name it: "deadline-0", "timed", ... */
const char *fz_deadline_name(enum fz_deadline m);

struct fz_op {
    enum fz_opcode code;
    uint8_t a, b;            /* raw operands */
    enum fz_deadline dl;
    uint8_t flags;           /* bit 0: the _mem variant; bit 1: NULL buffer */
    uint8_t len_code;        /* byte 4 as it is */
    size_t len;              /* byte 4 decoded: 0-199, then 64-byte steps */
};

#define FZ_FLAG_MEM 1       /* the _mem variant; go_mem and bundle_go_mem */
#define FZ_FLAG_SKIP 2      /* brecv: NULL buffer; ipc_sendfd: fd -1;
                               fdclean: keep the fd; rawio: read and drop */
#define FZ_FLAG_FD_ZERO 4   /* ipc_sendfd: the pipe's end moved to fd 0 */
#define FZ_FLAG_FD_HIGH 8   /* ipc_sendfd: the pipe's end moved up high */
#define FZ_HIGH_FD 1000     /* (or the highest number the limit allows) */
#define FZ_FLAG_GO 4        /* msleep, fdin, fdout, bundle_wait: in a coroutine */
#define FZ_FLAG_NONBLOCK 4  /* ipc_fromfd, ipc_listener_fromfd: the fds are
                               non-blocking before they are wrapped (without
                               it they are blocking, as socket(2) makes them) */

/* The timed deadline of the core's operations: now() + 1 to now() + 16 ms,
 * so that coroutines' deadlines differ and fall in every order. */
static inline int fz_delay_ms(size_t len) {
    return 1 + (int)(len % 16);
}

struct fz_program {
    int n;
    struct fz_op ops[FZ_MAX_OPS];
};

/* A transfer's size in bytes for its length code: 64-byte steps up to
 * 15.5 KiB (codes 0-247), then 8 KiB steps from 224 KiB to 280 KiB (codes
 * 248-255), more than a kernel socket buffer (Linux's default is 208 KiB),
 * so that one write cannot take it all.  The large ones cost some forty
 * times an ordinary program: few codes make them, and a program moves at
 * most FZ_TRANSFER_BUDGET bytes in at most FZ_MAX_TRANSFERS transfers
 * (those past either are left out). */
size_t fz_transfer_size(uint8_t code);
#define FZ_TRANSFER_MAX (280 * 1024)
#define FZ_TRANSFER_MS 1000
#define FZ_TRANSFER_BUDGET (320 * 1024)
#define FZ_MAX_TRANSFERS 4

/* List shapes.  The `len` bytes of a bsendl, brecvl or transfer call lie in
 * one buffer, in pieces; the list is one item per piece, plus zero-length
 * items, in this order.  `shape` (6 bits):
 *
 *   bits 0-1  pieces - 1 (1 to 4); bit 5 doubles them (up to 8)
 *   bit 1     receiving: the odd pieces have NULL bases (their bytes are
 *             skipped)
 *   bit 2     a zero-length item before the first piece, between every two
 *             and after the last
 *   bit 3     uneven: the first piece gets an eighth of its share, the
 *             last the rest
 *   bit 4     the zero-length items have NULL bases; receiving, so do the
 *             pieces between the first and the last
 *
 * Pieces lie FZ_LIST_GAP bytes apart, so a byte written outside an item
 * lands in a gap; `at` is an item's offset in the buffer (a zero-length
 * item's points into a gap), `null` a NULL base.  Returns the number of
 * items, at most FZ_LIST_MAX; *span is the buffer room they need. */
#define FZ_LIST_MAX 17
#define FZ_LIST_GAP 8
struct fz_item {
    size_t at, len;
    bool null;
};
int fz_list_shape(size_t len, unsigned shape, bool receiving,
    struct fz_item items[FZ_LIST_MAX], size_t *span);

void fz_decode(const uint8_t *data, size_t size, struct fz_program *prog);
/* One line per operation, as the C calls it stands for. */
void fz_print(const struct fz_program *prog, FILE *out);
const char *fz_op_name(enum fz_opcode code);

/* True when the target does not provide function `fn`: it is named in
 * DILLSPEC_FUZZ_ABSENT (ci/corpus and ci/fuzz set it from the target's
 * probe, cmake/DillTarget.cmake).  fz_decode drops the operations of such
 * functions; every process of a run reads the same list, so ref and the
 * differential peer skip the same calls. */
bool fz_absent(const char *fn);

#endif
