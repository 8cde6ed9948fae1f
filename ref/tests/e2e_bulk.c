/* 64 MiB through one connection, sent with iolists of changing shapes and
 * received in chunks of changing sizes: the checksums must agree. */
#include <libdill.h>

#include "smoke.h"

#define TOTAL (64u << 20)

/* FNV-1a, continued across calls. */
static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n) {
    for(size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t sent_sum = 0xcbf29ce484222325ull;

static unsigned char pattern(size_t at) {
    return (unsigned char)((at * 2654435761u) >> 13);
}

static coroutine void sender(const char *addr) {
    int s = ipc_connect(addr, -1);
    CHECK(s >= 0);
    static unsigned char buf[3][70000];
    size_t at = 0;
    for(unsigned round = 0; at < TOTAL; round++) {
        struct iolist iol[3];
        size_t n = 0;
        for(int i = 0; i < 3; i++) {
            size_t len = (round * 7919u + (unsigned)i * 104729u) % 70000u;
            if(len > TOTAL - at - n)
                len = TOTAL - at - n;
            for(size_t k = 0; k < len; k++)
                buf[i][k] = pattern(at + n + k);
            iol[i] = (struct iolist){buf[i], len, i < 2 ? &iol[i + 1] : NULL, 0};
            n += len;
        }
        CHECK(bsendl(s, &iol[0], &iol[2], -1) == 0);
        for(int i = 0; i < 3; i++)
            sent_sum = fnv(sent_sum, buf[i], iol[i].iol_len);
        at += n;
    }
    CHECK(ipc_close(s, -1) == 0);
}

int main(void) {
    const char *addr = smoke_path("bulk.ipc");
    int ls = ipc_listen(addr, 1);
    CHECK(ls >= 0);
    int cr = go(sender(addr));
    CHECK(cr >= 0);
    int s = ipc_accept(ls, -1);
    CHECK(s >= 0);
    static unsigned char buf[1 << 20];
    uint64_t sum = 0xcbf29ce484222325ull;
    size_t got = 0;
    for(unsigned round = 0; got < TOTAL; round++) {
        size_t len = 1 + (round * 65537u) % sizeof(buf);
        if(len > TOTAL - got)
            len = TOTAL - got;
        CHECK(brecv(s, buf, len, -1) == 0);
        for(size_t k = 0; k < len; k++)
            CHECK(buf[k] == pattern(got + k));
        sum = fnv(sum, buf, len);
        got += len;
    }
    char extra;
    CHECK(brecv(s, &extra, 1, -1) == -1 && errno == EPIPE);
    CHECK(ipc_close(s, -1) == 0);
    CHECK(bundle_wait(cr, -1) == 0);
    CHECK(sum == sent_sum);
    CHECK(hclose(cr) == 0 && hclose(ls) == 0);
    smoke_cleanup();
    printf("%u bytes, checksum %016llx on both sides\n", TOTAL,
        (unsigned long long)sum);
    return 0;
}
