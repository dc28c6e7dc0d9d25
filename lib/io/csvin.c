/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * libcsv wrapper.  libcsv pushes fields and row ends through callbacks; we
 * feed it one source line (plus its newline) at a time and collect the
 * fields of a row in one arena, so a caller can pull rows like lines.
 * Malformed quoting (CSV_STRICT) and over-long lines are row errors: the
 * parser is reset and reading goes on at the next line.
 */
#include <csv.h>
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "io/csvin.h"

struct csvin {
	struct source *src;
	struct csv_parser parser;
	struct buf arena; /* field bytes, each NUL-terminated */
	size_t *offset;	  /* where each field starts in arena */
	size_t *len;
	char **field;
	size_t nfields, cap;
	size_t start_line; /* first line of the row being built */
	bool row_ready;
	bool row_open; /* a quoted field spans lines */
	struct line line;
};

static void
on_field(void *s, size_t n, void *data)
{
	struct csvin *in = data;

	if (in->nfields == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 64;
		in->offset =
		    xreallocarray(in->offset, in->cap, sizeof(*in->offset));
		in->len = xreallocarray(in->len, in->cap, sizeof(*in->len));
		in->field =
		    xreallocarray(in->field, in->cap, sizeof(*in->field));
	}
	in->offset[in->nfields] = in->arena.len;
	in->len[in->nfields] = n;
	buf_grow(&in->arena, n + 1);
	if (n > 0)
		memcpy(in->arena.data + in->arena.len, s, n);
	in->arena.len += n + 1;
	in->arena.data[in->arena.len - 1] = '\0';
	in->nfields++;
}

static void
on_row(int c, void *data)
{
	struct csvin *in = data;

	(void)c;
	in->row_ready = true;
}

static void
reset_row(struct csvin *in)
{
	in->nfields = 0;
	buf_reset(&in->arena);
	in->row_ready = false;
	in->row_open = false;
}

/*
 * Read CSV rows from src (borrowed: the caller frees it after
 * csvin_free()).  Caller frees with csvin_free().
 */
struct csvin *
csvin_new(struct source *src)
{
	struct csvin *in = xcalloc(1, sizeof(*in));

	in->src = src;
	if (csv_init(&in->parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
		errx(EX_OSERR, "cannot allocate a CSV parser");
	buf_init(&in->arena);
	return in;
}

static void
fill_row(struct csvin *in, struct csv_row *row)
{
	for (size_t i = 0; i < in->nfields; i++)
		in->field[i] = in->arena.data + in->offset[i];
	row->nfields = in->nfields;
	row->field = in->field;
	row->len = in->len;
	row->lineno = in->start_line;
	row->raw = in->line.buf;
	row->rawlen = in->line.len;
}

static int
row_error(
    struct csvin *in, struct csv_row *row, struct ad_err *err, const char *why)
{
	ad_err_at(
	    err, EX_DATAERR, source_name(in->src), in->start_line, "%s", why);
	csv_free(&in->parser);
	csv_init(&in->parser, CSV_STRICT | CSV_STRICT_FINI);
	reset_row(in);
	row->raw = in->line.buf;
	row->rawlen = in->line.len;
	row->lineno = err->line;
	return -1;
}

/*
 * Next row.  Returns 1 with *row (borrowed until the next call), 0 at the
 * end, -1 with err set (EX_DATAERR) for a malformed row (row->raw and
 * row->lineno then describe it, and reading may go on), or -2 with err set
 * when the source fails (read error, corrupt compression): reading ends.
 */
int
csvin_next(struct csvin *in, struct csv_row *row, struct ad_err *err)
{
	memset(row, 0, sizeof(*row));
	reset_row(in);
	for (;;) {
		int rc = source_next(in->src, &in->line, err);

		if (rc < 0)
			return -2;
		if (rc == 0) {
			if (!in->row_open)
				return 0;
			in->row_open = false;
			if (csv_fini(&in->parser, on_field, on_row, in) != 0)
				return row_error(
				    in, row, err, "unterminated quoted field");
			if (in->row_ready) {
				fill_row(in, row);
				return 1;
			}
			return 0;
		}
		if (!in->row_open)
			in->start_line = in->line.lineno;
		if (in->line.too_long) {
			in->start_line = in->line.lineno;
			return row_error(in, row, err, "line too long");
		}
		if (csv_parse(&in->parser, in->line.buf, in->line.len, on_field,
			on_row, in) != in->line.len ||
		    csv_parse(&in->parser, "\n", 1, on_field, on_row, in) != 1)
			return row_error(in, row, err, "malformed quoting");
		if (in->row_ready) {
			fill_row(in, row);
			return 1;
		}
		/* A blank line yields no row; an open quote continues. */
		in->row_open = in->nfields > 0 || in->parser.pstate != 0;
	}
}

/* Free in; the source stays open.  NULL is a no-op. */
void
csvin_free(struct csvin *in)
{
	if (in == NULL)
		return;
	csv_free(&in->parser);
	buf_release(&in->arena);
	free(in->offset);
	free(in->len);
	free(in->field);
	free(in);
}
