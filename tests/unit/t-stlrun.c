/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/stlrun: window features appended to each record as
 * it comes (hand-computed mean, variance, covariance and count over the
 * trailing window, times that repeat or go back refused), and the STL
 * components appended once the input ends: seasonal + trend + remainder
 * giving back every value, the seasonal of a pure sine, automatic period
 * detection, and series refused for a gap, for noise, or too short.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/prng.h"
#include "io/io.h"
#include "io/endpoint.h"
#include "io/sink.h"
#include "series/point.h"
#include "series/stlrun.h"
#include "tap.h"

static char outpath[300];
static struct io_conf conf;
static struct point_parser pp;
static struct sink *out;

static int
feed(struct stlrun *r, const char *line, char *why, size_t n)
{
	struct point p;
	char pwhy[256];
	struct ad_err err;

	if (point_parse(&pp, line, strlen(line), &p, pwhy, sizeof(pwhy)) <= 0)
		return -9;
	return stlrun_point(r, &p, why, n, &err);
}

/* Close the sink and read the output lines into a JSON array. */
static json_t *
read_output(void)
{
	struct ad_err err;
	json_t *a = json_array();
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;

	sink_close(out, &err);
	fp = fopen(outpath, "r");
	while (getline(&line, &cap, fp) > 0)
		json_array_append_new(a, json_loads(line, 0, NULL));
	fclose(fp);
	free(line);
	return a;
}

static double
num(json_t *a, size_t i, const char *k)
{
	json_t *v = json_object_get(json_array_get(a, i), k);

	return v ? json_number_value(v) : NAN;
}

int
main(void)
{
	char dir[] = "/tmp/t-stlrun-XXXXXX", why[512], line[256];
	struct point_conf pc = {.id_field = "id",
	    .time_field = "ts",
	    .fields = {"v"},
	    .nfields = 1,
	    .need_time = true};
	struct point_conf pc2 = {.id_field = "id",
	    .time_field = "ts",
	    .fields = {"a", "b"},
	    .nfields = 2,
	    .need_time = true};
	struct stlrun_conf c = {.pc = &pc, .window_ms = 1500};
	struct stlrun *r;
	struct ad_err err;
	struct prng rng;
	json_t *a;
	int all;
	char *s;

	mkdtemp(dir);
	snprintf(outpath, sizeof(outpath), "%s/out", dir);
	io_conf_init(&conf, "t-stlrun");

	/* Window features. */
	out = sink_open(outpath, &conf, &err);
	point_parser_init(&pp, &pc);
	stl_params_init(&c.stl);
	r = stlrun_new(&c, out);
	ok(feed(r, "{\"id\":\"k\",\"ts\":1700000000000,\"v\":1}", why,
	       sizeof(why)) == 0 &&
		feed(r, "{\"id\":\"k\",\"ts\":1700000001000,\"v\":2}", why,
		    sizeof(why)) == 0 &&
		feed(r, "{\"id\":\"j\",\"ts\":1700000001000,\"v\":50}", why,
		    sizeof(why)) == 0 &&
		feed(r, "{\"id\":\"k\",\"ts\":1700000002000,\"v\":4.5}", why,
		    sizeof(why)) == 0,
	    "four points, two keys");
	ok(feed(r, "{\"id\":\"k\",\"ts\":1700000002000,\"v\":9}", why,
	       sizeof(why)) == STLRUN_REFUSED &&
		strcmp(why, "time repeats the previous point's of 'k'") == 0,
	    "a repeated time refused (%s)", why);
	ok(feed(r, "{\"id\":\"k\",\"ts\":1700000001999,\"v\":9}", why,
	       sizeof(why)) == STLRUN_REFUSED &&
		strcmp(why, "time is before the previous point's of 'k'") == 0,
	    "an earlier time refused");
	ok(stlrun_keys(r) == 2 && !stlrun_evicted(r), "two window states");
	stlrun_free(r);
	a = read_output();
	s = json_dumps(
	    json_array_get(a, 0), JSON_COMPACT | JSON_PRESERVE_ORDER);
	is_str(s,
	    "{\"id\":\"k\",\"ts\":1700000000000,\"v\":1,\"v_mean\":1.0,\"v_"
	    "var\":null,"
	    "\"window_n\":1}",
	    "first point: mean 1, variance null, n 1");
	free(s);
	ok(json_array_size(a) == 4 && num(a, 1, "v_mean") == 1.5 &&
		num(a, 1, "v_var") == 0.5 && num(a, 1, "window_n") == 2,
	    "second: mean 1.5, var 0.5, n 2");
	ok(num(a, 3, "v_mean") == 3.25 && num(a, 3, "v_var") == 3.125 &&
		num(a, 3, "window_n") == 2,
	    "at 2000 the point at 0 has left the 1.5 s window: mean 3.25, "
	    "var 3.125");
	ok(num(a, 2, "v_mean") == 50 && num(a, 2, "window_n") == 1,
	    "key j has its own window");
	json_decref(a);

	/* Two fields: covariance. */
	point_parser_release(&pp);
	point_parser_init(&pp, &pc2);
	out = sink_open(outpath, &conf, &err);
	c.pc = &pc2;
	c.window_ms = 10000;
	r = stlrun_new(&c, out);
	feed(r, "{\"id\":\"x\",\"ts\":1,\"a\":1,\"b\":10}", why, sizeof(why));
	feed(r, "{\"id\":\"x\",\"ts\":2,\"a\":2,\"b\":30}", why, sizeof(why));
	feed(r, "{\"id\":\"x\",\"ts\":3,\"a\":3,\"b\":20}", why, sizeof(why));
	stlrun_free(r);
	a = read_output();
	ok(num(a, 2, "a_mean") == 2 && num(a, 2, "b_mean") == 20 &&
		num(a, 2, "a_var") == 1 && num(a, 2, "b_var") == 100 &&
		num(a, 2, "cov_a_b") == 5,
	    "means 2 and 20, variances 1 and 100, covariance 5");
	json_decref(a);
	point_parser_release(&pp);

	/* Decomposition with a given period. */
	point_parser_init(&pp, &pc);
	c.pc = &pc;
	c.window_ms = 0;
	c.decompose = true;
	c.stl.period = 12;
	c.stl.periodic = true;
	out = sink_open(outpath, &conf, &err);
	r = stlrun_new(&c, out);
	for (int i = 0; i < 120; i++) {
		snprintf(line, sizeof(line),
		    "{\"id\":\"s\",\"ts\":%d,\"v\":%.17g,\"note\":\"n%d\"}",
		    i * 60, 10 + 0.05 * i + 3 * sin(2 * M_PI * i / 12), i);
		feed(r, line, why, sizeof(why));
	}
	for (int i = 0; i < 10; i++) {
		snprintf(line, sizeof(line),
		    "{\"id\":\"t\",\"ts\":%d,\"v\":%d}", i, i);
		feed(r, line, why, sizeof(why));
	}
	ok(stlrun_series_count(r) == 2, "two series kept");
	ok(stlrun_emit(r, 0, why, sizeof(why), &err) == STLRUN_DONE,
	    "series s decomposed");
	ok(stlrun_emit(r, 1, why, sizeof(why), &err) == STLRUN_REFUSED &&
		strncmp(why, "'t': ", 5) == 0,
	    "10 points for period 12: refused (%s)", why);
	stlrun_free(r);
	a = read_output();
	all = json_array_size(a) == 120;
	for (size_t i = 0; all && i < 120; i++) {
		double v = num(a, i, "v"), sum = num(a, i, "seasonal") +
						 num(a, i, "trend") +
						 num(a, i, "remainder");

		if (fabs(v - sum) > 1e-9 ||
		    fabs(num(a, i, "seasonal") -
			 3 * sin(2 * M_PI * (double)i / 12)) > 0.05)
			all = 0;
	}
	ok(all, "120 points: seasonal + trend + remainder = v, seasonal "
		"the sine within 0.05");
	s = json_dumps(
	    json_array_get(a, 5), JSON_COMPACT | JSON_PRESERVE_ORDER);
	ok(strncmp(s, "{\"id\":\"s\",\"ts\":300,\"v\":", 22) == 0 &&
		strstr(s, ",\"note\":\"n5\",\"seasonal\":") != NULL,
	    "fields in input order, then the components");
	free(s);
	json_decref(a);

	/* Automatic period; noise; a gap. */
	c.auto_period = true;
	out = sink_open(outpath, &conf, &err);
	r = stlrun_new(&c, out);
	prng_init(&rng, 4);
	for (int i = 0; i < 240; i++) {
		snprintf(line, sizeof(line),
		    "{\"id\":\"p\",\"ts\":%lld,\"v\":%.17g}",
		    1700000000000LL + i * 3600000LL,
		    5 * sin(2 * M_PI * i / 24) + 0.3 * prng_normal(&rng));
		feed(r, line, why, sizeof(why));
		snprintf(line, sizeof(line),
		    "{\"id\":\"n\",\"ts\":%lld,\"v\":%.17g}",
		    1700000000000LL + i * 3600000LL, prng_normal(&rng));
		feed(r, line, why, sizeof(why));
		snprintf(line, sizeof(line),
		    "{\"id\":\"g\",\"ts\":%d,\"v\":%.17g}", i,
		    sin(2 * M_PI * i / 24));
		feed(r, line, why, sizeof(why));
	}
	{
		struct point p;

		const char *gl = "{\"id\":\"g\",\"ts\":999,\"v\":null}";

		ok(point_parse(&pp, gl, strlen(gl), &p, why, sizeof(why)) ==
			    0 &&
			point_is_gap(&p),
		    "a null value: a gap");
		stlrun_gap(r, &p, "in.ndjson", 7, "field 'v' is null");
	}
	ok(stlrun_emit(r, 0, why, sizeof(why), &err) == STLRUN_DONE,
	    "hourly sine of period 24 + noise: decomposed with the period "
	    "found");
	ok(stlrun_emit(r, 1, why, sizeof(why), &err) == STLRUN_REFUSED &&
		strstr(why, "'n': no significant seasonal period") == why,
	    "noise: refused (%s)", why);
	ok(stlrun_emit(r, 2, why, sizeof(why), &err) == STLRUN_REFUSED &&
		strcmp(why, "'g': not decomposed: 1 point refused, the first "
			    "at in.ndjson:7 (field 'v' is null)") == 0,
	    "a gap: refused with where and why (%s)", why);
	stlrun_free(r);
	a = read_output();
	all = json_array_size(a) == 240;
	for (size_t i = 0; all && i < 240; i++)
		if (fabs(num(a, i, "seasonal") -
			 5 * sin(2 * M_PI * (double)i / 24)) > 0.6)
			all = 0;
	ok(all, "only p written; its seasonal follows the sine");
	json_decref(a);
	point_parser_release(&pp);
	stlrun_free(NULL);
	unlink(outpath);
	rmdir(dir);
	return tap_done();
}
