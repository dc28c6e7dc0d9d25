/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * lib/stl against R: every case of tests/fixtures/stl/CASES.ndjson (R's
 * stl() output for seven series) must agree to 1e-6 of the series' range
 * at every point, for seasonal, trend and remainder (and the robustness
 * weights).  Also R's default parameters, and the error cases.
 */
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "series/stl.h"
#include "tap.h"

static char fixdir[PATH_MAX];

/* tests/fixtures/stl, found from the executable (B/tests/t-stl). */
static void
find_fixtures(void)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	if (getenv("ADPIPE_FIXTURES") != NULL) {
		snprintf(fixdir, sizeof(fixdir), "%s/stl",
		    getenv("ADPIPE_FIXTURES"));
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0) {
		snprintf(fixdir, sizeof(fixdir), "tests/fixtures/stl");
		return;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	*slash = '\0';
	snprintf(
	    fixdir, sizeof(fixdir), "%.3000s/../../tests/fixtures/stl", exe);
	if (access(fixdir, R_OK) != 0)
		snprintf(fixdir, sizeof(fixdir), "tests/fixtures/stl");
}

struct series {
	size_t n;
	double *value, *seasonal, *trend, *remainder, *weight;
};

static int
read_csv(const char *name, struct series *s)
{
	char path[PATH_MAX + 64], line[512];
	size_t cap = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s.csv", fixdir, name);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	memset(s, 0, sizeof(*s));
	if (fgets(line, sizeof(line), fp) == NULL) {
		fclose(fp);
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		double v[6];

		if (sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2],
			&v[3], &v[4], &v[5]) != 6)
			continue;
		if (s->n == cap) {
			cap = cap ? 2 * cap : 1024;
			s->value = xreallocarray(s->value, cap, sizeof(double));
			s->seasonal =
			    xreallocarray(s->seasonal, cap, sizeof(double));
			s->trend = xreallocarray(s->trend, cap, sizeof(double));
			s->remainder =
			    xreallocarray(s->remainder, cap, sizeof(double));
			s->weight =
			    xreallocarray(s->weight, cap, sizeof(double));
		}
		s->value[s->n] = v[1];
		s->seasonal[s->n] = v[2];
		s->trend[s->n] = v[3];
		s->remainder[s->n] = v[4];
		s->weight[s->n] = v[5];
		s->n++;
	}
	fclose(fp);
	return 0;
}

static void
series_release(struct series *s)
{
	free(s->value);
	free(s->seasonal);
	free(s->trend);
	free(s->remainder);
	free(s->weight);
}

static long
geti(json_t *c, const char *k)
{
	return (long)json_integer_value(json_object_get(c, k));
}

static double
maxdiff(const double *a, const double *b, size_t n)
{
	double m = 0;

	for (size_t i = 0; i < n; i++)
		if (!(fabs(a[i] - b[i]) <= m))
			m = fabs(a[i] - b[i]);
	return m;
}

/* Decompose one case with R's exact parameters and compare. */
static void
check_case(json_t *c)
{
	const char *name = json_string_value(json_object_get(c, "name"));
	struct stl_params p, d;
	struct series s;
	struct ad_err e;
	double *sea, *tre, *rem, *w, lo, hi, tol;
	json_t *sw = json_object_get(c, "s.window");

	if (read_csv(name, &s) < 0) {
		ok(0, "%s: read fixture", name);
		return;
	}
	ok(s.n == (size_t)geti(c, "n"), "%s: %zu points", name, s.n);
	stl_params_init(&p);
	p.period = geti(c, "period");
	p.periodic = json_is_string(sw);
	p.s_window = json_is_string(sw) ? 10 * (long)s.n + 1
					: (long)json_integer_value(sw);
	p.t_window = geti(c, "t.window");
	p.l_window = geti(c, "l.window");
	p.s_degree = geti(c, "s.degree");
	p.t_degree = geti(c, "t.degree");
	p.l_degree = geti(c, "l.degree");
	p.s_jump = geti(c, "s.jump");
	p.t_jump = geti(c, "t.jump");
	p.l_jump = geti(c, "l.jump");
	p.inner = geti(c, "inner");
	p.outer = geti(c, "outer");
	p.robust = json_is_true(json_object_get(c, "robust"));

	/* R's defaults, given only what make-references.R passed. */
	stl_params_init(&d);
	d.period = p.period;
	d.periodic = p.periodic;
	if (!p.periodic)
		d.s_window = p.s_window;
	d.robust = p.robust;
	if (strcmp(name, "airpassengers_log_s9") == 0)
		d.t_window = 21;
	if (strcmp(name, "hourly_randomwalk_s_odd") == 0) {
		d.s_degree = 1;
		d.t_degree = 0;
	}
	ok(stl_params_resolve(&d, s.n, &e) == 0 && d.s_window == p.s_window &&
		d.t_window == p.t_window && d.l_window == p.l_window &&
		d.s_degree == p.s_degree && d.t_degree == p.t_degree &&
		d.l_degree == p.l_degree && d.s_jump == p.s_jump &&
		d.t_jump == p.t_jump && d.l_jump == p.l_jump &&
		d.inner == p.inner && d.outer == p.outer,
	    "%s: R's defaults resolved (t.window %ld, jumps %ld/%ld/%ld)", name,
	    d.t_window, d.s_jump, d.t_jump, d.l_jump);

	lo = hi = s.value[0];
	for (size_t i = 1; i < s.n; i++) {
		lo = fmin(lo, s.value[i]);
		hi = fmax(hi, s.value[i]);
	}
	tol = 1e-6 * (hi - lo);
	sea = xcalloc(s.n, sizeof(double));
	tre = xcalloc(s.n, sizeof(double));
	rem = xcalloc(s.n, sizeof(double));
	w = xcalloc(s.n, sizeof(double));
	ok(stl_decompose(s.value, s.n, &p, sea, tre, rem, w, &e) == 0,
	    "%s: decomposes", name);
	is_near(maxdiff(sea, s.seasonal, s.n), 0, tol, "%s: seasonal", name);
	is_near(maxdiff(tre, s.trend, s.n), 0, tol, "%s: trend", name);
	is_near(maxdiff(rem, s.remainder, s.n), 0, tol, "%s: remainder", name);
	is_near(maxdiff(w, s.weight, s.n), 0, 1e-6, "%s: weights", name);
	printf("# %s: max |diff| seasonal %.3g trend %.3g remainder %.3g "
	       "(tolerance %.3g)\n",
	    name, maxdiff(sea, s.seasonal, s.n), maxdiff(tre, s.trend, s.n),
	    maxdiff(rem, s.remainder, s.n), tol);
	free(sea);
	free(tre);
	free(rem);
	free(w);
	series_release(&s);
}

static void
check_errors(void)
{
	struct stl_params p;
	struct ad_err e;
	double y[25], s[25], t[25], r[25];

	for (int i = 0; i < 25; i++)
		y[i] = sin(i);
	stl_params_init(&p);
	p.period = 12;
	p.periodic = true;
	ok(stl_params_resolve(&p, 24, &e) < 0 && e.status == EX_DATAERR,
	    "24 points, period 12: too short (%s)", e.msg);
	stl_params_init(&p);
	p.period = 1;
	p.periodic = true;
	ok(stl_params_resolve(&p, 25, &e) < 0 && e.status == EX_USAGE,
	    "period 1 refused");
	stl_params_init(&p);
	p.period = 12;
	p.periodic = true;
	ok(stl_params_resolve(&p, 25, &e) == 0, "25 points, period 12: ok");
	ok(stl_decompose(y, 25, &p, s, t, r, NULL, &e) == 0,
	    "two periods and one point decompose");
	y[3] = NAN;
	ok(stl_decompose(y, 25, &p, s, t, r, NULL, &e) < 0 &&
		e.status == EX_DATAERR,
	    "NaN refused (%s)", e.msg);
	ok(stl_nextodd(12) == 13 && stl_nextodd(13) == 13 &&
		stl_nextodd(2160.0) == 2161,
	    "nextodd");
}

int
main(void)
{
	char path[PATH_MAX + 64], line[1024];
	FILE *fp;

	find_fixtures();
	snprintf(path, sizeof(path), "%s/CASES.ndjson", fixdir);
	fp = fopen(path, "r");
	ok(fp != NULL, "open %s", path);
	while (fp != NULL && fgets(line, sizeof(line), fp) != NULL) {
		json_error_t je;
		json_t *c = json_loads(line, 0, &je);

		if (c == NULL) {
			ok(0, "CASES line parses");
			continue;
		}
		check_case(c);
		json_decref(c);
	}
	if (fp != NULL)
		fclose(fp);
	check_errors();
	return tap_done();
}
