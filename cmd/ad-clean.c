/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-clean: validate, de-duplicate and enrich connection records (the
 * default, record/recclean), or put metric time series on a regular grid,
 * fill their gaps and replace their outliers (--series,
 * series/seriesclean).
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "base/num.h"
#include "record/recclean.h"
#include "io/recin.h"
#include "record/schema.h"
#include "series/seriesclean.h"
#include "io/endpoint.h"
#include "io/sink.h"

struct opts {
	struct cli cli;
	const char *schema;
	const char *dedup;
	long dedup_window;
	bool series;
	struct seriesclean_conf sconf;
	char **files;
	size_t nfiles;
};

/* The options of one mode only, and what using them in the other says. */
static const char *const series_only[] = {"id", "time", "field", "step",
    "period", "history", "max-gap", "outlier-k", "outlier-window",
    "level-shift", "reorder-window", "max-keys", NULL};
static const char *const record_only[] = {
    "schema", "dedup", "dedup-window", NULL};
static const struct opt_word auto_period[] = {{"auto", -1}, {NULL, 0}};

static bool
listed(const char *const *list, const char *name)
{
	for (; name != NULL && *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

static int
opt_dedup(void *field, const char *arg, struct ad_err *err)
{
	if (*arg == '\0') {
		ad_err_set(err, EX_USAGE, "--dedup: empty field name");
		return -1;
	}
	*(const char **)field = arg;
	return 0;
}

static int
opt_step(void *ms, const char *arg, struct ad_err *err)
{
	if (num_parse_duration_ms("--step", arg, ms, err) < 0)
		return -1;
	if (*(int64_t *)ms <= 0) {
		ad_err_set(err, EX_USAGE, "--step: must be positive");
		return -1;
	}
	return 0;
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	struct seriesclean_conf *sc = &o->sconf;
	struct opt options[] = {
	    CLI_OPTIONS_BASE(&o->cli),
	    CLI_OPTION_OUTPUT(&o->cli),
	    OPT_STRING(0, "schema", &o->schema, "kdd|none|file",
		"kdd (default), none, or a schema file"),
	    OPT_FUNC(0, "dedup", &o->dedup, "field", opt_dedup,
		"drop records whose FIELD value was seen before"),
	    OPT_LONG(0, "dedup-window", &o->dedup_window, "n", 1, 1L << 31,
		"remember the last N distinct values (default 1000000)"),
	    OPT_FLAG(0, "series", &o->series,
		"clean metric time series instead of records"),
	    OPT_FUNC(0, "step", &sc->step_ms, "duration", opt_step,
		"series: grid step, e.g. 60s, 5m (required)"),
	    OPT_STRING(0, "id", &sc->id_field, "field",
		"series: key field (default id)"),
	    OPT_STRING(0, "time", &sc->time_field, "field",
		"series: time field (default ts)"),
	    OPT_STRING(0, "field", &sc->value_field, "field",
		"series: value field (default value)"),
	    OPT_LONG_OR(0, "period", &sc->period, "n|auto", 0, 1000000,
		auto_period, "series: period in steps, for phase means"),
	    OPT_LONG(0, "history", &sc->history, "n", 1, 1000,
		"series: earlier periods averaged (default 4)"),
	    OPT_LONG(0, "max-gap", &sc->max_gap, "n", 0, 1000000,
		"series: fill gaps of at most N steps (default 5)"),
	    OPT_DOUBLE(0, "outlier-k", &sc->outlier_k, "k", 0, 1e6,
		"series: replace beyond K robust sigmas (default 5)"),
	    OPT_LONG(0, "outlier-window", &sc->outlier_window, "n", 3, 100000,
		"series: points in the median/MAD (default 25)"),
	    OPT_LONG(0, "level-shift", &sc->shift_run, "n", 0, 100000,
		"series: N outliers in a row on one side are a new level, "
		"kept (default 3; 0: never)"),
	    OPT_MS(0, "reorder-window", &sc->reorder_ms, "duration",
		"series: wait so long for late points (default 0)"),
	    OPT_SIZE(0, "max-keys", &sc->max_keys, "n", 1, LONG_MAX,
		"series: keys kept, LRU evicted (default 100000)"),
	    CLI_OPTION_METRICS(&o->cli),
	    CLI_OPTIONS_IO(&o->cli),
	    OPT_END,
	};
	const struct opt_prog prog = {"ad-clean", NULL, "[file ...]", options};
	bool given[sizeof(options) / sizeof(options[0])] = {false};
	const char *record = NULL, *series = NULL;
	int first;

	for (size_t i = 0; options[i].type != OPT_TYPE_END; i++)
		options[i].given = &given[i];
	cli_init(&o->cli, "ad-clean");
	o->schema = "kdd";
	o->dedup_window = 1000000;
	*sc = (struct seriesclean_conf){.id_field = "id",
	    .time_field = "ts",
	    .value_field = "value",
	    .history = 4,
	    .max_gap = 5,
	    .outlier_k = 5,
	    .outlier_window = 25,
	    .shift_run = 3,
	    .max_keys = 100000};
	first = opt_parse(&prog, argc, argv);
	for (size_t i = 0; options[i].type != OPT_TYPE_END; i++) {
		if (given[i] && listed(record_only, options[i].long_name))
			record = options[i].long_name;
		if (given[i] && listed(series_only, options[i].long_name))
			series = options[i].long_name;
	}
	if (o->series && record != NULL)
		opt_usage_error(
		    &prog, "--%s does not apply to --series", record);
	if (!o->series && series != NULL)
		opt_usage_error(&prog, "--%s needs --series", series);
	if (o->series && sc->step_ms == 0)
		opt_usage_error(&prog, "--series needs --step");
	o->files = argv + first;
	o->nfiles = (size_t)(argc - first);
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct recclean_counts n;
	struct seriesclean_stats st;
	struct schema *sc = NULL;
	struct recin *in = NULL;
	struct sink *out = NULL;
	struct buf b;
	struct ad_err e;
	int status = EX_OK;

	memset(&o, 0, sizeof(o));
	memset(&n, 0, sizeof(n));
	memset(&st, 0, sizeof(st));
	ad_err_clear(&e);
	parse_opts(argc, argv, &o);
	ad_signals_init();
	if ((sc = schema_open(o.schema, &e)) == NULL) {
		status = ad_err_report(&e);
		goto out;
	}
	if ((status = cli_open_io(&o.cli, o.files, o.nfiles, &in, &out)) !=
	    EX_OK)
		goto out;
	if (o.series) {
		if (seriesclean_run(&o.sconf, in, out, &st, &e) < 0)
			status = ad_err_report(&e);
	} else {
		struct recclean_conf rc = {.schema = sc,
		    .dedup_field = o.dedup,
		    .dedup_window = (size_t)o.dedup_window};

		/* One in, at most one out: flush, commit when input waits. */
		recin_set_sink(in, out);
		if (recclean_run(&rc, in, out, &n, &e) < 0)
			status = ad_err_report(&e);
	}
	status = cli_close_io(in, out, status);
	if (o.cli.verbose) {
		buf_init(&b);
		if (o.series)
			seriesclean_summary(&b, &st, recin_read_count(in),
			    recin_reject_count(in));
		else
			recclean_summary(&b, &n, recin_read_count(in),
			    recin_reject_count(in));
		fprintf(stderr, "ad-clean: %s\n", b.data);
		buf_release(&b);
	}
out:
	recin_free(in);
	schema_free(sc);
	cli_release(&o.cli);
	return finish(status);
}
