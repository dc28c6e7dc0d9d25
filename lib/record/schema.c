/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Schemas and the per-record check.  Field names live in a small
 * open-addressing table so that a record is checked in one pass over its
 * members; what a member needs rewritten (a coerced value) goes into an
 * edit list and a text buffer that are reused from record to record.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/jscan.h"
#include "record/kdd.h"
#include "record/schema.h"

/* Index of the field called name (len bytes), or -1. */
long
schema_lookup(const struct schema *sc, const char *name, size_t len)
{
	size_t mask, h;

	if (sc->nslots == 0)
		return -1;
	mask = sc->nslots - 1;
	for (h = (size_t)hash_fnv1a(name, len) & mask; sc->slot[h] != 0;
	     h = (h + 1) & mask) {
		const struct schema_field *f = &sc->f[sc->slot[h] - 1];

		if (f->namelen == len && memcmp(f->name, name, len) == 0)
			return sc->slot[h] - 1;
	}
	return -1;
}

static struct schema *
schema_new(void)
{
	struct schema *sc = xcalloc(1, sizeof(*sc));

	sc->src_bytes = sc->dst_bytes = -1;
	return sc;
}

/* Add a field; false when the name is already there. */
static bool
add_field(
    struct schema *sc, const char *name, enum schema_type type, bool required)
{
	size_t len = strlen(name), mask, h;

	if (schema_lookup(sc, name, len) >= 0)
		return false;
	sc->f = xreallocarray(sc->f, sc->n + 1, sizeof(*sc->f));
	sc->f[sc->n].name = xstrdup(name);
	sc->f[sc->n].namelen = len;
	sc->f[sc->n].type = type;
	sc->f[sc->n].required = required;
	sc->n++;
	if (sc->n * 2 > sc->nslots) {
		free(sc->slot);
		sc->nslots = sc->nslots ? sc->nslots * 2 : 64;
		while (sc->nslots < sc->n * 2)
			sc->nslots *= 2;
		sc->slot = xcalloc(sc->nslots, sizeof(*sc->slot));
		for (size_t i = 0; i < sc->n; i++) {
			mask = sc->nslots - 1;
			for (h = (size_t)hash_fnv1a(
				     sc->f[i].name, sc->f[i].namelen) &
				 mask;
			     sc->slot[h] != 0; h = (h + 1) & mask)
				;
			sc->slot[h] = (long)i + 1;
		}
	} else {
		mask = sc->nslots - 1;
		for (h = (size_t)hash_fnv1a(name, len) & mask; sc->slot[h] != 0;
		     h = (h + 1) & mask)
			;
		sc->slot[h] = (long)sc->n;
	}
	return true;
}

static void
find_bytes(struct schema *sc)
{
	sc->src_bytes = schema_lookup(sc, "src_bytes", 9);
	sc->dst_bytes = schema_lookup(sc, "dst_bytes", 9);
	if (sc->src_bytes >= 0 && (sc->f[sc->src_bytes].type == SCHEMA_STRING ||
				      sc->f[sc->src_bytes].type == SCHEMA_BOOL))
		sc->src_bytes = -1;
	if (sc->dst_bytes >= 0 && (sc->f[sc->dst_bytes].type == SCHEMA_STRING ||
				      sc->f[sc->dst_bytes].type == SCHEMA_BOOL))
		sc->dst_bytes = -1;
}

/*
 * The KDD Cup 1999 schema: the 42 columns of lib/kdd, all required.  New;
 * caller frees with schema_free().
 */
struct schema *
schema_kdd(void)
{
	struct schema *sc = schema_new();

	for (int i = 0; i < KDD_NCOLUMNS; i++)
		add_field(sc, kdd_columns[i].name,
		    kdd_columns[i].type == KDD_INT    ? SCHEMA_INT
		    : kdd_columns[i].type == KDD_REAL ? SCHEMA_NUMBER
						      : SCHEMA_STRING,
		    true);
	find_bytes(sc);
	return sc;
}

/* A schema that accepts any object.  Caller frees with schema_free(). */
struct schema *
schema_none(void)
{
	struct schema *sc = schema_new();

	sc->none = true;
	return sc;
}

static int
parse_type(const char *s, enum schema_type *t)
{
	static const struct {
		const char *name;
		enum schema_type t;
	} names[] = {
	    {"int", SCHEMA_INT},
	    {"integer", SCHEMA_INT},
	    {"number", SCHEMA_NUMBER},
	    {"real", SCHEMA_NUMBER},
	    {"string", SCHEMA_STRING},
	    {"bool", SCHEMA_BOOL},
	    {"boolean", SCHEMA_BOOL},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0) {
			*t = names[i].t;
			return 0;
		}
	return -1;
}

/*
 * The schema named on ad-clean's command line: "kdd", "none", or else the
 * path of a schema file.  Returns a new schema (caller frees with
 * schema_free()), or NULL with err set as schema_load() sets it.
 */
struct schema *
schema_open(const char *spec, struct ad_err *err)
{
	if (strcmp(spec, "kdd") == 0)
		return schema_kdd();
	if (strcmp(spec, "none") == 0)
		return schema_none();
	return schema_load(spec, err);
}

/*
 * Read a schema file (format in schema.h).  Returns a new schema (caller
 * frees with schema_free()), or NULL with err set: EX_NOINPUT when the
 * file cannot be opened, EX_CONFIG with file and line for a bad line.
 */
struct schema *
schema_load(const char *path, struct ad_err *err)
{
	struct schema *sc = NULL;
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		ad_err_set(err, EX_NOINPUT, "cannot open '%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	sc = schema_new();
	while (getline(&line, &cap, fp) != -1) {
		char *tok[4], *save = NULL, *p;
		enum schema_type t;
		bool required = true;
		int ntok = 0;

		lineno++;
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		for (p = strtok_r(line, " \t\r\n", &save);
		     p != NULL && ntok < 4;
		     p = strtok_r(NULL, " \t\r\n", &save))
			tok[ntok++] = p;
		if (ntok == 0)
			continue;
		if (ntok < 2 || ntok > 3) {
			ad_err_at(err, EX_CONFIG, path, lineno,
			    "expected 'name type [required|optional]'");
			goto fail;
		}
		if (parse_type(tok[1], &t) < 0) {
			ad_err_at(err, EX_CONFIG, path, lineno,
			    "unknown type '%s' (int, number, string, bool)",
			    tok[1]);
			goto fail;
		}
		if (ntok == 3 && strcmp(tok[2], "optional") == 0)
			required = false;
		else if (ntok == 3 && strcmp(tok[2], "required") != 0) {
			ad_err_at(err, EX_CONFIG, path, lineno,
			    "expected 'required' or 'optional', got '%s'",
			    tok[2]);
			goto fail;
		}
		if (!add_field(sc, tok[0], t, required)) {
			ad_err_at(err, EX_CONFIG, path, lineno,
			    "field '%s' given twice", tok[0]);
			goto fail;
		}
	}
	if (ferror(fp)) {
		ad_err_set(err, EX_IOERR, "read error on '%s': %s", path,
		    strerror(errno));
		goto fail;
	}
	if (sc->n == 0) {
		ad_err_set(err, EX_CONFIG, "'%s': no fields", path);
		goto fail;
	}
	find_bytes(sc);
	free(line);
	fclose(fp);
	return sc;
fail:
	free(line);
	fclose(fp);
	schema_free(sc);
	return NULL;
}

/* Free sc; NULL is a no-op. */
void
schema_free(struct schema *sc)
{
	if (sc == NULL)
		return;
	for (size_t i = 0; i < sc->n; i++)
		free(sc->f[i].name);
	free(sc->f);
	free(sc->slot);
	free(sc);
}

/* "int", "number", ... for messages. */
const char *
schema_type_name(enum schema_type t)
{
	switch (t) {
	case SCHEMA_INT:
		return "int";
	case SCHEMA_NUMBER:
		return "number";
	case SCHEMA_STRING:
		return "string";
	case SCHEMA_BOOL:
		return "bool";
	}
	return "?";
}

/* Set ck up for records of sc; release with schema_check_release(). */
void
schema_check_init(struct schema_check *ck, const struct schema *sc)
{
	memset(ck, 0, sizeof(*ck));
	buf_init(&ck->text);
	ck->at = xcalloc(sc->n ? sc->n : 1, sizeof(*ck->at));
}

/* Free what ck holds. */
void
schema_check_release(struct schema_check *ck)
{
	free(ck->edit);
	free(ck->at);
	free(ck->pos_field);
	buf_release(&ck->text);
	memset(ck, 0, sizeof(*ck));
}

static void
add_edit(struct schema_check *ck, size_t member, size_t off)
{
	if (ck->nedit == ck->capedit) {
		ck->capedit = ck->capedit ? ck->capedit * 2 : 8;
		ck->edit =
		    xreallocarray(ck->edit, ck->capedit, sizeof(*ck->edit));
	}
	ck->edit[ck->nedit].member = member;
	ck->edit[ck->nedit].off = off;
	ck->edit[ck->nedit].len = ck->text.len - off;
	ck->nedit++;
}

/* The value as a message shows it: its JSON text, cut at 40 bytes. */
static void
shown(char *dst, size_t dstlen, const struct jscan_member *m)
{
	if (m->vallen <= 40)
		snprintf(dst, dstlen, "%.*s", (int)m->vallen, m->val);
	else
		snprintf(dst, dstlen, "%.40s...", m->val);
}

/*
 * Whether t (n bytes, no quotes) names a non-finite number: NaN,
 * Infinity, inf, with any case and sign.
 */
static bool
names_nonfinite(const char *t, size_t n)
{
	char low[16];

	if (n > 0 && (t[0] == '-' || t[0] == '+'))
		t++, n--;
	if (n == 0 || n >= sizeof(low))
		return false;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)t[i]);
	low[n] = '\0';
	return strcmp(low, "nan") == 0 || strcmp(low, "inf") == 0 ||
	       strcmp(low, "infinity") == 0;
}

/*
 * Coerce a numeric text (a string's content, or a real for an int field)
 * into ck->text.  Returns 0 when done, 1 when not a number, 2 when not
 * finite, 3 when a number but not an integer (int fields).
 */
static int
coerce_number(struct schema_check *ck, const char *t, size_t n, bool integer)
{
	char tmp[64], *end;
	double d;

	while (n > 0 && isspace((unsigned char)*t))
		t++, n--;
	while (n > 0 && isspace((unsigned char)t[n - 1]))
		n--;
	if (names_nonfinite(t, n))
		return 2;
	if (n == 0 || n >= sizeof(tmp))
		return 1;
	if (jscan_is_number(t, n, true)) {
		memcpy(tmp, t, n);
		tmp[n] = '\0';
		errno = 0;
		(void)strtoll(tmp, NULL, 10);
		if (errno != ERANGE) {
			buf_add(&ck->text, t, n);
			return 0;
		}
		if (integer)
			return 3;
	}
	if (!integer && jscan_is_number(t, n, false)) {
		memcpy(tmp, t, n);
		tmp[n] = '\0';
		if (!isfinite(strtod(tmp, NULL)))
			return 2;
		buf_add(&ck->text, t, n);
		return 0;
	}
	/* Forms JSON lacks but people write: "+5", ".5", "5.", "1E3". */
	for (size_t i = 0; i < n; i++)
		if (!(isdigit((unsigned char)t[i]) || t[i] == '+' ||
			t[i] == '-' || t[i] == '.' || t[i] == 'e' ||
			t[i] == 'E'))
			return 1;
	memcpy(tmp, t, n);
	tmp[n] = '\0';
	errno = 0;
	d = strtod(tmp, &end);
	if (end != tmp + n || end == tmp)
		return 1;
	if (!isfinite(d))
		return 2;
	if (integer) {
		if (d != floor(d))
			return 3;
		if (fabs(d) > 9007199254740992.0)
			return 3;
		buf_add_long(&ck->text, (long long)d);
		return 0;
	}
	buf_add_double(&ck->text, d);
	return 0;
}

static const char *
expected(enum schema_type t)
{
	switch (t) {
	case SCHEMA_INT:
	case SCHEMA_NUMBER:
		return "a number";
	case SCHEMA_STRING:
		return "a string";
	case SCHEMA_BOOL:
		return "a boolean";
	}
	return "?";
}

/*
 * Check one member against its field; returns 0 (maybe with an edit
 * added) or -1 with why set and ck->problem.
 */
static int
check_member(const struct schema_field *f, const struct jscan *js, size_t k,
    struct schema_check *ck, char *why, size_t whylen)
{
	const struct jscan_member *m = &js->m[k];
	size_t off = ck->text.len;
	char got[64];
	int rc = 1;

	if (m->type == JSCAN_NULL && !f->required)
		return 0;
	switch (f->type) {
	case SCHEMA_INT:
		if (m->type == JSCAN_NUMBER && m->integer)
			return 0;
		if (m->type == JSCAN_NUMBER)
			rc = coerce_number(ck, m->val, m->vallen, true);
		else if (m->type == JSCAN_STRING)
			rc = coerce_number(ck, m->val + 1, m->vallen - 2, true);
		break;
	case SCHEMA_NUMBER:
		if (m->type == JSCAN_NUMBER)
			return 0;
		if (m->type == JSCAN_STRING)
			rc =
			    coerce_number(ck, m->val + 1, m->vallen - 2, false);
		break;
	case SCHEMA_STRING:
		if (m->type == JSCAN_STRING)
			return 0;
		break;
	case SCHEMA_BOOL:
		if (m->type == JSCAN_TRUE || m->type == JSCAN_FALSE)
			return 0;
		if (m->type == JSCAN_STRING && m->vallen == 6 &&
		    memcmp(m->val, "\"true\"", 6) == 0) {
			buf_add(&ck->text, "true", 4);
			rc = 0;
		} else if (m->type == JSCAN_STRING && m->vallen == 7 &&
			   memcmp(m->val, "\"false\"", 7) == 0) {
			buf_add(&ck->text, "false", 5);
			rc = 0;
		}
		break;
	}
	if (rc == 0) {
		add_edit(ck, k, off);
		return 0;
	}
	ck->text.len = off;
	shown(got, sizeof(got), m);
	ck->problem = rc == 2 ? SCHEMA_NOT_FINITE : SCHEMA_WRONG_TYPE;
	snprintf(why, whylen, "field '%s': expected %s, got %s", f->name,
	    rc == 2   ? "a finite number"
	    : rc == 3 ? "an integer"
		      : expected(f->type),
	    got);
	return -1;
}

/*
 * Check the record scanned into js against sc.  Returns 0 when it passes
 * (ck then holds the coercions to apply, see schema_value()), or -1 with
 * a reason in why ("field 'src_bytes': expected a number, got \"abc\"",
 * "missing field 'label'") and ck->problem set.
 */
int
schema_check(const struct schema *sc, const struct jscan *js,
    struct schema_check *ck, char *why, size_t whylen)
{
	ck->nedit = 0;
	buf_reset(&ck->text);
	if (sc->none)
		return 0;
	for (size_t i = 0; i < sc->n; i++)
		ck->at[i] = -1;
	/* Same keys as the record before: reuse its field lookups. */
	if (!js->same_shape || !ck->pos_valid) {
		ck->pos_valid = false;
		if (js->n > ck->pos_cap) {
			ck->pos_cap = js->n * 2;
			ck->pos_field = xreallocarray(
			    ck->pos_field, ck->pos_cap, sizeof(*ck->pos_field));
		}
		for (size_t k = 0; k < js->n; k++)
			ck->pos_field[k] =
			    schema_lookup(sc, js->m[k].key, js->m[k].keylen);
		ck->pos_valid = true;
	}
	for (size_t k = 0; k < js->n; k++) {
		long fi = ck->pos_field[k];

		if (fi < 0)
			continue;
		ck->at[fi] = (long)k;
		if (check_member(&sc->f[fi], js, k, ck, why, whylen) < 0)
			return -1;
	}
	for (size_t i = 0; i < sc->n; i++)
		if (ck->at[i] < 0 && sc->f[i].required) {
			ck->problem = SCHEMA_MISSING;
			snprintf(
			    why, whylen, "missing field '%s'", sc->f[i].name);
			return -1;
		}
	return 0;
}

/*
 * The text to write for member k after the check: its coerced value, or
 * its value as read.  Borrowed until the next schema_check().
 */
const char *
schema_value(const struct schema_check *ck, const struct jscan *js, size_t k,
    size_t *len)
{
	for (size_t e = 0; e < ck->nedit; e++)
		if (ck->edit[e].member == k) {
			*len = ck->edit[e].len;
			return ck->text.data + ck->edit[e].off;
		}
	*len = js->m[k].vallen;
	return js->m[k].val;
}
