/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The synthetic class of the unsupervised "contrast" forest (Breiman &
 * Cutler; Shi & Horvath 2006): rows whose every feature is drawn
 * independently from the observed values of that feature, i.e. from the
 * product of the marginals.  A forest that tells real from synthetic rows
 * scores a record by how unlike the joint distribution it is.
 */
#ifndef CONTRAST_H
#define CONTRAST_H

#include <stddef.h>
#include <stdint.h>

#include "forest/dataset.h"

size_t contrast_make(const struct dataset *ds, double fraction, uint64_t seed,
    uint8_t **bins, uint8_t **y);

#endif
