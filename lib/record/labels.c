/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Label-to-class mapping (see labels.h).  A handful of labels: linear
 * search is plenty.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/smallfile.h"
#include "record/labels.h"

static size_t
strip_dot(const char *s, size_t len)
{
	return len > 0 && s[len - 1] == '.' ? len - 1 : len;
}

static size_t
add_class(struct labels *l, const char *name)
{
	for (size_t i = 0; i < l->nclass; i++)
		if (strcmp(l->classes[i], name) == 0)
			return i;
	l->classes =
	    xreallocarray(l->classes, l->nclass + 1, sizeof(*l->classes));
	l->classes[l->nclass] = xstrdup(name);
	return l->nclass++;
}

/* Binary classes: normal (class 0, named after it) and "attack". */
int
labels_binary(struct labels *l, const char *normal)
{
	char *n;

	memset(l, 0, sizeof(*l));
	n = xstrndup(normal, strip_dot(normal, strlen(normal)));
	l->normal = n;
	add_class(l, n);
	add_class(l, strcmp(n, "attack") == 0 ? "anomaly" : "attack");
	return 0;
}

/*
 * Read a classes file.  Returns 0, or -1 with err set: EX_NOINPUT when it
 * cannot be opened, EX_DATAERR for a line that is not "label class".
 */
int
labels_load(struct labels *l, const char *path, struct ad_err *err)
{
	size_t textlen, cap = 0, lineno = 0;
	char *text, *line = NULL;
	ssize_t len;
	FILE *fp;
	int rc = 0;

	memset(l, 0, sizeof(*l));
	add_class(l, "normal");
	text =
	    smallfile_read(path, SMALLFILE_MAX, "classes file", &textlen, err);
	if (text == NULL)
		return -1;
	if (textlen == 0 || (fp = fmemopen(text, textlen, "r")) == NULL) {
		free(text);
		ad_err_set(err, EX_DATAERR, "'%s': no classes", path);
		return -1;
	}
	while ((len = getline(&line, &cap, fp)) > 0) {
		char lab[256], cls[256], extra[2];
		int nf;

		lineno++;
		if (strspn(line, " \t\r\n") == (size_t)len || line[0] == '#')
			continue;
		nf = sscanf(line, "%255s %255s %1s", lab, cls, extra);
		if (nf != 2) {
			ad_err_at(err, EX_DATAERR, path, lineno,
			    "expected 'label class'");
			rc = -1;
			break;
		}
		l->label = xreallocarray(l->label, l->n + 1, sizeof(char *));
		l->class_of =
		    xreallocarray(l->class_of, l->n + 1, sizeof(size_t));
		l->label[l->n] = xstrndup(lab, strip_dot(lab, strlen(lab)));
		l->class_of[l->n++] = add_class(l, cls);
	}
	free(line);
	fclose(fp);
	free(text);
	if (rc == 0 && l->nclass < 2) {
		ad_err_set(err, EX_DATAERR, "'%s': no classes", path);
		rc = -1;
	}
	return rc;
}

/* Class of label s (len bytes), or -1 when a classes file lacks it. */
long
labels_class(const struct labels *l, const char *s, size_t len)
{
	len = strip_dot(s, len);
	if (l->normal != NULL)
		return strlen(l->normal) == len &&
			       memcmp(l->normal, s, len) == 0
			   ? 0
			   : 1;
	if (len == 6 && memcmp(s, "normal", 6) == 0)
		return 0;
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->label[i]) == len &&
		    memcmp(l->label[i], s, len) == 0)
			return (long)l->class_of[i];
	return -1;
}

/* Free what l holds. */
void
labels_release(struct labels *l)
{
	for (size_t i = 0; i < l->nclass; i++)
		free(l->classes[i]);
	for (size_t i = 0; i < l->n; i++)
		free(l->label[i]);
	free(l->classes);
	free(l->label);
	free(l->class_of);
	free(l->normal);
}
