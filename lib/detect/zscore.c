/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Welford z-scores per key (see zscore.h), the state file and the state
 * lines exchanged through --model-in / --model-out.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/keymap.h"
#include "io/atomicfile.h"
#include "io/statefile.h"
#include "io/ndjson.h"
#include "record/idkey.h"
#include "series/likelihood.h"
#include "detect/zscore.h"

/* |z| beyond this is as unusual as it gets: one value cannot blind the
 * likelihood stage to the next ones. */
#define Z_CAP 10

struct zscore {
	double k;
	bool one_sided;
	size_t min_count; /* points seen before a key can be anomalous */
	struct keymap *map;
};

static void
release(const char *key, void *value, void *arg)
{
	(void)key;
	(void)arg;
	free(value);
}

/* New state: threshold k standard deviations, at most max_keys keys. */
struct zscore *
zscore_new(double k, bool one_sided, size_t min_count, size_t max_keys)
{
	struct zscore *z = xcalloc(1, sizeof(*z));

	z->k = k;
	z->one_sided = one_sided;
	z->min_count = min_count < 2 ? 2 : min_count;
	z->map = keymap_new(max_keys, release, NULL);
	return z;
}

/* Free z; NULL is a no-op. */
void
zscore_free(struct zscore *z)
{
	if (z == NULL)
		return;
	keymap_free(z->map);
	free(z);
}

static struct zscore_stat *
key_state(struct zscore *z, const char *key)
{
	struct zscore_stat *k = keymap_get(z->map, key);

	if (k == NULL) {
		k = xcalloc(1, sizeof(*k));
		keymap_put(z->map, key, k);
	}
	return k;
}

/*
 * Score x against key's statistics so far, then add it to them.  The
 * anomaly flag is |z| > k (one-sided: z > k); the score is |z| (one-sided:
 * z above 0) through the likelihood stage, 0 while z is undefined.
 */
void
zscore_point(
    struct zscore *z, const char *key, double x, struct zscore_result *r)
{
	struct zscore_stat *st = key_state(z, key);
	const struct likelihood_conf lc = LIKELIHOOD_CONF_DEFAULT;
	double d, mean, m2, raw = -1;

	r->z = NAN;
	r->score = 0;
	r->anomaly = false;
	r->refused = false;
	if (st->n >= (double)z->min_count) {
		double sd = sqrt(st->m2 / (st->n - 1));

		if (sd > 0) {
			r->z = (x - st->mean) / sd;
			raw = z->one_sided ? fmax(r->z, 0) : fabs(r->z);
			r->anomaly = raw > z->k;
		} else {
			/* a constant series that moves: infinitely far */
			bool moved =
			    z->one_sided ? x > st->mean : x != st->mean;

			raw = moved ? Z_CAP : 0;
			r->anomaly = moved;
		}
	}
	/* A value the statistics cannot take finite is refused, uncounted. */
	d = x - st->mean;
	mean = st->mean + d / (st->n + 1);
	m2 = st->m2 + d * (x - mean);
	if (!isfinite(d) || !isfinite(mean) || !isfinite(m2)) {
		*r = (struct zscore_result){.z = NAN, .refused = true};
		return;
	}
	if (raw >= 0)
		r->score = likelihood_step(&st->lik, fmin(raw, Z_CAP), &lc);
	st->n++;
	st->mean = mean;
	st->m2 = m2;
}

/* Replace key's statistics. */
void
zscore_set(struct zscore *z, const char *key, const struct zscore_stat *st)
{
	*key_state(z, key) = *st;
}

/* The likelihood stage from [n,avg,mean,var]; 0, or -1 if it is not one. */
static int
lik_read(const json_t *a, struct likelihood *l)
{
	double v[4];

	if (!json_is_array(a) || json_array_size(a) != 4)
		return -1;
	for (size_t i = 0; i < 4; i++) {
		const json_t *e = json_array_get(a, i);

		if (!json_is_number(e) || !isfinite(json_number_value(e)))
			return -1;
		v[i] = json_number_value(e);
	}
	if (v[0] < 1 || v[3] < 0)
		return -1;
	*l = (struct likelihood){v[0], v[1], v[2], v[3]};
	return 0;
}

/*
 * Apply one state line {"id":..,"n":..,"mean":..,"m2":..}.  Returns 0, or
 * -1 with a reason in why.
 */
int
zscore_apply_line(
    struct zscore *z, const char *line, size_t len, char *why, size_t whylen)
{
	json_t *rec = ndjson_parse(line, len, why, whylen), *id;
	struct zscore_stat st = {0};
	json_t *lik;
	const char *names[] = {"n", "mean", "m2"};
	double *dst[] = {&st.n, &st.mean, &st.m2};
	struct buf key;

	if (rec == NULL)
		return -1;
	id = json_object_get(rec, "id");
	if (!json_is_string(id) && !json_is_integer(id)) {
		snprintf(why, whylen, "missing or non-string field 'id'");
		json_decref(rec);
		return -1;
	}
	for (int i = 0; i < 3; i++) {
		json_t *v = json_object_get(rec, names[i]);

		if (!json_is_number(v)) {
			snprintf(why, whylen,
			    "missing or non-numeric field "
			    "'%s'",
			    names[i]);
			json_decref(rec);
			return -1;
		}
		*dst[i] = json_number_value(v);
	}
	/* What zscore_point() leaves: n whole, >= 1; all finite; m2 >= 0. */
	if (!(st.n >= 1 && st.n <= 9007199254740992.0 && st.n == floor(st.n)) ||
	    !isfinite(st.mean) || !isfinite(st.m2) || st.m2 < 0) {
		snprintf(why, whylen,
		    "not a state this program writes: n %.17g, mean %.17g, "
		    "m2 %.17g",
		    st.n, st.mean, st.m2);
		json_decref(rec);
		return -1;
	}
	if ((lik = json_object_get(rec, "lik")) != NULL &&
	    lik_read(lik, &st.lik) < 0) {
		snprintf(why, whylen,
		    "field 'lik' is not [n,avg,mean,var] with n >= 1, var >= "
		    "0");
		json_decref(rec);
		return -1;
	}
	buf_init(&key);
	idkey_text(&key, id);
	zscore_set(z, key.data, &st);
	buf_release(&key);
	json_decref(rec);
	return 0;
}

/*
 * Load a state file.  A missing file is an empty state (returns 0), and
 * so is one that is not a regular file (lib/io/statefile).  Returns -1
 * with err set (EX_NOINPUT for a directory, EX_DATAERR with file:line on
 * a bad line).
 */
int
zscore_load(struct zscore *z, const char *path, struct ad_err *err)
{
	FILE *fp = statefile_open(path, err);
	char *line = NULL, why[300];
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int rc = 0;

	if (fp == NULL)
		return err->status == EX_OK ? 0 : -1;
	while ((len = getline(&line, &cap, fp)) > 0) {
		lineno++;
		while (
		    len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		if (zscore_apply_line(z, line, (size_t)len, why, sizeof(why)) <
		    0) {
			ad_err_at(err, EX_DATAERR, path, lineno, "%s", why);
			rc = -1;
			break;
		}
	}
	free(line);
	fclose(fp);
	return rc;
}

struct dumpctx {
	void (*emit)(const char *, size_t, const char *, void *);
	void *arg;
	struct buf b;
};

static void
dump_one(const char *key, void *value, void *arg)
{
	struct dumpctx *d = arg;
	const struct zscore_stat *st = value;

	buf_reset(&d->b);
	buf_adds(&d->b, "{\"id\":");
	buf_add_json_string(&d->b, key, strlen(key));
	buf_adds(&d->b, ",\"n\":");
	buf_add_long(&d->b, (long long)st->n);
	buf_adds(&d->b, ",\"mean\":");
	buf_add_double(&d->b, st->mean);
	buf_adds(&d->b, ",\"m2\":");
	buf_add_double(&d->b, st->m2);
	if (st->lik.n > 0) {
		const double *l = &st->lik.n;

		buf_adds(&d->b, ",\"lik\":[");
		for (int i = 0; i < 4; i++) {
			if (i > 0)
				buf_addc(&d->b, ',');
			buf_add_double(&d->b, l[i]);
		}
		buf_addc(&d->b, ']');
	}
	buf_addc(&d->b, '}');
	d->emit(d->b.data, d->b.len, key, d->arg);
}

/* Call emit with each key's state line (no newline), oldest key first. */
void
zscore_dump(struct zscore *z,
    void (*emit)(const char *, size_t, const char *, void *), void *arg)
{
	struct dumpctx d = {.emit = emit, .arg = arg};

	buf_init(&d.b);
	keymap_foreach(z->map, dump_one, &d);
	buf_release(&d.b);
}

static void
emit_line(const char *line, size_t len, const char *key, void *arg)
{
	(void)key;
	buf_add(arg, line, len);
	buf_addc(arg, '\n');
}

/*
 * Save the state to path atomically (lib/io/atomicfile: temporary file,
 * fsync, rename; a FIFO or a device is written into, a link followed;
 * after a stop, a reader that takes nothing holds it up 500 ms at most).
 * Returns 0, or -1 with err set (EX_CANTCREAT, EX_IOERR).
 */
int
zscore_save(struct zscore *z, const char *path, struct ad_err *err)
{
	struct buf b;
	int rc;

	buf_init(&b);
	zscore_dump(z, emit_line, &b);
	rc = atomicfile_save(path, b.data, b.len, err);
	buf_release(&b);
	return rc;
}

/* Keys held now. */
size_t
zscore_count(const struct zscore *z)
{
	return keymap_count(z->map);
}

/* --metrics fill (arg: the struct zscore): keys held, bytes, evictions. */
void
zscore_fill_metrics(struct metrics *m, void *arg)
{
	const struct zscore *z = arg;

	metrics_set_keys(m, z->map,
	    keymap_count(z->map) * sizeof(struct zscore_stat),
	    keymap_evicted(z->map));
}

/* Keys evicted so far. */
size_t
zscore_evicted(const struct zscore *z)
{
	return keymap_evicted(z->map);
}
