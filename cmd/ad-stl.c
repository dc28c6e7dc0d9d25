/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-stl: per-key STL decomposition (R's stl()) of metric points, and
 * trailing-window mean, variance and covariance features.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "series/point.h"
#include "io/recin.h"
#include "io/endpoint.h"
#include "io/sink.h"
#include "series/stl.h"
#include "series/stlrun.h"

struct opts {
	struct cli cli;
	struct stl_params stl;
	bool decompose, auto_period;
	int64_t window_ms; /* 0: no window features */
	size_t max_keys;
	struct point_conf pc;
	char **files;
	size_t nfiles;
};

/* Words' values, out of the numbers' ranges and apart from STL_UNSET. */
#define AUTO (-2L)
#define PERIODIC (-2L)
static const struct opt_word auto_period[] = {{"auto", AUTO}, {NULL, 0}};
static const struct opt_word periodic[] = {{"periodic", PERIODIC}, {NULL, 0}};

/* --field, repeatable. */
static int
opt_field(void *conf, const char *arg, struct ad_err *e)
{
	struct point_conf *pc = conf;

	if (pc->nfields == POINT_MAX_FIELDS) {
		ad_err_set(e, EX_USAGE, "at most %d --field options",
		    POINT_MAX_FIELDS);
		return -1;
	}
	pc->fields[pc->nfields++] = arg;
	return 0;
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	const long big = 1L << 40;
	struct stl_params *p = &o->stl;
	const struct opt options[] = {
	    CLI_OPTIONS_BASE(&o->cli),
	    CLI_OPTION_OUTPUT(&o->cli),
	    OPT_LONG_OR(0, "period", &p->period, "n|auto", 2, big, auto_period,
		"seasonal period in points, or detect it"),
	    OPT_LONG_OR(0, "s-window", &p->s_window, "w|periodic", 1, big,
		periodic, "seasonal loess span, or periodic (default)"),
	    OPT_LONG(0, "s-degree", &p->s_degree, "d", 0, 1,
		"seasonal loess degree, 0 or 1 (default 0)"),
	    OPT_LONG(0, "t-window", &p->t_window, "w", 1, big,
		"trend span (default R's nextodd formula)"),
	    OPT_LONG(0, "t-degree", &p->t_degree, "d", 0, 1,
		"trend degree (default 1)"),
	    OPT_LONG(0, "l-window", &p->l_window, "w", 1, big,
		"low-pass span (default nextodd(period))"),
	    OPT_LONG(0, "l-degree", &p->l_degree, "d", 0, 1,
		"low-pass degree (default t-degree)"),
	    OPT_LONG(0, "s-jump", &p->s_jump, "j", 1, big,
		"seasonal loess jump (default span/10)"),
	    OPT_LONG(0, "t-jump", &p->t_jump, "j", 1, big,
		"trend loess jump (default span/10)"),
	    OPT_LONG(0, "l-jump", &p->l_jump, "j", 1, big,
		"low-pass loess jump (default span/10)"),
	    OPT_LONG(0, "inner", &p->inner, "n", 1, 1000,
		"inner iterations (default 2, 1 if robust)"),
	    OPT_LONG(0, "outer", &p->outer, "n", 0, 1000,
		"robustness iterations (default 0, 15 if robust)"),
	    OPT_FLAG(
		0, "robust", &p->robust, "robust fitting; adds \"weight\""),
	    OPT_MS(0, "window", &o->window_ms, "duration",
		"trailing-window mean/var/cov features"),
	    OPT_STRING(
		0, "id", &o->pc.id_field, "field", "key field (default id)"),
	    OPT_STRING(0, "time", &o->pc.time_field, "field",
		"time field (default ts)"),
	    OPT_FUNC(0, "field", &o->pc, "field", opt_field,
		"value field, repeatable (default value)"),
	    OPT_SIZE(0, "max-keys", &o->max_keys, "n", 1, big,
		"window state for at most N keys (LRU)"),
	    CLI_OPTION_METRICS(&o->cli),
	    CLI_OPTIONS_IO(&o->cli),
	    OPT_END,
	};
	const struct opt_prog prog = {"ad-stl", NULL, "[file ...]", options};
	int first;

	cli_init(&o->cli, "ad-stl");
	stl_params_init(p);
	o->pc.id_field = "id";
	o->pc.time_field = "ts";
	o->max_keys = 100000;
	first = opt_parse(&prog, argc, argv);
	o->auto_period = p->period == AUTO;
	o->decompose = p->period != STL_UNSET;
	if (o->auto_period)
		p->period = STL_UNSET;
	p->periodic = p->s_window == STL_UNSET || p->s_window == PERIODIC;
	if (p->s_window == PERIODIC)
		p->s_window = STL_UNSET;
	if (!o->decompose && o->window_ms == 0)
		opt_usage_error(&prog,
		    "give --period (decomposition) or --window (features)");
	if (o->pc.nfields == 0)
		o->pc.fields[o->pc.nfields++] = "value";
	o->pc.need_time = o->window_ms > 0;
	o->files = argv + first;
	o->nfiles = (size_t)(argc - first);
}

static int
run(void *prog, struct recin *in, struct sink *out, int *status,
    struct ad_err *e)
{
	const struct opts *o = prog;
	struct stlrun_conf c = {&o->pc, o->stl, o->decompose, o->auto_period,
	    o->window_ms, o->max_keys};
	struct stlrun *r = stlrun_new(&c, out);
	struct point_parser pp;
	struct point p;
	struct line line;
	char why[1200];
	int rc;

	point_parser_init(&pp, &o->pc);
	recin_set_metrics_fill(in, stlrun_fill_metrics, r);
	while ((rc = recin_next_line(in, &line, e)) > 0) {
		int k =
		    point_parse(&pp, line.buf, line.len, &p, why, sizeof(why));

		if (k <= 0) {
			/*
			 * A rejected point is skipped and the rest of its series
			 * still decomposed, except for a gap (null): an explicit
			 * hole makes the series irregular.
			 */
			recin_reject(in, "%s", why);
			if (k == 0 && point_is_gap(&p))
				stlrun_gap(r, &p, recin_source_name(in),
				    line.lineno, why);
			continue;
		}
		if ((rc = stlrun_point(r, &p, why, sizeof(why), e)) < 0)
			break;
		if (rc == STLRUN_REFUSED)
			recin_reject(in, "%s", why);
	}
	for (size_t i = 0; rc >= 0 && i < stlrun_series_count(r); i++)
		if ((rc = stlrun_emit(r, i, why, sizeof(why), e)) ==
		    STLRUN_REFUSED) {
			warnx("%s", why);
			*status = EX_DATAERR;
		}
	if (o->cli.verbose)
		fprintf(stderr, "ad-stl: read %zu, rejected %zu, keys %zu%s\n",
		    recin_read_count(in), recin_reject_count(in),
		    stlrun_keys(r), stlrun_evicted(r) ? " (some evicted)" : "");
	recin_detach_metrics(in);
	stlrun_free(r);
	point_parser_release(&pp);
	return rc < 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct recin *in = NULL;
	int status;

	memset(&o, 0, sizeof(o));
	parse_opts(argc, argv, &o);
	ad_signals_init();
	/*
	 * Without --window nothing is written before the input ends, and a
	 * decomposition of part of a series is none: a stop ends it.
	 */
	if (o.window_ms == 0)
		ad_signals_fatal();
	status = cli_run(&o.cli, o.files, o.nfiles, run, &o, &in);
	recin_free(in);
	cli_release(&o.cli);
	return finish(status);
}
