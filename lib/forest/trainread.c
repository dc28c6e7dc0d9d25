/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Training record reader (see trainread.h).  Lines are read in batches;
 * while this thread reads a batch and adds the previous one to the data
 * set, a second thread scans the batch before it (jscan_object() and the
 * number conversions, half of the work), so reading a large file uses two
 * cores.  Lines the scanner leaves alone go through jansson here, and a
 * bad line is rejected with its own source and line number.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/jscan.h"
#include "io/ndjson.h"
#include "forest/trainread.h"

#define BATCH 2048
#define MAXF 64 /* fields per line on the fast path */

struct batch {
	struct buf text; /* the lines, back to back */
	size_t n;
	size_t off[BATCH], len[BATCH], lineno[BATCH];
	uint16_t src[BATCH];	 /* index into names */
	int nf[BATCH];		 /* fields, or -1 for the jansson path */
	bool same[BATCH];	 /* keys as in the line with fields before */
	struct jscan_member *fl; /* BATCH x MAXF */
	double *num;		 /* BATCH x MAXF */
};

struct reader {
	struct batch b[2];
	struct jscan js; /* the scanner's */
	bool kept;	 /* js's shape is that of the last line with fields */
	char **names;
	size_t nnames;
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *todo; /* for the scanner; NULL when idle */
	bool done_scan, stop;
};

static void
scan_batch(struct reader *r, struct batch *b)
{
	struct jscan *js = &r->js;

	for (size_t i = 0; i < b->n; i++) {
		struct jscan_member *fl = b->fl + i * MAXF;
		double *num = b->num + i * MAXF;

		b->nf[i] = -1;
		if (jscan_object(js, b->text.data + b->off[i], b->len[i]) !=
		    JSCAN_OK)
			continue;
		/*
		 * UTF-8, \u escapes and long numbers go to jansson, as they
		 * always did: a line rejected for its label adds to the
		 * schema on the fast path only.
		 */
		if (js->n > MAXF || js->flags != 0) {
			r->kept = false; /* a shape add_line() does not see */
			continue;
		}
		b->nf[i] = (int)js->n;
		b->same[i] = js->same_shape && r->kept;
		r->kept = true;
		memcpy(fl, js->m, js->n * sizeof(*fl));
		for (size_t j = 0; j < js->n; j++)
			if (fl[j].type == JSCAN_NUMBER)
				num[j] = jscan_number(fl[j].val, fl[j].vallen);
	}
}

static void *
scanner(void *arg)
{
	struct reader *r = arg;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		struct batch *b;

		while (r->todo == NULL && !r->stop)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->todo == NULL)
			break;
		b = r->todo;
		pthread_mutex_unlock(&r->mu);
		scan_batch(r, b);
		pthread_mutex_lock(&r->mu);
		r->todo = NULL;
		r->done_scan = true;
		pthread_cond_broadcast(&r->cv);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

struct ctx {
	struct recin *in;
	struct dataset *ds;
	const char *label, *classes;
	const struct labels *lab;
	double *x;
	size_t cap;
	/* for the keys of the last line with fields */
	long col[MAXF]; /* column numbers (featset.h) */
	long label_at;	/* the label's position, or -1 */
	long group_at;	/* the group field's position, or -1 */
};

/* Start the facts kept for the keys of a scanned line (n members fl). */
static void
new_shape(struct ctx *c, const struct jscan_member *fl, int n)
{
	size_t nl = c->label ? strlen(c->label) : 0;

	const char *g = c->ds->group_field;
	size_t ng = g ? strlen(g) : 0;

	c->label_at = -1;
	c->group_at = -1;
	for (int i = 0; i < n; i++) {
		c->col[i] = FEATSET_COL_UNKNOWN;
		if (c->label && fl[i].keylen == nl &&
		    memcmp(fl[i].key, c->label, nl) == 0)
			c->label_at = i;
		if (g && fl[i].keylen == ng && memcmp(fl[i].key, g, ng) == 0)
			c->group_at = i;
	}
}

/*
 * The group value of a scanned record (a string's text, or a number or
 * literal as written), or NULL when it has none or needs jansson.
 */
static const char *
flat_group(const struct ctx *c, const struct jscan_member *fl, size_t *len,
    bool *fallback)
{
	const struct jscan_member *m;

	if (c->group_at < 0)
		return NULL;
	m = &fl[c->group_at];
	if (m->type == JSCAN_STRING) {
		if (m->escaped) {
			*fallback = true;
			return NULL;
		}
		*len = m->vallen - 2;
		return m->val + 1;
	}
	if (m->type == JSCAN_NUMBER || m->type == JSCAN_TRUE ||
	    m->type == JSCAN_FALSE) {
		*len = m->vallen;
		return m->val;
	}
	return NULL;
}

/* The group value of a parsed record (into tmp for a number), or NULL. */
static const char *
json_group(json_t *rec, const char *field, char *tmp, size_t n, size_t *len)
{
	json_t *v = json_object_get(rec, field);

	if (json_is_string(v)) {
		*len = json_string_length(v);
		return json_string_value(v);
	}
	if (json_is_integer(v))
		snprintf(
		    tmp, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		snprintf(tmp, n, "%.17g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(tmp, n, "%s", json_is_true(v) ? "true" : "false");
	else
		return NULL;
	*len = strlen(tmp);
	return tmp;
}

/* The label of a scanned record, or NULL when it has none. */
static const char *
flat_label(const struct ctx *c, const struct jscan_member *fl, size_t *len,
    bool *fallback)
{
	const struct jscan_member *m;

	if (c->label_at < 0)
		return NULL;
	m = &fl[c->label_at];
	if (m->type != JSCAN_STRING)
		return NULL;
	if (m->escaped) {
		*fallback = true;
		return NULL;
	}
	*len = m->vallen - 2;
	return m->val + 1;
}

/* Add line i of a scanned batch; returns -1 when a strict stop is due. */
static int
add_line(struct ctx *c, struct reader *r, struct batch *b, size_t i)
{
	const char *line = b->text.data + b->off[i], *src = r->names[b->src[i]];
	const struct jscan_member *fl = b->fl + i * MAXF;
	size_t len = b->len[i], lineno = b->lineno[i], ll = 0, gl = 0;
	int n = b->nf[i];
	const char *ls = NULL, *gs = NULL, *gf = c->ds->group_field;
	char gtmp[40];
	bool fallback = n < 0;
	json_t *rec = NULL, *lv;
	long y = 0;

	if (!fallback && !b->same[i])
		new_shape(c, fl, n);
	if (!fallback && c->label)
		ls = flat_label(c, fl, &ll, &fallback);
	if (!fallback && gf)
		gs = flat_group(c, fl, &gl, &fallback);
	if (!fallback && featset_learn_scan(c->ds->fs, fl, b->num + i * MAXF,
			     c->col, (size_t)n, &c->x, &c->cap) < 0)
		fallback = true;
	if (fallback) {
		char why[300];

		rec = ndjson_parse(line, len, why, sizeof(why));
		if (rec == NULL)
			return recin_reject_at(
			    c->in, src, lineno, line, len, "%s", why);
		lv = c->label ? json_object_get(rec, c->label) : NULL;
		if (json_is_string(lv)) {
			ls = json_string_value(lv);
			ll = json_string_length(lv);
		}
		if (gf)
			gs = json_group(rec, gf, gtmp, sizeof(gtmp), &gl);
	}
	if (c->label && ls == NULL) {
		json_decref(rec);
		return recin_reject_at(c->in, src, lineno, line, len,
		    "missing or non-string label field '%s'", c->label);
	}
	if (gf && gs == NULL) {
		json_decref(rec);
		return recin_reject_at(c->in, src, lineno, line, len,
		    "missing group field '%s' (a string, number or boolean)",
		    gf);
	}
	if (c->label && (y = labels_class(c->lab, ls, ll)) < 0) {
		int rc = recin_reject_at(c->in, src, lineno, line, len,
		    "label '%.*s' is not in '%s'", (int)(ll > 100 ? 100 : ll),
		    ls, c->classes);

		json_decref(rec);
		return rc;
	}
	if (rec != NULL)
		featset_learn_json(c->ds->fs, rec, &c->x, &c->cap);
	dataset_add(c->ds, c->x, (uint8_t)y);
	if (gf)
		dataset_set_group(c->ds, gs, gl); /* gs may point into rec */
	json_decref(rec);
	return 0;
}

static uint16_t
name_index(struct reader *r, const char *name)
{
	if (r->nnames > 0 && strcmp(r->names[r->nnames - 1], name) == 0)
		return (uint16_t)(r->nnames - 1);
	if (r->nnames == 65535) /* absurd: that many input files */
		return (uint16_t)(r->nnames - 1);
	r->names = xreallocarray(r->names, r->nnames + 1, sizeof(char *));
	r->names[r->nnames] = xstrdup(name);
	return (uint16_t)r->nnames++;
}

/* Wait for the scanner to finish the batch it has. */
static void
wait_scan(struct reader *r)
{
	pthread_mutex_lock(&r->mu);
	while (r->todo != NULL)
		pthread_cond_wait(&r->cv, &r->mu);
	pthread_mutex_unlock(&r->mu);
}

static void
give_scan(struct reader *r, struct batch *b, bool threaded)
{
	if (!threaded) {
		scan_batch(r, b);
		return;
	}
	pthread_mutex_lock(&r->mu);
	r->todo = b;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

/*
 * Read every record of in into ds (whose schema grows with new fields
 * and categories), with each record's group when ds has a group field
 * (dataset_group_by(); records without it are rejected).  label (NULL in the unsupervised modes) names the
 * label field, mapped to a class through lab; records without it, or
 * with a label lab lacks (classes names the file, for the message), are
 * rejected through recin.  Returns 0, or -1 with err set on a read error.
 */
int
trainread(struct recin *in, struct dataset *ds, const char *label,
    const struct labels *lab, const char *classes, struct ad_err *err)
{
	struct reader *r = xcalloc(1, sizeof(*r));
	struct ctx c = {
	    .in = in, .ds = ds, .label = label, .lab = lab, .classes = classes};
	struct batch *cur, *pending = NULL;
	bool threaded, stopped = false;
	struct line line;
	int rc = 1;

	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	jscan_init(&r->js);
	for (int k = 0; k < 2; k++) {
		buf_init(&r->b[k].text);
		r->b[k].fl = xreallocarray(
		    NULL, (size_t)BATCH * MAXF, sizeof(struct jscan_member));
		r->b[k].num =
		    xreallocarray(NULL, (size_t)BATCH * MAXF, sizeof(double));
	}
	threaded = pthread_create(&r->tid, NULL, scanner, r) == 0;
	cur = &r->b[0];
	for (;;) {
		/* read a batch while the scanner works on the pending one */
		cur->n = 0;
		buf_reset(&cur->text);
		while (!stopped && rc > 0 && cur->n < BATCH &&
		       (rc = recin_next_line(in, &line, err)) > 0) {
			size_t i = cur->n++;

			cur->off[i] = cur->text.len;
			cur->len[i] = line.len;
			cur->lineno[i] = line.lineno;
			cur->src[i] = name_index(r, recin_source_name(in));
			buf_add(&cur->text, line.buf, line.len);
		}
		if (pending != NULL && threaded)
			wait_scan(r);
		/* the scanner takes this batch while we add the last one */
		if (cur->n > 0)
			give_scan(r, cur, threaded);
		if (pending != NULL)
			for (size_t i = 0; i < pending->n && !stopped; i++)
				stopped = add_line(&c, r, pending, i) < 0;
		if (cur->n == 0 || stopped)
			break;
		pending = cur;
		cur = cur == &r->b[0] ? &r->b[1] : &r->b[0];
	}
	if (threaded) {
		wait_scan(r);
		pthread_mutex_lock(&r->mu);
		r->stop = true;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->tid, NULL);
	}
	for (int k = 0; k < 2; k++) {
		buf_release(&r->b[k].text);
		free(r->b[k].fl);
		free(r->b[k].num);
	}
	jscan_release(&r->js);
	for (size_t i = 0; i < r->nnames; i++)
		free(r->names[i]);
	free(r->names);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r);
	free(c.x);
	return rc < 0 ? -1 : 0;
}
