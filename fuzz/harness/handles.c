/*
 * handles - call programs over a small table of handles (see program.h):
 * listeners, connections, pairs, coroutines and bundles, mixed with invalid,
 * closed, reused-number and wrong-type handles, deadlines 0, past, timed and
 * -1 (only where the model knows the call completes), and cancellation of
 * coroutines blocked in a call, and the coroutine core's calls (msleep,
 * fdin, fdout, fdclean on fds the program owns, bundle_wait, hown) in the
 * main coroutine or in others.  The executor checks each call against the
 * man pages, and on the virtual clock when it returned; a wait that can
 * never end is reported at once as the promise its call broke.  At the end
 * every handle is closed and no fd may be left open (memory leaks are
 * LeakSanitizer's to report).
 */
#include <stdbool.h>
#include <stdint.h>

#include "executor.h"
#include "fuzz.h"
#include "program.h"
#include "vtime.h"

const char fz_harness[] = "handles";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_vt_on_hang = fz_report_hang;
    fz_begin_input(data, size);
    int fds = fz_fds_before();
    static struct fz_program prog;
    fz_decode(data, size, &prog);
    static struct fz_trace trace;
    bool tracing = fz_tracing();
    fz_execute(&prog, FZ_ORACLE, tracing ? &trace : NULL);
    if(tracing)
        fz_trace_steps(&trace);
    fz_clean_dir();
    fz_check_fds(fds, "the program closed every handle");
    return 0;
}
