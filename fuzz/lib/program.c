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
        op->len_code = data[i + 4];
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
    [FZ_OP_TRANSFER] = "transfer",
    [FZ_OP_MSLEEP] = "msleep", [FZ_OP_FDIN] = "fdin", [FZ_OP_FDOUT] = "fdout",
    [FZ_OP_FDCLEAN] = "fdclean", [FZ_OP_RAWFD] = "socketpair", [FZ_OP_RAWIO] = "send",
    [FZ_OP_BUNDLE_WAIT] = "bundle_wait", [FZ_OP_HOWN] = "hown",
    [FZ_OP_GO_ACCEPT] = "go(ipc_accept)",
};

size_t fz_transfer_size(uint8_t code) {
    return code < 248 ? (size_t)(code + 1) * 64 : (224 + (size_t)(code - 248) * 8) * 1024;
}

/* The share of piece `i` of `pieces` in `len` bytes. */
static size_t piece_len(size_t len, int i, int pieces, bool uneven) {
    size_t even = len / (size_t)pieces;
    if(!uneven || pieces == 1)
        return i == pieces - 1 ? len - even * (size_t)(pieces - 1) : even;
    size_t first = even / 8;
    if(i == 0)
        return first;
    size_t rest = len - first, mid = rest / (size_t)(pieces - 1);
    return i == pieces - 1 ? rest - mid * (size_t)(pieces - 2) : mid;
}

int fz_list_shape(size_t len, unsigned shape, bool receiving,
        struct fz_item items[FZ_LIST_MAX], size_t *span) {
    int pieces = (1 + (int)(shape % 4)) * ((shape & 32) ? 2 : 1);
    bool odd_null = receiving && (shape & 2), holes = shape & 4,
        uneven = shape & 8, null_holes = shape & 16;
    int n = 0;
    size_t at = 0;
    for(int i = 0; i < pieces; i++) {
        if(holes)
            items[n++] = (struct fz_item){at, 0, null_holes};
        at += FZ_LIST_GAP;
        size_t k = piece_len(len, i, pieces, uneven);
        bool middle = i > 0 && i < pieces - 1;
        items[n++] = (struct fz_item){at, k,
            (odd_null && i % 2) || (receiving && null_holes && middle)};
        at += k;
    }
    if(holes)
        items[n++] = (struct fz_item){at, 0, null_holes};
    *span = at + FZ_LIST_GAP;
    return n;
}

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

const char *fz_deadline_name(enum fz_deadline m) {
    static const char *modes[] = {"deadline-0", "deadline-infinite", "timed", "deadline-past"};
    return modes[m];
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

/* "[8, NULL 0, 8]": each item's length, NULL-based ones marked. */
static void print_list(FILE *out, size_t len, unsigned shape, bool receiving) {
    struct fz_item it[FZ_LIST_MAX];
    size_t span;
    int n = fz_list_shape(len, shape, receiving, it, &span);
    fputc('[', out);
    for(int i = 0; i < n; i++)
        fprintf(out, "%s%s%zu", i ? ", " : "", it[i].null ? "NULL " : "", it[i].len);
    fputc(']', out);
}

static void print_transfer(FILE *out, const struct fz_op *op) {
    char a[16];
    size_t size = fz_transfer_size((uint8_t)op->len_code), calls = 1 + op->b % 4u;
    fprintf(out, "transfer(%s to its peer, %zu bytes: ", operand(op->a, a, sizeof(a)), size);
    if(op->flags) {
        fputs("bsendl ", out);
        print_list(out, size, op->flags, false);
    } else {
        fputs("bsend", out);
    }
    fprintf(out, " in a coroutine; %zu x %s", calls, op->b >> 2 ? "brecvl " : "brecv");
    for(size_t i = 0; (op->b >> 2) && i < calls; i++) {
        size_t part = size / calls + (i == calls - 1 ? size % calls : 0);
        fputs(i ? " " : "", out);
        print_list(out, part, op->b >> 2, true);
    }
    fprintf(out, ", now()+%d; the first receive also takes bytes in flight)\n",
        FZ_TRANSFER_MS);
}

/* The core's operations' deadlines: timed is now() + fz_delay_ms(len). */
static const char *core_deadline(const struct fz_op *op) {
    static char buf[24];
    if(op->dl != FZ_DL_TIMED)
        return deadline(op->dl);
    snprintf(buf, sizeof(buf), "now()+%d", fz_delay_ms(op->len));
    return buf;
}

static const char *fd_operand(uint8_t v, char *buf, size_t n) {
    static const char *special[] = {"-1", "(skipped)", "INT_MAX", "(skipped)",
        "1<<20", "INT_MIN", "(skipped)", "(skipped)"};
    if(v >= FZ_SP_MINUS_ONE)
        return special[v - FZ_SP_MINUS_ONE];
    snprintf(buf, n, "fd of slot%d", v % FZ_NSLOTS);
    return buf;
}

/* "go(CALL) -> slotN", or bundle_go into slot b when it holds a bundle
 * (decided when the program runs: both are printed). */
static void print_go(FILE *out, const struct fz_op *op, const char *call) {
    const char *mem = (op->flags & FZ_FLAG_MEM) ? "_mem" : "";
    fprintf(out, "go%s(%s) -> slot%d, or bundle_go%s(slot%d, %s) if it holds a bundle\n",
        mem, call, op->b % FZ_NSLOTS, mem, op->b % FZ_NSLOTS, call);
}

/* The core's operations (program.h). */
static void print_core(FILE *out, const struct fz_op *op) {
    char a[24], call[96];
    bool go = (op->flags & FZ_FLAG_GO) != 0;
    switch(op->code) {
    case FZ_OP_MSLEEP:
        snprintf(call, sizeof(call), "msleep(%s)", core_deadline(op));
        go = go || op->dl == FZ_DL_INFINITE;
        break;
    case FZ_OP_FDIN: case FZ_OP_FDOUT:
        snprintf(call, sizeof(call), "%s(%s, %s)", names[op->code],
            fd_operand(op->a, a, sizeof(a)), core_deadline(op));
        break;
    case FZ_OP_BUNDLE_WAIT:
        snprintf(call, sizeof(call), "bundle_wait(%s, %s)", operand(op->a, a, sizeof(a)),
            core_deadline(op));
        break;
    case FZ_OP_GO_ACCEPT:
        snprintf(call, sizeof(call), "ipc_accept(%s, %s); hclose of what it returns",
            operand(op->a, a, sizeof(a)), core_deadline(op));
        go = true;
        break;
    case FZ_OP_FDCLEAN:
        fprintf(out, "fdclean(%s)%s\n", fd_operand(op->a, a, sizeof(a)),
            (op->flags & FZ_FLAG_SKIP) ? "" : "; close(it)");
        return;
    case FZ_OP_RAWFD:
        fprintf(out, "socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK) -> slot%d and the"
            " next free slot (fds)\n", op->a % FZ_NSLOTS);
        return;
    case FZ_OP_RAWIO:
        if(op->flags & FZ_FLAG_SKIP)
            fprintf(out, "recv(%s, ...) until nothing is left\n", fd_operand(op->a, a, sizeof(a)));
        else if(op->len == 3584)
            fprintf(out, "send(%s, ...) until it is full\n", fd_operand(op->a, a, sizeof(a)));
        else
            fprintf(out, "send(%s, %zu bytes)\n", fd_operand(op->a, a, sizeof(a)), op->len);
        return;
    case FZ_OP_HOWN:
        fprintf(out, "hown(%s): its slot takes the new number\n", operand(op->a, a, sizeof(a)));
        return;
    default:
        return;
    }
    if(go)
        print_go(out, op, call);
    else
        fprintf(out, "%s\n", call);
}

void fz_print(const struct fz_program *prog, FILE *out) {
    for(int i = 0; i < prog->n; i++) {
        const struct fz_op *op = &prog->ops[i];
        char a[16];
        const char *mem = (op->flags & FZ_FLAG_MEM) ? "_mem" : "";
        fprintf(out, "%2d: ", i);
        switch(op->code) {
        case FZ_OP_LISTEN:
            fprintf(out, "%s%s(addr%d) -> slot%d\n", names[op->code], mem,
                op->b % FZ_NADDRS, op->a % FZ_NSLOTS);
            break;
        case FZ_OP_LISTENER_FROMFD:
            fprintf(out, "ipc_listener_fromfd%s(a %s socket listening at addr%d) -> slot%d\n",
                mem, (op->flags & FZ_FLAG_NONBLOCK) ? "non-blocking" : "blocking",
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
        case FZ_OP_PAIR: case FZ_OP_BUNDLE:
            fprintf(out, "%s%s() -> slot%d\n", names[op->code], mem,
                op->a % FZ_NSLOTS);
            break;
        case FZ_OP_FROMFD:
            fprintf(out, "ipc_fromfd%s() of both ends of a %s socketpair -> slot%d\n", mem,
                (op->flags & FZ_FLAG_NONBLOCK) ? "non-blocking" : "blocking", op->a % FZ_NSLOTS);
            break;
        case FZ_OP_BSEND: case FZ_OP_BRECV:
            fprintf(out, "%s(%s, %zu bytes%s, %s)\n", names[op->code],
                operand(op->a, a, sizeof(a)), op->len,
                op->code == FZ_OP_BRECV && (op->flags & FZ_FLAG_SKIP) ? ", NULL buffer" : "",
                deadline(op->dl));
            break;
        case FZ_OP_BSENDL: case FZ_OP_BRECVL:
            fprintf(out, "%s(%s, %zu bytes in ", names[op->code],
                operand(op->a, a, sizeof(a)), op->len);
            print_list(out, op->len, op->flags, op->code == FZ_OP_BRECVL);
            fprintf(out, ", %s)\n", deadline(op->dl));
            break;
        case FZ_OP_SENDFD:
            fprintf(out, "ipc_sendfd(%s, %s, %s)\n", operand(op->a, a, sizeof(a)),
                (op->flags & FZ_FLAG_SKIP) ? "-1"
                : (op->flags & FZ_FLAG_FD_ZERO) ? "a pipe's end as fd 0"
                : (op->flags & FZ_FLAG_FD_HIGH) ? "a pipe's end as a high fd"
                : "a pipe's end", deadline(op->dl));
            break;
        case FZ_OP_TRANSFER:
            print_transfer(out, op);
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
            print_core(out, op);
            break;
        }
    }
}
