/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The evaluation of ad-eval, apart from its options and its I/O: the
 * files it needs loaded (NAB windows, or the label classes and the cost
 * matrix), each parsed record sent to its mode, and the report built.
 * Series: the record's key is looked up among the windows (keys come in
 * runs, so the last one is tried first), its score added to lib/eval/nab.
 * Labelled: the truth against --positive/--negative into lib/eval/binary,
 * the actual class against the predicted one into lib/eval/confusion.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "eval/evaluator.h"
#include "eval/evreport.h"

/*
 * Load what the configuration c names and make the evaluators of its mode;
 * c's strings are borrowed for ev's lifetime.  Returns 0, or -1 with e set
 * (ev then needs evaluator_release() all the same).
 */
int
evaluator_init(
    struct evaluator *ev, const struct evaluator_conf *c, struct ad_err *e)
{
	memset(ev, 0, sizeof(*ev));
	ev->conf = *c;
	ev->last_key = -1;
	if (!c->labelled) {
		if (windows_load(&ev->ws, c->windows, e) < 0)
			return -1;
		ev->nab = nab_new(&ev->ws);
		return 0;
	}
	if (c->positive != NULL || c->negative != NULL)
		ev->bin = binary_new();
	if ((c->classes_file != NULL &&
		labels_load(&ev->labels, c->classes_file, e) < 0) ||
	    (c->costs_file != NULL &&
		costs_load(&ev->costs, c->costs_file, e) < 0))
		return -1;
	if (c->classes)
		ev->cf = confusion_new(ev->labels.classes, ev->labels.nclass,
		    c->costs_file != NULL ? &ev->costs : NULL);
	return 0;
}

/* The actual class of r against its predicted one.  -1: why says why. */
static int
add_class(struct evaluator *ev, const struct evrec *r, char *why, size_t whylen)
{
	const char *actual = r->truth;

	if (ev->conf.classes_file != NULL) {
		long c = labels_class(&ev->labels, r->truth, r->truthlen);

		if (c < 0) {
			snprintf(why, whylen,
			    "label '%s' is in no class of '%s'", r->truth,
			    ev->conf.classes_file);
			return -1;
		}
		actual = ev->labels.classes[c];
	}
	return confusion_add(ev->cf, actual, r->cls, why, whylen);
}

static bool
same_key(const struct evaluator *ev, const struct evrec *r)
{
	const struct windows_key *k;

	if (ev->last_key < 0)
		return false;
	k = &ev->ws.keys[ev->last_key];
	return k->keylen == r->keylen && memcmp(k->key, r->key, r->keylen) == 0;
}

/*
 * Add one parsed record r.  Returns 0, or -1 when r is a bad record, with
 * the reason in why: a label in no class, an unknown class, or a key with
 * no windows entry (which is also counted in the report).
 */
int
evaluator_add(
    struct evaluator *ev, const struct evrec *r, char *why, size_t whylen)
{
	long k;

	if (ev->cf != NULL && add_class(ev, r, why, whylen) < 0)
		return -1;
	if (ev->conf.labelled) {
		if (ev->bin != NULL)
			binary_add(ev->bin, r->score,
			    ev->conf.positive != NULL
				? strcmp(r->truth, ev->conf.positive) == 0
				: strcmp(r->truth, ev->conf.negative) != 0);
		return 0;
	}
	k = same_key(ev, r) ? ev->last_key
			    : windows_find(&ev->ws, r->key, r->keylen);
	if (k < 0) {
		nab_add_unlabelled(ev->nab, r->key);
		snprintf(why, whylen, "key '%s' has no entry in '%s'", r->key,
		    ev->conf.windows);
		return -1;
	}
	nab_add(ev->nab, (size_t)k, r->t_ms, r->score);
	ev->last_key = k;
	return 0;
}

/*
 * The report of everything added (lib/eval/evreport's names); call once.
 * Returns a new reference.
 */
json_t *
evaluator_report(struct evaluator *ev)
{
	json_t *rep;

	if (!ev->conf.labelled) {
		nab_finish(ev->nab);
		return evreport_nab(ev->nab, &ev->ws, isnan(ev->conf.threshold),
		    ev->conf.threshold);
	}
	if (ev->bin != NULL) {
		binary_eval(
		    ev->bin, ev->conf.threshold, ev->conf.curves, &ev->br);
		rep = evreport_binary(&ev->br);
	} else {
		rep = json_object();
	}
	if (ev->cf != NULL)
		evreport_confusion(rep, ev->cf);
	return rep;
}

/* Free what evaluator_init() made; ev may be all zeroes. */
void
evaluator_release(struct evaluator *ev)
{
	nab_free(ev->nab);
	binary_free(ev->bin);
	confusion_free(ev->cf);
	labels_release(&ev->labels);
	costs_release(&ev->costs);
	windows_release(&ev->ws);
	memset(ev, 0, sizeof(*ev));
}
