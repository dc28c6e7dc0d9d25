/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Both paths end in decode(), which reads jansson values, so that the
 * fast path and the slow path cannot disagree: the scanner's spans are
 * turned into small jansson values (directly for plain strings, numbers and
 * literals) for just the four fields wanted.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/evread.h"
#include "io/ndjson.h"
#include "record/idkey.h"

/*
 * Start reading with conf (copied; its strings are borrowed).  Release
 * with evread_release().
 */
void
evread_init(struct evread *r, const struct evread_conf *conf)
{
	r->c = *conf;
	jscan_init(&r->js);
	buf_init(&r->key);
}

/* Free the scanner's memory. */
void
evread_release(struct evread *r)
{
	jscan_release(&r->js);
	buf_release(&r->key);
}

/* The fields the rules read from one record (borrowed; NULL: absent). */
struct fields {
	json_t *time, *id, *when, *value;
};

/*
 * Read what the rules need from the fields into ev and the key into key.
 * Returns 0, or -1 with the reason in why.
 */
static int
decode(const struct evread_conf *c, const struct fields *f, struct buf *kb,
    struct evorder_event *ev, char *key, size_t keylen, char *why,
    size_t whylen)
{
	char tw[200];
	json_t *v;

	memset(ev, 0, sizeof(*ev));
	if (f->time == NULL) {
		snprintf(why, whylen, "missing field '%s'", c->time);
		return -1;
	}
	if (timefmt_parse(f->time, &ev->ts, &ev->form, tw, sizeof(tw)) < 0) {
		snprintf(why, whylen, "field '%s': %s", c->time, tw);
		return -1;
	}
	/* years 1 to 9999: keeps every time +- duration within int64_t */
	if (ev->ts < EVREAD_TIME_MIN || ev->ts > EVREAD_TIME_MAX) {
		snprintf(why, whylen, "field '%s': time out of range", c->time);
		return -1;
	}
	key[0] = '\0';
	v = f->id;
	if (json_is_string(v) || json_is_integer(v)) {
		buf_reset(kb);
		idkey_text(kb, v);
		if (kb->len >= keylen || memchr(kb->data, 0, kb->len)) {
			snprintf(why, whylen,
			    "field '%s' is longer than %zu bytes or holds NUL",
			    c->id, keylen - 1);
			return -1;
		}
		memcpy(key, kb->data, kb->len + 1);
	} else if (v != NULL || c->id_required) {
		snprintf(why, whylen,
		    v ? "field '%s' is not a string or an integer"
		      : "missing field '%s'",
		    c->id);
		return -1;
	}
	v = f->when;
	if (json_is_boolean(v) || json_is_number(v)) {
		ev->flag = json_is_boolean(v) ? json_is_true(v)
					      : json_number_value(v) != 0;
	} else if (c->need_flag) {
		snprintf(why, whylen,
		    v ? "field '%s' is not a boolean" : "missing field '%s'",
		    c->when);
		return -1;
	}
	v = f->value;
	if (json_is_number(v) && isfinite(json_number_value(v))) {
		ev->value = json_number_value(v);
		ev->has_value = true;
	} else if (c->need_value) {
		snprintf(why, whylen,
		    v ? "field '%s' is not a number" : "missing field '%s'",
		    c->field);
		return -1;
	}
	return 0;
}

/*
 * A new jansson value for one member found by the scanner, built directly
 * for the common cases (plain strings, numbers, literals) and parsed for
 * the rest.  Returns NULL when the member is absent.
 */
static json_t *
member_value(const struct jscan *js, const char *name)
{
	const struct jscan_member *m = jscan_find(js, name, strlen(name));

	if (m == NULL)
		return NULL;
	switch (m->type) {
	case JSCAN_STRING:
		if (memchr(m->val, '\\', m->vallen) == NULL)
			return json_stringn(m->val + 1, m->vallen - 2);
		break;
	case JSCAN_NUMBER:
		if (m->integer)
			return json_integer(strtoll(m->val, NULL, 10));
		return json_real(strtod(m->val, NULL));
	case JSCAN_TRUE:
		return json_true();
	case JSCAN_FALSE:
		return json_false();
	case JSCAN_NULL:
		return json_null();
	default:
		break;
	}
	return json_loadb(m->val, m->vallen, JSON_DECODE_ANY, NULL);
}

/*
 * Read one line into *ev and its key into key (keylen bytes at most,
 * terminated).  Returns 0, or -1 with the reason in why (not JSON, a
 * missing or mistyped field).
 */
int
evread_line(struct evread *r, const char *line, size_t len,
    struct evorder_event *ev, char *key, size_t keylen, char *why,
    size_t whylen)
{
	const struct evread_conf *c = &r->c;
	struct fields f;
	json_t *rec;
	int rc;

	if (jscan_object(&r->js, line, len) == JSCAN_OK) {
		f.time = member_value(&r->js, c->time);
		f.id = member_value(&r->js, c->id);
		f.when = member_value(&r->js, c->when);
		f.value = member_value(&r->js, c->field);
		rc = decode(c, &f, &r->key, ev, key, keylen, why, whylen);
		json_decref(f.time);
		json_decref(f.id);
		json_decref(f.when);
		json_decref(f.value);
		return rc;
	}
	if ((rec = ndjson_parse(line, len, why, whylen)) == NULL)
		return -1;
	f.time = json_object_get(rec, c->time);
	f.id = json_object_get(rec, c->id);
	f.when = json_object_get(rec, c->when);
	f.value = json_object_get(rec, c->field);
	rc = decode(c, &f, &r->key, ev, key, keylen, why, whylen);
	json_decref(rec);
	return rc;
}
