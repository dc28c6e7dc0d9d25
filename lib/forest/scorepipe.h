/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Two-thread scoring for ad-score: the calling thread reads and parses
 * records and walks part of the forest (scorer_prepare(), scorer_begin()),
 * a writer thread walks the rest, formats and writes them
 * (scorer_finish()), in input order, a batch at a time (two batches,
 * double-buffered).  A proxy sink given to recin_set_sink() makes recin's
 * "flush before waiting for input" hand over the partial batch, wait for
 * it to be written and flush the real sink, so a record never waits for
 * the next one and offsets are committed only after their records are out.
 * scorepipe_run() is ad-score's whole forest loop on top of it, with the
 * model hot reloaded between two records (io/reload.h).
 */
#ifndef SCOREPIPE_H
#define SCOREPIPE_H

#include <stdbool.h>

#include "base/ad.h"
#include "base/buf.h"
#include "forest/forest.h"
#include "forest/forestfile.h"
#include "forest/scorer.h"
#include "io/recin.h"
#include "io/sink.h"

struct scorepipe_item {
	struct buf text;
	double *x; /* features, then path contributions */
	size_t xcap;
	struct forest_acc acc;
	size_t from; /* trees already walked */
	bool comma;
};

struct scorepipe;

struct scorepipe *scorepipe_new(
    struct scorer *writer, struct sink *out, struct ad_err *err);
struct sink *scorepipe_proxy(struct scorepipe *p);
struct scorepipe_item *scorepipe_slot(struct scorepipe *p, size_t nfeat);
int scorepipe_push(struct scorepipe *p, struct ad_err *err);
int scorepipe_sync(struct scorepipe *p, struct ad_err *err);
int scorepipe_set_model(
    struct scorepipe *p, struct forestfile *m, struct ad_err *err);
int scorepipe_free(struct scorepipe *p, struct ad_err *err);

struct scorepipe_conf {
	const char *model_path; /* reloaded when replaced, or on SIGHUP */
	double threshold;	/* NaN: the model's */
	int explain;		/* features in "why", 0 for none */
	bool anomalies_only;
	bool verbose; /* a word about each reload */
	/* applied to every model loaded, in place of its own; may be NULL */
	const struct costs *costs;
	/* told each message ("reloaded 'x'"); may be NULL */
	ad_say_fn warn;
	void *arg;
};

struct scorepipe_stats {
	size_t nslow;		     /* records that took the jansson path */
	size_t reloads;		     /* models loaded after the first */
	int64_t loaded_ns, mtime_ns; /* the model in service (--metrics) */
};

int scorepipe_run(struct forestfile *m, const struct scorepipe_conf *c,
    struct recin *in, struct sink *out, struct scorepipe_stats *st,
    struct ad_err *err);

#endif
