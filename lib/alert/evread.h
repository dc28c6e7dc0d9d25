/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Reading ad-alert's events from NDJSON lines: the key, the event time,
 * the flag and the value, by field name.  Lines of the usual flat shape go
 * through the non-allocating scanner (jscan.h); the rest through jansson,
 * which also words the reason for a line that is not JSON.
 */
#ifndef EVREAD_H
#define EVREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "alert/evorder.h"
#include "base/buf.h"
#include "base/jscan.h"

/* Event times accepted, ms: 0001-01-01 to 9999-12-31 */
#define EVREAD_TIME_MIN (-62135596800000LL)
#define EVREAD_TIME_MAX 253402300799999LL

struct evread_conf {
	const char *time, *id, *when, *field; /* field names */
	bool id_required; /* else a record without id has the key "" */
	bool need_flag, need_value;
};

struct evread {
	struct evread_conf c;
	struct jscan js;
	struct buf key; /* the id's key text, before it is copied out */
};

void evread_init(struct evread *r, const struct evread_conf *conf);
void evread_release(struct evread *r);
int evread_line(struct evread *r, const char *line, size_t len,
    struct evorder_event *ev, char *key, size_t keylen, char *why,
    size_t whylen);

#endif
