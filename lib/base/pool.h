/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * A pool of equal-sized objects (per-key states) carved from 2 MiB
 * chunks that the kernel may back with transparent huge pages.  100,000
 * keys of 7 KB each from malloc() cost 180,000 page faults and as many
 * TLB misses when the stream visits them in turn; from huge pages, a few
 * hundred.  Memory grows a chunk at a time with the objects held; freed
 * objects are reused before a new chunk is taken.
 */
#ifndef POOL_H
#define POOL_H

#include <stddef.h>

struct pool;

/* A pool of objects of size bytes (aligned for any type). */
struct pool *pool_new(size_t size);
/* A zeroed object; exits with EX_OSERR when memory runs out. */
void *pool_alloc(struct pool *p);
/* Give obj (from pool_alloc() on p, or NULL) back for reuse. */
void pool_free(struct pool *p, void *obj);
/* Bytes the pool has taken from the system. */
size_t pool_bytes(const struct pool *p);
/* Free the pool and every object in it. */
void pool_destroy(struct pool *p);

#endif
