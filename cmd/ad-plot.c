/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-plot: draw NDJSON series (one panel per key, with forecasts, STL
 * trends, anomalies and alert intervals), a score histogram, or the
 * overview of ad-alert's reports (a bubble per key and window) as a
 * standalone SVG file (lib/plot/plotset, lib/plot/overview,
 * lib/plot/svgplot).
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "io/recin.h"
#include "io/endpoint.h"
#include "io/sink.h"
#include "plot/overview.h"
#include "plot/plotset.h"

struct opts {
	struct cli cli;
	struct plotset_conf pc;
	const char *alerts;
	bool overview;
	char **files;
	size_t nfiles;
};

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	struct plotset_conf *pc = &o->pc;
	const struct opt options[] = {
	    CLI_OPTIONS_BASE(&o->cli),
	    OPT_STRING('o', "output", &o->cli.output, "file",
		"write the SVG to FILE (default stdout)"),
	    OPT_STRING(0, "id", &pc->id, "field",
		"key field, one panel per key (default id)"),
	    OPT_STRING(
		0, "time", &pc->time, "field", "time field (default ts)"),
	    OPT_STRING(0, "field", &pc->field, "field",
		"value field (default value; score with --histogram)"),
	    OPT_STRING(0, "alerts", &o->alerts, "file",
		"shade the intervals of these alert records"),
	    OPT_SIZE(0, "max-panels", &pc->max_panels, "n", 1, 100,
		"draw at most N keys (default 12)"),
	    OPT_STRING(
		0, "title", &pc->title, "text", "heading of the picture"),
	    OPT_FLAG(0, "histogram", &pc->histogram,
		"draw a histogram of the field in [0, 1]"),
	    OPT_DOUBLE(0, "threshold", &pc->threshold, "x", 0, 1,
		"threshold line of the histogram (default 0.5)"),
	    OPT_STRING(0, "label", &pc->label, "field",
		"label field splitting normal/attack (default label)"),
	    OPT_STRING(0, "normal", &pc->normal, "value",
		"label value of normal records (default normal.)"),
	    OPT_SIZE(0, "bins", &pc->bins, "n", 1, 1000,
		"histogram bins (default 50)"),
	    OPT_FLAG(0, "overview", &o->overview,
		"bubbles per key and window from report or alert records"),
	    CLI_OPTIONS_IO(&o->cli),
	    OPT_END,
	};
	const struct opt_prog prog = {"ad-plot", NULL, "[file ...]", options};
	int first;

	cli_init(&o->cli, "ad-plot");
	plotset_conf_init(pc);
	first = opt_parse(&prog, argc, argv);
	if (o->overview && (pc->histogram || o->alerts != NULL))
		opt_usage_error(&prog,
		    "--overview goes with neither --histogram nor --alerts");
	o->files = argv + first;
	o->nfiles = (size_t)(argc - first);
}

/*
 * Shade the intervals of the alert records in the --alerts file.  An
 * unreadable file has been reported already (EX_NOINPUT); returns the
 * status.
 */
static int
read_alerts(const struct opts *o, struct plotset *ps)
{
	char *files[] = {(char *)o->alerts};
	struct recin *in;
	struct ad_err e;
	json_t *rec;
	int rc, status;

	ad_err_clear(&e);
	if ((in = recin_new(files, 1, &o->cli.io, NULL, false, &e)) == NULL)
		return ad_err_report(&e);
	while ((rc = recin_next(in, &rec, &e)) > 0) {
		plotset_add_alert(ps, rec);
		json_decref(rec);
	}
	if (rc < 0)
		status = ad_err_report(&e);
	else /* a bad alert record is no reason to fail the picture */
		status = recin_status(in) == EX_NOINPUT ? EX_NOINPUT : EX_OK;
	recin_free(in);
	return status;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct plotset *ps = NULL;
	struct overview *ov = NULL;
	struct recin *in = NULL;
	struct sink *out = NULL;
	struct buf svg;
	struct ad_err e;
	json_t *rec;
	size_t plotted = 0;
	int status = EX_OK, rc;

	memset(&o, 0, sizeof(o));
	ad_err_clear(&e);
	parse_opts(argc, argv, &o);
	ad_signals_init();
	/* a picture of part of the input is none: a stop ends it */
	ad_signals_fatal();
	buf_init(&svg);
	ps = plotset_new(&o.pc);
	if (o.overview)
		ov = overview_new(o.pc.title, o.pc.id, o.pc.max_panels);
	if ((status = cli_open_input(&o.cli, o.files, o.nfiles, &in)) != EX_OK)
		goto out;
	while ((rc = recin_next(in, &rec, &e)) > 0) {
		char why[300];

		if ((ov ? overview_add(ov, rec, why, sizeof(why))
			: plotset_add(ps, rec, why, sizeof(why))) < 0)
			recin_reject(in, "%s", why);
		else
			plotted++;
		json_decref(rec);
	}
	if (rc < 0) {
		status = ad_err_report(&e);
		goto out;
	}
	if (!o.pc.histogram && o.alerts != NULL &&
	    (status = read_alerts(&o, ps)) != EX_OK)
		goto out;
	if (ov != NULL)
		overview_render(ov, &svg);
	else
		plotset_render(ps, &svg);
	if ((out = sink_open(o.cli.output, &o.cli.io, &e)) == NULL ||
	    sink_write(out, svg.data, svg.len, NULL, 0, &e) < 0)
		status = ad_err_report(&e);
	status = cli_close_io(in, out, status);
	if (o.cli.verbose)
		fprintf(stderr,
		    "ad-plot: read %zu, plotted %zu, rejected %zu\n",
		    recin_read_count(in), plotted, recin_reject_count(in));
out:
	recin_free(in);
	plotset_free(ps);
	overview_free(ov);
	buf_release(&svg);
	cli_release(&o.cli);
	return finish(status);
}
