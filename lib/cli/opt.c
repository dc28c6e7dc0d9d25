/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Parse a command line against a program's option table (cli/opt.h):
 * build getopt_long()'s tables from it, convert and range-check each
 * argument through base/num, and write the synopsis and --help from the
 * same table, so that what a program accepts and what it says it accepts
 * cannot drift apart.
 */
#include <err.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "cli/opt.h"

#define OPT_LONG_ONLY_BASE 256
#define OPT_HELP_COLUMN 26
#define OPT_WIDTH 80

static size_t
opt_count(const struct opt *opts)
{
	size_t n = 0;

	while (opts[n].type != OPT_TYPE_END)
		n++;
	return n;
}

/* The option's name as messages show it: "--name", or "-x". */
static const char *
opt_name(const struct opt *o, char *buf, size_t size)
{
	if (o->long_name != NULL)
		snprintf(buf, size, "--%s", o->long_name);
	else
		snprintf(buf, size, "-%c", o->short_name);
	return buf;
}

static const struct opt_word *
opt_word_find(const struct opt *o, const char *arg)
{
	for (const struct opt_word *w = o->words; w && w->word; w++)
		if (strcmp(w->word, arg) == 0)
			return w;
	return NULL;
}

/* Append the i-th of n words to "a, b or c" in list (size bytes). */
static void
list_add(
    char *list, size_t size, size_t *len, size_t i, size_t n, const char *word)
{
	const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";

	*len += (size_t)snprintf(
	    list + *len, *len < size ? size - *len : 0, "%s%s", sep, word);
}

/* "expected a, b or c, got 'x'" for a choice. */
static void
opt_bad_word(
    const struct opt *o, const char *name, const char *arg, struct ad_err *err)
{
	char list[256] = "";
	size_t n = 0, len = 0;

	while (o->words[n].word != NULL)
		n++;
	for (size_t i = 0; i < n; i++)
		list_add(list, sizeof(list), &len, i, n, o->words[i].word);
	ad_err_set(err, EX_USAGE, "%s: expected %s, got '%s'", name, list, arg);
}

/* Store an integer (a number or a word's value) into o's target. */
static void
opt_store(const struct opt *o, long v)
{
	switch (o->type) {
	case OPT_TYPE_INT:
	case OPT_TYPE_CHOICE:
		*(int *)o->value = (int)v;
		break;
	case OPT_TYPE_LONG:
		*(long *)o->value = (long)v;
		break;
	case OPT_TYPE_SIZE:
		*(size_t *)o->value = (size_t)v;
		break;
	case OPT_TYPE_U64:
		*(uint64_t *)o->value = (uint64_t)v;
		break;
	case OPT_TYPE_DOUBLE:
		*(double *)o->value = (double)v;
		break;
	case OPT_TYPE_MS:
		*(int64_t *)o->value = (int64_t)v;
		break;
	default:
		abort();
	}
}

/* Apply one occurrence of o with its argument; -1 with err set. */
static int
opt_apply(const struct opt *o, const char *arg, struct ad_err *err)
{
	const struct opt_word *w;
	char name[64];
	long l;
	double d;
	int64_t ms;
	size_t bytes;

	opt_name(o, name, sizeof(name));
	if (o->given != NULL)
		*o->given = true;
	if (arg != NULL && (w = opt_word_find(o, arg)) != NULL) {
		opt_store(o, w->value);
		return 0;
	}
	switch (o->type) {
	case OPT_TYPE_FLAG:
		*(bool *)o->value = true;
		return 0;
	case OPT_TYPE_STRING:
		*(const char **)o->value = arg;
		return 0;
	case OPT_TYPE_INT:
	case OPT_TYPE_LONG:
	case OPT_TYPE_SIZE:
	case OPT_TYPE_U64:
		if (num_parse_long(name, arg, o->lo, o->hi, &l, err) < 0)
			return -1;
		opt_store(o, l);
		return 0;
	case OPT_TYPE_DOUBLE:
		if (num_parse_double(name, arg, o->min, o->max, &d, err) < 0)
			return -1;
		*(double *)o->value = d;
		return 0;
	case OPT_TYPE_MS:
		if (num_parse_duration_ms(name, arg, &ms, err) < 0)
			return -1;
		*(int64_t *)o->value = ms;
		return 0;
	case OPT_TYPE_BYTES:
		if (num_parse_size(name, arg, &bytes, err) < 0)
			return -1;
		*(size_t *)o->value = bytes;
		return 0;
	case OPT_TYPE_CHOICE:
		opt_bad_word(o, name, arg, err);
		return -1;
	case OPT_TYPE_FUNC:
		return o->fn(o->value, arg, err);
	default:
		abort();
	}
}

static bool
opt_own_short(const struct opt *opts, int c)
{
	for (; opts->type != OPT_TYPE_END; opts++)
		if (opts->short_name == c)
			return true;
	return false;
}

static bool
opt_own_long(const struct opt *opts, const char *name)
{
	for (; opts->type != OPT_TYPE_END; opts++)
		if (opts->long_name != NULL &&
		    strcmp(opts->long_name, name) == 0)
			return true;
	return false;
}

/*
 * getopt_long()'s value for the j-th foreign option: its letter when the
 * program's own table does not have it, else a number past the own ones.
 */
static int
opt_foreign_val(
    const struct opt_prog *prog, const struct opt *foreign, size_t n, size_t j)
{
	int s = foreign[j].short_name;

	if (s && !opt_own_short(prog->opts, s))
		return s;
	return OPT_LONG_ONLY_BASE + (int)(n + j);
}

/*
 * Add o to getopt_long()'s tables with the value val: its letter to the
 * short string when val is that letter, its long name when with_long.
 */
static void
getopt_add(const struct opt *o, int val, bool with_long, char **sp,
    struct option *longopts, size_t *nl)
{
	if (o->short_name && val == o->short_name) {
		*(*sp)++ = (char)o->short_name;
		if (o->argname != NULL)
			*(*sp)++ = ':';
	}
	if (o->long_name != NULL && with_long)
		longopts[(*nl)++] = (struct option){o->long_name,
		    o->argname ? required_argument : no_argument, NULL, val};
}

/*
 * As opt_parse(), for one command of a program that has several:
 * foreign (ending with OPT_END, or NULL) holds the other commands'
 * options, and one of them that prog does not have is refused as
 * "option '--epochs' is not for 'run'" rather than as unknown.
 */
int
opt_parse_command(const struct opt_prog *prog, const struct opt *foreign,
    int argc, char **argv)
{
	size_t n = opt_count(prog->opts), nl = 0;
	size_t nf = foreign ? opt_count(foreign) : 0;
	struct option *longopts = xcalloc(n + nf + 1, sizeof(*longopts));
	char *shortopts = xmalloc(2 * (n + nf) + 2), *sp = shortopts;
	char *command = NULL;
	struct ad_err err;
	int c, shift = prog->command != NULL ? 1 : 0;

	for (size_t i = 0; i < n; i++) {
		const struct opt *o = &prog->opts[i];

		getopt_add(o,
		    o->short_name ? o->short_name : OPT_LONG_ONLY_BASE + (int)i,
		    true, &sp, longopts, &nl);
	}
	for (size_t j = 0; j < nf; j++)
		getopt_add(&foreign[j], opt_foreign_val(prog, foreign, n, j),
		    foreign[j].long_name != NULL &&
			!opt_own_long(prog->opts, foreign[j].long_name),
		    &sp, longopts, &nl);
	*sp = '\0';
	ad_err_clear(&err);
	/*
	 * A command's own argv starts after its name, with the program's
	 * name in front for getopt's messages; optind = 0 makes glibc start
	 * afresh, forgetting any argv an earlier parse left it holding.
	 */
	if (shift) {
		command = argv[1];
		argv[1] = argv[0];
	}
	optind = 0;
	while ((c = getopt_long(argc - shift, argv + shift, shortopts, longopts,
		    NULL)) != -1) {
		const struct opt *o = NULL;

		for (size_t i = 0; i < n && o == NULL; i++) {
			const struct opt *t = &prog->opts[i];

			if (t->short_name ? t->short_name == c
					  : OPT_LONG_ONLY_BASE + (int)i == c)
				o = t;
		}
		for (size_t j = 0; j < nf && o == NULL; j++)
			if (opt_foreign_val(prog, foreign, n, j) == c) {
				char name[64];

				free(longopts);
				free(shortopts);
				opt_usage_error(prog,
				    "option '%s' is not for '%s'",
				    opt_name(&foreign[j], name, sizeof(name)),
				    prog->command ? prog->command : prog->name);
			}
		if (o == NULL || o->type == OPT_TYPE_HELP ||
		    o->type == OPT_TYPE_VERSION) {
			free(longopts);
			free(shortopts);
		}
		if (o == NULL) {
			/* getopt_long() has said what was wrong */
			opt_synopsis(prog, stderr);
			exit(EX_USAGE);
		}
		if (o->type == OPT_TYPE_HELP) {
			opt_help(prog, stdout);
			exit(finish(EX_OK));
		}
		if (o->type == OPT_TYPE_VERSION) {
			printf("%s %s\n", prog->name, AD_VERSION);
			exit(finish(EX_OK));
		}
		if (opt_apply(o, optarg, &err) < 0 && err.status == 0)
			err.status =
			    EX_USAGE; /* a callback that said nothing */
		if (err.status != 0) {
			free(longopts);
			free(shortopts);
			if (err.status == EX_USAGE)
				opt_usage_error(prog, "%s", err.msg);
			exit(ad_err_report(&err)); /* -F file missing: 66 */
		}
	}
	if (shift)
		argv[1] = command;
	free(longopts);
	free(shortopts);
	return optind + shift;
}

/*
 * Parse argv against prog's table, from argv[1] on, or argv[2] on for a
 * command (prog->command set); -h and -V print and exit 0, a bad option
 * or argument prints the problem and the synopsis on stderr and exits
 * EX_USAGE; an argument that names a file that cannot be read exits with
 * that error's status.  Returns the index in argv of the first operand.
 */
int
opt_parse(const struct opt_prog *prog, int argc, char **argv)
{
	return opt_parse_command(prog, NULL, argc, argv);
}

/*
 * Report a usage error found after parsing (a missing or conflicting
 * option): "prog: problem", then the synopsis, on stderr; exit EX_USAGE.
 */
void
opt_usage_error(const struct opt_prog *prog, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	opt_synopsis(prog, stderr);
	exit(EX_USAGE);
}

static int
flag_order(const void *a, const void *b)
{
	int x = *(const char *)a, y = *(const char *)b;
	int lx = x | 0x20, ly = y | 0x20;

	/* style(9): case-insensitive, the upper case letter first */
	return lx != ly ? lx - ly : x - y;
}

/* One synopsis item, wrapped under the first one as style(9) lays out. */
static void
syn_item(FILE *fp, const char *item, size_t indent, size_t *col)
{
	size_t len = strlen(item);

	if (*col + 1 + len > OPT_WIDTH && *col > indent) {
		fprintf(fp, "\n%*s", (int)indent, "");
		*col = indent;
	} else {
		fputc(' ', fp);
		(*col)++;
	}
	fputs(item, fp);
	*col += len;
}

/* The synopsis after lead, "usage: " or as many spaces. */
static void
synopsis_lead(const struct opt_prog *prog, const char *lead, FILE *fp)
{
	size_t n = opt_count(prog->opts), nf = 0, indent, col;
	char flags[128], item[160];
	char *sorted = xmalloc(n + 1);
	size_t ns = 0;

	col = (size_t)fprintf(fp, "%s%s%s%s", lead, prog->name,
	    prog->command ? " " : "", prog->command ? prog->command : "");
	indent = col + 1;
	for (size_t i = 0; i < n; i++)
		if (prog->opts[i].short_name && !prog->opts[i].argname &&
		    nf + 1 < sizeof(flags))
			flags[nf++] = (char)prog->opts[i].short_name;
	qsort(flags, nf, 1, flag_order);
	if (nf > 0) {
		flags[nf] = '\0';
		snprintf(item, sizeof(item), "[-%s]", flags);
		syn_item(fp, item, indent, &col);
	}
	for (size_t i = 0; i < n; i++)
		if (prog->opts[i].short_name && prog->opts[i].argname)
			sorted[ns++] = (char)prog->opts[i].short_name;
	qsort(sorted, ns, 1, flag_order);
	for (size_t k = 0; k < ns; k++)
		for (size_t i = 0; i < n; i++) {
			const struct opt *o = &prog->opts[i];

			if (o->short_name != sorted[k] || !o->argname)
				continue;
			snprintf(item, sizeof(item),
			    o->required ? "-%c %s" : "[-%c %s]", o->short_name,
			    o->argname);
			syn_item(fp, item, indent, &col);
		}
	for (size_t i = 0; i < n; i++) {
		const struct opt *o = &prog->opts[i];

		if (o->short_name)
			continue;
		if (o->argname)
			snprintf(item, sizeof(item),
			    o->required ? "--%s %s" : "[--%s %s]", o->long_name,
			    o->argname);
		else
			snprintf(item, sizeof(item),
			    o->required ? "--%s" : "[--%s]", o->long_name);
		syn_item(fp, item, indent, &col);
	}
	if (prog->operands != NULL)
		syn_item(fp, prog->operands, indent, &col);
	fputc('\n', fp);
	free(sorted);
}

/*
 * Write the synopsis line(s), "usage: prog [-flags] [-o dest] ...
 * [file ...]", wrapped at 80 columns.
 */
void
opt_synopsis(const struct opt_prog *prog, FILE *fp)
{
	synopsis_lead(prog, "usage: ", fp);
}

/*
 * Write the synopses of a program's commands (cmds ends with NULL), the
 * first after "usage: ", the others under it, as style(9) lays out.
 */
void
opt_synopses(const struct opt_prog *const *cmds, FILE *fp)
{
	for (size_t i = 0; cmds[i] != NULL; i++)
		synopsis_lead(cmds[i], i == 0 ? "usage: " : "       ", fp);
}

/*
 * Report a usage error of a program with commands, before a command is
 * known: "prog: problem", then every command's synopsis, on stderr; exit
 * EX_USAGE.
 */
void
opt_command_usage_error(
    const struct opt_prog *const *cmds, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	opt_synopses(cmds, stderr);
	exit(EX_USAGE);
}

/*
 * A help text from OPT_HELP_COLUMN on, wrapped at spaces before 80 (a
 * longer word stands alone on its line).
 */
static void
help_text(FILE *fp, const char *text)
{
	size_t room = OPT_WIDTH - OPT_HELP_COLUMN;

	while (strlen(text) > room) {
		size_t cut = room;

		while (cut > 0 && text[cut] != ' ')
			cut--;
		if (cut == 0) /* a word longer than the room: it overflows */
			cut = strcspn(text, " ");
		if (text[cut] == '\0')
			break;
		fprintf(fp, "%.*s\n%*s", (int)cut, text, OPT_HELP_COLUMN, "");
		text += cut + 1;
	}
	fprintf(fp, "%s\n", text);
}

/* One line per option, in the table's order: "  -o, --output dest  help". */
static void
help_options(const struct opt_prog *prog, FILE *fp)
{
	for (const struct opt *o = prog->opts; o->type != OPT_TYPE_END; o++) {
		int len;

		if (o->short_name && o->long_name)
			len = fprintf(
			    fp, "  -%c, --%s", o->short_name, o->long_name);
		else if (o->short_name)
			len = fprintf(fp, "  -%c", o->short_name);
		else
			len = fprintf(fp, "      --%s", o->long_name);
		if (o->argname)
			len += fprintf(fp, " %s", o->argname);
		if (len + 2 > OPT_HELP_COLUMN)
			fprintf(fp, "\n%*s", OPT_HELP_COLUMN, "");
		else
			fprintf(fp, "%*s", OPT_HELP_COLUMN - len, "");
		help_text(fp, o->help ? o->help : "");
	}
}

/*
 * Write the synopsis, a blank line and one line per option, in the
 * table's order: "  -o, --output dest       help".
 */
void
opt_help(const struct opt_prog *prog, FILE *fp)
{
	opt_synopsis(prog, fp);
	fputc('\n', fp);
	help_options(prog, fp);
}

/*
 * Choose the command of a program that has some (git's "git <command>"):
 * argv[1] names it, and its options are then parsed by opt_parse(cmds[i],
 * argc, argv).  Before a command, -h and --help print every synopsis and
 * each command's options on stdout, -V and --version the version, and
 * exit 0; no command or an unknown one is a usage error (exit EX_USAGE
 * with every synopsis).  cmds ends with NULL and has at least one entry.
 * Returns the index in cmds of the command.
 */
int
opt_command(const struct opt_prog *const *cmds, int argc, char **argv)
{
	const char *a = argc > 1 ? argv[1] : NULL;
	char list[256] = "";
	size_t n = 0, len = 0;

	while (cmds[n] != NULL)
		n++;
	if (a != NULL && a[0] != '-')
		for (size_t i = 0; i < n; i++)
			if (strcmp(cmds[i]->command, a) == 0)
				return (int)i;
	if (a != NULL && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
		opt_synopses(cmds, stdout);
		for (size_t i = 0; i < n; i++) {
			printf("\n%s:\n", cmds[i]->command);
			help_options(cmds[i], stdout);
		}
		exit(finish(EX_OK));
	}
	if (a != NULL &&
	    (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0)) {
		printf("%s %s\n", cmds[0]->name, AD_VERSION);
		exit(finish(EX_OK));
	}
	if (a != NULL && a[0] != '-')
		opt_command_usage_error(cmds, "unknown command '%s'", a);
	for (size_t i = 0; i < n; i++)
		list_add(list, sizeof(list), &len, i, n, cmds[i]->command);
	opt_command_usage_error(cmds, "a command is needed: %s", list);
}
