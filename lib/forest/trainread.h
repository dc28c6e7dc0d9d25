/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Reading training records for ad-train-rf: NDJSON lines through recin,
 * the fast flat scanner first and jansson for the rest, into a data set
 * whose feature schema grows as fields and categories appear.
 */
#ifndef TRAINREAD_H
#define TRAINREAD_H

#include "base/ad.h"
#include "forest/dataset.h"
#include "record/labels.h"
#include "io/recin.h"

int trainread(struct recin *in, struct dataset *ds, const char *label,
    const struct labels *lab, const char *classes, struct ad_err *err);

#endif
