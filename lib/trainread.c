/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Training record reader (see trainread.h).
 */
#include <string.h>

#include "flatjson.h"
#include "ndjson.h"
#include "trainread.h"

/* The label of a scanned record, or NULL with a reason in why. */
static const char *
flat_label(const struct flatjson_field *fl, int n, const char *name,
    size_t *len, bool *fallback)
{
	size_t nl = strlen(name);

	for (int i = 0; i < n; i++)
		if (fl[i].keylen == nl && memcmp(fl[i].key, name, nl) == 0) {
			if (fl[i].type != FLATJSON_STRING)
				return NULL;
			if (fl[i].escaped) {
				*fallback = true;
				return NULL;
			}
			*len = fl[i].vallen;
			return fl[i].val;
		}
	return NULL;
}

/*
 * Read every record of in into ds (whose schema grows with new fields
 * and categories).  label (NULL in the unsupervised modes) names the
 * label field, mapped to a class through lab; records without it, or
 * with a label lab lacks (classes names the file, for the message), are
 * rejected through recin.  Returns 0, or -1 with err set on a read error.
 */
int
trainread(struct recin *in, struct dataset *ds, const char *label,
    const struct labels *lab, const char *classes, struct ad_err *err)
{
	struct flatjson_field fl[256];
	struct line line;
	double *x = NULL;
	size_t cap = 0;
	bool use_label = label != NULL;
	int rc;

	while ((rc = recin_next_line(in, &line, err)) > 0) {
		int n = flatjson_scan(line.buf, line.len, fl, 256);
		const char *ls = NULL;
		size_t ll = 0;
		bool fallback = n < 0;
		json_t *rec = NULL, *lv;
		long y = 0;

		if (!fallback && use_label)
			ls = flat_label(fl, n, label, &ll, &fallback);
		if (!fallback && featset_learn_flat(ds->fs, fl, n, &x, &cap) < 0)
			fallback = true;
		if (fallback) {
			char why[300];

			rec = ndjson_parse(line.buf, line.len, why, sizeof(why));
			if (rec == NULL) {
				if (recin_reject(in, "%s", why) < 0)
					break;
				continue;
			}
			lv = use_label ? json_object_get(rec, label) : NULL;
			if (json_is_string(lv)) {
				ls = json_string_value(lv);
				ll = json_string_length(lv);
			}
		}
		if (use_label && ls == NULL) {
			json_decref(rec);
			if (recin_reject(in, "missing or non-string label "
					     "field '%s'", label) < 0)
				break;
			continue;
		}
		if (use_label && (y = labels_class(lab, ls, ll)) < 0) {
			json_decref(rec);
			if (recin_reject(in, "label '%.*s' is not in '%s'",
				(int)(ll > 100 ? 100 : ll), ls,
				classes) < 0)
				break;
			continue;
		}
		if (rec != NULL) {
			featset_learn_json(ds->fs, rec, &x, &cap);
			json_decref(rec);
		}
		dataset_add(ds, x, (uint8_t)y);
	}
	free(x);
	return rc < 0 ? -1 : 0;
}

