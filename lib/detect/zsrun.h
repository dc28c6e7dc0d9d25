/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-score --zscore: the record loop around zscore.h, with the state
 * file, periodic saves, and state exchange: --model-out publishes every
 * key's statistics, --model-in applies statistics published by another
 * process (read on a thread, applied between two records; a Kafka topic
 * is read to its end, within the --timeout, before the first record is
 * scored).
 */
#ifndef ZSRUN_H
#define ZSRUN_H

#include <stdbool.h>
#include <stddef.h>

#include "io/io.h"
#include "io/recin.h"
#include "io/sink.h"

struct zsrun_opts {
	double k;
	bool one_sided;
	bool anomalies_only; /* --anomalies: write only anomalous records */
	size_t min_count;
	const char *id, *field, *state, *model_in, *model_out;
	size_t save_every, max_keys;
};

int zsrun(const struct zsrun_opts *o, struct recin *in, struct sink *out,
    int verbose, const struct io_conf *conf, struct ad_err *err);

#endif
