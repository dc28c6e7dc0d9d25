/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Record input: NDJSON records from a list of operands (files, "-",
 * kafka:// URIs; stdin when there are none), one at a time, with the
 * DESIGN.md bad-input policy built in: a line that is not a JSON object is
 * reported as "prog: source:line: reason", counted, written raw to the
 * dead-letter file, and skipped (or, with strict, ends the input).
 */
#ifndef RECIN_H
#define RECIN_H

#include <jansson.h>
#include <stdbool.h>

#include "base/ad.h"
#include "io/io.h"
#include "io/metrics.h"
#include "io/sink.h"
#include "io/source.h"

struct recin;

struct recin *recin_new(char *const *operands, size_t n,
    const struct io_conf *conf, const char *reject_path, bool strict,
    struct ad_err *err);
int recin_next(struct recin *in, json_t **rec, struct ad_err *err);
int recin_next_line(struct recin *in, struct line *line, struct ad_err *err);
int recin_reject(struct recin *in, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int recin_reject_at(struct recin *in, const char *source, size_t lineno,
    const char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
int recin_commit(struct recin *in, struct ad_err *err);
void recin_set_sink(struct recin *in, struct sink *out);
void recin_set_live(struct recin *in, struct sink *out);
void recin_set_metrics(struct recin *in, struct metrics *m);
void recin_set_metrics_fill(
    struct recin *in, void (*fill)(struct metrics *m, void *arg), void *arg);
void recin_write_metrics(struct recin *in);
void recin_detach_metrics(struct recin *in);
const char *recin_source_name(const struct recin *in);
size_t recin_lineno(const struct recin *in);
size_t recin_read_count(const struct recin *in);
size_t recin_reject_count(const struct recin *in);
int recin_status(const struct recin *in);
void recin_free(struct recin *in);

#endif
