/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * What lib/kafka.c shares with lib/kafka_source.c and lib/kafka_sink.c:
 * the parsed kafka:// URI, the librdkafka configuration built from it and
 * from -X/-F, the metadata wait that turns an unreachable cluster into
 * EX_UNAVAILABLE, and the error classification.  Private to lib/kafka*.
 */
#ifndef KAFKA_IMPL_H
#define KAFKA_IMPL_H

#include <librdkafka/rdkafka.h>
#include <stdbool.h>

#include "base/ad.h"
#include "io/io.h"
#include "io/rdk.h"

enum kafka_offset {
	KAFKA_OFFSET_DEFAULT, /* stored with a group, else earliest */
	KAFKA_OFFSET_EARLIEST,
	KAFKA_OFFSET_LATEST,
	KAFKA_OFFSET_STORED,
};

struct kafka_uri {
	char *brokers; /* "host:port,host:port" */
	char *topic;
	char *group; /* NULL: plain assignment */
	char *key;   /* key=FIELD, or NULL */
	enum kafka_offset offset;
	char *name; /* "kafka://brokers/topic", for messages */
};

/* The last error librdkafka reported through error_cb, for messages. */
struct kafka_errs {
	char last[256];
	rd_kafka_resp_err_t code;
	bool fatal;
	const struct io_conf *conf; /* its warn hook hears librdkafka's logs */
};

int kafka_uri_parse(struct kafka_uri *u, const char *spec, struct ad_err *err);
void kafka_uri_release(struct kafka_uri *u);
rd_kafka_conf_t *kafka_conf_new(const struct kafka_uri *u,
    const struct io_conf *conf, const char *const *defaults,
    struct kafka_errs *errs, struct ad_err *err);
rd_kafka_t *kafka_new(
    rd_kafka_type_t type, rd_kafka_conf_t *kc, struct ad_err *err);
int kafka_wait_topic(rd_kafka_t *rk, const struct kafka_uri *u,
    int64_t timeout_ms, const struct kafka_errs *errs, int *partitions,
    struct ad_err *err);
bool kafka_err_retriable(rd_kafka_resp_err_t code);

#endif
