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
    FZ_OP_LISTEN, FZ_OP_CONNECT, FZ_OP_ACCEPT, FZ_OP_PAIR, FZ_OP_FROMFD, FZ_OP_LISTENER_FROMFD,
    FZ_OP_BSEND, FZ_OP_BRECV, FZ_OP_BSENDL, FZ_OP_BRECVL, FZ_OP_DONE, FZ_OP_IPC_CLOSE,
    FZ_OP_HCLOSE, FZ_OP_GO_RECV, FZ_OP_BUNDLE, FZ_OP_YIELD, FZ_OP_SENDFD, FZ_OP_RECVFD,
    FZ_NOPS
};

/* Special operand values, from 0xF8 up. */
enum fz_special {
    FZ_SP_MINUS_ONE = 0xF8, FZ_SP_ZERO, FZ_SP_INT_MAX, FZ_SP_LAST_CLOSED, FZ_SP_NEVER_ISSUED,
    FZ_SP_INT_MIN, FZ_SP_COROUTINE_OR_BUNDLE, FZ_SP_LISTENER
};

enum fz_deadline { FZ_DL_ZERO, FZ_DL_INFINITE, FZ_DL_TIMED, FZ_DL_PAST };

struct fz_op {
    enum fz_opcode code;
    uint8_t a, b;            /* raw operands */
    enum fz_deadline dl;
    uint8_t flags;           /* bit 0: the _mem variant; bit 1: NULL buffer */
    size_t len;
};

#define FZ_FLAG_MEM 1
#define FZ_FLAG_SKIP 2      /* brecv: NULL buffer; ipc_sendfd: fd -1 */

struct fz_program {
    int n;
    struct fz_op ops[FZ_MAX_OPS];
};

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
