/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/reload: a file renamed into place, rewritten in
 * place, removed, or appearing after a start without it; the 200 ms
 * limit on checks; and SIGHUP forcing a reload once.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io/reload.h"
#include "tap.h"
#include "tfiles.h"

static void
nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

int
main(void)
{
	char dir[] = "/tmp/t-reload-XXXXXX", path[300], tmp[300];
	struct reload r;

	mkdtemp(dir);
	snprintf(path, sizeof(path), "%s/model", dir);
	snprintf(tmp, sizeof(tmp), "%s/model.tmp", dir);
	write_file(path, "v1");
	reload_init(&r, path);
	ok(!reload_changed(&r), "just started: not changed");
	nap_ms(250);
	ok(!reload_changed(&r), "250 ms later, untouched: not changed");

	write_file(tmp, "v2");
	rename(tmp, path);
	ok(!reload_changed(&r), "renamed into place, within 200 ms: not yet");
	nap_ms(250);
	ok(reload_changed(&r), "after 200 ms: changed");
	nap_ms(250);
	ok(!reload_changed(&r), "once reported, not again");

	write_file(path, "version 3, longer");
	nap_ms(250);
	ok(reload_changed(&r), "rewritten in place (other size): changed");

	unlink(path);
	nap_ms(250);
	ok(!reload_changed(&r), "removed: not changed (the old model stays)");
	write_file(path, "v4");
	nap_ms(250);
	ok(reload_changed(&r), "a new file appears: changed");

	reload_signals_init();
	raise(SIGHUP);
	ok(reload_hup == 1, "SIGHUP caught, the process lives");
	ok(reload_changed(&r), "SIGHUP: changed at once");
	ok(reload_hup == 0 && !reload_changed(&r), "SIGHUP counts once");
	nap_ms(250);
	ok(!reload_changed(&r), "and the file is remembered as it was");
	unlink(path);

	snprintf(path, sizeof(path), "%s/absent", dir);
	reload_init(&r, path);
	nap_ms(250);
	ok(!reload_changed(&r), "watching a missing file: not changed");
	write_file(path, "x");
	nap_ms(250);
	ok(reload_changed(&r), "it appears: changed");
	unlink(path);

	/* A FIFO in the model's place would block the loader: ignored. */
	mkfifo(path, 0600);
	nap_ms(250);
	ok(!reload_changed(&r), "a FIFO replaces it: not changed");
	raise(SIGHUP);
	ok(!reload_changed(&r), "a FIFO, and SIGHUP: not changed");
	unlink(path);
	rmdir(dir);
	return tap_done();
}
