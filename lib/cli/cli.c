/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Shared option handling, so that a letter means the same in every
 * program (STYLE 3.3) and each program's main() only adds its own.
 */
#include <string.h>

#include "cli/cli.h"
#include "base/num.h"

/*
 * Defaults; client_id (borrowed) names the default Kafka group.  What
 * lib/ recovers from is shown the program's way, "prog: file:line: msg"
 * on stderr (vwarn_at()); a program may replace c->io.warn.
 */
void
cli_init(struct cli *c, const char *client_id)
{
	memset(c, 0, sizeof(*c));
	io_conf_init(&c->io, client_id);
	c->io.warn = vwarn_at;
}

/*
 * Handle one shared option.  Returns 1 when it was one, 0 when the
 * program must handle opt itself, -1 with err set (EX_USAGE, or the -F
 * file's error) for a bad argument.
 */
int
cli_option(struct cli *c, int opt, const char *arg, struct ad_err *err)
{
	int64_t ms;

	switch (opt) {
	case 'v':
		c->verbose++;
		c->quiet = false;
		return 1;
	case 'q':
		c->quiet = true;
		c->verbose = 0;
		return 1;
	case 'o':
		c->output = arg;
		return 1;
	case 'e':
		c->io.exit_at_end = true;
		return 1;
	case 'X':
		if (strchr(arg, '=') == NULL) {
			ad_err_set(err, EX_USAGE,
			    "-X: expected name=value, got '%s'", arg);
			return -1;
		}
		io_conf_add_prop(&c->io, arg);
		return 1;
	case 'F':
		return io_conf_add_prop_file(&c->io, arg, err) < 0 ? -1 : 1;
	case CLI_REJECT:
		c->reject = arg;
		return 1;
	case CLI_STRICT:
		c->strict = true;
		return 1;
	case CLI_MAX_LINE:
		return num_parse_size("--max-line", arg, &c->io.max_line, err) <
			       0
			   ? -1
			   : 1;
	case CLI_TIMEOUT:
		if (num_parse_duration_ms("--timeout", arg, &ms, err) < 0)
			return -1;
		c->io.timeout_ms = ms;
		return 1;
	default:
		return 0;
	}
}

/* Free what c owns. */
void
cli_release(struct cli *c)
{
	io_conf_release(&c->io);
}
