/* AddressSanitizer's defaults for the harnesses: ASAN_OPTIONS still
 * overrides each of them.
 *
 * quarantine_size_mb=10 is what OSS-Fuzz and ClusterFuzz fuzz with (the
 * ASAN_OPTIONS of oss-fuzz's base-runner image).  The default, 256 MB,
 * keeps freed memory from being reused for about 25,000 inputs of the
 * handles harness, so nearly every allocation is fresh memory to fault in
 * and fill; an input allocates some kilobytes, so a use after free within
 * it, or within the inputs just before it, is still caught. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
    return "quarantine_size_mb=10";
}
