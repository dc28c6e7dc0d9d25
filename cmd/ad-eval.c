/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-eval: measure scored records against the truth and write one JSON
 * report.  Series with anomaly windows (--windows): the NAB score of each
 * profile (lib/eval/nab), the threshold searched or given.  Labelled
 * records (--truth): ROC and PR AUC, precision, recall, F1 and accuracy
 * (lib/eval/binary).
 */
#include <err.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "eval/binary.h"
#include "eval/confusion.h"
#include "eval/evrec.h"
#include "eval/evreport.h"
#include "eval/nab.h"
#include "eval/windows.h"
#include "io/endpoint.h"
#include "io/recin.h"
#include "io/sink.h"
#include "plot/evalplot.h"
#include "record/costs.h"
#include "record/labels.h"

struct opts {
	struct cli cli;
	struct evrec_conf rc;
	const char *windows;
	const char *positive, *negative;
	const char *classes_file, *costs_file;
	const char *svg;
	double threshold; /* NAN: not given */
	bool optimize, pretty;
	char **files;
	size_t nfiles;
	struct windows ws;
	long last_key; /* index of the last record's key: keys come in runs */
	struct nab *nab;
	struct binary *bin;
	struct labels labels; /* --classes */
	struct costs costs;
	struct confusion *cf;
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
	    OPT_STRING(0, "windows", &o->windows, "file",
		"anomaly windows per key (NAB combined_windows.json)"),
	    OPT_STRING(0, "truth", &o->rc.truth, "field",
		"labelled records: the field holding the truth"),
	    OPT_STRING(0, "positive", &o->positive, "value",
		"records whose truth is VALUE are positive"),
	    OPT_STRING(0, "negative", &o->negative, "value",
		"records whose truth is not VALUE are positive"),
	    OPT_STRING(0, "class", &o->rc.cls, "field",
		"labelled records: the field of the predicted class"),
	    OPT_STRING(0, "classes", &o->classes_file, "file",
		"map truth labels to classes ('label class' lines)"),
	    OPT_STRING(0, "costs", &o->costs_file, "file",
		"cost matrix CSV: the cost per record"),
	    OPT_STRING(0, "id", &o->rc.id, "field", "key field (default id)"),
	    OPT_STRING(
		0, "time", &o->rc.time, "field", "time field (default ts)"),
	    OPT_STRING(0, "score", &o->rc.score, "field",
		"score field (default score)"),
	    OPT_DOUBLE(0, "threshold", &o->threshold, "x", -1e300, 1e300,
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
	o->threshold = NAN;
	first = opt_parse(&prog, argc, argv);
	if ((o->windows == NULL) == (o->rc.truth == NULL))
		opt_usage_error(&prog, "give --windows or --truth");
	if (o->optimize && !isnan(o->threshold))
		opt_usage_error(&prog, "--optimize and --threshold conflict");
	if ((o->classes_file != NULL || o->costs_file != NULL) &&
	    o->rc.cls == NULL)
		opt_usage_error(&prog, "--classes and --costs go with --class");
	if (o->rc.truth != NULL) {
		if (o->positive != NULL && o->negative != NULL)
			opt_usage_error(
			    &prog, "--positive and --negative conflict");
		if (o->positive == NULL && o->negative == NULL &&
		    o->rc.cls == NULL)
			opt_usage_error(&prog,
			    "--truth needs --positive, --negative or --class");
		if (o->positive == NULL && o->negative == NULL)
			o->rc.score = NULL;
		if (o->optimize)
			opt_usage_error(
			    &prog, "--optimize goes with --windows");
		if (isnan(o->threshold))
			o->threshold = 0.5;
		o->rc.id = o->rc.time = NULL;
	} else if (o->positive != NULL || o->negative != NULL ||
		   o->rc.cls != NULL) {
		opt_usage_error(&prog, "--positive, --negative and --class go "
				       "with --truth");
	}
	o->files = argv + first;
	o->nfiles = (size_t)(argc - first);
}

/*
 * The multi-class part of a labelled record: its actual class (the truth,
 * or its class by --classes) against the predicted one.  Returns -1 when
 * the record was rejected.
 */
static int
add_class(struct opts *o, struct recin *in, const struct evrec *r)
{
	const char *actual = r->truth;
	char why[600];

	if (o->classes_file != NULL) {
		long c = labels_class(&o->labels, r->truth, r->truthlen);

		if (c < 0)
			return recin_reject(in,
				   "label '%s' is in no class of "
				   "'%s'",
				   r->truth, o->classes_file),
			       -1;
		actual = o->labels.classes[c];
	}
	if (confusion_add(o->cf, actual, r->cls, why, sizeof(why)) < 0)
		return recin_reject(in, "%s", why), -1;
	return 0;
}

static bool
same_key(const struct opts *o, const struct evrec *r)
{
	const struct windows_key *k;

	if (o->last_key < 0)
		return false;
	k = &o->ws.keys[o->last_key];
	return k->keylen == r->keylen && memcmp(k->key, r->key, r->keylen) == 0;
}

/* One good record into the evaluation of its mode. */
static void
add(struct opts *o, struct recin *in, const struct evrec *r)
{
	long k;

	if (o->cf != NULL && add_class(o, in, r) < 0)
		return;
	if (o->rc.truth != NULL) {
		if (o->bin != NULL)
			binary_add(o->bin, r->score,
			    o->positive != NULL
				? strcmp(r->truth, o->positive) == 0
				: strcmp(r->truth, o->negative) != 0);
	} else if ((k = same_key(o, r)
			    ? o->last_key
			    : windows_find(&o->ws, r->key, r->keylen)) < 0) {
		/* counted in the report, and a bad record */
		nab_add_unlabelled(o->nab, r->key);
		recin_reject(
		    in, "key '%s' has no entry in '%s'", r->key, o->windows);
	} else {
		nab_add(o->nab, (size_t)k, r->t_ms, r->score);
		o->last_key = k;
	}
}

/* Write the picture to --svg.  Returns 0, or -1 with e set. */
static int
write_svg(
    const struct opts *o, const struct binary_result *br, struct ad_err *e)
{
	struct buf svg;
	struct sink *out;
	int rc = -1;

	buf_init(&svg);
	if (o->nab != NULL)
		evalplot_series(&svg, o->nab,
		    isnan(o->threshold) ? nab_optimize(o->nab, &nab_profiles[0])
					: o->threshold);
	else
		evalplot_curves(&svg, o->bin, br);
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
	struct binary_result br;
	json_t *rep;
	char why[400];
	int rc;

	(void)soft;
	evrec_parser_init(&pp, &o->rc);
	while ((rc = recin_next_line(in, &line, e)) > 0) {
		if (evrec_parse(&pp, line.buf, line.len, &r, why, sizeof(why)) <
		    0)
			recin_reject(in, "%s", why);
		else
			add(o, in, &r);
	}
	evrec_parser_release(&pp);
	if (rc < 0)
		return -1;
	if (o->rc.truth != NULL) {
		if (o->bin != NULL) {
			binary_eval(o->bin, o->threshold, o->svg != NULL, &br);
			rep = evreport_binary(&br);
		} else {
			rep = json_object();
		}
		if (o->cf != NULL)
			evreport_confusion(rep, o->cf);
	} else {
		nab_finish(o->nab);
		rep = evreport_nab(
		    o->nab, &o->ws, isnan(o->threshold), o->threshold);
	}
	if (o->svg != NULL && (o->nab != NULL || o->bin != NULL) &&
	    write_svg(o, &br, e) < 0) {
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
	o.last_key = -1;
	parse_opts(argc, argv, &o);
	if (o.cli.quiet)
		o.cli.io.warn = NULL; /* -q: bad records counted, not told */
	ad_signals_init();
	ad_err_clear(&e);
	if (o.rc.truth != NULL) {
		if (o.positive != NULL || o.negative != NULL)
			o.bin = binary_new();
		if ((o.classes_file != NULL &&
			labels_load(&o.labels, o.classes_file, &e) < 0) ||
		    (o.costs_file != NULL &&
			costs_load(&o.costs, o.costs_file, &e) < 0)) {
			status = ad_err_report(&e);
			goto out;
		}
		if (o.rc.cls != NULL)
			o.cf = confusion_new(o.labels.classes, o.labels.nclass,
			    o.costs_file != NULL ? &o.costs : NULL);
	} else {
		if (windows_load(&o.ws, o.windows, &e) < 0) {
			status = ad_err_report(&e);
			goto out;
		}
		o.nab = nab_new(&o.ws);
	}
	status = cli_run(&o.cli, o.files, o.nfiles, run, &o, &in);
	if (o.cli.verbose && in != NULL)
		fprintf(stderr, "ad-eval: read %zu, rejected %zu\n",
		    recin_read_count(in), recin_reject_count(in));
out:
	recin_free(in);
	nab_free(o.nab);
	binary_free(o.bin);
	confusion_free(o.cf);
	labels_release(&o.labels);
	costs_release(&o.costs);
	windows_release(&o.ws);
	cli_release(&o.cli);
	return finish(status);
}
