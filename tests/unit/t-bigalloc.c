/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/base/bigalloc: an array grown a step at a time from
 * nothing past the malloc() limit and past several huge pages keeps
 * every element; mapped arrays are aligned to 2 MiB (outside
 * AddressSanitizer builds, where every array is malloc()'s); two arrays
 * growing in turn (so that one cannot grow in place) keep theirs; the
 * overflow check of bigalloc_array() is not reached by sane sizes.
 */
#include <stdint.h>
#include <stdlib.h>

#include "base/bigalloc.h"
#include "tap.h"

static int
filled(const uint64_t *a, size_t n, uint64_t salt)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != i * 2654435761u + salt)
			return 0;
	return 1;
}

int
main(void)
{
	uint64_t *a = NULL, *b = NULL;
	size_t cap = 0, capb = 0, n = 0;
	int kept = 1, aligned = 1;

	/* one array: 1 element to 12 MiB, doubling */
	for (size_t want = 1; want <= ((size_t)12 << 20) / 8; want *= 2) {
		a = bigalloc_array(a, cap, want, sizeof(*a));
		cap = want;
		for (; n < cap; n++)
			a[n] = n * 2654435761u + 1;
		kept = kept && filled(a, n, 1);
		if (cap * sizeof(*a) >= BIGALLOC_MIN)
			aligned = aligned && (uintptr_t)a % BIGALLOC_HUGE == 0;
	}
	ok(kept, "doubling to 12 MiB keeps every element");
#if defined(__SANITIZE_ADDRESS__)
	ok(1, "# SKIP AddressSanitizer: malloc() only");
#else
	ok(aligned, "mapped arrays start on a 2 MiB boundary");
#endif
	bigalloc_free(a, cap * sizeof(*a));

	/* two arrays growing in turn, by uneven steps */
	a = NULL;
	cap = n = 0;
	kept = 1;
	for (size_t step = 0; step < 24; step++) {
		size_t want = 1000 + step * step * 9000;

		a = bigalloc_array(a, cap, want, sizeof(*a));
		b = bigalloc_array(b, capb, want, sizeof(*b));
		for (size_t i = cap; i < want; i++) {
			a[i] = i * 2654435761u + 1;
			b[i] = i * 2654435761u + 2;
		}
		cap = capb = want;
		kept = kept && filled(a, cap, 1) && filled(b, capb, 2);
	}
	ok(kept, "two arrays growing in turn keep theirs (%zu each)", cap);
	bigalloc_free(a, cap * sizeof(*a));
	bigalloc_free(b, capb * sizeof(*b));
	bigalloc_free(NULL, 0);
	ok(1, "freeing NULL is a no-op");
	a = bigalloc_array(NULL, 0, 0, sizeof(*a));
	ok(a != NULL, "an empty array is an allocation");
	bigalloc_free(a, 0);
	return tap_done();
}
