/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Keymap: open hashing with chains (FNV-1a) plus a doubly linked list in
 * recency order.  The table doubles when it is 3/4 full; lookups move the
 * entry to the most recent end, and a put beyond max_keys releases the
 * least recent entry through the release callback (counted).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "base/hash.h"
#include "base/keymap.h"

struct entry {
	struct entry *chain;	   /* next in the bucket */
	struct entry *prev, *next; /* recency list: prev is older */
	uint64_t hash;
	void *value;
	char key[]; /* NUL-terminated */
};

struct keymap {
	struct entry **bucket;
	size_t nbuckets, count, max_keys, evicted;
	size_t entry_bytes; /* the entries' allocations, keys included */
	struct entry *oldest, *newest;
	keymap_release_fn *release;
	void *arg;
};

/*
 * New map holding at most max_keys entries (0: unbounded).  release (may
 * be NULL) gets each value that leaves the map by eviction or with
 * keymap_free().  Caller frees with keymap_free().
 */
struct keymap *
keymap_new(size_t max_keys, keymap_release_fn *release, void *arg)
{
	struct keymap *m = xcalloc(1, sizeof(*m));

	m->nbuckets = 64;
	m->bucket = xcalloc(m->nbuckets, sizeof(*m->bucket));
	m->max_keys = max_keys;
	m->release = release;
	m->arg = arg;
	return m;
}

static struct entry **
find_slot(struct keymap *m, const char *key, uint64_t h)
{
	struct entry **p = &m->bucket[h & (m->nbuckets - 1)];

	while (*p != NULL && ((*p)->hash != h || strcmp((*p)->key, key) != 0))
		p = &(*p)->chain;
	return p;
}

static void
unlink_recency(struct keymap *m, struct entry *e)
{
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		m->oldest = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		m->newest = e->prev;
	e->prev = e->next = NULL;
}

static void
link_newest(struct keymap *m, struct entry *e)
{
	e->prev = m->newest;
	e->next = NULL;
	if (m->newest != NULL)
		m->newest->next = e;
	else
		m->oldest = e;
	m->newest = e;
}

static void
grow(struct keymap *m)
{
	size_t n = m->nbuckets * 2;
	struct entry **b = xcalloc(n, sizeof(*b));

	for (size_t i = 0; i < m->nbuckets; i++) {
		struct entry *e = m->bucket[i], *next;

		for (; e != NULL; e = next) {
			next = e->chain;
			e->chain = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	}
	free(m->bucket);
	m->bucket = b;
	m->nbuckets = n;
}

/* The value stored under key (borrowed), or NULL; marks key most recent. */
void *
keymap_get(struct keymap *m, const char *key)
{
	struct entry *e = *find_slot(m, key, hash_fnv1a_str(key));

	if (e == NULL)
		return NULL;
	if (e != m->newest) {
		unlink_recency(m, e);
		link_newest(m, e);
	}
	return e->value;
}

/*
 * Remove key and return its value (now the caller's), or NULL.  The
 * release callback is not called.
 */
void *
keymap_remove(struct keymap *m, const char *key)
{
	struct entry **p = find_slot(m, key, hash_fnv1a_str(key));
	struct entry *e = *p;
	void *value;

	if (e == NULL)
		return NULL;
	*p = e->chain;
	unlink_recency(m, e);
	value = e->value;
	m->entry_bytes -= sizeof(*e) + strlen(e->key) + 1;
	free(e);
	m->count--;
	return value;
}

/*
 * Store value under key (the map keeps a copy of key; value stays the
 * caller's until released).  A value already there is released first.
 * When the map is full the least recently used entry is released and
 * counted as evicted.
 */
void
keymap_put(struct keymap *m, const char *key, void *value)
{
	uint64_t h = hash_fnv1a_str(key);
	struct entry **p = find_slot(m, key, h);
	struct entry *e = *p;
	size_t klen;

	if (e != NULL) {
		if (m->release != NULL && e->value != value)
			m->release(e->key, e->value, m->arg);
		e->value = value;
		if (e != m->newest) {
			unlink_recency(m, e);
			link_newest(m, e);
		}
		return;
	}
	if (m->max_keys > 0 && m->count >= m->max_keys) {
		struct entry *old = m->oldest;

		if (m->release != NULL)
			m->release(old->key, old->value, m->arg);
		keymap_remove(m, old->key);
		m->evicted++;
	}
	if (m->count + 1 > m->nbuckets / 4 * 3)
		grow(m);
	klen = strlen(key);
	e = xmalloc(sizeof(*e) + klen + 1);
	memcpy(e->key, key, klen + 1);
	e->hash = h;
	e->value = value;
	p = &m->bucket[h & (m->nbuckets - 1)];
	e->chain = *p;
	*p = e;
	link_newest(m, e);
	m->count++;
	m->entry_bytes += sizeof(*e) + klen + 1;
}

/* Number of keys held. */
size_t
keymap_count(const struct keymap *m)
{
	return m->count;
}

/*
 * Bytes the map itself holds: its table and its entries with their keys
 * (the values are the caller's to count).
 */
size_t
keymap_bytes(const struct keymap *m)
{
	return sizeof(*m) + m->nbuckets * sizeof(*m->bucket) + m->entry_bytes;
}

/* Number of keys evicted so far to respect max_keys. */
size_t
keymap_evicted(const struct keymap *m)
{
	return m->evicted;
}

/*
 * Call fn for every entry, least recently used first.  fn must not add or
 * remove keys.
 */
void
keymap_foreach(struct keymap *m, keymap_each_fn *fn, void *arg)
{
	for (struct entry *e = m->oldest; e != NULL; e = e->next)
		fn(e->key, e->value, arg);
}

/* Release every value (oldest first) and free m; NULL is a no-op. */
void
keymap_free(struct keymap *m)
{
	struct entry *e, *next;

	if (m == NULL)
		return;
	for (e = m->oldest; e != NULL; e = next) {
		next = e->next;
		if (m->release != NULL)
			m->release(e->key, e->value, m->arg);
		free(e);
	}
	free(m->bucket);
	free(m);
}
