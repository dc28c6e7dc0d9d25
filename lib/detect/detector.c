/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The streaming detector of ad-detect (see detector.h).  The state is a
 * struct of doubles only, so that it saves as one JSON array of numbers
 * (shortest round-trip form, exact) and loads back bit for bit.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "detect/detector.h"

#define STATE_VERSION 1

static const char *const part_names[] = {"level"};
#define NPARTS (sizeof(part_names) / sizeof(part_names[0]))

struct state {
	double n, mean, var;
};

struct detector {
	struct detector_params p;
	struct state s;
};

#define STATE_DOUBLES (sizeof(struct state) / sizeof(double))
_Static_assert(sizeof(struct state) % sizeof(double) == 0,
    "the state is doubles only");

void
detector_defaults(struct detector_params *p)
{
	memset(p, 0, sizeof(*p));
}

double
detector_default_threshold(void)
{
	return 0.99;
}

size_t
detector_nparts(void)
{
	return NPARTS;
}

const char *
detector_part_name(size_t i)
{
	return i < NPARTS ? part_names[i] : NULL;
}

int
detector_part_index(const char *name)
{
	for (size_t i = 0; i < NPARTS; i++)
		if (strcmp(part_names[i], name) == 0)
			return (int)i;
	return -1;
}

struct detector *
detector_new(const struct detector_params *p)
{
	struct detector *d = xcalloc(1, sizeof(*d));

	d->p = *p;
	return d;
}

void
detector_free(struct detector *d)
{
	free(d);
}

size_t
detector_bytes(void)
{
	return sizeof(struct detector);
}

void
detector_step(struct detector *d, int64_t t, double x, struct detector_out *o)
{
	struct state *s = &d->s;
	double alpha = 0.01, z = 0;

	(void)t;
	memset(o, 0, sizeof(*o));
	if (s->n >= 2 && s->var > 0)
		z = fabs(x - s->mean) / sqrt(s->var);
	o->parts[0] = erf(z / M_SQRT2);
	if (d->p.disabled & 1u)
		o->parts[0] = 0;
	o->score = o->parts[0];
	if (s->n == 0) {
		s->mean = x;
	} else {
		double dx = x - s->mean;

		s->mean += alpha * dx;
		s->var = (1 - alpha) * (s->var + alpha * dx * dx);
	}
	s->n++;
}

void
detector_save(const struct detector *d, struct buf *b)
{
	const double *v = (const double *)&d->s;

	buf_addf(b, "{\"v\":%d,\"state\":[", STATE_VERSION);
	for (size_t i = 0; i < STATE_DOUBLES; i++) {
		if (i > 0)
			buf_addc(b, ',');
		buf_add_double(b, v[i]);
	}
	buf_adds(b, "]}");
}

struct detector *
detector_load(const struct detector_params *p, const char *json, size_t len,
    char *why, size_t whylen)
{
	json_error_t je;
	json_t *root = json_loadb(json, len, 0, &je), *a;
	struct detector *d = NULL;
	double *v;

	if (root == NULL) {
		snprintf(why, whylen, "state: %s", je.text);
		return NULL;
	}
	if (json_integer_value(json_object_get(root, "v")) != STATE_VERSION) {
		snprintf(why, whylen, "state: not version %d", STATE_VERSION);
		goto out;
	}
	a = json_object_get(root, "state");
	if (!json_is_array(a) || json_array_size(a) != STATE_DOUBLES) {
		snprintf(why, whylen, "state: not an array of %zu numbers",
		    (size_t)STATE_DOUBLES);
		goto out;
	}
	d = detector_new(p);
	v = (double *)&d->s;
	for (size_t i = 0; i < STATE_DOUBLES; i++) {
		json_t *e = json_array_get(a, i);

		if (!json_is_number(e) || !isfinite(json_number_value(e))) {
			snprintf(why, whylen, "state: element %zu is not a "
					      "finite number", i);
			detector_free(d);
			d = NULL;
			goto out;
		}
		v[i] = json_number_value(e);
	}
out:
	json_decref(root);
	return d;
}
