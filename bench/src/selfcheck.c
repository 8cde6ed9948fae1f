/* --self-check: proof that the verification can fail.  A benchmark whose
 * checksum could not catch a bad byte would be measuring nothing. */
#include "selfcheck.h"

#include <stdio.h>
#include <stdlib.h>

#include "figures.h"
#include "pattern.h"
#include "stream.h"

/* The checksum must see order, not only content: two messages swapped. */
static int checksum_sees_order(void) {
    unsigned char *p = pattern_new(64);
    if(!p) return bench_fail("malloc");
    struct checksum in_order, swapped;
    checksum_init(&in_order);
    checksum_add(&in_order, pattern_message(p, 0), 64);
    checksum_add(&in_order, pattern_message(p, 1), 64);
    checksum_init(&swapped);
    checksum_add(&swapped, pattern_message(p, 1), 64);
    checksum_add(&swapped, pattern_message(p, 0), 64);
    int same = checksum_equal(&in_order, &swapped);
    free(p);
    return same ? bench_failx("self-check: the checksum misses reordered messages") : 0;
}

/* Every in-process stream figure, baseline and target, must fail when a bit
 * of what it received is flipped. */
static int corruption_is_caught(void) {
    int rc = 0;
    fprintf(stderr, "dillspec-bench: self-check: the checksum mismatches below are expected\n");
    stream_corrupt_first = 1;
    for(size_t k = 0; k != figure_count; ++k) {
        const struct figure *f = &figures[k];
        if(f->unit != UNIT_MIB_PER_S || f->remote) continue;
        struct job job = {.size = f->size, .pieces = f->pieces, .count = 2};
        uint64_t ns;
        if(f->raw(&job, &ns) == 0 || f->target(&job, &ns) == 0) {
            fprintf(stderr, "dillspec-bench: self-check: %s did not notice a flipped bit\n", f->name);
            rc = -1;
        }
    }
    stream_corrupt_first = 0;
    return rc;
}

int selfcheck_run(void) {
    int rc = checksum_sees_order();
    if(corruption_is_caught() < 0) rc = -1;
    printf("self-check: %s\n", rc == 0 ? "the checksums catch reordered and corrupted bytes"
                                       : "FAILED");
    return rc;
}
