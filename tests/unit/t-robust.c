/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/robust: median, MAD scale, z, period detection. */
#include <math.h>

#include "base/prng.h"
#include "series/robust.h"
#include "tap.h"

int
main(void)
{
	double a[] = {5, 1, 4, 2, 3}, b[] = {4, 1, 3, 2}, one[] = {7};
	double x[] = {1, 2, 3, 4, 100}, s[5], med, scale;
	double flat[] = {2, 2, 2, 2}, series[600];
	struct prng rng;

	is_near(robust_median(a, 5), 3, 0, "median of odd count");
	is_near(robust_median(b, 4), 2.5, 0, "median of even count");
	is_near(robust_median(one, 1), 7, 0, "median of one");
	ok(robust_center_scale(x, 5, s, &med, &scale) == 0, "center/scale");
	is_near(med, 3, 0, "median ignores the outlier");
	is_near(scale, 1.4826, 1e-12, "1.4826 * MAD");
	ok(robust_z(100, med, scale) > 50, "outlier has a large z");
	ok(robust_center_scale(x, 0, s, &med, &scale) == -1, "empty window");
	robust_center_scale(flat, 4, s, &med, &scale);
	ok(scale == 0 && robust_z(2, med, scale) == 0 &&
		isinf(robust_z(3, med, scale)),
	    "constant window: only the median is not an outlier");
	for (int i = 0; i < 600; i++)
		series[i] = sin(2 * M_PI * i / 24.0) + 0.05 * cos(i * 7.3);
	ok(robust_period(series, 600, 150, 0.3) == 24, "period 24 found");
	for (int i = 0; i < 600; i += 7)
		series[i] = NAN;
	ok(robust_period(series, 600, 150, 0.3) == 24,
	    "period 24 found with missing values");
	prng_init(&rng, 3);
	for (int i = 0; i < 600; i++)
		series[i] = prng_normal(&rng);
	ok(robust_period(series, 600, 150, 0.5) == 0, "no period in noise");
	return tap_done();
}
