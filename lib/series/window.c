/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Trailing-window moments with Welford's updates run both ways: a point
 * entering adds to the mean and to the co-moment matrix
 * C[i][j] = sum (x_i - mean_i)(x_j - mean_j), a point leaving is taken
 * out by the inverse update.  The points themselves stay in a ring buffer
 * (they must be known when they leave).  Removals accumulate rounding
 * error, so after as many removals as the window holds points the moments
 * are recomputed from the ring: amortised O(1) per point, and the error
 * stays that of one window.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "series/window.h"

struct window {
	size_t k;
	int64_t span;
	int64_t *t; /* ring of times */
	double *x;  /* ring of points, k doubles each */
	size_t head, n, cap;
	double *mean;	/* k */
	double *c;	/* k x k co-moments */
	double *d, *e;	/* k scratch each */
	size_t removed; /* since the last recomputation */
};

/* Bytes w holds: itself, its ring and its moments. */
size_t
window_bytes(const struct window *w)
{
	return sizeof(*w) + w->cap * (sizeof(int64_t) + w->k * sizeof(double)) +
	       (3 + w->k) * w->k * sizeof(double);
}

/* A new empty window over k fields and span_ms; free with window_free(). */
struct window *
window_new(size_t k, int64_t span_ms)
{
	struct window *w = xcalloc(1, sizeof(*w));

	w->k = k;
	w->span = span_ms;
	w->cap = 16;
	w->t = xcalloc(w->cap, sizeof(*w->t));
	w->x = xcalloc(w->cap * k, sizeof(double));
	w->mean = xcalloc(k, sizeof(double));
	w->c = xcalloc(k * k, sizeof(double));
	w->d = xcalloc(k, sizeof(double));
	w->e = xcalloc(k, sizeof(double));
	return w;
}

/* Free a window; NULL is a no-op. */
void
window_free(struct window *w)
{
	if (w == NULL)
		return;
	free(w->t);
	free(w->x);
	free(w->mean);
	free(w->c);
	free(w->d);
	free(w->e);
	free(w);
}

static double *
slot(const struct window *w, size_t i)
{
	return w->x + ((w->head + i) % w->cap) * w->k;
}

static void
grow(struct window *w)
{
	size_t cap = w->cap * 2;
	int64_t *t = xcalloc(cap, sizeof(*t));
	double *x = xcalloc(cap * w->k, sizeof(double));

	for (size_t i = 0; i < w->n; i++) {
		t[i] = w->t[(w->head + i) % w->cap];
		memcpy(x + i * w->k, slot(w, i), w->k * sizeof(double));
	}
	free(w->t);
	free(w->x);
	w->t = t;
	w->x = x;
	w->head = 0;
	w->cap = cap;
}

/* Exact two-pass moments of the points in the ring. */
static void
recompute(struct window *w)
{
	size_t k = w->k;

	memset(w->mean, 0, k * sizeof(double));
	memset(w->c, 0, k * k * sizeof(double));
	for (size_t p = 0; p < w->n; p++)
		for (size_t i = 0; i < k; i++)
			w->mean[i] += slot(w, p)[i];
	for (size_t i = 0; i < k && w->n > 0; i++)
		w->mean[i] /= (double)w->n;
	for (size_t p = 0; p < w->n; p++) {
		const double *x = slot(w, p);

		for (size_t i = 0; i < k; i++)
			for (size_t j = i; j < k; j++)
				w->c[i * k + j] +=
				    (x[i] - w->mean[i]) * (x[j] - w->mean[j]);
	}
	w->removed = 0;
}

static void
remove_oldest(struct window *w)
{
	const double *x = slot(w, 0);
	size_t k = w->k;

	w->head = (w->head + 1) % w->cap;
	w->n--;
	w->removed++;
	if (w->n == 0) {
		memset(w->mean, 0, k * sizeof(double));
		memset(w->c, 0, k * k * sizeof(double));
		w->removed = 0;
		return;
	}
	/* Inverse Welford: C -= (x_i - new mean_i)(x_j - old mean_j). */
	for (size_t i = 0; i < k; i++) {
		w->e[i] = x[i] - w->mean[i];
		w->mean[i] -= w->e[i] / (double)w->n;
		w->d[i] = x[i] - w->mean[i];
	}
	for (size_t i = 0; i < k; i++)
		for (size_t j = i; j < k; j++)
			w->c[i * k + j] -= w->d[i] * w->e[j];
}

/*
 * Add a point at t_ms (not before the last one) with k values, after
 * dropping the points no longer within (t_ms - span, t_ms].
 */
void
window_push(struct window *w, int64_t t_ms, const double *x)
{
	size_t k = w->k;
	double *s;

	while (w->n > 0 && w->t[w->head] <= t_ms - w->span)
		remove_oldest(w);
	if (w->removed > 0 && w->removed >= w->n)
		recompute(w);
	if (w->n == w->cap)
		grow(w);
	w->t[(w->head + w->n) % w->cap] = t_ms;
	s = slot(w, w->n);
	memcpy(s, x, k * sizeof(double));
	w->n++;
	/* Welford: C += (x_i - old mean_i)(x_j - new mean_j). */
	for (size_t i = 0; i < k; i++) {
		w->d[i] = x[i] - w->mean[i];
		w->mean[i] += w->d[i] / (double)w->n;
	}
	for (size_t i = 0; i < k; i++)
		for (size_t j = i; j < k; j++)
			w->c[i * k + j] += w->d[i] * (x[j] - w->mean[j]);
}

/* Points in the window. */
size_t
window_count(const struct window *w)
{
	return w->n;
}

/* Mean of field i (NaN when empty). */
double
window_mean(const struct window *w, size_t i)
{
	return w->n > 0 ? w->mean[i] : NAN;
}

/* Sample variance of field i (NaN with fewer than two points). */
double
window_var(const struct window *w, size_t i)
{
	return window_cov(w, i, i);
}

/* Sample covariance of fields i and j (NaN with fewer than two points). */
double
window_cov(const struct window *w, size_t i, size_t j)
{
	double v;

	if (w->n < 2)
		return NAN;
	v = i <= j ? w->c[i * w->k + j] : w->c[j * w->k + i];
	if (i == j && v < 0)
		v = 0;
	return v / (double)(w->n - 1);
}

/* Time of the newest point (meaningless when empty). */
int64_t
window_last_time(const struct window *w)
{
	return w->n > 0 ? w->t[(w->head + w->n - 1) % w->cap] : INT64_MIN;
}
