/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * One key's streaming anomaly detector (ad-detect): each point is scored
 * from the past alone, then learned.  Several cheap scorers run side by
 * side; their scores are fused and turned into an anomaly likelihood,
 * and a detection is followed by a quiet period.  The state is a fixed
 * number of bytes per key (detector_bytes()), whatever the stream's
 * length, and can be saved as one JSON object and loaded again.
 */
#ifndef DETECTOR_H
#define DETECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* The components, by index into detector_out.parts and names[]. */
enum {
	DETECTOR_PARTS = 8 /* room; detector_nparts() says how many are used */
};

struct detector_params {
	unsigned disabled; /* bit i set: component i is off (ablation) */
	double tune[16];   /* the tunables, by name: detector_param_set() */
};

struct detector_out {
	double score;		      /* in [0,1], after likelihood and quiet */
	double parts[DETECTOR_PARTS]; /* each component's score, in [0,1] */
};

struct detector;

/* The defaults: the one parameter set that is judged. */
void detector_defaults(struct detector_params *p);

/* The anomaly threshold that scores best on NAB's development split. */
double detector_default_threshold(void);

size_t detector_nparts(void);
const char *detector_part_name(size_t i);
/* Index of the component called name, or -1. */
int detector_part_index(const char *name);

/*
 * Set the tunable called name (for benchmarks and the ablation; the
 * defaults are the judged configuration).  0, or -1 for an unknown name.
 */
int detector_param_set(struct detector_params *p, const char *name, double v);

struct detector *detector_new(const struct detector_params *p);
void detector_free(struct detector *d);

/*
 * Bytes of memory one key's state takes.  A detector is that much plain
 * memory (no pointers): detector_init() makes one in memory the caller
 * owns (aligned for a double), and memcpy() copies one.
 */
size_t detector_bytes(void);
void detector_init(struct detector *d, const struct detector_params *p);

/*
 * Score x, seen at time t (milliseconds since the epoch; non-decreasing
 * for one key: the caller rejects points that go back), then learn it.
 * x must be finite.
 */
void detector_step(
    struct detector *d, int64_t t, double x, struct detector_out *out);

/* Append the state as one JSON object (no newline). */
void detector_save(const struct detector *d, struct buf *b);

/*
 * A detector with the state of a JSON object that detector_save() wrote,
 * or NULL with the reason in why when it is not one.
 */
struct detector *detector_load(const struct detector_params *p,
    const char *json, size_t len, char *why, size_t whylen);

#endif
