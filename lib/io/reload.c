/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Model file change detection.  Model writers rename a new file into
 * place (lib/modelfile), so a changed inode is the usual signal; size and
 * mtime catch in-place rewrites too.  A missing file, or one that is not
 * a regular file (a FIFO, a device), is "not changed": the old model stays
 * in service until a new one appears.
 */
#include <string.h>
#include <sys/stat.h>

#include "base/clock.h"
#include "io/reload.h"

volatile sig_atomic_t reload_hup;

static void
on_hup(int sig)
{
	(void)sig;
	reload_hup = 1;
}

/* Make SIGHUP request a reload instead of ending the process. */
void
reload_signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_hup;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
}

static void
remember(struct reload *r, const struct stat *st)
{
	r->dev = st->st_dev;
	r->ino = st->st_ino;
	r->size = st->st_size;
	r->mtime_ns =
	    (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/* Start watching path (borrowed) as it is now. */
void
reload_init(struct reload *r, const char *path)
{
	struct stat st;

	memset(r, 0, sizeof(*r));
	r->path = path;
	if (stat(path, &st) == 0)
		remember(r, &st);
	r->checked_ns = clock_now_ns();
}

/*
 * Whether the file was replaced since the last call that returned true
 * (or since reload_init), or SIGHUP arrived.  Cheap enough to call between
 * every two records: it stats the file at most every 200 ms.
 */
bool
reload_changed(struct reload *r)
{
	struct stat st;
	int64_t now;

	if (reload_hup) {
		reload_hup = 0;
		if (stat(r->path, &st) != 0 || !S_ISREG(st.st_mode))
			return false;
		remember(r, &st);
		return true;
	}
	now = clock_now_ns();
	if (now - r->checked_ns < 200000000)
		return false;
	r->checked_ns = now;
	/*
	 * A FIFO or a device put in the model's place is no model: reading
	 * it could wait for a writer forever while the records wait.
	 */
	if (stat(r->path, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	if (st.st_dev == r->dev && st.st_ino == r->ino &&
	    st.st_size == r->size &&
	    (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec ==
		r->mtime_ns)
		return false;
	remember(r, &st);
	return true;
}
