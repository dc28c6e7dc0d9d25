/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Error records, the one diagnostic shape for bad data
 * ("prog: source:line: reason"), allocation that exits with EX_OSERR on
 * failure, the stop flag raised by SIGINT/SIGTERM, and finish(), which
 * turns a failed flush or close of stdout into EX_IOERR.
 */
#define _GNU_SOURCE /* program_invocation_short_name, as err(3) uses */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/ad.h"

volatile sig_atomic_t ad_stop;

/* Reset err to "no error". */
void
ad_err_clear(struct ad_err *err)
{
	err->file[0] = '\0';
	err->line = 0;
	err->msg[0] = '\0';
	err->status = 0;
}

/*
 * Fill err with a message and an exit status, without a location: one
 * left by an earlier error would put this one at the wrong place (or at
 * an uninitialised one).
 */
void
ad_err_set(struct ad_err *err, int status, const char *fmt, ...)
{
	va_list ap;

	err->file[0] = '\0';
	err->line = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->status = status;
}

/* Fill err with a location, a message and an exit status. */
void
ad_err_at(struct ad_err *err, int status, const char *file, size_t line,
    const char *fmt, ...)
{
	va_list ap;

	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->status = status;
}

/*
 * Print err the way its location asks ("prog: file:line: msg", or
 * "prog: msg") and return its status, so that callers can write
 * "return ad_err_report(&e);".
 */
int
ad_err_report(const struct ad_err *err)
{
	if (err->file[0] != '\0' && err->line > 0)
		warn_at(err->file, err->line, "%s", err->msg);
	else
		warnx("%s", err->msg);
	return err->status ? err->status : EX_SOFTWARE;
}

/*
 * Print "prog: file:line: message" on stderr, or "prog: message" when file
 * is NULL (the shape of io_conf's warn hook).
 */
void
vwarn_at(const char *file, size_t line, const char *fmt, va_list ap)
{
	fflush(stdout);
	if (file == NULL)
		fprintf(stderr, "%s: ", program_invocation_short_name);
	else
		fprintf(stderr, "%s: %s:%zu: ", program_invocation_short_name,
		    file, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* Print "prog: file:line: message" on stderr. */
void
warn_at(const char *file, size_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_at(file, line, fmt, ap);
	va_end(ap);
}

/* malloc() that never returns NULL: out of memory is EX_OSERR. */
void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		err(EX_OSERR, "cannot allocate %zu bytes", n);
	return p;
}

/* calloc() that never returns NULL. */
void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		err(EX_OSERR, "cannot allocate %zu x %zu bytes", n, size);
	return p;
}

/* realloc() that never returns NULL. */
void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		err(EX_OSERR, "cannot allocate %zu bytes", n);
	return q;
}

/* reallocarray() that never returns NULL and checks n * size for overflow. */
void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > (size_t)-1 / size)
		errx(EX_OSERR, "cannot allocate %zu x %zu bytes", n, size);
	return xrealloc(p, n * size);
}

/* strdup() that never returns NULL. */
char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* strndup() that never returns NULL; the copy is always terminated. */
char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void
on_stop_signal(int sig)
{
	ad_stop = sig;
}

/*
 * Raise ad_stop on SIGINT/SIGTERM, and ignore SIGPIPE so that a write to a
 * closed pipe fails with EPIPE and ends in EX_IOERR with a message.
 */
void
ad_signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * Make sure descriptors 0, 1 and 2 are open before any file is: with
 * stdout closed (>&-) the first file opened (a --reject file) would get
 * descriptor 1 and the records meant for stdout.  A closed one is opened
 * read-only on /dev/null: reading it gives nothing, writing it fails
 * (EBADF), so a program writing records exits 74 at its first flush and
 * one writing nothing there is not disturbed.
 */
void
ad_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		int got;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* open() takes the lowest free descriptor: fd */
		if ((got = open("/dev/null", O_RDONLY)) >= 0 && got != fd)
			close(got);
	}
}

/*
 * For work whose result is only kept when it is complete (training):
 * from now on SIGINT/SIGTERM end the process at once, by the signal
 * (exit 130/143 in the shell); one that came before ends it now.
 */
void
ad_signals_fatal(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	ad_stop_reraise();
}

/*
 * When a SIGINT/SIGTERM raised ad_stop: end the process by that signal
 * (so the shell sees 130/143), after flushing stderr.  Else return.
 */
void
ad_stop_reraise(void)
{
	int sig = ad_stop;

	if (sig == 0)
		return;
	fflush(stderr);
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig); /* not reached */
}

/*
 * Flush and close stdout; a failure there (full disk, closed pipe) turns an
 * otherwise successful status into EX_IOERR.  Returns the status to exit
 * with.
 */
int
finish(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* A failure said before (66, 73) stays what it was. */
		if (status == EX_OK || status == EX_DATAERR) {
			warn("write error");
			status = EX_IOERR;
		}
	}
	if (fclose(stdout) != 0 && status == EX_OK) {
		warn("write error");
		status = EX_IOERR;
	}
	return status;
}

/* Format a message and hand it to fn with arg; nothing when fn is NULL. */
void
ad_say(ad_say_fn fn, void *arg, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	if (fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fn(arg, msg);
}
