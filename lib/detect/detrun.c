/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-detect's record loop (see detrun.h).  Points are read by
 * lib/series/point, whose fast path keeps a flat record's bytes as they
 * are, so that the output is the input line with the new fields written
 * before its closing brace; only a record that already holds a field of
 * ours goes through jansson to lose it.
 */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/keymap.h"
#include "base/pool.h"
#include "detect/detrun.h"
#include "io/atomicfile.h"
#include "io/statefile.h"
#include "io/ndjson.h"
#include "series/point.h"

/*
 * One key's state: the time of its last point and its detector, which
 * follows it in the same slot of the pool.
 */
struct keystate {
	int64_t last_t;
	struct detector *d;
};

struct detrun {
	struct detrun_opts o;
	struct point_conf pc;
	struct point_parser pp;
	struct keymap *keys;
	struct pool *states; /* the keys' struct keystate and detector */
	struct buf tmp;
	size_t nparts;
};

/* Fields ad-detect writes ("parts" only with --parts). */
static const char *const ours[] = {"score", "anomaly", "parts"};

/* The defaults: fields id, ts, value; the detector's own threshold. */
void
detrun_opts_defaults(struct detrun_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->id = "id";
	o->time = "ts";
	o->field = "value";
	o->threshold = detector_default_threshold();
	o->max_keys = 100000;
	detector_defaults(&o->params);
}

/* Whether name is a field ad-detect writes. */
bool
detrun_reserved(const char *name)
{
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if (strcmp(name, ours[i]) == 0)
			return true;
	return false;
}

/*
 * The --disable option: arg is a comma-separated list of component
 * names, whose bits are set in the struct detector_params at params.
 * Returns 0, or -1 with err set (EX_USAGE) naming an unknown component
 * and listing the known ones.
 */
int
detrun_opt_disable(void *params, const char *arg, struct ad_err *err)
{
	struct detector_params *p = params;
	const char *s = arg;

	for (;;) {
		size_t n = strcspn(s, ",");
		char name[64];
		int i = -1;

		if (n > 0 && n < sizeof(name)) {
			memcpy(name, s, n);
			name[n] = '\0';
			i = detector_part_index(name);
		}
		if (i < 0) {
			struct buf known;

			buf_init(&known);
			for (size_t k = 0; k < detector_nparts(); k++)
				buf_addf(&known, "%s%s", k ? ", " : "",
				    detector_part_name(k));
			ad_err_set(err, EX_USAGE,
			    "--disable: no component '%.*s' (there are: %s)",
			    (int)(n < 64 ? n : 64), s, known.data);
			buf_release(&known);
			return -1;
		}
		p->disabled |= 1u << i;
		if (s[n] == '\0')
			return 0;
		s += n + 1;
	}
}

static void
release(const char *key, void *value, void *arg)
{
	struct detrun *r = arg;

	(void)key;
	pool_free(r->states, value);
}

/* A new key's state, its detector fresh. */
static struct keystate *
keystate_new(struct detrun *r)
{
	struct keystate *ks = pool_alloc(r->states);

	ks->d = (struct detector *)(ks + 1);
	detector_init(ks->d, &r->o.params);
	return ks;
}

/* A run with options o (copied).  Caller frees with detrun_free(). */
struct detrun *
detrun_new(const struct detrun_opts *o)
{
	struct detrun *r = xcalloc(1, sizeof(*r));

	r->o = *o;
	r->pc.id_field = o->id;
	r->pc.time_field = o->time;
	r->pc.fields[0] = o->field;
	r->pc.nfields = 1;
	r->pc.need_time = true;
	point_parser_init(&r->pp, &r->pc);
	r->states = pool_new(sizeof(struct keystate) + detector_bytes());
	r->keys = keymap_new(o->max_keys, release, r);
	buf_init(&r->tmp);
	r->nparts = detector_nparts();
	return r;
}

/* Free r and every key's detector; NULL is a no-op. */
void
detrun_free(struct detrun *r)
{
	if (r == NULL)
		return;
	keymap_free(r->keys);
	pool_destroy(r->states);
	point_parser_release(&r->pp);
	buf_release(&r->tmp);
	free(r);
}

static bool
is_ours(const struct detrun *r, const char *key, size_t len)
{
	size_t n = r->o.parts ? 3 : 2;

	for (size_t i = 0; i < n; i++)
		if (strlen(ours[i]) == len && memcmp(ours[i], key, len) == 0)
			return true;
	return false;
}

/* Whether the n bytes at s hold the string w. */
static bool
holds(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w);

	for (const char *e = s + n; (size_t)(e - s) >= wl; s++) {
		if ((s = memchr(s, w[0], (size_t)(e - s) - wl + 1)) == NULL)
			return false;
		if (memcmp(s, w, wl) == 0)
			return true;
	}
	return false;
}

/*
 * Whether the record may hold a field of ours.  Scanned records know
 * their keys; a record re-dumped by jansson is searched as text, where a
 * string value may look like a key (then it is parsed for nothing).
 */
static bool
maybe_ours(const struct detrun *r, const struct point *p, const char *line)
{
	const struct jscan *js = &r->pp.js;

	if (p->text == line) {
		for (size_t i = 0; i < js->n; i++)
			if (is_ours(r, js->m[i].key, js->m[i].keylen))
				return true;
		return false;
	}
	return holds(p->text, p->textlen, "\"score\":") ||
	       holds(p->text, p->textlen, "\"anomaly\":") ||
	       (r->o.parts && holds(p->text, p->textlen, "\"parts\":"));
}

/* The record's text without its fields of ours, without the final '}'. */
static void
add_without_ours(struct detrun *r, const struct point *p, struct buf *out)
{
	json_t *obj;

	buf_reset(&r->tmp);
	buf_add(&r->tmp, p->text, p->textlen);
	buf_addc(&r->tmp, '}');
	obj = json_loadb(r->tmp.data, r->tmp.len, 0, NULL);
	assert(obj != NULL); /* the point parser accepted it */
	for (size_t i = 0; i < (r->o.parts ? 3u : 2u); i++)
		json_object_del(obj, ours[i]);
	ndjson_dump(out, obj);
	out->len--; /* the '}' */
	if (json_object_size(obj) > 0)
		buf_addc(out, ',');
	json_decref(obj);
}

static void
add_fields(struct detrun *r, const struct detector_out *d, struct buf *out)
{
	buf_adds(out, "\"score\":");
	buf_add_double(out, d->score);
	buf_adds(out, d->score >= r->o.threshold ? ",\"anomaly\":true"
						 : ",\"anomaly\":false");
	if (r->o.parts) {
		bool first = true;

		buf_adds(out, ",\"parts\":{");
		for (size_t i = 0; i < r->nparts; i++) {
			if (r->o.params.disabled & (1u << i))
				continue;
			buf_adds(out, first ? "\"" : ",\"");
			buf_adds(out, detector_part_name(i));
			buf_adds(out, "\":");
			buf_add_double(out, d->parts[i]);
			first = false;
		}
		buf_addc(out, '}');
	}
	buf_addc(out, '}');
}

/* Whether the detector kept its contract: scores in [0,1], parts finite. */
static bool
sane(const struct detrun *r, const struct detector_out *d)
{
	if (!(d->score >= 0 && d->score <= 1))
		return false;
	for (size_t i = 0; i < r->nparts; i++)
		if (!isfinite(d->parts[i]))
			return false;
	return true;
}

/*
 * Score the record on line (len bytes, no newline) and put the output
 * line (no newline) in out.  Returns DETRUN_WRITTEN; DETRUN_REJECTED with
 * the reason in why for a bad record (no state changed); DETRUN_BROKEN
 * with why when the detector returned a score outside [0,1] or a part
 * that is not finite.
 */
enum detrun_result
detrun_line(struct detrun *r, const char *line, size_t len, struct buf *out,
    char *why, size_t whylen)
{
	struct point p;
	struct keystate *ks;
	struct detector_out d;

	if (point_parse(&r->pp, line, len, &p, why, whylen) <= 0)
		return DETRUN_REJECTED;
	if (!p.has_id) {
		snprintf(
		    why, whylen, "missing or null key field '%s'", r->o.id);
		return DETRUN_REJECTED;
	}
	if ((ks = keymap_get(r->keys, p.key)) != NULL) {
		if (p.t_ms < ks->last_t) {
			snprintf(why, whylen,
			    "time goes back %lld ms for key '%.100s'",
			    (long long)(ks->last_t - p.t_ms), p.key);
			return DETRUN_REJECTED;
		}
	} else {
		ks = keystate_new(r);
		keymap_put(r->keys, p.key, ks);
	}
	detector_step(ks->d, p.t_ms, p.v[0], &d);
	ks->last_t = p.t_ms;
	if (!sane(r, &d)) {
		snprintf(why, whylen,
		    "detector: score %g out of [0,1] or a part not finite "
		    "for key '%.100s'",
		    d.score, p.key);
		return DETRUN_BROKEN;
	}
	buf_reset(out);
	if (maybe_ours(r, &p, line)) {
		add_without_ours(r, &p, out);
	} else {
		buf_add(out, p.text, p.textlen);
		if (!p.empty)
			buf_addc(out, ',');
	}
	add_fields(r, &d, out);
	return DETRUN_WRITTEN;
}

/* Read one state line into r; 0, or -1 with why. */
static int
load_line(
    struct detrun *r, const char *line, size_t len, char *why, size_t whylen)
{
	json_t *rec = ndjson_parse(line, len, why, whylen), *id, *t, *st;
	struct keystate *ks;
	struct detector *d;
	char *text = NULL;
	int rc = -1;

	if (rec == NULL)
		return -1;
	id = json_object_get(rec, "id");
	t = json_object_get(rec, "t");
	st = json_object_get(rec, "state");
	if (!json_is_string(id))
		snprintf(why, whylen, "missing or non-string field 'id'");
	else if (!json_is_integer(t))
		snprintf(why, whylen, "missing or non-integer field 't'");
	else if (!json_is_object(st))
		snprintf(why, whylen, "missing or non-object field 'state'");
	else if ((text = json_dumps(st, JSON_COMPACT)) != NULL &&
		 (d = detector_load(
		      &r->o.params, text, strlen(text), why, whylen)) != NULL) {
		ks = keystate_new(r);
		memcpy(ks->d, d, detector_bytes());
		detector_free(d);
		ks->last_t = json_integer_value(t);
		keymap_put(r->keys, json_string_value(id), ks);
		rc = 0;
	}
	free(text);
	json_decref(rec);
	return rc;
}

/*
 * Load the state file at path into r (keys in the file replace keys of
 * the same name; beyond max_keys the oldest are evicted).  A missing file
 * is an empty state (returns 0), and so is one that is not a regular
 * file (lib/io/statefile).  Returns -1 with err set: EX_NOINPUT when the
 * file cannot be opened or is a directory, EX_DATAERR with path:line on
 * a bad line (the keys before it are loaded).
 */
int
detrun_load(struct detrun *r, const char *path, struct ad_err *err)
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
		if (load_line(r, line, (size_t)len, why, sizeof(why)) < 0) {
			ad_err_at(err, EX_DATAERR, path, lineno, "%s", why);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(fp)) {
		ad_err_set(err, EX_IOERR, "cannot read '%s': %s", path,
		    strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(fp);
	return rc;
}

static void
save_one(const char *key, void *value, void *arg)
{
	const struct keystate *ks = value;
	struct buf *b = arg;

	buf_adds(b, "{\"id\":");
	buf_add_json_string(b, key, strlen(key));
	buf_adds(b, ",\"t\":");
	buf_add_long(b, (long long)ks->last_t);
	buf_adds(b, ",\"state\":");
	detector_save(ks->d, b);
	buf_adds(b, "}\n");
}

/*
 * Save every key's state to path atomically (lib/io/atomicfile), the
 * least recently seen key first, so that loading keeps the order.
 * Returns 0, or -1 with err set (EX_CANTCREAT, EX_IOERR).
 */
int
detrun_save(struct detrun *r, const char *path, struct ad_err *err)
{
	struct buf b;
	int rc;

	buf_init(&b);
	keymap_foreach(r->keys, save_one, &b);
	rc = atomicfile_save(path, b.data, b.len, err);
	buf_release(&b);
	return rc;
}

/* Keys held now. */
size_t
detrun_count(const struct detrun *r)
{
	return keymap_count(r->keys);
}

/* Keys evicted so far to stay within max_keys. */
size_t
detrun_evicted(const struct detrun *r)
{
	return keymap_evicted(r->keys);
}

/* --metrics fill (arg: the struct detrun): keys held, bytes, evictions. */
void
detrun_fill_metrics(struct metrics *m, void *arg)
{
	const struct detrun *r = arg;

	metrics_set_keys(m, r->keys,
	    keymap_count(r->keys) *
		(detector_bytes() + sizeof(struct keystate)),
	    keymap_evicted(r->keys));
}

/*
 * Bytes one key of keylen bytes takes: its pool slot (the detector's
 * state and ours, rounded up to 16), the keymap's entry with its copy of
 * the key and an allocator's header (16 bytes with glibc), and a bucket
 * slot.  The pool takes memory 2 MiB at a time.
 */
size_t
detrun_key_bytes(size_t keylen)
{
	size_t slot =
	    (detector_bytes() + sizeof(struct keystate) + 15) / 16 * 16;
	size_t entry = 5 * sizeof(void *) + sizeof(uint64_t) + keylen + 1;

	return slot + entry + 16 + 2 * sizeof(void *);
}

/*
 * Run over in, writing to out: load the state file, score every record,
 * save the state file.  Bad records are rejected through in (reported,
 * counted, dead-lettered); with verbose the counts go to conf's warn
 * hook at the end.  Returns 0, or -1 with err set: a failed read, write,
 * load or save, or EX_SOFTWARE at source:line when the detector broke
 * its contract.
 */
int
detrun(const struct detrun_opts *o, struct recin *in, struct sink *out,
    int verbose, const struct io_conf *conf, struct ad_err *err)
{
	struct detrun *r = detrun_new(o);
	struct line line;
	struct buf b;
	struct ad_err e;
	int rc, status = 0;

	ad_err_clear(&e);
	buf_init(&b);
	if (o->state && detrun_load(r, o->state, &e) < 0)
		goto fail;
	recin_set_metrics_fill(in, detrun_fill_metrics, r);
	while ((rc = recin_next_line(in, &line, &e)) > 0) {
		char why[300];
		enum detrun_result res =
		    detrun_line(r, line.buf, line.len, &b, why, sizeof(why));

		if (res == DETRUN_REJECTED) {
			if (recin_reject(in, "%s", why) < 0)
				break;
			continue;
		}
		if (res == DETRUN_BROKEN) {
			ad_err_at(&e, EX_SOFTWARE, recin_source_name(in),
			    recin_lineno(in), "%s", why);
			goto fail;
		}
		if (ndjson_write_text(out, b.data, b.len, &e) < 0)
			goto fail;
	}
	if (rc < 0)
		goto fail;
	if (o->state && detrun_save(r, o->state, &e) < 0)
		goto fail;
	if (verbose > 0)
		io_warn(conf, NULL, 0,
		    "%zu read, %zu rejected, %zu keys, %zu evicted, "
		    "%zu bytes of state per key (about %zu in all with a "
		    "16-byte key)",
		    recin_read_count(in), recin_reject_count(in),
		    detrun_count(r), detrun_evicted(r), detector_bytes(),
		    detrun_key_bytes(16));
	goto out;
fail:
	*err = e;
	status = -1;
out:
	buf_release(&b);
	recin_detach_metrics(in);
	detrun_free(r);
	return status;
}
