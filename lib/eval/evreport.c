/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Report objects.  Numbers that do not exist (a score with no window, a
 * delay with nothing found) are null, never NaN, which JSON lacks.
 */
#include <math.h>
#include <stdlib.h>

#include "eval/evreport.h"
#include "io/ndjson.h"

/* A JSON real, or null when v is not finite (new reference). */
json_t *
evreport_real(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *
count(size_t n)
{
	return json_integer((json_int_t)n);
}

static json_t *
profile_object(const struct nab_result *r)
{
	json_t *o = json_object(), *rows = json_object();

	json_object_set_new(o, "score", evreport_real(r->score));
	json_object_set_new(o, "threshold", evreport_real(r->threshold));
	json_object_set_new(o, "tp", count(r->tp));
	json_object_set_new(o, "fp", count(r->fp));
	json_object_set_new(o, "fn", count(r->fn));
	json_object_set_new(o, "raw", evreport_real(r->raw));
	json_object_set_new(o, "null_raw", evreport_real(r->null_raw));
	json_object_set_new(o, "perfect_raw", evreport_real(r->perfect_raw));
	json_object_set_new(rows, "tp", count(r->rows_tp));
	json_object_set_new(rows, "fp", count(r->rows_fp));
	json_object_set_new(rows, "fn", count(r->rows_fn));
	json_object_set_new(rows, "tn", count(r->rows_tn));
	json_object_set_new(o, "rows", rows);
	return o;
}

static json_t *
key_object(const struct nab_key_result *k)
{
	json_t *o = json_object();

	json_object_set_new(o, "rows", count(k->rows));
	json_object_set_new(o, "probation", count(k->probation));
	json_object_set_new(o, "windows", count(k->windows));
	json_object_set_new(o, "found", count(k->found));
	json_object_set_new(o, "fp", count(k->fp));
	json_object_set_new(o, "delay_rows",
	    k->found ? evreport_real(k->delay_rows / (double)k->found)
		     : json_null());
	json_object_set_new(o, "delay_s",
	    k->found ? evreport_real(k->delay_ms / 1000.0 / (double)k->found)
		     : json_null());
	json_object_set_new(o, "raw", evreport_real(k->raw));
	if (k->empty_windows > 0)
		json_object_set_new(
		    o, "empty_windows", count(k->empty_windows));
	return o;
}

static void
add_unlabelled(const char *key, size_t n, void *arg)
{
	json_object_set_new(arg, key, count(n));
}

/*
 * The series report (new reference): "nab" with one object per profile
 * at its best threshold (optimize) or at threshold, "keys", each series
 * at the standard profile's threshold, "missing" (the keys of the
 * windows file without rows) and "unlabelled" (rows of keys it lacks).
 */
json_t *
evreport_nab(const struct nab *nb, const struct windows *ws, bool optimize,
    double threshold)
{
	json_t *missing, *unl;
	size_t nk = nab_nkeys(nb);
	struct nab_key_result *keys = xcalloc(nk ? nk : 1, sizeof(*keys));
	json_t *rep = json_object(), *nab = json_object(), *ko = json_object();
	struct nab_result r;
	double thr[NAB_NPROFILES];

	if (optimize)
		nab_optimize_all(nb, thr);
	for (size_t p = 0; p < NAB_NPROFILES; p++) {
		const struct nab_profile *prof = &nab_profiles[p];
		double t = optimize ? thr[p] : threshold;

		nab_score_at(nb, prof, t, &r, p == 0 ? keys : NULL);
		json_object_set_new(nab, prof->name, profile_object(&r));
	}
	json_object_set_new(rep, "nab", nab);
	json_object_set_new(rep, "records", count(nab_rows(nb)));
	json_object_set_new(rep, "series", count(nk));
	json_object_set_new(rep, "windows", count(nab_nwindows(nb)));
	for (size_t i = 0; i < nk; i++)
		json_object_set_new(ko, nab_key(nb, i), key_object(&keys[i]));
	json_object_set_new(rep, "keys", ko);
	missing = json_array();
	for (size_t i = 0; i < ws->n; i++)
		if (!nab_has_rows(nb, i))
			json_array_append_new(
			    missing, json_string(ws->keys[i].key));
	json_object_set_new(rep, "missing", missing);
	unl = json_object();
	nab_unlabelled_each(nb, add_unlabelled, unl);
	json_object_set_new(rep, "unlabelled", unl);
	free(keys);
	return rep;
}

static json_t *
point_object(const struct binary_point *p)
{
	json_t *o = json_object();

	json_object_set_new(o, "threshold", evreport_real(p->threshold));
	json_object_set_new(o, "precision", json_real(p->precision));
	json_object_set_new(o, "recall", json_real(p->recall));
	json_object_set_new(o, "f1", json_real(p->f1));
	json_object_set_new(o, "accuracy", json_real(p->accuracy));
	json_object_set_new(o, "tp", count(p->tp));
	json_object_set_new(o, "fp", count(p->fp));
	json_object_set_new(o, "fn", count(p->fn));
	json_object_set_new(o, "tn", count(p->tn));
	return o;
}

/*
 * The labelled-records report (new reference): "auc", "pr_auc" (null
 * without both classes / without positives), "records", "positives",
 * "at_threshold" and "best_f1".
 */
json_t *
evreport_binary(const struct binary_result *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "auc", evreport_real(r->auc));
	json_object_set_new(o, "pr_auc", evreport_real(r->pr_auc));
	json_object_set_new(o, "records", count(r->n));
	json_object_set_new(o, "positives", count(r->positives));
	json_object_set_new(o, "at_threshold", point_object(&r->at));
	json_object_set_new(o, "best_f1", point_object(&r->best));
	return o;
}

/*
 * Add "confusion" to report: the classes, the matrix (rows actual,
 * columns predicted), recall per class (null for a class with no
 * record), accuracy; and "cost" when cf has a cost matrix.
 */
void
evreport_confusion(json_t *report, const struct confusion *cf)
{
	size_t n = confusion_nclass(cf), right = 0,
	       recs = confusion_records(cf);
	json_t *o = json_object(), *names = json_array(), *rows = json_array();
	json_t *recall = json_object();

	for (size_t a = 0; a < n; a++) {
		json_t *row = json_array();
		size_t sum = 0;

		json_array_append_new(
		    names, json_string(confusion_name(cf, a)));
		for (size_t p = 0; p < n; p++) {
			size_t c = confusion_count(cf, a, p);

			json_array_append_new(row, count(c));
			sum += c;
		}
		right += confusion_count(cf, a, a);
		json_array_append_new(rows, row);
		json_object_set_new(recall, confusion_name(cf, a),
		    sum > 0 ? json_real((double)confusion_count(cf, a, a) /
					(double)sum)
			    : json_null());
	}
	json_object_set_new(o, "classes", names);
	json_object_set_new(o, "matrix", rows);
	json_object_set_new(o, "recall", recall);
	json_object_set_new(o, "accuracy",
	    recs > 0 ? json_real((double)right / (double)recs) : json_null());
	json_object_set_new(o, "records", count(recs));
	json_object_set_new(report, "confusion", o);
	if (!isnan(confusion_cost(cf))) {
		json_t *c = json_object();

		json_object_set_new(c, "total", json_real(confusion_cost(cf)));
		json_object_set_new(c, "per_record",
		    evreport_real(confusion_cost(cf) / (double)recs));
		json_object_set_new(report, "cost", c);
	}
}

static void
indent(struct buf *b, int depth)
{
	buf_addc(b, '\n');
	for (int i = 0; i < depth; i++)
		buf_add(b, "  ", 2);
}

/*
 * An array of scalars at s (compact text) goes on one line: copy it with
 * a blank after each comma, advance *at past it and return true.
 */
static bool
flat_array(const char *s, size_t n, struct buf *b, size_t *at)
{
	bool in_str = false;
	size_t i;

	for (i = 1; i < n; i++) {
		if (in_str) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_str = false;
		} else if (s[i] == '"') {
			in_str = true;
		} else if (s[i] == '[' || s[i] == '{') {
			return false;
		} else if (s[i] == ']') {
			break;
		}
	}
	if (i >= n)
		return false;
	in_str = false;
	for (size_t k = 0; k <= i; k++) {
		buf_addc(b, s[k]);
		if (in_str) {
			if (s[k] == '\\')
				buf_addc(b, s[++k]);
			else if (s[k] == '"')
				in_str = false;
		} else if (s[k] == '"') {
			in_str = true;
		} else if (s[k] == ',') {
			buf_addc(b, ' ');
		}
	}
	*at += i;
	return true;
}

/* Re-indent compact JSON text (strings copied as they are). */
static void
pretty_text(struct buf *b, const char *s, size_t n)
{
	int depth = 0;
	bool in_str = false;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (in_str) {
			buf_addc(b, c);
			if (c == '\\' && i + 1 < n)
				buf_addc(b, s[++i]);
			else if (c == '"')
				in_str = false;
			continue;
		}
		switch (c) {
		case '"':
			in_str = true;
			buf_addc(b, c);
			break;
		case '[':
			if (flat_array(s + i, n - i, b, &i))
				break;
			/* FALLTHROUGH */
		case '{':
			buf_addc(b, c);
			if (i + 1 < n && (s[i + 1] == '}' || s[i + 1] == ']')) {
				buf_addc(b, s[++i]);
				break;
			}
			indent(b, ++depth);
			break;
		case '}':
		case ']':
			indent(b, --depth);
			buf_addc(b, c);
			break;
		case ',':
			buf_addc(b, c);
			indent(b, depth);
			break;
		case ':':
			buf_add(b, ": ", 2);
			break;
		default:
			buf_addc(b, c);
		}
	}
}

/* Append the report's text to b, one line or indented, and a newline. */
void
evreport_text(struct buf *b, const json_t *report, bool pretty)
{
	struct buf tmp;

	if (!pretty) {
		ndjson_dump(b, report);
		buf_addc(b, '\n');
		return;
	}
	buf_init(&tmp);
	ndjson_dump(&tmp, report);
	pretty_text(b, tmp.data, tmp.len);
	buf_addc(b, '\n');
	buf_release(&tmp);
}
