/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Contrast data (see contrast.h), built in bin space: a synthetic row
 * takes each feature's bin from an independently, uniformly chosen real
 * row, which is sampling from that feature's empirical marginal.
 */
#include <math.h>
#include <string.h>

#include "base/ad.h"
#include "forest/contrast.h"
#include "base/prng.h"

/*
 * Make a training matrix of ds's real rows (class 0) followed by
 * round(fraction * rows), at least 1, synthetic rows (class 1).  *bins
 * (rows x ds->nfeat) and *y are new arrays the caller frees.  Returns the
 * number of rows.
 */
size_t
contrast_make(const struct dataset *ds, double fraction, uint64_t seed,
    uint8_t **bins, uint8_t **y)
{
	size_t n = ds->nrows, nf = ds->nfeat;
	size_t m = (size_t)llround(fraction * (double)n), total;
	struct prng rng;

	if (m < 1)
		m = 1;
	total = n + m;
	*bins = xreallocarray(NULL, total, nf ? nf : 1);
	*y = xcalloc(total, 1);
	memcpy(*bins, ds->bins, n * nf);
	prng_init(&rng, seed ^ 0x5EED5EEDULL);
	for (size_t i = 0; i < m; i++) {
		uint8_t *row = *bins + (n + i) * nf;

		for (size_t f = 0; f < nf; f++)
			row[f] = n ? ds->bins[prng_below(&rng, n) * nf + f] : 0;
		(*y)[n + i] = 1;
	}
	return total;
}
