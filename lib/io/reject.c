/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Dead-letter handling for bad input lines.  The file is opened for
 * appending so that several runs (or a cron job) can share one.
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io/reject.h"

/*
 * Set rj up; path (may be NULL) is the dead-letter file.  Returns 0, or -1
 * with err set (EX_CANTCREAT).
 */
int
reject_init(
    struct reject *rj, const char *path, bool strict, struct ad_err *err)
{
	memset(rj, 0, sizeof(*rj));
	rj->strict = strict;
	if (path == NULL)
		return 0;
	if ((rj->fp = fopen(path, "a")) == NULL) {
		ad_err_set(err, EX_CANTCREAT, "cannot create '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	rj->path = xstrdup(path);
	return 0;
}

/* va_list form of reject_line(). */
int
reject_vline(struct reject *rj, const char *source, size_t lineno,
    const char *raw, size_t rawlen, const char *fmt, va_list ap)
{
	vwarn_at(source, lineno, fmt, ap);
	rj->count++;
	if (rj->fp != NULL && !rj->failed &&
	    (fwrite(raw, 1, rawlen, rj->fp) != rawlen ||
		putc('\n', rj->fp) == EOF)) {
		warn("write error on '%s'", rj->path);
		rj->failed = true;
		return -1;
	}
	return rj->strict ? -1 : 0;
}

/*
 * Report, count and dead-letter one bad line.  Returns 0 to go on, -1 to
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

/* Flush the dead-letter file.  Returns 0 or -1 with err set (EX_IOERR). */
int
reject_flush(struct reject *rj, struct ad_err *err)
{
	if (rj->failed || (rj->fp != NULL && fflush(rj->fp) != 0)) {
		ad_err_set(err, EX_IOERR, "write error on '%s': %s", rj->path,
		    strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

/* Close the dead-letter file and free what rj owns. */
void
reject_release(struct reject *rj)
{
	if (rj->fp != NULL && fclose(rj->fp) != 0 && !rj->failed)
		warn("write error on '%s'", rj->path);
	free(rj->path);
	memset(rj, 0, sizeof(*rj));
}
