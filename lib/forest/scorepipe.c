/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The ad-score pipeline (see scorepipe.h).  Hand-over is per batch of up
 * to BATCH records, so the two threads meet (a mutex and a condition
 * variable) a few hundred times per 100,000 records, not per record.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/ndjson.h"
#include "io/reload.h"
#include "forest/scorepipe.h"

#define BATCH 256
#define KICK_MS 100 /* see wait_idle() */

struct batch {
	struct scorepipe_item item[BATCH];
	size_t n;
};

struct scorepipe {
	struct batch b[2];
	struct batch *cur;   /* being filled by the reader */
	struct batch *given; /* handed to the writer, NULL when idle */
	bool stop, failed;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t tid;
	struct scorer *s; /* the writer's; owns the model */
	struct sink *out, *proxy;
	struct ad_err err; /* the writer's first error */
};

static void *
writer(void *arg)
{
	struct scorepipe *p = arg;
	struct ad_err e;

	ad_err_clear(&e);
	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct batch *b;
		bool failed;

		while (p->given == NULL && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->given == NULL)
			break;
		b = p->given;
		failed = p->failed;
		pthread_mutex_unlock(&p->mu);
		for (size_t i = 0; i < b->n && !failed; i++) {
			struct scorepipe_item *it = &b->item[i];

			if (scorer_finish(p->s, it->x, &it->text, it->comma,
				&it->acc, it->x + p->s->m->fs->n,
				it->from) > 0 &&
			    ndjson_write_text(
				p->out, it->text.data, it->text.len, &e) < 0)
				failed = true;
		}
		pthread_mutex_lock(&p->mu);
		if (failed && !p->failed) {
			p->failed = true;
			p->err = e;
		}
		p->given = NULL;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/*
 * Wait until the writer has no batch; returns with the mutex held.  After
 * a stop signal, which the kernel may have given this thread while the
 * writer sits in a write to a reader that takes nothing, the writer is
 * sent the signal again every KICK_MS: its write ends (EINTR) and, now
 * bounded (lib/io/fdwrite), fails soon if the reader still takes nothing.
 */
static void
wait_idle(struct scorepipe *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->given != NULL) {
		struct timespec ts;
		int sig = ad_stop;

		if (sig != 0)
			pthread_kill(p->tid, sig);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += KICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->cv, &p->mu, &ts);
	}
}

/* Give the batch being filled to the writer and start the other one. */
static int
hand_over(struct scorepipe *p, struct ad_err *err)
{
	bool failed;

	wait_idle(p);
	if (p->cur->n > 0) {
		p->given = p->cur;
		pthread_cond_broadcast(&p->cv);
		p->cur = p->cur == &p->b[0] ? &p->b[1] : &p->b[0];
		p->cur->n = 0;
	}
	failed = p->failed;
	if (failed)
		*err = p->err;
	pthread_mutex_unlock(&p->mu);
	return failed ? -1 : 0;
}

static int
proxy_write(void *impl, const char *buf, size_t len, const char *key,
    size_t keylen, struct ad_err *err)
{
	(void)impl, (void)buf, (void)len, (void)key, (void)keylen, (void)err;
	return 0;
}

static int
proxy_flush(void *impl, struct ad_err *err)
{
	return scorepipe_sync(impl, err);
}

/* The writer owns out while it writes: drain it first, then push. */
static int
proxy_push(void *impl, struct ad_err *err)
{
	struct scorepipe *p = impl;

	if (hand_over(p, err) < 0)
		return -1;
	wait_idle(p);
	pthread_mutex_unlock(&p->mu);
	if (p->failed) {
		*err = p->err;
		return -1;
	}
	return sink_push(p->out, err);
}

static int
proxy_close(void *impl, struct ad_err *err)
{
	(void)impl, (void)err;
	return 0;
}

static const struct sink_ops proxy_ops = {
    .write = proxy_write,
    .flush = proxy_flush,
    .close = proxy_close,
    .push = proxy_push,
};

/*
 * Start the writer thread, which scores with writer (whose model it owns
 * from now on) and writes to out.  Returns the pipeline, or NULL with err
 * set (EX_OSERR) when the thread cannot start.
 */
struct scorepipe *
scorepipe_new(struct scorer *w, struct sink *out, struct ad_err *err)
{
	struct scorepipe *p = xcalloc(1, sizeof(*p));

	p->s = w;
	p->out = out;
	p->cur = &p->b[0];
	ad_err_clear(&p->err);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < BATCH; i++)
			buf_init(&p->b[k].item[i].text);
	if (pthread_create(&p->tid, NULL, writer, p) != 0) {
		ad_err_set(err, EX_OSERR, "cannot start a thread");
		for (int k = 0; k < 2; k++)
			for (size_t i = 0; i < BATCH; i++)
				buf_release(&p->b[k].item[i].text);
		free(p);
		return NULL;
	}
	p->proxy = sink_new(sink_name(out), &proxy_ops, p, NULL);
	return p;
}

/* A sink whose flush is scorepipe_sync(), for recin_set_sink(). */
struct sink *
scorepipe_proxy(struct scorepipe *p)
{
	return p->proxy;
}

/* The next slot of the batch being filled, x sized for nfeat features. */
struct scorepipe_item *
scorepipe_slot(struct scorepipe *p, size_t nfeat)
{
	struct scorepipe_item *it = &p->cur->item[p->cur->n];

	if (it->xcap < 2 * nfeat + 1) {
		it->xcap = 2 * nfeat + 1;
		it->x = xreallocarray(it->x, it->xcap, sizeof(double));
	}
	return it;
}

/*
 * Count the slot as filled; a full batch goes to the writer.  Returns 0,
 * or -1 with err set once the writer has failed.
 */
int
scorepipe_push(struct scorepipe *p, struct ad_err *err)
{
	if (++p->cur->n == BATCH)
		return hand_over(p, err);
	return 0;
}

/*
 * Write everything pushed so far and flush the sink.  Returns 0, or -1
 * with err set.
 */
int
scorepipe_sync(struct scorepipe *p, struct ad_err *err)
{
	if (hand_over(p, err) < 0)
		return -1;
	wait_idle(p);
	pthread_mutex_unlock(&p->mu);
	if (p->failed) {
		*err = p->err;
		return -1;
	}
	return sink_flush(p->out, err);
}

/* Score the records pushed from now on with m (owned by the pipeline). */
int
scorepipe_set_model(
    struct scorepipe *p, struct forestfile *m, struct ad_err *err)
{
	int rc = scorepipe_sync(p, err);

	scorer_set_model(p->s, m); /* the writer is idle */
	return rc;
}

/*
 * Write what is left, stop the writer and free the pipeline (not the
 * writer's scorer).  Returns 0, or -1 with err set.
 */
int
scorepipe_free(struct scorepipe *p, struct ad_err *err)
{
	int rc = scorepipe_sync(p, err);

	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->tid, NULL);
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < BATCH; i++) {
			buf_release(&p->b[k].item[i].text);
			free(p->b[k].item[i].x);
		}
	sink_close(p->proxy, err);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
	return rc;
}

/*
 * Between two records: when the model file was replaced (or SIGHUP came),
 * load it and hand it to the reader rd and the pipeline p.  A file that
 * cannot be loaded is reported and the old model kept.  Returns 0, or -1
 * with err set when the pipeline failed.
 */
static int
reload_model(const struct scorepipe_conf *c, struct reload *rl,
    struct scorer *rd, struct scorepipe *p, struct scorepipe_stats *st,
    struct ad_err *err)
{
	struct forestfile *nm;
	struct ad_err e;

	if (!reload_changed(rl))
		return 0;
	ad_err_clear(&e);
	if ((nm = forestfile_read(c->model_path, &e)) == NULL ||
	    (c->costs != NULL && forestfile_set_costs(nm, c->costs, &e) < 0)) {
		if (e.line > 0)
			ad_say(c->warn, c->arg,
			    "%s:%zu: %s; keeping the previous model", e.file,
			    e.line, e.msg);
		else
			ad_say(c->warn, c->arg,
			    "%s; keeping the previous model", e.msg);
		forestfile_free(nm);
		return 0;
	}
	scorer_borrow_model(rd, nm);
	if (scorepipe_set_model(p, nm, err) < 0)
		return -1;
	st->reloads++;
	st->loaded_ns = metrics_now_ns();
	st->mtime_ns = rl->mtime_ns;
	if (c->verbose)
		ad_say(c->warn, c->arg, "reloaded '%s'", c->model_path);
	return 0;
}

/* --metrics fill (arg: the struct scorepipe_stats): the model. */
static void
fill_metrics(struct metrics *m, void *arg)
{
	const struct scorepipe_stats *st = arg;

	metrics_set_model(m, st->loaded_ns, st->mtime_ns, st->reloads);
}

/*
 * ad-score's forest scoring: this thread reads, parses and walks the
 * first 40% of the trees of m (owned from now on, and any model reloaded
 * from c->model_path), a writer thread the rest, and writes to out, in
 * input order.  Bad records are rejected through recin_reject().  Returns
 * 0 at the end of the input (or where --strict stops it), or -1 with err
 * set on a read, write or pipeline error; *st is filled in either case.
 * in's idle sink is left unset; the caller closes out and commits in.
 */
int
scorepipe_run(struct forestfile *m, const struct scorepipe_conf *c,
    struct recin *in, struct sink *out, struct scorepipe_stats *st,
    struct ad_err *err)
{
	struct scorer rd, wr; /* rd borrows wr's model */
	struct scorepipe *pipe;
	struct reload rl;
	struct line line;
	struct ad_err e;
	int rc, ret = 0;

	memset(st, 0, sizeof(*st));
	ad_err_clear(err);
	scorer_init(&wr, m);
	wr.threshold = c->threshold;
	wr.explain = c->explain;
	wr.anomalies_only = c->anomalies_only;
	scorer_init(&rd, m);
	rd.explain = c->explain;
	if ((pipe = scorepipe_new(&wr, out, err)) == NULL) {
		ret = -1;
		goto out;
	}
	recin_set_sink(in, scorepipe_proxy(pipe));
	reload_init(&rl, c->model_path);
	st->loaded_ns = metrics_now_ns();
	st->mtime_ns = rl.mtime_ns;
	recin_set_metrics_fill(in, fill_metrics, st);
	while ((rc = recin_next_line(in, &line, err)) > 0) {
		struct scorepipe_item *it;
		char why[300];

		if (reload_model(c, &rl, &rd, pipe, st, err) < 0)
			break;
		it = scorepipe_slot(pipe, rd.m->fs->n);
		if (scorer_prepare(&rd, line.buf, line.len, it->x, &it->text,
			&it->comma, why, sizeof(why)) < 0) {
			if (recin_reject(in, "%s", why) < 0)
				break;
			continue;
		}
		it->from = (size_t)(0.4 * (double)rd.m->forest->ntrees);
		scorer_begin(
		    &rd, it->x, it->from, &it->acc, it->x + rd.m->fs->n);
		if (scorepipe_push(pipe, err) < 0)
			break;
	}
	if (rc < 0 || (rc > 0 && err->status != 0)) /* read or pipeline */
		ret = -1;
	recin_set_sink(in, NULL);
	ad_err_clear(&e);
	if (scorepipe_free(pipe, &e) < 0 && ret == 0) {
		*err = e;
		ret = -1;
	}
out:
	recin_detach_metrics(in);
	st->nslow = rd.nslow;
	rd.m = NULL;
	scorer_release(&rd);
	scorer_release(&wr);
	return ret;
}
