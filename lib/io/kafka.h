/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Kafka sources and sinks over librdkafka, addressed by
 * kafka://HOST:PORT[,HOST:PORT...]/TOPIC[?group=G&offset=...&key=FIELD].
 */
#ifndef KAFKA_H
#define KAFKA_H

#include "base/ad.h"
#include "io/io.h"
#include "io/sink.h"
#include "io/source.h"

struct source *kafka_source_open(
    const char *uri, const struct io_conf *conf, struct ad_err *err);
struct sink *kafka_sink_open(
    const char *uri, const struct io_conf *conf, struct ad_err *err);

#endif
