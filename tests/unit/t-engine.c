/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/alert/engine: crafted NDJSON lines in, the exact
 * alert records out; bad and late lines with their reasons; reordering
 * within the lateness; eviction and the end of input draining a key;
 * an emit() that fails is not called again; the option checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/engine.h"
#include "tap.h"

/* What the engine emitted: compact JSON lines. */
struct out {
	char *rec[64];
	size_t n;
	int fail_at; /* emit() returns -1 on this call (1-based), 0: never */
	int calls;
};

static int
collect(json_t *rec, void *arg)
{
	struct out *o = arg;

	o->calls++;
	if (o->n < 64)
		o->rec[o->n++] =
		    json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(rec);
	return o->calls == o->fail_at ? -1 : 0;
}

static void
out_clear(struct out *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->rec[i]);
	memset(o, 0, sizeof(*o));
}

static int
feed(struct engine *e, const char *line, char *why, size_t whylen)
{
	why[0] = '\0';
	return engine_line(e, line, strlen(line), why, whylen);
}

static void
test_threshold(void)
{
	struct engine_conf ec;
	struct rules_conf rc;
	struct ad_err err;
	struct out o = {0};
	struct engine *e;
	char why[300];
	int r[4];

	engine_conf_init(&ec, &rc);
	rc.above = 10;
	ad_err_clear(&err);
	ok(engine_conf_check(&ec, &err) == 0 && rc.on[RULES_ABOVE] &&
		!rc.on[RULES_BELOW] && !rc.on[RULES_DELTA],
	    "--above alone: only the above rule is on");
	e = engine_new(&ec, collect, &o);
	r[0] = feed(e, "{\"id\":\"a\",\"ts\":60,\"value\":5}", why, 300);
	r[1] = feed(e, "{\"id\":\"a\",\"ts\":120,\"value\":12}", why, 300);
	r[2] = feed(e, "{\"id\":\"a\",\"ts\":180,\"value\":15}", why, 300);
	r[3] = feed(e, "{\"id\":\"b\",\"ts\":180,\"value\":11}", why, 300);
	ok(r[0] == ENGINE_OK && r[1] == ENGINE_OK && r[2] == ENGINE_OK &&
		r[3] == ENGINE_OK,
	    "four events taken");
	ok(o.n == 2, "one firing per key while the rule holds (got %zu)", o.n);
	if (o.n == 2) {
		is_str(o.rec[0],
		    "{\"alert\":\"above\",\"id\":\"a\",\"status\":\"firing\","
		    "\"since\":120,\"ts\":120,\"count\":1,\"max\":12,"
		    "\"reason\":\"value 12 above 10\",\"evidence\":[120]}",
		    "key a fires at its first value above 10");
		ok(strstr(o.rec[1], "\"id\":\"b\"") != NULL &&
			strstr(o.rec[1], "\"ts\":180") != NULL,
		    "key b fires on its own");
	}
	ok(engine_finish(e) == 0 && o.n == 2, "nothing more at the end");
	ok(engine_stats(e)->firing == 2, "stats: 2 firing");
	engine_free(e);
	out_clear(&o);
}

static void
test_bad_and_late(void)
{
	struct engine_conf ec;
	struct rules_conf rc;
	struct ad_err err;
	struct out o = {0};
	struct engine *e;
	char why[300];
	int r;

	engine_conf_init(&ec, &rc);
	rc.above = 10;
	ec.lateness = 60000;
	ad_err_clear(&err);
	engine_conf_check(&ec, &err);
	e = engine_new(&ec, collect, &o);
	r = feed(e, "{\"id\":\"a\",\"ts\":60,\"value\":\"x\"}", why, 300);
	ok(r == ENGINE_BAD, "a string value is a bad line");
	is_str(why, "field 'value' is not a number", "... with its reason");
	r = feed(e, "not json", why, 300);
	ok(r == ENGINE_BAD && why[0] != '\0', "not JSON: bad, with a reason");
	/* Out of order within the lateness: put back in order. */
	feed(e, "{\"id\":\"a\",\"ts\":300,\"value\":1}", why, 300);
	feed(e, "{\"id\":\"a\",\"ts\":260,\"value\":50}", why, 300);
	ok(o.n == 0, "nothing released while within the lateness");
	r = feed(e, "{\"id\":\"a\",\"ts\":100,\"value\":99}", why, 300);
	ok(r == ENGINE_LATE, "200s behind with 1m lateness: late");
	is_str(why,
	    "late record: 100 is 3m20s behind 300 (lateness 1m), not counted",
	    "the late reason names the lag and the lateness");
	ok(engine_late(e) == 1, "one late event counted");
	feed(e, "{\"id\":\"a\",\"ts\":400,\"value\":2}", why, 300);
	ok(o.n == 1 && strstr(o.rec[0], "\"since\":260") != NULL,
	    "the event at 260 fires once 400 moved the clock past it");
	ok(engine_finish(e) == 0 && o.n == 1, "the rest drains quietly");
	engine_free(e);
	out_clear(&o);
}

static void
test_evict_and_drain(void)
{
	struct engine_conf ec;
	struct rules_conf rc;
	struct ad_err err;
	struct out o = {0};
	struct engine *e;
	char why[300];

	engine_conf_init(&ec, &rc);
	rc.report = true;
	rc.window = 60000;
	ec.max_keys = 1;
	ad_err_clear(&err);
	ok(engine_conf_check(&ec, &err) == 0 && rc.slide == 60000,
	    "--report --window 1m: the slide is the window");
	e = engine_new(&ec, collect, &o);
	feed(e, "{\"id\":\"a\",\"ts\":0,\"anomaly\":true,\"value\":3}", why,
	    300);
	feed(e, "{\"id\":\"a\",\"ts\":10,\"anomaly\":false,\"value\":7}", why,
	    300);
	ok(o.n == 0, "the window of key a is still open");
	feed(e, "{\"id\":\"b\",\"ts\":20,\"anomaly\":true}", why, 300);
	ok(engine_evicted(e) == 1, "key b evicts key a (--max-keys 1)");
	ok(o.n == 1, "... which flushes a's open window");
	if (o.n == 1)
		is_str(o.rec[0],
		    "{\"report\":\"report\",\"id\":\"a\",\"start\":0,\"end\":"
		    "60,"
		    "\"records\":2,\"count\":1,\"max\":3,\"max_all\":7,"
		    "\"mean\":5,\"late\":0}",
		    "a's report: 2 records, 1 flagged, max 3 (of the flagged), "
		    "max_all 7, mean 5");
	ok(engine_finish(e) == 0 && o.n == 2 &&
		strstr(o.rec[1], "\"id\":\"b\",") != NULL &&
		strstr(o.rec[1], "\"records\":1,") != NULL,
	    "the end of input flushes b's window");
	ok(engine_evicted(e) == 1 && engine_stats(e)->reports == 2,
	    "counts stay after the end");
	engine_free(e);
	out_clear(&o);
}

static void
test_stop(void)
{
	struct engine_conf ec;
	struct rules_conf rc;
	struct ad_err err;
	struct out o = {0};
	struct engine *e;
	char why[300];
	int r1, r2;

	engine_conf_init(&ec, &rc);
	rc.delta = 0;
	ad_err_clear(&err);
	engine_conf_check(&ec, &err);
	o.fail_at = 1;
	e = engine_new(&ec, collect, &o);
	feed(e, "{\"ts\":1,\"value\":1}", why, 300);
	r1 = feed(e, "{\"ts\":2,\"value\":5}", why, 300);
	r2 = feed(e, "{\"ts\":3,\"value\":9}", why, 300);
	ok(r1 == ENGINE_STOP && r2 == ENGINE_STOP,
	    "a failed emit() stops the engine");
	ok(o.calls == 1 && o.n == 1 && strstr(o.rec[0], "\"id\":null") != NULL,
	    "emit() is called once, for the keyless series");
	ok(engine_finish(e) == -1 && o.calls == 1,
	    "finish reports the stop and calls emit() no more");
	engine_free(e);
	out_clear(&o);
}

static void
test_check(void)
{
	struct engine_conf ec;
	struct rules_conf rc;
	struct ad_err err;

	engine_conf_init(&ec, &rc);
	ad_err_clear(&err);
	ok(engine_conf_check(&ec, &err) == -1 && err.status == EX_USAGE,
	    "no rule: a usage error");
	is_str(err.msg,
	    "no rule: give --count, --above, --below, --delta, --change or "
	    "--report",
	    "... message");
	engine_conf_init(&ec, &rc);
	rc.count = 3;
	ad_err_clear(&err);
	ok(engine_conf_check(&ec, &err) == -1, "--count without --within");
	is_str(err.msg, "--count and --within go together", "... message");
	rc.within = 60000;
	rc.history = 24;
	ok(engine_conf_check(&ec, &err) == -1, "--history without --change");
	is_str(err.msg, "--history needs --change", "... message");
	engine_conf_init(&ec, &rc);
	rc.delta = 1;
	rc.for_ms = 0;
	ok(engine_conf_check(&ec, &err) == -1, "--for 0 is given");
	is_str(err.msg, "--for needs --above or --below", "... message");
	engine_conf_init(&ec, &rc);
	rc.report = true;
	rc.window = 86400000;
	rc.slide = 1;
	ok(engine_conf_check(&ec, &err) == -1, "1d windows every 1ms");
	is_str(err.msg,
	    "--window / --slide: too many windows open at once (at most "
	    "100000)",
	    "... message");
	engine_conf_init(&ec, &rc);
	rc.below = -5;
	rc.resolve_after = 0;
	ok(engine_conf_check(&ec, &err) == 0 && rc.on[RULES_BELOW] &&
		rc.resolve && rc.resolve_after == 0 && rc.for_ms == 0 &&
		rc.history == 1440 && rc.delta == 0,
	    "--below -5 --resolve-after 0: defaults filled in");
}

int
main(void)
{
	test_threshold();
	test_bad_and_late();
	test_evict_and_drain();
	test_stop();
	test_check();
	return tap_done();
}
