/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-stl: per-key STL decomposition (R's stl()) of metric points, and
 * trailing-window mean, variance and covariance features.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acf.h"
#include "cli.h"
#include "dtoa.h"
#include "keymap.h"
#include "ndjson.h"
#include "num.h"
#include "point.h"
#include "recin.h"
#include "series.h"
#include "sink.h"
#include "stl.h"
#include "window.h"

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

/* Append ,"name":v (or name:v when first) to b. */
static void
add_num(
    struct buf *b, bool *first, const char *prefix, const char *name, double v)
{
	if (!*first)
		buf_addc(b, ',');
	*first = false;
	buf_addc(b, '"');
	if (prefix != NULL) {
		buf_adds(b, prefix);
		buf_addc(b, '_');
	}
	buf_adds(b, name);
	buf_add(b, "\":", 2);
	buf_grow(b, DTOA_BUFSIZE);
	b->len += dtoa_json(v, b->data + b->len);
}

/* Window features of w (after the point was pushed) appended to b. */
static void
add_window(struct buf *b, bool *first, const struct window *w,
    const struct point_conf *pc)
{
	char name[300];

	for (size_t i = 0; i < pc->nfields; i++) {
		add_num(b, first, pc->fields[i], "mean", window_mean(w, i));
		add_num(b, first, pc->fields[i], "var", window_var(w, i));
	}
	for (size_t i = 0; i < pc->nfields; i++)
		for (size_t j = i + 1; j < pc->nfields; j++) {
			snprintf(name, sizeof(name), "cov_%s_%s", pc->fields[i],
			    pc->fields[j]);
			add_num(b, first, NULL, name, window_cov(w, i, j));
		}
	if (!*first)
		buf_addc(b, ',');
	*first = false;
	buf_adds(b, "\"window_n\":");
	buf_add_long(b, (long long)window_count(w));
}

static void
release_window(const char *key, void *value, void *arg)
{
	(void)key;
	(void)arg;
	window_free(value);
}

struct run {
	struct opts *o;
	struct sink *out;
	struct buf line;
	struct keymap *windows;
	struct series_set *set;
	int status;
};

/* Decompose one series and write its points.  Returns -1 on a write error. */
static int
emit_series(struct run *r, struct series *se, struct ad_err *e)
{
	const struct point_conf *pc = &r->o->pc;
	struct stl_params p = r->o->stl;
	size_t n = se->n, k = pc->nfields;
	double *comp = NULL;
	int rc = 0;

	if (se->nbad > 0) {
		warnx("'%s': not decomposed: %zu point%s refused, the first "
		      "at %s:%zu (%s)",
		    se->key, se->nbad, se->nbad == 1 ? "" : "s", se->bad_src,
		    se->bad_line, se->bad_why);
		goto bad;
	}
	if (r->o->auto_period) {
		struct acf_period ap;
		double *x = series_column(se, 0);
		size_t pref[16],
		    np = se->has_time ? acf_natural_periods(se->t, n, pref, 16)
				      : 0;

		acf_find_period(x, n, 2, 0, pref, np, &ap);
		free(x);
		if (ap.period == 0) {
			if (ap.best_lag > 0)
				warnx("'%s': no significant seasonal period "
				      "(best autocorrelation %.3g at lag %zu, "
				      "needed %.3g); give --period",
				    se->key, ap.acf, ap.best_lag, ap.threshold);
			else
				warnx("'%s': no seasonal period in %zu "
				      "points; give --period",
				    se->key, n);
			goto bad;
		}
		p.period = (long)ap.period;
	}
	if (stl_params_resolve(&p, n, e) < 0) {
		warnx("'%s': %s", se->key, e->msg);
		goto bad;
	}
	comp = xcalloc(n * 4 * k, sizeof(double));
	for (size_t j = 0; j < k; j++) {
		double *x = series_column(se, j), *c = comp + j * 4 * n;

		rc = stl_decompose(x, n, &p, c, c + n, c + 2 * n, c + 3 * n, e);
		free(x);
		if (rc < 0) {
			warnx("'%s': %s", se->key, e->msg);
			free(comp);
			goto bad;
		}
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *text = se->text.data + se->off[i];
		size_t end = i + 1 < n ? se->off[i + 1] : se->text.len;
		bool first = text[end - se->off[i] - 1] == '\0';

		buf_reset(&r->line);
		buf_add(&r->line, text, end - se->off[i] - 1);
		for (size_t j = 0; j < k; j++) {
			const double *c = comp + j * 4 * n;
			const char *pre = k > 1 ? pc->fields[j] : NULL;

			add_num(&r->line, &first, pre, "seasonal", c[i]);
			add_num(&r->line, &first, pre, "trend", c[n + i]);
			add_num(
			    &r->line, &first, pre, "remainder", c[2 * n + i]);
			if (p.robust)
				add_num(&r->line, &first, pre, "weight",
				    c[3 * n + i]);
		}
		buf_addc(&r->line, '}');
		rc = ndjson_write_text(r->out, r->line.data, r->line.len, e);
	}
	free(comp);
	series_drop_points(se);
	return rc;
bad:
	r->status = EX_DATAERR;
	series_drop_points(se);
	return 0;
}

/* Handle one good point: window features, then store or write it. */
static int
take_point(struct run *r, struct recin *in, struct point *p, struct buf *tmp,
    struct ad_err *e)
{
	char why[400];
	struct series *se = NULL;

	if (r->windows != NULL) {
		struct window *w = keymap_get(r->windows, p->key);
		bool first = p->empty;

		if (w != NULL && p->t_ms <= window_last_time(w)) {
			recin_reject(in, "time %s the previous point's of '%s'",
			    p->t_ms == window_last_time(w) ? "repeats"
							   : "is before",
			    p->key);
			return 0;
		}
		if (w == NULL) {
			w = window_new(r->o->pc.nfields, r->o->window_ms);
			keymap_put(r->windows, p->key, w);
		}
		window_push(w, p->t_ms, p->v);
		buf_reset(tmp);
		buf_add(tmp, p->text, p->textlen);
		add_window(tmp, &first, w, &r->o->pc);
		p->text = tmp->data;
		p->textlen = tmp->len;
		p->empty = false;
		if (r->set == NULL) {
			buf_addc(tmp, '}');
			return ndjson_write_text(
			    r->out, tmp->data, tmp->len, e);
		}
	}
	se = series_get(r->set, p->key, p->has_id);
	/* A point out of order is skipped; the rest stays in order. */
	if (series_add(se, p, true, why, sizeof(why)) < 0)
		recin_reject(in, "%s", why);
	return 0;
}

static int
run(struct run *r, struct recin *in, struct ad_err *e)
{
	struct point_parser pp;
	struct point p;
	struct line line;
	struct buf tmp;
	char why[400];
	int rc;

	point_parser_init(&pp, &r->o->pc);
	buf_init(&tmp);
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
			if (k == 0 && r->set != NULL && point_is_gap(&p))
				series_mark_bad(
				    series_get(r->set, p.key, p.has_id),
				    recin_source_name(in), line.lineno, why);
			continue;
		}
		if ((rc = take_point(r, in, &p, &tmp, e)) < 0)
			break;
	}
	for (size_t i = 0;
	     rc == 0 && r->set != NULL && i < series_count(r->set); i++)
		rc = emit_series(r, series_at(r->set, i), e);
	buf_release(&tmp);
	point_parser_release(&pp);
	return rc < 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct run r;
	struct recin *in = NULL;
	struct ad_err e;
	int status = EX_OK, st;

	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	ad_err_clear(&e);
	parse_opts(argc, argv, &o);
	ad_signals_init();
	r.o = &o;
	buf_init(&r.line);
	if (o.window_ms > 0)
		r.windows = keymap_new(o.max_keys, release_window, NULL);
	if (o.decompose)
		r.set = series_set_new(o.pc.nfields, true);
	in = recin_new(
	    o.files, o.nfiles, &o.cli.io, o.cli.reject, o.cli.strict, &e);
	if (in == NULL) {
		status = ad_err_report(&e);
		goto out;
	}
	if ((r.out = sink_open(o.cli.output, &o.cli.io, &e)) == NULL) {
		status = ad_err_report(&e);
		goto out;
	}
	if (run(&r, in, &e) < 0)
		status = ad_err_report(&e);
	if (sink_close(r.out, &e) < 0 && status == EX_OK)
		status = ad_err_report(&e);
	if (status == EX_OK && recin_commit(in, &e) < 0)
		status = ad_err_report(&e);
	st = recin_status(in);
	if (status == EX_OK && st != EX_OK)
		status = st;
	if (status == EX_OK && r.status != EX_OK)
		status = r.status;
	if (o.cli.verbose)
		fprintf(stderr, "ad-stl: read %zu, rejected %zu, keys %zu%s\n",
		    recin_read_count(in), recin_reject_count(in),
		    r.set ? series_count(r.set) : keymap_count(r.windows),
		    r.windows && keymap_evicted(r.windows) ? " (some evicted)"
							   : "");
out:
	recin_free(in);
	series_set_free(r.set);
	keymap_free(r.windows);
	buf_release(&r.line);
	cli_release(&o.cli);
	return finish(status);
}
