/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * libFuzzer target: the forest model loader.  The input is a model
 * payload (what follows the model file header); when forestfile_parse()
 * accepts it, the model must score feature vectors, missing values and
 * unknown categories included, and decide classes (by its costs, when it
 * has some), without faults.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "forest/forestfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ad_err err;
	struct forestfile *m;

	ad_err_clear(&err);
	m = forestfile_parse(data, size, "fuzz", &err);
	if (m != NULL) {
		size_t n = m->fs->n + 1;
		double *x = calloc(n, sizeof(double));
		double *c = calloc(n, sizeof(double));
		double p[FOREST_MAX_CLASSES];
		const double vals[] = {0, NAN, -1, 1e300, 3};

		for (size_t v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
			for (size_t i = 0; i < n; i++)
				x[i] = vals[v];
			(void)forest_predict(m->forest, x, p, c);
			if (m->mode == FORESTFILE_SUPERVISED)
				(void)forestfile_decide(m, p);
		}
		free(x);
		free(c);
		forestfile_free(m);
	}
	return 0;
}
