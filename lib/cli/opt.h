/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Options from one table per program, after git's parse_options: each
 * option is declared once (letter, long name, argument name, help line,
 * target, range), and from that table come the getopt_long() tables, the
 * parsing and range checks, the synopsis, the --help text and the usage
 * error.  The options every program shares are declared once, in
 * cli/cli.h (CLI_OPTIONS).
 *
 * This module is the program's voice on its command line: it prints the
 * help and usage texts and exits, 0 after -h and -V, EX_USAGE (64) on a
 * usage error, as every adpipe program does.
 */
#ifndef OPT_H
#define OPT_H

#include <limits.h> /* LONG_MAX and friends, for ranges */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/ad.h"

enum opt_type {
	OPT_TYPE_END,
	OPT_TYPE_HELP,	  /* -h: print the help on stdout, exit 0 */
	OPT_TYPE_VERSION, /* -V: print "prog VERSION", exit 0 */
	OPT_TYPE_FLAG,	  /* bool: set to true */
	OPT_TYPE_STRING,  /* const char *: the argument, borrowed from argv */
	OPT_TYPE_INT,	  /* int in [min, max] */
	OPT_TYPE_LONG,	  /* long in [min, max] */
	OPT_TYPE_SIZE,	  /* size_t in [min, max], a count */
	OPT_TYPE_U64,	  /* uint64_t in [min, max] */
	OPT_TYPE_DOUBLE,  /* double in [min, max] */
	OPT_TYPE_MS,	  /* int64_t milliseconds from a duration ("5m") */
	OPT_TYPE_BYTES,	  /* size_t bytes from a size ("16M") */
	OPT_TYPE_CHOICE,  /* int: the value of the word given */
	OPT_TYPE_FUNC	  /* fn(value, arg, err) does the work */
};

/* A word accepted as an argument, and the value it stands for. */
struct opt_word {
	const char *word;
	long value;
};

struct opt {
	enum opt_type type;
	int short_name;	       /* 0: long only */
	const char *long_name; /* NULL: short only */
	void *value;	       /* the target, of the type's C type */
	const char *argname;   /* NULL when the option takes no argument */
	const char *help;      /* one line for --help */
	long lo, hi;	       /* range of an integer */
	double min, max;       /* range of a real */
	/*
	 * Words accepted instead of a number ("auto", "sqrt"), or the only
	 * words a choice accepts; ends with {NULL, 0}.
	 */
	const struct opt_word *words;
	int (*fn)(void *value, const char *arg, struct ad_err *err);
	bool *given;   /* when not NULL, set to true when the option is seen */
	bool required; /* shown without brackets in the synopsis */
};

/*
 * A program (or one subcommand of it) and its options.  A command's
 * options are parsed from argv[2] on, after the command word.
 */
struct opt_prog {
	const char *name;     /* "ad-score" */
	const char *command;  /* "train", or NULL */
	const char *operands; /* "[file ...]", or NULL */
	const struct opt *opts;
};

/*
 * The table's entries.  The "1 ? (v) : (T *)0" form makes the compiler
 * check that the target has the type the parser writes.
 */
#define OPT_TARGET_(T, v) ((void *)(1 ? (v) : (T *)0))
#define OPT_END                                                                \
	{                                                                      \
		.type = OPT_TYPE_END                                           \
	}
#define OPT_HELP()                                                             \
	{                                                                      \
		.type = OPT_TYPE_HELP, .short_name = 'h', .long_name = "help", \
		.help = "show this help and exit"                              \
	}
#define OPT_VERSION()                                                          \
	{                                                                      \
		.type = OPT_TYPE_VERSION, .short_name = 'V',                   \
		.long_name = "version", .help = "print the version and exit"   \
	}
#define OPT_FLAG(s, l, v, h)                                                   \
	{                                                                      \
		.type = OPT_TYPE_FLAG, .short_name = (s), .long_name = (l),    \
		.value = OPT_TARGET_(bool, v), .help = (h)                     \
	}
#define OPT_STRING(s, l, v, a, h)                                              \
	{                                                                      \
		.type = OPT_TYPE_STRING, .short_name = (s), .long_name = (l),  \
		.value = OPT_TARGET_(const char *, v), .argname = (a),         \
		.help = (h)                                                    \
	}
/* A string option the program needs: no brackets in the synopsis. */
#define OPT_STRING_REQUIRED(s, l, v, a, h)                                     \
	{                                                                      \
		.type = OPT_TYPE_STRING, .short_name = (s), .long_name = (l),  \
		.value = OPT_TARGET_(const char *, v), .argname = (a),         \
		.help = (h), .required = true                                  \
	}
#define OPT_INT(s, l, v, a, mn, mx, h)                                         \
	{                                                                      \
		.type = OPT_TYPE_INT, .short_name = (s), .long_name = (l),     \
		.value = OPT_TARGET_(int, v), .argname = (a), .lo = (mn),      \
		.hi = (mx), .help = (h)                                        \
	}
#define OPT_LONG(s, l, v, a, mn, mx, h)                                        \
	{                                                                      \
		.type = OPT_TYPE_LONG, .short_name = (s), .long_name = (l),    \
		.value = OPT_TARGET_(long, v), .argname = (a), .lo = (mn),     \
		.hi = (mx), .help = (h)                                        \
	}
/* An integer option that also takes words: "--period n|auto". */
#define OPT_INT_OR(s, l, v, a, mn, mx, w, h)                                   \
	{                                                                      \
		.type = OPT_TYPE_INT, .short_name = (s), .long_name = (l),     \
		.value = OPT_TARGET_(int, v), .argname = (a), .lo = (mn),      \
		.hi = (mx), .words = (w), .help = (h)                          \
	}
#define OPT_LONG_OR(s, l, v, a, mn, mx, w, h)                                  \
	{                                                                      \
		.type = OPT_TYPE_LONG, .short_name = (s), .long_name = (l),    \
		.value = OPT_TARGET_(long, v), .argname = (a), .lo = (mn),     \
		.hi = (mx), .words = (w), .help = (h)                          \
	}
#define OPT_SIZE(s, l, v, a, mn, mx, h)                                        \
	{                                                                      \
		.type = OPT_TYPE_SIZE, .short_name = (s), .long_name = (l),    \
		.value = OPT_TARGET_(size_t, v), .argname = (a), .lo = (mn),   \
		.hi = (mx), .help = (h)                                        \
	}
#define OPT_U64(s, l, v, a, mn, mx, h)                                         \
	{                                                                      \
		.type = OPT_TYPE_U64, .short_name = (s), .long_name = (l),     \
		.value = OPT_TARGET_(uint64_t, v), .argname = (a), .lo = (mn), \
		.hi = (mx), .help = (h)                                        \
	}
#define OPT_DOUBLE(s, l, v, a, mn, mx, h)                                      \
	{                                                                      \
		.type = OPT_TYPE_DOUBLE, .short_name = (s), .long_name = (l),  \
		.value = OPT_TARGET_(double, v), .argname = (a), .min = (mn),  \
		.max = (mx), .help = (h)                                       \
	}
#define OPT_MS(s, l, v, a, h)                                                  \
	{                                                                      \
		.type = OPT_TYPE_MS, .short_name = (s), .long_name = (l),      \
		.value = OPT_TARGET_(int64_t, v), .argname = (a), .help = (h)  \
	}
/* A duration that also takes words: "--cooldown duration|0". */
#define OPT_MS_OR(s, l, v, a, w, h)                                            \
	{                                                                      \
		.type = OPT_TYPE_MS, .short_name = (s), .long_name = (l),      \
		.value = OPT_TARGET_(int64_t, v), .argname = (a),              \
		.words = (w), .help = (h)                                      \
	}
#define OPT_BYTES(s, l, v, a, h)                                               \
	{                                                                      \
		.type = OPT_TYPE_BYTES, .short_name = (s), .long_name = (l),   \
		.value = OPT_TARGET_(size_t, v), .argname = (a), .help = (h)   \
	}
#define OPT_CHOICE(s, l, v, a, w, h)                                           \
	{                                                                      \
		.type = OPT_TYPE_CHOICE, .short_name = (s), .long_name = (l),  \
		.value = OPT_TARGET_(int, v), .argname = (a), .words = (w),    \
		.help = (h)                                                    \
	}
#define OPT_FUNC(s, l, v, a, f, h)                                             \
	{                                                                      \
		.type = OPT_TYPE_FUNC, .short_name = (s), .long_name = (l),    \
		.value = (v), .argname = (a), .fn = (f), .help = (h)           \
	}

int opt_parse(const struct opt_prog *prog, int argc, char **argv);
void opt_usage_error(const struct opt_prog *prog, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
void opt_help(const struct opt_prog *prog, FILE *fp);
void opt_synopsis(const struct opt_prog *prog, FILE *fp);
int opt_parse_command(const struct opt_prog *prog, const struct opt *foreign,
    int argc, char **argv);
int opt_command(const struct opt_prog *const *cmds, int argc, char **argv);
void opt_synopses(const struct opt_prog *const *cmds, FILE *fp);
void opt_command_usage_error(const struct opt_prog *const *cmds,
    const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

#endif
