/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Feature schema and record-to-vector conversion (see featset.h).  Names
 * and categories live in small open-addressed hash tables keyed by FNV-1a,
 * so that looking a field up costs one hash and one probe on the hot path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "base/hash.h"
#include "forest/featset.h"

/* Fields that describe a record rather than the connection. */
static const char *const bookkeeping[] = {"utc", "uuid", "sequence_id", "index",
    "score", "anomaly", "class", "probability", "why", NULL};

/* The hash of the name and category tables: FNV-1a cut to 32 bits. */
static unsigned
hash(const char *s, size_t n)
{
	return (unsigned)hash_fnv1a(s, n);
}

/* New empty schema; caller frees with featset_free(). */
struct featset *
featset_new(void)
{
	struct featset *fs = xcalloc(1, sizeof(*fs));

	fs->cap = 64;
	fs->slot = xcalloc(fs->cap, sizeof(*fs->slot));
	return fs;
}

static void
free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

/* Free fs and everything in it; NULL is a no-op. */
void
featset_free(struct featset *fs)
{
	if (fs == NULL)
		return;
	for (size_t i = 0; i < fs->n; i++) {
		struct feature *f = &fs->f[i];

		free(f->name);
		free_list(f->cat, f->ncat);
		free(f->catlen);
		free(f->cathash);
		free(f->cslot);
	}
	free(fs->f);
	free(fs->slot);
	free_list(fs->only, fs->nonly);
	free_list(fs->exclude, fs->nexclude);
	free(fs);
}

static char **
split_list(const char *s, size_t *n)
{
	char **l = NULL;
	const char *p = s;

	*n = 0;
	while (*p != '\0') {
		size_t len = strcspn(p, ",");

		if (len > 0) {
			l = xreallocarray(l, *n + 1, sizeof(*l));
			l[(*n)++] = xstrndup(p, len);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return l;
}

/*
 * Set the training-time field filters: only (comma-separated names, or
 * NULL for every field), exclude (names, or NULL), and the label field,
 * which is never a feature.  Returns 0, or -1 when only is empty.
 */
int
featset_set_lists(struct featset *fs, const char *only, const char *exclude,
    const char *label)
{
	if (only != NULL) {
		fs->only = split_list(only, &fs->nonly);
		if (fs->nonly == 0)
			return -1;
	}
	if (exclude != NULL)
		fs->exclude = split_list(exclude, &fs->nexclude);
	fs->label = label;
	return 0;
}

static bool
in_list(char *const *l, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(l[i]) == len && memcmp(l[i], name, len) == 0)
			return true;
	return false;
}

/*
 * Whether a field may be a feature: not bookkeeping, not the label, in
 * --features when given, not in --exclude.  A name given in --features is
 * taken even if it is a bookkeeping name.
 */
bool
featset_candidate(const struct featset *fs, const char *name, size_t len)
{
	if (fs->label != NULL && strlen(fs->label) == len &&
	    memcmp(fs->label, name, len) == 0)
		return false;
	if (in_list(fs->exclude, fs->nexclude, name, len))
		return false;
	if (fs->nonly > 0)
		return in_list(fs->only, fs->nonly, name, len);
	for (const char *const *b = bookkeeping; *b != NULL; b++)
		if (strlen(*b) == len && memcmp(*b, name, len) == 0)
			return false;
	return true;
}

/* Index of the feature called name (len bytes), or -1. */
long
featset_find(const struct featset *fs, const char *name, size_t len)
{
	unsigned h = hash(name, len);

	for (size_t k = h & (fs->cap - 1); fs->slot[k] != 0;
	     k = (k + 1) & (fs->cap - 1)) {
		const struct feature *f = &fs->f[fs->slot[k] - 1];

		if (f->hash == h && f->namelen == len &&
		    memcmp(f->name, name, len) == 0)
			return (long)fs->slot[k] - 1;
	}
	return -1;
}

static void
rehash_names(struct featset *fs)
{
	free(fs->slot);
	while (fs->cap < 2 * fs->n + 2)
		fs->cap *= 2;
	fs->slot = xcalloc(fs->cap, sizeof(*fs->slot));
	for (size_t i = 0; i < fs->n; i++) {
		size_t k = fs->f[i].hash & (fs->cap - 1);

		while (fs->slot[k] != 0)
			k = (k + 1) & (fs->cap - 1);
		fs->slot[k] = (unsigned)i + 1;
	}
}

/* Append a feature (the name must not be present); returns its index. */
size_t
featset_add(
    struct featset *fs, const char *name, size_t len, enum feature_kind kind)
{
	struct feature *f;

	fs->f = xreallocarray(fs->f, fs->n + 1, sizeof(*fs->f));
	f = &fs->f[fs->n];
	memset(f, 0, sizeof(*f));
	f->name = xstrndup(name, len);
	f->namelen = len;
	f->hash = hash(name, len);
	f->kind = kind;
	f->ccap = 16;
	f->cslot = xcalloc(f->ccap, sizeof(*f->cslot));
	fs->n++;
	rehash_names(fs);
	return fs->n - 1;
}

static long
cat_find(const struct feature *f, const char *s, size_t len, unsigned h)
{
	for (size_t k = h & (f->ccap - 1); f->cslot[k] != 0;
	     k = (k + 1) & (f->ccap - 1)) {
		size_t c = f->cslot[k] - 1;

		if (f->cathash[c] == h && f->catlen[c] == len &&
		    memcmp(f->cat[c], s, len) == 0)
			return (long)c;
	}
	return -1;
}

/* Category number of s (len bytes) in f, or -1 when f never saw it. */
long
featset_cat_find(const struct feature *f, const char *s, size_t len)
{
	return cat_find(f, s, len, hash(s, len));
}

static void
rehash_cats(struct feature *f)
{
	free(f->cslot);
	while (f->ccap < 2 * f->ncat + 2)
		f->ccap *= 2;
	f->cslot = xcalloc(f->ccap, sizeof(*f->cslot));
	for (size_t i = 0; i < f->ncat; i++) {
		size_t k = f->cathash[i] & (f->ccap - 1);

		while (f->cslot[k] != 0)
			k = (k + 1) & (f->ccap - 1);
		f->cslot[k] = (unsigned)i + 1;
	}
}

/* Category number of s, adding it when new. */
size_t
featset_cat_add(struct feature *f, const char *s, size_t len)
{
	unsigned h = hash(s, len);
	long c = cat_find(f, s, len, h);

	if (c >= 0)
		return (size_t)c;
	f->cat = xreallocarray(f->cat, f->ncat + 1, sizeof(*f->cat));
	f->catlen = xreallocarray(f->catlen, f->ncat + 1, sizeof(*f->catlen));
	f->cathash =
	    xreallocarray(f->cathash, f->ncat + 1, sizeof(*f->cathash));
	f->cat[f->ncat] = xstrndup(s, len);
	f->catlen[f->ncat] = len;
	f->cathash[f->ncat] = h;
	f->ncat++;
	if (2 * f->ncat + 2 > f->ccap)
		rehash_cats(f);
	else {
		size_t k = h & (f->ccap - 1);

		while (f->cslot[k] != 0)
			k = (k + 1) & (f->ccap - 1);
		f->cslot[k] = (unsigned)f->ncat;
	}
	return f->ncat - 1;
}

/* Renumber categories: new category i is old category order[i]. */
void
featset_cat_reorder(struct feature *f, const size_t *order)
{
	char **cat = xcalloc(f->ncat, sizeof(*cat));
	size_t *len = xcalloc(f->ncat, sizeof(*len));
	unsigned *h = xcalloc(f->ncat, sizeof(*h));

	for (size_t i = 0; i < f->ncat; i++) {
		cat[i] = f->cat[order[i]];
		len[i] = f->catlen[order[i]];
		h[i] = f->cathash[order[i]];
	}
	free(f->cat);
	free(f->catlen);
	free(f->cathash);
	f->cat = cat;
	f->catlen = len;
	f->cathash = h;
	rehash_cats(f);
}

/*
 * Fill x (fs->n values) from the n members of a record scanned by
 * jscan_object() (no escaped keys, no nested values), looking up the
 * column numbers in col (n of them) still unknown.  Returns 0, or -1
 * when a categorical value holds an escape (the caller then uses
 * featset_row_json(), which decodes it).
 */
int
featset_row_scan(const struct featset *fs, const struct jscan_member *m,
    long *col, size_t n, double *x)
{
	for (size_t i = 0; i < fs->n; i++)
		x[i] = FEATSET_MISSING;
	for (size_t j = 0; j < n; j++) {
		long i = col[j];
		const struct feature *f;
		double v;

		if (i == FEATSET_COL_UNKNOWN) {
			i = featset_find(fs, m[j].key, m[j].keylen);
			col[j] = i = i >= 0 ? i : FEATSET_COL_NONE;
		}
		if (i < 0)
			continue;
		f = &fs->f[i];
		if (f->kind == FEATURE_NUMERIC) {
			switch (m[j].type) {
			case JSCAN_NUMBER:
				v = jscan_number(m[j].val, m[j].vallen);
				x[i] = isfinite(v) ? v : FEATSET_MISSING;
				break;
			case JSCAN_TRUE:
				x[i] = 1;
				break;
			case JSCAN_FALSE:
				x[i] = 0;
				break;
			default:
				break;
			}
		} else if (m[j].type == JSCAN_STRING) {
			long c;

			if (m[j].escaped)
				return -1;
			c = featset_cat_find(f, m[j].val + 1, m[j].vallen - 2);
			x[i] = c >= 0 ? (double)c : FEATSET_UNKNOWN;
		}
	}
	return 0;
}

/* Fill x (fs->n values) from a jansson record (borrowed). */
void
featset_row_json(const struct featset *fs, json_t *rec, double *x)
{
	for (size_t i = 0; i < fs->n; i++) {
		const struct feature *f = &fs->f[i];
		json_t *v = json_object_getn(rec, f->name, f->namelen);

		x[i] = FEATSET_MISSING;
		if (v == NULL)
			continue;
		if (f->kind == FEATURE_NUMERIC) {
			if (json_is_number(v)) {
				double d = json_number_value(v);

				x[i] = isfinite(d) ? d : FEATSET_MISSING;
			} else if (json_is_boolean(v))
				x[i] = json_is_true(v) ? 1 : 0;
		} else if (json_is_string(v)) {
			const char *s = json_string_value(v);
			size_t len = json_string_length(v);
			long c = featset_cat_find(f, s, len);

			x[i] = c >= 0 ? (double)c : FEATSET_UNKNOWN;
		}
	}
}

/*
 * Text for feature i's value v, for --explain: a category name (borrowed
 * from fs), or NULL for a number or a missing value (the caller writes
 * the number or null).
 */
const char *
featset_value_text(
    const struct featset *fs, size_t i, double v, char *tmp, size_t tmplen)
{
	const struct feature *f = &fs->f[i];

	if (f->kind != FEATURE_CATEGORICAL || isnan(v))
		return NULL;
	if (v < 0 || (size_t)v >= f->ncat) {
		snprintf(tmp, tmplen, "(unknown)");
		return tmp;
	}
	return f->cat[(size_t)v];
}

/* Append the schema to a model payload. */
void
featset_save(const struct featset *fs, struct buf *b)
{
	wire_put_u64(b, fs->n);
	for (size_t i = 0; i < fs->n; i++) {
		const struct feature *f = &fs->f[i];

		wire_put_str(b, f->name);
		wire_put_u8(b, (uint8_t)f->kind);
		wire_put_u64(b, f->ncat);
		for (size_t c = 0; c < f->ncat; c++)
			wire_put_str(b, f->cat[c]);
	}
}

/*
 * Read a schema written by featset_save().  Returns a new schema (caller
 * frees with featset_free()), or NULL with w->bad set.
 */
struct featset *
featset_load(struct wire *w)
{
	struct featset *fs = featset_new();
	size_t n = wire_count(w, 5);

	for (size_t i = 0; i < n && !w->bad; i++) {
		char *name = wire_str(w);
		uint8_t kind = wire_u8(w);
		size_t ncat, fi;

		if (w->bad || kind > FEATURE_CATEGORICAL ||
		    featset_find(fs, name, strlen(name)) >= 0) {
			w->bad = true;
			free(name);
			break;
		}
		fi = featset_add(fs, name, strlen(name), kind);
		free(name);
		ncat = wire_count(w, 4);
		for (size_t c = 0; c < ncat && !w->bad; c++) {
			char *s = wire_str(w);

			if (featset_cat_add(&fs->f[fi], s, strlen(s)) != c)
				w->bad = true;
			free(s);
		}
	}
	if (w->bad) {
		featset_free(fs);
		return NULL;
	}
	return fs;
}

/* The schema as JSON for --info: [{"name":..,"type":..,"categories":N}]. */
json_t *
featset_info(const struct featset *fs)
{
	json_t *a = json_array();

	for (size_t i = 0; i < fs->n; i++) {
		const struct feature *f = &fs->f[i];
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(f->name));
		json_object_set_new(o, "type",
		    json_string(f->kind == FEATURE_NUMERIC ? "numeric"
							   : "categorical"));
		if (f->kind == FEATURE_CATEGORICAL)
			json_object_set_new(
			    o, "categories", json_integer((json_int_t)f->ncat));
		json_array_append_new(a, o);
	}
	return a;
}

static void
grow_x(const struct featset *fs, double **x, size_t *cap)
{
	if (*cap < fs->n) {
		*cap = fs->n + 16;
		*x = xreallocarray(*x, *cap, sizeof(double));
	}
}

/* A value's type for learn_value(): jscan's, objects and arrays alike. */
static enum jscan_type
type_of(const json_t *v)
{
	return json_is_number(v)   ? JSCAN_NUMBER
	       : json_is_string(v) ? JSCAN_STRING
	       : json_is_true(v)   ? JSCAN_TRUE
	       : json_is_false(v)  ? JSCAN_FALSE
	       : json_is_null(v)   ? JSCAN_NULL
				   : JSCAN_OBJECT;
}

/*
 * Learn one value of field key: its feature number i (or unknown, or not
 * a feature), updated when the field is found or becomes a feature.
 */
static void
learn_value(struct featset *fs, const char *key, size_t keylen, long *i,
    enum jscan_type type, const char *s, size_t slen, double num, double **x,
    size_t *cap)
{
	struct feature *f;

	if (*i == FEATSET_COL_NONE)
		return;
	if (*i == FEATSET_COL_UNKNOWN)
		*i = featset_find(fs, key, keylen);
	if (*i < 0 && !featset_candidate(fs, key, keylen)) {
		*i = FEATSET_COL_NONE;
		return;
	}
	if (*i < 0) {
		/* a new feature: its type is that of its first value */
		*i = FEATSET_COL_UNKNOWN;
		if (type == JSCAN_NULL || type == JSCAN_OBJECT ||
		    type == JSCAN_ARRAY)
			return;
		*i = (long)featset_add(fs, key, keylen,
		    type == JSCAN_STRING ? FEATURE_CATEGORICAL
					 : FEATURE_NUMERIC);
		grow_x(fs, x, cap);
		(*x)[*i] = FEATSET_MISSING;
	}
	f = &fs->f[*i];
	if (f->kind == FEATURE_NUMERIC) {
		if (type == JSCAN_NUMBER)
			(*x)[*i] = isfinite(num) ? num : FEATSET_MISSING;
		else if (type == JSCAN_TRUE || type == JSCAN_FALSE)
			(*x)[*i] = type == JSCAN_TRUE;
	} else if (type == JSCAN_STRING)
		(*x)[*i] = (double)featset_cat_add(f, s, slen);
}

/*
 * Training-time conversion: like featset_row_scan(), but fields not seen
 * before become features (when featset_candidate() allows) and new
 * categories are added.  nums[j] is member j's value when it is a number
 * (nums may be NULL: then they are converted here); col[j] its column
 * number, looked up and updated as in featset_row_scan().  *x (capacity
 * *cap) grows with the schema.  Returns 0, or -1 for an escaped string
 * (use featset_learn_json()).
 */
int
featset_learn_scan(struct featset *fs, const struct jscan_member *m,
    const double *nums, long *col, size_t n, double **x, size_t *cap)
{
	grow_x(fs, x, cap);
	for (size_t i = 0; i < fs->n; i++)
		(*x)[i] = FEATSET_MISSING;
	for (size_t j = 0; j < n; j++)
		if (m[j].type == JSCAN_STRING && m[j].escaped)
			return -1;
	for (size_t j = 0; j < n; j++) {
		bool str = m[j].type == JSCAN_STRING;
		double v = 0;

		if (m[j].type == JSCAN_NUMBER)
			v = nums != NULL ? nums[j]
					 : jscan_number(m[j].val, m[j].vallen);
		learn_value(fs, m[j].key, m[j].keylen, &col[j], m[j].type,
		    str ? m[j].val + 1 : NULL, str ? m[j].vallen - 2 : 0, v, x,
		    cap);
	}
	return 0;
}

/* featset_learn_scan() for a jansson record (borrowed). */
void
featset_learn_json(struct featset *fs, json_t *rec, double **x, size_t *cap)
{
	const char *key;
	json_t *v;

	grow_x(fs, x, cap);
	for (size_t i = 0; i < fs->n; i++)
		(*x)[i] = FEATSET_MISSING;
	json_object_foreach(rec, key, v) {
		long i = FEATSET_COL_UNKNOWN;

		learn_value(fs, key, strlen(key), &i, type_of(v),
		    json_is_string(v) ? json_string_value(v) : NULL,
		    json_is_string(v) ? json_string_length(v) : 0,
		    json_is_number(v) ? json_number_value(v) : 0, x, cap);
	}
}
