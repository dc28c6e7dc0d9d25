/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-eval: measure scored records against the truth and write one JSON
 * report.  Series with anomaly windows (--windows): the NAB score of each
 * profile, the threshold searched or given.  Labelled records (--truth):
 * ROC and PR AUC, precision, recall, F1 and accuracy, the confusion matrix
 * and the cost.  The options and the I/O; the work is lib/eval/evaluator.
 */
#include <err.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "eval/evaluator.h"
#include "eval/evreport.h"
#include "io/endpoint.h"
#include "io/recin.h"
#include "io/sink.h"
#include "plot/evalplot.h"

struct opts {
	struct cli cli;
	struct evrec_conf rc;
	struct evaluator_conf ec;
	const char *svg;
	bool optimize, pretty;
	char **files;
	size_t nfiles;
	struct evaluator ev;
};

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	const struct opt options[] = {
	    CLI_OPTIONS_BASE(&o->cli),
	    OPT_STRING('o', "output", &o->cli.output, "file",
		"write the report to FILE (default stdout)"),
	    OPT_FLAG(0, "pretty", &o->pretty, "indent the report"),
	    OPT_STRING(0, "svg", &o->svg, "file",
		"draw ROC and PR curves, or each key's scores, to FILE"),
	    OPT_STRING(0, "windows", &o->ec.windows, "file",
		"anomaly windows per key (NAB combined_windows.json)"),
	    OPT_STRING(0, "truth", &o->rc.truth, "field",
		"labelled records: the field holding the truth"),
	    OPT_STRING(0, "positive", &o->ec.positive, "value",
		"records whose truth is VALUE are positive"),
	    OPT_STRING(0, "negative", &o->ec.negative, "value",
		"records whose truth is not VALUE are positive"),
	    OPT_STRING(0, "class", &o->rc.cls, "field",
		"labelled records: the field of the predicted class"),
	    OPT_STRING(0, "classes", &o->ec.classes_file, "file",
		"map truth labels to classes ('label class' lines)"),
	    OPT_STRING(0, "costs", &o->ec.costs_file, "file",
		"cost matrix CSV: the cost per record"),
	    OPT_STRING(0, "id", &o->rc.id, "field", "key field (default id)"),
	    OPT_STRING(
		0, "time", &o->rc.time, "field", "time field (default ts)"),
	    OPT_STRING(0, "score", &o->rc.score, "field",
		"score field (default score)"),
	    OPT_DOUBLE(0, "threshold", &o->ec.threshold, "x", -1e300, 1e300,
		"detections are scores >= X (labels: default 0.5)"),
	    OPT_FLAG(0, "optimize", &o->optimize,
		"search the best threshold per profile (default)"),
	    CLI_OPTIONS_IO(&o->cli),
	    OPT_END,
	};
	const struct opt_prog prog = {"ad-eval", NULL, "[file ...]", options};
	int first;

	cli_init(&o->cli, "ad-eval");
	o->rc.id = "id";
	o->rc.time = "ts";
	o->rc.score = "score";
	o->ec.threshold = NAN;
	first = opt_parse(&prog, argc, argv);
	if ((o->ec.windows == NULL) == (o->rc.truth == NULL))
		opt_usage_error(&prog, "give --windows or --truth");
	if (o->optimize && !isnan(o->ec.threshold))
		opt_usage_error(&prog, "--optimize and --threshold conflict");
	if ((o->ec.classes_file != NULL || o->ec.costs_file != NULL) &&
	    o->rc.cls == NULL)
		opt_usage_error(&prog, "--classes and --costs go with --class");
	if (o->rc.truth != NULL) {
		if (o->ec.positive != NULL && o->ec.negative != NULL)
			opt_usage_error(
			    &prog, "--positive and --negative conflict");
		if (o->ec.positive == NULL && o->ec.negative == NULL &&
		    o->rc.cls == NULL)
			opt_usage_error(&prog,
			    "--truth needs --positive, --negative or --class");
		if (o->ec.positive == NULL && o->ec.negative == NULL)
			o->rc.score = NULL;
		if (o->optimize)
			opt_usage_error(
			    &prog, "--optimize goes with --windows");
		if (isnan(o->ec.threshold))
			o->ec.threshold = 0.5;
		o->rc.id = o->rc.time = NULL;
	} else if (o->ec.positive != NULL || o->ec.negative != NULL ||
		   o->rc.cls != NULL) {
		opt_usage_error(&prog, "--positive, --negative and --class go "
				       "with --truth");
	}
	o->ec.labelled = o->rc.truth != NULL;
	o->ec.classes = o->rc.cls != NULL;
	o->ec.curves = o->svg != NULL;
	o->files = argv + first;
	o->nfiles = (size_t)(argc - first);
}

/* Write the picture to --svg.  Returns 0, or -1 with e set. */
static int
write_svg(const struct opts *o, struct ad_err *e)
{
	const struct evaluator *ev = &o->ev;
	struct buf svg;
	struct sink *out;
	int rc = -1;

	buf_init(&svg);
	if (ev->nab != NULL)
		evalplot_series(&svg, ev->nab,
		    isnan(o->ec.threshold)
			? nab_optimize(ev->nab, &nab_profiles[0])
			: o->ec.threshold);
	else
		evalplot_curves(&svg, ev->bin, &ev->br);
	if ((out = sink_open(o->svg, &o->cli.io, e)) != NULL &&
	    sink_write(out, svg.data, svg.len, NULL, 0, e) == 0)
		rc = 0;
	if (out != NULL && sink_close(out, e) < 0)
		rc = -1;
	buf_release(&svg);
	return rc;
}

static int
run(void *prog, struct recin *in, struct sink *out, int *soft, struct ad_err *e)
{
	struct opts *o = prog;
	struct evrec_parser pp;
	struct evrec r;
	struct line line;
	struct buf text;
	json_t *rep;
	char why[700];
	int rc;

	(void)soft;
	evrec_parser_init(&pp, &o->rc);
	while ((rc = recin_next_line(in, &line, e)) > 0)
		if (evrec_parse(&pp, line.buf, line.len, &r, why, sizeof(why)) <
			0 ||
		    evaluator_add(&o->ev, &r, why, sizeof(why)) < 0)
			recin_reject(in, "%s", why);
	evrec_parser_release(&pp);
	if (rc < 0)
		return -1;
	rep = evaluator_report(&o->ev);
	if (o->svg != NULL && (o->ev.nab != NULL || o->ev.bin != NULL) &&
	    write_svg(o, e) < 0) {
		json_decref(rep);
		return -1;
	}
	buf_init(&text);
	evreport_text(&text, rep, o->pretty);
	json_decref(rep);
	rc = sink_write(out, text.data, text.len, NULL, 0, e);
	buf_release(&text);
	return rc < 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct recin *in = NULL;
	struct ad_err e;
	int status;

	memset(&o, 0, sizeof(o));
	parse_opts(argc, argv, &o);
	o.cli.also[0] = o.svg;
	if (o.cli.quiet)
		o.cli.io.warn = NULL; /* -q: bad records counted, not told */
	ad_signals_init();
	/* a report on part of the input is none: a stop ends it */
	ad_signals_fatal();
	ad_err_clear(&e);
	if (evaluator_init(&o.ev, &o.ec, &e) < 0) {
		status = ad_err_report(&e);
		goto out;
	}
	status = cli_run(&o.cli, o.files, o.nfiles, run, &o, &in);
	if (o.cli.verbose && in != NULL)
		fprintf(stderr, "ad-eval: read %zu, rejected %zu\n",
		    recin_read_count(in), recin_reject_count(in));
out:
	recin_free(in);
	evaluator_release(&o.ev);
	cli_release(&o.cli);
	return finish(status);
}
