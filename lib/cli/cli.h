/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The options every program shares, parsed the same way everywhere:
 * -v -q -o -e -X -F and --reject --strict --max-line --timeout.  A
 * program lists CLI_LONGOPTS in its own getopt_long() table, passes each
 * option to cli_option() first and handles the rest itself.  -h and -V
 * stay with the program, which owns its usage text.
 */
#ifndef CLI_H
#define CLI_H

#include <getopt.h>
#include <limits.h>
#include <stdbool.h>

#include "base/ad.h"
#include "io/io.h"

struct cli {
	int verbose;
	bool quiet;
	const char *output; /* -o; NULL means stdout */
	const char *reject; /* --reject dead-letter file */
	bool strict;
	struct io_conf io;
};

enum cli_longopt {
	CLI_REJECT = CHAR_MAX + 1,
	CLI_STRICT,
	CLI_MAX_LINE,
	CLI_TIMEOUT,
	CLI_PROGRAM_OPTIONS /* a program's own long options start here */
};

#define CLI_SHORTOPTS "hVvqo:eX:F:"

#define CLI_LONGOPTS                                                           \
	{"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'}, \
	    {"verbose", no_argument, NULL, 'v'},                               \
	    {"quiet", no_argument, NULL, 'q'},                                 \
	    {"output", required_argument, NULL, 'o'},                          \
	    {"exit-at-end", no_argument, NULL, 'e'},                           \
	    {"reject", required_argument, NULL, CLI_REJECT},                   \
	    {"strict", no_argument, NULL, CLI_STRICT},                         \
	    {"max-line", required_argument, NULL, CLI_MAX_LINE},               \
	{                                                                      \
		"timeout", required_argument, NULL, CLI_TIMEOUT                \
	}

void cli_init(struct cli *c, const char *client_id);
int cli_option(struct cli *c, int opt, const char *arg, struct ad_err *err);
void cli_release(struct cli *c);

#endif
