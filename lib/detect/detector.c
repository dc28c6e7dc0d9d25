/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The streaming detector of ad-detect (see detector.h).  The state is a
 * struct of doubles only, so that it saves as one JSON array of numbers
 * (shortest round-trip form, exact) and loads back bit for bit.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "detect/detector.h"
#include "series/likelihood.h"
#include "series/quiet.h"

#define STATE_VERSION 2

enum { GAUSS, CONTEXT, SEASON, RANGE, REPEAT, NPARTS };
static const char *const part_names[NPARTS] = {
    "gauss", "context", "season", "range", "repeat"};
#define NSCORED RANGE /* the parts that go through the likelihood */

/*
 * The tunables, by name.  The defaults were chosen on NAB's development
 * split (bench/nab.sh); half-lives are in points.
 */
enum {
	T_WARMUP,      /* points before any score */
	T_GAUSS_HL,    /* gauss: the level and spread of the series */
	T_GAUSS_CLIP,  /* gauss: spreads beyond which a value is clipped */
	T_AVG_HL,      /* likelihood: the smoothing of raw scores */
	T_HIST_HL,     /* likelihood: their long-run distribution */
	T_CTX_HL,      /* context: how fast transitions are forgotten */
	T_SEASON_SPAN, /* season: slots either side that still explain */
	T_SEASON_MIN,  /* season: points before it can explain */
	T_RESID_HL,    /* season: the scale of its distances */
	T_GATE,	       /* season: below this distance, halve the score */
	T_QUIET,       /* points of quiet after a detection */
	T_QUIET_LEVEL, /* the score that is a detection for the quiet */
	T_MARGIN,      /* beyond the range seen by this share: score 1 */
	T_REPEAT,      /* repeat: the factor on an alarm seen before */
	T_NTUNE
};
static const struct {
	const char *name;
	double def;
} tunables[T_NTUNE] = {
    [T_WARMUP] = {"warmup", 150},
    [T_GAUSS_HL] = {"gauss_hl", 500},
    [T_GAUSS_CLIP] = {"gauss_clip", 4},
    [T_AVG_HL] = {"avg_hl", 3},
    [T_HIST_HL] = {"hist_hl", 3000},
    [T_CTX_HL] = {"ctx_hl", 2000},
    [T_SEASON_SPAN] = {"season_span", 6},
    [T_SEASON_MIN] = {"season_min", 400},
    [T_RESID_HL] = {"resid_hl", 1000},
    [T_GATE] = {"gate", 0.5},
    [T_QUIET] = {"quiet", 100},
    [T_QUIET_LEVEL] = {"quiet_level", 0.5},
    [T_MARGIN] = {"margin", 0.1},
    [T_REPEAT] = {"repeat", 0.45},
};

#define NBINS 16   /* context: value bins over the range seen */
#define NPHASE 288 /* season: slots of the day, five minutes each */
#define DAY_MS 86400000
#define RAW_CAP 10 /* raw scores beyond this are as unusual as it gets */
#define CTX_RESCALE 1e150
#define REPEAT_RING 16	   /* repeat: the detections remembered */
#define GAUSS_UNCLIPPED 30 /* gauss: points learned as they are */

/* Running mean and variance with exponential forgetting. */
struct ewstat {
	double mean, var;
};

struct state {
	double n;
	struct quiet quiet; /* one double: the state saves as doubles */
	double lo, hi;	    /* the range seen */
	struct ewstat gauss;
	struct likelihood lik[NSCORED];
	/* context: transition counts between value bins, with forgetting
	 * done lazily by a growing weight for new counts */
	double prev_bin, ctx_w;
	double ctx[NBINS][NBINS], ctx_row[NBINS];
	/* repeat: the moves (see context_raw; 0: none) of the last
	 * REPEAT_RING detections, a ring whose next slot is ring_next */
	double ring[REPEAT_RING], ring_next;
	/* season: each slot's recent value, how often it was seen, and the
	 * usual distance to the nearest one */
	double phase[NPHASE], phase_n[NPHASE];
	double resid;
};

struct detector {
	struct detector_params p;
	struct state s;
};

#define STATE_DOUBLES (sizeof(struct state) / sizeof(double))
_Static_assert(
    sizeof(struct state) % sizeof(double) == 0, "the state is doubles only");

void
detector_defaults(struct detector_params *p)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < T_NTUNE; i++)
		p->tune[i] = tunables[i].def;
}

int
detector_param_set(struct detector_params *p, const char *name, double v)
{
	for (size_t i = 0; i < T_NTUNE; i++)
		if (strcmp(tunables[i].name, name) == 0) {
			p->tune[i] = v;
			return 0;
		}
	return -1;
}

double
detector_default_threshold(void)
{
	return tunables[T_QUIET_LEVEL].def;
}

size_t
detector_nparts(void)
{
	return NPARTS;
}

const char *
detector_part_name(size_t i)
{
	return i < NPARTS ? part_names[i] : NULL;
}

int
detector_part_index(const char *name)
{
	for (size_t i = 0; i < NPARTS; i++)
		if (strcmp(part_names[i], name) == 0)
			return (int)i;
	return -1;
}

void
detector_init(struct detector *d, const struct detector_params *p)
{
	memset(d, 0, sizeof(*d));
	d->p = *p;
	d->s.ctx_w = 1;
}

struct detector *
detector_new(const struct detector_params *p)
{
	struct detector *d = xmalloc(sizeof(*d));

	detector_init(d, p);
	return d;
}

void
detector_free(struct detector *d)
{
	free(d);
}

size_t
detector_bytes(void)
{
	return sizeof(struct detector);
}

/* Learn x; the first n points weigh in fully (alpha at least 1/(n+1)). */
static void
ew_learn(struct ewstat *s, double x, double hl, double n)
{
	double alpha = fmax(likelihood_alpha(hl), 1 / (n + 1)), dx;

	dx = x - s->mean;
	s->mean += alpha * dx;
	s->var = (1 - alpha) * (s->var + alpha * dx * dx);
}

/*
 * Gauss learns the value clipped to gauss_clip spreads either side of its
 * level (a Huber-style update): a spike is scored in full, but it moves
 * the level and spread no more than a value at the clip would, so that
 * one burst does not widen the spread and hide the next anomaly for the
 * next few thousand points.  A lasting shift still gets in, a clipped
 * step at a time.  The first points, which have no spread yet, are
 * learned as they are.
 */
static void
gauss_learn(struct state *s, double x, const struct detector_params *p)
{
	double c = p->tune[T_GAUSS_CLIP] * sqrt(s->gauss.var);

	if (s->n > GAUSS_UNCLIPPED && c > 0)
		x = fmin(fmax(x, s->gauss.mean - c), s->gauss.mean + c);
	ew_learn(&s->gauss, x, p->tune[T_GAUSS_HL], s->n);
}

/* |a| in units of sd, capped; a constant that moves is at the cap. */
static double
ratio(double a, double sd)
{
	if (!(sd > 0))
		return a == 0 ? 0 : RAW_CAP;
	return fmin(fabs(a) / sd, RAW_CAP);
}

static int
bin_of(const struct state *s, double x)
{
	double w = s->hi - s->lo;
	int b;

	if (!(w > 0))
		return NBINS / 2;
	b = (int)floor((x - s->lo) / w * NBINS);
	return b < 0 ? 0 : b >= NBINS ? NBINS - 1 : b;
}

/*
 * Context (after CAD OSE): how surprising the move from the previous
 * value's bin to this one is, -log of its smoothed frequency; a value
 * outside the range seen is as surprising as a transition never seen.
 * The move, as repeat names it, goes to *move: from an eighth of the range
 * to an eighth (a pair of bins, so that a pattern that wobbles by a bin is
 * still the same), or 0 for a value outside the range seen, which is no
 * repeat.
 */
static double
context_raw(
    struct state *s, double x, const struct detector_params *p, double *move)
{
	int b = bin_of(s, x), a = (int)s->prev_bin;
	double w = s->ctx_w, raw;

	raw =
	    -log((s->ctx[a][b] + 0.1 * w) / (s->ctx_row[a] + 0.1 * NBINS * w));
	*move = 1 + (a / 2) * NBINS + b / 2;
	if (x < s->lo || x > s->hi) {
		raw = log(10.0 * NBINS);
		*move = 0;
	}
	/* Forgetting old counts = counting new ones more. */
	w /= 1 - likelihood_alpha(p->tune[T_CTX_HL]);
	if (w > CTX_RESCALE) {
		for (int i = 0; i < NBINS; i++) {
			s->ctx_row[i] /= w;
			for (int j = 0; j < NBINS; j++)
				s->ctx[i][j] /= w;
		}
		w = 1;
	}
	s->ctx[a][b] += w;
	s->ctx_row[a] += w;
	s->ctx_w = w;
	s->prev_bin = b;
	return raw;
}

/*
 * Season: the distance from x to the nearest value seen around the same
 * time of day (season_span slots either side) on earlier days, in units
 * of that distance's running mean: a daily event that comes a little
 * early or late is still explained by the day before.
 */
static double
season_raw(
    struct state *s, int64_t t, double x, const struct detector_params *p)
{
	int k = (int)((((t % DAY_MS) + DAY_MS) % DAY_MS) / (DAY_MS / NPHASE));
	int span = (int)p->tune[T_SEASON_SPAN];
	double best = INFINITY, raw = 0;

	for (int j = -span; j <= span; j++) {
		int q = ((k + j) % NPHASE + NPHASE) % NPHASE;

		if (s->phase_n[q] >= 1)
			best = fmin(best, fabs(x - s->phase[q]));
	}
	if (isfinite(best)) {
		double floor = 1e-3 * (s->hi - s->lo) + 1e-12;

		raw = fmin(RAW_CAP, best / (s->resid + floor));
		s->resid +=
		    likelihood_alpha(p->tune[T_RESID_HL]) * (best - s->resid);
	}
	/* The slot's recent value: halfway towards each new one. */
	s->phase[k] += fmax(0.5, 1 / (s->phase_n[k] + 1)) * (x - s->phase[k]);
	s->phase_n[k] = fmin(s->phase_n[k] + 1, 1e15);
	return raw;
}

/*
 * Repeat (after ARTime's and HTM's learning of recurring patterns): whether
 * the move is that of one of the last detections.  A pattern that keeps
 * coming back (a spike every few hours, a daily burst at an irregular
 * time) raises its first alarm, and then is known: the later ones are
 * damped.  The ring learns every detection, damped or not, outside the
 * quiet that follows one.
 */
static bool
repeat_seen(struct state *s, double move, double score, double level)
{
	bool seen = false;

	if (move == 0)
		return false;
	for (int i = 0; i < REPEAT_RING; i++)
		seen = seen || s->ring[i] == move;
	if (score >= level && s->quiet.left <= 0) {
		s->ring[(int)s->ring_next] = move;
		s->ring_next = fmod(s->ring_next + 1, REPEAT_RING);
	}
	return seen;
}

/* The most unusual of the enabled components, as a tail probability. */
static double
fuse(const double *z, unsigned disabled)
{
	double best = -INFINITY;

	for (int i = 0; i < NSCORED; i++)
		if (!(disabled & (1u << i)))
			best = fmax(best, z[i]);
	return isfinite(best) ? likelihood_tail(best) : 1;
}

void
detector_step(struct detector *d, int64_t t, double x, struct detector_out *o)
{
	struct state *s = &d->s;
	const struct detector_params *p = &d->p;
	const struct likelihood_conf lc = {
	    p->tune[T_AVG_HL], p->tune[T_HIST_HL], 0};
	double raw[NSCORED], z[NSCORED], score, move;
	bool outside;

	memset(o, 0, sizeof(*o));
	if (s->n == 0) {
		s->lo = s->hi = x;
		s->gauss.mean = x;
	}
	raw[GAUSS] = ratio(x - s->gauss.mean, sqrt(s->gauss.var));
	outside = s->n >= p->tune[T_WARMUP] &&
		  (x > s->hi + p->tune[T_MARGIN] * (s->hi - s->lo) ||
		      x < s->lo - p->tune[T_MARGIN] * (s->hi - s->lo));
	raw[CONTEXT] = context_raw(s, x, p, &move);
	raw[SEASON] = season_raw(s, t, x, p);
	s->lo = fmin(s->lo, x);
	s->hi = fmax(s->hi, x);
	gauss_learn(s, x, p);
	for (size_t i = 0; i < NSCORED; i++) {
		z[i] = likelihood_z(&s->lik[i], raw[i], &lc);
		o->parts[i] = likelihood_score(likelihood_tail(z[i]));
	}
	score = likelihood_score(fuse(z, p->disabled));
	/* What happened at this time yesterday is less of an anomaly. */
	if (p->tune[T_GATE] > 0 && s->n > p->tune[T_SEASON_MIN] &&
	    !(p->disabled & (1u << SEASON)) && raw[SEASON] < p->tune[T_GATE])
		score *= 0.5;
	/* A detection like one of the last: a pattern already known. */
	o->parts[REPEAT] =
	    repeat_seen(s, move, score, p->tune[T_QUIET_LEVEL]) ? 1 : 0;
	if (o->parts[REPEAT] > 0 && !(p->disabled & (1u << REPEAT)))
		score *= p->tune[T_REPEAT];
	/* Beyond all that was seen, by a margin: as unusual as it gets. */
	o->parts[RANGE] = outside;
	if (outside && !(p->disabled & (1u << RANGE)))
		score = 1;
	if (s->n < p->tune[T_WARMUP])
		score = 0;
	/* After a detection, quiet: one anomaly, one alarm. */
	o->score = quiet_apply(&s->quiet, score,
	    &(struct quiet_conf){p->tune[T_QUIET], p->tune[T_QUIET_LEVEL],
		QUIET_CONF_DEFAULT.scale});
	s->n++;
}

void
detector_save(const struct detector *d, struct buf *b)
{
	const double *v = (const double *)&d->s;

	buf_addf(b, "{\"v\":%d,\"state\":[", STATE_VERSION);
	for (size_t i = 0; i < STATE_DOUBLES; i++) {
		if (i > 0)
			buf_addc(b, ',');
		buf_add_double(b, v[i]);
	}
	buf_adds(b, "]}");
}

struct detector *
detector_load(const struct detector_params *p, const char *json, size_t len,
    char *why, size_t whylen)
{
	json_error_t je;
	json_t *root = json_loadb(json, len, 0, &je), *a;
	struct detector *d = NULL;
	double *v;

	if (root == NULL) {
		snprintf(why, whylen, "state: %s", je.text);
		return NULL;
	}
	if (json_integer_value(json_object_get(root, "v")) != STATE_VERSION) {
		snprintf(why, whylen, "state: not version %d", STATE_VERSION);
		goto out;
	}
	a = json_object_get(root, "state");
	if (!json_is_array(a) || json_array_size(a) != STATE_DOUBLES) {
		snprintf(why, whylen, "state: not an array of %zu numbers",
		    (size_t)STATE_DOUBLES);
		goto out;
	}
	d = detector_new(p);
	v = (double *)&d->s;
	for (size_t i = 0; i < STATE_DOUBLES; i++) {
		json_t *e = json_array_get(a, i);

		if (!json_is_number(e) || !isfinite(json_number_value(e))) {
			snprintf(why, whylen,
			    "state: element %zu is not a "
			    "finite number",
			    i);
			detector_free(d);
			d = NULL;
			goto out;
		}
		v[i] = json_number_value(e);
	}
out:
	json_decref(root);
	return d;
}
