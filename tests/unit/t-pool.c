/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/base/pool: zeroed, aligned, distinct, reused. */
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "base/ad.h"
#include "base/pool.h"

int
main(void)
{
	struct pool *p = pool_new(7240);
	enum { N = 1000 };
	static unsigned char *obj[N];
	int zero = 1, aligned = 1, apart = 1;

	ok(pool_bytes(p) == 0, "a new pool holds no memory");
	for (int i = 0; i < N; i++) {
		obj[i] = pool_alloc(p);
		for (size_t j = 0; j < 7240; j++)
			zero &= obj[i][j] == 0;
		aligned &= (uintptr_t)obj[i] % 16 == 0;
		memset(obj[i], 0xa5, 7240);
	}
	ok(zero, "objects come zeroed");
	ok(aligned, "objects are 16-byte aligned");
	/* sorted by address, no two overlap: 7240 bytes apart at least */
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++) {
			intptr_t d = (intptr_t)obj[i] - (intptr_t)obj[j];

			if (d < 0)
				d = -d;
			apart &= d >= 7240;
		}
	ok(apart, "no two objects overlap");
	/* 1000 slots of 7248 bytes: 4 chunks of 2 MiB, 289 slots each */
	ok(pool_bytes(p) >= N * 7248 && pool_bytes(p) <= 4 * ((size_t)2 << 20),
	    "memory grows with the objects, a chunk at a time (%zu bytes)",
	    pool_bytes(p));

	pool_free(p, obj[17]);
	pool_free(p, obj[500]);
	pool_free(p, NULL);
	{
		unsigned char *a = pool_alloc(p), *b = pool_alloc(p), *c;
		int z = 1;

#ifdef AD_ASAN
		ok(1, "# SKIP reuse: under ASan each object is a malloc()");
#else
		ok((a == obj[500] && b == obj[17]), "freed objects are reused");
#endif
		for (size_t j = 0; j < 7240; j++)
			z &= a[j] == 0 && b[j] == 0;
		ok(z, "and come back zeroed");
		c = pool_alloc(p);
		ok(c != obj[17] && c != obj[500],
		    "then new slots are cut (%zu bytes)", pool_bytes(p));
	}
	pool_destroy(p);
	pool_destroy(NULL);

	/* an object larger than a chunk has a chunk of its own */
	p = pool_new((size_t)3 << 20);
	{
		unsigned char *a = pool_alloc(p), *b = pool_alloc(p);

		a[((size_t)3 << 20) - 1] = 1;
		b[0] = 2;
		ok(a != b && pool_bytes(p) >= 2 * ((size_t)3 << 20) &&
			pool_bytes(p) <= 2 * ((size_t)4 << 20),
		    "a 3 MiB object takes a 4 MiB chunk of its own");
	}
	pool_destroy(p);
	return tap_done();
}
