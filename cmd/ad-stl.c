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
#include "base/num.h"
#include "io/endpoint.h"
#include "series/point.h"
#include "io/recin.h"
#include "series/stl.h"
#include "series/stlrun.h"

enum {
	OPT_PERIOD = CLI_PROGRAM_OPTIONS,
	OPT_S_WINDOW,
	OPT_S_DEGREE,
	OPT_T_WINDOW,
	OPT_T_DEGREE,
	OPT_L_WINDOW,
	OPT_L_DEGREE,
	OPT_S_JUMP,
	OPT_T_JUMP,
	OPT_L_JUMP,
	OPT_INNER,
	OPT_OUTER,
	OPT_ROBUST,
	OPT_ID,
	OPT_TIME,
	OPT_FIELD,
	OPT_WINDOW,
	OPT_MAX_KEYS,
};

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

static const char synopsis[] =
    "usage: ad-stl [-hqVv] [-o dest] [--period n|auto] "
    "[--s-window w|periodic]\n"
    "              [--s-degree d] [--t-window w] [--t-degree d] "
    "[--l-window w]\n"
    "              [--l-degree d] [--s-jump j] [--t-jump j] [--l-jump j]\n"
    "              [--inner n] [--outer n] [--robust] [--window duration]\n"
    "              [--id field] [--time field] [--field field] "
    "[--max-keys n]\n"
    "              [--reject file] [--strict] [file ...]\n";

static void
usage(FILE *fp, int status)
{
	fputs(synopsis, fp);
	if (fp == stdout)
		fputs("\n"
		      "  -h, --help           show this help and exit\n"
		      "  -o, --output DEST    write to DEST: path, -, "
		      "kafka://, file:\n"
		      "  -q, --quiet          no warnings about bad records\n"
		      "  -V, --version        print the version and exit\n"
		      "  -v, --verbose        print a summary on stderr at the "
		      "end\n"
		      "      --period N|auto  seasonal period in points, or "
		      "detect it\n"
		      "      --s-window W     seasonal loess span, or periodic "
		      "(default)\n"
		      "      --s-degree D     seasonal loess degree, 0 or 1 "
		      "(default 0)\n"
		      "      --t-window W     trend span (default R's nextodd "
		      "formula)\n"
		      "      --t-degree D     trend degree (default 1)\n"
		      "      --l-window W     low-pass span (default "
		      "nextodd(period))\n"
		      "      --l-degree D     low-pass degree (default "
		      "t-degree)\n"
		      "      --s-jump, --t-jump, --l-jump J  loess jumps "
		      "(default span/10)\n"
		      "      --inner N        inner iterations (default 2, 1 "
		      "if robust)\n"
		      "      --outer N        robustness iterations (default "
		      "0, 15 if robust)\n"
		      "      --robust         robust fitting; adds \"weight\"\n"
		      "      --window D       trailing-window mean/var/cov "
		      "features\n"
		      "      --id F           key field (default id)\n"
		      "      --time F         time field (default ts)\n"
		      "      --field F        value field, repeatable (default "
		      "value)\n"
		      "      --max-keys N     window state for at most N keys "
		      "(LRU)\n"
		      "      --reject FILE    append bad records to FILE\n"
		      "      --strict         stop at the first bad record\n",
		    fp);
	exit(status);
}

static long
opt_long(const char *name, const char *arg, long min, long max)
{
	struct ad_err e;
	long v;

	if (num_parse_long(name, arg, min, max, &v, &e) < 0) {
		warnx("%s", e.msg);
		usage(stderr, EX_USAGE);
	}
	return v;
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	    CLI_LONGOPTS,
	    {"period", required_argument, NULL, OPT_PERIOD},
	    {"s-window", required_argument, NULL, OPT_S_WINDOW},
	    {"s-degree", required_argument, NULL, OPT_S_DEGREE},
	    {"t-window", required_argument, NULL, OPT_T_WINDOW},
	    {"t-degree", required_argument, NULL, OPT_T_DEGREE},
	    {"l-window", required_argument, NULL, OPT_L_WINDOW},
	    {"l-degree", required_argument, NULL, OPT_L_DEGREE},
	    {"s-jump", required_argument, NULL, OPT_S_JUMP},
	    {"t-jump", required_argument, NULL, OPT_T_JUMP},
	    {"l-jump", required_argument, NULL, OPT_L_JUMP},
	    {"inner", required_argument, NULL, OPT_INNER},
	    {"outer", required_argument, NULL, OPT_OUTER},
	    {"robust", no_argument, NULL, OPT_ROBUST},
	    {"id", required_argument, NULL, OPT_ID},
	    {"time", required_argument, NULL, OPT_TIME},
	    {"field", required_argument, NULL, OPT_FIELD},
	    {"window", required_argument, NULL, OPT_WINDOW},
	    {"max-keys", required_argument, NULL, OPT_MAX_KEYS},
	    {NULL, 0, NULL, 0},
	};
	const long big = 1L << 40;
	struct stl_params *p = &o->stl;
	struct ad_err e;
	int c;

	ad_err_clear(&e);
	cli_init(&o->cli, "ad-stl");
	stl_params_init(p);
	p->periodic = true;
	o->pc.id_field = "id";
	o->pc.time_field = "ts";
	o->max_keys = 100000;
	while ((c = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) !=
	       -1) {
		int rc = cli_option(&o->cli, c, optarg, &e);

		if (rc < 0) {
			warnx("%s", e.msg);
			usage(
			    stderr, e.status == EX_USAGE ? EX_USAGE : e.status);
		}
		if (rc > 0)
			continue;
		switch (c) {
		case 'h':
			usage(stdout, EX_OK);
			break;
		case 'V':
			printf("ad-stl %s\n", AD_VERSION);
			exit(EX_OK);
		case OPT_PERIOD:
			o->decompose = true;
			o->auto_period = strcmp(optarg, "auto") == 0;
			if (!o->auto_period)
				p->period =
				    opt_long("--period", optarg, 2, big);
			break;
		case OPT_S_WINDOW:
			p->periodic = strcmp(optarg, "periodic") == 0;
			if (!p->periodic)
				p->s_window =
				    opt_long("--s-window", optarg, 1, big);
			break;
		case OPT_S_DEGREE:
			p->s_degree = opt_long("--s-degree", optarg, 0, 1);
			break;
		case OPT_T_WINDOW:
			p->t_window = opt_long("--t-window", optarg, 1, big);
			break;
		case OPT_T_DEGREE:
			p->t_degree = opt_long("--t-degree", optarg, 0, 1);
			break;
		case OPT_L_WINDOW:
			p->l_window = opt_long("--l-window", optarg, 1, big);
			break;
		case OPT_L_DEGREE:
			p->l_degree = opt_long("--l-degree", optarg, 0, 1);
			break;
		case OPT_S_JUMP:
			p->s_jump = opt_long("--s-jump", optarg, 1, big);
			break;
		case OPT_T_JUMP:
			p->t_jump = opt_long("--t-jump", optarg, 1, big);
			break;
		case OPT_L_JUMP:
			p->l_jump = opt_long("--l-jump", optarg, 1, big);
			break;
		case OPT_INNER:
			p->inner = opt_long("--inner", optarg, 1, 1000);
			break;
		case OPT_OUTER:
			p->outer = opt_long("--outer", optarg, 0, 1000);
			break;
		case OPT_ROBUST:
			p->robust = true;
			break;
		case OPT_ID:
			o->pc.id_field = optarg;
			break;
		case OPT_TIME:
			o->pc.time_field = optarg;
			break;
		case OPT_FIELD:
			if (o->pc.nfields == POINT_MAX_FIELDS) {
				warnx("at most %d --field options",
				    POINT_MAX_FIELDS);
				usage(stderr, EX_USAGE);
			}
			o->pc.fields[o->pc.nfields++] = optarg;
			break;
		case OPT_WINDOW:
			if (num_parse_duration_ms(
				"--window", optarg, &o->window_ms, &e) < 0 ||
			    o->window_ms <= 0) {
				warnx("--window: expected a positive duration, "
				      "not '%s'",
				    optarg);
				usage(stderr, EX_USAGE);
			}
			break;
		case OPT_MAX_KEYS:
			o->max_keys =
			    (size_t)opt_long("--max-keys", optarg, 1, big);
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	if (!o->decompose && o->window_ms == 0) {
		warnx("give --period (decomposition) or --window (features)");
		usage(stderr, EX_USAGE);
	}
	if (o->pc.nfields == 0)
		o->pc.fields[o->pc.nfields++] = "value";
	o->pc.need_time = o->window_ms > 0;
	o->files = argv + optind;
	o->nfiles = (size_t)(argc - optind);
}

static int
run(const struct opts *o, struct recin *in, struct sink *out, int *status,
    struct ad_err *e)
{
	struct stlrun_conf c = {&o->pc, o->stl, o->decompose, o->auto_period,
	    o->window_ms, o->max_keys};
	struct stlrun *r = stlrun_new(&c, out);
	struct point_parser pp;
	struct point p;
	struct line line;
	char why[1200];
	int rc;

	point_parser_init(&pp, &o->pc);
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
	stlrun_free(r);
	point_parser_release(&pp);
	return rc < 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct recin *in = NULL;
	struct sink *out = NULL;
	struct ad_err e;
	int status = EX_OK, st = EX_OK;

	memset(&o, 0, sizeof(o));
	ad_err_clear(&e);
	parse_opts(argc, argv, &o);
	ad_signals_init();
	in = recin_new(
	    o.files, o.nfiles, &o.cli.io, o.cli.reject, o.cli.strict, &e);
	if (in == NULL) {
		status = ad_err_report(&e);
		goto out;
	}
	if ((out = sink_open(o.cli.output, &o.cli.io, &e)) == NULL) {
		status = ad_err_report(&e);
		goto out;
	}
	if (run(&o, in, out, &st, &e) < 0)
		status = ad_err_report(&e);
	if (sink_close(out, &e) < 0 && status == EX_OK)
		status = ad_err_report(&e);
	if (status == EX_OK && recin_commit(in, &e) < 0)
		status = ad_err_report(&e);
	if (status == EX_OK && recin_status(in) != EX_OK)
		status = recin_status(in);
	if (status == EX_OK)
		status = st;
out:
	recin_free(in);
	cli_release(&o.cli);
	return finish(status);
}
