/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * For the unit tests' capturing sinks: a flush or close with nothing to
 * do (the captured text stays with the test, which releases it).
 */
#ifndef TSINK_H
#define TSINK_H

#include "base/ad.h"

static inline int
sink_nop(void *impl, struct ad_err *err)
{
	(void)impl;
	(void)err;
	return 0;
}

#endif
