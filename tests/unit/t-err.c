/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/err: error records (set clears the location, at sets
 * it, long messages cut), ad_err_report's two shapes and its status,
 * warn_at, the x-allocators (zero sizes, overflow ending in EX_OSERR),
 * the stop signals, and finish() turning a failed stdout into EX_IOERR.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/ad.h"
#include "tap.h"
#include "tfiles.h"

/* Exit status of a child that writes to /dev/full, then finish(status). */
static int
finish_on_full(int status, bool write_something)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 2);
		freopen("/dev/full", "w", stdout);
		if (write_something)
			printf("x");
		_exit(finish(status));
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int
child_status(void (*fn)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 2);
		fn();
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
overflow(void)
{
	(void)xreallocarray(NULL, SIZE_MAX / 2, 3);
}

/* stdout closed: ad_std_fds() fills it; a write there fails (exit 1). */
static void
closed_stdout(void)
{
	int fd;

	close(1);
	ad_std_fds();
	fd = open("/dev/null", O_WRONLY); /* a --reject file, say */
	if (fd == 1 || fcntl(1, F_GETFD) < 0)
		_exit(2);
	_exit(write(1, "x", 1) < 0 && errno == EBADF ? 1 : 3);
}

int
main(void)
{
	struct ad_err e;
	char msg[2048], big[1000];
	char *p;

	ad_err_clear(&e);
	ok(e.file[0] == '\0' && e.line == 0 && e.msg[0] == '\0' &&
		e.status == 0,
	    "clear: empty");
	ad_err_at(&e, EX_DATAERR, "in.ndjson", 12, "bad %s", "thing");
	ok(strcmp(e.file, "in.ndjson") == 0 && e.line == 12 &&
		strcmp(e.msg, "bad thing") == 0 && e.status == EX_DATAERR,
	    "at: location, message, status");
	ad_err_set(&e, EX_IOERR, "write error");
	ok(e.file[0] == '\0' && e.line == 0 &&
		strcmp(e.msg, "write error") == 0 && e.status == EX_IOERR,
	    "set: no location, not the one of an earlier error");
	ad_err_at(&e, 1, NULL, 0, "x");
	ok(e.file[0] == '\0', "at with a NULL file: empty");
	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ad_err_set(&e, 1, "%s", big);
	ok(strlen(e.msg) == sizeof(e.msg) - 1, "a long message is cut");

	stderr_capture("/tmp/t-err-XXXXXX");
	ad_err_at(&e, EX_DATAERR, "f.csv", 3, "no");
	ok(ad_err_report(&e) == EX_DATAERR, "report returns the status");
	ad_err_clear(&e);
	ad_err_set(&e, EX_NOINPUT, "cannot open 'x'");
	ad_err_report(&e);
	ad_err_clear(&e);
	ad_err_at(&e, 0, "g", 0, "line 0");
	ok(ad_err_report(&e) == EX_SOFTWARE, "status 0 reports as EX_SOFTWARE");
	warn_at("h.ndjson", 7, "field '%s'", "v");
	stderr_release(msg, sizeof(msg));
	is_str(msg,
	    "t-err: f.csv:3: no\nt-err: cannot open 'x'\nt-err: line 0\n"
	    "t-err: h.ndjson:7: field 'v'\n",
	    "prog: file:line: msg, prog: msg without a line");

	p = xmalloc(0);
	free(p);
	p = xcalloc(0, 0);
	free(p);
	p = xrealloc(NULL, 0);
	free(p);
	p = xstrndup("abcdef", 3);
	ok(strcmp(p, "abc") == 0, "xstrndup cuts and terminates");
	free(p);
	p = xstrdup("");
	ok(p[0] == '\0', "xstrdup of ''");
	free(p);
	p = xreallocarray(NULL, 0, SIZE_MAX);
	ok(p != NULL, "zero-size allocations give a pointer");
	free(p);
	ok(child_status(overflow) == EX_OSERR,
	    "xreallocarray overflow: exits EX_OSERR");

	ad_signals_init();
	raise(SIGTERM);
	ok(ad_stop == SIGTERM, "SIGTERM sets ad_stop to it, the process lives");
	ad_stop = 0;
	raise(SIGINT);
	ok(ad_stop == SIGINT, "so does SIGINT");
	ad_stop = 0;
	raise(SIGPIPE);
	ok(1, "SIGPIPE is ignored");

	ok(finish_on_full(EX_OK, true) == EX_IOERR,
	    "finish: a write to /dev/full turns 0 into EX_IOERR");
	ok(finish_on_full(EX_DATAERR, true) == EX_IOERR,
	    "and EX_DATAERR into EX_IOERR");
	ok(finish_on_full(EX_OK, false) == EX_OK, "nothing written: 0");
	ok(child_status(closed_stdout) == 1,
	    "stdout closed: the next file opened is not fd 1, a write to "
	    "stdout fails");
	ok(finish_on_full(EX_NOINPUT, true) == EX_NOINPUT,
	    "finish: an earlier failure (EX_NOINPUT) is kept");
	return tap_done();
}
