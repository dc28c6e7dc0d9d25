/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Opening a state file to load it (see statefile.h): the type is checked
 * on a descriptor opened without waiting, before anything is read.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/statefile.h"

/*
 * Open the state file at path for reading.  Returns a new stream (caller
 * closes with fclose()); or NULL with err cleared when there is no state
 * to load (no file, or not a regular file); or NULL with err set
 * (EX_NOINPUT: it cannot be opened, or is a directory).
 */
FILE *
statefile_open(const char *path, struct ad_err *err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), e;
	struct stat st;
	FILE *fp;

	ad_err_clear(err);
	if (fd < 0 && errno == ENOENT)
		return NULL;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		errno = EISDIR;
	else if (fd >= 0 && !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	} else if (fd >= 0 &&
		   fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == 0 &&
		   (fp = fdopen(fd, "r")) != NULL)
		return fp;
	e = errno;
	if (fd >= 0)
		close(fd);
	ad_err_set(err, EX_NOINPUT, "cannot open '%s': %s", path, strerror(e));
	return NULL;
}
