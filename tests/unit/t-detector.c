/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/detect/detector: crafted series with known answers
 * (a flat line, a spike, a step, a missing stretch, a daily event that
 * comes every day), the quiet period, a step after a burst (gauss learns
 * clipped values, so that the burst does not hide it), each component on
 * the case it is
 * for (a daily shape at twice the pace: only the season component sees
 * it, and not enough to reach the threshold), a spike that comes back
 * every 200 points (damped by repeat from the second on), the bounds of the score, and the saved state
 * continuing exactly as the uninterrupted detector.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/prng.h"
#include "detect/detector.h"
#include "tap.h"

#define STEP_MS 300000 /* five minutes */
#define DAY 288	       /* points a day */
#define T0 1396310400000LL

/* A daily sine of amplitude 10 around 50 with noise of sd 1. */
static double
daily(struct prng *r, int i)
{
	return 50 + 10 * sin(2 * M_PI * i / DAY) + prng_normal(r);
}

/* Run n points of f through a fresh detector; scores into s. */
static void
run(double (*f)(struct prng *, int), int n, double *s,
    const struct detector_params *p)
{
	struct detector *d = detector_new(p);
	struct detector_out o;
	struct prng r;

	prng_init(&r, 11);
	for (int i = 0; i < n; i++) {
		detector_step(d, T0 + (long long)i * STEP_MS, f(&r, i), &o);
		s[i] = o.score;
	}
	detector_free(d);
}

static double
maxof(const double *s, int from, int to)
{
	double m = 0;

	for (int i = from; i < to; i++)
		m = fmax(m, s[i]);
	return m;
}

static int
first_at_least(const double *s, int from, int to, double t)
{
	for (int i = from; i < to; i++)
		if (s[i] >= t)
			return i;
	return -1;
}

#define N (6 * DAY)
#define AT (4 * DAY + 100)
static double s[N];

static double
flat(struct prng *r, int i)
{
	(void)r;
	(void)i;
	return 3;
}

static double
spike(struct prng *r, int i)
{
	return daily(r, i) + (i == AT ? 30 : 0);
}

static double
step(struct prng *r, int i)
{
	return daily(r, i) + (i >= AT ? 25 : 0);
}

/* From AT on, the daily shape runs twice as fast. */
static double
faster(struct prng *r, int i)
{
	return i < AT ? daily(r, i) : daily(r, 2 * i - AT);
}

/* From the second day, every day at the same time, 5 points at +30. */
static double
event(struct prng *r, int i)
{
	return daily(r, i) +
	       (i >= DAY && i % DAY >= 200 && i % DAY < 205 ? 30 : 0);
}

/* From AT, 40 points alternating between 40 and 60: in range, new moves. */
static double
zigzag(struct prng *r, int i)
{
	double x = daily(r, i);

	return i >= AT && i < AT + 40 ? (i % 2 ? 40 : 60) : x;
}

/* A burst of 10 points at +100, then from AT a step of +40. */
static double
burst_step(struct prng *r, int i)
{
	return daily(r, i) + (i >= AT - 400 && i < AT - 390 ? 100 : 0) +
	       (i >= AT ? 40 : 0);
}

/*
 * Around 50 (noise of sd .3), every 200 points (not a daily time) from
 * point 300 a spike to 80; at OTHER, once, a spike to 95 instead.
 */
#define LONG (10 * DAY)
#define OTHER (13 * 200 + 100) /* the last */
static double
recurring(struct prng *r, int i)
{
	if (i == OTHER)
		return 95;
	if (i >= 300 && i % 200 == 100)
		return 80;
	return 50 + 0.3 * prng_normal(r);
}

static void
crafted(void)
{
	struct detector_params p;
	double t = detector_default_threshold();
	int at;

	detector_defaults(&p);
	run(flat, N, s, &p);
	ok(maxof(s, 0, N) == 0, "a flat line: every score 0");

	run(daily, N, s, &p);
	ok(maxof(s, DAY, N) < t,
	    "a noisy daily sine: no score reaches %g "
	    "after the first day (max %g)",
	    t, maxof(s, DAY, N));

	run(spike, N, s, &p);
	ok(s[AT] >= t && s[AT] == maxof(s, 0, N),
	    "a spike of 30 sd: its score %g is the highest", s[AT]);
	ok(maxof(s, DAY, AT) < t, "nothing fires before it (max %g)",
	    maxof(s, DAY, AT));

	run(step, N, s, &p);
	at = first_at_least(s, DAY, N, t);
	ok(at >= AT && at <= AT + 3, "a step of 25 sd: detected at %d (%d)", at,
	    AT);
	ok(maxof(s, AT + 120, AT + DAY) < t,
	    "a new level is learned: quiet from 120 points on (max %g)",
	    maxof(s, AT + 120, AT + DAY));

	run(event, N, s, &p);
	ok(s[DAY + 200] >= t, "a burst never seen before scores %g",
	    s[DAY + 200]);
	ok(maxof(s, 2 * DAY, N) < t,
	    "the same burst every day: from the third day, no score reaches "
	    "the threshold (max %g)",
	    maxof(s, 2 * DAY, N));
}

static void
missing_stretch(void)
{
	struct detector_params p;
	struct detector *d;
	struct detector_out o;
	struct prng r;
	double m = 0;

	detector_defaults(&p);
	d = detector_new(&p);
	prng_init(&r, 3);
	for (int i = 0; i < N; i++) {
		if (i >= 3 * DAY && i < 5 * DAY)
			continue; /* two days missing */
		detector_step(d, T0 + (long long)i * STEP_MS, daily(&r, i), &o);
		if (i >= 5 * DAY)
			m = fmax(m, o.score);
	}
	ok(m < detector_default_threshold(),
	    "two days missing, then the same series: no detection (max %g)", m);
	detector_free(d);
}

static void
quiet(void)
{
	struct detector_params p;
	struct detector *d;
	struct detector_out o;
	struct prng r;
	double first = 0, second = 0, third = 0;

	detector_defaults(&p);
	d = detector_new(&p);
	prng_init(&r, 5);
	for (int i = 0; i < N; i++) {
		double up = i == AT || i == AT + 20 ? 40
			    : i == AT + 400	    ? 80
						    : 0;

		detector_step(
		    d, T0 + (long long)i * STEP_MS, daily(&r, i) + up, &o);
		if (i == AT)
			first = o.score;
		else if (i == AT + 20)
			second = o.score;
		else if (i == AT + 400)
			third = o.score;
	}
	ok(first >= 0.5, "a spike fires (%g)", first);
	ok(second < 0.1, "another 20 points later is in the quiet (%g)",
	    second);
	ok(third >= 0.5, "a higher one 400 points later fires again (%g)",
	    third);
	detector_free(d);
}

/* Part k's largest score over points [from, to) of f, with params p. */
static double
part_max_p(double (*f)(struct prng *, int), size_t k, int from, int to,
    const struct detector_params *p)
{
	struct detector *d;
	struct detector_out o;
	struct prng r;
	double m = 0;

	d = detector_new(p);
	prng_init(&r, 11);
	for (int i = 0; i < to; i++) {
		detector_step(d, T0 + (long long)i * STEP_MS, f(&r, i), &o);
		if (i >= from)
			m = fmax(m, o.parts[k]);
	}
	detector_free(d);
	return m;
}

/* Part k's largest score over points [from, to) of f, by default. */
static double
part_max(double (*f)(struct prng *, int), size_t k, int from, int to)
{
	struct detector_params p;

	detector_defaults(&p);
	return part_max_p(f, k, from, to, &p);
}

static void
components(void)
{
	struct detector_params p;
	int g = detector_part_index("gauss");
	int x = detector_part_index("context"),
	    se = detector_part_index("season");
	int ra = detector_part_index("range");

	ok(g >= 0 && x >= 0 && se >= 0 && ra >= 0 &&
		detector_part_index("nonesuch") == -1,
	    "components by name");
	ok(part_max(step, g, DAY, AT) < 0.05 &&
		part_max(step, g, AT, AT + 10) > 0.5,
	    "gauss: quiet on the daily sine, above .5 within 10 points of a "
	    "step of 25 sd");
	detector_defaults(&p);
	ok(detector_param_set(&p, "gauss_clip", 0) == 0 &&
		part_max(burst_step, g, AT - 350, AT) < 0.05 &&
		part_max(burst_step, g, AT, AT + 40) > 0.5 &&
		part_max_p(burst_step, g, AT, AT + 40, &p) < 0.3,
	    "gauss learns values clipped at 4 spreads: after a burst of +100, "
	    "quiet, and a step of +40 inside the range scores above .5 "
	    "(under .3 with gauss_clip 0, the burst's spread learned)");
	ok(part_max(zigzag, x, AT, AT + 5) > 0.2 &&
		part_max(zigzag, g, AT, AT + 5) < 0.05 &&
		part_max(zigzag, ra, AT, AT + 40) == 0,
	    "context: moves never seen, inside the range, score above .2 "
	    "within 5 points where gauss stays under .05");
	ok(part_max(faster, se, AT, AT + DAY / 2) > 0.2 &&
		part_max(faster, g, AT, AT + DAY / 2) < 0.1,
	    "season: the daily shape at twice the pace scores above .2 within "
	    "half a day, where gauss stays under .1");
	ok(part_max(spike, ra, AT, AT + 1) == 1 &&
		part_max(spike, ra, DAY, AT) == 0,
	    "range: 1 for the spike beyond the range seen, 0 before it");
	detector_defaults(&p);
	p.disabled = ~0u;
	run(spike, N, s, &p);
	ok(maxof(s, 0, N) == 0, "every component off: score 0");
}

static void
repeat(void)
{
	struct detector_params p;
	struct detector *d;
	struct detector_out o;
	struct prng r;
	int rp = detector_part_index("repeat"), fired[2] = {0, 0}, marked = 0;
	double t = detector_default_threshold(), other = 0, other_rp = 1;

	detector_defaults(&p);
	for (int pass = 0; pass < 2; pass++) {
		d = detector_new(&p);
		prng_init(&r, 7);
		for (int i = 0; i < LONG; i++) {
			detector_step(d, T0 + (long long)i * STEP_MS,
			    recurring(&r, i), &o);
			if (pass == 0 && i == OTHER) {
				other = o.score;
				other_rp = o.parts[rp];
			}
			/* the spikes within the range seen */
			if (i < 500 || i % 200 != 100 || i >= OTHER)
				continue;
			fired[pass] += o.score >= t;
			marked += pass == 0 && o.parts[rp] == 1;
		}
		detector_free(d);
		p.disabled = 1u << rp;
	}
	ok(rp >= 0 && fired[1] >= 3,
	    "the same spike every 200 points: with repeat off, %d of the "
	    "later spikes fire",
	    fired[1]);
	ok(fired[0] == 1 && marked >= 3,
	    "with it on, only the first to fire does; %d marked as repeats",
	    marked);
	ok(other == 1 && other_rp == 0,
	    "a spike beyond the range seen is no repeat: it fires (%g, repeat "
	    "%g)",
	    other, other_rp);
}

static void
bounds(void)
{
	struct detector_params p;
	struct detector *d;
	struct detector_out o;
	int bad = 0;
	const double xs[] = {1e300, -1e300, 0, 1e-300, -1e308, 1e308, 5};

	detector_defaults(&p);
	d = detector_new(&p);
	for (int i = 0; i < 3000; i++) {
		detector_step(d, T0 + (long long)i * STEP_MS, xs[i % 7], &o);
		if (!(o.score >= 0 && o.score <= 1))
			bad++;
		for (size_t k = 0; k < detector_nparts(); k++)
			if (!(o.parts[k] >= 0 && o.parts[k] <= 1))
				bad++;
	}
	ok(bad == 0, "values of +-1e308: every score in [0,1] (%d not)", bad);
	detector_free(d);
}

static void
save_load(void)
{
	struct detector_params p;
	struct detector *a, *b;
	struct detector_out oa, ob;
	struct prng r;
	struct buf st;
	char why[200];
	int diff = 0;

	detector_defaults(&p);
	a = detector_new(&p);
	prng_init(&r, 9);
	for (int i = 0; i < 1000; i++)
		detector_step(
		    a, T0 + (long long)i * STEP_MS, spike(&r, i), &oa);
	buf_init(&st);
	detector_save(a, &st);
	b = detector_load(&p, st.data, st.len, why, sizeof(why));
	ok(b != NULL, "the saved state loads");
	for (int i = 1000; i < N && b; i++) {
		double x = spike(&r, i);

		detector_step(a, T0 + (long long)i * STEP_MS, x, &oa);
		detector_step(b, T0 + (long long)i * STEP_MS, x, &ob);
		if (memcmp(&oa, &ob, sizeof(oa)) != 0)
			diff++;
	}
	ok(diff == 0, "and continues bit for bit (%d points differ)", diff);
	ok(detector_load(
	       &p, "{\"v\":2,\"state\":[1,2]}", 21, why, sizeof(why)) == NULL &&
		strstr(why, "array of") != NULL,
	    "a short state is refused: %s", why);
	ok(detector_load(&p, "{\"v\":9}", 7, why, sizeof(why)) == NULL,
	    "another version is refused: %s", why);
	ok(detector_load(&p, "{", 1, why, sizeof(why)) == NULL,
	    "not JSON is refused: %s", why);
	buf_release(&st);
	detector_free(a);
	detector_free(b);
}

int
main(void)
{
	crafted();
	missing_stretch();
	quiet();
	components();
	repeat();
	bounds();
	save_load();
	return tap_done();
}
