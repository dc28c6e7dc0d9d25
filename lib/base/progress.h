/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * A progress bar for long batch work (training, cross-validation), drawn
 * on stderr only when stderr is a terminal, at most ten times a second.
 */
#ifndef PROGRESS_H
#define PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	const char *label; /* borrowed */
	uint64_t total, done;
	int64_t started_ns, drawn_ns;
	bool enabled;
};

void progress_init(struct progress *p, const char *label, uint64_t total);
void progress_update(struct progress *p, uint64_t done);
void progress_done(struct progress *p);

#endif
