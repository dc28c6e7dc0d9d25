/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * struct io_conf: the settings every source and sink takes.  Property
 * files (-F) hold "name=value" lines; blank lines and '#' comments are
 * skipped, as kcat does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/ad.h"
#include "io/io.h"
#include "io/smallfile.h"

/* Set conf to the defaults; client_id is borrowed and must outlive conf. */
void
io_conf_init(struct io_conf *conf, const char *client_id)
{
	memset(conf, 0, sizeof(*conf));
	conf->max_line = IO_MAX_LINE_DEFAULT;
	conf->timeout_ms = 10000;
	conf->client_id = client_id;
}

/* Append a copy of one "name=value" librdkafka property. */
void
io_conf_add_prop(struct io_conf *conf, const char *name_value)
{
	conf->props =
	    xreallocarray(conf->props, conf->nprops + 1, sizeof(*conf->props));
	conf->props[conf->nprops++] = xstrdup(name_value);
}

/*
 * Append every property in the file at path.  Returns 0, or -1 with err
 * set (EX_NOINPUT when it cannot be opened or is a directory, EX_CONFIG
 * for a line without '=' or a file over IO_PROP_FILE_MAX bytes, such as
 * /dev/zero).  A FIFO is read without waiting for a writer to come.
 */
int
io_conf_add_prop_file(
    struct io_conf *conf, const char *path, struct ad_err *err)
{
	char *text, *line, *next;
	size_t len = 0, lineno = 0;
	int rc;

	text =
	    smallfile_read(path, IO_PROP_FILE_MAX, "property file", &len, err);
	if (text == NULL) {
		if (err->status == EX_DATAERR)
			err->status = EX_CONFIG;
		return -1;
	}
	rc = 0;
	for (line = text; line != NULL && line < text + len; line = next) {
		char *p = line, *e;

		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		e = p + strlen(p);
		while (e > p && e[-1] == '\r')
			*--e = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		if (strchr(p, '=') == NULL) {
			ad_err_at(err, EX_CONFIG, path, lineno,
			    "expected name=value, got '%s'", p);
			rc = -1;
			break;
		}
		io_conf_add_prop(conf, p);
	}
	free(text);
	return rc;
}

/* Free what conf owns. */
void
io_conf_release(struct io_conf *conf)
{
	for (size_t i = 0; i < conf->nprops; i++)
		free(conf->props[i]);
	free(conf->props);
	conf->props = NULL;
	conf->nprops = 0;
}

/*
 * Pass one recoverable problem to conf's warn hook (nothing when it has
 * none); file and line locate it, or are NULL and 0.
 */
void
io_warn(const struct io_conf *conf, const char *file, size_t line,
    const char *fmt, ...)
{
	va_list ap;

	if (conf == NULL || conf->warn == NULL)
		return;
	va_start(ap, fmt);
	conf->warn(file, line, fmt, ap);
	va_end(ap);
}

/*
 * Pass err to conf's warn hook as ad_err_report() would print it: with
 * its location when it has one.  err is not changed.
 */
void
io_warn_err(const struct io_conf *conf, const struct ad_err *err)
{
	bool at = err->file[0] != '\0' && err->line > 0;

	io_warn(
	    conf, at ? err->file : NULL, at ? err->line : 0, "%s", err->msg);
}
