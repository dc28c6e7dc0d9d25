/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * lib/forecast and lib/lstmfile: the tolerance queue (what enters the
 * window, warm-up, horizon, resync), the error score, point decoding, and
 * the model file round trip with its corruption checks.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lstm/forecast.h"
#include "lstm/lstmfile.h"
#include "io/modelfile.h"
#include "tap.h"
#include "tlstm.h"

static void
queue(void)
{
	struct lstmfile *m = persistence_model(3);
	struct forecast_conf conf = {
	    .tolerance = 0.1, .abs_tolerance = 0, .horizon = 1, .resync = 0};
	struct forecaster fc;
	struct forecast_state *st;
	struct forecast_out out;
	const struct lstmfile_key *k = lstmfile_find_key(m, "k");

	forecast_init(&fc, m, &conf);
	st = forecast_state_new(3, 1);
	forecast_step(&fc, k, st, 50, &out);
	ok(!out.has && st->n == 1, "first point: no forecast, window 1");
	forecast_step(&fc, k, st, 50, &out);
	forecast_step(&fc, k, st, 50, &out);
	ok(!out.has && st->n == 3, "window fills without forecasts");
	forecast_step(&fc, k, st, 52, &out);
	ok(out.has && fabs(out.forecast - 50) < 0.05 && !out.mismatch,
	    "persistence forecast 50 (%g), 52 within 10%%", out.forecast);
	is_near(st->win[2], 52, 1e-12, "the real value entered the window");
	forecast_step(&fc, k, st, 90, &out);
	ok(out.mismatch && out.score == 0,
	    "90 against ~52 is a mismatch, score %g (the likelihood stage "
	    "learns 10 errors first)",
	    out.score);
	ok(fabs(st->win[2] - 52) < 0.05,
	    "the forecast (%g), not 90, entered the window", st->win[2]);
	forecast_step(&fc, k, st, 52, &out);
	ok(!out.mismatch, "back to normal: no mismatch");

	/* a tolerance floor for values near zero */
	conf.abs_tolerance = 5;
	forecast_release(&fc);
	forecast_init(&fc, m, &conf);
	forecast_step(&fc, k, st, 56, &out);
	ok(!out.mismatch, "within --abs-tolerance: no mismatch");
	forecast_state_free(st);

	/* resync: after 2 mismatches in a row the real values come back */
	conf.abs_tolerance = 0;
	conf.resync = 2;
	forecast_release(&fc);
	forecast_init(&fc, m, &conf);
	st = forecast_state_new(3, 1);
	for (int i = 0; i < 4; i++)
		forecast_step(&fc, k, st, 20, &out);
	forecast_step(&fc, k, st, 80, &out);
	ok(out.mismatch && fabs(st->win[2] - 20) < 0.05, "level shift: held");
	forecast_step(&fc, k, st, 80, &out);
	ok(out.mismatch && st->win[2] == 80 && st->win[1] == 80 &&
		fc.resyncs == 1,
	    "second mismatch in a row: window refilled with real values");
	forecast_step(&fc, k, st, 80, &out);
	ok(!out.mismatch, "the new level is normal now");

	/* horizon 2: the forecast for a point was made two points earlier */
	forecast_state_free(st);
	conf.horizon = 2;
	conf.tolerance = 10;
	forecast_release(&fc);
	forecast_init(&fc, m, &conf);
	st = forecast_state_new(3, 2);
	for (int i = 1; i <= 4; i++)
		forecast_step(&fc, k, st, 10 * i, &out);
	ok(!out.has, "horizon 2: nothing due one point after the window fills");
	forecast_step(&fc, k, st, 50, &out);
	ok(out.has && fabs(out.forecast - 30) < 0.05,
	    "forecast made after 30 is for two points later (%g)",
	    out.forecast);

	/* a reload with another window keeps the newest values */
	forecast_state_fit(st, 2, 2);
	ok(st->cap == 2 && st->n == 2 && st->win[0] == 40 && st->win[1] == 50,
	    "window 3 -> 2 keeps the newest values");
	forecast_state_free(st);
	forecast_release(&fc);
	lstmfile_free(m);
}

/*
 * The score of a point: its |error| / range through the likelihood stage
 * and the quiet period.  Errors of 1 on a range of 100 for 40 points, then
 * 80 and back to 50: the jump scores 1, and the return, just as far out,
 * is scaled by 0.1 with the quiet period and not without it.
 */
static double
jump_scores(size_t suppress, double *first)
{
	struct lstmfile *m = persistence_model(2);
	struct forecast_conf conf = {
	    .tolerance = 10, .horizon = 1, .resync = 0, .suppress = suppress};
	const struct lstmfile_key *k = lstmfile_find_key(m, "k");
	struct forecast_state *st = forecast_state_new(2, 1);
	struct forecaster fc;
	struct forecast_out out;
	double calm = 0;

	forecast_init(&fc, m, &conf);
	for (int i = 0; i < 40; i++) {
		forecast_step(&fc, k, st, 50 + i % 2, &out);
		calm = fmax(calm, out.score);
	}
	ok(calm < 0.5, "errors of 1 all along: calm (highest score %g)", calm);
	forecast_step(&fc, k, st, 80, &out);
	*first = out.score;
	forecast_step(&fc, k, st, 50, &out);
	forecast_state_free(st);
	forecast_release(&fc);
	lstmfile_free(m);
	return out.score;
}

static void
score(void)
{
	double first, after_quiet = jump_scores(100, &first);
	double after_free = jump_scores(0, &first);

	is_near(first, 1, 1e-12, "a jump of 30 after errors of 1 scores 1");
	ok(after_free > 0.5, "the return to 50 scores %g without a quiet",
	    after_free);
	is_near(after_quiet, 0.1 * after_free, 1e-12,
	    "and 0.1 of it in the quiet after the jump (%g)", after_quiet);
}

static void
decode(void)
{
	struct buf key;
	struct forecast_point p;
	char why[200];
	json_t *r;

	buf_init(&key);
	r = json_loads(
	    "{\"id\":7,\"ts\":\"2026-11-21T10:00:00Z\",\"v\":1.5}", 0, NULL);
	ok(forecast_decode(r, "id", "ts", "v", &key, &p, why, sizeof(why)) ==
		    0 &&
		strcmp(p.key, "7") == 0 && p.has_time && p.value == 1.5,
	    "numeric id, ISO time, value");
	ok(forecast_decode(r, "id", "ts", "value", &key, &p, why, sizeof(why)) <
		    0 &&
		strcmp(why, "missing field 'value'") == 0,
	    "missing value: %s", why);
	ok(forecast_decode(r, "", "", "v", &key, &p, why, sizeof(why)) == 0 &&
		strcmp(p.key, "") == 0 && !p.has_time,
	    "no id field, no time field");
	json_decref(r);
	r = json_loads("{\"id\":\"a\",\"value\":null}", 0, NULL);
	ok(forecast_decode(r, "id", "ts", "value", &key, &p, why, sizeof(why)) <
		    0 &&
		strcmp(why, "field 'value' is not a number") == 0,
	    "null value: %s", why);
	json_decref(r);
	buf_release(&key);
}

static void
file(void)
{
	struct lstmfile *m = persistence_model(4), *back;
	char path[] = "/tmp/t-forecast.XXXXXX";
	struct ad_err err;
	void *payload;
	size_t len;
	int fd = mkstemp(path);

	close(fd);
	ok(lstmfile_write(path, m, &err) == 0, "model written");
	back = lstmfile_read(path, &err);
	ok(back != NULL && back->window == 4 && back->hidden == 1 &&
		back->nkeys == 1 && strcmp(back->keys[0].name, "k") == 0 &&
		back->keys[0].max == 100 && back->keys[0].err_sd == 0.01 &&
		memcmp(back->nets[0]->p, m->nets[0]->p,
		    m->nets[0]->nparam * sizeof(float)) == 0,
	    "read back equal");
	ok(back != NULL && lstmfile_find_key(back, "k") != NULL &&
		lstmfile_find_key(back, "x") == NULL,
	    "key lookup");
	lstmfile_free(back);
	payload = modelfile_read(path, LSTMFILE_KIND, &len, &err);
	for (size_t cut = 0; cut < len; cut += 7) {
		back = lstmfile_parse(payload, cut, "p", &err);
		if (back != NULL)
			break;
	}
	ok(back == NULL, "every truncated payload is refused");
	((unsigned char *)payload)[11] = 0x7f; /* hidden = huge */
	back = lstmfile_parse(payload, len, "p", &err);
	ok(back == NULL && strstr(err.msg, "bad sizes in the header") != NULL,
	    "bad sizes refused: %s", err.msg);
	free(payload);
	unlink(path);
	lstmfile_free(m);
}

int
main(void)
{
	queue();
	score();
	decode();
	file();
	return tap_done();
}
