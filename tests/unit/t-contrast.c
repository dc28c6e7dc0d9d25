/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/contrast: the real rows copied as class 0, then
 * round(fraction * n) (at least 1) synthetic rows as class 1 whose every
 * feature comes from that feature's observed bins, with the marginal
 * frequencies kept and the joint broken (two equal columns no longer
 * equal), deterministic by seed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "forest/contrast.h"
#include "tap.h"

int
main(void)
{
	struct featset *fs = featset_new();
	struct dataset *ds;
	uint8_t *bins, *y, *bins2, *y2;
	size_t total, n = 4000, equal = 0, cnt1 = 0, cnt0 = 0;
	double x[2];
	int all;

	featset_add(fs, "a", 1, FEATURE_NUMERIC);
	featset_add(fs, "b", 1, FEATURE_NUMERIC);
	ds = dataset_new(fs);
	for (size_t i = 0; i < n; i++) {
		/* a = b, 3/4 of rows 1, the rest 2 */
		x[0] = x[1] = i % 4 ? 1 : 2;
		dataset_add(ds, x, 0);
	}
	dataset_bin(ds, 255, 1);

	total = contrast_make(ds, 0.5, 7, &bins, &y);
	ok(total == 6000, "4000 real + 2000 synthetic rows");
	ok(memcmp(bins, ds->bins, n * 2) == 0, "real rows copied first");
	all = 1;
	for (size_t i = 0; i < total; i++)
		if (y[i] != (i >= n))
			all = 0;
	ok(all, "class 0 for real rows, 1 for synthetic");
	all = 1;
	for (size_t i = n; i < total; i++) {
		uint8_t a = bins[i * 2], b = bins[i * 2 + 1];

		if ((a != 1 && a != 2) || (b != 1 && b != 2))
			all = 0;
		equal += a == b;
		cnt1 += a == 1;
		cnt0 += b == 1;
	}
	ok(all, "synthetic bins are observed bins");
	ok(fabs((double)cnt1 / 2000 - 0.75) < 0.04 &&
		fabs((double)cnt0 / 2000 - 0.75) < 0.04,
	    "marginals kept: %.3f and %.3f of bin 1 (0.75)",
	    (double)cnt1 / 2000, (double)cnt0 / 2000);
	ok(fabs((double)equal / 2000 - 0.625) < 0.04,
	    "joint broken: a = b in %.3f of rows (independent: 0.625)",
	    (double)equal / 2000);

	contrast_make(ds, 0.5, 7, &bins2, &y2);
	ok(memcmp(bins, bins2, total * 2) == 0, "same seed, same rows");
	free(bins2);
	free(y2);
	contrast_make(ds, 0.5, 8, &bins2, &y2);
	ok(memcmp(bins + n * 2, bins2 + n * 2, 2000 * 2) != 0,
	    "another seed, other rows");
	free(bins2);
	free(y2);
	free(bins);
	free(y);

	ok(contrast_make(ds, 0, 1, &bins, &y) == n + 1 && y[n] == 1,
	    "fraction 0: still one synthetic row");
	free(bins);
	free(y);
	ok(contrast_make(ds, 0.00025, 1, &bins, &y) == n + 1,
	    "round(0.00025 * 4000) = 1");
	free(bins);
	free(y);
	ok(contrast_make(ds, 2, 1, &bins, &y) == 3 * n, "fraction 2: 8000");
	free(bins);
	free(y);
	dataset_free(ds);

	/* No rows: one synthetic row of bin 0. */
	ds = dataset_new(fs);
	dataset_bin(ds, 255, 1);
	total = contrast_make(ds, 1, 1, &bins, &y);
	ok(total == 1 && y[0] == 1 && bins[0] == 0 && bins[1] == 0,
	    "empty data set: one synthetic row, all missing");
	free(bins);
	free(y);
	dataset_free(ds);
	featset_free(fs);
	return tap_done();
}
