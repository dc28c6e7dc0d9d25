/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Training driver of ad-forecast (see fctrain.h).  The split follows the
 * PyTorch baseline: of a key's n points the first floor(n * (1 - val))
 * are the training part, whose min and max normalise the whole series;
 * training windows are those whose target lies in the training part,
 * validation windows those whose target lies in the tail.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lstm/fctrain.h"
#include "base/clock.h"
#include "base/keymap.h"
#include "io/ndjson.h"
#include "lstm/forecast.h"
#include "lstm/lstm.h"
#include "base/progress.h"

/* Collected series: release with fctrain_data_release(). */
void
fctrain_data_init(struct fctrain_data *d)
{
	memset(d, 0, sizeof(*d));
	d->map = keymap_new(0, NULL, NULL);
}

/* Append a point to the series of key (created on first sight). */
void
fctrain_data_add(struct fctrain_data *d, const char *key, bool has_time,
    int64_t t_ms, double v)
{
	size_t i = (size_t)(uintptr_t)keymap_get(d->map, key);
	struct fc_series *s;

	if (i == 0) {
		if (d->n == d->cap) {
			d->cap = d->cap ? 2 * d->cap : 16;
			d->s = xreallocarray(d->s, d->cap, sizeof(*d->s));
		}
		s = &d->s[d->n++];
		memset(s, 0, sizeof(*s));
		s->key = xstrdup(key);
		s->timed = true;
		keymap_put(d->map, key, (void *)(uintptr_t)d->n);
	} else {
		s = &d->s[i - 1];
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 4; /* most keys may be short */
		s->v = xreallocarray(s->v, s->cap, sizeof(double));
		s->t = xreallocarray(s->t, s->cap, sizeof(int64_t));
	}
	s->v[s->n] = v;
	s->t[s->n] = t_ms;
	s->timed = s->timed && has_time;
	s->n++;
}

/*
 * Add every metric point of in to d, its key, time and value read from
 * the fields idf, timef and valf; a record that is not one is rejected
 * through recin_reject().  Returns 0 at the end of the input (or where
 * --strict stops it), -1 with err set on a read error.
 */
int
fctrain_data_read(struct fctrain_data *d, struct recin *in, const char *idf,
    const char *timef, const char *valf, struct ad_err *err)
{
	struct forecast_point p;
	struct buf key;
	char why[300];
	json_t *rec;
	int rc;

	ad_err_clear(err);
	buf_init(&key);
	while ((rc = recin_next(in, &rec, err)) > 0) {
		rc = forecast_decode(
		    rec, idf, timef, valf, &key, &p, why, sizeof(why));
		if (rc == 0)
			fctrain_data_add(d, p.key, p.has_time, p.t_ms, p.value);
		json_decref(rec);
		if (rc < 0 && recin_reject(in, "%s", why) < 0)
			break;
	}
	buf_release(&key);
	if (rc < 0 && err->status != EX_OK)
		return -1;
	/* recin has reported an operand it could not open, and gone on */
	ad_err_clear(err);
	return 0;
}

/* Free what d holds; d may be reused after fctrain_data_init(). */
void
fctrain_data_release(struct fctrain_data *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->s[i].key);
		free(d->s[i].v);
		free(d->s[i].t);
	}
	free(d->s);
	keymap_free(d->map);
	memset(d, 0, sizeof(*d));
}

struct tv {
	int64_t t;
	size_t i;
	double v;
};

static int
cmp_tv(const void *a, const void *b)
{
	const struct tv *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Put a timed series in time order (stable for equal times). */
static void
sort_by_time(struct fc_series *s)
{
	struct tv *tv = xcalloc(s->n + 1, sizeof(*tv));

	for (size_t i = 0; i < s->n; i++)
		tv[i] = (struct tv){s->t[i], i, s->v[i]};
	qsort(tv, s->n, sizeof(*tv), cmp_tv);
	for (size_t i = 0; i < s->n; i++) {
		s->t[i] = tv[i].t;
		s->v[i] = tv[i].v;
	}
	free(tv);
}

static int
cmp_series(const void *a, const void *b)
{
	return strcmp(((const struct fc_series *)a)->key,
	    ((const struct fc_series *)b)->key);
}

/* One key's share of the normalised data. */
struct part {
	struct fc_series *s;
	struct lstmfile_key *key;
	size_t off;	 /* first point in the big series */
	size_t tr0, ntr; /* its training windows in the train array */
	size_t va0, nva; /* its validation windows */
	json_t *rep;	 /* its report entry (borrowed) */
};

struct ctx {
	struct progress prog;
	uint64_t done;
	json_t *loss; /* borrowed array of the current model */
	int64_t t0;   /* clock_now_ns() at the start */
	const struct fctrain_conf *conf;
	const char *model; /* name of the model in training, for on_epoch */
};

static double
elapsed(int64_t t0)
{
	return (double)(clock_now_ns() - t0) * 1e-9;
}

static void
on_batch(void *arg)
{
	struct ctx *c = arg;

	progress_update(&c->prog, ++c->done);
}

static json_t *
real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static void
on_epoch(void *arg, size_t epoch, double train_loss, double val_loss)
{
	struct ctx *c = arg;

	json_array_append_new(
	    c->loss, json_pack("{s:I, s:o, s:o, s:f}", "epoch",
			 (json_int_t)epoch, "train", real_or_null(train_loss),
			 "val", real_or_null(val_loss), "seconds",
			 round(elapsed(c->t0) * 1000) / 1000));
	if (c->conf->on_epoch != NULL)
		c->conf->on_epoch(c->model, epoch, c->conf->epochs, train_loss,
		    val_loss, c->conf->arg);
}

/* Error statistics and validation RMSE of each key in parts[0..np-1]. */
static int
key_errors(const struct lstm *net, const float *series, const size_t *tr,
    const size_t *va, struct part *parts, size_t np,
    const struct fctrain_conf *c, struct ad_err *err)
{
	for (size_t k = 0; k < np; k++) {
		struct part *p = &parts[k];
		const size_t *idx = p->nva > 0 ? va + p->va0 : tr + p->tr0;
		size_t n = p->nva > 0 ? p->nva : p->ntr;
		float *pred = xcalloc(n + 1, sizeof(float));
		double sum = 0, sq = 0, range = p->key->max - p->key->min;

		if (lstm_predict_many(net, series, idx, n, c->window,
			c->threads, pred, err) < 0) {
			free(pred);
			return -1;
		}
		for (size_t i = 0; i < n; i++) {
			double e = (double)series[idx[i] + c->window] - pred[i];

			sum += e;
			sq += e * e;
		}
		p->key->err_mean = sum / (double)n;
		p->key->err_sd =
		    n > 1 ? sqrt(fmax(0,
				(sq - sum * sum / (double)n) / (double)(n - 1)))
			  : 0;
		if (!(range > 0))
			range = 1;
		json_object_set_new(p->rep, "val_rmse",
		    p->nva > 0 ? json_real(sqrt(sq / (double)n) * range)
			       : json_null());
		free(pred);
	}
	return 0;
}

static int
train_net(struct lstm *net, const float *series, const size_t *tr, size_t ntr,
    const size_t *va, size_t nva, const struct fctrain_conf *c, struct ctx *ctx,
    json_t *entry, struct ad_err *err)
{
	struct lstm_fit_conf fc = {.window = c->window,
	    .epochs = c->epochs,
	    .batch = c->batch,
	    .threads = c->threads,
	    .lr = c->lr,
	    .seed = c->seed,
	    .on_batch = on_batch,
	    .on_epoch = on_epoch,
	    .arg = ctx};

	ctx->loss = json_array();
	json_object_set_new(
	    entry, "train_windows", json_integer((json_int_t)ntr));
	json_object_set_new(
	    entry, "val_windows", json_integer((json_int_t)nva));
	json_object_set_new(entry, "loss", ctx->loss);
	lstm_init_params(net, c->seed);
	return lstm_fit(net, series, tr, ntr, va, nva, &fc, err);
}

/*
 * The defaults of ad-forecast train: a window of 30, 64 units, 20 epochs
 * of batches of 128 at a learning rate of 0.001, a validation tail of
 * 0.2, one model per key, seed 0, a thread per core (at most 64), the
 * fields id, ts and value.
 */
void
fctrain_conf_init(struct fctrain_conf *c)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	*c = (struct fctrain_conf){.window = 30,
	    .hidden = 64,
	    .epochs = 20,
	    .batch = 128,
	    .lr = 0.001,
	    .val = 0.2,
	    .threads = ncpu < 1	   ? 1
		       : ncpu > 64 ? 64
				   : (size_t)ncpu,
	    .id_field = "id",
	    .time_field = "ts",
	    .value_field = "value"};
}

/*
 * Train on d as c says.  Returns a new model (caller frees with
 * lstmfile_free()) and a new JSON report in *report, or NULL with err set
 * (EX_DATAERR when no key has enough points).  Keys too short to train on
 * are left out and listed in the report's "skipped".
 */
struct lstmfile *
fctrain(struct fctrain_data *d, const struct fctrain_conf *c, json_t **report,
    struct ad_err *err)
{
	struct lstmfile *m = xcalloc(1, sizeof(*m));
	struct part *parts = xcalloc(d->n + 1, sizeof(*parts));
	size_t total = 0, np = 0, ntr = 0, nva = 0, nbatch = 0, at = 0;
	size_t *tr, *va;
	float *series;
	json_t *rep = json_object(), *models = json_array(),
	       *keys = json_array();
	json_t *skipped = json_array();
	struct ctx ctx;
	int rc = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.conf = c;
	ctx.t0 = clock_now_ns();
	if (d->n > 1) /* qsort(NULL, 0, ...) is undefined behaviour */
		qsort(d->s, d->n, sizeof(*d->s), cmp_series);
	for (size_t i = 0; i < d->n; i++) {
		struct fc_series *s = &d->s[i];
		size_t ntrain = (size_t)((double)s->n * (1.0 - c->val));

		if (s->timed)
			sort_by_time(s);
		if (ntrain < c->window + 1) {
			json_array_append_new(
			    skipped, json_pack("{s:s, s:I}", "key", s->key,
					 "points", (json_int_t)s->n));
			continue;
		}
		parts[np++].s = s;
		total += s->n;
	}
	m->window = c->window;
	m->hidden = c->hidden;
	m->shared = c->shared;
	m->id_field = xstrdup(c->id_field);
	m->time_field = xstrdup(c->time_field);
	m->value_field = xstrdup(c->value_field);
	m->nkeys = np;
	m->keys = xcalloc(np + 1, sizeof(*m->keys));
	m->nnets = c->shared ? 1 : np;
	m->nets = xcalloc(m->nnets + 1, sizeof(*m->nets));
	series = xcalloc(total + 1, sizeof(float));
	tr = xcalloc(total + 1, sizeof(size_t));
	va = xcalloc(total + 1, sizeof(size_t));
	for (size_t k = 0; k < np; k++) {
		struct part *p = &parts[k];
		struct fc_series *s = p->s;
		size_t ntrain = (size_t)((double)s->n * (1.0 - c->val));
		double lo = s->v[0], hi = s->v[0], range;

		for (size_t i = 1; i < ntrain; i++) {
			lo = fmin(lo, s->v[i]);
			hi = fmax(hi, s->v[i]);
		}
		range = hi > lo ? hi - lo : 1;
		p->key = &m->keys[k];
		p->key->name = xstrdup(s->key);
		p->key->min = lo;
		p->key->max = hi;
		p->key->net = c->shared ? 0 : k;
		p->key->points = s->n;
		p->off = at;
		for (size_t i = 0; i < s->n; i++)
			series[at + i] = (float)((s->v[i] - lo) / range);
		p->tr0 = ntr;
		p->va0 = nva;
		for (size_t i = 0; i + c->window < s->n; i++) {
			if (i + c->window < ntrain)
				tr[ntr++] = at + i;
			else
				va[nva++] = at + i;
		}
		p->ntr = ntr - p->tr0;
		p->nva = nva - p->va0;
		nbatch += (p->ntr + c->batch - 1) / c->batch;
		at += s->n;
		p->rep = json_pack("{s:s, s:I, s:f, s:f}", "key", s->key,
		    "points", (json_int_t)s->n, "min", lo, "max", hi);
		json_array_append_new(keys, p->rep);
	}
	if (np == 0) {
		ad_err_set(err, EX_DATAERR,
		    "no key has enough points to train on (a window of %zu "
		    "needs at least %zu training points)",
		    c->window, c->window + 1);
		rc = -1;
		goto out;
	}
	if (c->shared)
		nbatch = (ntr + c->batch - 1) / c->batch;
	progress_init(&ctx.prog, "train", (uint64_t)nbatch * c->epochs);
	for (size_t n = 0; n < m->nnets && rc == 0; n++) {
		json_t *entry = json_object(), *names = json_array();
		struct part *p = &parts[n];

		m->nets[n] = lstm_new(c->hidden);
		json_array_append_new(models, entry);
		for (size_t k = 0; k < np; k++)
			if (c->shared || k == n)
				json_array_append_new(
				    names, json_string(parts[k].s->key));
		json_object_set_new(entry, "keys", names);
		ctx.model = c->shared ? "shared" : p->s->key;
		if (c->shared)
			rc = train_net(m->nets[n], series, tr, ntr, va, nva, c,
			    &ctx, entry, err);
		else
			rc = train_net(m->nets[n], series, tr + p->tr0, p->ntr,
			    va + p->va0, p->nva, c, &ctx, entry, err);
		for (size_t i = 0; rc == 0 && i < m->nets[n]->nparam; i++)
			if (!isfinite(m->nets[n]->p[i])) {
				ad_err_set(err, EX_DATAERR,
				    "training diverged (weights not finite); "
				    "try a smaller --lr");
				rc = -1;
			}
		if (rc == 0)
			rc = key_errors(m->nets[n], series, tr, va,
			    c->shared ? parts : p, c->shared ? np : 1, c, err);
	}
	progress_done(&ctx.prog);
	for (size_t k = 0; k < np; k++) {
		json_object_set_new(parts[k].rep, "err_mean",
		    json_real(parts[k].key->err_mean));
		json_object_set_new(
		    parts[k].rep, "err_sd", json_real(parts[k].key->err_sd));
	}
out:
	json_object_set_new(rep, "window", json_integer((json_int_t)c->window));
	json_object_set_new(rep, "hidden", json_integer((json_int_t)c->hidden));
	json_object_set_new(rep, "epochs", json_integer((json_int_t)c->epochs));
	json_object_set_new(rep, "batch", json_integer((json_int_t)c->batch));
	json_object_set_new(rep, "lr", json_real(c->lr));
	json_object_set_new(rep, "val", json_real(c->val));
	json_object_set_new(rep, "shared", json_boolean(c->shared));
	json_object_set_new(rep, "seed", json_integer((json_int_t)c->seed));
	json_object_set_new(
	    rep, "threads", json_integer((json_int_t)c->threads));
	json_object_set_new(
	    rep, "seconds", json_real(round(elapsed(ctx.t0) * 1000) / 1000));
	json_object_set_new(rep, "models", models);
	json_object_set_new(rep, "keys", keys);
	json_object_set_new(rep, "skipped", skipped);
	*report = rep;
	free(series);
	free(tr);
	free(va);
	free(parts);
	if (rc < 0) {
		lstmfile_free(m);
		return NULL;
	}
	lstmfile_sort(m);
	return m;
}

/*
 * ad-forecast train's work: read the points of in with the fields c
 * names (fctrain_data_read()), train on them (fctrain()), and tell c->warn
 * (unless c->quiet) about each key too short to train on.  Returns a new
 * model (caller frees with lstmfile_free()), or NULL: with err set on a
 * read error or when no key has enough points, with err clear when not
 * one point could be read because no input could be opened
 * (recin_status(in) says so).  *report is set to a new JSON report, or
 * NULL when training did not start; caller decrefs it.
 */
struct lstmfile *
fctrain_recin(struct recin *in, const struct fctrain_conf *c, json_t **report,
    struct ad_err *err)
{
	struct fctrain_data d;
	struct lstmfile *m = NULL;
	json_t *skip;
	size_t i;

	*report = NULL;
	fctrain_data_init(&d);
	if (fctrain_data_read(
		&d, in, c->id_field, c->time_field, c->value_field, err) < 0)
		goto out;
	if (d.n == 0 && recin_status(in) == EX_NOINPUT)
		goto out;
	m = fctrain(&d, c, report, err);
	if (!c->quiet && c->warn != NULL)
		json_array_foreach(
		    json_object_get(*report, "skipped"), i, skip) {
			ad_say(c->warn, c->arg,
			    "key '%s': %lld points, too few to train on",
			    json_string_value(json_object_get(skip, "key")),
			    (long long)json_integer_value(
				json_object_get(skip, "points")));
		}
out:
	fctrain_data_release(&d);
	return m;
}
