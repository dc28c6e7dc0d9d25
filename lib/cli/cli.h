/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * What every program shares on its command line and at its end: the
 * common options, declared once here for each program's option table
 * (cli/opt.h), so that a letter means the same everywhere (STYLE 3.3),
 * and the one shutdown path that at-least-once delivery depends on:
 * flush what was written, then commit the offsets it came from.
 */
#ifndef CLI_H
#define CLI_H

#include <stdbool.h>

#include "base/ad.h"
#include "cli/opt.h"
#include "io/io.h"
#include "io/recin.h"
#include "io/sink.h"

/* How many outputs of its own a program names in struct cli's also */
#define CLI_ALSO_MAX 2

struct cli {
	int verbose;
	bool quiet;
	const char *output;  /* -o; NULL means stdout */
	const char *reject;  /* --reject dead-letter file */
	const char *metrics; /* --metrics Prometheus textfile, or NULL */
	/* the program's other outputs (--state, --report, --svg, ...) */
	const char *also[CLI_ALSO_MAX];
	bool strict;
	struct io_conf io;
};

/* -h -V -v -q, first in every table. */
#define CLI_OPTIONS_BASE(c)                                                    \
	OPT_HELP(), OPT_VERSION(),                                             \
	    OPT_FUNC('v', "verbose", (c), NULL, cli_opt_verbose,               \
		"print a summary on stderr at the end"),                       \
	    OPT_FUNC('q', "quiet", (c), NULL, cli_opt_quiet,                   \
		"no warnings about bad records")

/* -o, where the output is a stream of records. */
#define CLI_OPTION_OUTPUT(c)                                                   \
	OPT_STRING('o', "output", &(c)->output, "dest",                        \
	    "write to DEST: a path, -, kafka://, file: (default stdout)")

/* --metrics, for the programs that run for long. */
#define CLI_OPTION_METRICS(c)                                                  \
	OPT_STRING(0, "metrics", &(c)->metrics, "file",                        \
	    "write Prometheus metrics to FILE every 5 s")

/* Input, bad-record and Kafka options, last in every table. */
#define CLI_OPTIONS_IO(c)                                                      \
	OPT_FLAG('e', "exit-at-end", &(c)->io.exit_at_end,                     \
	    "a Kafka consumer stops at the end of its partitions"),            \
	    OPT_FUNC('X', NULL, &(c)->io, "name=value", cli_opt_property,      \
		"set a librdkafka property"),                                  \
	    OPT_FUNC('F', NULL, &(c)->io, "file", cli_opt_property_file,       \
		"read librdkafka properties (name=value lines)"),              \
	    OPT_STRING(0, "reject", &(c)->reject, "file",                      \
		"append bad records to FILE"),                                 \
	    OPT_FLAG(                                                          \
		0, "strict", &(c)->strict, "stop at the first bad record"),    \
	    OPT_BYTES(0, "max-line", &(c)->io.max_line, "size",                \
		"longest accepted input line (default 16M)"),                  \
	    OPT_MS(0, "timeout", &(c)->io.timeout_ms, "duration",              \
		"how long to wait for a Kafka broker")

void cli_init(struct cli *c, const char *client_id);
void cli_release(struct cli *c);
int cli_opt_verbose(void *cli, const char *arg, struct ad_err *err);
int cli_opt_quiet(void *cli, const char *arg, struct ad_err *err);
int cli_opt_property(void *io_conf, const char *arg, struct ad_err *err);
int cli_opt_property_file(void *io_conf, const char *arg, struct ad_err *err);
int cli_open_input(
    const struct cli *c, char **files, size_t nfiles, struct recin **in);
int cli_check_outputs(char **files, size_t nfiles, const char *const *outs,
    size_t nouts, bool to_stdout, struct ad_err *err);
int cli_open_output(
    const struct cli *c, char **files, size_t nfiles, struct sink **out);
int cli_open_io(const struct cli *c, char **files, size_t nfiles,
    struct recin **in, struct sink **out);
int cli_close_io(struct recin *in, struct sink *out, int status);

/*
 * A program's work between opening and closing: read in, write out.
 * Returns 0, or -1 with err set (reported, and nothing committed); a
 * status that must not stop the commit (65 for a series that could not
 * be used) goes in *soft.
 */
typedef int (*cli_run_fn)(void *prog, struct recin *in, struct sink *out,
    int *soft, struct ad_err *err);
int cli_run(const struct cli *c, char **files, size_t nfiles, cli_run_fn run,
    void *prog, struct recin **in);

#endif
