/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The z-score loop of ad-score (see zsrun.h).  Flat records take a fast
 * path (scan, append fields before the closing brace); others go through
 * jansson.  Output: the record with "score", "anomaly" and "z" (null
 * while the key has fewer than two values) appended.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/jscan.h"
#include "io/endpoint.h"
#include "io/ndjson.h"
#include "record/idkey.h"
#include "forest/scorer.h"
#include "detect/zscore.h"
#include "detect/zsrun.h"

/* State lines read by the --model-in thread, waiting to be applied. */
struct inbox {
	pthread_mutex_t mu;
	struct buf lines; /* NUL-separated */
	atomic_bool pending, done;
	atomic_bool caught_up; /* read to the end of what was there */
	struct source *src;
	const struct io_conf *conf; /* its warn hook hears what is skipped */
};

static void *
inbox_reader(void *arg)
{
	struct inbox *ib = arg;
	struct line line;
	struct ad_err e;

	ad_err_clear(&e);
	while (!ad_stop && source_next(ib->src, &line, &e) > 0) {
		pthread_mutex_lock(&ib->mu);
		buf_add(&ib->lines, line.buf, line.len);
		buf_addc(&ib->lines, '\0');
		atomic_store(&ib->pending, true);
		pthread_mutex_unlock(&ib->mu);
	}
	if (e.status != 0)
		io_warn_err(ib->conf, &e);
	atomic_store(&ib->done, true);
	return NULL;
}

static void
inbox_caught_up(void *arg)
{
	struct inbox *ib = arg;

	atomic_store(&ib->caught_up, true);
}

/*
 * Before the first record is scored: wait until the --model-in reader
 * has read the topic to its end (or ended, or conf's timeout passed:
 * said, and scoring starts with what was read).
 */
static void
inbox_wait(struct inbox *ib)
{
	int64_t deadline = clock_now_ns() + ib->conf->timeout_ms * 1000000;

	while (!atomic_load(&ib->caught_up) && !atomic_load(&ib->done) &&
	       !ad_stop) {
		if (clock_now_ns() >= deadline) {
			io_warn(ib->conf, NULL, 0,
			    "%s: not read to its end within %lld ms; scoring "
			    "with the statistics read so far",
			    source_name(ib->src),
			    (long long)ib->conf->timeout_ms);
			break;
		}
		clock_sleep_until_ns(clock_now_ns() + 5000000);
	}
}

static void
inbox_apply(struct inbox *ib, struct zscore *z)
{
	char why[300];

	pthread_mutex_lock(&ib->mu);
	for (size_t off = 0; off < ib->lines.len;) {
		const char *l = ib->lines.data + off;
		size_t n = strlen(l);

		if (n > 0 && zscore_apply_line(z, l, n, why, sizeof(why)) < 0)
			io_warn(ib->conf, NULL, 0, "%s: %s",
			    source_name(ib->src), why);
		off += n + 1;
	}
	buf_reset(&ib->lines);
	atomic_store(&ib->pending, false);
	pthread_mutex_unlock(&ib->mu);
}

struct pub {
	struct sink *snk;
	struct ad_err *e;
	int rc;
};

static void
publish_one(const char *line, size_t len, const char *key, void *arg)
{
	struct pub *p = arg;

	if (p->rc == 0 &&
	    sink_write(p->snk, line, len, key, strlen(key), p->e) < 0)
		p->rc = -1;
}

static int
checkpoint(const struct zsrun_opts *o, struct zscore *z, struct sink *mo,
    struct ad_err *e)
{
	struct pub p = {mo, e, 0};

	if (o->state && zscore_save(z, o->state, e) < 0)
		return -1;
	if (mo != NULL) {
		zscore_dump(z, publish_one, &p);
		if (p.rc < 0 || sink_flush(mo, e) < 0)
			return -1;
	}
	return 0;
}

static void
add_fields(struct buf *b, const struct zscore_result *r)
{
	buf_adds(b, "\"score\":");
	scorer_add_score(b, r->score);
	buf_adds(b, r->anomaly ? ",\"anomaly\":true,\"z\":"
			       : ",\"anomaly\":false,\"z\":");
	if (isnan(r->z))
		buf_adds(b, "null");
	else
		scorer_add_score(b, r->z);
	buf_addc(b, '}');
}

/* Why x was refused (zscore_result.refused); returns -1. */
static int
refused(double x, char *why, size_t whylen)
{
	snprintf(why, whylen,
	    "value %g is too far from its key's values: their variance "
	    "would overflow",
	    x);
	return -1;
}

/*
 * One record; returns 1 written to b (2 when it is anomalous), or -1 with
 * why.  key is scratch
 * space for the id's key text.
 */
static int
point(const struct zsrun_opts *o, struct zscore *z, const char *line,
    size_t len, struct jscan *js, struct buf *b, struct buf *key, char *why,
    size_t whylen)
{
	bool flat = jscan_object(js, line, len) == JSCAN_OK && scorer_plain(js);
	const struct jscan_member *fl = js->m;
	long idi = -1, vi = -1;
	size_t il = strlen(o->id), vl = strlen(o->field);
	struct zscore_result r;
	double x;
	json_t *rec, *idv, *v;

	buf_reset(b);
	buf_reset(key);
	for (size_t i = 0; flat && i < js->n; i++) {
		if (scorer_reserved(fl[i].key, fl[i].keylen) ||
		    (fl[i].type == JSCAN_STRING && fl[i].escaped)) {
			flat = false;
			break;
		}
		if (fl[i].keylen == il && memcmp(fl[i].key, o->id, il) == 0)
			idi = (long)i;
		if (fl[i].keylen == vl && memcmp(fl[i].key, o->field, vl) == 0)
			vi = (long)i;
	}
	if (flat && idi >= 0 && vi >= 0 && fl[vi].type == JSCAN_NUMBER &&
	    (fl[idi].type == JSCAN_STRING || fl[idi].type == JSCAN_NUMBER)) {
		x = jscan_number(fl[vi].val, fl[vi].vallen);
		if (isfinite(x) && idkey_scanned(key, &fl[idi])) {
			zscore_point(z, key->data, x, &r);
			if (r.refused)
				return refused(x, why, whylen);
			buf_add(b, line, scorer_close_brace(line, len));
			buf_addc(b, ',');
			add_fields(b, &r);
			return r.anomaly ? 2 : 1;
		}
	}
	if ((rec = ndjson_parse(line, len, why, whylen)) == NULL)
		return -1;
	idv = json_object_get(rec, o->id);
	v = json_object_get(rec, o->field);
	if (!json_is_string(idv) && !json_is_integer(idv)) {
		snprintf(
		    why, whylen, "missing or non-string key field '%s'", o->id);
		json_decref(rec);
		return -1;
	}
	if (!json_is_number(v) || !isfinite(json_number_value(v))) {
		snprintf(
		    why, whylen, "missing or non-numeric field '%s'", o->field);
		json_decref(rec);
		return -1;
	}
	buf_reset(key);
	idkey_text(key, idv);
	zscore_point(z, key->data, json_number_value(v), &r);
	if (r.refused) {
		refused(json_number_value(v), why, whylen);
		json_decref(rec);
		return -1;
	}
	for (const char *f[] = {"score", "anomaly", "z", NULL}, **p = f;
	     *p != NULL; p++)
		json_object_del(rec, *p);
	ndjson_dump(b, rec);
	b->len--;
	buf_addc(b, ',');
	add_fields(b, &r);
	json_decref(rec);
	return r.anomaly ? 2 : 1;
}

/*
 * Run the z-score loop over in, writing to out.  Lines that cannot be
 * applied from --model-in, a failed --model-in source and, with verbose,
 * the final counts go to conf's warn hook.  Returns 0, or -1 with err set
 * (the status of a failed write, save or source).
 */
int
zsrun(const struct zsrun_opts *o, struct recin *in, struct sink *out,
    int verbose, const struct io_conf *conf, struct ad_err *err)
{
	struct zscore *z =
	    zscore_new(o->k, o->one_sided, o->min_count, o->max_keys);
	struct jscan js;
	struct sink *mo = NULL;
	struct inbox *ib = xcalloc(1, sizeof(*ib));
	pthread_t tid;
	bool thread = false;
	struct ad_err e;
	struct line line;
	struct buf b, key;
	size_t n = 0;
	int rc, status = 0;

	ad_err_clear(&e);
	ib->conf = conf;
	buf_init(&b);
	buf_init(&key);
	jscan_init(&js);
	buf_init(&ib->lines);
	pthread_mutex_init(&ib->mu, NULL);
	if (o->state && zscore_load(z, o->state, &e) < 0)
		goto fail;
	if (o->model_out && (mo = sink_open(o->model_out, conf, &e)) == NULL)
		goto fail;
	if (o->model_in) {
		if ((ib->src = source_open(o->model_in, conf, &e)) == NULL)
			goto fail;
		if (strncmp(o->model_in, "kafka://", 8) != 0) {
			/* a file: apply all of it now, deterministically */
			inbox_reader(ib);
			inbox_apply(ib, z);
		} else {
			/* Kafka: read on; the backlog first, then score. */
			source_set_caught_up(ib->src, inbox_caught_up, ib);
			if (pthread_create(&tid, NULL, inbox_reader, ib) != 0) {
				ad_err_set(
				    &e, EX_OSERR, "cannot start a thread");
				goto fail;
			}
			thread = true;
			inbox_wait(ib);
			inbox_apply(ib, z);
		}
	}
	recin_set_metrics_fill(in, zscore_fill_metrics, z);
	while ((rc = recin_next_line(in, &line, &e)) > 0) {
		char why[300];
		int r;

		if (atomic_load(&ib->pending))
			inbox_apply(ib, z);
		r = point(
		    o, z, line.buf, line.len, &js, &b, &key, why, sizeof(why));
		if (r < 0 && recin_reject(in, "%s", why) < 0)
			break;
		if ((r == 2 || (r == 1 && !o->anomalies_only)) &&
		    ndjson_write_text(out, b.data, b.len, &e) < 0)
			goto fail;
		if (++n % o->save_every == 0 &&
		    (sink_flush(out, &e) < 0 || recin_commit(in, &e) < 0 ||
			checkpoint(o, z, mo, &e) < 0))
			goto fail;
	}
	if (rc < 0)
		goto fail;
	if (checkpoint(o, z, mo, &e) < 0)
		goto fail;
	if (verbose > 0)
		io_warn(conf, NULL, 0,
		    "%zu read, %zu rejected, %zu keys, %zu evicted",
		    recin_read_count(in), recin_reject_count(in),
		    zscore_count(z), zscore_evicted(z));
	goto out;
fail:
	*err = e;
	status = -1;
out:
	if (thread) {
		/* a file source ends by itself; a Kafka one is left running
		 * (it holds no state of ours) and the process exits */
		if (atomic_load(&ib->done)) {
			pthread_join(tid, NULL);
			source_close(ib->src);
		} else
			pthread_detach(tid);
	} else
		source_close(ib->src);
	if (mo != NULL && sink_close(mo, &e) < 0 && status == 0) {
		*err = e;
		status = -1;
	}
	if (!thread || atomic_load(&ib->done)) {
		buf_release(&ib->lines);
		pthread_mutex_destroy(&ib->mu);
		free(ib);
	}
	buf_release(&b);
	buf_release(&key);
	jscan_release(&js);
	recin_detach_metrics(in);
	zscore_free(z);
	return status;
}
