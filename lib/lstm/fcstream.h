/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-forecast run's loop: metric points read from a recin, forecast by
 * fcrun (fcrun.h), and written to a sink with forecast, error, mismatch
 * and score added, each as soon as it is read.  The model file is hot
 * reloaded (io/reload.h) between two points; a point of a key the model
 * does not know passes through unchanged.  What an operator should hear
 * about (a key without a model, the first time; a reload, and a failed
 * one) goes to a callback, as text.
 */
#ifndef FCSTREAM_H
#define FCSTREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "base/ad.h"
#include "base/buf.h"
#include "io/recin.h"
#include "io/sink.h"
#include "lstm/fcrun.h"
#include "lstm/forecast.h"
#include "lstm/lstmfile.h"

struct fcstream_conf {
	const char
	    *model_path; /* required: reloaded when replaced, on SIGHUP */
	/* the fields to read; NULL: the model's */
	const char *id_field, *time_field, *value_field;
	size_t max_keys; /* keys kept (and keys warned about) */
	bool quiet;	 /* no word about keys without a model */
	bool verbose;	 /* a word about each reload */
	/* told each message ("no model for key 'x': ..."); may be NULL */
	ad_say_fn warn;
	void *arg;
};

struct fcstream {
	struct fcrun *run;
	struct fcstream_conf conf;
	struct keymap *warned; /* keys already said to have no model */
	struct buf scratch, key;
	const char *idf, *timef, *valf;
	size_t nomodel, reloads;
	int64_t loaded_ns, mtime_ns; /* the model in service (--metrics) */
};

struct fcstream *fcstream_new(struct lstmfile *model,
    const struct forecast_conf *fc, const struct fcstream_conf *conf);
int fcstream_run(
    struct fcstream *s, struct recin *in, struct sink *out, struct ad_err *err);
void fcstream_free(struct fcstream *s);

#endif
