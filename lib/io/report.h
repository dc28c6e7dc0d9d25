/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The --report file of the training programs (ad-train-rf's
 * cross-validation, ad-forecast's training losses): one JSON object on one
 * line, written the way every record is (ndjson_dump(): keys in insertion
 * order, doubles in their shortest round-trip form).
 */
#ifndef REPORT_H
#define REPORT_H

#include <jansson.h>

#include "base/ad.h"

int report_write(const char *path, const json_t *report, struct ad_err *err);

#endif
