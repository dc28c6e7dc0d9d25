/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Pool: a chain of chunks from bigalloc (2 MiB-aligned, advised as huge
 * pages), cut into slots from the front; freed slots form a list through
 * their first bytes.  An object larger than a chunk gets a chunk of its
 * own size.  Under AddressSanitizer each object is a malloc() of its own,
 * so that it is checked.
 */
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "base/bigalloc.h"
#include "base/pool.h"

#define CHUNK BIGALLOC_HUGE
#define ALIGN 16

struct chunk {
	struct chunk *next, *prev;
};

struct pool {
	size_t size;	   /* a slot, rounded up to ALIGN */
	size_t chunk_size; /* CHUNK, or one slot when it is larger */
	struct chunk *chunks;
	char *free_from, *free_end; /* the untouched rest of the newest chunk */
	void *freed;		    /* a list of returned slots */
	size_t bytes;
};

/* The slots start after the chunk header, kept aligned. */
#define HEADER ((sizeof(struct chunk) + ALIGN - 1) / ALIGN * ALIGN)

struct pool *
pool_new(size_t size)
{
	struct pool *p = xcalloc(1, sizeof(*p));

	if (size < sizeof(void *))
		size = sizeof(void *);
	p->size = (size + ALIGN - 1) / ALIGN * ALIGN;
	p->chunk_size = CHUNK;
	if (HEADER + p->size > CHUNK)
		p->chunk_size = (HEADER + p->size + CHUNK - 1) / CHUNK * CHUNK;
	return p;
}

#ifdef AD_ASAN
void *
pool_alloc(struct pool *p)
{
	struct chunk *c = xcalloc(1, HEADER + p->size);

	c->next = p->chunks;
	if (c->next != NULL)
		c->next->prev = c;
	p->chunks = c;
	p->bytes += p->size;
	return (char *)c + HEADER;
}

void
pool_free(struct pool *p, void *obj)
{
	struct chunk *c;

	if (obj == NULL)
		return;
	c = (struct chunk *)((char *)obj - HEADER);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		p->chunks = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	p->bytes -= p->size;
	free(c);
}
#else
static void
add_chunk(struct pool *p)
{
	struct chunk *c = bigalloc_resize(NULL, 0, p->chunk_size);

	c->next = p->chunks;
	p->chunks = c;
	p->free_from = (char *)c + HEADER;
	p->free_end = (char *)c + p->chunk_size;
	p->bytes += p->chunk_size;
}

void *
pool_alloc(struct pool *p)
{
	void *obj;

	if (p->freed != NULL) {
		obj = p->freed;
		memcpy(&p->freed, obj, sizeof(void *));
	} else {
		if (p->free_from == NULL ||
		    (size_t)(p->free_end - p->free_from) < p->size)
			add_chunk(p);
		obj = p->free_from;
		p->free_from += p->size;
	}
	memset(obj, 0, p->size);
	return obj;
}

void
pool_free(struct pool *p, void *obj)
{
	if (obj == NULL)
		return;
	memcpy(obj, &p->freed, sizeof(void *));
	p->freed = obj;
}
#endif

size_t
pool_bytes(const struct pool *p)
{
	return p->bytes;
}

void
pool_destroy(struct pool *p)
{
	if (p == NULL)
		return;
	while (p->chunks != NULL) {
		struct chunk *next = p->chunks->next;

#ifdef AD_ASAN
		free(p->chunks);
#else
		bigalloc_free(p->chunks, p->chunk_size);
#endif
		p->chunks = next;
	}
	free(p);
}
