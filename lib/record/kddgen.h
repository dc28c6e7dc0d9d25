/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The KDD record generator behind kdd-gen: rows of a KDD Cup 1999 CSV
 * (drawn at random with replacement, or every row once in file order) or
 * synthetic KDD-shaped traffic (record/kddsynth), each written to a sink
 * as one NDJSON record, optionally throttled by a token bucket.
 *
 * A record is the row's 42 members as record/kdd encodes them, then
 *
 *	"utc":"2026-11-21T10:00:00.000000Z"	wall clock, or the simulated one
 *	"uuid":"...v4..."			drawn from the seeded generator
 *	"sequence_id":N				position in the output, from 0
 *	"index":N				row's position in its file
 *
 * Bad CSV rows go to a struct reject (reported, counted, kept).
 */
#ifndef KDDGEN_H
#define KDDGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ad.h"
#include "base/buf.h"
#include "base/prng.h"
#include "base/tokenbucket.h"
#include "io/io.h"
#include "io/reject.h"
#include "io/sink.h"

struct kddgen_conf {
	const char *file; /* CSV path or "-"; NULL: synthetic traffic */
	bool in_order;	  /* every row once, in order (needs file) */
	long count;	  /* records to write; -1: until stopped */
	double rate;	  /* records per second; 0: unthrottled */
	double burst;	  /* token bucket size, when rate > 0 */
	uint64_t seed;	  /* row draws, uuids, synthetic traffic */
	bool sim_clock;	  /* utc from start_ms + sequence * interval_ms */
	int64_t start_ms, interval_ms;
	const struct io_conf *io; /* how file is opened (borrowed) */
};

struct kddgen {
	const struct kddgen_conf *conf; /* borrowed */
	struct sink *out;		/* borrowed */
	struct reject *rj;		/* borrowed */
	struct prng rng;
	struct tokenbucket tb;
	struct buf line;    /* the record being built */
	long long seq;	    /* records written */
	int64_t flushed_ns; /* last flush while throttled */
};

void kddgen_init(struct kddgen *g, const struct kddgen_conf *conf,
    struct sink *out, struct reject *rj);
int kddgen_encode(struct kddgen *g, char *const *field, const size_t *len,
    size_t n, char *why, size_t whylen);
int kddgen_emit(struct kddgen *g, char *const *field, const size_t *len,
    size_t index, struct ad_err *err);
int kddgen_run(struct kddgen *g, struct ad_err *err);
long long kddgen_count(const struct kddgen *g);
void kddgen_release(struct kddgen *g);

#endif
