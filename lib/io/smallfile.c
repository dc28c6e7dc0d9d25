/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Small side files, read whole and bounded (see smallfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/ad.h"
#include "io/smallfile.h"

char *
smallfile_read(const char *path, size_t max, const char *what, size_t *len,
    struct ad_err *err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	char *text = NULL;
	size_t n = 0, cap = 0;
	struct stat st;
	ssize_t got;

	if (fd < 0 || fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		ad_err_set(err, EX_NOINPUT, "cannot open '%s': %s", path,
		    strerror(fd >= 0 && S_ISDIR(st.st_mode) ? EISDIR : errno));
		goto fail;
	}
	/* opened without waiting; now reads wait for data as usual */
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	for (;;) {
		if (n == cap) {
			/* grow with what arrives, up to one byte past max */
			cap = cap == 0 ? 4096 : cap * 2;
			if (cap > max + 1)
				cap = max + 1;
			text = xrealloc(text, cap + 1);
		}
		got = read(fd, text + n, cap - n);
		if (got == 0)
			break;
		if (got < 0 && errno == EINTR && !ad_stop)
			continue;
		if (got < 0) {
			ad_err_set(err, EX_IOERR, "cannot read '%s': %s", path,
			    strerror(errno));
			goto fail;
		}
		n += (size_t)got;
		if (n > max) {
			ad_err_set(err, EX_DATAERR,
			    "'%s': over %zu bytes, not a %s", path, max, what);
			goto fail;
		}
	}
	close(fd);
	if (text == NULL)
		text = xmalloc(1);
	text[n] = '\0';
	*len = n;
	return text;
fail:
	if (fd >= 0)
		close(fd);
	free(text);
	return NULL;
}

struct textsrc {
	char *text;
	size_t len, at, lineno;
};

static int
text_next(void *impl, struct line *line, struct ad_err *err)
{
	struct textsrc *t = impl;
	const char *nl;

	(void)err;
	if (t->at >= t->len)
		return 0;
	line->buf = t->text + t->at;
	nl = memchr(line->buf, '\n', t->len - t->at);
	line->len = nl != NULL ? (size_t)(nl - line->buf) : t->len - t->at;
	t->at += line->len + (nl != NULL);
	if (line->len > 0 && line->buf[line->len - 1] == '\r')
		line->len--;
	line->lineno = ++t->lineno;
	line->too_long = false;
	line->where = NULL;
	return 1;
}

static int
text_commit(void *impl, struct ad_err *err)
{
	(void)impl;
	(void)err;
	return 0;
}

static void
text_close(void *impl)
{
	struct textsrc *t = impl;

	free(t->text);
	free(t);
}

static const struct source_ops text_ops = {
    .next = text_next,
    .commit = text_commit,
    .close = text_close,
};

struct source *
smallfile_source(const char *name, char *text, size_t len)
{
	struct textsrc *t = xcalloc(1, sizeof(*t));

	t->text = text;
	t->len = len;
	return source_new(name, &text_ops, t);
}
