/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The quiet period after a detection, the last step of a metric score
 * (ad-detect, ad-forecast run): once a score reaches the level, the
 * scores of the next points are scaled down, so that one anomaly raises
 * one alarm rather than a burst of them.  NAB charges every detection
 * outside a window and counts only the first one inside it; ARTime and
 * the other leaders suppress after a detection for the same reason.
 */
#ifndef QUIET_H
#define QUIET_H

struct quiet {
	double left; /* points of quiet still to come */
};

struct quiet_conf {
	double points; /* points of quiet after a detection; 0: none */
	double level;  /* the score that is a detection */
	double scale;  /* what a score in the quiet is multiplied by */
};

/* ad-detect's defaults, chosen on NAB's development split. */
#define QUIET_CONF_DEFAULT ((struct quiet_conf){100, 0.5, 0.1})

/*
 * Take the score of the next point and return it as it leaves: scaled
 * when the point falls in a quiet period, else as it came (and a quiet
 * period starts after it when it reaches the level).
 */
double quiet_apply(struct quiet *q, double score, const struct quiet_conf *c);

#endif
