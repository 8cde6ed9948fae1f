/*
 * dillspec-fuzz-print - prints a handles or differential input as the call
 * program it encodes, one call per line:
 *
 *   dillspec-fuzz-print corpus/handles/regressions/some-input
 */
#include <stdio.h>

#include "program.h"

static int print_file(const char *path) {
    static uint8_t buf[FZ_MAX_OPS * 5];
    FILE *f = fopen(path, "rb");
    if(!f) {
        fprintf(stderr, "dillspec-fuzz-print: cannot open %s\n", path);
        return 1;
    }
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    struct fz_program prog;
    fz_decode(buf, n, &prog);
    printf("# %s: %d call(s)\n", path, prog.n);
    fz_print(&prog, stdout);
    return 0;
}

int main(int argc, char **argv) {
    if(argc < 2) {
        fprintf(stderr, "usage: dillspec-fuzz-print INPUT...\n");
        return 2;
    }
    int rc = 0;
    for(int i = 1; i < argc; i++)
        rc |= print_file(argv[i]);
    return rc;
}
