/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/cli/opt: every option type with its conversion and
 * range (the bounds and one past them), words, callbacks and their error
 * statuses, `given`, short and long forms, clusters, --opt=value,
 * operands and the returned index, `--`; the synopsis (sorted flag
 * cluster, options with arguments, long-only ones, required ones,
 * wrapping at 80 columns) and the --help layout as exact text; the paths
 * that exit (-h, -V, usage errors) in a child, with their status and
 * exact stdout and stderr; commands (opt_command, opt_parse_command,
 * opt_synopses).
 */
#define _GNU_SOURCE /* program_invocation_short_name */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/opt.h"
#include "tap.h"
#include "tchild.h"
#include "tfiles.h"

/* The targets of the main table. */
static bool v_q, v_v, v_e, v_Q, v_dry, v_count_given;
static const char *v_out, *v_model, *v_topic;
static int v_count, v_N, v_mode, v_period, v_fail;
static long v_off, v_parts;
static size_t v_num, v_buf;
static uint64_t v_seed;
static double v_alpha;
static int64_t v_win, v_cool;
static char keys[256];

static const struct opt_word modes[] = {
    {"fast", 1}, {"slow", 2}, {"exact", 3}, {NULL, 0}};
static const struct opt_word autow[] = {{"auto", 0}, {NULL, 0}};
static const struct opt_word allw[] = {{"all", -1}, {NULL, 0}};
static const struct opt_word offw[] = {{"0", 0}, {"off", 0}, {NULL, 0}};

/* -k: collect the keys, comma-separated, in the order given. */
static int
add_key(void *v, const char *arg, struct ad_err *err)
{
	char *k = v;

	(void)err;
	if (*k != '\0')
		strcat(k, ",");
	strcat(k, arg);
	return 0;
}

/* --fail N: count the call; N != 0 fails with status N. */
static int
fail_fn(void *v, const char *arg, struct ad_err *err)
{
	int *n = v, st = atoi(arg);

	(*n)++;
	if (st == 0)
		return 0;
	if (st == EX_CONFIG)
		ad_err_at(err, st, "conf", 3, "bad line");
	else
		ad_err_set(err, st, "fail status %d", st);
	return -1;
}

static const struct opt t1_opts[] = {OPT_HELP(), OPT_VERSION(),
    OPT_FLAG('q', "quiet", &v_q, "say less"),
    OPT_FLAG('v', "verbose", &v_v, "say more"),
    OPT_FLAG('e', "every", &v_e, "every record"),
    OPT_FLAG('Q', "queue", &v_Q, "queue the output"),
    OPT_STRING('o', "output", &v_out, "file", "write to FILE"),
    OPT_STRING_REQUIRED('m', "model", &v_model, "model", "read MODEL"),
    {.type = OPT_TYPE_INT,
	.short_name = 'c',
	.long_name = "count",
	.value = &v_count,
	.argname = "n",
	.lo = 1,
	.hi = 10,
	.help = "how many",
	.given = &v_count_given},
    OPT_INT('N', NULL, &v_N, "n", 0, 3, "short only"),
    OPT_LONG('L', "offset", &v_off, "offset", -5, 5, "an offset"),
    OPT_SIZE('n', "number", &v_num, "count", 0, LONG_MAX, "a count"),
    OPT_U64('s', "seed", &v_seed, "seed", 0, LONG_MAX, "the seed"),
    OPT_DOUBLE('a', "alpha", &v_alpha, "alpha", 0.0, 1.0, "a share"),
    OPT_MS('w', "window", &v_win, "duration", "a window"),
    OPT_BYTES('b', "buffer", &v_buf, "size", "a buffer"),
    OPT_CHOICE('M', "mode", &v_mode, "mode", modes, "a mode"),
    OPT_INT_OR('p', "period", &v_period, "n|auto", 2, 1000, autow, "period"),
    OPT_FUNC('k', "key", keys, "field", add_key, "key on FIELD"),
    OPT_LONG_OR(0, "parts", &v_parts, "n|all", 1, 64, allw, "parts"),
    OPT_MS_OR(0, "cooldown", &v_cool, "duration|0", offw, "cooldown"),
    OPT_FUNC(0, "fail", &v_fail, "status", fail_fn, "fail"),
    OPT_FLAG(0, "dry-run", &v_dry, "write nothing"),
    OPT_STRING_REQUIRED(0, "topic", &v_topic, "name", "the topic"), OPT_END};
static const struct opt_prog t1 = {"ad-test", NULL, "[file ...]", t1_opts};

static const char t1_synopsis[] =
    "usage: ad-test [-ehQqVv] [-a alpha] [-b size] [-c n] [-k field] "
    "[-L offset]\n"
    "               [-M mode] -m model [-N n] [-n count] [-o file] "
    "[-p n|auto]\n"
    "               [-s seed] [-w duration] [--parts n|all] "
    "[--cooldown duration|0]\n"
    "               [--fail status] [--dry-run] --topic name [file ...]\n";

/* The --help layout table. */
static bool hb;
static const char *hs;
#define H54 "a help text of exactly fifty-four characters, no wraps"
#define H55 "a help text of fifty-five characters wraps its last one"
#define HLONG                                                                  \
	"a help text that is longer than the fifty-four columns left of "      \
	"the line, so it goes on under the column where it started"
#define HURL                                                                   \
	"see https://example.org/a/very/long/path/that/does/not/fit/at/all "   \
	"for the details of this option, which go on for more than a line"
static const struct opt h_opts[] = {OPT_HELP(),
    OPT_FLAG('x', NULL, &hb, "short only"),
    OPT_FLAG(0, "long-only", &hb, "long only"),
    OPT_STRING('o', "output", &hs, "dest-file", H54),
    OPT_STRING('O', "outputs", &hs, "dest-file", H55),
    OPT_FLAG('w', "wrap", &hb, HLONG), OPT_END};
static const struct opt_prog hp = {"ad-h", NULL, NULL, h_opts};
static const struct opt url_opts[] = {OPT_FLAG('u', "url", &hb, HURL), OPT_END};
static const struct opt_prog urlp = {"ad-u", NULL, NULL, url_opts};

/* Commands. */
static int tr_epochs;
static const char *tr_out, *run_model;
static bool run_e;
static const struct opt train_opts[] = {OPT_HELP(),
    OPT_INT('e', "epochs", &tr_epochs, "n", 1, 100, "training epochs"),
    OPT_STRING('o', "output", &tr_out, "file", "write the model to FILE"),
    OPT_END};
static const struct opt run_opts[] = {OPT_HELP(),
    OPT_FLAG('e', "exit-at-end", &run_e, "stop at the end"),
    OPT_STRING_REQUIRED('m', "model", &run_model, "model", "read the model"),
    OPT_END};
static const struct opt_prog train = {
    "ad-model", "train", "[file ...]", train_opts};
static const struct opt_prog run = {"ad-model", "run", "[file ...]", run_opts};
static const struct opt_prog *const cmds[] = {&train, &run, NULL};
static const char cmd_synopses[] =
    "usage: ad-model train [-h] [-e n] [-o file] [file ...]\n"
    "       ad-model run [-eh] -m model [file ...]\n";

static void
reset(void)
{
	v_q = v_v = v_e = v_Q = v_dry = v_count_given = false;
	v_out = v_model = v_topic = NULL;
	v_count = v_N = v_mode = v_period = v_fail = -7;
	v_off = v_parts = -7;
	v_num = v_buf = 7;
	v_seed = 7;
	v_alpha = -7;
	v_win = v_cool = -7;
	keys[0] = '\0';
	tr_epochs = -7;
	tr_out = run_model = NULL;
	run_e = false;
}

/*
 * A writable argv from space-separated words, in a buffer of its own:
 * glibc's getopt keeps a pointer into the last argv between calls (see
 * test_reparse()), so one is never reused while the test runs.
 */
static char *bufs[512], **av;
static size_t nbufs;

static int
split_into(char *buf, const char *s)
{
	static char *argvs[512][32];
	char **v = argvs[nbufs - 1];
	int n = 0;
	char *p;

	strcpy(buf, s);
	for (p = strtok(buf, " "); p != NULL && n < 31; p = strtok(NULL, " "))
		v[n++] = p;
	v[n] = NULL;
	av = v;
	return n;
}

static int
split(const char *s)
{
	if (nbufs == sizeof(bufs) / sizeof(bufs[0]))
		abort();
	bufs[nbufs++] = xstrdup(s);
	return split_into(bufs[nbufs - 1], s);
}

static int
parse(const char *args)
{
	int argc = split(args);

	reset();
	return opt_parse(&t1, argc, av);
}

/* What a child did: its exit status and what it wrote. */
static char dir[] = "/tmp/t-opt-XXXXXX";
static int status;
static char out[16384], err[16384];

static int reparse(void);

enum kind { K_PARSE, K_COMMAND, K_PARSE_CMD, K_USAGE, K_CMD_USAGE, K_REPARSE };

struct child_args {
	enum kind kind;
	const struct opt_prog *prog;
	const struct opt *foreign;
	const char *args;
};

/* In the child: split args, reset the targets, run as kind says. */
static int
child_run(void *arg)
{
	const struct child_args *a = arg;
	int argc, r = -1;

	argc = split(a->args);
	program_invocation_short_name = av[0];
	reset();
	switch (a->kind) {
	case K_PARSE:
		r = opt_parse(a->prog, argc, av);
		break;
	case K_COMMAND:
		r = opt_command(cmds, argc, av);
		break;
	case K_PARSE_CMD:
		r = opt_parse_command(a->prog, a->foreign, argc, av);
		break;
	case K_USAGE:
		opt_usage_error(a->prog, "-m is needed");
	case K_CMD_USAGE:
		opt_command_usage_error(cmds, "%s", "no luck");
	case K_REPARSE:
		r = reparse();
		break;
	}
	return r;
}

/*
 * Run args (argv[0] first) in a child as kind says, stdout and stderr in
 * files; a parse that returns prints "returned N" and exits 99.
 */
static void
child(enum kind kind, const struct opt_prog *prog, const struct opt *foreign,
    const char *args)
{
	struct child_args a = {kind, prog, foreign, args};

	status =
	    run_child(dir, child_run, &a, out, sizeof(out), err, sizeof(err));
}

/*
 * Two parses, the second's argv written over the first's (as a program
 * that frees its first argv and allocates another may get): "-q", then
 * "--verbose --every".  Returns the second index, and 0 when a flag is
 * wrong.
 */
static int
reparse(void)
{
	static char same[64];
	char *a1[] = {same, same + 8, NULL};
	char *a2[] = {same, same + 8, same + 18, NULL};
	int r;

	memcpy(same, "ad-test\0-q\0", 11);
	if (opt_parse(&t1, 2, a1) != 2 || !v_q)
		return 0;
	reset();
	memcpy(same, "ad-test\0--verbose\0--every\0", 26);
	r = opt_parse(&t1, 3, a2);
	return v_v && v_e && !v_q ? r : 0;
}

/* A usage error of t1: status 64, nothing on stdout, msg + synopsis. */
static void
usage_is(const char *args, const char *msg)
{
	char want[4096];

	child(K_PARSE, &t1, NULL, args);
	snprintf(want, sizeof(want), "ad-test: %s\n%s", msg, t1_synopsis);
	ok(status == EX_USAGE && out[0] == '\0',
	    "'%s': exit 64 (got %d), stdout empty", args, status);
	is_str(err, want, "'%s': stderr is the problem and the synopsis", args);
}

static char *
mem_text(
    void (*fn)(const struct opt_prog *, FILE *), const struct opt_prog *prog)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	fn(prog, fp);
	fclose(fp);
	return buf;
}

/* Every line at most 80 columns, unless it is one word past column 26. */
static int
fits_80(const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len > 80 && memchr(p + 26, ' ', len - 26) != NULL) {
			printf("#   line of %zu columns: %.*s\n", len, (int)len,
			    p);
			return 0;
		}
		p += len + (nl != NULL);
	}
	return 1;
}

static void
test_types(void)
{
	/* flags, strings, short and long, clusters */
	ok(parse("ad-test") == 1 && !v_q && !v_v && v_out == NULL,
	    "no arguments: index 1, nothing set");
	ok(parse("ad-test -q") == 2 && v_q && !v_v && !v_e,
	    "-q sets only its flag");
	ok(parse("ad-test --verbose --every") == 3 && v_v && v_e && !v_q,
	    "--verbose --every");
	ok(parse("ad-test -qeQ") == 2 && v_q && v_e && v_Q && !v_v,
	    "a cluster -qeQ sets each flag");
	ok(parse("ad-test -qc5") == 2 && v_q && v_count == 5,
	    "a cluster ending in an option with its argument attached");
	ok(parse("ad-test -o out.json") == 3, "-o out.json: index 3");
	is_str(v_out, "out.json", "-o value borrowed from argv");
	ok(v_out == av[2], "-o points into argv");
	parse("ad-test --output=x.ndjson");
	is_str(v_out, "x.ndjson", "--output=value");
	parse("ad-test --output y");
	is_str(v_out, "y", "--output value");
	parse("ad-test -o a -o b");
	is_str(v_out, "b", "the last -o wins");
	parse("ad-test -ofile");
	is_str(v_out, "file", "-ofile: the argument attached");

	/* int [1, 10] and given */
	ok(parse("ad-test -o x") == 3 && !v_count_given && v_count == -7,
	    "given stays false and the target untouched when not seen");
	ok(parse("ad-test -c 1") == 3 && v_count == 1 && v_count_given,
	    "-c 1: the lower bound, given set");
	ok(parse("ad-test --count=10") == 2 && v_count == 10,
	    "--count=10: the upper bound");
	usage_is("ad-test -c 0", "--count: 0 is out of range [1, 10]");
	usage_is("ad-test --count 11", "--count: 11 is out of range [1, 10]");
	usage_is("ad-test -c 3x", "--count: '3x' is not an integer");
	usage_is("ad-test -c", "option requires an argument -- 'c'");

	/* short-only int [0, 3]: messages name it -N */
	ok(parse("ad-test -N 0") == 3 && v_N == 0, "-N 0");
	ok(parse("ad-test -N3") == 2 && v_N == 3, "-N3: upper bound");
	usage_is("ad-test -N 4", "-N: 4 is out of range [0, 3]");
	usage_is("ad-test -N -1", "-N: -1 is out of range [0, 3]");

	/* long [-5, 5] */
	ok(parse("ad-test -L -5") == 3 && v_off == -5, "-L -5: lower bound");
	ok(parse("ad-test --offset 5") == 3 && v_off == 5, "-L 5: upper");
	usage_is("ad-test -L -6", "--offset: -6 is out of range [-5, 5]");
	usage_is("ad-test -L 6", "--offset: 6 is out of range [-5, 5]");

	/* size and u64 [0, LONG_MAX] */
	ok(parse("ad-test -n 0") == 3 && v_num == 0, "size 0: lower bound");
	ok(parse("ad-test -n 9223372036854775807") == 3 &&
		v_num == (size_t)LONG_MAX,
	    "size LONG_MAX: upper bound");
	usage_is("ad-test -n -1",
	    "--number: -1 is out of range [0, 9223372036854775807]");
	usage_is("ad-test -n 9223372036854775808",
	    "--number: 9223372036854775808 is out of range [0, "
	    "9223372036854775807]");
	ok(parse("ad-test -s 0") == 3 && v_seed == 0, "u64 0");
	ok(parse("ad-test --seed=9223372036854775807") == 2 &&
		v_seed == UINT64_C(9223372036854775807),
	    "u64 LONG_MAX");
	usage_is("ad-test -s -1",
	    "--seed: -1 is out of range [0, 9223372036854775807]");
	usage_is("ad-test -s 42.5", "--seed: '42.5' is not an integer");

	/* double [0, 1] */
	ok(parse("ad-test -a 0") == 3 && v_alpha == 0.0, "double 0");
	ok(parse("ad-test -a 1") == 3 && v_alpha == 1.0, "double 1");
	is_near(
	    (parse("ad-test --alpha 0.25"), v_alpha), 0.25, 0, "double 0.25");
	usage_is("ad-test -a 1.0000001",
	    "--alpha: 1.0000001 is out of range [0, 1]");
	usage_is("ad-test -a -0.1", "--alpha: -0.1 is out of range [0, 1]");
	usage_is("ad-test -a nan", "--alpha: 'nan' is not a number");
	usage_is("ad-test -a 0.5x", "--alpha: '0.5x' is not a number");

	/* durations */
	ok(parse("ad-test -w 1h30m") == 3 && v_win == 5400000,
	    "1h30m is 5400000 ms (got %lld)", (long long)v_win);
	ok(parse("ad-test -w 500ms") == 3 && v_win == 500, "500ms");
	ok(parse("ad-test -w 1.5s") == 3 && v_win == 1500, "1.5s");
	ok(parse("ad-test -w 90") == 3 && v_win == 90000, "90: seconds");
	ok(parse("ad-test --window=2d") == 2 && v_win == 172800000, "2d");
	usage_is("ad-test -w 0",
	    "--window: '0' is not a duration (e.g. 500ms, 30s, 5m, 1h, 7d)");
	usage_is("ad-test -w 5x",
	    "--window: '5x' is not a duration (e.g. 500ms, 30s, 5m, 1h, 7d)");

	/* sizes */
	ok(parse("ad-test -b 16M") == 3 && v_buf == 16777216,
	    "16M is 16777216 bytes");
	ok(parse("ad-test -b 4096") == 3 && v_buf == 4096, "4096");
	ok(parse("ad-test -b 64K") == 3 && v_buf == 65536, "64K");
	ok(parse("ad-test -b 1G") == 3 && v_buf == 1073741824, "1G");
	ok(parse("ad-test --buffer 2kB") == 3 && v_buf == 2048, "2kB");
	usage_is("ad-test -b 0",
	    "--buffer: '0' is not a size (e.g. 4096, 64K, 16M)");
	usage_is("ad-test -b 16Q",
	    "--buffer: '16Q' is not a size (e.g. 4096, 64K, 16M)");

	/* choice */
	ok(parse("ad-test -M fast") == 3 && v_mode == 1, "choice fast: 1");
	ok(parse("ad-test --mode=exact") == 2 && v_mode == 3, "exact: 3");
	ok(parse("ad-test -M slow") == 3 && v_mode == 2, "slow: 2");
	usage_is(
	    "ad-test -M x", "--mode: expected fast, slow or exact, got 'x'");
	usage_is("ad-test -M FAST",
	    "--mode: expected fast, slow or exact, got 'FAST'");

	/* numbers or words */
	ok(parse("ad-test -p auto") == 3 && v_period == 0, "-p auto: 0");
	ok(parse("ad-test -p 2") == 3 && v_period == 2, "-p 2: lower bound");
	ok(parse("ad-test -p 1000") == 3 && v_period == 1000, "-p 1000");
	usage_is("ad-test -p 1", "--period: 1 is out of range [2, 1000]");
	usage_is("ad-test -p 1001", "--period: 1001 is out of range [2, 1000]");
	usage_is("ad-test -p Auto", "--period: 'Auto' is not an integer");
	ok(parse("ad-test --parts all") == 3 && v_parts == -1, "--parts all");
	ok(parse("ad-test --parts 64") == 3 && v_parts == 64, "--parts 64");
	usage_is("ad-test --parts 65", "--parts: 65 is out of range [1, 64]");
	ok(parse("ad-test --cooldown 0") == 3 && v_cool == 0, "cooldown 0");
	ok(parse("ad-test --cooldown off") == 3 && v_cool == 0, "cooldown off");
	ok(parse("ad-test --cooldown 2m") == 3 && v_cool == 120000,
	    "cooldown 2m is 120000");
	usage_is("ad-test --cooldown no",
	    "--cooldown: 'no' is not a duration (e.g. 500ms, 30s, 5m, 1h, "
	    "7d)");

	/* callbacks */
	parse("ad-test -k a --key b -kc");
	is_str(keys, "a,b,c", "-k called once per occurrence, in order");
	ok(parse("ad-test --fail 0 --fail=0") == 4 && v_fail == -5,
	    "a callback returning 0: called twice, parsing goes on");
	child(K_PARSE, &t1, NULL, "ad-test --fail 64");
	ok(status == EX_USAGE, "callback EX_USAGE: exit 64");
	{
		char want[4096];

		snprintf(want, sizeof(want), "ad-test: fail status 64\n%s",
		    t1_synopsis);
		is_str(err, want, "callback EX_USAGE: its message, synopsis");
	}
	child(K_PARSE, &t1, NULL, "ad-test --fail 66 -q");
	ok(status == EX_NOINPUT && out[0] == '\0',
	    "callback EX_NOINPUT: exit 66 (got %d)", status);
	is_str(err, "ad-test: fail status 66\n",
	    "callback EX_NOINPUT: its message, no synopsis");
	child(K_PARSE, &t1, NULL, "ad-test --fail 78");
	ok(status == EX_CONFIG, "callback EX_CONFIG: exit 78");
	is_str(err, "ad-test: conf:3: bad line\n",
	    "callback error with a file and line: prog: file:line: msg");
}

static void
test_operands(void)
{
	ok(parse("ad-test -q -c 3 a b") == 4, "operands after options: 4");
	is_str(av[4], "a", "argv[4] is the first operand");
	ok(parse("ad-test -- -q") == 2 && !v_q, "-- ends the options");
	is_str(av[2], "-q", "and what follows is an operand");
	ok(parse("ad-test -q -- --") == 3, "-- -- : the second is an operand");
	is_str(av[3], "--", "the operand --");
	ok(parse("ad-test -") == 1, "- is an operand");
	ok(parse("ad-test a -q b") == 2 && v_q, "options after operands (GNU)");
	ok(strcmp(av[1], "-q") == 0 && strcmp(av[2], "a") == 0 &&
		strcmp(av[3], "b") == 0,
	    "argv permuted: options first, operands in order");
	ok(parse("ad-test -o -- x") == 3, "-o takes -- as its argument");
	is_str(v_out, "--", "-o --");
	/* again after all that: getopt state is reset each time */
	ok(parse("ad-test -qc5 x") == 2 && v_q && v_count == 5,
	    "a later parse starts afresh");
	child(K_PARSE, &t1, NULL, "ad-test -q f1 f2");
	ok(status == 99, "a parse that returns does not exit");
	is_str(out, "returned 2\n", "and returns 2");
}

static void
test_exits(void)
{
	char *help = mem_text(opt_help, &t1);

	child(K_PARSE, &t1, NULL, "ad-test -q -h -c 99");
	ok(status == 0 && err[0] == '\0', "-h: exit 0, stderr empty");
	is_str(out, help, "-h: the help on stdout");
	child(K_PARSE, &t1, NULL, "ad-test --help");
	ok(status == 0, "--help: exit 0");
	is_str(out, help, "--help: the help on stdout");
	child(K_PARSE, &t1, NULL, "ad-test -V");
	ok(status == 0 && err[0] == '\0', "-V: exit 0, stderr empty");
	is_str(out, "ad-test 0.1.0\n", "-V: prog VERSION");
	child(K_PARSE, &t1, NULL, "ad-test --version");
	is_str(out, "ad-test 0.1.0\n", "--version");
	free(help);

	usage_is("ad-test -z", "invalid option -- 'z'");
	usage_is("ad-test --bogus", "unrecognized option '--bogus'");
	usage_is("ad-test --output", "option '--output' requires an argument");
	usage_is("ad-test --dry-run=x",
	    "option '--dry-run' doesn't allow an argument");
	child(K_USAGE, &t1, NULL, "ad-test");
	ok(status == EX_USAGE && out[0] == '\0', "opt_usage_error: exit 64");
	{
		char want[4096];

		snprintf(want, sizeof(want), "ad-test: -m is needed\n%s",
		    t1_synopsis);
		is_str(err, want, "opt_usage_error: prog: problem, synopsis");
	}
}

static void
test_synopsis(void)
{
	char *s = mem_text(opt_synopsis, &t1);
	char name[70], *t;
	struct opt w1[] = {
	    OPT_FLAG(0, "a", &hb, "a"), OPT_FLAG(0, name, &hb, "x"), OPT_END};
	struct opt_prog wp = {"ad-x", NULL, NULL, w1};

	is_str(s, t1_synopsis,
	    "synopsis: sorted flags, sorted options, long-only in order, "
	    "required without brackets, wrapped under the first item");
	free(s);
	s = mem_text(opt_synopsis, &hp);
	is_str(s,
	    "usage: ad-h [-hwx] [-O dest-file] [-o dest-file] "
	    "[--long-only]\n",
	    "synopsis without operands");
	free(s);

	/* "usage: ad-x [--a] [--NAME]": 11 + 6 + 1 + 4 + len(NAME) */
	memset(name, 'n', 58);
	name[58] = '\0';
	s = mem_text(opt_synopsis, &wp);
	ok(strlen(s) == 81 && strchr(s, '\n') == s + 80,
	    "a line of exactly 80 columns is not wrapped");
	free(s);
	name[58] = 'n';
	name[59] = '\0';
	s = mem_text(opt_synopsis, &wp);
	ok(strncmp(s, "usage: ad-x [--a]\n            [--nnn", 36) == 0 &&
		strlen(s) == 18 + 12 + 63 + 1,
	    "81 columns: the item goes under the first one");
	free(s);

	/* the cluster: case-insensitive, upper case first */
	{
		struct opt f[] = {OPT_FLAG('v', NULL, &hb, ""),
		    OPT_FLAG('V', NULL, &hb, ""), OPT_FLAG('q', NULL, &hb, ""),
		    OPT_FLAG('h', NULL, &hb, ""), OPT_FLAG('e', NULL, &hb, ""),
		    OPT_FLAG('1', NULL, &hb, ""), OPT_END};
		struct opt_prog fp = {"p", NULL, "file", f};

		t = mem_text(opt_synopsis, &fp);
		is_str(t, "usage: p [-1ehqVv] file\n",
		    "flag cluster [-1ehqVv], operands last");
		free(t);
	}
}

static void
test_help(void)
{
	char *s = mem_text(opt_help, &hp);
	const char *want =
	    "usage: ad-h [-hwx] [-O dest-file] [-o dest-file] "
	    "[--long-only]\n"
	    "\n"
	    "  -h, --help              show this help and exit\n"
	    "  -x                      short only\n"
	    "      --long-only         long only\n"
	    "  -o, --output dest-file  " H54 "\n"
	    "  -O, --outputs dest-file\n"
	    "                          a help text of fifty-five characters "
	    "wraps its last\n"
	    "                          one\n"
	    "  -w, --wrap              a help text that is longer than the "
	    "fifty-four columns\n"
	    "                          left of the line, so it goes on "
	    "under the column where\n"
	    "                          it started\n";

	is_str(s, want,
	    "help: column 26, long labels on their own line, text wrapped "
	    "at 80");
	ok(fits_80(s), "no help line is wider than 80 columns");
	free(s);
	s = mem_text(opt_help, &urlp);
	ok(strstr(s, "\n  -u, --url               see\n") != NULL,
	    "a word too long for the line goes onto the next");
	ok(fits_80(s), "the words after an over-long one are wrapped again");
	free(s);
}

static void
test_commands(void)
{
	char *s;
	int i;

	s = NULL;
	{
		size_t len = 0;
		FILE *fp = open_memstream(&s, &len);

		opt_synopses(cmds, fp);
		fclose(fp);
	}
	is_str(s, cmd_synopses, "opt_synopses: one per command, aligned");
	free(s);

	i = split("ad-model run -e -m m.json f");
	reset();
	ok(opt_command(cmds, i, av) == 1, "opt_command: run is 1");
	ok(opt_parse_command(&run, train_opts, i, av) == 5 && run_e,
	    "run's options from argv[2]: index 5, -e is run's flag");
	is_str(run_model, "m.json", "run -m");
	i = split("ad-model train -e 12 --output=o x");
	reset();
	ok(opt_command(cmds, i, av) == 0, "opt_command: train is 0");
	ok(opt_parse_command(&train, run_opts, i, av) == 5 && tr_epochs == 12,
	    "train -e 12: its own -e wins over run's");
	is_str(tr_out, "o", "train --output=o");
	i = split("ad-model train");
	reset();
	ok(opt_parse_command(&train, run_opts, i, av) == 2 && tr_epochs == -7,
	    "a command alone: index 2");

	child(K_PARSE_CMD, &run, train_opts, "ad-model run --epochs 3");
	ok(status == EX_USAGE && out[0] == '\0', "foreign option: exit 64");
	is_str(err,
	    "ad-model: option '--epochs' is not for 'run'\n"
	    "usage: ad-model run [-eh] -m model [file ...]\n",
	    "foreign long option: not for 'run', run's synopsis");
	child(K_PARSE_CMD, &run, train_opts, "ad-model run -o x");
	is_str(err,
	    "ad-model: option '--output' is not for 'run'\n"
	    "usage: ad-model run [-eh] -m model [file ...]\n",
	    "foreign short option named by its long name");
	child(K_PARSE_CMD, &train, run_opts, "ad-model train -m x");
	ok(status == EX_USAGE, "train -m: exit 64");
	is_str(err,
	    "ad-model: option '--model' is not for 'train'\n"
	    "usage: ad-model train [-h] [-e n] [-o file] [file ...]\n",
	    "run's -m is not for train");
	child(K_PARSE_CMD, &train, run_opts, "ad-model train --exit-at-end");
	is_str(err,
	    "ad-model: option '--exit-at-end' is not for 'train'\n"
	    "usage: ad-model train [-h] [-e n] [-o file] [file ...]\n",
	    "run's --exit-at-end (whose letter train uses) is not for train");
	child(K_PARSE_CMD, &train, run_opts, "ad-model train --bogus");
	is_str(err,
	    "ad-model: unrecognized option '--bogus'\n"
	    "usage: ad-model train [-h] [-e n] [-o file] [file ...]\n",
	    "an unknown option stays unknown");

	child(K_COMMAND, NULL, NULL, "ad-model");
	ok(status == EX_USAGE && out[0] == '\0', "no command: exit 64");
	{
		char want[1024];

		snprintf(want, sizeof(want),
		    "ad-model: a command is needed: train or run\n%s",
		    cmd_synopses);
		is_str(err, want, "no command: the list and every synopsis");
		child(K_COMMAND, NULL, NULL, "ad-model fly");
		ok(status == EX_USAGE, "unknown command: exit 64");
		snprintf(want, sizeof(want),
		    "ad-model: unknown command 'fly'\n%s", cmd_synopses);
		is_str(err, want, "unknown command: named");
		child(K_COMMAND, NULL, NULL, "ad-model -q");
		snprintf(want, sizeof(want),
		    "ad-model: a command is needed: train or run\n%s",
		    cmd_synopses);
		is_str(err, want, "an option before the command");
		child(K_CMD_USAGE, NULL, NULL, "ad-model");
		snprintf(
		    want, sizeof(want), "ad-model: no luck\n%s", cmd_synopses);
		ok(status == EX_USAGE, "opt_command_usage_error: exit 64");
		is_str(err, want, "opt_command_usage_error: text");
	}
	child(K_COMMAND, NULL, NULL, "ad-model --help");
	ok(status == 0 && err[0] == '\0', "ad-model --help: exit 0");
	is_str(out,
	    "usage: ad-model train [-h] [-e n] [-o file] [file ...]\n"
	    "       ad-model run [-eh] -m model [file ...]\n"
	    "\n"
	    "train:\n"
	    "  -h, --help              show this help and exit\n"
	    "  -e, --epochs n          training epochs\n"
	    "  -o, --output file       write the model to FILE\n"
	    "\n"
	    "run:\n"
	    "  -h, --help              show this help and exit\n"
	    "  -e, --exit-at-end       stop at the end\n"
	    "  -m, --model model       read the model\n",
	    "ad-model --help: synopses, then each command's options");
	child(K_COMMAND, NULL, NULL, "ad-model -V");
	ok(status == 0, "ad-model -V: exit 0");
	is_str(out, "ad-model 0.1.0\n", "ad-model -V: the version");
	child(K_PARSE_CMD, &run, train_opts, "ad-model run -h");
	ok(status == 0, "ad-model run -h: exit 0");
	is_str(out,
	    "usage: ad-model run [-eh] -m model [file ...]\n"
	    "\n"
	    "  -h, --help              show this help and exit\n"
	    "  -e, --exit-at-end       stop at the end\n"
	    "  -m, --model model       read the model\n",
	    "ad-model run -h: run's help");
}

static void
test_reparse(void)
{
	child(K_REPARSE, &t1, NULL, "ad-test");
	ok(status == 99 && strcmp(out, "returned 3\n") == 0,
	    "a second opt_parse does not read the first argv");
}

int
main(void)
{
	unsetenv("POSIXLY_CORRECT");
	if (mkdtemp(dir) == NULL)
		return 1;
	program_invocation_short_name = "ad-test";
	test_types();
	test_operands();
	test_exits();
	test_synopsis();
	test_help();
	test_commands();
	test_reparse();
	rmdir(dir);
	for (size_t i = 0; i < nbufs; i++)
		free(bufs[i]);
	return tap_done();
}
