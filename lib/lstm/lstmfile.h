/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The ad-forecast model: one LSTM per key (or one shared by every key)
 * with each key's min-max normalisation and the spread of its validation
 * errors, stored as the payload of a "lstm" model container (modelfile.h:
 * versioned, checksummed, written atomically).
 *
 * Payload (integers little-endian, reals IEEE 754 little-endian):
 *   u32 payload version (1)
 *   u32 window, u32 hidden, u32 flags (bit 0: shared), u32 nnets, u32 nkeys
 *   str id field, str time field, str value field (str = u32 length, bytes)
 *   nnets x lstm_nparam(hidden) f32 parameters (lstm.h layout)
 *   nkeys x { str key; f64 min, max; u32 net; f64 err_mean, err_sd;
 *             u64 points }, sorted by key
 */
#ifndef LSTMFILE_H
#define LSTMFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ad.h"
#include "lstm/lstm.h"

#define LSTMFILE_KIND "lstm"
#define LSTMFILE_VERSION 1

struct lstm_key {
	char *name;
	double min, max;	 /* of the training part, series units */
	size_t net;		 /* index into lstm_model.nets */
	double err_mean, err_sd; /* one-step errors, normalised units */
	uint64_t points;
};

struct lstm_model {
	size_t window, hidden;
	bool shared;
	char *id_field, *time_field, *value_field;
	size_t nnets, nkeys;
	struct lstm **nets;
	struct lstm_key *keys;
};

int lstmfile_write(
    const char *path, const struct lstm_model *m, struct ad_err *err);
struct lstm_model *lstmfile_read(const char *path, struct ad_err *err);
struct lstm_model *lstmfile_parse(
    const void *payload, size_t len, const char *name, struct ad_err *err);
const struct lstm_key *lstm_model_key(
    const struct lstm_model *m, const char *name);
void lstm_model_sort(struct lstm_model *m);
void lstm_model_free(struct lstm_model *m);

#endif
