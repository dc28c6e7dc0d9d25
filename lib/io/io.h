/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Settings shared by every source and sink: the line-length limit, the
 * librdkafka properties given with -X/-F, and the Kafka consumer's
 * end-of-input and timeout behaviour.
 */
#ifndef IO_H
#define IO_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ad.h"

#define IO_MAX_LINE_DEFAULT ((size_t)16 << 20)

struct io_conf {
	size_t max_line; /* longest accepted input line, in bytes */
	char **props;	 /* "name=value" strings for librdkafka */
	size_t nprops;
	bool exit_at_end;      /* -e: a consumer stops at the end of input */
	int64_t timeout_ms;    /* how long to wait for a broker */
	const char *client_id; /* default consumer group and client.id */
	/*
	 * How lib/ tells the user about a problem it recovers from (a
	 * rejected line, an input that cannot be opened, a failed
	 * dead-letter write): at file:line (NULL and 0 when nothing
	 * locates it), fmt and ap say what.  Supplied by the program
	 * (cli_init() installs vwarn_at()); NULL keeps lib/ silent.
	 */
	void (*warn)(
	    const char *file, size_t line, const char *fmt, va_list ap);
};

void io_conf_init(struct io_conf *conf, const char *client_id);
void io_conf_add_prop(struct io_conf *conf, const char *name_value);
#define IO_PROP_FILE_MAX (1 << 20) /* -F: a property file is small */

int io_conf_add_prop_file(
    struct io_conf *conf, const char *path, struct ad_err *err);
void io_conf_release(struct io_conf *conf);
void io_warn(const struct io_conf *conf, const char *file, size_t line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void io_warn_err(const struct io_conf *conf, const struct ad_err *err);

#endif
