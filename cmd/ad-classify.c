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

struct opts {
	struct cli cli;
	struct classify_conf cc;
	bool tag;
	struct point_conf pc;
	char **files;
	size_t nfiles;
};

static const struct opt_word auto_period[] = {{"auto", 0}, {NULL, 0}};
static const struct opt_word periodic[] = {{"periodic", 0}, {NULL, 0}};
static const struct opt_word norm_rules[] = {
    {"variance", 0}, {"remainder", 1}, {NULL, 0}};

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	int norm = 0;
	const struct opt options[] = {
	    CLI_OPTIONS_BASE(&o->cli),
	    CLI_OPTION_OUTPUT(&o->cli),
	    OPT_LONG_OR(0, "period", &o->cc.period, "n|auto", 2, 1L << 40,
		auto_period, "seasonal period, or detect it (default)"),
	    OPT_DOUBLE(0, "seasonal-strength", &o->cc.min_strength, "s", 0, 1,
		"periodic when at least S (default 0.6)"),
	    OPT_DOUBLE(0, "stable-var", &o->cc.stable_var, "v", 0, 1,
		"stable when the remainder share is at most V (default 0.2)"),
	    OPT_CHOICE(0, "normalize", &norm, "variance|remainder", norm_rules,
		"stability rule (default variance)"),
	    OPT_FLAG(
		0, "tag", &o->tag, "write the points with \"class\" added"),
	    OPT_LONG_OR(0, "s-window", &o->cc.s_window, "w|periodic", 1,
		1L << 40, periodic, "STL seasonal span, or periodic (default)"),
	    OPT_STRING(
		0, "id", &o->pc.id_field, "field", "key field (default id)"),
	    OPT_STRING(0, "time", &o->pc.time_field, "field",
		"time field (default ts)"),
	    OPT_STRING(0, "field", &o->pc.fields[0], "field",
		"value field (default value)"),
	    CLI_OPTIONS_IO(&o->cli),
	    OPT_END,
	};
	const struct opt_prog prog = {
	    "ad-classify", NULL, "[file ...]", options};
	int first;

	cli_init(&o->cli, "ad-classify");
	classify_conf_init(&o->cc);
	o->pc.id_field = "id";
	o->pc.time_field = "ts";
	o->pc.fields[0] = "value";
	o->pc.nfields = 1;
	first = opt_parse(&prog, argc, argv);
	o->cc.norm_remainder = norm == 1;
	o->files = argv + first;
	o->nfiles = (size_t)(argc - first);
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
run(void *prog, struct recin *in, struct sink *out, int *status,
    struct ad_err *e)
{
	const struct opts *o = prog;
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
	int status;

	memset(&o, 0, sizeof(o));
	parse_opts(argc, argv, &o);
	ad_signals_init();
	/* a classification of part of the input is none: a stop ends it */
	ad_signals_fatal();
	status = cli_run(&o.cli, o.files, o.nfiles, run, &o, &in);
	if (o.cli.verbose && in != NULL)
		fprintf(stderr, "ad-classify: read %zu, rejected %zu\n",
		    recin_read_count(in), recin_reject_count(in));
	recin_free(in);
	cli_release(&o.cli);
	return finish(status);
}
