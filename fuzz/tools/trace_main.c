/*
 * dillspec-fuzz-trace - the differential harness's peer: the call-program
 * executor built against a second target.  It reads inputs from standard
 * input (a 32-bit length, then the bytes), runs each in FZ_TRACE mode and
 * writes the trace (struct fz_trace, n steps) to standard output.  It is
 * started once and serves every input: no fork per input.  It dies with
 * the harness that started it: a target that hangs in the peer would
 * otherwise leave it behind whenever the harness is ended from outside.
 *
 * It runs on virtual time (vtime.h) like the harness, in a clock of its own:
 * everything it waits for is in this process, so a wait without a deadline
 * that finds nothing ready is a hang for certain.  The peer then writes the
 * trace so far, ending with the call that hung (outcome FZ_HUNG), and
 * exits: the harness names the call ("<call>/<ours>~hung") and starts a
 * new peer for the next input.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "executor.h"
#include "fuzz.h"
#include "program.h"
#include "vtime.h"

const char fz_harness[] = "trace";

static struct fz_trace trace;

static int write_trace(void) {
    size_t n = sizeof(trace.n) + (size_t)trace.n * sizeof(trace.steps[0]);
    return fz_io_all(1, &trace, n, true);
}

static void hung(void) {
    fz_trace_hang();
    write_trace();
    _exit(0);
}

int main(void) {
    static uint8_t input[FZ_MAX_OPS * 5];
    static struct fz_program prog;
    pid_t parent = getppid();
    if(prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        return 1;   /* the harness is already gone */
    fz_vt_on_hang = hung;
    fz_warm_up();
    for(;;) {
        uint32_t size;
        if(fz_io_all(0, &size, sizeof(size), false) != 0 || size > sizeof(input) ||
                fz_io_all(0, input, size, false) != 0)
            return 0;
        fz_decode(input, size, &prog);
        fz_execute(&prog, FZ_TRACE, &trace);
        fz_clean_dir();
        if(write_trace() != 0)
            return 1;
    }
}
