/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Kafka sources and sinks.  Not built yet (issue: Kafka sources and
 * sinks): opening a kafka:// URI fails with EX_UNAVAILABLE and says so.
 */
#include <string.h>

#include "kafka.h"

/* Whether spec names a Kafka topic. */
bool
kafka_is_uri(const char *spec)
{
	return strncmp(spec, "kafka://", 8) == 0;
}

/* Always NULL with err set: Kafka support is not built yet. */
struct source *
kafka_source_open(const char *uri, const struct io_conf *conf,
    struct ad_err *err)
{
	(void)conf;
	ad_err_set(err, EX_UNAVAILABLE, "kafka: '%s': not supported yet", uri);
	return NULL;
}

/* Always NULL with err set: Kafka support is not built yet. */
struct sink *
kafka_sink_open(const char *uri, const struct io_conf *conf,
    struct ad_err *err)
{
	(void)conf;
	ad_err_set(err, EX_UNAVAILABLE, "kafka: '%s': not supported yet", uri);
	return NULL;
}
