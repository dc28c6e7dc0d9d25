/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Metric points from NDJSON lines, with a fast path for flat records.
 *
 * The fast path takes the common machine-written shape
 * {"id":"cpu","ts":1700000000000,"value":0.42} as jscan_object() splits
 * it, and keeps the line as it is.  A line with anything else (a nested
 * value, a blank, a byte >= 0x80, an escape in a key, a \uD... escape, a
 * duplicate key, a long number, more than SCAN_MAX members) goes to
 * jansson instead, which either accepts it (then the record is re-dumped
 * compactly) or rejects it with its usual message.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "io/ndjson.h"
#include "record/idkey.h"
#include "series/point.h"

enum { SCAN_MAX = 64 };

/* Initialise a parser for conf (borrowed; must outlive the parser). */
void
point_parser_init(struct point_parser *pp, const struct point_conf *c)
{
	pp->conf = c;
	jscan_init(&pp->js);
	buf_init(&pp->text);
	buf_init(&pp->key);
	buf_init(&pp->tmp);
	memset(&pp->day, 0, sizeof(pp->day));
}

/* Release a parser's buffers. */
void
point_parser_release(struct point_parser *pp)
{
	jscan_release(&pp->js);
	buf_release(&pp->text);
	buf_release(&pp->key);
	buf_release(&pp->tmp);
}

/*
 * Whether number member m is short: at most 18 digits for an integer,
 * at most 2 exponent digits.
 */
static bool
short_number(const struct jscan_member *m)
{
	const char *p = m->val, *e = m->val + m->vallen;

	if (m->integer)
		return m->vallen - (*p == '-') <= 18;
	while (p < e && *p != 'e' && *p != 'E')
		p++;
	if (p < e && (p[1] == '+' || p[1] == '-'))
		p++;
	return e - p <= 3;
}

/* Whether string member m holds a \uD... escape (a surrogate or near). */
static bool
has_u_d(const struct jscan_member *m)
{
	for (size_t i = 1; i + 2 < m->vallen; i++)
		if (m->val[i] == '\\') {
			if (m->val[i + 1] == 'u' &&
			    (m->val[i + 2] == 'd' || m->val[i + 2] == 'D'))
				return true;
			i++;
		}
	return false;
}

/*
 * Whether a line scanned by jscan_object() may be kept as it is: compact
 * (no blank between tokens), ASCII, no \uD... escape, integers of at most
 * 18 digits and exponents of at most 2, at most SCAN_MAX members.
 */
static bool
verbatim(const struct jscan *js, const char *line, size_t len)
{
	const char *at = line + 1; /* where the next member must start */

	if (js->n > SCAN_MAX || (js->flags & JSCAN_UTF8) || len < 2 ||
	    line[0] != '{')
		return false;
	for (size_t k = 0; k < js->n; k++) {
		const struct jscan_member *m = &js->m[k];

		if (m->key != at + 1 || m->val != m->key + m->keylen + 2)
			return false;
		if ((js->flags & JSCAN_BIGNUM) && m->type == JSCAN_NUMBER &&
		    !short_number(m))
			return false;
		if ((js->flags & JSCAN_UESCAPE) && m->type == JSCAN_STRING &&
		    m->escaped && has_u_d(m))
			return false;
		at = m->val + m->vallen + 1; /* past the ',' or the '}' */
	}
	return at == line + len || (js->n == 0 && len == 2);
}

static const struct jscan_member *
find(const struct jscan_member *m, size_t n, const char *name)
{
	size_t l = strlen(name);

	for (size_t i = 0; i < n; i++)
		if (m[i].keylen == l && memcmp(m[i].key, name, l) == 0)
			return &m[i];
	return NULL;
}

/*
 * The members of a jansson object (the first SCAN_MAX), for the same
 * field logic: keys (NUL-terminated) and types, no value text.
 */
static size_t
members_of(json_t *obj, struct jscan_member *m)
{
	const char *k;
	json_t *v;
	size_t n = 0;

	json_object_foreach(obj, k, v) {
		if (n == SCAN_MAX)
			break;
		memset(&m[n], 0, sizeof(m[n]));
		m[n].key = k;
		m[n].keylen = strlen(k);
		switch (json_typeof(v)) {
		case JSON_STRING:
			m[n].type = JSCAN_STRING;
			break;
		case JSON_INTEGER:
			m[n].type = JSCAN_NUMBER;
			m[n].integer = true;
			break;
		case JSON_REAL:
			m[n].type = JSCAN_NUMBER;
			break;
		case JSON_TRUE:
			m[n].type = JSCAN_TRUE;
			break;
		case JSON_FALSE:
			m[n].type = JSCAN_FALSE;
			break;
		case JSON_NULL:
			m[n].type = JSCAN_NULL;
			break;
		case JSON_OBJECT:
			m[n].type = JSCAN_OBJECT;
			break;
		case JSON_ARRAY:
			m[n].type = JSCAN_ARRAY;
			break;
		}
		n++;
	}
	return n;
}

/* The value of a number member. */
static double
member_number(const struct jscan_member *m, json_t *obj)
{
	if (obj != NULL)
		return json_number_value(json_object_get(obj, m->key));
	return jscan_number(m->val, m->vallen);
}

static int
get_time(const struct jscan_member *m, json_t *obj, struct point *p,
    struct buf *tmp, struct timefmt_day *day, char *why, size_t whylen)
{
	json_t *v;
	int rc;

	if (obj != NULL)
		return timefmt_parse(json_object_get(obj, m->key), &p->t_ms,
		    &p->form, why, whylen);
	if (m->type == JSCAN_NUMBER && m->integer) {
		long long t;

		buf_reset(tmp);
		buf_add(tmp, m->val, m->vallen);
		t = strtoll(tmp->data, NULL, 10);
		if (timefmt_epoch(t, &p->t_ms, &p->form) == 0)
			return 0;
		/* out of range: timefmt_parse() below says so */
	}
	if (m->type == JSCAN_STRING && !m->escaped) {
		buf_reset(tmp);
		buf_add(tmp, m->val + 1, m->vallen - 2);
		if (timefmt_parse_text_day(
			day, tmp->data, tmp->len, &p->t_ms, &p->form) == 0)
			return 0;
	}
	/* Reals, escapes and errors: jansson's value and timefmt_parse(). */
	v = json_loadb(m->val, m->vallen, JSON_DECODE_ANY, NULL);
	rc = timefmt_parse(v, &p->t_ms, &p->form, why, whylen);
	json_decref(v);
	return rc;
}

static const char *
type_name(enum jscan_type t)
{
	switch (t) {
	case JSCAN_STRING:
		return "a string";
	case JSCAN_TRUE:
	case JSCAN_FALSE:
		return "a boolean";
	case JSCAN_NULL:
		return "null";
	default:
		return "an object or array";
	}
}

/*
 * Parse one line into *p (whose pointers are borrowed from the line or
 * the parser, valid until the next call).  Returns 1 for a good point; 0
 * for a bad record whose key is known (p->key set) and -1 for one whose
 * key is not (not JSON, not an object, bad id), with the reason in why.
 */
int
point_parse(struct point_parser *pp, const char *line, size_t len,
    struct point *p, char *why, size_t whylen)
{
	const struct point_conf *c = pp->conf;
	struct jscan_member parsed[SCAN_MAX];
	const struct jscan_member *m, *f;
	json_t *obj = NULL;
	size_t n;
	int rc = 1;

	memset(p, 0, offsetof(struct point, v));
	memset(p->is_null, 0, sizeof(p->is_null));
	if (jscan_object(&pp->js, line, len) == JSCAN_OK &&
	    verbatim(&pp->js, line, len)) {
		m = pp->js.m;
		n = pp->js.n;
		p->text = line;
		p->textlen = len - 1;
	} else {
		if ((obj = ndjson_parse(line, len, why, whylen)) == NULL)
			return -1;
		buf_reset(&pp->text);
		ndjson_dump(&pp->text, obj);
		p->text = pp->text.data;
		p->textlen = pp->text.len - 1;
		m = parsed;
		n = members_of(obj, parsed);
	}
	p->empty = n == 0;
	p->key = "";
	if (c->id_field != NULL && (f = find(m, n, c->id_field)) != NULL &&
	    f->type != JSCAN_NULL) {
		p->has_id = true;
		buf_reset(&pp->key);
		if (obj != NULL) {
			idkey_text(&pp->key, json_object_get(obj, f->key));
		} else if (!idkey_scanned(&pp->key, f)) {
			json_t *v = json_loadb(
			    f->val, f->vallen, JSON_DECODE_ANY, NULL);

			idkey_text(&pp->key, v);
			json_decref(v);
		}
		p->key = pp->key.data;
		p->keylen = pp->key.len;
	}
	if (c->time_field != NULL && (f = find(m, n, c->time_field)) != NULL) {
		if (get_time(f, obj, p, &pp->tmp, &pp->day, why, whylen) < 0) {
			rc = 0;
			goto out;
		}
		p->has_time = true;
	} else if (c->need_time) {
		snprintf(why, whylen, "missing time field '%s'", c->time_field);
		rc = 0;
		goto out;
	}
	for (size_t i = 0; i < c->nfields; i++) {
		p->has_field[i] = p->is_null[i] = false;
		if ((f = find(m, n, c->fields[i])) == NULL) {
			snprintf(
			    why, whylen, "missing field '%s'", c->fields[i]);
			rc = 0;
			goto out;
		}
		p->has_field[i] = true;
		if (f->type == JSCAN_NUMBER) {
			p->v[i] = member_number(f, obj);
			if (!isfinite(p->v[i])) {
				snprintf(why, whylen,
				    "field '%s' is not a finite number",
				    c->fields[i]);
				rc = 0;
				goto out;
			}
			continue;
		}
		p->is_null[i] = f->type == JSCAN_NULL;
		snprintf(why, whylen, "field '%s' is %s, not a number%s",
		    c->fields[i], type_name(f->type),
		    f->type == JSCAN_NULL ? " (a gap or NaN)" : "");
		rc = 0;
		goto out;
	}
out:
	json_decref(obj);
	return rc;
}

/* Whether p was refused because a value field is null (a gap). */
bool
point_is_gap(const struct point *p)
{
	for (size_t i = 0; i < POINT_MAX_FIELDS; i++)
		if (p->is_null[i])
			return true;
	return false;
}
