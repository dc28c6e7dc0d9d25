/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-eval's report: the JSON objects whose names are its interface
 * (man/ad-eval.1 documents them), built from the evaluations of this
 * folder, and their text, compact (ndjson_dump(): shortest round-trip
 * reals) or indented.
 */
#ifndef EVREPORT_H
#define EVREPORT_H

#include <jansson.h>
#include <stdbool.h>

#include "base/buf.h"
#include "eval/binary.h"
#include "eval/confusion.h"
#include "eval/nab.h"

json_t *evreport_real(double v);
json_t *evreport_nab(const struct nab *nb, const struct windows *ws,
    bool optimize, double threshold);
json_t *evreport_binary(const struct binary_result *r);
void evreport_confusion(json_t *report, const struct confusion *cf);
void evreport_text(struct buf *b, const json_t *report, bool pretty);

#endif
