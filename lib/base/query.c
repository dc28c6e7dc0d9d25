/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Splitting "name=value&name=value": parameters are separated by '&',
 * empty ones ("a=1&&b=2", a trailing '&') are skipped, and a parameter
 * without '=' has the empty value.
 */
#include <string.h>

#include "base/query.h"

/*
 * Fill *qp with the next non-empty parameter at *pos (the text after '?',
 * NUL-terminated; NULL for none) and move *pos past it.  Returns false,
 * leaving *qp alone, when no parameter is left.  The spans in *qp borrow
 * from the text.
 */
bool
query_next(const char **pos, struct query_param *qp)
{
	const char *p = *pos;

	if (p == NULL)
		return false;
	for (;;) {
		const char *amp = strchr(p, '&');
		size_t n = amp != NULL ? (size_t)(amp - p) : strlen(p);
		const char *eq;

		if (n == 0) {
			if (amp == NULL) {
				*pos = p;
				return false;
			}
			p = amp + 1;
			continue;
		}
		eq = memchr(p, '=', n);
		qp->text = p;
		qp->len = n;
		qp->name = p;
		qp->namelen = eq != NULL ? (size_t)(eq - p) : n;
		qp->has_value = eq != NULL;
		qp->value = eq != NULL ? eq + 1 : "";
		qp->valuelen = eq != NULL ? n - qp->namelen - 1 : 0;
		*pos = amp != NULL ? amp + 1 : p + n;
		return true;
	}
}
