/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The anomaly likelihood stage that every metric score of adpipe goes
 * through (ad-detect, ad-score --zscore, ad-forecast run), after Numenta's
 * (Ahmad et al. 2017): a raw anomaly measure is smoothed over the last
 * few points, and the smoothed value is compared with its own long-run
 * distribution (exponentially forgotten mean and variance).  The upper
 * tail probability of that comparison, on a log scale, is the score: so
 * a series that is always noisy stops alarming on its noise, scores of
 * different series and detectors are comparable, and the score stays
 * continuous and monotone in the evidence.
 */
#ifndef LIKELIHOOD_H
#define LIKELIHOOD_H

/* The state: doubles only, so that it saves as numbers. */
struct likelihood {
	double n;	  /* raw values seen */
	double avg;	  /* short exponential average of the raw values */
	double mean, var; /* long-run distribution of avg */
};

struct likelihood_conf {
	double avg_half_life;  /* points; 0: no smoothing */
	double hist_half_life; /* points */
	double learn;	       /* values learned before a z is given */
};

/* The half-lives that scored best on NAB's development split. */
#define LIKELIHOOD_CONF_DEFAULT ((struct likelihood_conf){1.5, 1000, 10})

/*
 * Take raw value x (finite; larger = more unusual) and return how far the
 * smoothed value lies above its long-run mean, in standard deviations of
 * the distribution before x was learned.  0 while fewer than c->learn
 * values (and at least one) came before x: a history of one or two values
 * has no spread to measure against.
 */
double likelihood_z(
    struct likelihood *l, double x, const struct likelihood_conf *c);

/* The upper tail probability of z under the standard normal. */
double likelihood_tail(double z);

/*
 * A tail probability as a score in [0,1], log-linearly: 0 at .5 and above
 * (no more unusual than usual), 1 at 1e-10 and below.
 */
double likelihood_score(double tail);

/* likelihood_score(likelihood_tail(likelihood_z(l, x, c))). */
double likelihood_step(
    struct likelihood *l, double x, const struct likelihood_conf *c);

/* The forgetting factor of an exponential average with half-life hl. */
double likelihood_alpha(double hl);

#endif
