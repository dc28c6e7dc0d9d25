/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-classify: per key, decompose the series (lib/stl) and say which kind
 * of detector fits it: periodic or not (a significant seasonal period with
 * a seasonal strength of at least --seasonal-strength), stable or not (the
 * remainder's share of the variance at most --stable-var).
 */
#include <err.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/endpoint.h"
#include "series/classify.h"
#include "cli/cli.h"
#include "io/ndjson.h"
#include "base/num.h"
#include "series/point.h"
#include "io/recin.h"
#include "series/series.h"

enum {
	OPT_PERIOD = CLI_PROGRAM_OPTIONS,
	OPT_SEASONAL_STRENGTH,
	OPT_STABLE_VAR,
	OPT_NORMALIZE,
	OPT_TAG,
	OPT_S_WINDOW,
	OPT_ID,
	OPT_TIME,
	OPT_FIELD,
};

struct opts {
	struct cli cli;
	struct classify_conf cc;
	bool tag;
	struct point_conf pc;
	char **files;
	size_t nfiles;
};

static const char synopsis[] =
    "usage: ad-classify [-hqVv] [-o dest] [--period n|auto] "
    "[--seasonal-strength s]\n"
    "                   [--stable-var v] [--normalize variance|remainder] "
    "[--tag]\n"
    "                   [--s-window w|periodic] [--id field] "
    "[--time field]\n"
    "                   [--field field] [--reject file] [--strict] "
    "[file ...]\n";

static void
usage(FILE *fp, int status)
{
	fputs(synopsis, fp);
	if (fp == stdout)
		fputs(
		    "\n"
		    "  -h, --help              show this help and exit\n"
		    "  -o, --output DEST       write to DEST: path, -, "
		    "kafka://, file:\n"
		    "  -q, --quiet             no warnings about bad records\n"
		    "  -V, --version           print the version and exit\n"
		    "  -v, --verbose           print a summary on stderr at "
		    "the end\n"
		    "      --period N|auto     seasonal period, or detect it "
		    "(default)\n"
		    "      --seasonal-strength S  periodic when at least S "
		    "(default 0.6)\n"
		    "      --stable-var V      stable when the remainder share "
		    "is at most V\n"
		    "                          (default 0.2)\n"
		    "      --normalize variance|remainder  stability rule "
		    "(default variance)\n"
		    "      --tag               write the points with \"class\" "
		    "added\n"
		    "      --s-window W        STL seasonal span or periodic "
		    "(default)\n"
		    "      --id F              key field (default id)\n"
		    "      --time F            time field (default ts)\n"
		    "      --field F           value field (default value)\n"
		    "      --reject FILE       append bad records to FILE\n"
		    "      --strict            stop at the first bad record\n",
		    fp);
	exit(status);
}

static void
bad_usage(const struct ad_err *e)
{
	warnx("%s", e->msg);
	usage(stderr, EX_USAGE);
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	    CLI_LONGOPTS,
	    {"period", required_argument, NULL, OPT_PERIOD},
	    {"seasonal-strength", required_argument, NULL,
		OPT_SEASONAL_STRENGTH},
	    {"stable-var", required_argument, NULL, OPT_STABLE_VAR},
	    {"normalize", required_argument, NULL, OPT_NORMALIZE},
	    {"tag", no_argument, NULL, OPT_TAG},
	    {"s-window", required_argument, NULL, OPT_S_WINDOW},
	    {"id", required_argument, NULL, OPT_ID},
	    {"time", required_argument, NULL, OPT_TIME},
	    {"field", required_argument, NULL, OPT_FIELD},
	    {NULL, 0, NULL, 0},
	};
	struct ad_err e;
	int c;

	ad_err_clear(&e);
	cli_init(&o->cli, "ad-classify");
	classify_conf_init(&o->cc);
	o->pc.id_field = "id";
	o->pc.time_field = "ts";
	o->pc.fields[0] = "value";
	o->pc.nfields = 1;
	while ((c = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) !=
	       -1) {
		int rc = cli_option(&o->cli, c, optarg, &e);

		if (rc < 0)
			bad_usage(&e);
		if (rc > 0)
			continue;
		switch (c) {
		case 'h':
			usage(stdout, EX_OK);
			break;
		case 'V':
			printf("ad-classify %s\n", AD_VERSION);
			exit(EX_OK);
		case OPT_PERIOD:
			o->cc.period = 0;
			if (strcmp(optarg, "auto") != 0 &&
			    num_parse_long("--period", optarg, 2, 1L << 40,
				&o->cc.period, &e) < 0)
				bad_usage(&e);
			break;
		case OPT_SEASONAL_STRENGTH:
			if (num_parse_double("--seasonal-strength", optarg, 0,
				1, &o->cc.min_strength, &e) < 0)
				bad_usage(&e);
			break;
		case OPT_STABLE_VAR:
			if (num_parse_double("--stable-var", optarg, 0, 1,
				&o->cc.stable_var, &e) < 0)
				bad_usage(&e);
			break;
		case OPT_NORMALIZE:
			if (strcmp(optarg, "remainder") == 0) {
				o->cc.norm_remainder = true;
			} else if (strcmp(optarg, "variance") == 0) {
				o->cc.norm_remainder = false;
			} else {
				warnx("--normalize: expected variance or "
				      "remainder, not '%s'",
				    optarg);
				usage(stderr, EX_USAGE);
			}
			break;
		case OPT_TAG:
			o->tag = true;
			break;
		case OPT_S_WINDOW:
			o->cc.s_window = 0;
			if (strcmp(optarg, "periodic") != 0 &&
			    num_parse_long("--s-window", optarg, 1, 1L << 40,
				&o->cc.s_window, &e) < 0)
				bad_usage(&e);
			break;
		case OPT_ID:
			o->pc.id_field = optarg;
			break;
		case OPT_TIME:
			o->pc.time_field = optarg;
			break;
		case OPT_FIELD:
			o->pc.fields[0] = optarg;
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	o->files = argv + optind;
	o->nfiles = (size_t)(argc - optind);
}

static int
emit(const struct opts *o, struct sink *out, struct series *se,
    const struct classify_verdict *v, struct buf *b, struct ad_err *e)
{
	if (o->tag) {
		for (size_t i = 0; i < se->n; i++) {
			const char *text = se->text.data + se->off[i];
			size_t end =
			    i + 1 < se->n ? se->off[i + 1] : se->text.len;
			size_t len = end - se->off[i] - 1;

			buf_reset(b);
			buf_add(b, text, len);
			buf_adds(b, text[len] == '\0' ? "\"class\":\""
						      : ",\"class\":\"");
			buf_adds(b, v->cls);
			buf_adds(b, "\"}");
			if (ndjson_write_text(out, b->data, b->len, e) < 0)
				return -1;
		}
		return 0;
	}
	classify_summary(
	    b, se->key, se->has_id, v, o->cc.norm_remainder, se->n);
	return ndjson_write_text(out, b->data, b->len, e);
}

static int
run(const struct opts *o, struct recin *in, struct sink *out, int *status,
    struct ad_err *e)
{
	struct series_set *set = series_set_new(1, o->tag);
	struct point_parser pp;
	struct point p;
	struct line line;
	struct buf b;
	char why[400];
	int rc;

	point_parser_init(&pp, &o->pc);
	buf_init(&b);
	while ((rc = recin_next_line(in, &line, e)) > 0) {
		struct series *se;
		int k =
		    point_parse(&pp, line.buf, line.len, &p, why, sizeof(why));

		if (k <= 0) {
			/* Skipped; only a gap (null) spoils the series. */
			recin_reject(in, "%s", why);
			if (k == 0 && point_is_gap(&p))
				series_mark_bad(
				    series_get(set, p.key, p.has_id),
				    recin_source_name(in), line.lineno, why);
			continue;
		}
		se = series_get(set, p.key, p.has_id);
		/* A point out of order is skipped; the rest stays in order. */
		if (series_add(se, &p, o->tag, why, sizeof(why)) < 0)
			recin_reject(in, "%s", why);
	}
	for (size_t i = 0; rc == 0 && i < series_count(set); i++) {
		struct series *se = series_at(set, i);
		struct classify_verdict v;
		struct ad_err ce;
		double *x;

		if (se->nbad > 0) {
			warnx("'%s': not classified: %zu point%s refused, the "
			      "first at %s:%zu (%s)",
			    se->key, se->nbad, se->nbad == 1 ? "" : "s",
			    se->bad_src, se->bad_line, se->bad_why);
			*status = EX_DATAERR;
			continue;
		}
		x = series_column(se, 0);
		ad_err_clear(&ce);
		if (classify_series(&o->cc, x, se->has_time ? se->t : NULL,
			se->n, &v, &ce) < 0) {
			warnx("'%s': %s", se->key, ce.msg);
			*status = EX_DATAERR;
		} else {
			if (v.note != NULL)
				warnx("'%s': %s", se->key, v.note);
			rc = emit(o, out, se, &v, &b, e);
		}
		free(x);
		series_drop_points(se);
	}
	buf_release(&b);
	point_parser_release(&pp);
	series_set_free(set);
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
	if (o.cli.verbose)
		fprintf(stderr, "ad-classify: read %zu, rejected %zu\n",
		    recin_read_count(in), recin_reject_count(in));
out:
	recin_free(in);
	cli_release(&o.cli);
	return finish(status);
}
