/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * librdkafka, loaded when the first Kafka endpoint is opened rather than
 * when a program starts: librdkafka and what it pulls in (OpenSSL, SASL,
 * zstd, lz4) cost every program some milliseconds of start-up in the
 * dynamic loader, which a program reading files never needs.  Included
 * by lib/io/kafka_impl.h after <librdkafka/rdkafka.h>: each rd_kafka_
 * function lib/io/kafka* calls becomes a call through rdk's table, so
 * that code reads as plain librdkafka.  rdk_load() must succeed before
 * any of them is called.
 */
#ifndef RDK_H
#define RDK_H

#include <librdkafka/rdkafka.h>

#include "base/ad.h"

/* The librdkafka functions lib/io/kafka* calls. */
#define RDK_FUNCTIONS(X)                                                       \
	X(rd_kafka_assign)                                                     \
	X(rd_kafka_commit)                                                     \
	X(rd_kafka_conf_destroy)                                               \
	X(rd_kafka_conf_new)                                                   \
	X(rd_kafka_conf_set)                                                   \
	X(rd_kafka_conf_set_dr_msg_cb)                                         \
	X(rd_kafka_conf_set_error_cb)                                          \
	X(rd_kafka_conf_set_log_cb)                                            \
	X(rd_kafka_conf_set_offset_commit_cb)                                  \
	X(rd_kafka_conf_set_opaque)                                            \
	X(rd_kafka_conf_set_rebalance_cb)                                      \
	X(rd_kafka_consumer_close)                                             \
	X(rd_kafka_consumer_poll)                                              \
	X(rd_kafka_destroy)                                                    \
	X(rd_kafka_destroy_flags)                                              \
	X(rd_kafka_err2str)                                                    \
	X(rd_kafka_error_destroy)                                              \
	X(rd_kafka_flush)                                                      \
	X(rd_kafka_get_watermark_offsets)                                      \
	X(rd_kafka_incremental_assign)                                         \
	X(rd_kafka_incremental_unassign)                                       \
	X(rd_kafka_message_destroy)                                            \
	X(rd_kafka_message_errstr)                                             \
	X(rd_kafka_metadata)                                                   \
	X(rd_kafka_metadata_destroy)                                           \
	X(rd_kafka_new)                                                        \
	X(rd_kafka_opaque)                                                     \
	X(rd_kafka_outq_len)                                                   \
	X(rd_kafka_poll)                                                       \
	X(rd_kafka_poll_set_consumer)                                          \
	X(rd_kafka_producev)                                                   \
	X(rd_kafka_rebalance_protocol)                                         \
	X(rd_kafka_subscribe)                                                  \
	X(rd_kafka_topic_destroy)                                              \
	X(rd_kafka_topic_new)                                                  \
	X(rd_kafka_topic_partition_list_add)                                   \
	X(rd_kafka_topic_partition_list_destroy)                               \
	X(rd_kafka_topic_partition_list_new)

/* p_rd_kafka_new: the pointer to rd_kafka_new(), and so on */
#define RDK_FIELD(f) __typeof__(f) *p_##f;
struct rdk {
	RDK_FUNCTIONS(RDK_FIELD)
};
#undef RDK_FIELD

extern struct rdk rdk;

/* The shared object rdk_load() opens: the ABI of <librdkafka/rdkafka.h>. */
#define RDK_SONAME "librdkafka.so.1"

int rdk_load(struct ad_err *err);
int rdk_load_from(const char *soname, struct ad_err *err);
bool rdk_loaded(void);

/*
 * From here on, lib/io/kafka*'s calls go through the table (function-like
 * macros: struct rd_kafka_metadata keeps its name).
 */
#define rd_kafka_assign(...) (rdk.p_rd_kafka_assign)(__VA_ARGS__)
#define rd_kafka_commit(...) (rdk.p_rd_kafka_commit)(__VA_ARGS__)
#define rd_kafka_conf_destroy(...) (rdk.p_rd_kafka_conf_destroy)(__VA_ARGS__)
#define rd_kafka_conf_new(...) (rdk.p_rd_kafka_conf_new)(__VA_ARGS__)
#define rd_kafka_conf_set(...) (rdk.p_rd_kafka_conf_set)(__VA_ARGS__)
#define rd_kafka_conf_set_dr_msg_cb(...)                                       \
	(rdk.p_rd_kafka_conf_set_dr_msg_cb)(__VA_ARGS__)
#define rd_kafka_conf_set_error_cb(...)                                        \
	(rdk.p_rd_kafka_conf_set_error_cb)(__VA_ARGS__)
#define rd_kafka_conf_set_log_cb(...)                                          \
	(rdk.p_rd_kafka_conf_set_log_cb)(__VA_ARGS__)
#define rd_kafka_conf_set_offset_commit_cb(...)                                \
	(rdk.p_rd_kafka_conf_set_offset_commit_cb)(__VA_ARGS__)
#define rd_kafka_conf_set_opaque(...)                                          \
	(rdk.p_rd_kafka_conf_set_opaque)(__VA_ARGS__)
#define rd_kafka_conf_set_rebalance_cb(...)                                    \
	(rdk.p_rd_kafka_conf_set_rebalance_cb)(__VA_ARGS__)
#define rd_kafka_consumer_close(...)                                           \
	(rdk.p_rd_kafka_consumer_close)(__VA_ARGS__)
#define rd_kafka_consumer_poll(...) (rdk.p_rd_kafka_consumer_poll)(__VA_ARGS__)
#define rd_kafka_destroy(...) (rdk.p_rd_kafka_destroy)(__VA_ARGS__)
#define rd_kafka_destroy_flags(...) (rdk.p_rd_kafka_destroy_flags)(__VA_ARGS__)
#define rd_kafka_err2str(...) (rdk.p_rd_kafka_err2str)(__VA_ARGS__)
#define rd_kafka_error_destroy(...) (rdk.p_rd_kafka_error_destroy)(__VA_ARGS__)
#define rd_kafka_flush(...) (rdk.p_rd_kafka_flush)(__VA_ARGS__)
#define rd_kafka_get_watermark_offsets(...)                                    \
	(rdk.p_rd_kafka_get_watermark_offsets)(__VA_ARGS__)
#define rd_kafka_incremental_assign(...)                                       \
	(rdk.p_rd_kafka_incremental_assign)(__VA_ARGS__)
#define rd_kafka_incremental_unassign(...)                                     \
	(rdk.p_rd_kafka_incremental_unassign)(__VA_ARGS__)
#define rd_kafka_message_destroy(...)                                          \
	(rdk.p_rd_kafka_message_destroy)(__VA_ARGS__)
#define rd_kafka_message_errstr(...)                                           \
	(rdk.p_rd_kafka_message_errstr)(__VA_ARGS__)
#define rd_kafka_metadata(...) (rdk.p_rd_kafka_metadata)(__VA_ARGS__)
#define rd_kafka_metadata_destroy(...)                                         \
	(rdk.p_rd_kafka_metadata_destroy)(__VA_ARGS__)
#define rd_kafka_new(...) (rdk.p_rd_kafka_new)(__VA_ARGS__)
#define rd_kafka_opaque(...) (rdk.p_rd_kafka_opaque)(__VA_ARGS__)
#define rd_kafka_outq_len(...) (rdk.p_rd_kafka_outq_len)(__VA_ARGS__)
#define rd_kafka_poll(...) (rdk.p_rd_kafka_poll)(__VA_ARGS__)
#define rd_kafka_poll_set_consumer(...)                                        \
	(rdk.p_rd_kafka_poll_set_consumer)(__VA_ARGS__)
#define rd_kafka_producev(...) (rdk.p_rd_kafka_producev)(__VA_ARGS__)
#define rd_kafka_rebalance_protocol(...)                                       \
	(rdk.p_rd_kafka_rebalance_protocol)(__VA_ARGS__)
#define rd_kafka_subscribe(...) (rdk.p_rd_kafka_subscribe)(__VA_ARGS__)
#define rd_kafka_topic_destroy(...) (rdk.p_rd_kafka_topic_destroy)(__VA_ARGS__)
#define rd_kafka_topic_new(...) (rdk.p_rd_kafka_topic_new)(__VA_ARGS__)
#define rd_kafka_topic_partition_list_add(...)                                 \
	(rdk.p_rd_kafka_topic_partition_list_add)(__VA_ARGS__)
#define rd_kafka_topic_partition_list_destroy(...)                             \
	(rdk.p_rd_kafka_topic_partition_list_destroy)(__VA_ARGS__)
#define rd_kafka_topic_partition_list_new(...)                                 \
	(rdk.p_rd_kafka_topic_partition_list_new)(__VA_ARGS__)

#endif
