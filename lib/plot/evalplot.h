/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Pictures of evaluations (ad-eval --svg): each series' scores over time
 * with its anomaly windows shaded and its detections marked, or the ROC
 * and precision-recall curves of labelled records.
 */
#ifndef EVALPLOT_H
#define EVALPLOT_H

#include "base/buf.h"
#include "eval/binary.h"
#include "eval/nab.h"

#define EVALPLOT_MAX_KEYS 50

void evalplot_series(struct buf *svg, const struct nab *nb, double t);
void evalplot_curves(
    struct buf *svg, const struct binary *b, const struct binary_result *br);

#endif
