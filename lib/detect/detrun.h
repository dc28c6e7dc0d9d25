/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The record loop of ad-detect: one detector (detector.h) per key, in a
 * keymap of at most max_keys keys (the least recently seen evicted and
 * counted), fed each point's time and value; every good record is
 * written back, in order, with "score", "anomaly" and, when asked,
 * "parts" (each component's score) appended.  Fields of those names in
 * the input are replaced.
 *
 * A record is rejected (the caller reports, counts and dead-letters it;
 * the key's state is not touched) when it is not a JSON object, when the
 * key field is missing or null, when the time is missing or not a time,
 * when the value is missing, not a number, null or not finite, and when
 * its time is before the key's last accepted time.  Equal times are
 * accepted; a gap of any length is not an error: the detector sees it
 * through the times.
 *
 * The state file holds one NDJSON line per key, oldest first:
 * {"id":"<key>","t":<last time, ms>,"state":<detector_save() object>}.
 */
#ifndef DETRUN_H
#define DETRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ad.h"
#include "base/buf.h"
#include "detect/detector.h"
#include "io/io.h"
#include "io/recin.h"
#include "io/sink.h"

struct detrun_opts {
	const char *id, *time, *field; /* field names */
	const char *state;	       /* state file, or NULL */
	double threshold;	       /* anomaly when score >= threshold */
	bool parts;		       /* add "parts" */
	size_t max_keys;
	struct detector_params params;
};

/* What detrun_line() did with a line. */
enum detrun_result {
	DETRUN_WRITTEN = 1,  /* the output line is in the buffer */
	DETRUN_REJECTED = 0, /* a bad record; the reason is in why */
	DETRUN_BROKEN = -1,  /* the detector broke its contract (a bug) */
};

struct detrun;

void detrun_opts_defaults(struct detrun_opts *o);
int detrun_opt_disable(void *params, const char *arg, struct ad_err *err);
bool detrun_reserved(const char *name);

struct detrun *detrun_new(const struct detrun_opts *o);
void detrun_free(struct detrun *r);
enum detrun_result detrun_line(struct detrun *r, const char *line, size_t len,
    struct buf *out, char *why, size_t whylen);
int detrun_load(struct detrun *r, const char *path, struct ad_err *err);
int detrun_save(struct detrun *r, const char *path, struct ad_err *err);
size_t detrun_count(const struct detrun *r);
size_t detrun_evicted(const struct detrun *r);
void detrun_fill_metrics(struct metrics *m, void *arg);
size_t detrun_key_bytes(size_t keylen);

int detrun(const struct detrun_opts *o, struct recin *in, struct sink *out,
    int verbose, const struct io_conf *conf, struct ad_err *err);

#endif
