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

struct lstmfile_key {
	char *name;
	double min, max;	 /* of the training part, series units */
	size_t net;		 /* index into lstmfile.nets */
	double err_mean, err_sd; /* one-step errors, normalised units */
	uint64_t points;
};

struct lstmfile {
	size_t window, hidden;
	bool shared;
	char *id_field, *time_field, *value_field;
	size_t nnets, nkeys;
	struct lstm **nets;
	struct lstmfile_key *keys;
};

int lstmfile_write(
    const char *path, const struct lstmfile *m, struct ad_err *err);
struct lstmfile *lstmfile_read(const char *path, struct ad_err *err);
struct lstmfile *lstmfile_parse(
    const void *payload, size_t len, const char *name, struct ad_err *err);
const struct lstmfile_key *lstmfile_find_key(
    const struct lstmfile *m, const char *name);
void lstmfile_sort(struct lstmfile *m);
void lstmfile_free(struct lstmfile *m);

#endif
