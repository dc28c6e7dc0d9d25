/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Dead-letter handling for bad input lines.  The file is opened for
 * appending so that several runs (or a cron job) can share one.  What
 * the user must hear about goes to the warn hook the caller supplied.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io/reject.h"

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
 * shape of vwarn_at().  Returns 0, or -1 with err set (EX_CANTCREAT).
 */
int
reject_init(struct reject *rj, const char *path, bool strict,
    void (*warn)(const char *file, size_t line, const char *fmt, va_list ap),
    struct ad_err *err)
{
	memset(rj, 0, sizeof(*rj));
	rj->strict = strict;
	rj->warn = warn;
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
	if (rj->warn != NULL)
		rj->warn(source, lineno, fmt, ap);
	rj->count++;
	if (rj->fp != NULL && !rj->failed &&
	    (fwrite(raw, 1, rawlen, rj->fp) != rawlen ||
		putc('\n', rj->fp) == EOF)) {
		say(rj, NULL, 0, "write error on '%s': %s", rj->path,
		    strerror(errno));
		rj->failed = true;
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
		say(rj, NULL, 0, "write error on '%s': %s", rj->path,
		    strerror(errno));
	free(rj->path);
	memset(rj, 0, sizeof(*rj));
}
