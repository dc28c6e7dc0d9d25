/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/io/filesource through filesource_open() itself:
 * plain and gzip files (one member or several) read line by line with
 * line numbers, CRLF, a last line without newline, NUL bytes, lines
 * across read chunks, lines over max_line cut and flagged with the rest
 * skipped, truncated and corrupt gzip (EX_DATAERR at file:line), no
 * line of a member whose trailer does not check out (held in memory or
 * spilled to a temporary file, from a file or a pipe), a member larger
 * than the hold read whole and in order, an unusable $TMPDIR and a failed
 * write to the temporary file (EX_IOERR), a piped member's lines coming
 * as soon as it ends, a missing file (EX_NOINPUT), a directory
 * (EX_IOERR), and stdin via "-" (a file on fd 0, and a pipe whose quiet
 * moments run the idle hook).
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "io/filesource.h"
#include "tap.h"

static char path[96];

/* Write n bytes of data to path, gzip-compressed when gz. */
static const char *
put(const char *data, size_t n, bool gz)
{
	if (gz) {
		gzFile f = gzopen(path, "wb");

		if (n > 0)
			gzwrite(f, data, (unsigned)n);
		gzclose(f);
	} else {
		FILE *f = fopen(path, "wb");

		fwrite(data, 1, n, f);
		fclose(f);
	}
	return path;
}

/* Append raw bytes to path. */
static void
append(const void *data, size_t n)
{
	FILE *f = fopen(path, "ab");

	fwrite(data, 1, n, f);
	fclose(f);
}

/* n bytes of data as one gzip member; caller frees. */
static unsigned char *
gzmem(const void *data, size_t n, size_t *outlen)
{
	z_stream z = {0};
	unsigned char *out = malloc(n + n / 100 + 1024);

	deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)(n + n / 100 + 1024);
	deflate(&z, Z_FINISH);
	*outlen = z.total_out;
	deflateEnd(&z);
	return out;
}

/*
 * Open path's contents as a pipe gives them: through a FIFO that a child
 * process writes (killed by SIGPIPE if the source stops reading).  Sets
 * *pid to the child, to be reaped after source_close().
 */
static struct source *
piped(const struct io_conf *conf, struct ad_err *e, pid_t *pid)
{
	static char fifo[112];

	snprintf(fifo, sizeof(fifo), "%s.fifo", path);
	unlink(fifo);
	if (mkfifo(fifo, 0600) < 0 || (*pid = fork()) < 0)
		return NULL;
	if (*pid == 0) {
		int in = open(path, O_RDONLY), out = open(fifo, O_WRONLY);
		static char b[65536];
		ssize_t n;

		while ((n = read(in, b, sizeof(b))) > 0)
			if (write(out, b, (size_t)n) != n)
				break;
		_exit(0);
	}
	return filesource_open(fifo, conf, e);
}

/* The number of entries in directory d, besides . and .. */
static int
entries(const char *d)
{
	DIR *dir = opendir(d);
	struct dirent *de;
	int n = 0;

	while (dir != NULL && (de = readdir(dir)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..");
	if (dir != NULL)
		closedir(dir);
	return n;
}

/*
 * Read s to its end; count the lines and those that are "line N" with N
 * the expected sequence number from 1 after a first line "a" and before a
 * last line "z".  Returns source_next()'s last status.
 */
static int
read_seq(struct source *s, struct ad_err *e, size_t *nread, size_t *inseq)
{
	struct line l;
	char want[32];
	int rc;

	*nread = *inseq = 0;
	while ((rc = source_next(s, &l, e)) == 1) {
		int w = snprintf(want, sizeof(want), "line %zu", *nread);

		if (*nread == 0)
			*inseq += l.len == 1 && l.buf[0] == 'a';
		else
			*inseq += (l.len == (size_t)w &&
				      memcmp(l.buf, want, l.len) == 0) ||
				  (l.len == 1 && l.buf[0] == 'z');
		(*nread)++;
	}
	return rc;
}

/* Whether l is the line want (NUL-free), number lineno, not too long. */
static bool
line_is(const struct line *l, const char *want, size_t lineno)
{
	return l->len == strlen(want) && memcmp(l->buf, want, l->len) == 0 &&
	       l->lineno == lineno && !l->too_long && l->where == NULL;
}

/* The rest of the source's lines, joined by '|'. */
static const char *
rest(struct source *s, struct ad_err *e)
{
	static char out[1024];
	struct line l;
	size_t n = 0;
	int rc;

	out[0] = '\0';
	while (
	    (rc = source_next(s, &l, e)) == 1 && n + l.len + 2 < sizeof(out)) {
		memcpy(out + n, l.buf, l.len);
		n += l.len;
		out[n++] = '|';
		out[n] = '\0';
	}
	if (rc < 0)
		snprintf(out + n, sizeof(out) - n, "ERR");
	return out;
}

static int idle_calls;
static int idle_fd = -1;
static const void *idle_data = "late\n";
static size_t idle_len = 5;

/* The idle hook: the source is about to wait; feed it and close. */
static int
idle_feed(void *arg, struct ad_err *err)
{
	(void)arg;
	(void)err;
	idle_calls++;
	if (idle_fd >= 0) {
		if (write(idle_fd, idle_data, idle_len) != (ssize_t)idle_len)
			return -1;
		close(idle_fd);
		idle_fd = -1;
	}
	return 0;
}

static int
idle_fail(void *arg, struct ad_err *err)
{
	(void)arg;
	idle_calls++;
	ad_err_set(err, EX_IOERR, "flush failed in the idle hook");
	return -1;
}

/* The idle hook: a stop signal comes while the source waits. */
static int
idle_stop(void *arg, struct ad_err *err)
{
	(void)arg;
	(void)err;
	idle_calls++;
	ad_stop = SIGTERM;
	return 0;
}

int
main(void)
{
	struct io_conf conf;
	struct ad_err e;
	struct source *s;
	struct line l;
	const char text[] = "one\ntwo\r\n\nx\0y\nlast";
	char *big;

	io_conf_init(&conf, "t");
	snprintf(path, sizeof(path), "/tmp/t-filesource.%d", (int)getpid());

	for (int gz = 0; gz < 2; gz++) {
		const char *kind = gz ? "gzip" : "plain";

		ad_err_clear(&e);
		s = filesource_open(put(text, sizeof(text) - 1, gz), &conf, &e);
		ok(s != NULL, "%s: opens", kind);
		is_str(source_name(s), path, "%s: named by its path", kind);
		ok(source_next(s, &l, &e) == 1 && line_is(&l, "one", 1),
		    "%s: line 1", kind);
		ok(source_next(s, &l, &e) == 1 && line_is(&l, "two", 2),
		    "%s: line 2 without its CR", kind);
		ok(source_next(s, &l, &e) == 1 && line_is(&l, "", 3),
		    "%s: line 3 empty", kind);
		ok(source_next(s, &l, &e) == 1 && l.len == 3 &&
			memcmp(l.buf, "x\0y", 3) == 0 && l.lineno == 4,
		    "%s: line 4 keeps its NUL byte", kind);
		ok(source_next(s, &l, &e) == 1 && line_is(&l, "last", 5),
		    "%s: a last line without newline", kind);
		ok(source_next(s, &l, &e) == 0 && source_next(s, &l, &e) == 0,
		    "%s: then the end, and again", kind);
		ok(source_commit(s, &e) == 0, "%s: commit is a no-op", kind);
		source_close(s);
	}

	/* Two gzip members one after the other read as one stream. */
	put("a\nb", 3, true);
	{
		gzFile f = gzopen(path, "ab");

		gzwrite(f, "c\nd\n", 4);
		gzclose(f);
	}
	s = filesource_open(path, &conf, &e);
	is_str(rest(s, &e), "a|bc|d|", "concatenated gzip members");
	source_close(s);

	/* Tiny and empty inputs, around the two-byte magic sniff. */
	s = filesource_open(put("", 0, false), &conf, &e);
	ok(s != NULL && source_next(s, &l, &e) == 0, "empty file: no line");
	source_close(s);
	s = filesource_open(put("", 0, true), &conf, &e);
	ok(s != NULL && source_next(s, &l, &e) == 0,
	    "empty gzip file: no line");
	source_close(s);
	s = filesource_open(put("x", 1, false), &conf, &e);
	is_str(rest(s, &e), "x|", "one byte, no newline: one line");
	source_close(s);
	s = filesource_open(put("\x1f", 1, false), &conf, &e);
	is_str(rest(s, &e), "\x1f|", "half of the gzip magic is plain text");
	source_close(s);
	s = filesource_open(put("\n", 1, false), &conf, &e);
	ok(source_next(s, &l, &e) == 1 && line_is(&l, "", 1) &&
		source_next(s, &l, &e) == 0,
	    "a lone newline is one empty line");
	source_close(s);

	/* Many lines across read chunks, plain and gzip. */
	{
		size_t cap = 2000000, n = 0, nlines = 150000;

		big = malloc(cap);
		for (size_t i = 0; i < nlines; i++)
			n +=
			    (size_t)snprintf(big + n, cap - n, "line %zu\n", i);
		for (int gz = 0; gz < 2; gz++) {
			size_t got = 0, bad = 0;
			char want[32];
			int rc;

			s = filesource_open(put(big, n, gz), &conf, &e);
			while ((rc = source_next(s, &l, &e)) == 1) {
				snprintf(want, sizeof(want), "line %zu", got);
				if (!line_is(&l, want, got + 1))
					bad++;
				got++;
			}
			ok(rc == 0 && got == nlines && bad == 0,
			    "%s: %zu lines (%zu bytes) in order, numbered",
			    gz ? "gzip" : "plain", nlines, n);
			source_close(s);
		}
	}

	/* Over-long lines: cut at max_line, flagged, the rest skipped. */
	conf.max_line = 10;
	for (int gz = 0; gz < 2; gz++) {
		const char *kind = gz ? "gzip" : "plain";
		const char t2[] = "0123456789\n"
				  "0123456789A\n"
				  "short\n"
				  "abcdefghi\r\n"
				  "0123456789012345678901234567890123456789\n"
				  "ok\n"
				  "tail-too-long-without-newline";

		s = filesource_open(put(t2, sizeof(t2) - 1, gz), &conf, &e);
		ok(source_next(s, &l, &e) == 1 && line_is(&l, "0123456789", 1),
		    "%s: exactly max_line is accepted", kind);
		ok(source_next(s, &l, &e) == 1 && l.too_long && l.len == 10 &&
			memcmp(l.buf, "0123456789", 10) == 0 && l.lineno == 2,
		    "%s: max_line + 1 is cut and flagged", kind);
		ok(source_next(s, &l, &e) == 1 && line_is(&l, "short", 3),
		    "%s: the next line is whole", kind);
		ok(source_next(s, &l, &e) == 1 && line_is(&l, "abcdefghi", 4),
		    "%s: a CR does not count toward the limit", kind);
		ok(source_next(s, &l, &e) == 1 && l.too_long && l.len == 10 &&
			l.lineno == 5,
		    "%s: a 40-byte line flagged", kind);
		ok(source_next(s, &l, &e) == 1 && line_is(&l, "ok", 6),
		    "%s: numbering goes on", kind);
		ok(source_next(s, &l, &e) == 1 && l.too_long && l.len == 10 &&
			memcmp(l.buf, "tail-too-l", 10) == 0 && l.lineno == 7,
		    "%s: an over-long last line without newline", kind);
		ok(source_next(s, &l, &e) == 0, "%s: end", kind);
		source_close(s);
	}

	/* A line of several MB with a small limit: cut, the rest dropped. */
	conf.max_line = 1000;
	{
		size_t huge = 3 << 20;

		big = realloc(big, huge + 16);
		memset(big, 'h', huge);
		memcpy(big + huge, "\nafter\n", 7);
		for (int gz = 0; gz < 2; gz++) {
			s = filesource_open(put(big, huge + 7, gz), &conf, &e);
			ok(source_next(s, &l, &e) == 1 && l.too_long &&
				l.len == 1000 && l.buf[0] == 'h' &&
				l.buf[999] == 'h' && l.lineno == 1,
			    "%s: a 3 MB line comes back as its first 1000 "
			    "bytes",
			    gz ? "gzip" : "plain");
			ok(source_next(s, &l, &e) == 1 &&
				line_is(&l, "after", 2) &&
				source_next(s, &l, &e) == 0,
			    "%s: the rest of it is skipped, not a line",
			    gz ? "gzip" : "plain");
			source_close(s);
		}
	}
	conf.max_line = 0;
	s = filesource_open(put("abc\n", 4, false), &conf, &e);
	is_str(rest(s, &e), "abc|", "max_line 0 means the default");
	source_close(s);
	conf.max_line = IO_MAX_LINE_DEFAULT;

	/* Broken gzip: EX_DATAERR at the line being read. */
	{
		char gzbuf[256];
		FILE *f;
		size_t n;

		put("first\nsecond line that is cut\n", 30, true);
		f = fopen(path, "rb");
		n = fread(gzbuf, 1, sizeof(gzbuf), f);
		fclose(f);
		put(gzbuf, n - 8, false);
		ad_err_clear(&e);
		s = filesource_open(path, &conf, &e);
		ok(s != NULL, "a gzip file without its trailer opens");
		is_str(rest(s, &e), "ERR",
		    "none of the unchecked member's lines come, an error "
		    "does");
		ok(e.status == EX_DATAERR, "truncated gzip: EX_DATAERR (65)");
		is_str(e.msg, "compressed data ends early",
		    "truncated gzip: message");
		is_str(e.file, path, "truncated gzip: at the file");
		ok(e.line == 1, "truncated gzip: at line 1 (got %zu)", e.line);
		source_close(s);
		put(gzbuf, n - 12, false);
		ad_err_clear(&e);
		s = filesource_open(path, &conf, &e);
		is_str(rest(s, &e), "ERR",
		    "cut inside line 2: no line of the member, an error");
		ok(e.status == EX_DATAERR && e.line == 1,
		    "cut inside line 2: EX_DATAERR at line 1");
		source_close(s);

		put("\x1f\x8b garbage that is no deflate stream\n", 38, false);
		ad_err_clear(&e);
		s = filesource_open(path, &conf, &e);
		ok(source_next(s, &l, &e) == -1 && e.status == EX_DATAERR,
		    "gzip magic then garbage: EX_DATAERR");
		ok(strncmp(e.msg, "corrupt compressed data: ", 25) == 0 &&
			strcmp(e.file, path) == 0 && e.line == 1,
		    "corrupt gzip: message at file:1 ('%s')", e.msg);
		source_close(s);

		/* A gzip member followed by plain junk. */
		put("ok\n", 3, true);
		append("junk", 4);
		ad_err_clear(&e);
		s = filesource_open(path, &conf, &e);
		ok(source_next(s, &l, &e) == 1 && line_is(&l, "ok", 1) &&
			source_next(s, &l, &e) == -1 && e.status == EX_DATAERR,
		    "junk after a gzip member: EX_DATAERR");
		source_close(s);
	}

	/*
	 * A sound member, then one whose trailer's CRC (or length) is wrong
	 * and whose data inflates fine, 2.4 MB (held in memory) or 12 MB
	 * (over FILESOURCE_HOLD_MAX, spilled to the temporary file), read
	 * from the file and through a pipe: the first member's lines come,
	 * none of the second's, then an error at the line that would have
	 * been next.
	 */
	{
		char tmpdir[128];

		snprintf(tmpdir, sizeof(tmpdir), "%s.tmp", path);
		mkdir(tmpdir, 0700);
		setenv("TMPDIR", tmpdir, 1);
		for (int k = 0; k < 8; k++) {
			bool len = k & 1, piping = k & 2, large = k & 4;
			size_t nl = large ? 500000 : 100000;
			char *member = malloc(nl * 24 + 1);
			unsigned char *a, *b;
			size_t m = 0, an, bn, nread = 0, nbad = 0;
			pid_t pid = 0;
			int rc;

			for (size_t i = 0; i < nl; i++)
				m += (size_t)snprintf(member + m, 25,
				    "bad member line %07zu\n", i);
			a = gzmem("a\nb\n", 4, &an);
			b = gzmem(member, m, &bn);
			b[bn - 8 + (len ? 4 : 0)] ^= 0x5a; /* CRC32, ISIZE */
			put((char *)a, an, false);
			append(b, bn);
			free(a);
			free(b);
			free(member);
			ad_err_clear(&e);
			s = piping ? piped(&conf, &e, &pid)
				   : filesource_open(path, &conf, &e);
			while ((rc = source_next(s, &l, &e)) == 1) {
				nread++;
				nbad +=
				    l.len > 3 && memcmp(l.buf, "bad", 3) == 0;
			}
			ok(rc == -1 && nread == 2 && nbad == 0,
			    "bad %s in a %s member%s: only the first member's "
			    "lines (%zu lines, %zu of the bad member)",
			    len ? "length" : "CRC", large ? "12 MB" : "2.4 MB",
			    piping ? ", piped" : "", nread, nbad);
			is_str(e.msg,
			    len ? "corrupt compressed data: incorrect length "
				  "check"
				: "corrupt compressed data: incorrect data "
				  "check",
			    "bad %s: message", len ? "length" : "CRC");
			ok(e.status == EX_DATAERR && e.line == 3 &&
				strncmp(e.file, path, strlen(path)) == 0,
			    "bad %s: EX_DATAERR at file:3 (%d, %zu)",
			    len ? "length" : "CRC", e.status, e.line);
			source_close(s);
			if (pid > 0)
				waitpid(pid, NULL, 0);
		}

		/*
		 * A sound 21 MB member between two small ones, from the
		 * file and through a pipe: every line, in order, and no
		 * file left in $TMPDIR.
		 */
		{
			size_t nl = 1500000, m = 0, an, bn, zn, nread, inseq;
			char *member = malloc(nl * 16);
			unsigned char *a, *b, *z;
			pid_t pid = 0;
			int rc;

			for (size_t i = 1; i <= nl; i++)
				m += (size_t)snprintf(
				    member + m, 16, "line %zu\n", i);
			a = gzmem("a\n", 2, &an);
			b = gzmem(member, m, &bn);
			z = gzmem("z\n", 2, &zn);
			put((char *)a, an, false);
			append(b, bn);
			append(z, zn);
			free(a);
			free(b);
			free(z);
			for (int piping = 0; piping < 2; piping++) {
				ad_err_clear(&e);
				s = piping ? piped(&conf, &e, &pid)
					   : filesource_open(path, &conf, &e);
				rc = read_seq(s, &e, &nread, &inseq);
				ok(rc == 0 && nread == nl + 2 &&
					inseq == nl + 2,
				    "a %zu-byte member%s: all %zu lines in "
				    "order (%zu lines, %zu right; %s)",
				    m, piping ? ", piped" : "", nl + 2, nread,
				    inseq, rc ? e.msg : "end");
				source_close(s);
				if (pid > 0)
					waitpid(pid, NULL, 0);
				ok(entries(tmpdir) == 0,
				    "no file left in $TMPDIR");
			}

			/* A write to the temporary file fails: EX_IOERR. */
			{
				struct rlimit was, lim;
				char want[512];

				signal(SIGXFSZ, SIG_IGN);
				getrlimit(RLIMIT_FSIZE, &was);
				lim = was;
				lim.rlim_cur = 1 << 20;
				setrlimit(RLIMIT_FSIZE, &lim);
				ad_err_clear(&e);
				s = filesource_open(path, &conf, &e);
				rc = read_seq(s, &e, &nread, &inseq);
				setrlimit(RLIMIT_FSIZE, &was);
				ok(rc == -1 && nread == 1 &&
					e.status == EX_IOERR && e.line == 2,
				    "temporary file full: EX_IOERR at line 2 "
				    "after the first member (%d, %zu lines)",
				    e.status, nread);
				snprintf(want, sizeof(want),
				    "cannot hold a gzip member over 8 MiB "
				    "until its trailer is checked: temporary "
				    "file in '%s': File too large",
				    tmpdir);
				is_str(e.msg, want,
				    "temporary file full: message");
				source_close(s);
			}

			/* $TMPDIR unusable: EX_IOERR, no line of it. */
			setenv("TMPDIR", "/nonexistent/tmp", 1);
			ad_err_clear(&e);
			s = filesource_open(path, &conf, &e);
			rc = read_seq(s, &e, &nread, &inseq);
			ok(rc == -1 && nread == 1 && e.status == EX_IOERR &&
				e.line == 2,
			    "no $TMPDIR: EX_IOERR at line 2 after the first "
			    "member (%d, %zu lines)",
			    e.status, nread);
			is_str(e.msg,
			    "cannot hold a gzip member over 8 MiB until its "
			    "trailer is checked: temporary file in "
			    "'/nonexistent/tmp': No such file or directory",
			    "no $TMPDIR: message");
			source_close(s);
			s = filesource_open(put("small\n", 6, true), &conf, &e);
			is_str(rest(s, &e), "small|",
			    "no $TMPDIR: a small member needs none");
			source_close(s);
			free(member);
		}
		rmdir(tmpdir);
		unsetenv("TMPDIR");
	}

	/*
	 * Through a pipe, a member's lines come as soon as it ends: the
	 * first member's lines before the source waits for the second.
	 */
	{
		int p[2], saved = dup(STDIN_FILENO);
		unsigned char *m1, *m2;
		size_t n1, n2;
		bool first, second, third, end;

		m1 = gzmem("m1a\nm1b\n", 8, &n1);
		m2 = gzmem("m2\n", 3, &n2);
		if (pipe(p) == 0) {
			dup2(p[0], STDIN_FILENO);
			close(p[0]);
			if (write(p[1], m1, n1) != (ssize_t)n1)
				return 1;
			s = filesource_open("-", &conf, &e);
			source_set_idle(s, idle_feed, NULL);
			idle_fd = p[1];
			idle_data = m2;
			idle_len = n2;
			idle_calls = 0;
			first = source_next(s, &l, &e) == 1 &&
				line_is(&l, "m1a", 1);
			second = source_next(s, &l, &e) == 1 &&
				 line_is(&l, "m1b", 2) && idle_calls == 0;
			third = source_next(s, &l, &e) == 1 &&
				line_is(&l, "m2", 3) && idle_calls >= 1;
			end = source_next(s, &l, &e) == 0;
			ok(first && second,
			    "piped gzip: the first member's lines before "
			    "waiting for more");
			ok(third && end,
			    "piped gzip: the second member's line once it "
			    "came");
			source_close(s);
			idle_data = "late\n";
			idle_len = 5;
		}
		free(m1);
		free(m2);
		dup2(saved, STDIN_FILENO);
		close(saved);
	}

	/* Cannot open; cannot read. */
	ad_err_clear(&e);
	ok(filesource_open("/nonexistent/in.ndjson", &conf, &e) == NULL &&
		e.status == EX_NOINPUT,
	    "missing file: EX_NOINPUT (66)");
	is_str(e.msg,
	    "cannot open '/nonexistent/in.ndjson': No such file or directory",
	    "missing file: message");
	ad_err_clear(&e);
	s = filesource_open("/tmp", &conf, &e);
	ok(s == NULL && e.status == EX_NOINPUT,
	    "a directory is refused at open: EX_NOINPUT (66)");
	is_str(
	    e.msg, "cannot open '/tmp': Is a directory", "directory: message");

	/* stdin: a plain file, then a gzip file, on fd 0. */
	for (int gz = 0; gz < 2; gz++) {
		int saved = dup(STDIN_FILENO), fd;
		const char *got;
		bool named;

		put("in1\nin2\n", 8, gz);
		fd = open(path, O_RDONLY);
		dup2(fd, STDIN_FILENO);
		close(fd);
		s = filesource_open("-", &conf, &e);
		named = s != NULL && strcmp(source_name(s), "<stdin>") == 0;
		got = s ? rest(s, &e) : "";
		ok(named, "'-' is <stdin> (%s)", gz ? "gzip" : "plain");
		is_str(got, "in1|in2|", "'-' reads fd 0 (%s)",
		    gz ? "gzip" : "plain");
		source_close(s);
		ok(fcntl(STDIN_FILENO, F_GETFD) != -1,
		    "fd 0 stays open after source_close()");
		dup2(saved, STDIN_FILENO);
		close(saved);
	}

	/* stdin as a pipe: the idle hook runs before the source blocks. */
	{
		int p[2], saved = dup(STDIN_FILENO);
		bool first, second, end;

		if (pipe(p) == 0) {
			dup2(p[0], STDIN_FILENO);
			close(p[0]);
			if (write(p[1], "early\n", 6) != 6)
				return 1;
			s = filesource_open("-", &conf, &e);
			source_set_idle(s, idle_feed, NULL);
			idle_fd = p[1];
			idle_calls = 0;
			first = source_next(s, &l, &e) == 1 &&
				line_is(&l, "early", 1);
			second = source_next(s, &l, &e) == 1 &&
				 line_is(&l, "late", 2);
			end = source_next(s, &l, &e) == 0;
			ok(first, "pipe: a waiting line is read");
			ok(second && idle_calls >= 1,
			    "pipe: the idle hook runs before waiting "
			    "(%d calls)",
			    idle_calls);
			ok(end, "pipe: end once the writer is gone");
			source_close(s);
		}
		dup2(saved, STDIN_FILENO);
		close(saved);
	}
	{
		int p[2], saved = dup(STDIN_FILENO);

		if (pipe(p) == 0) {
			dup2(p[0], STDIN_FILENO);
			close(p[0]);
			s = filesource_open("-", &conf, &e);
			source_set_idle(s, idle_fail, NULL);
			idle_calls = 0;
			ad_err_clear(&e);
			ok(source_next(s, &l, &e) == -1 && idle_calls == 1 &&
				e.status == EX_IOERR &&
				strcmp(e.msg,
				    "flush failed in the idle hook") == 0,
			    "pipe: a failing idle hook stops the read with "
			    "its error");
			source_close(s);
			close(p[1]);
		}
		dup2(saved, STDIN_FILENO);
		close(saved);
	}

	/* A stop while a line is half read: that line is not handed out. */
	{
		int p[2], saved = dup(STDIN_FILENO);
		bool whole, end;

		if (pipe(p) == 0) {
			dup2(p[0], STDIN_FILENO);
			close(p[0]);
			if (write(p[1], "whole\n{\"par", 11) != 11)
				return 1;
			s = filesource_open("-", &conf, &e);
			source_set_idle(s, idle_stop, NULL);
			ad_err_clear(&e);
			whole = source_next(s, &l, &e) == 1 &&
				line_is(&l, "whole", 1);
			end = source_next(s, &l, &e) == 0 && e.status == 0;
			ok(whole, "stop: the whole line before it is read");
			ok(end, "stop: the line it cut is not a line (%.*s)",
			    end ? 0 : (int)l.len, end ? "" : l.buf);
			ad_stop = 0;
			source_close(s);
			close(p[1]);
		}
		dup2(saved, STDIN_FILENO);
		close(saved);
	}

	free(big);
	unlink(path);
	io_conf_release(&conf);
	return tap_done();
}
