/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/source and lib/csvin: plain and gzip files, line
 * numbers, CRLF, a last line without newline, over-long lines, missing
 * files, CSV quoting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "io/csvin.h"
#include "io/endpoint.h"
#include "tap.h"

static char *
write_file(const char *data, size_t n, int gz)
{
	static char path[64];

	snprintf(path, sizeof(path), "/tmp/t-source.%d.%d", (int)getpid(), gz);
	if (gz) {
		gzFile f = gzopen(path, "wb");

		gzwrite(f, data, (unsigned)n);
		gzclose(f);
	} else {
		FILE *f = fopen(path, "wb");

		fwrite(data, 1, n, f);
		fclose(f);
	}
	return path;
}

int
main(void)
{
	struct io_conf conf;
	struct ad_err e;
	struct source *s;
	struct line l;
	char *big;
	const char text[] = "one\ntwo\r\n\nlast";

	io_conf_init(&conf, "t");
	for (int gz = 0; gz < 2; gz++) {
		char *path = write_file(text, sizeof(text) - 1, gz);

		s = source_open(path, &conf, &e);
		ok(s != NULL, "%s file opens", gz ? "gzip" : "plain");
		ok(source_next(s, &l, &e) == 1 && l.len == 3 &&
			memcmp(l.buf, "one", 3) == 0 && l.lineno == 1,
		    "line 1");
		ok(source_next(s, &l, &e) == 1 && l.len == 3 && l.lineno == 2,
		    "CRLF stripped");
		ok(source_next(s, &l, &e) == 1 && l.len == 0 && l.lineno == 3,
		    "empty line kept");
		ok(source_next(s, &l, &e) == 1 && l.len == 4 && l.lineno == 4,
		    "last line without newline");
		ok(source_next(s, &l, &e) == 0, "end");
		source_close(s);
		unlink(path);
	}

	/* A line longer than the limit is cut, flagged, and skipped past. */
	conf.max_line = 1000;
	big = malloc(3000000);
	memset(big, 'x', 3000000);
	big[2999999] = '\n';
	{
		char *path = write_file(big, 3000000, 0);
		FILE *f = fopen(path, "a");

		fputs("after\n", f);
		fclose(f);
		s = source_open(path, &conf, &e);
		ok(source_next(s, &l, &e) == 1 && l.too_long && l.len == 1000 &&
			l.lineno == 1,
		    "over-long line flagged");
		ok(source_next(s, &l, &e) == 1 && !l.too_long && l.len == 5 &&
			l.lineno == 2 && memcmp(l.buf, "after", 5) == 0,
		    "next line read normally");
		ok(source_next(s, &l, &e) == 0, "then the end");
		source_close(s);
		unlink(path);
	}
	free(big);

	s = source_open("/nonexistent/file", &conf, &e);
	ok(s == NULL && e.status == EX_NOINPUT, "missing file: EX_NOINPUT");
	ok(strstr(e.msg, "cannot open '/nonexistent/file'") != NULL,
	    "message names the file");

	/* Truncated gzip is a data error, not an endless loop or a crash. */
	{
		char *path = write_file("hello\nworld\n", 12, 1);
		FILE *f = fopen(path, "r+");
		char buf[64];
		size_t n = fread(buf, 1, sizeof(buf), f);

		fclose(f);
		f = fopen(path, "w");
		fwrite(buf, 1, n - 6, f);
		fclose(f);
		s = source_open(path, &conf, &e);
		int rc;

		while ((rc = source_next(s, &l, &e)) == 1)
			;
		ok(rc == -1 && e.status == EX_DATAERR,
		    "truncated gzip: EX_DATAERR (%s)", e.msg);
		source_close(s);
		unlink(path);
	}

	/* CSV: quoted commas and newlines, and a malformed row. */
	{
		const char csv[] =
		    "a,\"b,c\",d\n\"multi\nline\",2\n\"bad\"x,1\nok,3\n";
		char *path = write_file(csv, sizeof(csv) - 1, 0);
		struct csvin *in;
		struct csv_row row;

		s = source_open(path, &conf, &e);
		in = csvin_new(s);
		ok(csvin_next(in, &row, &e) == 1 && row.nfields == 3 &&
			strcmp(row.field[1], "b,c") == 0 && row.lineno == 1,
		    "quoted comma");
		ok(csvin_next(in, &row, &e) == 1 && row.nfields == 2 &&
			strcmp(row.field[0], "multi\nline") == 0 &&
			row.lineno == 2,
		    "quoted newline, row starts at line 2");
		ok(csvin_next(in, &row, &e) == -1 && e.status == EX_DATAERR &&
			e.line == 4,
		    "malformed quoting at line 4");
		ok(csvin_next(in, &row, &e) == 1 &&
			strcmp(row.field[0], "ok") == 0 && row.lineno == 5,
		    "reading goes on after a bad row");
		ok(csvin_next(in, &row, &e) == 0, "end");
		csvin_free(in);
		source_close(s);
		unlink(path);
	}
	io_conf_release(&conf);
	return tap_done();
}
