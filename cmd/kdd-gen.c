/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * kdd-gen: replay a KDD Cup 1999 CSV (or synthetic KDD-shaped traffic) as
 * NDJSON records, at random or in order, optionally rate limited.  The
 * generator is record/kddgen.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "record/kddgen.h"
#include "base/num.h"
#include "base/prng.h"
#include "io/reject.h"
#include "io/endpoint.h"
#include "io/sink.h"
#include "base/timefmt.h"

struct opts {
	struct cli cli;
	struct kddgen_conf gc;
};

/* --start: ISO 8601, or epoch seconds or milliseconds. */
static int
opt_start(void *conf, const char *arg, struct ad_err *err)
{
	struct kddgen_conf *gc = conf;
	struct time_form form;
	long v;

	if (timefmt_parse_text(arg, &gc->start_ms, &form) < 0) {
		if (num_parse_long("--start", arg, 0, LONG_MAX, &v, err) < 0)
			return -1;
		gc->start_ms = v < 100000000000L ? v * 1000 : v;
	}
	gc->sim_clock = true;
	return 0;
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	const struct opt options[] = {
	    CLI_OPTIONS_BASE(&o->cli),
	    CLI_OPTION_OUTPUT(&o->cli),
	    OPT_DOUBLE('b', "burst", &o->gc.burst, "burst", 1, 1e9,
		"token bucket size (default max(1, rate/2))"),
	    OPT_LONG('n', "count", &o->gc.count, "count", 0, LONG_MAX,
		"stop after COUNT records"),
	    OPT_DOUBLE('r', "rate", &o->gc.rate, "rate", 1e-3, 1e9,
		"at most RATE records per second"),
	    OPT_U64('s', "seed", &o->gc.seed, "seed", 0, LONG_MAX,
		"seed for row draws, uuids and synthetic traffic"),
	    OPT_FLAG(0, "in-order", &o->gc.in_order,
		"every row once, in file order, then exit"),
	    OPT_FUNC(0, "start", &o->gc, "time", opt_start,
		"simulated clock: first utc (ISO 8601 or epoch)"),
	    OPT_MS(0, "interval", &o->gc.interval_ms, "duration",
		"simulated clock step (default 10ms)"),
	    CLI_OPTIONS_IO(&o->cli),
	    OPT_END,
	};
	const struct opt_prog prog = {"kdd-gen", NULL, "[file]", options};
	int first;

	cli_init(&o->cli, "kdd-gen");
	o->gc.count = -1;
	o->gc.seed = prng_random_seed();
	o->gc.interval_ms = 10;
	first = opt_parse(&prog, argc, argv);
	if (argc - first > 1)
		opt_usage_error(&prog, "too many files: give at most one");
	o->gc.file = first < argc ? argv[first] : NULL;
	if (o->gc.in_order && o->gc.file == NULL)
		opt_usage_error(&prog, "--in-order needs a file");
	if (o->gc.burst == 0)
		o->gc.burst = o->gc.rate / 2 > 1 ? o->gc.rate / 2 : 1;
	o->gc.io = &o->cli.io;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct kddgen g;
	struct sink *out = NULL;
	struct reject rj;
	struct ad_err e;
	int status = EX_OK;

	memset(&o, 0, sizeof(o));
	ad_err_clear(&e);
	parse_opts(argc, argv, &o);
	ad_signals_init();
	if (reject_init(&rj, o.cli.reject, o.cli.strict, o.cli.io.warn, &e) <
	    0) {
		status = ad_err_report(&e);
		goto out;
	}
	/* Without a file nothing is read (not even standard input). */
	if (o.gc.file != NULL)
		status = cli_open_output(&o.cli, (char **)&o.gc.file, 1, &out);
	else if ((out = sink_open(o.cli.output, &o.cli.io, &e)) == NULL)
		status = ad_err_report(&e);
	if (out == NULL)
		goto out_reject;
	kddgen_init(&g, &o.gc, out, &rj);
	if (kddgen_run(&g, &e) < 0)
		status = ad_err_report(&e);
	status = cli_close_io(NULL, out, status);
	if (status == EX_OK && reject_flush(&rj, &e) < 0)
		status = ad_err_report(&e);
	if (status == EX_OK && rj.count > 0)
		status = EX_DATAERR;
	if (o.cli.verbose)
		fprintf(stderr,
		    "kdd-gen: wrote %lld records, rejected %zu rows\n",
		    kddgen_count(&g), rj.count);
	kddgen_release(&g);
out_reject:
	reject_release(&rj);
out:
	cli_release(&o.cli);
	return finish(status);
}
