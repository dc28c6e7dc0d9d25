/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/io/filesink through filesink_open() itself: a path
 * (created, truncated, one record per line, keys ignored, data on disk
 * after a flush), stdout ("-" and NULL, left open by a close), records
 * larger than the buffer, and the failures: a file that cannot be
 * created (EX_CANTCREAT), a full disk (/dev/full) and a closed pipe on
 * stdout (EX_IOERR with the system's reason, sticky until the close).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/filesink.h"
#include "tap.h"

/* The whole file at path into buf (cap bytes); its length, or -1. */
static long
slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return -1;
	n = fread(buf, 1, cap, f);
	fclose(f);
	return (long)n;
}

/*
 * Run fn in a child whose stdout is fd, so that a broken stdout cannot
 * disturb the TAP stream; the child writes "STATUS MSG" to a pipe.
 * Returns that text in out.
 */
static void
in_child(int fd, void (*fn)(char *res, size_t cap), char *out, size_t cap)
{
	int p[2];
	pid_t pid;
	ssize_t n;

	fflush(stdout);
	if (pipe(p) < 0 || (pid = fork()) < 0) {
		snprintf(out, cap, "fork failed");
		return;
	}
	if (pid == 0) {
		char res[600];

		close(p[0]);
		dup2(fd, STDOUT_FILENO);
		fn(res, sizeof(res));
		if (write(p[1], res, strlen(res)) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], out, cap - 1);
	out[n > 0 ? n : 0] = '\0';
	close(p[0]);
	waitpid(pid, NULL, 0);
}

/* Write to "-", flush, close; report each step's status and message. */
static void
stdout_failure(char *res, size_t cap)
{
	struct io_conf conf;
	struct ad_err e1, e2, e3;
	struct sink *s;
	int w, f, c;

	signal(SIGPIPE, SIG_IGN);
	io_conf_init(&conf, "t");
	ad_err_clear(&e1);
	ad_err_clear(&e2);
	ad_err_clear(&e3);
	s = filesink_open("-", &conf, &e1);
	if (s == NULL) {
		snprintf(res, cap, "open failed");
		return;
	}
	w = sink_write(s, "rec", 3, NULL, 0, &e1);
	f = sink_flush(s, &e2);
	c = sink_close(s, &e3);
	snprintf(res, cap, "%d %d %d|%d|%s|%d|%s", w, f, c, e2.status, e2.msg,
	    e3.status, e3.msg);
	/* The buffered bytes stay behind; drop them quietly. */
	close(STDOUT_FILENO);
}

int
main(void)
{
	struct io_conf conf;
	struct ad_err e;
	struct sink *s;
	char path[96], buf[4096], res[700];
	static char big[300000], back[300010];
	long n;
	int saved;

	signal(SIGPIPE, SIG_IGN);
	io_conf_init(&conf, "t");
	snprintf(path, sizeof(path), "/tmp/t-filesink.%d", (int)getpid());

	/* A path: created, records one per line, the key not written. */
	unlink(path);
	ad_err_clear(&e);
	s = filesink_open(path, &conf, &e);
	ok(s != NULL, "a new path opens");
	ok(access(path, F_OK) == 0, "the file exists as soon as it is open");
	is_str(sink_name(s), path, "the sink is named by its path");
	ok(sink_key_field(s) == NULL, "a file sink has no key field");
	ok(sink_write(s, "{\"id\":\"a\"}", 10, "a", 1, &e) == 0 &&
		sink_write(s, "", 0, NULL, 0, &e) == 0 &&
		sink_write(s, "x\0y", 3, "k", 1, &e) == 0,
	    "three records written (one empty, one with a NUL)");
	ok(sink_flush(s, &e) == 0, "flush succeeds");
	n = slurp(path, buf, sizeof(buf));
	ok(n == 16 && memcmp(buf, "{\"id\":\"a\"}\n\nx\0y\n", 16) == 0,
	    "after a flush the file holds each record and a newline, "
	    "keys left out");
	ok(sink_write(s, "z", 1, NULL, 0, &e) == 0 && sink_close(s, &e) == 0,
	    "a write after a flush, then close");
	n = slurp(path, buf, sizeof(buf));
	ok(n == 18 && memcmp(buf + 16, "z\n", 2) == 0,
	    "close flushes what is left");
	ok(e.status == 0 && e.msg[0] == '\0', "no error was reported");

	/* Reopened: truncated.  A record larger than the stdio buffer. */
	memset(big, 'b', sizeof(big));
	s = filesink_open(path, &conf, &e);
	ok(s != NULL && sink_write(s, big, sizeof(big), NULL, 0, &e) == 0 &&
		sink_close(s, &e) == 0,
	    "a 300 kB record is written");
	n = slurp(path, back, sizeof(back));
	ok(n == (long)sizeof(big) + 1 && memcmp(back, big, sizeof(big)) == 0 &&
		back[sizeof(big)] == '\n',
	    "the old content is gone and the record is whole");

	/* Opening alone truncates; closing an unwritten sink is fine. */
	s = filesink_open(path, &conf, &e);
	ok(s != NULL && sink_close(s, &e) == 0, "open and close, no write");
	n = slurp(path, buf, sizeof(buf));
	ok(n == 0, "leaves an empty file");
	unlink(path);

	/* "-" and NULL: stdout, a temp file here; a close leaves it open. */
	{
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		struct sink *s2;
		bool opened, named, wrote, flushed, closed, reopened,
		    still_open;
		char mid[64];
		long nmid;

		fflush(stdout);
		saved = dup(STDOUT_FILENO);
		dup2(fd, STDOUT_FILENO);
		close(fd);
		s = filesink_open("-", &conf, &e);
		opened = s != NULL;
		named = opened && strcmp(sink_name(s), "<stdout>") == 0;
		wrote = opened && sink_write(s, "out1", 4, "k", 1, &e) == 0;
		flushed = opened && sink_flush(s, &e) == 0;
		nmid = slurp(path, mid, sizeof(mid));
		closed = opened && sink_close(s, &e) == 0;
		s2 = filesink_open(NULL, &conf, &e);
		reopened = s2 != NULL &&
			   sink_write(s2, "out2", 4, NULL, 0, &e) == 0 &&
			   sink_close(s2, &e) == 0;
		still_open =
		    fputs("tail\n", stdout) >= 0 && fflush(stdout) == 0;
		dup2(saved, STDOUT_FILENO);
		close(saved);
		ok(opened, "'-' opens");
		ok(named, "'-' is named <stdout>");
		ok(wrote && flushed, "write and flush on stdout");
		ok(nmid == 5 && memcmp(mid, "out1\n", 5) == 0,
		    "flush pushes the record out to fd 1");
		ok(closed, "its sink closes");
		ok(reopened, "NULL opens stdout again after that close");
		ok(still_open, "stdout itself is still open and usable");
	}
	n = slurp(path, buf, sizeof(buf));
	ok(n == 15 && memcmp(buf, "out1\nout2\ntail\n", 15) == 0,
	    "stdout got both records in order, then the program's own line");

	/* Cannot create. */
	ad_err_clear(&e);
	ok(filesink_open("/nonexistent-dir/x", &conf, &e) == NULL &&
		e.status == EX_CANTCREAT,
	    "missing directory: EX_CANTCREAT (73)");
	is_str(e.msg,
	    "cannot create '/nonexistent-dir/x': No such file or directory",
	    "message with the path and strerror");
	ad_err_clear(&e);
	ok(filesink_open("/tmp", &conf, &e) == NULL && e.status == EX_CANTCREAT,
	    "a directory: EX_CANTCREAT");
	is_str(e.msg, "cannot create '/tmp': Is a directory",
	    "a directory: message");

	/* A full disk: the error surfaces at flush, then stays. */
	if (access("/dev/full", W_OK) == 0) {
		struct ad_err e2;

		ad_err_clear(&e);
		s = filesink_open("/dev/full", &conf, &e);
		ok(s != NULL && sink_write(s, "a", 1, NULL, 0, &e) == 0,
		    "/dev/full: a small write is only buffered");
		ok(sink_flush(s, &e) == -1 && e.status == EX_IOERR,
		    "/dev/full: flush fails with EX_IOERR (74)");
		is_str(e.msg,
		    "write error on '/dev/full': No space left on device",
		    "/dev/full: message names the sink and the reason");
		ad_err_clear(&e2);
		ok(sink_flush(s, &e2) == -1 && e2.status == EX_IOERR,
		    "/dev/full: a second flush fails too (sticky)");
		ad_err_clear(&e2);
		ok(sink_close(s, &e2) == -1 && e2.status == EX_IOERR,
		    "/dev/full: close reports it as well");
		ok(strncmp(e2.msg, "write error on '/dev/full': ", 28) == 0,
		    "/dev/full: close message names the sink");

		ad_err_clear(&e);
		s = filesink_open("/dev/full", &conf, &e);
		ok(s != NULL &&
			sink_write(s, big, sizeof(big), NULL, 0, &e) == -1 &&
			e.status == EX_IOERR,
		    "/dev/full: a record larger than the buffer fails at "
		    "the write");
		is_str(e.msg,
		    "write error on '/dev/full': No space left on device",
		    "/dev/full: write message");
		ok(sink_close(s, &e) == -1, "/dev/full: and at close");

		/* stdout on a full disk, in a child. */
		{
			int fd = open("/dev/full", O_WRONLY);

			in_child(fd, stdout_failure, res, sizeof(res));
			close(fd);
			ok(strncmp(res,
			       "0 -1 -1|74|write error on '<stdout>': No space "
			       "left on device|74|write error on '<stdout>': ",
			       92) == 0,
			    "stdout on /dev/full: flush fails with 74 and the "
			    "reason, close with 74 too");
			if (strncmp(res, "0 -1 -1|74|write error", 22) != 0)
				printf("#   got '%s'\n", res);
		}
	}

	/* stdout is a pipe whose reader is gone (SIGPIPE ignored). */
	{
		int p[2];

		if (pipe(p) == 0) {
			close(p[0]);
			in_child(p[1], stdout_failure, res, sizeof(res));
			close(p[1]);
			ok(strncmp(res,
			       "0 -1 -1|74|write error on '<stdout>': Broken "
			       "pipe|74|write error on '<stdout>': ",
			       80) == 0,
			    "stdout on a closed pipe: EX_IOERR 'Broken pipe'");
			if (strncmp(res, "0 -1 -1|74|write error", 22) != 0)
				printf("#   got '%s'\n", res);
		}
	}
	unlink(path);
	io_conf_release(&conf);
	return tap_done();
}
