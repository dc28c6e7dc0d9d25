/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* The quiet period after a detection (see quiet.h). */
#include "series/quiet.h"

double
quiet_apply(struct quiet *q, double score, const struct quiet_conf *c)
{
	if (q->left > 0) {
		q->left--;
		return score * c->scale;
	}
	if (score >= c->level)
		q->left = c->points;
	return score;
}
