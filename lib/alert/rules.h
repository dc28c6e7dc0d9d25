/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-alert's rules and the alert lifecycle.  A rule set holds up to five
 * alerting rules (m flagged records within a window, above, below, delta,
 * change against one period earlier) and a windowed report.  Per key, each
 * rule is evaluated on every event (in event-time order) and goes through
 * the lifecycle: one "firing" record when it starts to hold, nothing while
 * it holds or within the cooldown of the last firing, and a "resolved"
 * record once it has not held for resolve_after.  Output records are
 * jansson objects handed to a caller's emit function.
 */
#ifndef RULES_H
#define RULES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert/evorder.h"

enum rules_kind {
	RULES_COUNT,
	RULES_ABOVE,
	RULES_BELOW,
	RULES_DELTA,
	RULES_CHANGE,
	RULES_NKINDS
};

#define RULES_EVIDENCE_MAX 32 /* timestamps listed in one alert at most */
#define RULES_WINDOW_CAP 4096 /* flagged records kept per key, at least */

/* What the options asked for; times in ms. */
struct rules_conf {
	const char *name;  /* --name, or NULL: the rule kind */
	const char *when;  /* flag field, for the reason text */
	const char *field; /* value field, for the reason text */
	bool on[RULES_NKINDS];
	long count;
	int64_t within;
	double above, below;
	int64_t for_ms;
	double delta;
	double change_pct;
	int change_dir; /* +1: rises only, -1: falls only, 0: either */
	int64_t vs;
	size_t history; /* slots per --vs period */
	bool report;
	int64_t window, slide;
	int64_t cooldown;
	bool resolve;
	int64_t resolve_after;
};

struct rules_stats {
	size_t firing, resolved, suppressed, reports;
};

struct rules;
struct rules_key;

/* Takes a new reference to an output record; returns 0 or -1 to stop. */
typedef int rules_emit_fn(json_t *rec, void *arg);

struct rules *rules_new(const struct rules_conf *conf);
void rules_free(struct rules *r);
const struct rules_stats *rules_stats(const struct rules *r);
const char *rules_name(const struct rules *r, int kind);
struct rules_key *rules_key_new(const struct rules *r);
void rules_key_free(struct rules_key *k);
int rules_feed(struct rules *r, struct rules_key *k, const char *id,
    const struct evorder_event *ev, rules_emit_fn *emit, void *arg);
void rules_late(struct rules_key *k);
int rules_flush(struct rules *r, struct rules_key *k, const char *id,
    rules_emit_fn *emit, void *arg);
void rules_duration_text(char *s, size_t size, int64_t ms);
void rules_plural(char *s, size_t size, const char *word);

#endif
