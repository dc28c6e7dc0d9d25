/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Bounded per-key state: a hash map from string keys to caller-owned
 * values that keeps at most max_keys entries, evicting the least recently
 * used one (and counting evictions) so that memory does not grow with the
 * number of distinct keys in a stream.
 */
#ifndef KEYMAP_H
#define KEYMAP_H

#include <stddef.h>

/* Called with each value leaving the map: evicted, or freed with the map. */
typedef void keymap_release_fn(const char *key, void *value, void *arg);
typedef void keymap_each_fn(const char *key, void *value, void *arg);

struct keymap;

struct keymap *keymap_new(
    size_t max_keys, keymap_release_fn *release, void *arg);
void *keymap_get(struct keymap *m, const char *key);
void keymap_put(struct keymap *m, const char *key, void *value);
void *keymap_remove(struct keymap *m, const char *key);
size_t keymap_count(const struct keymap *m);
size_t keymap_evicted(const struct keymap *m);
size_t keymap_bytes(const struct keymap *m);
void keymap_foreach(struct keymap *m, keymap_each_fn *fn, void *arg);
void keymap_free(struct keymap *m);

#endif
