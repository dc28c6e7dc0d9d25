/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Record scoring for ad-score (see scorer.h).  Scores are written rounded
 * to six decimals by an integer formatter, which is both faster than
 * printf and gives stable text for golden tests.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/ndjson.h"
#include "forest/scorer.h"

/* Fields ad-score writes; a record already holding one takes the slow path. */
static const char *const reserved[] = {
    "score", "anomaly", "class", "probability", "why", NULL};

static void
size_arrays(struct scorer *s)
{
	size_t n = s->m->fs->n + 1;

	s->x = xreallocarray(s->x, n, sizeof(double));
	s->contrib = xreallocarray(s->contrib, n, sizeof(double));
	s->top = xreallocarray(s->top, n, sizeof(size_t));
}

/* Start scoring with model m (owned from now on). */
void
scorer_init(struct scorer *s, struct forestfile *m)
{
	memset(s, 0, sizeof(*s));
	s->threshold = NAN;
	s->m = m;
	jscan_init(&s->js);
	size_arrays(s);
}

/* Replace the model (the old one is freed), e.g. after a hot reload. */
void
scorer_set_model(struct scorer *s, struct forestfile *m)
{
	forestfile_free(s->m);
	s->m = m;
	s->col_fs = NULL;
	size_arrays(s);
}

/*
 * Score with m, which s does not own (a reader thread preparing records
 * for a writer that owns it): the caller sets s->m to NULL before
 * scorer_release().
 */
void
scorer_borrow_model(struct scorer *s, struct forestfile *m)
{
	s->m = m;
	s->col_fs = NULL;
}

/* Free what s holds, the model included. */
void
scorer_release(struct scorer *s)
{
	forestfile_free(s->m);
	jscan_release(&s->js);
	free(s->col);
	free(s->x);
	free(s->contrib);
	free(s->top);
}

/* Whether key is one of the fields ad-score adds. */
bool
scorer_reserved(const char *key, size_t len)
{
	if (len < 3 || len > 11 ||
	    (key[0] != 's' && key[0] != 'a' && key[0] != 'c' && key[0] != 'p' &&
		key[0] != 'w'))
		return false;
	for (const char *const *r = reserved; *r != NULL; r++)
		if (strlen(*r) == len && memcmp(*r, key, len) == 0)
			return true;
	return false;
}

/*
 * Whether a record scanned by jscan_object() may be copied as it is:
 * strings of plain ASCII without \u escapes, numbers of at most 18
 * integer and 2 exponent digits, at most 255 members.  Other records are
 * written as jansson reads them (ndjson_dump()), as they always were.
 */
bool
scorer_plain(const struct jscan *js)
{
	return js->flags == 0 && js->n <= 255;
}

/* Append v in [0,1] (or any real) rounded to 6 decimals, e.g. 0.973456. */
void
scorer_add_score(struct buf *b, double v)
{
	char tmp[40], *p = tmp + sizeof(tmp);
	long long q;
	int frac, nd = 6;
	bool neg = v < 0;

	if (!isfinite(v) || fabs(v) > 1e12) {
		buf_add_double(b, v);
		return;
	}
	q = llround(fabs(v) * 1e6);
	frac = (int)(q % 1000000);
	q /= 1000000;
	while (nd > 1 && frac % 10 == 0) {
		frac /= 10;
		nd--;
	}
	for (int i = 0; i < nd; i++) {
		*--p = (char)('0' + frac % 10);
		frac /= 10;
	}
	*--p = '.';
	do {
		*--p = (char)('0' + q % 10);
		q /= 10;
	} while (q > 0);
	if (neg && (p[0] != '0' || p[2] != '0' || nd > 1))
		*--p = '-';
	buf_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

/*
 * Offset of the closing brace of a line holding one JSON object (trailing
 * white space allowed).
 */
size_t
scorer_close_brace(const char *line, size_t len)
{
	while (len > 0 && line[len - 1] != '}')
		len--;
	return len - 1;
}

/* The --explain features: indices of the largest |contrib|, ties by index. */
static size_t
pick_top(struct scorer *s)
{
	size_t nf = s->m->fs->n,
	       k = (size_t)s->explain < nf ? (size_t)s->explain : nf, n = 0;

	for (size_t i = 0; i < nf; i++) {
		double a = fabs(s->contrib[i]);
		size_t j;

		if (a == 0)
			continue;
		if (n == k && a <= fabs(s->contrib[s->top[n - 1]]))
			continue;
		j = n < k ? n++ : n - 1;
		while (j > 0 && fabs(s->contrib[s->top[j - 1]]) < a) {
			s->top[j] = s->top[j - 1];
			j--;
		}
		s->top[j] = i;
	}
	return n;
}

/* Append ,"score":..,"anomaly":.. and the rest (no braces). */
static void
add_fields(struct scorer *s, struct buf *out, const double *x, double score,
    bool anomaly)
{
	const struct forestfile *m = s->m;

	buf_adds(out, "\"score\":");
	scorer_add_score(out, score);
	buf_adds(out, anomaly ? ",\"anomaly\":true" : ",\"anomaly\":false");
	if (m->mode == FORESTFILE_SUPERVISED &&
	    (m->nclass > 2 || m->costs != NULL)) {
		size_t best = forestfile_decide(m, s->proba);

		buf_adds(out, ",\"class\":");
		buf_add_json_string(
		    out, m->classes[best], strlen(m->classes[best]));
		buf_adds(out, ",\"probability\":");
		scorer_add_score(out, s->proba[best]);
	}
	if (s->explain > 0) {
		size_t n = pick_top(s);

		buf_adds(out, ",\"why\":[");
		for (size_t i = 0; i < n; i++) {
			size_t f = s->top[i];
			const char *name = m->fs->f[f].name, *txt;
			char tmp[32];

			if (i > 0)
				buf_addc(out, ',');
			buf_adds(out, "{\"feature\":");
			buf_add_json_string(out, name, strlen(name));
			buf_adds(out, ",\"value\":");
			txt = featset_value_text(
			    m->fs, f, x[f], tmp, sizeof(tmp));
			if (txt != NULL)
				buf_add_json_string(out, txt, strlen(txt));
			else if (isnan(x[f]))
				buf_adds(out, "null");
			else if (x[f] == trunc(x[f]) && fabs(x[f]) < 1e15)
				buf_add_long(out, (long long)x[f]);
			else
				buf_add_double(out, x[f]);
			buf_adds(out, ",\"contribution\":");
			scorer_add_score(out, s->contrib[f]);
			buf_addc(out, '}');
		}
		buf_addc(out, ']');
	}
}

/* Start the per-key facts for the shape of the record just scanned. */
static void
new_shape(struct scorer *s)
{
	const struct jscan *js = &s->js;

	if (js->n > s->colcap) {
		s->colcap = js->n * 2;
		s->col = xreallocarray(s->col, s->colcap, sizeof(*s->col));
	}
	s->js_reserved = false;
	for (size_t i = 0; i < js->n; i++) {
		s->col[i] = FEATSET_COL_UNKNOWN;
		if (scorer_reserved(js->m[i].key, js->m[i].keylen))
			s->js_reserved = true;
	}
	s->col_fs = s->m->fs;
}

/*
 * First half of scoring, which needs no model but its schema: scan or
 * parse the line, fill x (s->m->fs->n values) and put in out the text the
 * output line starts with: the record without its closing brace (*comma
 * tells whether fields come before ours).  Returns 1, or -1 with a reason
 * in why when the line is not a JSON object.
 */
int
scorer_prepare(struct scorer *s, const char *line, size_t len, double *x,
    struct buf *out, bool *comma, char *why, size_t whylen)
{
	const struct forestfile *m = s->m;
	struct jscan *js = &s->js;
	json_t *rec;

	buf_reset(out);
	if (jscan_object(js, line, len) == JSCAN_OK) {
		if (!js->same_shape || s->col_fs != m->fs)
			new_shape(s);
		if (!s->js_reserved && scorer_plain(js) &&
		    featset_row_scan(m->fs, js->m, s->col, js->n, x) == 0) {
			buf_add(out, line, scorer_close_brace(line, len));
			*comma = js->n > 0;
			return 1;
		}
	}
	s->nslow++;
	if ((rec = ndjson_parse(line, len, why, whylen)) == NULL)
		return -1;
	featset_row_json(m->fs, rec, x);
	for (const char *const *r = reserved; *r != NULL; r++)
		json_object_del(rec, *r);
	ndjson_dump(out, rec);
	out->len--; /* the closing brace */
	*comma = json_object_size(rec) > 0;
	json_decref(rec);
	return 1;
}

/*
 * Start scoring x: walk the first trees (0 .. trees-1) into acc and
 * contrib (nfeat values, used with --explain).  With trees 0, only
 * zeroes them; a caller may split the walk between two threads.
 */
void
scorer_begin(struct scorer *s, const double *x, size_t trees,
    struct forest_acc *acc, double *contrib)
{
	const struct forest *f = s->m->forest;

	forest_acc_init(f, acc, s->explain > 0 ? contrib : NULL);
	forest_accumulate(f, x, 0, trees, acc, s->explain > 0 ? contrib : NULL);
}

/*
 * Second half: walk the trees from `from` on into acc (as left by
 * scorer_begin(), or zeroed by it with no trees), score x with s's model
 * and append our fields and the closing brace to out (as left by
 * scorer_prepare()).  contrib (nfeat values) holds the contributions so
 * far.  Returns 1, or 0 when the record is not anomalous and only
 * anomalies are wanted (out is then meaningless).
 */
int
scorer_finish(struct scorer *s, const double *x, struct buf *out, bool comma,
    struct forest_acc *acc, double *contrib, size_t from)
{
	const struct forestfile *m = s->m;
	const struct forest *f = m->forest;
	double thr = isnan(s->threshold) ? m->threshold : s->threshold;
	double *c = s->explain > 0 ? contrib : NULL, score;
	bool anomaly;

	forest_accumulate(f, x, from, f->ntrees, acc, c);
	score = forest_finish(f, acc, s->proba, c);
	anomaly = score >= thr;
	if (s->anomalies_only && !anomaly)
		return 0;
	if (c != NULL && c != s->contrib)
		memcpy(s->contrib, c, f->nfeat * sizeof(double));
	if (comma)
		buf_addc(out, ',');
	add_fields(s, out, x, score, anomaly);
	buf_addc(out, '}');
	return 1;
}
