/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Rolling file sink.  Not built yet (issue: Kafka sources and sinks):
 * opening one fails with EX_USAGE and says so.
 */
#include "rollfile.h"

/* Always NULL with err set: rolling files are not built yet. */
struct sink *
rollfile_open(const char *spec, const struct io_conf *conf,
    struct ad_err *err)
{
	(void)conf;
	ad_err_set(err, EX_USAGE, "'file:%s': rolling files not supported yet",
	    spec);
	return NULL;
}
