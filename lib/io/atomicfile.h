/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Replacing a file whole: the new content goes to a temporary file in the
 * same directory, which is synced and renamed over the old one, so that a
 * reader (a hot-reloading scorer) sees the old file or the new, never
 * half of one.  Only a regular file is replaced: a symbolic link is
 * followed (the file it names is replaced, the link stays), a FIFO or a
 * character device is written into as it is (/dev/stdout, /dev/full),
 * and anything else (a directory, a socket) is refused.
 */
#ifndef ATOMICFILE_H
#define ATOMICFILE_H

#include <stddef.h>

#include "base/ad.h"

struct atomicfile {
	char *path; /* the file written: path with links resolved */
	char *tmp;  /* the temporary file; NULL when writing in place */
	int fd;	    /* write here */
};

int atomicfile_open(
    struct atomicfile *af, const char *path, struct ad_err *err);
int atomicfile_commit(struct atomicfile *af, struct ad_err *err);
int atomicfile_write_all(int fd, const void *p, size_t n);
int atomicfile_save(
    const char *path, const void *data, size_t len, struct ad_err *err);
void atomicfile_abort(struct atomicfile *af);

#endif
