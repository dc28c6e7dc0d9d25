/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Cost matrices (see costs.h): read through lib/io's CSV reader, checked
 * as they are read, and the least-expected-cost decision.  A handful of
 * classes: linear searches are plenty.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/csvin.h"
#include "io/smallfile.h"
#include "record/costs.h"

/* field without the spaces around it, as a new string */
static char *
trimmed(const char *s, size_t len)
{
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 &&
	       (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	return xstrndup(s, len);
}

/* The header row: the predicted classes, named and each once. */
static int
take_header(struct costs *c, const struct csv_row *row, const char *file,
    struct ad_err *err)
{
	if (row->nfields < 2) {
		ad_err_at(err, EX_DATAERR, file, row->lineno,
		    "header names no classes");
		return -1;
	}
	c->header_line = row->lineno;
	c->classes = xcalloc(row->nfields - 1, sizeof(*c->classes));
	for (size_t j = 1; j < row->nfields; j++) {
		char *name = trimmed(row->field[j], row->len[j]);

		if (*name == '\0' || costs_index(c, name) >= 0) {
			if (*name == '\0')
				ad_err_at(err, EX_DATAERR, file, row->lineno,
				    "empty class name in field %zu", j + 1);
			else
				ad_err_at(err, EX_DATAERR, file, row->lineno,
				    "class '%s' named twice", name);
			free(name);
			return -1;
		}
		c->classes[c->n++] = name;
	}
	c->cost = xcalloc(c->n * c->n, sizeof(*c->cost));
	return 0;
}

/* One actual class's row; seen[] marks the rows read so far. */
static int
take_row(struct costs *c, const struct csv_row *row, const char *file,
    size_t *seen, struct ad_err *err)
{
	char *name = trimmed(row->field[0], row->len[0]);
	long i = costs_index(c, name);
	int rc = -1;

	if (row->nfields != c->n + 1) {
		ad_err_at(err, EX_DATAERR, file, row->lineno,
		    "not square: expected %zu fields, got %zu", c->n + 1,
		    row->nfields);
		goto out;
	}
	if (i < 0) {
		ad_err_at(err, EX_DATAERR, file, row->lineno,
		    "class '%s' is not in the header", name);
		goto out;
	}
	if (seen[i] != 0) {
		ad_err_at(err, EX_DATAERR, file, row->lineno,
		    "class '%s' has a row already at line %zu", name, seen[i]);
		goto out;
	}
	seen[i] = row->lineno;
	for (size_t j = 0; j < c->n; j++) {
		char *text = trimmed(row->field[j + 1], row->len[j + 1]);
		char *end;
		double v = strtod(text, &end);
		int bad = 0;

		if (end == text || *end != '\0' || !isfinite(v))
			bad = 1;
		else if (v < 0)
			bad = 2;
		if (bad != 0)
			ad_err_at(err, EX_DATAERR, file, row->lineno,
			    "cost of '%s' predicted as '%s': '%s' is %s", name,
			    c->classes[j], text,
			    bad == 1 ? "not a finite number" : "negative");
		free(text);
		if (bad != 0)
			goto out;
		c->cost[(size_t)i * c->n + j] = v;
	}
	rc = 0;
out:
	free(name);
	return rc;
}

/*
 * Read the cost matrix at path into c.  Returns 0, or -1 with err set
 * (EX_NOINPUT when the file cannot be opened, EX_DATAERR with the file
 * and line for anything malformed: a row of the wrong width, a class
 * without a row or a row without a header class, a cost that is negative
 * or not a number) and c released.  Caller releases c with
 * costs_release().
 */
int
costs_load(struct costs *c, const char *path, struct ad_err *err)
{
	struct source *src = NULL;
	char *text;
	size_t len;
	struct csvin *in = NULL;
	struct csv_row row;
	size_t *seen = NULL, nrows = 0, last = 0;
	int rc = -1, got;

	memset(c, 0, sizeof(*c));
	c->path = xstrdup(path);
	if ((text = smallfile_read(
		 path, SMALLFILE_MAX, "cost matrix", &len, err)) == NULL)
		goto out;
	src = smallfile_source(path, text, len);
	in = csvin_new(src);
	while ((got = csvin_next(in, &row, err)) != 0) {
		if (got < 0)
			goto out;
		last = row.lineno;
		if (c->classes == NULL) {
			if (take_header(c, &row, path, err) < 0)
				goto out;
			seen = xcalloc(c->n, sizeof(*seen));
			continue;
		}
		if (take_row(c, &row, path, seen, err) < 0)
			goto out;
		nrows++;
	}
	if (c->classes == NULL) {
		ad_err_at(err, EX_DATAERR, path, 1, "no cost matrix");
		goto out;
	}
	for (size_t i = 0; i < c->n; i++)
		if (seen[i] == 0) {
			ad_err_at(err, EX_DATAERR, path, last,
			    "not square: %zu rows for %zu classes, none for "
			    "'%s'",
			    nrows, c->n, c->classes[i]);
			goto out;
		}
	rc = 0;
out:
	free(seen);
	csvin_free(in);
	source_close(src);
	if (rc < 0)
		costs_release(c);
	return rc;
}

/* Index of class name in c's header, or -1. */
long
costs_index(const struct costs *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->classes[i], name) == 0)
			return (long)i;
	return -1;
}

/*
 * The costs between classes[0..nclass) (a model's classes) in that order
 * into out[nclass * nclass], out[actual * nclass + predicted].  Classes
 * of c that the model lacks are left out.  Returns 0, or -1 with err set
 * (EX_DATAERR, at the header's line) when c has no entry for one of
 * classes.
 */
int
costs_order(const struct costs *c, char *const *classes, size_t nclass,
    double *out, struct ad_err *err)
{
	size_t *at = xcalloc(nclass ? nclass : 1, sizeof(*at));
	int rc = -1;

	for (size_t i = 0; i < nclass; i++) {
		long k = costs_index(c, classes[i]);

		if (k < 0) {
			ad_err_at(err, EX_DATAERR, c->path, c->header_line,
			    "class '%s' is missing", classes[i]);
			goto out;
		}
		at[i] = (size_t)k;
	}
	for (size_t i = 0; i < nclass; i++)
		for (size_t j = 0; j < nclass; j++)
			out[i * nclass + j] = c->cost[at[i] * c->n + at[j]];
	rc = 0;
out:
	free(at);
	return rc;
}

/*
 * The class j of least expected cost sum_i prob[i] * cost[i * n + j]
 * (the first on a tie), with each class's expected cost in expected[n]
 * unless it is NULL.  n must be at least 1.
 */
size_t
costs_choose(const double *cost, size_t n, const double *prob, double *expected)
{
	size_t best = 0;
	double best_cost = INFINITY;

	for (size_t j = 0; j < n; j++) {
		double e = 0;

		for (size_t i = 0; i < n; i++)
			e += prob[i] * cost[i * n + j];
		if (expected != NULL)
			expected[j] = e;
		if (e < best_cost) {
			best_cost = e;
			best = j;
		}
	}
	return best;
}

/* Free what c holds (c itself is the caller's); safe twice. */
void
costs_release(struct costs *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->classes[i]);
	free(c->classes);
	free(c->cost);
	free(c->path);
	memset(c, 0, sizeof(*c));
}
