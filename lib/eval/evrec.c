/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Reading ad-eval's fields from one NDJSON line: every configured field
 * must be present; the score must be a finite number, the time a time
 * (record's epoch s / ms or ISO 8601 rule, base/timefmt), the key, truth
 * and class any scalar.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "eval/evrec.h"
#include "io/ndjson.h"
#include "record/idkey.h"

/* Initialise a parser for c (borrowed; must outlive the parser). */
void
evrec_parser_init(struct evrec_parser *pp, const struct evrec_conf *c)
{
	pp->conf = c;
	memset(pp->pos, 0, sizeof(pp->pos));
	memset(&pp->day, 0, sizeof(pp->day));
	jscan_init(&pp->js);
	buf_init(&pp->key);
	buf_init(&pp->truth);
	buf_init(&pp->cls);
	buf_init(&pp->tmp);
}

/* Release a parser's buffers. */
void
evrec_parser_release(struct evrec_parser *pp)
{
	jscan_release(&pp->js);
	buf_release(&pp->key);
	buf_release(&pp->truth);
	buf_release(&pp->cls);
	buf_release(&pp->tmp);
}

static const char *
type_name(enum jscan_type t)
{
	switch (t) {
	case JSCAN_STRING:
		return "a string";
	case JSCAN_NUMBER:
		return "a number";
	case JSCAN_TRUE:
	case JSCAN_FALSE:
		return "a boolean";
	case JSCAN_NULL:
		return "null";
	default:
		return "an object or array";
	}
}

static enum jscan_type
json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return JSCAN_STRING;
	case JSON_INTEGER:
	case JSON_REAL:
		return JSCAN_NUMBER;
	case JSON_TRUE:
		return JSCAN_TRUE;
	case JSON_FALSE:
		return JSCAN_FALSE;
	case JSON_NULL:
		return JSCAN_NULL;
	case JSON_ARRAY:
		return JSCAN_ARRAY;
	default:
		return JSCAN_OBJECT;
	}
}

/*
 * One field's value, from the scanned line (m) or the jansson object
 * (obj): *type, and *v for the slow path.  Returns false when absent.
 */
static inline bool
field(struct evrec_parser *pp, json_t *obj, enum evrec_field f,
    const char *name, const struct jscan_member **m, json_t **v,
    enum jscan_type *type)
{
	*m = NULL;
	*v = NULL;
	if (obj != NULL) {
		if ((*v = json_object_get(obj, name)) == NULL)
			return false;
		*type = json_kind(*v);
		return true;
	}
	/* The keys of the line before, in the same order: its places. */
	if (pp->js.same_shape && pp->pos[f] > 0) {
		*m = &pp->js.m[pp->pos[f] - 1];
	} else if ((*m = jscan_find(&pp->js, name, strlen(name))) == NULL) {
		pp->pos[f] = 0;
		return false;
	} else {
		pp->pos[f] = (size_t)(*m - pp->js.m) + 1;
	}
	*type = (*m)->type;
	return true;
}

/* Scalar value as key text into b (NUL-terminated). */
static int
text_of(struct buf *b, const struct jscan_member *m, json_t *v,
    enum jscan_type type, const char *name, char *why, size_t whylen)
{
	buf_reset(b);
	if (type == JSCAN_OBJECT || type == JSCAN_ARRAY || type == JSCAN_NULL) {
		snprintf(
		    why, whylen, "field '%s' is %s", name, type_name(type));
		return -1;
	}
	if (v != NULL) {
		idkey_text(b, v);
	} else if (!idkey_scanned(b, m)) {
		json_t *p =
		    json_loadb(m->val, m->vallen, JSON_DECODE_ANY, NULL);

		idkey_text(b, p);
		json_decref(p);
	}
	buf_grow(b, 0);
	b->data[b->len] = '\0';
	return 0;
}

static int
time_of(struct evrec_parser *pp, const struct jscan_member *m, json_t *v,
    struct evrec *r, char *why, size_t whylen)
{
	struct time_form form;
	json_t *p;
	int rc;

	if (v != NULL)
		return timefmt_parse(v, &r->t_ms, &form, why, whylen);
	/* out of range: the slow path below says why */
	if (m->type == JSCAN_NUMBER && m->integer &&
	    timefmt_epoch(strtoll(m->val, NULL, 10), &r->t_ms, &form) == 0)
		return 0;
	if (m->type == JSCAN_STRING && !m->escaped) {
		buf_reset(&pp->tmp);
		buf_add(&pp->tmp, m->val + 1, m->vallen - 2);
		if (timefmt_parse_text_day(&pp->day, pp->tmp.data, pp->tmp.len,
			&r->t_ms, &form) == 0)
			return 0;
	}
	p = json_loadb(m->val, m->vallen, JSON_DECODE_ANY, NULL);
	rc = timefmt_parse(p, &r->t_ms, &form, why, whylen);
	json_decref(p);
	return rc;
}

/*
 * Parse one line into *r (its texts borrowed from the parser, valid until
 * the next call).  Returns 0, or -1 with the reason in why: not a JSON
 * object, a configured field missing or of the wrong type.
 */
int
evrec_parse(struct evrec_parser *pp, const char *line, size_t len,
    struct evrec *r, char *why, size_t whylen)
{
	const struct evrec_conf *c = pp->conf;
	const struct jscan_member *m;
	enum jscan_type type;
	json_t *obj = NULL, *v;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (jscan_object(&pp->js, line, len) != JSCAN_OK &&
	    (obj = ndjson_parse(line, len, why, whylen)) == NULL)
		return -1;
	if (obj == NULL && !pp->js.same_shape)
		memset(pp->pos, 0, sizeof(pp->pos)); /* a new shape */
	if (c->score != NULL) {
		if (!field(pp, obj, EVREC_SCORE, c->score, &m, &v, &type)) {
			snprintf(why, whylen, "missing field '%s'", c->score);
			goto out;
		}
		if (type != JSCAN_NUMBER) {
			snprintf(why, whylen, "field '%s' is %s, not a number",
			    c->score, type_name(type));
			goto out;
		}
		r->score = v != NULL ? json_number_value(v)
				     : jscan_number(m->val, m->vallen);
		if (!isfinite(r->score)) {
			snprintf(why, whylen,
			    "field '%s' is not a finite number", c->score);
			goto out;
		}
	}
	if (c->id != NULL) {
		if (!field(pp, obj, EVREC_ID, c->id, &m, &v, &type)) {
			snprintf(why, whylen, "missing field '%s'", c->id);
			goto out;
		}
		if (text_of(&pp->key, m, v, type, c->id, why, whylen) < 0)
			goto out;
		r->key = pp->key.data;
		r->keylen = pp->key.len;
	}
	if (c->time != NULL) {
		if (!field(pp, obj, EVREC_TIME, c->time, &m, &v, &type)) {
			snprintf(why, whylen, "missing field '%s'", c->time);
			goto out;
		}
		if (time_of(pp, m, v, r, why, whylen) < 0)
			goto out;
	}
	if (c->truth != NULL) {
		if (!field(pp, obj, EVREC_TRUTH, c->truth, &m, &v, &type)) {
			snprintf(why, whylen, "missing field '%s'", c->truth);
			goto out;
		}
		if (text_of(&pp->truth, m, v, type, c->truth, why, whylen) < 0)
			goto out;
		r->truth = pp->truth.data;
		r->truthlen = pp->truth.len;
	}
	if (c->cls != NULL) {
		if (!field(pp, obj, EVREC_CLASS, c->cls, &m, &v, &type)) {
			snprintf(why, whylen, "missing field '%s'", c->cls);
			goto out;
		}
		if (text_of(&pp->cls, m, v, type, c->cls, why, whylen) < 0)
			goto out;
		r->cls = pp->cls.data;
		r->clslen = pp->cls.len;
	}
	rc = 0;
out:
	json_decref(obj);
	return rc;
}
