/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The options every program shares (their table entries are in cli.h)
 * and the end every program shares: close the sink, then commit, then
 * say how the input went.
 */
#include <string.h>

#include "base/num.h"
#include "cli/cli.h"

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

/* Free what c owns. */
void
cli_release(struct cli *c)
{
	io_conf_release(&c->io);
}

/* -v: one more level of detail on stderr; undoes -q.  Returns 0. */
int
cli_opt_verbose(void *cli, const char *arg, struct ad_err *err)
{
	struct cli *c = cli;

	(void)arg;
	(void)err;
	c->verbose++;
	c->quiet = false;
	return 0;
}

/* -q: no warnings about bad records; undoes -v.  Returns 0. */
int
cli_opt_quiet(void *cli, const char *arg, struct ad_err *err)
{
	struct cli *c = cli;

	(void)arg;
	(void)err;
	c->quiet = true;
	c->verbose = 0;
	return 0;
}

/* -X name=value.  Returns 0, or -1 with err set (EX_USAGE). */
int
cli_opt_property(void *io_conf, const char *arg, struct ad_err *err)
{
	if (strchr(arg, '=') == NULL) {
		ad_err_set(
		    err, EX_USAGE, "-X: expected name=value, got '%s'", arg);
		return -1;
	}
	io_conf_add_prop(io_conf, arg);
	return 0;
}

/* -F file of name=value lines.  Returns 0, or -1 with err set. */
int
cli_opt_property_file(void *io_conf, const char *arg, struct ad_err *err)
{
	return io_conf_add_prop_file(io_conf, arg, err);
}

/*
 * The one shutdown path of at-least-once delivery: flush and close out
 * (NULL is allowed), and only when everything up to here went well
 * commit the offsets of in (NULL allowed), so that a record is never
 * committed before what came of it was written.  Failures are reported.
 * Returns the status to exit with: status when it was already an error,
 * else the first failure, else the input's own status (65 when a record
 * was rejected).  out is freed; in is left to the caller.
 */
int
cli_close_io(struct recin *in, struct sink *out, int status)
{
	struct ad_err e;

	ad_err_clear(&e);
	if (sink_close(out, &e) < 0 && status == EX_OK)
		status = ad_err_report(&e);
	if (status == EX_OK && in != NULL && recin_commit(in, &e) < 0)
		status = ad_err_report(&e);
	if (status == EX_OK && in != NULL)
		status = recin_status(in);
	return status;
}

/*
 * The getopt_long() form: handle one shared option.  Returns 1 when it
 * was one, 0 when the program must handle opt itself, -1 with err set.
 */
int
cli_option(struct cli *c, int opt, const char *arg, struct ad_err *err)
{
	switch (opt) {
	case 'v':
		return cli_opt_verbose(c, arg, err) + 1;
	case 'q':
		return cli_opt_quiet(c, arg, err) + 1;
	case 'o':
		c->output = arg;
		return 1;
	case 'e':
		c->io.exit_at_end = true;
		return 1;
	case 'X':
		return cli_opt_property(&c->io, arg, err) < 0 ? -1 : 1;
	case 'F':
		return cli_opt_property_file(&c->io, arg, err) < 0 ? -1 : 1;
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
		return num_parse_duration_ms(
			   "--timeout", arg, &c->io.timeout_ms, err) < 0
			   ? -1
			   : 1;
	default:
		return 0;
	}
}
