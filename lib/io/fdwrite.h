/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Writing a buffer whole to a descriptor, with a bounded end once a stop
 * signal came: a reader that takes nothing (a pipe whose reader does not
 * read) must not hold a stopping program up.  Before the stop a write
 * blocks as long as the reader needs; after it, the program waits for
 * room at most FDWRITE_STOP_GRACE_MS in all, then gives up (EAGAIN).
 * Opening a path to write into never waits either: a FIFO without a
 * reader is an error (ENXIO), not a wait that no signal ends.
 */
#ifndef FDWRITE_H
#define FDWRITE_H

#include <stddef.h>

/* How long, from the first write after a stop, the reader has to take it */
#define FDWRITE_STOP_GRACE_MS 500

int fdwrite_all(int fd, const void *p, size_t n);
int fdwrite_open(const char *path, int flags);

#endif
