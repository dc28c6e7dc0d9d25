/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The Numenta Anomaly Benchmark's score (NAB v1.1) of scored series
 * against anomaly windows.  Per series, in time order: the first 15% of
 * the rows (at most 750) are a probation period and not scored; a window
 * is the rows whose time lies within it; a detection is a row whose score
 * is at least the threshold.  A window's value is that of its earliest
 * detection, tpWeight times the scaled sigmoid of the detection's
 * relative position (1 at the window's left edge), or -fnWeight when it
 * has none; every detection outside a window adds fpWeight times -1
 * (before the first window) or the scaled sigmoid of its distance past
 * the previous window.  The sum over every series is normalised between
 * the detector that never fires (0) and the perfect one (100).
 *
 * The best threshold per profile is found by one exact sweep over the
 * scores in descending order (ranked once, shared by the profiles), as
 * NAB v1.1's optimiser defines it: every distinct score of a scored row
 * is a candidate, ties go to the higher threshold.
 */
#ifndef NAB_H
#define NAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ad.h"
#include "eval/windows.h"

#define NAB_NPROFILES 3

struct nab_profile {
	const char *name;
	double tp, fn, fp; /* tpWeight, fnWeight, fpWeight */
};

extern const struct nab_profile nab_profiles[NAB_NPROFILES];

/* The corpus at one threshold, for one profile. */
struct nab_result {
	double score; /* normalised; NAN when there is no window */
	double raw, null_raw, perfect_raw, threshold;
	size_t tp, fp, fn; /* windows found, detections outside, missed */
	size_t rows_tp, rows_fp, rows_fn, rows_tn;
};

/* One series at one threshold. */
struct nab_key_result {
	size_t rows, probation;
	size_t windows;	      /* windows with a scored row */
	size_t found, fp;     /* windows detected, detections outside */
	size_t empty_windows; /* windows holding no row of the series */
	double raw;
	double delay_rows, delay_ms; /* summed over the windows found */
};

/* A row of a series: its time and score. */
struct nab_row {
	int64_t t;
	double x;
};

struct nab;

struct nab *nab_new(const struct windows *ws);
void nab_add(struct nab *nb, size_t key, int64_t t_ms, double score);
void nab_add_unlabelled(struct nab *nb, const char *key);
void nab_finish(struct nab *nb);
size_t nab_nkeys(const struct nab *nb);
const char *nab_key(const struct nab *nb, size_t i);
const struct nab_row *nab_key_rows(const struct nab *nb, size_t i, size_t *n);
const struct windows_key *nab_key_windows(const struct nab *nb, size_t i);
size_t nab_key_probation(const struct nab *nb, size_t i);
bool nab_has_rows(const struct nab *nb, size_t windows_key);
void nab_unlabelled_each(const struct nab *nb,
    void (*fn)(const char *key, size_t n, void *arg), void *arg);
size_t nab_rows(const struct nab *nb);
size_t nab_nwindows(const struct nab *nb);
double nab_optimize(const struct nab *nb, const struct nab_profile *p);
void nab_optimize_all(const struct nab *nb, double thr[NAB_NPROFILES]);
void nab_score_at(const struct nab *nb, const struct nab_profile *p,
    double threshold, struct nab_result *r, struct nab_key_result *keys);
double nab_scaled_sigmoid(double y);
void nab_free(struct nab *nb);

#endif
