/* A Criterion program whose checks fail with messages that hold every kind
 * of byte a test or a target can print: quotes, backslashes, tabs,
 * newlines, control bytes, bytes that are not UTF-8, markup.  Built and run
 * by test_messages.py, with the suite's own verdict record
 * (../support/record.c), to show that each message reaches the reports
 * intact.
 *
 * Each test is named after a row of the catalogue, so that `report.py
 * target` puts its verdict in that row.  It takes its text from the
 * environment (DS_TEXT_<name>, in hex: any bytes but NUL), as a test takes
 * an errno text or an address from its target, and fails a real check on
 * it: the text is what the "target" returned, not what the test wanted. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the "target" says to this test: DS_TEXT_<name>, decoded. */
static const char *target_text(void) {
    char var[128];
    snprintf(var, sizeof(var), "DS_TEXT_%s", criterion_current_test->name);
    const char *hex = getenv(var);
    cr_assert(hex != NULL, "UNRESOLVED: %s is not set", var);
    size_t n = strlen(hex) / 2;
    char *text = calloc(n + 1, 1);
    cr_assert(text != NULL, "UNRESOLVED: out of memory");
    for(size_t i = 0; i < n; i++) {
        unsigned byte;
        cr_assert(sscanf(hex + 2 * i, "%2x", &byte) == 1, "UNRESOLVED: %s is not hex", var);
        text[i] = (char)byte;
    }
    return text;
}

/* The check most tests make: the call's result must be the page's. */
static void expect_text(const char *verdict, const char *want) {
    const char *got = target_text();
    cr_assert(strcmp(got, want) == 0, "%s: the target said \"%s\", expected \"%s\"",
        verdict, got, want);
}

/* The issue's own case: a setup call quoted in its message. */
Test(ipc_done, inbound_still_works) {
    expect_text("UNRESOLVED: setup failed: bsend(s[1], \"XYZ\", 3, now() + 1000) == 0", "ok");
}

Test(ipc_done, EPIPE_twice) { expect_text("FAIL", "ok"); }
Test(ipc_done, EPIPE_bsend_after) { expect_text("FAIL", "ok"); }
Test(ipc_done, ECANCELED_after) { expect_text("FAIL", "ok"); }
Test(ipc_done, deadline_0_does_not_block) { expect_text("UNDOCUMENTED-ERRNO", "ok"); }
Test(ipc_done, peer_reads_data_then_EPIPE) { expect_text("FAIL", "ok"); }
Test(ipc_done, EBADF_closed_handle) { expect_text("FAIL", "ok"); }
Test(ipc_done, ENOTSUP_listener) { expect_text("FAIL", "ok"); }

/* A test that finds nothing to check, and says why in the target's words. */
Test(ipc_done, ENOTSUP_bundle) {
    cr_skip_test("UNTESTED: %s", target_text());
}

/* A check fails, then the process dies: both reach the report. */
Test(ipc_done, ENOTSUP_coroutine) {
    cr_expect(0, "FAIL: before the crash the target said \"%s\"", target_text());
    raise(SIGSEGV);
}

/* A test that passes, among the others. */
Test(ipc_done, EBADF_minus_one) {
    cr_assert(strcmp(target_text(), "ok") == 0);
}
