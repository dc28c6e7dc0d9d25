/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-clean: validate, de-duplicate and enrich connection records (the
 * default), or put metric time series on a regular grid, fill their gaps
 * and replace their outliers (--series).
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "num.h"
#include "recclean.h"
#include "recin.h"
#include "schema.h"
#include "sink.h"

enum {
	OPT_SCHEMA = CLI_PROGRAM_OPTIONS,
	OPT_DEDUP,
	OPT_DEDUP_WINDOW,
};

struct opts {
	struct cli cli;
	const char *schema;
	const char *dedup;
	long dedup_window;
	char **files;
	size_t nfiles;
};

static const char synopsis[] =
    "usage: ad-clean [-hqVv] [-o dest] [--schema kdd|none|file] "
    "[--dedup field]\n"
    "                [--dedup-window n] [--reject file] [--strict] "
    "[file ...]\n";

static void
usage(FILE *fp, int status)
{
	fputs(synopsis, fp);
	if (fp == stdout)
		fputs(
		    "\n"
		    "  -h, --help             show this help and exit\n"
		    "  -o, --output DEST      write to DEST: path, -, "
		    "kafka://, file:\n"
		    "  -q, --quiet            no summary\n"
		    "  -V, --version          print the version and exit\n"
		    "  -v, --verbose          print a summary on stderr at the "
		    "end\n"
		    "  -X name=value          librdkafka property "
		    "(repeatable); -F file of them\n"
		    "      --schema S         kdd (default), none, or a schema "
		    "file\n"
		    "      --dedup FIELD      drop records whose FIELD value "
		    "was seen before\n"
		    "      --dedup-window N   remember the last N distinct "
		    "values (default 1000000)\n"
		    "      --reject FILE      append rejected lines to FILE\n"
		    "      --strict           stop at the first rejected line\n"
		    "      --max-line SIZE    longest input line (default "
		    "16M)\n",
		    fp);
	exit(status);
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	    CLI_LONGOPTS,
	    {"schema", required_argument, NULL, OPT_SCHEMA},
	    {"dedup", required_argument, NULL, OPT_DEDUP},
	    {"dedup-window", required_argument, NULL, OPT_DEDUP_WINDOW},
	    {NULL, 0, NULL, 0},
	};
	struct ad_err e;
	int c;

	ad_err_clear(&e);
	cli_init(&o->cli, "ad-clean");
	o->schema = "kdd";
	o->dedup_window = 1000000;
	while ((c = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) !=
	       -1) {
		int rc = cli_option(&o->cli, c, optarg, &e);

		if (rc < 0)
			goto bad;
		if (rc > 0)
			continue;
		switch (c) {
		case 'h':
			usage(stdout, EX_OK);
			break;
		case 'V':
			printf("ad-clean %s\n", AD_VERSION);
			exit(EX_OK);
		case OPT_SCHEMA:
			o->schema = optarg;
			break;
		case OPT_DEDUP:
			if (*optarg == '\0') {
				ad_err_set(
				    &e, EX_USAGE, "--dedup: empty field name");
				goto bad;
			}
			o->dedup = optarg;
			break;
		case OPT_DEDUP_WINDOW:
			if (num_parse_long("--dedup-window", optarg, 1,
				1L << 31, &o->dedup_window, &e) < 0)
				goto bad;
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
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

struct counts {
	size_t written, duplicates;
	size_t reason[RECCLEAN_NREASONS];
};

/* Read, clean and write every record.  Returns 0 or -1 (err). */
static int
run_records(const struct opts *o, struct recin *in, struct sink *out,
    const struct schema *sc, struct counts *n, struct ad_err *err)
{
	struct recclean_conf conf = {
	    .schema = sc,
	    .dedup_field = o->dedup,
	    .dedup_window = (size_t)o->dedup_window,
	    .key_field = sink_key_field(out),
	};
	struct recclean rc;
	struct buf line;
	struct line ln;
	char why[512];
	int r;

	recclean_init(&rc, &conf);
	buf_init(&line);
	while ((r = recin_next_line(in, &ln, err)) > 0) {
		enum recclean_reason reason;
		const char *key;
		size_t keylen;

		switch (recclean_line(&rc, ln.buf, ln.len, &line, &key, &keylen,
		    &reason, why, sizeof(why))) {
		case RECCLEAN_OK:
			if ((r = sink_write(out, line.data, line.len, key,
				 keylen, err)) < 0)
				goto out;
			n->written++;
			break;
		case RECCLEAN_DUPLICATE:
			n->duplicates++;
			break;
		case RECCLEAN_REJECT:
			n->reason[reason]++;
			recin_reject(in, "%s", why);
			break;
		}
	}
out:
	buf_release(&line);
	recclean_release(&rc);
	return r < 0 ? -1 : 0;
}

static void
summary(struct recin *in, const struct counts *n)
{
	size_t ours = 0;

	for (int i = 0; i < RECCLEAN_NREASONS; i++)
		ours += n->reason[i];
	fprintf(stderr, "ad-clean: read %zu, written %zu, rejected %zu",
	    recin_read_count(in), n->written, recin_reject_count(in));
	if (recin_reject_count(in) > 0) {
		const char *sep = " (";

		/* Lines recin refused itself (too long) count as invalid. */
		for (int i = 0; i < RECCLEAN_NREASONS; i++) {
			size_t k = n->reason[i];

			if (i == RECCLEAN_INVALID_JSON)
				k += recin_reject_count(in) - ours;
			if (k == 0)
				continue;
			fprintf(stderr, "%s%s %zu", sep,
			    recclean_reason_name((enum recclean_reason)i), k);
			sep = ", ";
		}
		fputc(')', stderr);
	}
	fprintf(stderr, ", duplicates %zu\n", n->duplicates);
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct counts n;
	struct schema *sc = NULL;
	struct recin *in = NULL;
	struct sink *out = NULL;
	struct ad_err e;
	int status = EX_OK;

	memset(&o, 0, sizeof(o));
	memset(&n, 0, sizeof(n));
	ad_err_clear(&e);
	parse_opts(argc, argv, &o);
	ad_signals_init();
	if (strcmp(o.schema, "kdd") == 0)
		sc = schema_kdd();
	else if (strcmp(o.schema, "none") == 0)
		sc = schema_none();
	else if ((sc = schema_load(o.schema, &e)) == NULL) {
		status = ad_err_report(&e);
		goto out;
	}
	if ((in = recin_new(o.files, o.nfiles, &o.cli.io, o.cli.reject,
		 o.cli.strict, &e)) == NULL) {
		status = ad_err_report(&e);
		goto out;
	}
	if ((out = sink_open(o.cli.output, &o.cli.io, &e)) == NULL) {
		status = ad_err_report(&e);
		goto out;
	}
	if (run_records(&o, in, out, sc, &n, &e) < 0)
		status = ad_err_report(&e);
	if (sink_flush(out, &e) < 0 && status == EX_OK)
		status = ad_err_report(&e);
	if (status == EX_OK && recin_commit(in, &e) < 0)
		status = ad_err_report(&e);
	if (o.cli.verbose)
		summary(in, &n);
	if (status == EX_OK)
		status = recin_status(in);
out:
	if (sink_close(out, &e) < 0 && status == EX_OK)
		status = ad_err_report(&e);
	recin_free(in);
	schema_free(sc);
	cli_release(&o.cli);
	return finish(status);
}
