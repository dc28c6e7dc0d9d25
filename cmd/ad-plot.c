/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-plot: draw NDJSON series (one panel per key, with forecasts, STL
 * trends, anomalies and alert intervals) or a score histogram as a
 * standalone SVG file.
 */
#include <err.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "base/keymap.h"
#include "io/ndjson.h"
#include "base/num.h"
#include "io/recin.h"
#include "io/sink.h"
#include "record/idkey.h"
#include "plot/svgplot.h"
#include "base/timefmt.h"

enum {
	OPT_ID = CLI_PROGRAM_OPTIONS,
	OPT_TIME,
	OPT_FIELD,
	OPT_ALERTS,
	OPT_HISTOGRAM,
	OPT_THRESHOLD,
	OPT_LABEL,
	OPT_NORMAL,
	OPT_BINS,
	OPT_MAX_PANELS,
	OPT_TITLE,
};

struct opts {
	struct cli cli;
	const char *id, *time, *field, *alerts, *label, *normal, *title;
	bool histogram;
	double threshold;
	long bins, max_panels;
	char **files;
	size_t nfiles;
};

static const char synopsis[] =
    "usage: ad-plot [-hqVv] [--id field] [--time field] [--field field]\n"
    "               [--alerts file] [--max-panels n] [--title text] -o "
    "file.svg [file ...]\n"
    "       ad-plot --histogram [--field field] [--threshold x] [--label "
    "field]\n"
    "               [--normal value] [--bins n] -o file.svg [file ...]\n";

static void
usage(FILE *fp, int status)
{
	fputs(synopsis, fp);
	if (fp == stdout)
		fputs("\n"
		      "  -h, --help          show this help and exit\n"
		      "  -o, --output FILE   write the SVG to FILE (default "
		      "stdout)\n"
		      "  -q, --quiet         no warnings\n"
		      "  -V, --version       print the version and exit\n"
		      "  -v, --verbose       print a summary on stderr\n"
		      "      --id F          key field, one panel per key "
		      "(default id)\n"
		      "      --time F        time field (default ts)\n"
		      "      --field F       value field (default value; score "
		      "with --histogram)\n"
		      "      --alerts FILE   shade the intervals of these "
		      "alert records\n"
		      "      --max-panels N  draw at most N keys (default 12)\n"
		      "      --title TEXT    heading of the picture\n"
		      "      --histogram     draw a histogram of the field in "
		      "[0, 1]\n"
		      "      --threshold X   threshold line of the histogram "
		      "(default 0.5)\n"
		      "      --label F       label field splitting "
		      "normal/attack (default label)\n"
		      "      --normal V      label value of normal records "
		      "(default normal.)\n"
		      "      --bins N        histogram bins (default 50)\n"
		      "      --reject FILE   append bad lines to FILE\n"
		      "      --strict        stop at the first bad line\n",
		    fp);
	exit(status);
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	    CLI_LONGOPTS,
	    {"id", required_argument, NULL, OPT_ID},
	    {"time", required_argument, NULL, OPT_TIME},
	    {"field", required_argument, NULL, OPT_FIELD},
	    {"alerts", required_argument, NULL, OPT_ALERTS},
	    {"histogram", no_argument, NULL, OPT_HISTOGRAM},
	    {"threshold", required_argument, NULL, OPT_THRESHOLD},
	    {"label", required_argument, NULL, OPT_LABEL},
	    {"normal", required_argument, NULL, OPT_NORMAL},
	    {"bins", required_argument, NULL, OPT_BINS},
	    {"max-panels", required_argument, NULL, OPT_MAX_PANELS},
	    {"title", required_argument, NULL, OPT_TITLE},
	    {NULL, 0, NULL, 0},
	};
	struct ad_err e;
	int c, rc;

	ad_err_clear(&e);
	cli_init(&o->cli, "ad-plot");
	o->id = "id";
	o->time = "ts";
	o->label = "label";
	o->normal = "normal.";
	o->threshold = 0.5;
	o->bins = 50;
	o->max_panels = 12;
	while ((c = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) !=
	       -1) {
		if ((rc = cli_option(&o->cli, c, optarg, &e)) < 0)
			goto bad;
		if (rc > 0)
			continue;
		switch (c) {
		case 'h':
			usage(stdout, EX_OK);
			break;
		case 'V':
			printf("ad-plot %s\n", AD_VERSION);
			exit(EX_OK);
		case OPT_ID:
			o->id = optarg;
			break;
		case OPT_TIME:
			o->time = optarg;
			break;
		case OPT_FIELD:
			o->field = optarg;
			break;
		case OPT_ALERTS:
			o->alerts = optarg;
			break;
		case OPT_HISTOGRAM:
			o->histogram = true;
			break;
		case OPT_THRESHOLD:
			if (num_parse_double("--threshold", optarg, 0, 1,
				&o->threshold, &e) < 0)
				goto bad;
			break;
		case OPT_LABEL:
			o->label = optarg;
			break;
		case OPT_NORMAL:
			o->normal = optarg;
			break;
		case OPT_BINS:
			if (num_parse_long(
				"--bins", optarg, 1, 1000, &o->bins, &e) < 0)
				goto bad;
			break;
		case OPT_MAX_PANELS:
			if (num_parse_long("--max-panels", optarg, 1, 100,
				&o->max_panels, &e) < 0)
				goto bad;
			break;
		case OPT_TITLE:
			o->title = optarg;
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	if (o->field == NULL)
		o->field = o->histogram ? "score" : "value";
	o->files = argv + optind;
	o->nfiles = (size_t)(argc - optind);
	return;
bad:
	if (e.status == EX_USAGE) {
		warnx("%s", e.msg);
		usage(stderr, EX_USAGE);
	}
	exit(ad_err_report(&e));
}

static double
number_or_nan(json_t *rec, const char *name)
{
	json_t *v = json_object_get(rec, name);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Key text of a record: a string as is, anything else as JSON. */
static void
key_of(json_t *rec, const char *field, struct buf *key)
{
	json_t *v = json_object_get(rec, field);

	buf_reset(key);
	if (v != NULL)
		idkey_text(key, v);
	else
		buf_adds(key, "(all)");
}

#define SKIPPED SIZE_MAX

struct series {
	struct plot_panel *panels;
	size_t npanels, skipped_keys;
	struct keymap *index; /* key -> panel number + 1 */
};

static struct plot_panel *
panel_for(struct series *s, const char *key, long max, bool create)
{
	/* Values: panel number + 1, or SKIPPED for keys beyond the limit. */
	size_t i = (size_t)(uintptr_t)keymap_get(s->index, key);

	if (i == SKIPPED)
		return NULL;
	if (i > 0)
		return &s->panels[i - 1];
	if (!create)
		return NULL;
	if ((long)s->npanels >= max) {
		s->skipped_keys++;
		keymap_put(s->index, key, (void *)(uintptr_t)SKIPPED);
		return NULL;
	}
	s->panels =
	    xreallocarray(s->panels, s->npanels + 1, sizeof(*s->panels));
	memset(&s->panels[s->npanels], 0, sizeof(*s->panels));
	s->panels[s->npanels].title = xstrdup(key);
	keymap_put(s->index, key, (void *)(uintptr_t)(++s->npanels));
	return &s->panels[s->npanels - 1];
}

/* Add one record to the series picture; -1 rejects it (reason in why). */
static int
add_point(struct series *s, const struct opts *o, json_t *rec, struct buf *key,
    char *why, size_t whylen)
{
	struct plot_point pt;
	struct time_form form;
	json_t *tv = json_object_get(rec, o->time);
	struct plot_panel *p;

	if (tv == NULL) {
		snprintf(why, whylen, "field '%s': missing", o->time);
		return -1;
	}
	if (time_parse(tv, &pt.t, &form, why, whylen) < 0)
		return -1;
	pt.value = number_or_nan(rec, o->field);
	if (isnan(pt.value) && json_object_get(rec, o->field) != NULL &&
	    !json_is_null(json_object_get(rec, o->field))) {
		snprintf(
		    why, whylen, "field '%s': expected a number", o->field);
		return -1;
	}
	pt.forecast = number_or_nan(rec, "forecast");
	pt.trend = number_or_nan(rec, "trend");
	pt.seasonal = number_or_nan(rec, "seasonal");
	pt.anomalous = json_is_true(json_object_get(rec, "anomaly")) ||
		       json_is_true(json_object_get(rec, "mismatch"));
	key_of(rec, o->id, key);
	if ((p = panel_for(s, key->data, o->max_panels, true)) != NULL)
		plot_panel_add(p, &pt);
	return 0;
}

/* Shade alert intervals: firing opens one at "since", resolved closes it. */
static int
read_alerts(struct series *s, const struct opts *o, struct ad_err *err)
{
	char *files[] = {(char *)o->alerts};
	struct recin *in = recin_new(files, 1, &o->cli.io, NULL, false, err);
	struct buf key;
	json_t *rec;
	int rc, status;

	if (in == NULL)
		return -1;
	buf_init(&key);
	while ((rc = recin_next(in, &rec, err)) > 0) {
		struct plot_panel *p;
		struct time_form form;
		int64_t since, ts;
		char why[200];
		json_t *st = json_object_get(rec, "status");

		key_of(rec, "id", &key);
		p = panel_for(s, key.data, o->max_panels, false);
		if (p != NULL && json_is_string(st) &&
		    time_parse(json_object_get(rec, "ts"), &ts, &form, why,
			sizeof(why)) == 0) {
			if (time_parse(json_object_get(rec, "since"), &since,
				&form, why, sizeof(why)) < 0)
				since = ts;
			if (strcmp(json_string_value(st), "firing") == 0)
				plot_panel_add_alert(p, since, INT64_MAX, true);
			else if (p->nalerts > 0 &&
				 p->alerts[p->nalerts - 1].open) {
				p->alerts[p->nalerts - 1].to = ts;
				p->alerts[p->nalerts - 1].open = false;
			}
		}
		json_decref(rec);
	}
	status = recin_status(in);
	recin_free(in);
	buf_release(&key);
	if (rc < 0)
		return -1;
	if (status == EX_NOINPUT) {
		ad_err_set(err, EX_NOINPUT, "%s", "");
		return -1;
	}
	return 0;
}

static void
hist_add(struct plot_hist *h, const struct opts *o, json_t *rec, double v)
{
	size_t bin = (size_t)(fmin(fmax(v, 0), 1) * (double)h->nbins);
	json_t *label = json_object_get(rec, o->label);

	if (bin >= h->nbins)
		bin = h->nbins - 1;
	if (json_is_string(label)) {
		h->labelled = true;
		if (strcmp(json_string_value(label), o->normal) != 0) {
			h->other[bin]++;
			return;
		}
	}
	h->normal[bin]++;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct series s;
	struct plot_hist h;
	struct recin *in = NULL;
	struct sink *out = NULL;
	struct buf svg, key;
	struct ad_err e;
	json_t *rec;
	size_t written = 0;
	int status = EX_OK, rc = 0;
	char note[100];

	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	memset(&h, 0, sizeof(h));
	ad_err_clear(&e);
	parse_opts(argc, argv, &o);
	ad_signals_init();
	buf_init(&svg);
	buf_init(&key);
	s.index = keymap_new(0, NULL, NULL);
	h.nbins = (size_t)o.bins;
	h.normal = xcalloc(h.nbins, sizeof(*h.normal));
	h.other = xcalloc(h.nbins, sizeof(*h.other));
	h.threshold = o.threshold;
	h.title = o.title ? o.title : "score histogram";
	if ((in = recin_new(o.files, o.nfiles, &o.cli.io, o.cli.reject,
		 o.cli.strict, &e)) == NULL) {
		status = ad_err_report(&e);
		goto out;
	}
	while ((rc = recin_next(in, &rec, &e)) > 0) {
		char why[300];

		if (o.histogram) {
			double v = number_or_nan(rec, o.field);

			if (isnan(v))
				recin_reject(in,
				    "field '%s': expected a number", o.field);
			else
				hist_add(&h, &o, rec, v), written++;
		} else if (add_point(&s, &o, rec, &key, why, sizeof(why)) < 0) {
			recin_reject(in, "%s", why);
		} else {
			written++;
		}
		json_decref(rec);
	}
	if (rc < 0) {
		status = ad_err_report(&e);
		goto out;
	}
	if (!o.histogram && o.alerts != NULL && read_alerts(&s, &o, &e) < 0) {
		status = e.msg[0] ? ad_err_report(&e) : e.status;
		goto out;
	}
	if (o.histogram) {
		svgplot_histogram(&svg, &h);
	} else {
		snprintf(note, sizeof(note), "%zu more keys not shown",
		    s.skipped_keys);
		svgplot_series(&svg, o.title ? o.title : "adpipe", s.panels,
		    s.npanels, s.skipped_keys ? note : NULL);
	}
	if ((out = sink_open(o.cli.output, &o.cli.io, &e)) == NULL ||
	    sink_write(out, svg.data, svg.len, NULL, 0, &e) < 0)
		status = ad_err_report(&e);
	if (out != NULL && sink_close(out, &e) < 0 && status == EX_OK)
		status = ad_err_report(&e);
	if (status == EX_OK)
		status = recin_status(in);
	if (o.cli.verbose)
		fprintf(stderr,
		    "ad-plot: read %zu, plotted %zu, rejected %zu\n",
		    recin_read_count(in), written, recin_reject_count(in));
out:
	recin_free(in);
	for (size_t i = 0; i < s.npanels; i++)
		plot_panel_release(&s.panels[i]);
	free(s.panels);
	keymap_free(s.index);
	free(h.normal);
	free(h.other);
	buf_release(&svg);
	buf_release(&key);
	cli_release(&o.cli);
	return finish(status);
}
