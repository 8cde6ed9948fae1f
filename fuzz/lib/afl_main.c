/*
 * afl_main.c - the AFL++ build of a harness: persistent mode with the test
 * case in shared memory, so no fork per input.  The fork server is deferred
 * to __AFL_INIT(), which runs before the first library call: every child
 * starts with a target that has not yet made its scheduler, poller or handle
 * table, exactly as a fresh process would.
 */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__AFL_FUZZ_INIT();

int main(void) {
    __AFL_INIT();
    const uint8_t *buf = __AFL_FUZZ_TESTCASE_BUF;
    while(__AFL_LOOP(10000))
        LLVMFuzzerTestOneInput(buf, (size_t)__AFL_FUZZ_TESTCASE_LEN);
    return 0;
}
