/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Prometheus text format (version 0.0.4): for each metric a "# HELP" and
 * a "# TYPE" line, then "name{program="NAME"} value".  Metrics keep the
 * order in which they were first set.  Names are the caller's, with the
 * "adpipe_" prefix and, for counters, the "_total" suffix the format's
 * conventions ask for.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/dtoa.h"
#include "base/keymap.h"
#include "io/atomicfile.h"
#include "io/metrics.h"

struct metric {
	char *name, *help;
	bool counter;
	double value;
};

struct metrics {
	char *path, *prog;
	struct metric *v;
	size_t n, cap;
	int64_t written_ms; /* when the file was last written, or -1 */
	struct buf b;
};

/*
 * Metrics for the file at path (copied), labelled program="prog".  New;
 * caller frees with metrics_free().  Nothing is written yet.
 */
struct metrics *
metrics_new(const char *path, const char *prog)
{
	struct metrics *m = xcalloc(1, sizeof(*m));

	m->path = xstrdup(path);
	m->prog = xstrdup(prog);
	m->written_ms = -1;
	buf_init(&m->b);
	return m;
}

/*
 * Set metric name (without the "adpipe_" prefix or a counter's "_total")
 * to value, with its help text (both copied the first time).  A counter
 * only grows; a gauge goes up and down.
 */
void
metrics_set(struct metrics *m, const char *name, const char *help, bool counter,
    double value)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].name, name) == 0) {
			m->v[i].value = value;
			return;
		}
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 16;
		m->v = xreallocarray(m->v, m->cap, sizeof(*m->v));
	}
	m->v[m->n++] =
	    (struct metric){xstrdup(name), xstrdup(help), counter, value};
}

/*
 * Per-key state held by a program: adpipe_keys_held (keys),
 * adpipe_state_bytes (bytes: the structure holding them, the keys and
 * their values) and adpipe_keys_evicted_total (evicted: keys forgotten to
 * stay within a bound, --max-keys or a window).
 */
void
metrics_set_state(struct metrics *m, size_t keys, size_t bytes, size_t evicted)
{
	metrics_set(
	    m, "keys_held", "Keys whose state is held.", false, (double)keys);
	metrics_set(m, "state_bytes",
	    "Bytes of per-key state: the key map, keys and per-key values.",
	    false, (double)bytes);
	metrics_set(m, "keys_evicted",
	    "Keys evicted to stay within --max-keys or a window.", true,
	    (double)evicted);
}

/*
 * metrics_set_state() for the keys of km (NULL: none held), whose values
 * take values bytes in all; evicted is the count to show, which may
 * outlive km.
 */
void
metrics_set_keys(
    struct metrics *m, const struct keymap *km, size_t values, size_t evicted)
{
	metrics_set_state(m, km != NULL ? keymap_count(km) : 0,
	    km != NULL ? keymap_bytes(km) + values : 0, evicted);
}

/*
 * The model in service: loaded at loaded_ns (CLOCK_REALTIME) from a file
 * last modified at mtime_ns, after reloads successful reloads:
 * adpipe_model_loaded_seconds, adpipe_model_age_seconds (now minus the
 * file's mtime) and adpipe_model_reloads_total.
 */
void
metrics_set_model(
    struct metrics *m, int64_t loaded_ns, int64_t mtime_ns, size_t reloads)
{
	struct timespec ts;
	double now;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
	metrics_set(m, "model_loaded_seconds",
	    "When the model in service was loaded (Unix time).", false,
	    (double)loaded_ns * 1e-9);
	metrics_set(m, "model_age_seconds",
	    "Seconds since the model file in service was modified.", false,
	    now - (double)mtime_ns * 1e-9);
	metrics_set(m, "model_reloads", "Models reloaded after a change.", true,
	    (double)reloads);
}

/* Real time now in nanoseconds (for metrics_set_model()). */
int64_t
metrics_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Whether METRICS_EVERY_MS have passed since the last write. */
bool
metrics_due(const struct metrics *m, int64_t now_ms)
{
	return m->written_ms < 0 || now_ms - m->written_ms >= METRICS_EVERY_MS;
}

/*
 * Rewrite the file atomically (lib/io/atomicfile: a FIFO or a device is
 * written into, never replaced) with the values set so far, and the time
 * of writing as adpipe_metrics_written_seconds (so that a stalled
 * program shows).  Returns 0, or -1 with err set (EX_CANTCREAT: the
 * file cannot be created, or is a directory or a FIFO without a reader;
 * EX_IOERR: writing or renaming it failed).
 */
int
metrics_write(struct metrics *m, struct ad_err *err)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	metrics_set(m, "metrics_written_seconds",
	    "When this file was written (Unix time).", false,
	    (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9);
	buf_reset(&m->b);
	for (size_t i = 0; i < m->n; i++) {
		const struct metric *x = &m->v[i];
		const char *sfx = x->counter ? "_total" : "";

		buf_addf(
		    &m->b, "# HELP adpipe_%s%s %s\n", x->name, sfx, x->help);
		buf_addf(&m->b, "# TYPE adpipe_%s%s %s\n", x->name, sfx,
		    x->counter ? "counter" : "gauge");
		buf_addf(&m->b, "adpipe_%s%s{program=\"%s\"} ", x->name, sfx,
		    m->prog);
		buf_add_double(&m->b, x->value);
		buf_addc(&m->b, '\n');
	}
	if (atomicfile_save(m->path, m->b.data, m->b.len, err) < 0)
		return -1;
	m->written_ms = clock_now_ms();
	return 0;
}

/* Free m (the file stays); NULL is a no-op. */
void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].help);
	}
	free(m->v);
	free(m->path);
	free(m->prog);
	buf_release(&m->b);
	free(m);
}
