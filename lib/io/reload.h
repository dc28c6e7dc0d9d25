/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Hot reload of a model file: notices when the file at a path has been
 * replaced (new inode, size or mtime, checked at most every 200 ms) or when
 * SIGHUP arrived, so a long-running scorer can load the new model between
 * two records.
 */
#ifndef RELOAD_H
#define RELOAD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Set by SIGHUP once reload_signals_init() ran. */
extern volatile sig_atomic_t reload_hup;

struct reload {
	const char *path; /* borrowed */
	dev_t dev;
	ino_t ino;
	off_t size;
	int64_t mtime_ns;
	int64_t checked_ns;
};

void reload_signals_init(void);
void reload_init(struct reload *r, const char *path);
bool reload_changed(struct reload *r);

#endif
