/* dillspec-bench: how fast the target libdill does IPC, as a ratio to the
 * same traffic on bare syscalls, measured side by side in one run. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"
#include "pattern.h"
#include "peer.h"
#include "report.h"
#include "runner.h"
#include "selfcheck.h"

struct options {
    struct runner_options run;
    const char *filter;        /* only figures whose name contains this */
    const char *only;          /* only the figure of exactly this name */
    const char *tsv;           /* where the TSV goes, if anywhere */
    const char *target_name;   /* the table's column heading */
    int cpu;                   /* pin to this CPU (and the peers with us), or -1 */
};

static void usage(FILE *out) {
    fprintf(out,
        "usage: dillspec-bench [--quick] [--runs N] [--run-ms MS] [--filter TEXT]\n"
        "                      [--only NAME] [--count N] [--cpu N] [--tsv FILE] [--name TARGET] [--list] [--self-check]\n"
        "  --quick     one short run per side: a smoke test that still checks every byte\n"
        "  --runs N    timed runs per side, median and spread reported (default 7, max %d)\n"
        "  --run-ms MS what one run should last after calibration (default 100)\n"
        "  --filter T  only the figures whose name contains T\n"
        "  --only NAME only the figure called NAME (as --list prints it)\n"
        "  --count N   N operations per run, no calibration (for profiling one figure)\n"
        "  --cpu N     run on CPU N only, the peer process too: steadier cross-process\n"
        "              figures, at the price of the two processes never running at once\n"
        "  --tsv FILE  also write the results as TSV\n"
        "  --name T    what to call the target in the table (default: target)\n"
        "  --list      print the figures' names and exit\n"
        "  --self-check  check that a flipped or reordered byte fails the checksum, and exit\n", RUNS_MAX);
}

static int parse_number(const char *s, double lo, double hi, double *out) {
    char *end;
    double v = strtod(s, &end);
    if(!*s || *end || !(v >= lo && v <= hi)) return -1;
    *out = v;
    return 0;
}

/* Fills *o from argv.  Returns 0 to go on, 1 to exit successfully (--list,
 * --help), 2 on bad usage (said on stderr). */
static int parse_options(int argc, char **argv, struct options *o) {
    *o = (struct options){.run = {.runs = 7, .run_ms = 100}, .target_name = "target", .cpu = -1};
    for(int i = 1; i < argc; ++i) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        double n;
        if(!strcmp(a, "--quick")) { o->run.runs = 1; o->run.run_ms = 0; continue; }
        if(!strcmp(a, "--list")) {
            for(size_t k = 0; k != figure_count; ++k) puts(figures[k].name);
            return 1;
        }
        if(!strcmp(a, "--self-check")) return selfcheck_run() == 0 ? 1 : 2;
        if(!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return 1; }
        if(!v) { fprintf(stderr, "dillspec-bench: %s: unknown, or needs a value\n", a); usage(stderr); return 2; }
        ++i;
        if(!strcmp(a, "--runs") && parse_number(v, 1, RUNS_MAX, &n) == 0) o->run.runs = (int)n;
        else if(!strcmp(a, "--run-ms") && parse_number(v, 0, 60000, &n) == 0) o->run.run_ms = n;
        else if(!strcmp(a, "--filter")) o->filter = v;
        else if(!strcmp(a, "--only")) o->only = v;
        else if(!strcmp(a, "--count") && parse_number(v, 2, 1e9, &n) == 0) {
            o->run.count = (uint64_t)n + ((uint64_t)n & 1);   /* the yield figure halves it */
            o->run.run_ms = 0;
        }
        else if(!strcmp(a, "--cpu") && parse_number(v, 0, CPU_SETSIZE - 1, &n) == 0) o->cpu = (int)n;
        else if(!strcmp(a, "--tsv")) o->tsv = v;
        else if(!strcmp(a, "--name")) o->target_name = v;
        else { fprintf(stderr, "dillspec-bench: bad option or value: %s %s\n", a, v); usage(stderr); return 2; }
    }
    return 0;
}

static int selected(const struct options *o, const struct figure *f) {
    return (!o->filter || strstr(f->name, o->filter)) && (!o->only || !strcmp(f->name, o->only));
}

static int any_selected(const struct options *o) {
    for(size_t k = 0; k != figure_count; ++k)
        if(selected(o, &figures[k])) return 1;
    return 0;
}

static int needs_peers(const struct options *o) {
    for(size_t k = 0; k != figure_count; ++k)
        if(figures[k].remote && selected(o, &figures[k])) return 1;
    return 0;
}

/* The receiver's checksum is inside every stream figure's clock, the
 * baseline's and the target's alike; its speed says how much it dilutes
 * x raw (at 8 GB/s over a 50 GB/s checksum, about 15% of a run). */
static void print_checksum_speed(void) {
    double speed = checksum_mib_per_s();
    if(speed > 0)
        printf("(stream figures include the receiver's checksum: %.0f MiB/s over 1 MiB messages)\n",
            speed);
}

/* A failed cross-process run can leave a peer mid-command; fresh peers keep
 * one failure from failing every figure after it. */
static int restart_peers(struct peer *raw_peer, struct peer *target_peer) {
    peer_stop(raw_peer);
    peer_stop(target_peer);
    if(peer_start(raw_peer, LINK_RAW) < 0) return -1;
    if(peer_start(target_peer, LINK_DILL) < 0) { peer_stop(raw_peer); return -1; }
    return 0;
}

/* Measures every selected figure, printing each row as it comes.  Returns
 * the number of figures that failed. */
static int measure_all(const struct options *o, struct peer *raw_peer,
      struct peer *target_peer, FILE *tsv) {
    int failed = 0;
    print_checksum_speed();
    table_header(stdout, o->target_name);
    for(size_t k = 0; k != figure_count; ++k) {
        const struct figure *f = &figures[k];
        struct measurement m;
        if(!selected(o, f)) continue;
        if(runner_measure(f, &o->run, raw_peer, target_peer, &m) < 0) {
            printf("%-27s FAILED (see stderr)\n", f->name);
            ++failed;
            if(f->remote && restart_peers(raw_peer, target_peer) < 0) return failed + 1;
            continue;
        }
        table_row(stdout, &m);
        if(tsv) tsv_row(tsv, &m, o->run.runs);
    }
    return failed;
}

static int run(const struct options *o, FILE *tsv) {
    if(!any_selected(o)) { fprintf(stderr, "dillspec-bench: no figure matches\n"); return 2; }
    struct peer raw_peer, target_peer;
    int peers = needs_peers(o);
    if(peers && peer_start(&raw_peer, LINK_RAW) < 0) return 1;
    if(peers && peer_start(&target_peer, LINK_DILL) < 0) { peer_stop(&raw_peer); return 1; }
    int failed = measure_all(o, &raw_peer, &target_peer, tsv);
    if(peers && peer_stop(&raw_peer) < 0) ++failed;
    if(peers && peer_stop(&target_peer) < 0) ++failed;
    if(failed) fprintf(stderr, "dillspec-bench: %d figure(s) failed\n", failed);
    return failed ? 1 : 0;
}

/* The peer processes inherit the mask, so both ends share the CPU. */
static int pin_to_cpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if(sched_setaffinity(0, sizeof set, &set) < 0) return bench_fail("sched_setaffinity (--cpu)");
    return 0;
}

int main(int argc, char **argv) {
    if(argc >= 2 && !strcmp(argv[1], "--peer")) return peer_main(argc - 2, argv + 2);
    struct options o;
    int rc = parse_options(argc, argv, &o);
    if(rc) return rc == 1 ? 0 : 2;
    if(o.cpu >= 0 && pin_to_cpu(o.cpu) < 0) return 2;
    FILE *tsv = NULL;
    if(o.tsv && !(tsv = fopen(o.tsv, "w"))) { perror(o.tsv); return 2; }
    if(tsv) tsv_header(tsv);
    rc = run(&o, tsv);
    if(tsv && fclose(tsv) != 0) { perror(o.tsv); rc = 1; }
    return rc;
}
