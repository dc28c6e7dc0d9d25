/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Metric points from NDJSON lines, with a fast path for flat records.
 *
 * The fast path is a strict scanner for the common machine-written shape
 * {"id":"cpu","ts":1700000000000,"value":0.42}: it checks the JSON
 * grammar of a flat object and notes where each member's key and value
 * are.  As soon as it meets anything it does not handle itself (a nested
 * value, a blank, a byte >= 0x80, an escape in a key, a duplicate key, a
 * number jansson might refuse), the line goes to jansson instead, which
 * either accepts it (then the record is re-dumped compactly) or rejects it
 * with its usual message.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ad.h"
#include "ndjson.h"
#include "point.h"

enum { SCAN_MAX = 64 };

enum jtype { J_STRING, J_NUMBER, J_INT, J_TRUE, J_FALSE, J_NULL };

struct member {
	const char *key, *val;
	size_t keylen, vallen;
	enum jtype type;
	bool escaped; /* a string value with backslashes */
};

/* Initialise a parser for conf (borrowed; must outlive the parser). */
void
point_parser_init(struct point_parser *pp, const struct point_conf *c)
{
	pp->conf = c;
	buf_init(&pp->text);
	buf_init(&pp->key);
	buf_init(&pp->tmp);
}

/* Release a parser's buffers. */
void
point_parser_release(struct point_parser *pp)
{
	buf_release(&pp->text);
	buf_release(&pp->key);
	buf_release(&pp->tmp);
}

/* A JSON string from s[*i] (at the quote).  0 ok, -1 not handled here. */
static int
scan_string(const char *s, size_t len, size_t *i, bool *escaped)
{
	size_t j = *i + 1;

	*escaped = false;
	while (j < len) {
		unsigned char c = (unsigned char)s[j];

		if (c == '"') {
			*i = j + 1;
			return 0;
		}
		if (c < 0x20 || c >= 0x80)
			return -1;
		if (c == '\\') {
			*escaped = true;
			if (j + 1 >= len)
				return -1;
			c = (unsigned char)s[j + 1];
			if (c == 'u') {
				for (int k = 2; k < 6; k++)
					if (j + (size_t)k >= len ||
					    !isxdigit((unsigned char)s[j + k]))
						return -1;
				/* Surrogates: let jansson judge them. */
				if (s[j + 2] == 'd' || s[j + 2] == 'D')
					return -1;
				j += 6;
				continue;
			}
			if (strchr("\"\\/bfnrt", c) == NULL || c == '\0')
				return -1;
			j += 2;
			continue;
		}
		j++;
	}
	return -1;
}

/* A JSON number jansson surely accepts.  0 ok (*isint), -1 otherwise. */
static int
scan_number(const char *s, size_t len, size_t *i, bool *isint)
{
	size_t j = *i, digits = 0, expdigits = 0;

	*isint = true;
	if (j < len && s[j] == '-')
		j++;
	if (j < len && s[j] == '0') {
		j++;
		digits = 1;
	} else {
		while (j < len && s[j] >= '0' && s[j] <= '9') {
			j++;
			digits++;
		}
		if (digits == 0)
			return -1;
	}
	if (j < len && s[j] == '.') {
		size_t f = 0;

		*isint = false;
		j++;
		while (j < len && s[j] >= '0' && s[j] <= '9') {
			j++;
			f++;
		}
		if (f == 0)
			return -1;
	}
	if (j < len && (s[j] == 'e' || s[j] == 'E')) {
		*isint = false;
		j++;
		if (j < len && (s[j] == '+' || s[j] == '-'))
			j++;
		while (j < len && s[j] >= '0' && s[j] <= '9') {
			j++;
			expdigits++;
		}
		if (expdigits == 0 || expdigits > 2)
			return -1;
	}
	if (*isint && digits > 18)
		return -1;
	*i = j;
	return 0;
}

/*
 * Scan a flat object.  Returns the member count, or -1 when the line is
 * not one the fast path handles (which says nothing about its validity).
 */
static int
scan_flat(const char *s, size_t len, struct member *m)
{
	size_t i = 1;
	int n = 0;

	if (len < 2 || s[0] != '{' || s[len - 1] != '}')
		return -1;
	if (len == 2)
		return 0;
	for (;;) {
		bool esc, isint;
		size_t k0 = i;

		if (n == SCAN_MAX || s[i] != '"' ||
		    scan_string(s, len, &i, &esc) < 0 || esc)
			return -1;
		m[n].key = s + k0 + 1;
		m[n].keylen = i - k0 - 2;
		for (int d = 0; d < n; d++)
			if (m[d].keylen == m[n].keylen &&
			    memcmp(m[d].key, m[n].key, m[n].keylen) == 0)
				return -1;
		if (i >= len || s[i] != ':')
			return -1;
		i++;
		m[n].val = s + i;
		m[n].escaped = false;
		switch (s[i]) {
		case '"':
			if (scan_string(s, len, &i, &m[n].escaped) < 0)
				return -1;
			m[n].type = J_STRING;
			break;
		case 't':
			if (len - i < 4 || memcmp(s + i, "true", 4) != 0)
				return -1;
			i += 4;
			m[n].type = J_TRUE;
			break;
		case 'f':
			if (len - i < 5 || memcmp(s + i, "false", 5) != 0)
				return -1;
			i += 5;
			m[n].type = J_FALSE;
			break;
		case 'n':
			if (len - i < 4 || memcmp(s + i, "null", 4) != 0)
				return -1;
			i += 4;
			m[n].type = J_NULL;
			break;
		default:
			if (scan_number(s, len, &i, &isint) < 0)
				return -1;
			m[n].type = isint ? J_INT : J_NUMBER;
		}
		m[n].vallen = (size_t)(s + i - m[n].val);
		n++;
		if (i >= len)
			return -1;
		if (s[i] == '}')
			return i == len - 1 ? n : -1;
		if (s[i] != ',')
			return -1;
		i++;
	}
}

static const struct member *
find(const struct member *m, int n, const char *name)
{
	size_t l = strlen(name);

	for (int i = 0; i < n; i++)
		if (m[i].keylen == l && memcmp(m[i].key, name, l) == 0)
			return &m[i];
	return NULL;
}

/* The members of a jansson object, for the same field logic. */
static int
members_of(json_t *obj, struct member *m)
{
	const char *k;
	json_t *v;
	int n = 0;

	json_object_foreach(obj, k, v) {
		if (n == SCAN_MAX)
			break;
		m[n].key = k;
		m[n].keylen = strlen(k);
		m[n].escaped = false;
		switch (json_typeof(v)) {
		case JSON_STRING:
			m[n].type = J_STRING;
			break;
		case JSON_INTEGER:
			m[n].type = J_INT;
			break;
		case JSON_REAL:
			m[n].type = J_NUMBER;
			break;
		case JSON_TRUE:
			m[n].type = J_TRUE;
			break;
		case JSON_FALSE:
			m[n].type = J_FALSE;
			break;
		case JSON_NULL:
			m[n].type = J_NULL;
			break;
		default:
			m[n].type = J_NULL + 1; /* object or array */
		}
		n++;
	}
	return n;
}

/* Number text (NUL-terminated copy in tmp) of a member. */
static double
member_number(const struct member *m, json_t *obj, struct buf *tmp)
{
	if (obj != NULL) {
		json_t *v = json_object_get(obj, m->key);

		return json_number_value(v);
	}
	buf_reset(tmp);
	buf_add(tmp, m->val, m->vallen);
	return strtod(tmp->data, NULL);
}

static int
get_time(const struct member *m, json_t *obj, struct point *p, struct buf *tmp,
    char *why, size_t whylen)
{
	json_t *v;
	int rc;

	if (obj != NULL)
		return time_parse(json_object_get(obj, m->key), &p->t_ms,
		    &p->form, why, whylen);
	if (m->type == J_INT) {
		long long t;

		buf_reset(tmp);
		buf_add(tmp, m->val, m->vallen);
		t = strtoll(tmp->data, NULL, 10);
		memset(&p->form, 0, sizeof(p->form));
		p->form.kind = (t >= 100000000000LL || t <= -100000000000LL)
				   ? TIME_EPOCH_MS
				   : TIME_EPOCH_S;
		p->t_ms = p->form.kind == TIME_EPOCH_MS ? t : t * 1000;
		return 0;
	}
	if (m->type == J_STRING && !m->escaped) {
		buf_reset(tmp);
		buf_add(tmp, m->val + 1, m->vallen - 2);
		if (time_parse_text(tmp->data, &p->t_ms, &p->form) == 0)
			return 0;
	}
	/* Reals, escapes and errors: jansson's value and time_parse(). */
	v = json_loadb(m->val, m->vallen, JSON_DECODE_ANY, NULL);
	rc = time_parse(v, &p->t_ms, &p->form, why, whylen);
	json_decref(v);
	return rc;
}

static const char *
type_name(enum jtype t)
{
	switch (t) {
	case J_STRING:
		return "a string";
	case J_TRUE:
	case J_FALSE:
		return "a boolean";
	case J_NULL:
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
	struct member m[SCAN_MAX];
	const struct member *f;
	json_t *obj = NULL;
	int n, rc = 1;

	memset(p, 0, offsetof(struct point, v));
	memset(p->is_null, 0, sizeof(p->is_null));
	if ((n = scan_flat(line, len, m)) >= 0) {
		p->text = line;
		p->textlen = len - 1;
	} else {
		if ((obj = ndjson_parse(line, len, why, whylen)) == NULL)
			return -1;
		buf_reset(&pp->text);
		ndjson_dump(&pp->text, obj);
		p->text = pp->text.data;
		p->textlen = pp->text.len - 1;
		n = members_of(obj, m);
	}
	p->empty = n == 0;
	p->key = "";
	if (c->id_field != NULL && (f = find(m, n, c->id_field)) != NULL &&
	    f->type != J_NULL) {
		p->has_id = true;
		buf_reset(&pp->key);
		if (f->type == J_STRING && obj != NULL) {
			json_t *v = json_object_get(obj, f->key);

			buf_add(&pp->key, json_string_value(v),
			    json_string_length(v));
		} else if (f->type == J_STRING && !f->escaped) {
			buf_add(&pp->key, f->val + 1, f->vallen - 2);
		} else if (f->type == J_STRING || obj != NULL) {
			json_t *v =
			    obj != NULL
				? json_incref(json_object_get(obj, f->key))
				: json_loadb(
				      f->val, f->vallen, JSON_DECODE_ANY, NULL);

			if (json_is_string(v))
				buf_add(&pp->key, json_string_value(v),
				    json_string_length(v));
			else
				ndjson_dump(&pp->key, v);
			json_decref(v);
		} else {
			buf_add(&pp->key, f->val, f->vallen);
		}
		buf_addc(&pp->key, '\0');
		p->key = pp->key.data;
		p->keylen = pp->key.len - 1;
	}
	if (c->time_field != NULL && (f = find(m, n, c->time_field)) != NULL) {
		if (get_time(f, obj, p, &pp->tmp, why, whylen) < 0) {
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
		if (f->type == J_INT || f->type == J_NUMBER) {
			p->v[i] = member_number(f, obj, &pp->tmp);
			if (!isfinite(p->v[i])) {
				snprintf(why, whylen,
				    "field '%s' is not a finite number",
				    c->fields[i]);
				rc = 0;
				goto out;
			}
			continue;
		}
		p->is_null[i] = f->type == J_NULL;
		snprintf(why, whylen, "field '%s' is %s, not a number%s",
		    c->fields[i], type_name(f->type),
		    f->type == J_NULL ? " (a gap or NaN)" : "");
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
