/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/keymap: lookups, LRU eviction, growth. */
#include <stdio.h>
#include <stdlib.h>

#include "base/keymap.h"
#include "tap.h"

static int released;

static void
release(const char *key, void *value, void *arg)
{
	(void)key;
	(void)arg;
	free(value);
	released++;
}

static int *
num(int v)
{
	int *p = malloc(sizeof(*p));

	*p = v;
	return p;
}

int
main(void)
{
	struct keymap *m = keymap_new(3, release, NULL);
	char key[32];
	int found = 1;

	keymap_put(m, "a", num(1));
	keymap_put(m, "b", num(2));
	keymap_put(m, "c", num(3));
	ok(keymap_count(m) == 3 && *(int *)keymap_get(m, "a") == 1, "get");
	keymap_put(m, "d", num(4)); /* b is least recent now */
	ok(keymap_get(m, "b") == NULL && keymap_get(m, "a") != NULL &&
		keymap_evicted(m) == 1 && released == 1,
	    "least recently used evicted and counted");
	keymap_put(m, "a", num(10));
	ok(*(int *)keymap_get(m, "a") == 10 && released == 2,
	    "replacing a value releases the old one");
	free(keymap_remove(m, "a"));
	ok(keymap_get(m, "a") == NULL && keymap_count(m) == 2, "remove");
	ok(keymap_get(m, "") == NULL, "empty key absent");
	keymap_free(m);

	{ /* the map's own bytes: a key costs a fixed entry plus its length */
		size_t b0, b1, b2;

		m = keymap_new(0, NULL, NULL);
		b0 = keymap_bytes(m);
		keymap_put(m, "x", num(1));
		b1 = keymap_bytes(m);
		keymap_put(m, "xxxxxxxxxx", num(2));
		b2 = keymap_bytes(m);
		ok(b1 > b0 + 2 && b2 - b1 == b1 - b0 + 9,
		    "bytes: an entry plus its key, 9 more for 9 more chars");
		free(keymap_remove(m, "x"));
		free(keymap_remove(m, "xxxxxxxxxx"));
		ok(keymap_bytes(m) == b0, "bytes back to the empty map's");
		keymap_free(m);
	}
	ok(released == 4, "free releases the rest");

	m = keymap_new(0, release, NULL);
	for (int i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		keymap_put(m, key, num(i));
	}
	for (int i = 0; i < 100000; i += 7) {
		snprintf(key, sizeof(key), "k%d", i);
		found &= keymap_get(m, key) != NULL &&
			 *(int *)keymap_get(m, key) == i;
	}
	ok(found && keymap_count(m) == 100000 && keymap_evicted(m) == 0,
	    "unbounded map grows");
	keymap_free(m);
	return tap_done();
}
