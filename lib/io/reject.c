/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Dead-letter handling for bad input lines.  The file is opened for
 * appending so that several runs (or a cron job) can share one.  Lines
 * are buffered (REJECT_BUFSIZE) and written by reject_flush(), that is at
 * the commit, after the output they came with, through fdwrite_all(): a
 * stop signal while the reader of a FIFO takes nothing cannot hold the
 * program up (stdio would block again at fclose()).  What the user must
 * hear about goes to the warn hook the caller supplied.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/fdwrite.h"
#include "io/reject.h"

/* Buffered dead letters that make a write go out before the commit */
#define REJECT_BUFSIZE (64 * 1024)

/* Pass one message to rj's warn hook, if it has one. */
static void
say(const struct reject *rj, const char *file, size_t line, const char *fmt,
    ...)
{
	va_list ap;

	if (rj->warn == NULL)
		return;
	va_start(ap, fmt);
	rj->warn(file, line, fmt, ap);
	va_end(ap);
}

/*
 * Set rj up; path (may be NULL) is the dead-letter file, warn (may be
 * NULL) hears each rejected line's reason and each write error, in the
 * shape of vwarn_at().  A FIFO or a device is written into, a FIFO
 * without a reader refused.  Returns 0, or -1 with err set (EX_CANTCREAT).
 */
int
reject_init(struct reject *rj, const char *path, bool strict,
    void (*warn)(const char *file, size_t line, const char *fmt, va_list ap),
    struct ad_err *err)
{
	memset(rj, 0, sizeof(*rj));
	rj->fd = -1;
	buf_init(&rj->b);
	rj->strict = strict;
	rj->warn = warn;
	if (path == NULL)
		return 0;
	if ((rj->fd = fdwrite_open(path, O_WRONLY | O_CREAT | O_APPEND)) < 0) {
		ad_err_set(err, EX_CANTCREAT, "cannot create '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	rj->path = xstrdup(path);
	return 0;
}

/* Write what is buffered; 0, or -1 (said, and rj->failed set). */
static int
drain(struct reject *rj)
{
	if (rj->failed)
		return -1;
	errno = 0;
	if (rj->b.len > 0 && fdwrite_all(rj->fd, rj->b.data, rj->b.len) < 0) {
		rj->errnum = errno ? errno : EIO;
		say(rj, NULL, 0, "write error on '%s': %s", rj->path,
		    strerror(rj->errnum));
		rj->failed = true;
	}
	buf_reset(&rj->b);
	return rj->failed ? -1 : 0;
}

/* va_list form of reject_line(). */
int
reject_vline(struct reject *rj, const char *source, size_t lineno,
    const char *raw, size_t rawlen, const char *fmt, va_list ap)
{
	if (rj->warn != NULL)
		rj->warn(source, lineno, fmt, ap);
	rj->count++;
	if (rj->fd >= 0 && !rj->failed) {
		buf_add(&rj->b, raw, rawlen);
		buf_addc(&rj->b, '\n');
		if (rj->b.len >= REJECT_BUFSIZE && drain(rj) < 0)
			return -1;
	}
	return rj->strict ? -1 : 0;
}

/*
 * Report (through the warn hook), count and dead-letter one bad line.  Returns 0 to go on, -1 to
 * stop (strict mode, or the dead-letter file failed: see rj->failed).
 */
int
reject_line(struct reject *rj, const char *source, size_t lineno,
    const char *raw, size_t rawlen, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = reject_vline(rj, source, lineno, raw, rawlen, fmt, ap);
	va_end(ap);
	return rc;
}

/* Write the buffered dead letters.  Returns 0 or -1 with err set (EX_IOERR). */
int
reject_flush(struct reject *rj, struct ad_err *err)
{
	if (rj->fd >= 0 && drain(rj) < 0) {
		ad_err_set(err, EX_IOERR, "write error on '%s': %s", rj->path,
		    strerror(rj->errnum));
		return -1;
	}
	return 0;
}

/*
 * Write what is still buffered (a failure is said, not returned), close
 * the dead-letter file and free what rj owns.
 */
void
reject_release(struct reject *rj)
{
	if (rj->fd >= 0) {
		drain(rj);
		close(rj->fd);
	}
	buf_release(&rj->b);
	free(rj->path);
	memset(rj, 0, sizeof(*rj));
	rj->fd = -1;
}
