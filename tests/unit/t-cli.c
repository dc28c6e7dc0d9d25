/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/cli/cli: the shared options through a real table
 * (-v counts and clears -q, -q clears -v, -X stored or refused, -F read
 * or missing, --max-line, --timeout, the synopsis they make), opening
 * the input and the output on real files (statuses of what cannot be
 * opened), and cli_close_io(): the sink closed before the input's
 * offsets are committed (seen through the dead-letter file, which
 * recin_commit() flushes), nothing committed after an error, and the
 * status folding.
 */
#define _GNU_SOURCE /* program_invocation_short_name */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "tap.h"
#include "tchild.h"
#include "tfiles.h"

static struct cli c;
static const struct opt opts[] = {
    CLI_OPTIONS_BASE(&c), CLI_OPTION_OUTPUT(&c), CLI_OPTIONS_IO(&c), OPT_END};
static const struct opt_prog prog = {"ad-test", NULL, "[file ...]", opts};
static const char synopsis[] =
    "usage: ad-test [-ehqVv] [-F file] [-o dest] [-X name=value] "
    "[--reject file]\n"
    "               [--strict] [--max-line size] [--timeout duration] "
    "[file ...]\n";

static char dir[] = "/tmp/t-cli-XXXXXX";
static char *bufs[128], *argvs[128][32];
static size_t nbufs;

/* A fresh cli and a fresh writable argv from space-separated words. */
static int
parse_args(const char *s, char ***argv)
{
	char **v = argvs[nbufs];
	int n = 0;
	char *p;

	if (nbufs > 0)
		cli_release(&c);
	cli_init(&c, "t-cli");
	bufs[nbufs] = xstrdup(s);
	for (p = strtok(bufs[nbufs++], " "); p != NULL && n < 31;
	     p = strtok(NULL, " "))
		v[n++] = p;
	v[n] = NULL;
	*argv = v;
	return n;
}

static int
parse(const char *s)
{
	char **v;
	int argc = parse_args(s, &v);

	return opt_parse(&prog, argc, v);
}

static int status;
static char out[8192], err[8192];

static int
parse_arg(void *s)
{
	return parse(s);
}

/* Parse s in a child, stdout and stderr in files; returning exits 99. */
static void
child(const char *s)
{
	status = run_child(
	    dir, parse_arg, (void *)s, out, sizeof(out), err, sizeof(err));
}

static long
size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void
test_options(void)
{
	char props[300], bad[300], want[2048];
	char *s = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&s, &len);

	opt_synopsis(&prog, fp);
	fclose(fp);
	is_str(s, synopsis, "the shared options' synopsis");
	free(s);

	ok(parse("ad-test") == 1 && c.verbose == 0 && !c.quiet &&
		c.output == NULL && c.reject == NULL && !c.strict &&
		!c.io.exit_at_end && c.io.nprops == 0,
	    "defaults: nothing set");
	ok(c.io.max_line == (size_t)16 << 20 && c.io.timeout_ms == 10000 &&
		strcmp(c.io.client_id, "t-cli") == 0 && c.io.warn == vwarn_at,
	    "defaults: 16M lines, 10 s timeout, the client id, vwarn_at");
	ok(parse("ad-test -v") == 2 && c.verbose == 1 && !c.quiet, "-v: 1");
	ok(parse("ad-test -vvv --verbose") == 3 && c.verbose == 4,
	    "-vvv --verbose: 4 (got %d)", c.verbose);
	ok(parse("ad-test -q") == 2 && c.quiet && c.verbose == 0, "-q");
	ok(parse("ad-test -vv -q") == 3 && c.quiet && c.verbose == 0,
	    "-vv -q: -q clears -v");
	ok(parse("ad-test -q -v") == 3 && !c.quiet && c.verbose == 1,
	    "-q -v: -v clears -q and counts 1");
	ok(parse("ad-test --quiet -vv") == 3 && !c.quiet && c.verbose == 2,
	    "--quiet -vv: 2");

	ok(parse("ad-test -X a=b -Xbootstrap.servers=h:9092 f") == 4 &&
		c.io.nprops == 2,
	    "-X twice: 2 properties, index 4");
	ok(c.io.nprops == 2 && strcmp(c.io.props[0], "a=b") == 0 &&
		strcmp(c.io.props[1], "bootstrap.servers=h:9092") == 0,
	    "-X: name=value stored in order");
	ok(parse("ad-test -X empty=") == 3 && c.io.nprops == 1 &&
		strcmp(c.io.props[0], "empty=") == 0,
	    "-X name= (empty value) accepted");
	child("ad-test -X noequals");
	ok(status == EX_USAGE && out[0] == '\0', "-X noequals: exit 64");
	snprintf(want, sizeof(want),
	    "ad-test: -X: expected name=value, got 'noequals'\n%s", synopsis);
	is_str(err, want, "-X noequals: message and synopsis");

	put_file(dir, "props", "# comment\n\n  a=1\nb=2\r\n\tc=x=y\n", props,
	    sizeof(props));
	{
		char arg[400];

		snprintf(
		    arg, sizeof(arg), "ad-test -X z=0 -F %s -X w=9", props);
		ok(parse(arg) == 7 && c.io.nprops == 5,
		    "-F: 3 properties between two -X (got %zu)", c.io.nprops);
		ok(c.io.nprops == 5 && strcmp(c.io.props[0], "z=0") == 0 &&
			strcmp(c.io.props[1], "a=1") == 0 &&
			strcmp(c.io.props[2], "b=2") == 0 &&
			strcmp(c.io.props[3], "c=x=y") == 0 &&
			strcmp(c.io.props[4], "w=9") == 0,
		    "-F: comments and blank lines skipped, blanks and CR "
		    "trimmed, in order");
		snprintf(arg, sizeof(arg), "ad-test -F %s/nope", dir);
		child(arg);
		ok(status == EX_NOINPUT && out[0] == '\0',
		    "-F missing file: exit 66 (got %d)", status);
		snprintf(want, sizeof(want),
		    "ad-test: cannot open '%s/nope': No such file or "
		    "directory\n",
		    dir);
		is_str(err, want, "-F missing file: the message, no synopsis");
		put_file(dir, "bad", "a=1\njunk\n", bad, sizeof(bad));
		snprintf(arg, sizeof(arg), "ad-test -F %s", bad);
		child(arg);
		ok(status == EX_CONFIG, "-F bad line: exit 78 (got %d)",
		    status);
		snprintf(want, sizeof(want),
		    "ad-test: %s:2: expected name=value, got 'junk'\n", bad);
		is_str(err, want, "-F bad line: file:line: message");
	}

	ok(parse("ad-test --max-line 1K") == 3 && c.io.max_line == 1024,
	    "--max-line 1K: 1024");
	ok(parse("ad-test --max-line=16M") == 2 && c.io.max_line == 16777216,
	    "--max-line=16M");
	child("ad-test --max-line 0");
	snprintf(want, sizeof(want),
	    "ad-test: --max-line: '0' is not a size (e.g. 4096, 64K, 16M)\n%s",
	    synopsis);
	ok(status == EX_USAGE, "--max-line 0: exit 64");
	is_str(err, want, "--max-line 0: message");
	ok(parse("ad-test --timeout 30s") == 3 && c.io.timeout_ms == 30000,
	    "--timeout 30s: 30000 ms");
	ok(parse("ad-test --timeout=1m30s") == 2 && c.io.timeout_ms == 90000,
	    "--timeout=1m30s: 90000 ms");
	ok(parse("ad-test -e --strict --reject r.ndjson -o o.ndjson x y") ==
		    7 &&
		c.io.exit_at_end && c.strict,
	    "-e --strict --reject -o: index 7");
	ok(c.reject != NULL && strcmp(c.reject, "r.ndjson") == 0 &&
		c.output != NULL && strcmp(c.output, "o.ndjson") == 0,
	    "--reject and -o stored");
	child("ad-test -V");
	ok(status == 0, "-V: exit 0");
	is_str(out, "ad-test 0.1.0\n", "-V: the version");
}

/* A sink that logs its calls, and what the dead-letter file held then. */
static char log_[512];
static const char *watch;
static int close_fails;

static void
logf_(const char *what)
{
	char item[64];

	snprintf(item, sizeof(item), "%s%s(dead=%ld)", log_[0] ? " " : "", what,
	    watch ? size_of(watch) : -1L);
	strcat(log_, item);
}

static int
rec_write(void *impl, const char *buf, size_t len, const char *key,
    size_t keylen, struct ad_err *e)
{
	(void)impl, (void)buf, (void)len, (void)key, (void)keylen, (void)e;
	logf_("write");
	return 0;
}

static int
rec_flush(void *impl, struct ad_err *e)
{
	(void)impl, (void)e;
	logf_("flush");
	return 0;
}

static int
rec_close(void *impl, struct ad_err *e)
{
	free(impl);
	logf_("close");
	if (close_fails) {
		ad_err_set(e, EX_IOERR, "write error on 'rec': disk full");
		return -1;
	}
	return 0;
}

static const struct sink_ops rec_ops = {rec_write, rec_flush, rec_close, NULL};

static struct sink *
rec_sink(int fails)
{
	log_[0] = '\0';
	close_fails = fails;
	return sink_new("rec", &rec_ops, xmalloc(16), NULL);
}

/* An input over path with dead letters in dead, read to its end. */
static struct recin *
read_all(char *path, const char *dead)
{
	char *files[] = {path};
	struct recin *in;
	struct ad_err e;
	json_t *rec;

	cli_release(&c);
	cli_init(&c, "t-cli");
	c.reject = dead;
	unlink(dead);
	if (cli_open_input(&c, files, 1, &in) != EX_OK)
		return NULL;
	ad_err_clear(&e);
	stderr_capture("/tmp/t-cli-err-XXXXXX");
	while (recin_next(in, &rec, &e) == 1)
		json_decref(rec);
	stderr_release(err, sizeof(err));
	return in;
}

static void
test_open(void)
{
	char good[300], badf[300], dead[300], outp[300], missing[300];
	char nodir[300], *files[2];
	struct recin *in;
	struct sink *snk;
	struct ad_err e;
	json_t *rec;
	int n = 0, st;

	put_file(
	    dir, "good.ndjson", "{\"i\":1}\n{\"i\":2}\n", good, sizeof(good));
	put_file(
	    dir, "bad.ndjson", "{\"i\":1}\nnot json\n", badf, sizeof(badf));
	snprintf(dead, sizeof(dead), "%s/dead.ndjson", dir);
	snprintf(outp, sizeof(outp), "%s/out.ndjson", dir);
	snprintf(missing, sizeof(missing), "%s/missing.ndjson", dir);
	snprintf(nodir, sizeof(nodir), "%s/no/such/dir/x", dir);

	ad_err_clear(&e);
	cli_release(&c);
	cli_init(&c, "t-cli");
	files[0] = good;
	ok(cli_open_input(&c, files, 1, &in) == EX_OK && in != NULL,
	    "cli_open_input on a file: EX_OK");
	while (in != NULL && recin_next(in, &rec, &e) == 1) {
		n = n * 10 + (int)json_integer_value(json_object_get(rec, "i"));
		json_decref(rec);
	}
	ok(n == 12 && recin_status(in) == EX_OK, "its records 1, 2 (got %d)",
	    n);
	recin_free(in);

	files[0] = missing;
	ok(cli_open_input(&c, files, 1, &in) == EX_OK && in != NULL,
	    "a missing operand: opened lazily, EX_OK");
	stderr_capture("/tmp/t-cli-err-XXXXXX");
	ok(in != NULL && recin_next(in, &rec, &e) == 0, "no records");
	stderr_release(err, sizeof(err));
	ok(recin_status(in) == EX_NOINPUT, "and the input's status is 66");
	{
		char want[600];

		snprintf(want, sizeof(want),
		    "%s: cannot open '%s': No such file or directory\n",
		    program_invocation_short_name, missing);
		is_str(err, want, "the missing operand reported");
	}
	ok(cli_close_io(in, NULL, EX_OK) == EX_NOINPUT,
	    "cli_close_io: a missing operand gives 66");
	recin_free(in);

	c.reject = nodir;
	files[0] = good;
	stderr_capture("/tmp/t-cli-err-XXXXXX");
	st = cli_open_input(&c, files, 1, &in);
	stderr_release(err, sizeof(err));
	ok(st == EX_CANTCREAT && in == NULL,
	    "an uncreatable --reject file: 73, no input (got %d)", st);
	{
		char want[600];

		snprintf(want, sizeof(want),
		    "%s: cannot create '%s': No such file or directory\n",
		    program_invocation_short_name, nodir);
		is_str(err, want, "and reported");
	}
	c.reject = NULL;

	c.output = outp;
	ok(cli_open_io(&c, files, 1, &in, &snk) == EX_OK && in != NULL &&
		snk != NULL,
	    "cli_open_io: input and output file");
	ok(snk != NULL && strcmp(sink_name(snk), outp) == 0,
	    "the sink is the -o file");
	ok(sink_write(snk, "{\"x\":1}", 7, NULL, 0, &e) == 0, "a write");
	ok(cli_close_io(in, snk, EX_OK) == EX_OK, "cli_close_io: EX_OK");
	slurp_str(outp, err, sizeof(err));
	is_str(err, "{\"x\":1}\n", "the output file holds the record");
	recin_free(in);

	c.output = nodir;
	snk = (struct sink *)&c; /* must be set to NULL */
	stderr_capture("/tmp/t-cli-err-XXXXXX");
	st = cli_open_io(&c, files, 1, &in, &snk);
	stderr_release(err, sizeof(err));
	ok(st == EX_CANTCREAT && in != NULL && snk == NULL,
	    "an uncreatable output: 73, the input left open, no sink");
	ok(strstr(err, "cannot create '") != NULL && strstr(err, nodir) != NULL,
	    "the output failure reported");
	ok(cli_close_io(in, snk, st) == EX_CANTCREAT,
	    "cli_close_io keeps the 73");
	recin_free(in);

	c.output = NULL;
	c.reject = nodir;
	snk = (struct sink *)&c;
	stderr_capture("/tmp/t-cli-err-XXXXXX");
	st = cli_open_io(&c, files, 1, &in, &snk);
	stderr_release(err, sizeof(err));
	ok(st == EX_CANTCREAT && in == NULL && snk == NULL,
	    "cli_open_io, input failing: 73, neither opened");
	c.reject = NULL;
}

static void
test_close(void)
{
	char badf[300], good[300], dead[300];
	struct recin *in;
	struct sink *snk;
	int st;

	snprintf(badf, sizeof(badf), "%s/bad.ndjson", dir);
	snprintf(good, sizeof(good), "%s/good.ndjson", dir);
	snprintf(dead, sizeof(dead), "%s/dead.ndjson", dir);
	watch = dead;

	/* a rejected line, buffered in the dead-letter file until commit */
	in = read_all(badf, dead);
	ok(in != NULL && recin_reject_count(in) == 1 && size_of(dead) == 0,
	    "one line rejected, its dead letter still buffered");
	snk = rec_sink(0);
	st = cli_close_io(in, snk, EX_OK);
	is_str(log_, "close(dead=0)",
	    "the sink is closed first, before anything is committed");
	ok(size_of(dead) == 9, "then the commit flushes the dead letters (%ld)",
	    size_of(dead));
	ok(st == EX_DATAERR, "the input's status: 65 (got %d)", st);
	recin_free(in);

	/* the close fails: its status, nothing committed */
	in = read_all(badf, dead);
	snk = rec_sink(1);
	stderr_capture("/tmp/t-cli-err-XXXXXX");
	st = cli_close_io(in, snk, EX_OK);
	stderr_release(err, sizeof(err));
	ok(st == EX_IOERR, "a failing close: its status 74 (got %d)", st);
	is_str(log_, "close(dead=0)", "close was called once");
	ok(size_of(dead) == 0, "and nothing was committed");
	{
		char want[300];

		snprintf(want, sizeof(want),
		    "%s: write error on 'rec': disk full\n",
		    program_invocation_short_name);
		is_str(err, want, "the close failure reported");
	}
	recin_free(in);
	ok(size_of(dead) == 9, "(recin_free writes the dead letter out)");

	/* an error already: kept, the sink still closed, nothing committed */
	in = read_all(badf, dead);
	snk = rec_sink(0);
	st = cli_close_io(in, snk, EX_SOFTWARE);
	ok(st == EX_SOFTWARE, "a prior error is kept (got %d)", st);
	is_str(log_, "close(dead=0)", "the sink is closed all the same");
	ok(size_of(dead) == 0, "nothing committed after an error");
	recin_free(in);

	in = read_all(badf, dead);
	snk = rec_sink(1);
	stderr_capture("/tmp/t-cli-err-XXXXXX");
	st = cli_close_io(in, snk, EX_DATAERR);
	stderr_release(err, sizeof(err));
	ok(st == EX_DATAERR && size_of(dead) == 0,
	    "prior 65 and a failing close: 65 kept, nothing committed");
	is_str(log_, "close(dead=0)", "closed once");
	recin_free(in);

	/* NULLs */
	in = read_all(good, dead);
	ok(cli_close_io(in, NULL, EX_OK) == EX_OK, "no sink, clean input: 0");
	ok(cli_close_io(NULL, NULL, EX_OK) == EX_OK, "nothing at all: 0");
	ok(cli_close_io(NULL, NULL, EX_UNAVAILABLE) == EX_UNAVAILABLE,
	    "nothing at all, an error: kept");
	snk = rec_sink(0);
	ok(cli_close_io(NULL, snk, EX_OK) == EX_OK &&
		strcmp(log_, "close(dead=0)") == 0,
	    "no input: the sink closed, 0");
	snk = rec_sink(1);
	stderr_capture("/tmp/t-cli-err-XXXXXX");
	st = cli_close_io(NULL, snk, EX_OK);
	stderr_release(err, sizeof(err));
	ok(st == EX_IOERR, "no input, failing close: 74");
	snk = rec_sink(0);
	ok(cli_close_io(in, snk, EX_OK) == EX_OK, "clean input and sink: 0");
	recin_free(in);
	watch = NULL;
}

/* An output that is one of the inputs, by device and inode. */
static void
test_same_file(void)
{
	char a[300], b[300], l[300];
	char *files[2] = {a, b};
	const char *outs[2] = {NULL, NULL};
	struct ad_err e;
	FILE *f;

	snprintf(a, sizeof(a), "%s/same-a", dir);
	snprintf(b, sizeof(b), "%s/same-b", dir);
	snprintf(l, sizeof(l), "%s/same-link", dir);
	fclose(fopen(a, "w"));
	f = fopen(b, "w");
	fputs("x\n", f);
	fclose(f);
	ok(symlink("same-b", l) == 0, "symlink");
	ad_err_clear(&e);
	ok(cli_check_outputs(files, 2, outs, 2, false, &e) == 0,
	    "no outputs: fine");
	outs[1] = "/nonexistent/o";
	ok(cli_check_outputs(files, 2, outs, 2, false, &e) == 0,
	    "an output not there yet: fine");
	outs[0] = b;
	ok(cli_check_outputs(files, 2, outs, 2, false, &e) < 0 &&
		e.status == EX_USAGE,
	    "the second input as output: EX_USAGE");
	outs[0] = l;
	ok(cli_check_outputs(files, 1, outs, 2, false, &e) == 0,
	    "a link to an input that is not read: fine");
	ok(cli_check_outputs(files, 2, outs, 2, false, &e) < 0 &&
		strstr(e.msg, "same-link' is both an input and an output"),
	    "a symlink to an input: refused (%s)", e.msg);
	outs[0] = "/dev/null";
	files[1] = "/dev/null";
	ok(cli_check_outputs(files, 2, outs, 2, false, &e) == 0,
	    "/dev/null in and out: not a regular file, fine");
}

int
main(void)
{
	unsetenv("POSIXLY_CORRECT");
	if (mkdtemp(dir) == NULL)
		return 1;
	program_invocation_short_name = "ad-test";
	test_options();
	test_open();
	test_close();
	test_same_file();
	cli_release(&c);
	for (size_t i = 0; i < nbufs; i++)
		free(bufs[i]);
	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return tap_done();
}
