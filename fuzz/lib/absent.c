/* The optional functions a target lacks (cmake/dill_standins.h).  The
 * decoder and the harnesses skip the calls of an absent function
 * (fz_absent), so reaching one is the harness's own bug. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

_Noreturn void fz_absent_called(const char *fn);
_Noreturn void fz_absent_called(const char *fn) {
    fprintf(stderr, "dillspec-fuzz: %s called, but the target does not provide it "
        "(is DILLSPEC_FUZZ_ABSENT set?)\n", fn);
    abort();
}

#define DILL_STANDIN_CALLED(name) fz_absent_called(name)
#include "dill_standins.h"
