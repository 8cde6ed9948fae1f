/* Decoding and printing call programs (see program.h). */
#include "program.h"

#include <stdlib.h>
#include <string.h>

/* Lengths: 0-199 as they are, then steps of 64 bytes up to 3584. */
static size_t decode_len(uint8_t b) {
    return b < 200 ? b : (size_t)(b - 199) * 64;
}

static bool op_absent(enum fz_opcode code);

void fz_decode(const uint8_t *data, size_t size, struct fz_program *prog) {
    prog->n = 0;
    for(size_t i = 0; i + 5 <= size && prog->n < FZ_MAX_OPS; i += 5) {
        struct fz_op *op = &prog->ops[prog->n++];
        op->code = (enum fz_opcode)(data[i] % FZ_NOPS);
        op->a = data[i + 1];
        op->b = data[i + 2];
        op->dl = (enum fz_deadline)(data[i + 3] & 3);
        op->flags = data[i + 3] >> 2;
        op->len = decode_len(data[i + 4]);
        if(op_absent(op->code))
            prog->n--;   /* a call the target does not provide: skipped */
    }
}

static const char *names[FZ_NOPS] = {
    [FZ_OP_LISTEN] = "ipc_listen", [FZ_OP_CONNECT] = "ipc_connect",
    [FZ_OP_ACCEPT] = "ipc_accept", [FZ_OP_PAIR] = "ipc_pair",
    [FZ_OP_FROMFD] = "ipc_fromfd", [FZ_OP_LISTENER_FROMFD] = "ipc_listener_fromfd",
    [FZ_OP_BSEND] = "bsend", [FZ_OP_BRECV] = "brecv", [FZ_OP_BSENDL] = "bsendl",
    [FZ_OP_BRECVL] = "brecvl", [FZ_OP_DONE] = "ipc_done",
    [FZ_OP_IPC_CLOSE] = "ipc_close", [FZ_OP_HCLOSE] = "hclose",
    [FZ_OP_GO_RECV] = "go(brecv -1)", [FZ_OP_BUNDLE] = "bundle",
    [FZ_OP_YIELD] = "yield", [FZ_OP_SENDFD] = "ipc_sendfd", [FZ_OP_RECVFD] = "ipc_recvfd",
};

bool fz_absent(const char *fn) {
    const char *list = getenv("DILLSPEC_FUZZ_ABSENT");
    size_t n = strlen(fn);
    for(const char *p = list ? list : ""; (p = strstr(p, fn)); p += n)
        if((p == list || p[-1] == ' ') && (p[n] == 0 || p[n] == ' '))
            return true;
    return false;
}

/* An operation whose function (or its _mem twin) the target lacks.  Asked
 * for every call of every input, and the answer never changes: each
 * opcode's is worked out from the environment once. */
static bool op_absent(enum fz_opcode code) {
    static signed char absent[FZ_NOPS];   /* 0 not known yet, 1 absent, -1 there */
    if(!absent[code]) {
        char mem[64];
        snprintf(mem, sizeof(mem), "%s_mem", names[code]);
        absent[code] = fz_absent(names[code]) || fz_absent(mem) ? 1 : -1;
    }
    return absent[code] > 0;
}

const char *fz_op_name(enum fz_opcode code) {
    return names[code];
}

static const char *operand(uint8_t v, char *buf, size_t n) {
    static const char *special[] = {"-1", "0", "INT_MAX", "last-closed",
        "never-issued", "INT_MIN", "a-coroutine-or-bundle", "a-listener"};
    if(v >= FZ_SP_MINUS_ONE)
        return special[v - FZ_SP_MINUS_ONE];
    snprintf(buf, n, "slot%d", v % FZ_NSLOTS);
    return buf;
}

static const char *deadline(enum fz_deadline dl) {
    static const char *d[] = {"0", "-1", "now()+1", "now()-10"};
    return d[dl];
}

void fz_print(const struct fz_program *prog, FILE *out) {
    for(int i = 0; i < prog->n; i++) {
        const struct fz_op *op = &prog->ops[i];
        char a[16];
        const char *mem = (op->flags & FZ_FLAG_MEM) ? "_mem" : "";
        fprintf(out, "%2d: ", i);
        switch(op->code) {
        case FZ_OP_LISTEN: case FZ_OP_LISTENER_FROMFD:
            fprintf(out, "%s%s(addr%d) -> slot%d\n", names[op->code], mem,
                op->b % FZ_NADDRS, op->a % FZ_NSLOTS);
            break;
        case FZ_OP_CONNECT:
            fprintf(out, "ipc_connect%s(addr%d, %s) -> slot%d\n", mem,
                op->b % FZ_NADDRS, deadline(op->dl), op->a % FZ_NSLOTS);
            break;
        case FZ_OP_ACCEPT:
            fprintf(out, "ipc_accept%s(%s, %s) -> slot%d\n", mem,
                operand(op->a, a, sizeof(a)), deadline(op->dl), op->b % FZ_NSLOTS);
            break;
        case FZ_OP_PAIR: case FZ_OP_FROMFD: case FZ_OP_BUNDLE:
            fprintf(out, "%s%s() -> slot%d\n", names[op->code], mem,
                op->a % FZ_NSLOTS);
            break;
        case FZ_OP_BSEND: case FZ_OP_BRECV: case FZ_OP_BSENDL: case FZ_OP_BRECVL:
            fprintf(out, "%s(%s, %zu bytes%s, %s)\n", names[op->code],
                operand(op->a, a, sizeof(a)), op->len,
                (op->flags & FZ_FLAG_SKIP) ? ", NULL buffer" : "",
                deadline(op->dl));
            break;
        case FZ_OP_SENDFD:
            fprintf(out, "ipc_sendfd(%s, %s, %s)\n", operand(op->a, a, sizeof(a)),
                (op->flags & FZ_FLAG_SKIP) ? "-1" : "a pipe", deadline(op->dl));
            break;
        case FZ_OP_RECVFD:
        case FZ_OP_DONE: case FZ_OP_IPC_CLOSE:
            fprintf(out, "%s(%s, %s)\n", names[op->code],
                operand(op->a, a, sizeof(a)), deadline(op->dl));
            break;
        case FZ_OP_HCLOSE:
            fprintf(out, "hclose(%s)\n", operand(op->a, a, sizeof(a)));
            break;
        case FZ_OP_GO_RECV:
            fprintf(out, "go(brecv(%s, 1 byte, -1)) -> slot%d\n",
                operand(op->a, a, sizeof(a)), op->b % FZ_NSLOTS);
            break;
        case FZ_OP_YIELD:
            fprintf(out, "%s\n", (op->len & 1) ? "msleep(now()+1)" : "yield()");
            break;
        default:
            break;
        }
    }
}
