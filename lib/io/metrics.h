/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The --metrics file: a program's own figures in the Prometheus text
 * format, for node_exporter's textfile collector.  The file is rewritten
 * whole, atomically (a temporary file in the same directory, renamed
 * over it), so a scraper never reads half of it; recin rewrites it at
 * most every METRICS_EVERY_MS while records come and whenever the input
 * is about to wait, and the program once more at its end.  Every sample
 * carries the label program="NAME".
 */
#ifndef METRICS_H
#define METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/ad.h"

#define METRICS_EVERY_MS 5000

struct metrics;
struct keymap;

struct metrics *metrics_new(const char *path, const char *prog);
void metrics_set(struct metrics *m, const char *name, const char *help,
    bool counter, double value);
void metrics_set_state(
    struct metrics *m, size_t keys, size_t bytes, size_t evicted);
void metrics_set_keys(
    struct metrics *m, const struct keymap *km, size_t values, size_t evicted);
void metrics_set_model(
    struct metrics *m, int64_t loaded_ns, int64_t mtime_ns, size_t reloads);
int64_t metrics_now_ns(void);
bool metrics_due(const struct metrics *m, int64_t now_ms);
int metrics_write(struct metrics *m, struct ad_err *err);
void metrics_free(struct metrics *m);

#endif
