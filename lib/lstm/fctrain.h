/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-forecast train: the series of every key (collected from metric
 * points, put in time order when every point has a time), split by time
 * into a training part and a validation tail, min-max normalised by the
 * training part, and an LSTM trained per key or shared by all keys.  The
 * result is an lstm_model (lstmfile.h) and a JSON report of the losses.
 * The points come from a recin (fctrain_data_read()); the report is written
 * as one JSON line by report_write() (io/report.h).
 */
#ifndef FCTRAIN_H
#define FCTRAIN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ad.h"
#include "io/recin.h"
#include "lstm/lstmfile.h"

struct fc_series {
	char *key;
	size_t n, cap;
	double *v;
	int64_t *t;
	bool timed; /* every point had a time */
};

struct fctrain_data {
	struct keymap *map; /* key -> index + 1 into s */
	struct fc_series *s;
	size_t n, cap;
};

void fctrain_data_init(struct fctrain_data *d);
void fctrain_data_add(struct fctrain_data *d, const char *key, bool has_time,
    int64_t t_ms, double v);
int fctrain_data_read(struct fctrain_data *d, struct recin *in, const char *idf,
    const char *timef, const char *valf, struct ad_err *err);
void fctrain_data_release(struct fctrain_data *d);

struct fctrain_conf {
	size_t window, hidden, epochs, batch, threads;
	double lr, val;
	bool shared, quiet;
	uint64_t seed;
	const char *id_field, *time_field, *value_field;
	/* optional: told each epoch's losses, as the report has them */
	void (*on_epoch)(const char *model, size_t epoch, size_t epochs,
	    double train_loss, double val_loss, void *arg);
	/* optional, fctrain_recin(): told about keys too short, unless quiet */
	ad_say_fn warn;
	void *arg;
};

void fctrain_conf_init(struct fctrain_conf *c);
struct lstmfile *fctrain(struct fctrain_data *d, const struct fctrain_conf *c,
    json_t **report, struct ad_err *err);
struct lstmfile *fctrain_recin(struct recin *in, const struct fctrain_conf *c,
    json_t **report, struct ad_err *err);

#endif
