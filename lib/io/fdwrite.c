/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * write(2) until all is written (see fdwrite.h).  The signal handlers are
 * installed without SA_RESTART, so a SIGINT/SIGTERM ends a blocked write
 * with EINTR (or a short count); from then on each write waits for room
 * with poll(2), bounded by the grace period, and writes at most PIPE_BUF
 * bytes, which a pipe with room takes without blocking.  What stays open
 * is a signal that comes between the check of ad_stop and the write(2)
 * it precedes: a window of a few instructions.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <unistd.h>

#include "base/ad.h"
#include "base/clock.h"
#include "io/fdwrite.h"

/* The end of the grace period, set at the first wait after a stop. */
static int64_t stop_deadline_ms;

/* Wait for room in fd within the grace period: 0, or -1 (EAGAIN). */
static int
wait_room(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	int64_t left;

	if (stop_deadline_ms == 0)
		stop_deadline_ms = clock_now_ms() + FDWRITE_STOP_GRACE_MS;
	for (;;) {
		int r;

		left = stop_deadline_ms - clock_now_ms();
		if (left <= 0)
			break;
		r = poll(&pfd, 1, (int)left);
		if (r > 0 || (r < 0 && errno != EINTR))
			return 0; /* room, or an error write() will tell */
	}
	errno = EAGAIN;
	return -1;
}

/*
 * Write all n bytes of p to fd.  Returns 0, or -1 with errno set: the
 * write's own error, or EAGAIN when a stop signal came and the reader
 * took nothing for FDWRITE_STOP_GRACE_MS.
 */
int
fdwrite_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		size_t chunk = n;
		ssize_t w;

		if (ad_stop) {
			if (wait_room(fd) < 0)
				return -1;
			if (chunk > PIPE_BUF)
				chunk = PIPE_BUF;
		}
		if ((w = write(fd, c, chunk)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * open(2) path for writing with flags (O_WRONLY and O_CREAT, O_TRUNC or
 * O_APPEND as the caller wants; O_CLOEXEC is added) and mode 0666, without
 * waiting for a FIFO's reader: a FIFO that has none fails with ENXIO at
 * once.  Writes to the descriptor block as usual.  Returns the
 * descriptor, or -1 with errno set.
 */
int
fdwrite_open(const char *path, int flags)
{
	int fd = open(path, flags | O_NONBLOCK | O_CLOEXEC, 0666), e;

	if (fd >= 0 &&
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
