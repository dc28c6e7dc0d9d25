/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/io/io: io_conf_init() defaults, -X properties copied
 * in order, -F property files (comments, blank lines, CRLF, a line without
 * '=' rejected at file:line, a missing file), io_conf_release(), and the
 * warn hook behind io_warn()/io_warn_err().
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/io.h"
#include "tap.h"

/* What the warn hook was last called with. */
static struct {
	int calls;
	const char *file;
	char filecopy[256];
	size_t line;
	char msg[512];
} seen;

static void
hook(const char *file, size_t line, const char *fmt, va_list ap)
{
	seen.calls++;
	seen.file = file;
	snprintf(seen.filecopy, sizeof(seen.filecopy), "%s", file ? file : "");
	seen.line = line;
	vsnprintf(seen.msg, sizeof(seen.msg), fmt, ap);
}

static char path[96];

static const char *
write_props(const char *text)
{
	FILE *f = fopen(path, "wb");

	fputs(text, f);
	fclose(f);
	return path;
}

/* Whether conf holds exactly the n properties in want, in order. */
static int
props_are(const struct io_conf *conf, const char *const *want, size_t n)
{
	if (conf->nprops != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(conf->props[i], want[i]) != 0)
			return 0;
	return 1;
}

int
main(void)
{
	struct io_conf conf;
	struct ad_err e;
	char nv[32];
	const char *id = "my-client";

	snprintf(path, sizeof(path), "/tmp/t-io.%d.props", (int)getpid());

	/* Defaults, whatever the struct held before. */
	memset(&conf, 0xa5, sizeof(conf));
	io_conf_init(&conf, id);
	ok(conf.max_line == IO_MAX_LINE_DEFAULT && conf.max_line == (size_t)16
									<< 20,
	    "max_line defaults to 16 MiB");
	ok(conf.timeout_ms == 10000, "timeout defaults to 10 s");
	ok(conf.client_id == id, "client_id is borrowed, not copied");
	ok(conf.props == NULL && conf.nprops == 0, "no properties");
	ok(!conf.exit_at_end, "exit_at_end off");
	ok(conf.warn == NULL, "no warn hook: lib/ stays silent");
	io_conf_init(&conf, NULL);
	ok(conf.client_id == NULL, "a NULL client_id is kept NULL");

	/* -X: copies, in order, growing past any small initial size. */
	snprintf(nv, sizeof(nv), "linger.ms=1");
	io_conf_add_prop(&conf, nv);
	nv[0] = 'X';
	io_conf_add_prop(&conf, "acks=all");
	{
		const char *want[] = {"linger.ms=1", "acks=all"};

		ok(props_are(&conf, want, 2),
		    "two properties, copied, in order");
	}
	for (int i = 0; i < 100; i++) {
		snprintf(nv, sizeof(nv), "p%d=%d", i, i);
		io_conf_add_prop(&conf, nv);
	}
	ok(conf.nprops == 102 && strcmp(conf.props[2], "p0=0") == 0 &&
		strcmp(conf.props[101], "p99=99") == 0,
	    "100 more properties kept in order");
	io_conf_add_prop(&conf, "");
	ok(conf.nprops == 103 && strcmp(conf.props[102], "") == 0,
	    "io_conf_add_prop() does not check (librdkafka does)");
	io_conf_release(&conf);
	ok(conf.props == NULL && conf.nprops == 0,
	    "io_conf_release() empties the list");
	io_conf_release(&conf);
	ok(conf.nprops == 0, "io_conf_release() twice is harmless");
	io_conf_add_prop(&conf, "a=1");
	ok(conf.nprops == 1 && strcmp(conf.props[0], "a=1") == 0,
	    "the conf is usable again after a release");
	io_conf_release(&conf);

	/* -F: comments, blank lines, indentation, CRLF, '=' in values. */
	io_conf_init(&conf, "t");
	ad_err_clear(&e);
	write_props("# librdkafka properties\n"
		    "\n"
		    "bootstrap.servers=a:9092,b:9092\n"
		    "   \t\n"
		    "  # indented comment\n"
		    "\tclient.id=x\r\n"
		    "sasl.jaas=k=v=w\n"
		    "empty.value=\n"
		    "last=no newline");
	ok(io_conf_add_prop_file(&conf, path, &e) == 0, "property file read");
	{
		const char *want[] = {"bootstrap.servers=a:9092,b:9092",
		    "client.id=x", "sasl.jaas=k=v=w",
		    "empty.value=", "last=no newline"};

		ok(props_are(&conf, want, 5),
		    "comments and blank lines skipped, indentation and CRLF "
		    "dropped, everything after the first '=' kept");
	}
	ok(e.status == 0 && e.msg[0] == '\0', "err untouched on success");
	io_conf_add_prop(&conf, "after=1");
	ok(conf.nprops == 6 && strcmp(conf.props[5], "after=1") == 0,
	    "-X after -F comes after it (later wins in librdkafka)");
	io_conf_release(&conf);

	/* An empty file and a file of comments add nothing. */
	io_conf_init(&conf, "t");
	write_props("");
	ok(io_conf_add_prop_file(&conf, path, &e) == 0 && conf.nprops == 0,
	    "empty file: nothing");
	write_props("#a=1\n\n# b=2\n");
	ok(io_conf_add_prop_file(&conf, path, &e) == 0 && conf.nprops == 0,
	    "only comments: nothing (a commented property stays off)");

	/* A line without '=' stops the read with its location. */
	ad_err_clear(&e);
	write_props("# head\n"
		    "a=1\n"
		    "\n"
		    "  bogus line\r\n"
		    "b=2\n");
	ok(io_conf_add_prop_file(&conf, path, &e) == -1,
	    "a line without '=' is rejected");
	ok(e.status == EX_CONFIG, "with EX_CONFIG (78)");
	is_str(e.file, path, "at the file");
	ok(e.line == 4, "at line 4 (comment and blank lines counted)");
	is_str(e.msg, "expected name=value, got 'bogus line'",
	    "saying what it got, without indentation or CR");
	ok(conf.nprops == 1 && strcmp(conf.props[0], "a=1") == 0,
	    "nothing after the bad line is added");
	io_conf_release(&conf);

	/* A missing file. */
	io_conf_init(&conf, "t");
	ad_err_clear(&e);
	ok(io_conf_add_prop_file(&conf, "/nonexistent/props", &e) == -1 &&
		e.status == EX_NOINPUT,
	    "missing file: EX_NOINPUT (66)");
	is_str(e.msg,
	    "cannot open '/nonexistent/props': No such file or directory",
	    "message names the file and the system's reason");
	ok(conf.nprops == 0, "and adds nothing");
	unlink(path);

	/* The warn hook. */
	memset(&seen, 0, sizeof(seen));
	io_warn(&conf, "in.ndjson", 7, "bad %s %d", "record", 42);
	ok(seen.calls == 0, "no hook: io_warn() does nothing");
	io_warn(NULL, "in.ndjson", 7, "bad %s", "record");
	ok(seen.calls == 0, "NULL conf: io_warn() does nothing");
	conf.warn = hook;
	io_warn(&conf, "in.ndjson", 7, "bad %s %d", "record", 42);
	ok(seen.calls == 1, "the hook is called once");
	is_str(seen.filecopy, "in.ndjson", "with the file");
	ok(seen.line == 7, "with the line");
	is_str(seen.msg, "bad record 42", "with fmt and its arguments");
	io_warn(&conf, NULL, 0, "no place");
	ok(seen.calls == 2 && seen.file == NULL && seen.line == 0 &&
		strcmp(seen.msg, "no place") == 0,
	    "NULL file and line 0 are passed as they are");

	/* io_warn_err: located when the error has file and line. */
	memset(&seen, 0, sizeof(seen));
	ad_err_clear(&e);
	ad_err_at(&e, EX_DATAERR, "data.csv", 12, "expected %d fields", 3);
	io_warn_err(&conf, &e);
	ok(seen.calls == 1 && strcmp(seen.filecopy, "data.csv") == 0 &&
		seen.line == 12,
	    "io_warn_err: file and line from err");
	is_str(seen.msg, "expected 3 fields", "io_warn_err: the message");
	ok(e.status == EX_DATAERR && e.line == 12 &&
		strcmp(e.file, "data.csv") == 0 &&
		strcmp(e.msg, "expected 3 fields") == 0,
	    "io_warn_err leaves err as it was");
	ad_err_clear(&e);
	ad_err_set(&e, EX_IOERR, "100%% %s", "sure");
	io_warn_err(&conf, &e);
	ok(seen.calls == 2 && seen.file == NULL && seen.line == 0,
	    "no location: NULL and 0");
	is_str(seen.msg, "100% sure",
	    "a '%%' in the message is not taken as a format");
	ad_err_clear(&e);
	ad_err_at(&e, EX_IOERR, "f", 0, "m");
	io_warn_err(&conf, &e);
	ok(seen.calls == 3 && seen.file == NULL && seen.line == 0,
	    "a file with line 0 is no location either");
	ad_err_clear(&e);
	ad_err_at(&e, EX_IOERR, NULL, 5, "m");
	io_warn_err(&conf, &e);
	ok(seen.calls == 4 && seen.file == NULL && seen.line == 0,
	    "a line without a file is no location either");
	conf.warn = NULL;
	io_warn_err(&conf, &e);
	io_warn_err(NULL, &e);
	ok(seen.calls == 4, "io_warn_err without a hook does nothing");

	/* Silent means silent: nothing reaches stderr. */
	{
		char errpath[96], buf[16];
		int saved = dup(STDERR_FILENO), fd;
		ssize_t n;

		snprintf(errpath, sizeof(errpath), "/tmp/t-io.%d.err",
		    (int)getpid());
		fd = open(errpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
		dup2(fd, STDERR_FILENO);
		io_warn(&conf, "x", 1, "should not appear");
		io_warn_err(&conf, &e);
		fflush(stderr);
		dup2(saved, STDERR_FILENO);
		close(saved);
		n = pread(fd, buf, sizeof(buf), 0);
		close(fd);
		unlink(errpath);
		ok(n == 0, "no hook: nothing on stderr");
	}
	io_conf_release(&conf);
	return tap_done();
}
