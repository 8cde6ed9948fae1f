/* Stands in for contract/dc_hygiene.c in a reproducer: the same fd count
 * and directory walks with opendir(3) instead of getdents64, which not every
 * C library has (see ../README.md).  Not compiled on its own. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dc_hygiene.h"

/* The process's open fds, not counting the one that reads them: from
 * /proc/self/fd where there is one, else by asking each of the first
 * 1024 numbers. */
int dc_fds_open(unsigned char *open, int max) {
    if(open)
        memset(open, 0, (size_t)max);
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if(!d) {
        for(int fd = 0; fd < 1024; fd++)
            if(fcntl(fd, F_GETFD) != -1) {
                if(open && fd < max)
                    open[fd] = 1;
                n++;
            }
        return n;
    }
    struct dirent *e;
    while((e = readdir(d))) {
        int fd = atoi(e->d_name);
        if(e->d_name[0] == '.' || fd == dirfd(d))
            continue;
        if(open && fd >= max) {
            n = -1;
            break;
        }
        if(open)
            open[fd] = 1;
        n++;
    }
    closedir(d);
    return n;
}

int dc_dir_entries(const char *dir) {
    DIR *d = opendir(dir);
    if(!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* Empties and removes `dir`, directories inside a few levels deep. */
void dc_dir_remove(const char *dir) {
    static int depth;
    DIR *d = opendir(dir);
    struct dirent *e;
    while(d && (e = readdir(d))) {
        if(!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        if(unlink(p) != 0 && depth < 4) {
            depth++;
            dc_dir_remove(p);
            depth--;
        }
    }
    if(d)
        closedir(d);
    rmdir(dir);
}
