/*
 * dc_hygiene.h - what both judges check around each test or input: the
 * process's open fds, and a private directory for socket files.
 */
#ifndef DC_HYGIENE_H
#define DC_HYGIENE_H

#include <stddef.h>

/* The process's open fds (from /proc/self/fd, not counting the one that
 * reads it); -1 if that cannot be read.  With `open` (room for `max`
 * entries), open[fd] is set to 1 for each open fd below `max` and 0 for
 * the others; an open fd at or above `max` makes it return -1. */
int dc_fds_open(unsigned char *open, int max);

/* dc_fds_open(NULL, 0) for callers that count often: it keeps the
 * directory open between calls (not counted; reopened after a fork). */
int dc_fds_count(void);

/* TMPDIR when it is set and at most 32 bytes long, else NULL: a longer one
 * is passed over, so that socket paths inside stay under sun_path's 107. */
const char *dc_tmpdir(void);

/* Makes a private directory "<dc_tmpdir() or /tmp>/<tag>.XXXXXX" in `dir`
 * (`size` bytes).  0, or -1 with errno. */
int dc_dir_make(char *dir, size_t size, const char *tag);

/* How many entries `dir` holds (not counting "." and ".."); -1 if it cannot
 * be read. */
int dc_dir_entries(const char *dir);

/* Removes everything in `dir` (entries may be files, sockets, symlinks or
 * directories a few levels deep); returns how many entries it held. */
int dc_dir_empty(const char *dir);

/* The same for `dir` already open at `fd` (O_DIRECTORY), kept open by a
 * caller that empties it often. */
int dc_dir_empty_at(int fd, const char *dir);

/* Empties and removes `dir`. */
void dc_dir_remove(const char *dir);

#endif
