/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The options every program shares (their table entries are in cli.h)
 * and the end every program shares: close the sink, then commit, then
 * say how the input went.
 */
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "io/endpoint.h"

/*
 * Defaults; client_id (borrowed) names the default Kafka group.  What
 * lib/ recovers from is shown the program's way, "prog: file:line: msg"
 * on stderr (vwarn_at()); a program may replace c->io.warn.
 */
void
cli_init(struct cli *c, const char *client_id)
{
	ad_std_fds(); /* before the first file is opened */
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
 * Refuse (64) every output path of c that is one of the input files:
 * -o, --reject, --metrics and the program's own in c->also.  Returns 0,
 * or -1 with err set.
 */
static int
check_outputs(const struct cli *c, char **files, size_t nfiles, bool to_stdout,
    struct ad_err *err)
{
	const char *outs[3 + CLI_ALSO_MAX] = {c->output, c->reject, c->metrics};

	memcpy(outs + 3, c->also, sizeof(c->also));
	return cli_check_outputs(
	    files, nfiles, outs, 3 + CLI_ALSO_MAX, to_stdout, err);
}

/*
 * Open the program's input: the operands (none: stdin) with c's
 * bad-record policy (--reject, --strict) and Kafka settings, after
 * checking that no output of c is one of them.  Failures are reported.
 * Returns EX_OK with *in set (caller frees with recin_free()), or the
 * status to exit with and *in NULL.
 */
int
cli_open_input(
    const struct cli *c, char **files, size_t nfiles, struct recin **in)
{
	struct ad_err e;

	ad_err_clear(&e);
	*in = NULL;
	if (check_outputs(c, files, nfiles, false, &e) < 0)
		return ad_err_report(&e);
	*in = recin_new(files, nfiles, &c->io, c->reject, c->strict, &e);
	return *in != NULL ? EX_OK : ad_err_report(&e);
}

/* The file a spec names (a path, "-" for fd, or NULL: not a file). */
static bool
spec_stat(const char *spec, int fd, struct stat *st)
{
	if (spec != NULL && strstr(spec, "://") != NULL)
		return false;
	if (spec != NULL && strncmp(spec, "file:", 5) == 0)
		return false; /* rolled files: new names, never an input */
	if (spec == NULL || strcmp(spec, "-") == 0)
		return fd >= 0 && fstat(fd, st) == 0 && S_ISREG(st->st_mode);
	return stat(spec, st) == 0 && S_ISREG(st->st_mode);
}

/*
 * Refuse an output that is one of the inputs: reading a file while it is
 * truncated empties it, and appending to it never ends.  files are the
 * input specs (none or "-": standard input), outs nouts output paths (a
 * NULL one is skipped), and with to_stdout standard output counts as one
 * when it is a regular file.  Only regular files are compared, by device and inode,
 * so a symbolic link or another name for the same file is caught.
 * Returns 0, or -1 with err set (EX_USAGE).
 */
int
cli_check_outputs(char **files, size_t nfiles, const char *const *outs,
    size_t nouts, bool to_stdout, struct ad_err *err)
{
	char *const stdin_only[] = {"-"};
	struct stat in, out;

	if (nfiles == 0) {
		files = (char **)stdin_only;
		nfiles = 1;
	}
	for (size_t i = 0; i < nfiles; i++) {
		if (!spec_stat(files[i], 0, &in))
			continue;
		for (size_t j = 0; j < nouts; j++) {
			if (outs[j] == NULL)
				continue;
			if (spec_stat(outs[j], -1, &out) &&
			    out.st_dev == in.st_dev &&
			    out.st_ino == in.st_ino) {
				ad_err_set(err, EX_USAGE,
				    "'%s' is both an input and an output",
				    outs[j]);
				return -1;
			}
		}
		if (to_stdout && spec_stat(NULL, 1, &out) &&
		    out.st_dev == in.st_dev && out.st_ino == in.st_ino) {
			ad_err_set(err, EX_USAGE,
			    "'%s' is both an input and standard output",
			    strcmp(files[i], "-") == 0 ? "standard input"
						       : files[i]);
			return -1;
		}
	}
	return 0;
}

/*
 * Open the output (-o; none: stdout) for a program that opens it before
 * its input files (named here so that an output that is one of them is
 * refused first, 64).  Failures are reported.  Returns EX_OK with *out
 * set, or the status to exit with and *out NULL.
 */
int
cli_open_output(
    const struct cli *c, char **files, size_t nfiles, struct sink **out)
{
	struct ad_err e;

	ad_err_clear(&e);
	*out = NULL;
	if (check_outputs(c, files, nfiles,
		c->output == NULL || strcmp(c->output, "-") == 0, &e) < 0)
		return ad_err_report(&e);
	*out = sink_open(c->output, &c->io, &e);
	return *out != NULL ? EX_OK : ad_err_report(&e);
}

/*
 * Open the input as cli_open_input() does, then the output (-o; none:
 * stdout), kept live by the input (recin_set_live(): what is written
 * reaches the reader within about 100 ms, whatever the sink), with
 * --metrics written by the input (recin_set_metrics()).  Returns
 * EX_OK with both set, or the status to exit with; what was opened is left in *in and *out (NULL otherwise) for
 * cli_close_io() and recin_free() to release.
 */
int
cli_open_io(const struct cli *c, char **files, size_t nfiles, struct recin **in,
    struct sink **out)
{
	struct ad_err e;
	int status;

	*out = NULL;
	*in = NULL;
	ad_err_clear(&e);
	if ((c->output == NULL || strcmp(c->output, "-") == 0) &&
	    cli_check_outputs(files, nfiles, NULL, 0, true, &e) < 0)
		return ad_err_report(&e);
	if ((status = cli_open_input(c, files, nfiles, in)) != EX_OK)
		return status;
	ad_err_clear(&e);
	if ((*out = sink_open(c->output, &c->io, &e)) == NULL)
		return ad_err_report(&e);
	recin_set_live(*in, *out); /* seen downstream within 100 ms */
	if (c->metrics != NULL) {
		struct metrics *m = metrics_new(c->metrics, c->io.client_id);

		/* written once now: a path that cannot take it is 73 or 74 */
		if (metrics_write(m, &e) < 0) {
			struct ad_err ignored;

			metrics_free(m);
			status = ad_err_report(&e);
			/* nothing was written: close the output here, since
			 * callers release only the input on this path */
			ad_err_clear(&ignored);
			(void)sink_close(*out, &ignored);
			*out = NULL;
			return status;
		}
		recin_set_metrics(*in, m);
	}
	return EX_OK;
}

/*
 * The one shutdown path of at-least-once delivery: write the final
 * --metrics, flush and close out
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
	if (in != NULL)
		recin_write_metrics(in); /* the final figures */
	if (sink_close(out, &e) < 0 && status == EX_OK)
		status = ad_err_report(&e);
	if (status == EX_OK && in != NULL && recin_commit(in, &e) < 0)
		status = ad_err_report(&e);
	if (status == EX_OK && in != NULL)
		status = recin_status(in);
	return status;
}

/*
 * The whole life of a filter: cli_open_io(), run(prog, in, out, ...),
 * cli_close_io().  Returns the status to exit with (a failure of run()
 * first, then of closing or committing, then the input's own, then run's
 * *soft).  *in is left open for the program's summary (NULL when it could
 * not be opened); the caller frees it with recin_free().
 */
int
cli_run(const struct cli *c, char **files, size_t nfiles, cli_run_fn run,
    void *prog, struct recin **in)
{
	struct sink *out = NULL;
	struct ad_err e;
	int status, soft = EX_OK;

	ad_err_clear(&e);
	status = cli_open_io(c, files, nfiles, in, &out);
	if (status == EX_OK && run(prog, *in, out, &soft, &e) < 0)
		status = ad_err_report(&e);
	status = cli_close_io(*in, out, status);
	return status == EX_OK ? soft : status;
}
