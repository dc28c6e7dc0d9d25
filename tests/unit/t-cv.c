/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/cv: ROC AUC against hand values and a brute-force
 * count over all positive/negative pairs (ties half), the threshold
 * metrics on a hand-made confusion matrix, stratified folds, folds that
 * never split a group, and the
 * JSON summaries (mean and sample sd, NaN as null).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/prng.h"
#include "forest/cv.h"
#include "tap.h"

static double
brute_auc(const double *s, const uint8_t *pos, size_t n)
{
	double win = 0, np = 0, nn = 0;

	for (size_t i = 0; i < n; i++) {
		np += pos[i] != 0;
		nn += pos[i] == 0;
		if (!pos[i])
			continue;
		for (size_t j = 0; j < n; j++)
			if (!pos[j])
				win += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
	}
	return win / (np * nn);
}

static double
jget(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(json_object_get(o, a), b);

	return json_is_null(v) ? NAN : json_number_value(v);
}

/*
 * Folds that keep groups whole: 40 groups of falling sizes (group g has
 * 200 - 4 g attack rows), normal rows in groups of their own that are
 * spread anyway.
 */
static void
group_folds(void)
{
	enum { N = 12000, G = 40 };
	static uint8_t y[N], fold[N], fold2[N];
	static uint32_t grp[N];
	int gfold[G + 1], load[5] = {0}, normal[5] = {0}, all = 1;
	size_t n = 0;

	for (uint32_t g = 0; g < G; g++)
		for (int i = 0; i < 200 - 4 * (int)g; i++) {
			y[n] = (uint8_t)(1 + g % 3);
			grp[n++] = g;
		}
	while (n < N) {
		y[n] = 0;
		grp[n] = G; /* one group of normal rows: spread, not kept */
		n++;
	}
	for (int g = 0; g <= G; g++)
		gfold[g] = -1;
	cv_group_folds(y, grp, G + 1, N, 5, 7, fold);
	for (size_t i = 0; i < N; i++) {
		if (fold[i] >= 5) {
			all = 0;
			break;
		}
		if (y[i] == 0) {
			normal[fold[i]]++;
			continue;
		}
		load[fold[i]]++;
		if (gfold[grp[i]] == -1)
			gfold[grp[i]] = fold[i];
		else if (gfold[grp[i]] != fold[i])
			all = 0;
	}
	ok(all, "no group has rows in two folds");
	all = 1;
	for (int f = 0; f < 5; f++)
		if (abs(normal[f] - normal[0]) > 1)
			all = 0;
	ok(all, "normal rows dealt evenly: %d %d %d %d %d", normal[0],
	    normal[1], normal[2], normal[3], normal[4]);
	/*
	 * 4880 grouped rows; largest first to the lightest fold keeps every
	 * fold within the largest group (200) of the mean 976.
	 */
	all = 1;
	for (int f = 0; f < 5; f++)
		if (abs(load[f] - 976) > 200)
			all = 0;
	ok(all, "folds balanced: %d %d %d %d %d", load[0], load[1], load[2],
	    load[3], load[4]);
	ok(gfold[0] != gfold[1] && gfold[1] != gfold[2] && gfold[0] != gfold[2],
	    "the three largest groups in three folds");
	cv_group_folds(y, grp, G + 1, N, 5, 7, fold2);
	ok(memcmp(fold, fold2, N) == 0, "same seed, same folds");
	/* two groups, five folds: three folds hold normal rows only */
	for (size_t i = 0; i < N; i++)
		grp[i] = y[i] == 0 ? 0 : (uint32_t)(i % 2);
	cv_group_folds(y, grp, 2, N, 5, 7, fold2);
	memset(load, 0, sizeof(load));
	for (size_t i = 0; i < N; i++)
		if (y[i] != 0)
			load[fold2[i]]++;
	ok(load[0] == 2440 && load[1] == 2440 &&
		load[2] + load[3] + load[4] == 0,
	    "fewer groups than folds: %d %d %d", load[0], load[1], load[2]);
	cv_group_folds(y, grp, 2, 0, 5, 7, fold2);
	ok(1, "no rows: no crash");
}

int
main(void)
{
	double s4[] = {0.1, 0.4, 0.35, 0.8}, tie[] = {0.5, 0.5, 0.5};
	uint8_t p4[] = {0, 0, 1, 1}, ptie[] = {0, 1, 1}, one[] = {1, 1, 1};
	double s[1000];
	uint8_t pos[1000], y[1000], fold[1000], fold2[1000];
	struct cv_metrics m, ms[3];
	struct prng rng;
	json_t *j;
	int all, cnt[5][3] = {{0}};

	/* AUC. */
	is_near(cv_auc(s4, p4, 4), 0.75, 1e-15, "sklearn's example: 0.75");
	is_near(cv_auc(tie, ptie, 3), 0.5, 1e-15, "all tied: 0.5");
	ok(isnan(cv_auc(tie, one, 3)), "one class only: NaN");
	ok(isnan(cv_auc(NULL, NULL, 0)), "no rows: NaN");
	{
		double a[] = {1, 2, 3, 4};
		uint8_t up[] = {0, 0, 1, 1}, down[] = {1, 1, 0, 0};

		ok(cv_auc(a, up, 4) == 1 && cv_auc(a, down, 4) == 0,
		    "perfect ranking 1, reversed 0");
	}
	prng_init(&rng, 7);
	all = 1;
	for (int round = 0; round < 20; round++) {
		size_t n = 1 + prng_below(&rng, 1000);

		for (size_t i = 0; i < n; i++) {
			/* few distinct scores: many ties */
			s[i] = (double)prng_below(&rng, 1 + (size_t)round * 3);
			pos[i] =
			    (uint8_t)(prng_uniform(&rng) < 0.3 + s[i] / 100);
		}
		pos[0] = 1;
		if (n > 1)
			pos[1] = 0;
		if (n > 1 &&
		    fabs(cv_auc(s, pos, n) - brute_auc(s, pos, n)) > 1e-12)
			all = 0;
	}
	ok(all, "20 random sets with ties: AUC = pair count");

	/* Threshold metrics: tp 2 (.9,.6), fp 1 (.7), fn 1 (.2), tn 2. */
	{
		double sc[] = {0.9, 0.6, 0.7, 0.2, 0.1, 0.5};
		uint8_t ps[] = {1, 1, 0, 1, 0, 0};

		cv_binary(sc, ps, 6, 0.6, &m);
		is_near(m.accuracy, 4.0 / 6, 1e-15, "accuracy 4/6");
		is_near(m.precision, 2.0 / 3, 1e-15, "precision 2/3");
		is_near(m.recall, 2.0 / 3, 1e-15,
		    "recall 2/3 (score = threshold counts)");
		is_near(m.f1, 2.0 / 3, 1e-15, "F1 2/3");
		is_near(m.auc, brute_auc(sc, ps, 6), 1e-15, "AUC of the set");
		cv_binary(sc, ps, 6, 2, &m);
		ok(m.precision == 0 && m.recall == 0 && m.f1 == 0 &&
			fabs(m.accuracy - 0.5) < 1e-15,
		    "threshold above all: nothing flagged, P = R = F1 = 0");
		cv_binary(sc, ps, 0, 0.5, &m);
		ok(isnan(m.accuracy) && isnan(m.auc), "no rows: NaN");
	}

	/* Folds: stratified, balanced, deterministic. */
	for (size_t i = 0; i < 1000; i++)
		y[i] = (uint8_t)(i % 10 == 0 ? 2 : i % 3 == 0 ? 1 : 0);
	cv_folds(y, 1000, 3, 5, 42, fold);
	for (size_t i = 0; i < 1000; i++)
		if (fold[i] < 5)
			cnt[fold[i]][y[i]]++;
	all = 1;
	for (int f = 0; f < 5; f++) {
		int tot = cnt[f][0] + cnt[f][1] + cnt[f][2];

		if (tot < 199 || tot > 201)
			all = 0;
		for (int c = 0; c < 3; c++)
			if (abs(cnt[f][c] - cnt[0][c]) > 1)
				all = 0;
	}
	ok(all, "5 folds: 200 rows each, every class spread within 1");
	cv_folds(y, 1000, 3, 5, 42, fold2);
	ok(memcmp(fold, fold2, 1000) == 0, "same seed, same folds");
	cv_folds(y, 1000, 3, 5, 43, fold2);
	ok(memcmp(fold, fold2, 1000) != 0, "another seed, other folds");
	cv_folds(y, 1000, 3, 1, 1, fold2);
	all = 1;
	for (size_t i = 0; i < 1000; i++)
		if (fold2[i] != 0)
			all = 0;
	ok(all, "k = 1: one fold");
	fold2[0] = 9;
	cv_folds(y, 1, 3, 5, 1, fold2);
	ok(fold2[0] == 0, "one row: fold 0");
	cv_folds(y, 0, 3, 5, 1, fold2);
	ok(1, "no rows: no crash");

	group_folds();

	/* JSON. */
	m = (struct cv_metrics){0.12345678, NAN, 1, 0, 0.5};
	j = cv_metrics_json(&m);
	ok(json_real_value(json_object_get(j, "auc")) == 0.123457 &&
		json_is_null(json_object_get(j, "accuracy")) &&
		json_number_value(json_object_get(j, "f1")) == 0.5 &&
		json_object_size(j) == 5,
	    "metrics JSON: rounded to 1e-6, NaN as null");
	json_decref(j);
	ms[0] = (struct cv_metrics){0.8, 0.9, 1, 0.5, 0.6};
	ms[1] = (struct cv_metrics){0.9, 0.9, 0.5, 0.5, 0.6};
	ms[2] = (struct cv_metrics){1.0, 0.9, 0, 0.5, NAN};
	j = cv_summary_json(ms, 3);
	is_near(jget(j, "mean", "auc"), 0.9, 1e-12, "mean AUC 0.9");
	is_near(jget(j, "sd", "auc"), 0.1, 1e-12, "sample sd of AUC 0.1");
	is_near(jget(j, "sd", "accuracy"), 0, 0, "sd of a constant 0");
	is_near(jget(j, "sd", "precision"), 0.5, 1e-12, "sd of 1, .5, 0: .5");
	ok(isnan(jget(j, "mean", "f1")), "a NaN fold makes the mean null");
	json_decref(j);
	j = cv_summary_json(ms, 1);
	ok(jget(j, "sd", "auc") == 0 && jget(j, "mean", "auc") == 0.8,
	    "one fold: its values, sd 0");
	json_decref(j);
	return tap_done();
}
