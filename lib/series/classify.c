/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Classify a metric series as periodic or not and stable or not (see
 * classify.h), and write the verdict as one NDJSON summary record.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "series/acf.h"
#include "series/classify.h"
#include "series/stl.h"

/* Set the defaults: automatic period, periodic s.window, 0.6 and 0.2. */
void
classify_conf_init(struct classify_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->min_strength = 0.6;
	c->stable_var = 0.2;
}

static double
variance(const double *x, size_t n)
{
	double m = 0, s = 0;

	for (size_t i = 0; i < n; i++)
		m += x[i];
	m /= (double)n;
	for (size_t i = 0; i < n; i++)
		s += (x[i] - m) * (x[i] - m);
	return n > 1 ? s / (double)(n - 1) : 0;
}

/* Variance of r min-max normalised to [0, 1] (0 when r is constant). */
static double
normalized_variance(const double *r, size_t n)
{
	double lo = r[0], hi = r[0], *z;
	double v;

	for (size_t i = 1; i < n; i++) {
		lo = fmin(lo, r[i]);
		hi = fmax(hi, r[i]);
	}
	if (hi <= lo)
		return 0;
	z = xcalloc(n, sizeof(double));
	for (size_t i = 0; i < n; i++)
		z[i] = (r[i] - lo) / (hi - lo);
	v = variance(z, n);
	free(z);
	return v;
}

/* Find or check the period; fills v->period (0: none) and v->acf. */
static int
find_period(const struct classify_conf *c, const double *x, const int64_t *t_ms,
    size_t n, struct classify_verdict *v, struct ad_err *err)
{
	struct acf_period ap;
	size_t pref[16], np;

	if (c->period > 0) {
		if (n <= (size_t)(2 * c->period)) {
			ad_err_set(err, EX_DATAERR,
			    "%zu points, fewer than two periods of %ld (need "
			    "at least %ld)",
			    n, c->period, 2 * c->period + 1);
			return -1;
		}
		v->period = c->period;
		v->acf = acf_at(x, n, (size_t)c->period);
		return 0;
	}
	np = t_ms != NULL ? acf_natural_periods(t_ms, n, pref, 16) : 0;
	if (acf_find_period(x, n, 2, 0, pref, np, &ap))
		v->period = (long)ap.period;
	if (ap.best_lag > 0)
		v->acf = ap.acf;
	return 0;
}

/*
 * Classify x[0..n) (t_ms: the points' times, for natural periods, may be
 * NULL).  Returns 0 with *v filled, or -1 with err set (EX_DATAERR) when
 * the series cannot be classified: too few points, or the decomposition
 * refuses it.
 */
int
classify_series(const struct classify_conf *c, const double *x,
    const int64_t *t_ms, size_t n, struct classify_verdict *v,
    struct ad_err *err)
{
	double *s = NULL, *t = NULL, *r = NULL, vx, vr;
	bool periodic = false;
	int rc = -1;

	memset(v, 0, sizeof(*v));
	v->acf = NAN;
	if (n < 3) {
		ad_err_set(err, EX_DATAERR,
		    "%zu point%s, too few to classify (need at least 3)", n,
		    n == 1 ? "" : "s");
		return -1;
	}
	if ((vx = variance(x, n)) <= 0) {
		v->cls = "nonperiodic-stable";
		v->note = "constant series: no seasonality, nothing left "
			  "unexplained; classified nonperiodic-stable";
		return 0;
	}
	if (find_period(c, x, t_ms, n, v, err) < 0)
		return -1;
	s = xcalloc(n, sizeof(double));
	t = xcalloc(n, sizeof(double));
	r = xcalloc(n, sizeof(double));
	if (v->period > 0) {
		struct stl_params p;

		stl_params_init(&p);
		p.period = v->period;
		p.periodic = c->s_window == 0;
		p.s_window = c->s_window > 0 ? c->s_window : STL_UNSET;
		if (stl_params_resolve(&p, n, err) < 0 ||
		    stl_decompose(x, n, &p, s, t, r, NULL, err) < 0)
			goto out;
		for (size_t i = 0; i < n; i++)
			s[i] += r[i];
		vr = variance(s, n);
		v->strength = vr > 0 ? fmax(0, 1 - variance(r, n) / vr) : 0;
		periodic = v->strength >= c->min_strength;
	} else {
		/* No period: a wide loess trend, the rest is remainder. */
		stl_loess(x, n, stl_nextodd(ceil((double)n / 10)), 1, 0, t);
		for (size_t i = 0; i < n; i++)
			r[i] = x[i] - t[i];
	}
	v->share = variance(r, n) / vx;
	v->norm_var = normalized_variance(r, n);
	if (c->norm_remainder ? v->norm_var <= c->stable_var
			      : v->share <= c->stable_var)
		v->cls = periodic ? "periodic-stable" : "nonperiodic-stable";
	else
		v->cls =
		    periodic ? "periodic-unstable" : "nonperiodic-unstable";
	rc = 0;
out:
	free(s);
	free(t);
	free(r);
	return rc;
}

static void
add_real(struct buf *b, const char *name, double v)
{
	buf_addf(b, ",\"%s\":", name);
	buf_add_double(b, v);
}

/*
 * Replace b's contents with the summary record of one key: id (null when
 * the points had none), class, period, acf, seasonal_strength,
 * remainder_share, remainder_norm_var (with norm_remainder) and points.
 */
void
classify_summary(struct buf *b, const char *key, bool has_id,
    const struct classify_verdict *v, bool norm_remainder, size_t points)
{
	buf_reset(b);
	buf_adds(b, "{\"id\":");
	if (has_id)
		buf_add_json_string(b, key, strlen(key));
	else
		buf_adds(b, "null");
	buf_addf(b, ",\"class\":\"%s\",\"period\":", v->cls);
	if (v->period > 0)
		buf_add_long(b, v->period);
	else
		buf_adds(b, "null");
	add_real(b, "acf", v->acf);
	add_real(b, "seasonal_strength", v->strength);
	add_real(b, "remainder_share", v->share);
	if (norm_remainder)
		add_real(b, "remainder_norm_var", v->norm_var);
	buf_addf(b, ",\"points\":%zu}", points);
}
