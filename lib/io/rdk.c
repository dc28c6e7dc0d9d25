/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Opening librdkafka at run time: dlopen() of its shared object and one
 * dlsym() per function of the table, all or nothing.  The names are
 * pasted and stringised (# and ##), so rdk.h's macros do not touch them.
 */
#include <dlfcn.h>
#include <string.h>

#include "io/rdk.h"

struct rdk rdk;

static bool loaded;

/* Whether the table is filled. */
bool
rdk_loaded(void)
{
	return loaded;
}

/*
 * Open soname and fill the table from it (once: later calls return at
 * once).  Returns 0, or -1 with err set (EX_UNAVAILABLE) and the table
 * left empty.
 */
int
rdk_load_from(const char *soname, struct ad_err *err)
{
	struct rdk t;
	void *h;

	if (loaded)
		return 0;
	if ((h = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		ad_err_set(err, EX_UNAVAILABLE,
		    "kafka: cannot load %s (the librdkafka library): %s",
		    soname, dlerror());
		return -1;
	}
	memset(&t, 0, sizeof(t));
#define RDK_SYM(f)                                                             \
	if ((*(void **)&t.p_##f = dlsym(h, #f)) == NULL) {                     \
		ad_err_set(err, EX_UNAVAILABLE,                                \
		    "kafka: %s has no %s: librdkafka too old", soname, #f);    \
		dlclose(h);                                                    \
		return -1;                                                     \
	}
	RDK_FUNCTIONS(RDK_SYM)
#undef RDK_SYM
	rdk = t;
	loaded = true;
	return 0;
}

/* rdk_load_from() of the library the headers describe. */
int
rdk_load(struct ad_err *err)
{
	return rdk_load_from(RDK_SONAME, err);
}
