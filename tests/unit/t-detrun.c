/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/detect/detrun, the record loop of ad-detect.  They
 * check what holds for any detector behind detector.h, not the numbers
 * of one: every good record comes out once, in order, with its fields
 * as they were and a score in [0,1]; anomaly is score >= threshold; a
 * huge spike in a long noisy series scores highest and is an anomaly at
 * the default threshold; keys are independent; the four time forms are
 * the same time; bad records are rejected and change no state; a save
 * and a load continue the stream byte for byte; eviction starts a key
 * afresh.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/prng.h"
#include "detect/detrun.h"
#include "tap.h"
#include "tfiles.h"

static char dir[] = "/tmp/t-detrun-XXXXXX";

/* A growable list of lines. */
struct lines {
	char **v;
	size_t n;
};

static void
lines_add(struct lines *l, const char *s, size_t n)
{
	l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n] = malloc(n + 1);
	memcpy(l->v[l->n], s, n);
	l->v[l->n++][n] = '\0';
}

static void
lines_adds(struct lines *l, const char *s)
{
	lines_add(l, s, strlen(s));
}

static void
lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/*
 * Feed lines [from, to) of in through r; written lines go to out, and
 * the count of rejected lines is returned (broken: -1).
 */
static int
feed(struct detrun *r, const struct lines *in, size_t from, size_t to,
    struct lines *out)
{
	struct buf b;
	char why[300];
	int rejected = 0;

	buf_init(&b);
	for (size_t i = from; i < to; i++) {
		enum detrun_result res = detrun_line(
		    r, in->v[i], strlen(in->v[i]), &b, why, sizeof(why));

		if (res == DETRUN_BROKEN) {
			rejected = -1;
			break;
		}
		if (res == DETRUN_REJECTED)
			rejected++;
		else
			lines_add(out, b.data, b.len);
	}
	buf_release(&b);
	return rejected;
}

/* The reason detrun_line() gives for one line, "" when accepted. */
static const char *
reason(struct detrun *r, const char *line)
{
	static char why[300];
	struct buf b;

	buf_init(&b);
	if (detrun_line(r, line, strlen(line), &b, why, sizeof(why)) !=
	    DETRUN_REJECTED)
		why[0] = '\0';
	buf_release(&b);
	return why;
}

static double
num_field(const char *line, const char *name)
{
	json_t *o = json_loads(line, 0, NULL);
	double v = json_number_value(json_object_get(o, name));

	if (!json_is_number(json_object_get(o, name)))
		v = NAN;
	json_decref(o);
	return v;
}

static int
bool_field(const char *line, const char *name)
{
	json_t *o = json_loads(line, 0, NULL), *v = json_object_get(o, name);
	int b = json_is_boolean(v) ? json_is_true(v) : -1;

	json_decref(o);
	return b;
}

/*
 * A long, flat-ish, noisy series of key id at 5-minute steps (NAB's
 * shape), with a spike of +50 standard deviations at spike (none: -1).
 */
static void
make_series(struct lines *l, const char *id, size_t n, long spike,
    uint64_t seed, const char *timefmt)
{
	struct prng g;
	char tmp[200];

	prng_init(&g, seed);
	for (size_t i = 0; i < n; i++) {
		double x = 100 + 2 * prng_normal(&g);
		long long t = 1404172800LL + 300LL * (long long)i;

		if ((long)i == spike)
			x += 100;
		if (strcmp(timefmt, "s") == 0)
			snprintf(tmp, sizeof(tmp),
			    "{\"id\":\"%s\",\"ts\":%lld,\"value\":%.4f}", id, t,
			    x);
		else if (strcmp(timefmt, "ms") == 0)
			snprintf(tmp, sizeof(tmp),
			    "{\"id\":\"%s\",\"ts\":%lld000,\"value\":%.4f}", id,
			    t, x);
		else {
			long long d = (t - 1404172800LL) / 86400,
				  s = (t - 1404172800LL) % 86400;

			/* July 2014 has 31 days: stay within it */
			snprintf(tmp, sizeof(tmp),
			    "{\"id\":\"%s\",\"ts\":\"2014-07-%02lld%s%02lld:%"
			    "02lld:"
			    "%02lld%s\",\"value\":%.4f}",
			    id, 1 + d, strcmp(timefmt, "nab") == 0 ? " " : "T",
			    s / 3600, s / 60 % 60, s % 60,
			    strcmp(timefmt, "nab") == 0 ? "" : "Z", x);
		}
		lines_add(l, tmp, strlen(tmp));
	}
}

static struct detrun *
run_new(bool parts)
{
	struct detrun_opts o;

	detrun_opts_defaults(&o);
	o.parts = parts;
	return detrun_new(&o);
}

static void
test_records(void)
{
	struct lines in = {0}, out = {0};
	struct detrun *r = run_new(false);
	size_t n = 2000, spike = 1500, bad_range = 0, bad_keep = 0,
	       bad_anom = 0;
	double th = detector_default_threshold(), max_before = 0, max_other = 0;
	double s_spike;

	make_series(&in, "cpu", n, (long)spike, 1, "nab");
	ok(feed(r, &in, 0, n, &out) == 0, "a clean series: nothing rejected");
	ok(out.n == n, "every record comes out: %zu of %zu", out.n, n);
	for (size_t i = 0; i < out.n && i < n; i++) {
		size_t l = strlen(in.v[i]) - 1;
		double s = num_field(out.v[i], "score");

		if (strncmp(out.v[i], in.v[i], l) != 0 || out.v[i][l] != ',')
			bad_keep++;
		if (!(s >= 0 && s <= 1))
			bad_range++;
		if (bool_field(out.v[i], "anomaly") != (s >= th))
			bad_anom++;
		if (i >= n * 15 / 100 && i < spike && s > max_before)
			max_before = s;
		if (i >= n * 15 / 100 && i != spike && s > max_other)
			max_other = s;
	}
	ok(bad_keep == 0, "in order, input bytes kept, fields appended");
	ok(bad_range == 0, "every score in [0,1]");
	ok(bad_anom == 0, "anomaly is score >= %g", th);
	s_spike = num_field(out.v[spike], "score");
	ok(s_spike > max_before,
	    "the spike scores above every point before it (%g > %g)", s_spike,
	    max_before);
	ok(s_spike >= max_other, "the spike scores highest (%g >= %g)", s_spike,
	    max_other);
	ok(s_spike >= th && bool_field(out.v[spike], "anomaly") == 1,
	    "the spike is an anomaly at the default threshold (%g >= %g)",
	    s_spike, th);
	ok(strstr(out.v[0], "\"parts\"") == NULL, "no parts unless asked");
	ok(detrun_count(r) == 1 && detrun_evicted(r) == 0, "one key");
	lines_free(&out);
	detrun_free(r);
	lines_free(&in);
}

/* The four time forms are one time: the same scores. */
static void
test_time_forms(void)
{
	const char *forms[] = {"s", "ms", "iso", "nab"};
	struct lines ref = {0};
	int same = 1;

	for (int f = 0; f < 4; f++) {
		struct lines in = {0}, out = {0};
		struct detrun *r = run_new(false);

		make_series(&in, "k", 500, 300, 7, forms[f]);
		ok(feed(r, &in, 0, in.n, &out) == 0 && out.n == 500,
		    "time as %s: all accepted", forms[f]);
		for (size_t i = 0; i < out.n; i++) {
			char *sc = strstr(out.v[i], ",\"score\":");

			if (f == 0)
				lines_add(&ref, sc, strlen(sc));
			else if (sc == NULL || i >= ref.n ||
				 strcmp(sc, ref.v[i]) != 0)
				same = 0;
		}
		detrun_free(r);
		lines_free(&in);
		lines_free(&out);
	}
	ok(same, "epoch s, epoch ms, ISO 8601 and NAB's text: same scores");
	lines_free(&ref);
}

/* Interleaved keys are scored as if each were alone. */
static void
test_keys(void)
{
	struct lines a = {0}, b = {0}, mixed = {0}, oa = {0}, ob = {0},
		     om = {0};
	struct detrun *r;
	int same = 1;

	make_series(&a, "a", 400, 200, 2, "s");
	make_series(&b, "b", 400, 100, 3, "s");
	for (size_t i = 0; i < 400; i++) {
		lines_add(&mixed, a.v[i], strlen(a.v[i]));
		lines_add(&mixed, b.v[i], strlen(b.v[i]));
	}
	r = run_new(false);
	feed(r, &a, 0, a.n, &oa);
	detrun_free(r);
	r = run_new(false);
	feed(r, &b, 0, b.n, &ob);
	detrun_free(r);
	r = run_new(false);
	feed(r, &mixed, 0, mixed.n, &om);
	ok(detrun_count(r) == 2, "two keys held");
	detrun_free(r);
	for (size_t i = 0; i < 400 && om.n == 800; i++)
		if (strcmp(om.v[2 * i], oa.v[i]) != 0 ||
		    strcmp(om.v[2 * i + 1], ob.v[i]) != 0)
			same = 0;
	ok(om.n == 800 && same, "interleaved keys score as when alone");

	/* at most one key: each key comes back fresh after its eviction */
	{
		struct detrun_opts o;
		struct lines fresh = {0}, oe = {0};

		detrun_opts_defaults(&o);
		o.max_keys = 1;
		r = detrun_new(&o);
		feed(r, &mixed, 0, 6, &oe);
		ok(detrun_count(r) == 1 && detrun_evicted(r) == 5,
		    "max_keys 1: 5 evictions in 6 alternating points");
		detrun_free(r);
		r = run_new(false);
		feed(r, &mixed, 4, 5, &fresh);
		detrun_free(r);
		ok(oe.n == 6 && fresh.n == 1 &&
			strcmp(oe.v[4], fresh.v[0]) == 0,
		    "an evicted key starts afresh");
		lines_free(&fresh);
		lines_free(&oe);
	}
	lines_free(&a);
	lines_free(&b);
	lines_free(&mixed);
	lines_free(&oa);
	lines_free(&ob);
	lines_free(&om);
}

static void
test_bad(void)
{
	struct detrun *r = run_new(false);
	struct lines good = {0}, mixed = {0}, o1 = {0}, o2 = {0};
	const char *bad[] = {
	    "{\"id\":\"k\",\"ts\":1404172800}",
	    "{\"id\":\"k\",\"ts\":1404172800,\"value\":\"12\"}",
	    "{\"id\":\"k\",\"ts\":1404172800,\"value\":null}",
	    "{\"id\":\"k\",\"ts\":1404172800,\"value\":1e999}",
	    "{\"id\":\"k\",\"value\":1}",
	    "{\"id\":\"k\",\"ts\":\"yesterday\",\"value\":1}",
	    "{\"ts\":1404172800,\"value\":1}",
	    "{\"id\":null,\"ts\":1404172800,\"value\":1}",
	    "[1,2]",
	    "{\"id\":\"k\",\"ts\":1404172800,\"value\":1",
	    "{\"id\":\"k\",\"ts\":1404172799,\"value\":1}",
	};
	char p1[300], p2[300], s1[1 << 16], s2[1 << 16];
	struct ad_err e;
	size_t nb = sizeof(bad) / sizeof(bad[0]);

	is_str(reason(r, bad[0]), "missing field 'value'", "missing value");
	is_str(reason(r, bad[1]), "field 'value' is a string, not a number",
	    "a string value");
	is_str(reason(r, bad[2]),
	    "field 'value' is null, not a number (a gap or NaN)",
	    "a null value");
	ok(strstr(reason(r, bad[3]), "1e999") != NULL ||
		strstr(reason(r, bad[3]), "not a finite number") != NULL,
	    "an infinite value: %s", reason(r, bad[3]));
	is_str(reason(r, bad[4]), "missing time field 'ts'", "missing time");
	is_str(reason(r, bad[5]), "'yesterday' is not a time", "a bad time");
	is_str(
	    reason(r, bad[6]), "missing or null key field 'id'", "missing id");
	is_str(reason(r, bad[7]), "missing or null key field 'id'", "null id");
	ok(strstr(reason(r, bad[8]), "not an object") != NULL ||
		strstr(reason(r, bad[8]), "object") != NULL,
	    "an array: %s", reason(r, bad[8]));
	ok(*reason(r, bad[9]) != '\0', "not JSON: %s", reason(r, bad[9]));
	ok(detrun_count(r) == 0, "no key made by a bad record");
	ok(*reason(r, "{\"id\":\"k\",\"ts\":1404172800,\"value\":1}") == '\0',
	    "a good point");
	is_str(reason(r, bad[10]), "time goes back 1000 ms for key 'k'",
	    "time going back");
	ok(*reason(r, "{\"id\":\"k\",\"ts\":1404172800,\"value\":2}") == '\0',
	    "the same time again is accepted");
	ok(*reason(r, "{\"id\":\"k\",\"ts\":1404777600,\"value\":2}") == '\0',
	    "a gap of a week is accepted");
	detrun_free(r);

	/* bad records between good ones change nothing */
	make_series(&good, "k", 300, 250, 5, "s");
	for (size_t i = 0; i < good.n; i++) {
		lines_add(&mixed, good.v[i], strlen(good.v[i]));
		if (i > 0 && i % 20 == 0) {
			const char *b = bad[(i / 20) % nb];
			char back[200];

			if ((i / 20) % nb == nb - 1) {
				/* a point 1 s before this one */
				snprintf(back, sizeof(back),
				    "{\"id\":\"k\",\"ts\":%lld,\"value\":1e6}",
				    1404172800LL + 300LL * (long long)i - 1);
				b = back;
			}
			lines_add(&mixed, b, strlen(b));
		}
	}
	r = run_new(false);
	ok(feed(r, &good, 0, good.n, &o1) == 0, "good records alone");
	snprintf(p1, sizeof(p1), "%s/good.state", dir);
	ok(detrun_save(r, p1, &e) == 0, "saved");
	detrun_free(r);
	r = run_new(false);
	ok(feed(r, &mixed, 0, mixed.n, &o2) == (int)(mixed.n - good.n),
	    "with bad ones: the %zu bad ones rejected", mixed.n - good.n);
	snprintf(p2, sizeof(p2), "%s/mixed.state", dir);
	ok(detrun_save(r, p2, &e) == 0, "saved");
	detrun_free(r);
	{
		int same = o1.n == o2.n;

		for (size_t i = 0; same && i < o1.n; i++)
			same = strcmp(o1.v[i], o2.v[i]) == 0;
		ok(same, "the good records' output is the same");
	}
	slurp_str(p1, s1, sizeof(s1));
	slurp_str(p2, s2, sizeof(s2));
	ok(s1[0] != '\0' && strcmp(s1, s2) == 0, "and so is the state");
	lines_free(&good);
	lines_free(&mixed);
	lines_free(&o1);
	lines_free(&o2);
}

/* Fields of ours in the input are replaced; jansson's path scores alike. */
static void
test_fields(void)
{
	struct detrun *r;
	struct lines in = {0}, out = {0};
	const char *l;

	make_series(&in, "k", 3, -1, 9, "s");
	lines_adds(&in,
	    "{\"score\":7,\"id\":\"k\",\"ts\":1404173700,\"anomaly\":\"x\","
	    "\"value\":100,\"parts\":3}");
	lines_adds(&in,
	    "{ \"id\" : \"k\", \"ts\" : 1404174000, \"value\" : 100, "
	    "\"note\": \"caf\\u00e9\" }");
	r = run_new(false);
	ok(feed(r, &in, 0, in.n, &out) == 0 && out.n == 5, "5 records");
	l = out.n == 5 ? out.v[3] : "";
	ok(strstr(l, "\"score\":7") == NULL &&
		strstr(l, "\"anomaly\":\"x\"") == NULL &&
		strstr(l, "\"parts\":3") != NULL,
	    "score and anomaly replaced, parts kept without --parts: %s", l);
	ok(num_field(l, "score") >= 0 && num_field(l, "score") <= 1,
	    "the score is ours");
	l = out.n == 5 ? out.v[4] : "";
	ok(strstr(l, "\"note\":\"café\"") != NULL && num_field(l, "score") >= 0,
	    "a spaced, escaped record is re-written compactly: %s", l);
	detrun_free(r);
	lines_free(&out);

	r = run_new(true);
	feed(r, &in, 0, in.n, &out);
	l = out.n == 5 ? out.v[3] : "";
	ok(strstr(l, "\"parts\":3") == NULL, "--parts replaces parts: %s", l);
	{
		json_t *o = json_loads(l, 0, NULL),
		       *p = json_object_get(o, "parts");
		int all = json_is_object(p) &&
			  json_object_size(p) == detector_nparts();

		for (size_t i = 0; all && i < detector_nparts(); i++) {
			json_t *v = json_object_get(p, detector_part_name(i));

			all = json_is_number(v);
		}
		ok(all, "parts: one number per component");
		json_decref(o);
	}
	detrun_free(r);
	lines_free(&out);

	{
		struct detrun_opts o;

		detrun_opts_defaults(&o);
		o.parts = true;
		o.params.disabled = 1u;
		r = detrun_new(&o);
		feed(r, &in, 0, 1, &out);
		{
			json_t *rec = json_loads(
				   out.n == 1 ? out.v[0] : "", 0, NULL),
			       *p = json_object_get(rec, "parts");

			ok(json_is_object(p) &&
				json_object_size(p) == detector_nparts() - 1 &&
				json_object_get(p, detector_part_name(0)) ==
				    NULL,
			    "a disabled component is left out of parts");
			json_decref(rec);
		}
		detrun_free(r);
		lines_free(&out);
	}
	lines_free(&in);
}

static void
test_disable(void)
{
	struct detector_params p = {0};
	struct ad_err e;
	char all[256] = "";
	size_t n = detector_nparts();

	for (size_t i = 0; i < n; i++) {
		strcat(all, i ? "," : "");
		strcat(all, detector_part_name(i));
	}
	ok(detrun_opt_disable(&p, all, &e) == 0 &&
		p.disabled == (n >= 32 ? ~0u : (1u << n) - 1),
	    "--disable %s: every bit", all);
	p.disabled = 0;
	ok(detrun_opt_disable(&p, "nosuch", &e) < 0 && e.status == EX_USAGE &&
		strstr(e.msg, "'nosuch'") != NULL &&
		strstr(e.msg, detector_part_name(0)) != NULL,
	    "an unknown name: a usage error listing the names: %s", e.msg);
	ok(detrun_opt_disable(&p, "", &e) < 0, "an empty name");
	snprintf(all, sizeof(all), "%s,", detector_part_name(0));
	ok(detrun_opt_disable(&p, all, &e) < 0, "a trailing comma");
	ok(detrun_reserved("score") && detrun_reserved("anomaly") &&
		detrun_reserved("parts") && !detrun_reserved("value"),
	    "reserved names");
}

/* Stop after k records, save, load in a new run: the same bytes. */
static void
test_state(void)
{
	struct lines in = {0}, whole = {0}, cut = {0};
	struct detrun *r;
	char path[300], pw[300], sa[1 << 16], sb[1 << 16];
	struct ad_err e;
	int same;

	make_series(&in, "a", 600, 450, 11, "nab");
	make_series(&in, "b", 600, 500, 12, "nab");
	r = run_new(true);
	feed(r, &in, 0, in.n, &whole);
	snprintf(pw, sizeof(pw), "%s/whole.state", dir);
	detrun_save(r, pw, &e);
	detrun_free(r);

	snprintf(path, sizeof(path), "%s/cut.state", dir);
	r = run_new(true);
	feed(r, &in, 0, 400, &cut);
	feed(r, &in, 600, 900, &cut);
	ok(detrun_save(r, path, &e) == 0, "save mid-stream");
	detrun_free(r);
	r = run_new(true);
	ok(detrun_load(r, path, &e) == 0 && detrun_count(r) == 2,
	    "load: two keys");
	feed(r, &in, 400, 600, &cut);
	feed(r, &in, 900, 1200, &cut);
	detrun_save(r, path, &e);
	detrun_free(r);
	/* cut holds a's 0-399, b's 0-299, a's 400-599, b's 300-599 */
	same = cut.n == whole.n;
	for (size_t i = 0; same && i < 400; i++)
		same = strcmp(cut.v[i], whole.v[i]) == 0;
	for (size_t i = 0; same && i < 300; i++)
		same = strcmp(cut.v[400 + i], whole.v[600 + i]) == 0;
	for (size_t i = 0; same && i < 200; i++)
		same = strcmp(cut.v[700 + i], whole.v[400 + i]) == 0;
	for (size_t i = 0; same && i < 300; i++)
		same = strcmp(cut.v[900 + i], whole.v[900 + i]) == 0;
	ok(same, "save and load continue byte for byte");
	slurp_str(path, sa, sizeof(sa));
	slurp_str(pw, sb, sizeof(sb));
	ok(sa[0] != '\0' && strcmp(sa, sb) == 0,
	    "and the final state files are the same");

	/* the time of the last point is kept: going back is still caught */
	r = run_new(false);
	detrun_load(r, path, &e);
	ok(strstr(reason(r, "{\"id\":\"a\",\"ts\":1404172800,\"value\":1}"),
	       "time goes back") != NULL,
	    "a loaded key still refuses an earlier time");
	detrun_free(r);

	write_file(path, "{\"id\":\"a\",\"t\":1,\"state\":{}}\n");
	r = run_new(false);
	ok(detrun_load(r, path, &e) < 0 && e.status == EX_DATAERR &&
		e.line == 1,
	    "a state the detector refuses: EX_DATAERR at line 1: %s", e.msg);
	detrun_free(r);
	write_file(path, "\n{\"id\":3,\"t\":1,\"state\":{}}\n");
	r = run_new(false);
	ok(detrun_load(r, path, &e) < 0 && e.status == EX_DATAERR &&
		e.line == 2 && strstr(e.msg, "'id'") != NULL,
	    "a numeric id: line 2: %s", e.msg);
	detrun_free(r);
	write_file(path, "not json\n");
	r = run_new(false);
	ok(detrun_load(r, path, &e) < 0 && e.status == EX_DATAERR,
	    "not JSON: %s", e.msg);
	detrun_free(r);
	snprintf(path, sizeof(path), "%s/none.state", dir);
	r = run_new(false);
	ok(detrun_load(r, path, &e) == 0 && detrun_count(r) == 0,
	    "a missing state file is an empty state");
	detrun_free(r);
	lines_free(&in);
	lines_free(&whole);
	lines_free(&cut);
}

int
main(void)
{
	char cmd[400];

	if (mkdtemp(dir) == NULL)
		return 1;
	test_records();
	test_time_forms();
	test_keys();
	test_bad();
	test_fields();
	test_disable();
	test_state();
	ok(detrun_key_bytes(10) > detector_bytes(), "a key costs more than "
						    "its detector");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return tap_done();
}
