/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * kdd-gen: replay a KDD Cup 1999 CSV (or synthetic KDD-shaped traffic) as
 * NDJSON records, at random or in order, optionally rate limited.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "cli/cli.h"
#include "io/csvin.h"
#include "record/kdd.h"
#include "record/kddrows.h"
#include "record/kddsynth.h"
#include "base/num.h"
#include "base/prng.h"
#include "io/reject.h"
#include "io/sink.h"
#include "io/source.h"
#include "base/timefmt.h"
#include "base/tokenbucket.h"

enum {
	OPT_IN_ORDER = CLI_PROGRAM_OPTIONS,
	OPT_START,
	OPT_INTERVAL,
};

struct opts {
	struct cli cli;
	bool in_order;
	long long count; /* -1: forever */
	double rate, burst;
	uint64_t seed;
	bool sim_clock;
	int64_t start_ms, interval_ms;
	const char *file;
};

/* What the emitter needs besides the row: clock, ids, output. */
struct gen {
	struct opts *o;
	struct sink *out;
	struct prng rng;
	struct tokenbucket tb;
	struct buf line;
	long long seq;
	int64_t flushed_ns; /* last flush while throttled */
};

static const char synopsis[] =
    "usage: kdd-gen [-ehqVv] [-b burst] [-n count] [-o dest] [-r rate] "
    "[-s seed]\n"
    "               [--in-order] [--start time] [--interval duration]\n"
    "               [--reject file] [--strict] [-X prop=val] [file]\n";

static void
usage(FILE *fp, int status)
{
	fputs(synopsis, fp);
	if (fp == stdout)
		fputs(
		    "\n"
		    "  -b, --burst N        token bucket size (default max(1, "
		    "rate/2))\n"
		    "  -e, --exit-at-end    (Kafka sources) stop at the end of "
		    "input\n"
		    "  -h, --help           show this help and exit\n"
		    "  -n, --count N        stop after N records\n"
		    "  -o, --output DEST    write to DEST: path, -, kafka://, "
		    "file:\n"
		    "  -q, --quiet          no warnings about bad rows\n"
		    "  -r, --rate R         at most R records per second\n"
		    "  -s, --seed S         seed for row draws, uuids and "
		    "synthetic traffic\n"
		    "  -V, --version        print the version and exit\n"
		    "  -v, --verbose        print a summary on stderr at the "
		    "end\n"
		    "  -X name=value        librdkafka property (repeatable); "
		    "-F file of them\n"
		    "      --in-order       every row once, in file order, "
		    "then exit\n"
		    "      --start TIME     simulated clock: first utc (ISO "
		    "8601 or epoch)\n"
		    "      --interval D     simulated clock step (default "
		    "10ms)\n"
		    "      --reject FILE    append bad CSV rows to FILE\n"
		    "      --strict         stop at the first bad row\n"
		    "      --max-line SIZE  longest input line (default 16M)\n"
		    "\nWith no file, synthetic KDD-shaped traffic is "
		    "generated.\n",
		    fp);
	exit(status);
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	    CLI_LONGOPTS,
	    {"burst", required_argument, NULL, 'b'},
	    {"count", required_argument, NULL, 'n'},
	    {"rate", required_argument, NULL, 'r'},
	    {"seed", required_argument, NULL, 's'},
	    {"in-order", no_argument, NULL, OPT_IN_ORDER},
	    {"start", required_argument, NULL, OPT_START},
	    {"interval", required_argument, NULL, OPT_INTERVAL},
	    {NULL, 0, NULL, 0},
	};
	struct ad_err e;
	struct time_form form;
	long v;
	int c;

	ad_err_clear(&e);
	cli_init(&o->cli, "kdd-gen");
	o->count = -1;
	o->seed = prng_random_seed();
	o->interval_ms = 10;
	while ((c = getopt_long(argc, argv, CLI_SHORTOPTS "b:n:r:s:", longopts,
		    NULL)) != -1) {
		int rc = cli_option(&o->cli, c, optarg, &e);

		if (rc < 0)
			goto bad;
		if (rc > 0)
			continue;
		switch (c) {
		case 'b':
			if (num_parse_double(
				"--burst", optarg, 1, 1e9, &o->burst, &e) < 0)
				goto bad;
			break;
		case 'h':
			usage(stdout, EX_OK);
			break;
		case 'n':
			if (num_parse_long(
				"--count", optarg, 0, LONG_MAX, &v, &e) < 0)
				goto bad;
			o->count = v;
			break;
		case 'r':
			if (num_parse_double(
				"--rate", optarg, 1e-3, 1e9, &o->rate, &e) < 0)
				goto bad;
			break;
		case 's':
			if (num_parse_long(
				"--seed", optarg, 0, LONG_MAX, &v, &e) < 0)
				goto bad;
			o->seed = (uint64_t)v;
			break;
		case 'V':
			printf("kdd-gen %s\n", AD_VERSION);
			exit(EX_OK);
		case OPT_IN_ORDER:
			o->in_order = true;
			break;
		case OPT_START:
			if (time_parse_text(optarg, &o->start_ms, &form) < 0 &&
			    num_parse_long(
				"--start", optarg, 0, LONG_MAX, &v, &e) < 0)
				goto bad;
			if (time_parse_text(optarg, &o->start_ms, &form) < 0)
				o->start_ms = v < 100000000000L ? v * 1000 : v;
			o->sim_clock = true;
			break;
		case OPT_INTERVAL:
			if (num_parse_duration_ms(
				"--interval", optarg, &o->interval_ms, &e) < 0)
				goto bad;
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	if (argc - optind > 1) {
		warnx("too many files: give at most one");
		usage(stderr, EX_USAGE);
	}
	o->file = optind < argc ? argv[optind] : NULL;
	if (o->in_order && o->file == NULL) {
		warnx("--in-order needs a file");
		usage(stderr, EX_USAGE);
	}
	if (o->burst == 0)
		o->burst = o->rate / 2 > 1 ? o->rate / 2 : 1;
	return;
bad:
	if (e.status == EX_USAGE) {
		warnx("%s", e.msg);
		usage(stderr, EX_USAGE);
	}
	exit(ad_err_report(&e));
}

static const char *
key_for(char *const *field, const size_t *len, const char *uuid,
    const char *name, size_t *keylen)
{
	int col = kdd_column_index(name);

	if (col >= 0) {
		*keylen = len[col];
		return field[col];
	}
	*keylen = strlen(uuid);
	return uuid;
}

/*
 * Write one record: g->line holds "{" and the row's 42 members (from
 * kdd_row_to_json()); the bookkeeping fields are added here.  Returns 0 or
 * -1 with err set.
 */
static int
emit(struct gen *g, char *const *field, const size_t *len, size_t index,
    struct ad_err *err)
{
	char uuid[37];
	const char *key = NULL;
	size_t keylen = 0;
	int64_t us;

	if (g->o->rate > 0) {
		int64_t deadline = tokenbucket_take(&g->tb, clock_now_ns());

		/*
		 * Whoever reads a throttled stream sees records on time: flush
		 * before a long nap, or when the last flush is 5 ms old.
		 */
		if (deadline > 0) {
			int64_t now = clock_now_ns();

			if (deadline - now >= 1000000 ||
			    now - g->flushed_ns >= 5000000) {
				if (sink_flush(g->out, err) < 0)
					return -1;
				g->flushed_ns = now;
			}
			clock_sleep_until_ns(deadline);
			if (ad_stop)
				return 0;
		}
	}
	if (g->o->sim_clock) {
		us = (g->o->start_ms + g->seq * g->o->interval_ms) * 1000;
	} else {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	}
	prng_uuid4(&g->rng, uuid);
	buf_add(&g->line, ",\"utc\":", 7);
	time_format_iso_us(&g->line, us);
	buf_add(&g->line, ",\"uuid\":\"", 9);
	buf_add(&g->line, uuid, 36);
	buf_add(&g->line, "\",\"sequence_id\":", 16);
	buf_add_long(&g->line, g->seq);
	buf_add(&g->line, ",\"index\":", 9);
	buf_add_long(&g->line, (long long)index);
	buf_addc(&g->line, '}');
	if (sink_key_field(g->out) != NULL)
		key =
		    key_for(field, len, uuid, sink_key_field(g->out), &keylen);
	g->seq++;
	return sink_write(g->out, g->line.data, g->line.len, key, keylen, err);
}

/* Start g->line with "{" and the members of row; -1 with why if it is bad. */
static int
encode(struct gen *g, char *const *field, const size_t *len, size_t n,
    char *why, size_t whylen)
{
	buf_reset(&g->line);
	buf_addc(&g->line, '{');
	return kdd_row_to_json(&g->line, field, len, n, why, whylen);
}

/* Encode a row known to be good (synthetic, or checked when loaded). */
static int
encode_emit(struct gen *g, char *const *field, const size_t *len, size_t index,
    struct ad_err *err)
{
	char why[200];

	if (encode(g, field, len, KDD_NCOLUMNS, why, sizeof(why)) < 0) {
		ad_err_set(err, EX_SOFTWARE, "checked row failed: %s", why);
		return -1;
	}
	return emit(g, field, len, index, err);
}

static bool
more(const struct gen *g)
{
	return !ad_stop && (g->o->count < 0 || g->seq < g->o->count);
}

/* Read CSV rows: emit them in order, or keep them in rows. */
static int
read_rows(struct gen *g, struct source *src, struct reject *rj,
    struct kddrows *rows, struct ad_err *err)
{
	struct csvin *csv = csvin_new(src);
	struct csv_row row;
	char why[sizeof(err->msg)];
	size_t index = 0;
	int rc = 0;

	while ((!rows ? more(g) : !ad_stop) &&
	       (rc = csvin_next(csv, &row, err)) != 0) {
		if (rc == -2)
			break;
		if (rc < 0)
			snprintf(why, sizeof(why), "%s", err->msg);
		if (rc < 0 || encode(g, row.field, row.len, row.nfields, why,
				  sizeof(why)) < 0) {
			index++;
			rc = 0;
			if (reject_line(rj, source_name(src), row.lineno,
				row.raw, row.rawlen, "%s", why) < 0)
				break;
			continue;
		}
		if (rows != NULL)
			kddrows_add(rows, row.field, row.len, index);
		else if ((rc = emit(g, row.field, row.len, index, err)) < 0)
			break;
		index++;
		rc = 0;
	}
	csvin_free(csv);
	return rc < 0 ? -1 : 0;
}

static int
run(struct gen *g, struct reject *rj, struct ad_err *err)
{
	struct kddrows rows;
	struct kddsynth *synth;
	struct source *src;
	char *field[KDD_NCOLUMNS];
	size_t len[KDD_NCOLUMNS];
	int rc = 0;

	if (g->o->file == NULL) {
		synth = xmalloc(sizeof(*synth));
		kddsynth_init(synth, g->o->seed);
		while (rc == 0 && more(g)) {
			kddsynth_next(synth);
			rc = encode_emit(
			    g, synth->field, synth->len, (size_t)g->seq, err);
		}
		free(synth);
		return rc;
	}
	if ((src = source_open(g->o->file, &g->o->cli.io, err)) == NULL)
		return -1;
	if (g->o->in_order) {
		rc = read_rows(g, src, rj, NULL, err);
		source_free(src);
		return rc;
	}
	kddrows_init(&rows);
	rc = read_rows(g, src, rj, &rows, err);
	source_free(src);
	if (rc == 0 && rows.n == 0 && !ad_stop) {
		ad_err_set(err, EX_DATAERR, "'%s': no usable rows", g->o->file);
		rc = -1;
	}
	while (rc == 0 && more(g)) {
		size_t i = (size_t)prng_below(&g->rng, rows.n);

		kddrows_get(&rows, i, field, len);
		rc = encode_emit(g, field, len, rows.index[i], err);
	}
	kddrows_release(&rows);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct gen g;
	struct reject rj;
	struct ad_err e;
	int status = EX_OK;

	memset(&o, 0, sizeof(o));
	memset(&g, 0, sizeof(g));
	ad_err_clear(&e);
	parse_opts(argc, argv, &o);
	ad_signals_init();
	g.o = &o;
	prng_init(&g.rng, o.seed);
	tokenbucket_init(&g.tb, o.rate, o.burst, clock_now_ns());
	buf_init(&g.line);
	if (reject_init(&rj, o.cli.reject, o.cli.strict, &e) < 0) {
		status = ad_err_report(&e);
		goto out;
	}
	if ((g.out = sink_open(o.cli.output, &o.cli.io, &e)) == NULL) {
		status = ad_err_report(&e);
		goto out_reject;
	}
	if (run(&g, &rj, &e) < 0)
		status = ad_err_report(&e);
	if (sink_close(g.out, &e) < 0 && status == EX_OK)
		status = ad_err_report(&e);
	if (status == EX_OK && reject_flush(&rj, &e) < 0)
		status = ad_err_report(&e);
	if (status == EX_OK && rj.count > 0)
		status = EX_DATAERR;
	if (o.cli.verbose)
		fprintf(stderr,
		    "kdd-gen: wrote %lld records, rejected %zu rows\n", g.seq,
		    rj.count);
out_reject:
	reject_release(&rj);
out:
	buf_release(&g.line);
	cli_release(&o.cli);
	return finish(status);
}
