/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/csvin: rows with their line numbers, quoted fields
 * (commas, doubled quotes, newlines inside), empty fields, blank lines,
 * CRLF, malformed quoting and an unterminated quote at the end reported
 * with file:line and reading going on, and an over-long line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "io/csvin.h"
#include "io/io.h"
#include "io/endpoint.h"
#include "io/source.h"
#include "tap.h"

static char path[] = "/tmp/t-csvin-XXXXXX";
static struct io_conf conf;
static struct source *src;
static struct csvin *in;

static void
open_text(const char *text)
{
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");
	struct ad_err err;

	fputs(text, fp);
	fclose(fp);
	src = source_open(path, &conf, &err);
	in = csvin_new(src);
}

static void
close_text(void)
{
	csvin_free(in);
	source_close(src);
	unlink(path);
	strcpy(path, "/tmp/t-csvin-XXXXXX");
}

static int
row_is(const struct csv_row *r, size_t lineno, size_t n, const char **want)
{
	if (r->lineno != lineno || r->nfields != n) {
		printf("#   line %zu, %zu fields\n", r->lineno, r->nfields);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (r->len[i] != strlen(want[i]) ||
		    strcmp(r->field[i], want[i]) != 0) {
			printf("#   field %zu: '%s'\n", i, r->field[i]);
			return 0;
		}
	return 1;
}

int
main(void)
{
	struct csv_row r;
	struct ad_err err;
	int rc;

	io_conf_init(&conf, "t-csvin");

	open_text("0,tcp,http,SF,181\n"
		  "\n"
		  "1,\"a,b\",\"say \"\"hi\"\"\",,\n"
		  "2,\"multi\nline\",x\n"
		  "3,last");
	ok(csvin_next(in, &r, &err) == 1 &&
		row_is(&r, 1, 5,
		    (const char *[]){"0", "tcp", "http", "SF", "181"}),
	    "plain row, line 1");
	ok(csvin_next(in, &r, &err) == 1 &&
		row_is(&r, 3, 5,
		    (const char *[]){"1", "a,b", "say \"hi\"", "", ""}),
	    "blank line skipped; quoted comma, doubled quotes, empty fields");
	ok(csvin_next(in, &r, &err) == 1 &&
		row_is(&r, 4, 3, (const char *[]){"2", "multi\nline", "x"}) &&
		r.rawlen == 7 && memcmp(r.raw, "line\",x", 7) == 0,
	    "a quoted newline: one row from line 4, raw is its last line");
	ok(csvin_next(in, &r, &err) == 1 &&
		row_is(&r, 6, 2, (const char *[]){"3", "last"}),
	    "last row without a newline");
	ok(csvin_next(in, &r, &err) == 0, "end");
	ok(csvin_next(in, &r, &err) == 0, "end again");
	close_text();

	open_text("a,b\r\nc,d\r\n");
	ok(csvin_next(in, &r, &err) == 1 &&
		row_is(&r, 1, 2, (const char *[]){"a", "b"}) &&
		csvin_next(in, &r, &err) == 1 &&
		row_is(&r, 2, 2, (const char *[]){"c", "d"}),
	    "CRLF: no CR in the last field");
	close_text();

	open_text("ok,1\n"
		  "bad\"quote,2\n"
		  "ok,3\n"
		  "x,\"open\n");
	ok(csvin_next(in, &r, &err) == 1, "row before the bad one");
	rc = csvin_next(in, &r, &err);
	ok(rc == -1 && err.status == EX_DATAERR && err.line == 2 &&
		r.lineno == 2 && strcmp(err.msg, "malformed quoting") == 0 &&
		strstr(err.file, "t-csvin-") != NULL && r.rawlen == 11 &&
		memcmp(r.raw, "bad\"quote,2", 11) == 0,
	    "a quote inside a field: -1, line 2, raw line kept (%s)", err.msg);
	ok(csvin_next(in, &r, &err) == 1 &&
		row_is(&r, 3, 2, (const char *[]){"ok", "3"}),
	    "reading goes on at the next line");
	rc = csvin_next(in, &r, &err);
	ok(rc == -1 && err.line == 4 &&
		strcmp(err.msg, "unterminated quoted field") == 0,
	    "a quote open at the end: -1, line 4 (%s)", err.msg);
	ok(csvin_next(in, &r, &err) == 0, "then the end");
	close_text();

	open_text("");
	ok(csvin_next(in, &r, &err) == 0, "empty file: no rows");
	close_text();
	open_text("\n\n\n");
	ok(csvin_next(in, &r, &err) == 0, "blank lines only: no rows");
	close_text();
	open_text(",\n");
	ok(csvin_next(in, &r, &err) == 1 &&
		row_is(&r, 1, 2, (const char *[]){"", ""}),
	    "',' is two empty fields");
	close_text();

	{
		char *big = malloc(200001);

		memset(big, 'x', 200000);
		big[200000] = '\0';
		conf.max_line = 1000;
		open_text(big);
		free(big);
		rc = csvin_next(in, &r, &err);
		ok(rc == -1 && strcmp(err.msg, "line too long") == 0 &&
			err.line == 1,
		    "a line over max_line: -1 (%s)", err.msg);
		ok(csvin_next(in, &r, &err) == 0, "then the end");
		close_text();
	}
	{
		/* A 300-field row: the field arrays grow. */
		char line[2000];
		size_t len = 0;

		for (int i = 0; i < 300; i++)
			len += (size_t)snprintf(line + len, sizeof(line) - len,
			    "%s%d", i ? "," : "", i);
		conf.max_line = 1 << 20;
		open_text(line);
		ok(csvin_next(in, &r, &err) == 1 && r.nfields == 300 &&
			strcmp(r.field[299], "299") == 0 &&
			strcmp(r.field[0], "0") == 0,
		    "300 fields");
		close_text();
	}
	csvin_free(NULL);
	return tap_done();
}
