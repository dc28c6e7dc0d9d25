/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Large arrays in huge pages.  A mapping's length is its size rounded up
 * to BIGALLOC_HUGE, which is what bigalloc_free() gives back; it grows in
 * place when the address space after it is free, else into a fresh
 * aligned reservation that mremap() moves it onto (both ends aligned, so
 * the huge pages move whole).  madvise() failing (no THP in this kernel)
 * only means 4 KiB pages.
 */
#define _GNU_SOURCE /* mremap */
#include <err.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/ad.h"
#include "base/bigalloc.h"

#ifdef AD_ASAN
#define BIGALLOC_MALLOC_ONLY 1
#endif
#if !defined(MREMAP_MAYMOVE) || !defined(MREMAP_FIXED)
#define BIGALLOC_MALLOC_ONLY 1
#endif

#ifndef BIGALLOC_MALLOC_ONLY
static size_t
map_len(size_t size)
{
	return (size + BIGALLOC_HUGE - 1) & ~(BIGALLOC_HUGE - 1);
}

/* A fresh mapping of len bytes (a multiple of BIGALLOC_HUGE), aligned. */
static char *
map_aligned(size_t len)
{
	char *p = mmap(NULL, len + BIGALLOC_HUGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t head;

	if (p == MAP_FAILED)
		err(EX_OSERR, "cannot allocate %zu bytes", len);
	head = (BIGALLOC_HUGE - (uintptr_t)p % BIGALLOC_HUGE) % BIGALLOC_HUGE;
	if (head > 0)
		munmap(p, head);
	munmap(p + head + len, BIGALLOC_HUGE - head);
	p += head;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, len, MADV_HUGEPAGE);
#endif
	return p;
}
#endif

/*
 * Grow p (NULL, or from bigalloc_resize() with size old) to size >= old
 * bytes, keeping the first old.  Returns the array (caller frees with
 * bigalloc_free(p, size)); never NULL: out of memory is EX_OSERR.
 */
void *
bigalloc_resize(void *p, size_t old, size_t size)
{
#ifdef BIGALLOC_MALLOC_ONLY
	(void)old;
	return xrealloc(p, size);
#else
	size_t olen, len;
	char *q;

	if (size < BIGALLOC_MIN)
		return xrealloc(p, size);
	len = map_len(size);
	if (p != NULL && old >= BIGALLOC_MIN) {
		olen = map_len(old);
		if (len <= olen)
			return p;
		if (mremap(p, olen, len, 0) != MAP_FAILED) {
#ifdef MADV_HUGEPAGE
			(void)madvise(p, len, MADV_HUGEPAGE);
#endif
			return p;
		}
		q = map_aligned(len);
		if (mremap(p, olen, len, MREMAP_MAYMOVE | MREMAP_FIXED, q) ==
		    MAP_FAILED)
			err(EX_OSERR, "cannot allocate %zu bytes", len);
		return q;
	}
	q = map_aligned(len);
	if (p != NULL) {
		memcpy(q, p, old);
		free(p);
	}
	return q;
#endif
}

/*
 * bigalloc_resize() for an array of n elements of elsize bytes (it had
 * oldn), the product checked for overflow.
 */
void *
bigalloc_array(void *p, size_t oldn, size_t n, size_t elsize)
{
	if (elsize != 0 && n > (size_t)-1 / elsize - BIGALLOC_HUGE)
		errx(EX_OSERR, "cannot allocate %zu x %zu bytes", n, elsize);
	return bigalloc_resize(p, oldn * elsize, n * elsize);
}

/* Free p, of size bytes as last resized (NULL is fine). */
void
bigalloc_free(void *p, size_t size)
{
	if (p == NULL)
		return;
#ifndef BIGALLOC_MALLOC_ONLY
	if (size >= BIGALLOC_MIN) {
		munmap(p, map_len(size));
		return;
	}
#else
	(void)size;
#endif
	free(p);
}
