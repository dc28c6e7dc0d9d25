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

#include "acf.h"
#include "cli.h"
#include "dtoa.h"
#include "ndjson.h"
#include "num.h"
#include "point.h"
#include "recin.h"
#include "series.h"
#include "sink.h"
#include "stl.h"

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
	long period;   /* 0: auto */
	long s_window; /* 0: periodic */
	double min_strength, stable_var;
	bool norm_remainder, tag;
	struct point_conf pc;
	char **files;
	size_t nfiles;
};

/* The verdict on one series. */
struct verdict {
	const char *cls;
	long period; /* 0: none */
	double acf;  /* NaN: none */
	double strength, share, norm_var;
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
	o->min_strength = 0.6;
	o->stable_var = 0.2;
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
			o->period = 0;
			if (strcmp(optarg, "auto") != 0 &&
			    num_parse_long("--period", optarg, 2, 1L << 40,
				&o->period, &e) < 0)
				bad_usage(&e);
			break;
		case OPT_SEASONAL_STRENGTH:
			if (num_parse_double("--seasonal-strength", optarg, 0,
				1, &o->min_strength, &e) < 0)
				bad_usage(&e);
			break;
		case OPT_STABLE_VAR:
			if (num_parse_double("--stable-var", optarg, 0, 1,
				&o->stable_var, &e) < 0)
				bad_usage(&e);
			break;
		case OPT_NORMALIZE:
			if (strcmp(optarg, "remainder") == 0) {
				o->norm_remainder = true;
			} else if (strcmp(optarg, "variance") == 0) {
				o->norm_remainder = false;
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
			o->s_window = 0;
			if (strcmp(optarg, "periodic") != 0 &&
			    num_parse_long("--s-window", optarg, 1, 1L << 40,
				&o->s_window, &e) < 0)
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

static double
variance(const double *x, size_t n)
{
	double m = 0, s = 0;

	for (size_t i = 0; i < n; i++)
		m += x[i];
	m /= (double)n;
	for (size_t i = 0; i < n; i++)
		s += (x[i] - m) * (x[i] - m);
	return n > 1 ? s / (double)(n - 1) : 0;
}

/* Variance of r min-max normalised to [0, 1] (0 when r is constant). */
static double
normalized_variance(const double *r, size_t n)
{
	double lo = r[0], hi = r[0], *z;
	double v;

	for (size_t i = 1; i < n; i++) {
		lo = fmin(lo, r[i]);
		hi = fmax(hi, r[i]);
	}
	if (hi <= lo)
		return 0;
	z = xcalloc(n, sizeof(double));
	for (size_t i = 0; i < n; i++)
		z[i] = (r[i] - lo) / (hi - lo);
	v = variance(z, n);
	free(z);
	return v;
}

/*
 * Classify x[0..n).  Returns 0 with *v, or -1 after a message (the series
 * cannot be classified).
 */
static int
classify(const struct opts *o, const char *key, const double *x,
    const int64_t *t_ms, size_t n, struct verdict *v)
{
	double *s, *t, *r, vx, vr;
	struct ad_err e;
	bool periodic = false;

	memset(v, 0, sizeof(*v));
	v->acf = NAN;
	if (n < 3) {
		warnx(
		    "'%s': %zu point%s, too few to classify (need at least 3)",
		    key, n, n == 1 ? "" : "s");
		return -1;
	}
	if ((vx = variance(x, n)) <= 0) {
		warnx("'%s': constant series: no seasonality, nothing left "
		      "unexplained; classified nonperiodic-stable",
		    key);
		v->cls = "nonperiodic-stable";
		return 0;
	}
	if (o->period > 0) {
		if (n <= (size_t)(2 * o->period)) {
			warnx("'%s': %zu points, fewer than two periods of %ld "
			      "(need at least %ld)",
			    key, n, o->period, 2 * o->period + 1);
			return -1;
		}
		v->period = o->period;
		v->acf = acf_at(x, n, (size_t)o->period);
	} else {
		struct acf_period ap;
		size_t pref[16],
		    np = t_ms != NULL ? acf_natural_periods(t_ms, n, pref, 16)
				      : 0;

		if (acf_find_period(x, n, 2, 0, pref, np, &ap))
			v->period = (long)ap.period;
		if (ap.best_lag > 0)
			v->acf = ap.acf;
	}
	s = xcalloc(n, sizeof(double));
	t = xcalloc(n, sizeof(double));
	r = xcalloc(n, sizeof(double));
	if (v->period > 0) {
		struct stl_params p;

		stl_params_init(&p);
		p.period = v->period;
		p.periodic = o->s_window == 0;
		p.s_window = o->s_window > 0 ? o->s_window : STL_UNSET;
		if (stl_params_resolve(&p, n, &e) < 0 ||
		    stl_decompose(x, n, &p, s, t, r, NULL, &e) < 0) {
			warnx("'%s': %s", key, e.msg);
			free(s);
			free(t);
			free(r);
			return -1;
		}
		for (size_t i = 0; i < n; i++)
			s[i] += r[i];
		vr = variance(s, n);
		v->strength = vr > 0 ? fmax(0, 1 - variance(r, n) / vr) : 0;
		periodic = v->strength >= o->min_strength;
	} else {
		/* No period: a wide loess trend, the rest is remainder. */
		stl_loess(x, n, stl_nextodd(ceil((double)n / 10)), 1, 0, t);
		for (size_t i = 0; i < n; i++)
			r[i] = x[i] - t[i];
	}
	v->share = variance(r, n) / vx;
	v->norm_var = normalized_variance(r, n);
	if (o->norm_remainder ? v->norm_var <= o->stable_var
			      : v->share <= o->stable_var)
		v->cls = periodic ? "periodic-stable" : "nonperiodic-stable";
	else
		v->cls =
		    periodic ? "periodic-unstable" : "nonperiodic-unstable";
	free(s);
	free(t);
	free(r);
	return 0;
}

static void
add_real(struct buf *b, const char *name, double v)
{
	buf_addf(b, ",\"%s\":", name);
	buf_grow(b, DTOA_BUFSIZE);
	b->len += dtoa_json(v, b->data + b->len);
}

static int
emit(const struct opts *o, struct sink *out, struct series *se,
    const struct verdict *v, struct buf *b, struct ad_err *e)
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
	buf_reset(b);
	buf_adds(b, "{\"id\":");
	if (se->has_id)
		buf_add_json_string(b, se->key, strlen(se->key));
	else
		buf_adds(b, "null");
	buf_addf(b, ",\"class\":\"%s\",\"period\":", v->cls);
	if (v->period > 0)
		buf_add_long(b, v->period);
	else
		buf_adds(b, "null");
	add_real(b, "acf", v->acf);
	add_real(b, "seasonal_strength", v->strength);
	add_real(b, "remainder_share", v->share);
	if (o->norm_remainder)
		add_real(b, "remainder_norm_var", v->norm_var);
	buf_addf(b, ",\"points\":%zu}", se->n);
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
		struct verdict v;
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
		if (classify(o, se->key, x, se->has_time ? se->t : NULL, se->n,
			&v) < 0)
			*status = EX_DATAERR;
		else
			rc = emit(o, out, se, &v, &b, e);
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
