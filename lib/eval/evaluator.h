/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The evaluation of ad-eval: records in (lib/eval/evrec), each sent to its
 * mode (series against anomaly windows: lib/eval/nab; labelled records:
 * lib/eval/binary and lib/eval/confusion), one JSON report out.
 */
#ifndef AD_EVAL_EVALUATOR_H
#define AD_EVAL_EVALUATOR_H

#include <jansson.h>
#include <stdbool.h>

#include "base/ad.h"
#include "eval/binary.h"
#include "eval/confusion.h"
#include "eval/evrec.h"
#include "eval/nab.h"
#include "eval/windows.h"
#include "record/costs.h"
#include "record/labels.h"

struct evaluator_conf {
	const char *windows; /* NAB windows file (series mode) */
	bool labelled;	     /* --truth given: labelled mode */
	bool classes;	     /* a predicted class field: confusion */
	const char *positive, *negative; /* the positive truth, or not it */
	const char *classes_file, *costs_file; /* or NULL */
	double threshold;		       /* NAN: searched */
	bool curves; /* keep the curves (for a picture) */
};

struct evaluator {
	struct evaluator_conf conf;
	struct windows ws;
	long last_key;	 /* index of the last record's key: keys come in runs */
	struct nab *nab; /* series mode, else NULL */
	struct binary *bin;	 /* labelled with --positive/--negative */
	struct confusion *cf;	 /* labelled with a class field */
	struct labels labels;	 /* --classes */
	struct costs costs;	 /* --costs */
	struct binary_result br; /* after evaluator_report(), when bin */
};

int evaluator_init(
    struct evaluator *ev, const struct evaluator_conf *c, struct ad_err *e);
int evaluator_add(
    struct evaluator *ev, const struct evrec *r, char *why, size_t whylen);
json_t *evaluator_report(struct evaluator *ev);
void evaluator_release(struct evaluator *ev);

#endif
