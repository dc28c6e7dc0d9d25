/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-detect: streaming anomaly detection for metric series.  Each key's
 * points go through its own detector (lib/detect/detector), in one pass,
 * scored from the past alone; every record comes back with "score" and
 * "anomaly" (lib/detect/detrun).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "detect/detrun.h"
#include "io/recin.h"
#include "io/sink.h"

struct opts {
	struct cli cli;
	struct detrun_opts d;
	char **files;
	size_t nfiles;
};

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	struct detrun_opts *d = &o->d;
	const struct opt options[] = {
	    CLI_OPTIONS_BASE(&o->cli),
	    CLI_OPTION_OUTPUT(&o->cli),
	    OPT_STRING(0, "id", &d->id, "field", "key field (default id)"),
	    OPT_STRING(0, "time", &d->time, "field", "time field (default ts)"),
	    OPT_STRING(
		0, "field", &d->field, "field", "value field (default value)"),
	    OPT_DOUBLE(0, "threshold", &d->threshold, "t", 0, 1,
		"anomaly when score >= T (default: the tuned one)"),
	    OPT_FLAG(0, "parts", &d->parts, "add each component's score"),
	    OPT_FUNC(0, "disable", &d->params, "name[,name]",
		detrun_opt_disable, "turn components off (ablation)"),
	    OPT_STRING(0, "state", &d->state, "file",
		"load state at start, save at exit"),
	    CLI_OPTION_METRICS(&o->cli),
	    OPT_SIZE(0, "max-keys", &d->max_keys, "n", 1, LONG_MAX,
		"keys kept, least recently used evicted (100000)"),
	    CLI_OPTIONS_IO(&o->cli),
	    OPT_END,
	};
	const struct opt_prog prog = {"ad-detect", NULL, "[file ...]", options};
	const char *names[] = {d->id, d->time, d->field};
	int first;

	cli_init(&o->cli, "ad-detect");
	detrun_opts_defaults(d);
	first = opt_parse(&prog, argc, argv);
	names[0] = d->id;
	names[1] = d->time;
	names[2] = d->field;
	for (int i = 0; i < 3; i++)
		if (detrun_reserved(names[i]))
			opt_usage_error(&prog,
			    "'%s' is a field ad-detect writes, not one it "
			    "reads",
			    names[i]);
	o->files = argv + first;
	o->nfiles = (size_t)(argc - first);
}

static int
run(void *prog, struct recin *in, struct sink *out, int *soft, struct ad_err *e)
{
	const struct opts *o = prog;

	(void)soft;
	recin_set_sink(in, out); /* flushed whenever the input waits */
	return detrun(&o->d, in, out, o->cli.verbose, &o->cli.io, e);
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct recin *in = NULL;
	int status;

	memset(&o, 0, sizeof(o));
	ad_signals_init();
	parse_opts(argc, argv, &o);
	o.cli.also[0] = o.d.state;
	status = cli_run(&o.cli, o.files, o.nfiles, run, &o, &in);
	recin_free(in);
	cli_release(&o.cli);
	return finish(status);
}
