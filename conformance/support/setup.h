/* A helper's own setup failed: the test is UNRESOLVED, not a verdict on the
 * target.  The bottom of the support code: the tests, the fixture
 * (support.c) and the injections it undoes at the end of a test (inject.c)
 * all report through DS_SETUP, which calls nothing of theirs. */
#ifndef DS_SETUP_H
#define DS_SETUP_H

#include <criterion/criterion.h>
#include <errno.h>

#include "dc_errors.h"

#define DS_SETUP(cond) do { \
    if(!(cond)) \
        cr_assert_fail("UNRESOLVED: setup failed: %s (errno %s)", #cond, \
            dc_errname(errno)); \
} while(0)

#endif
