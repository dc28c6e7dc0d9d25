/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Kafka addressing and configuration, shared by the consumer
 * (lib/kafka_source.c) and the producer (lib/kafka_sink.c).  A topic is
 * named by kafka://HOST:PORT[,HOST:PORT...]/TOPIC[?PARAMS] where PARAMS
 * are group=G, offset=earliest|latest|stored and key=FIELD joined by '&'.
 * librdkafka properties come from our defaults, then -X/-F in order, so
 * the user can override any default; a property librdkafka rejects is
 * EX_CONFIG with its own message, as kcat reports it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/query.h"
#include "io/kafka_impl.h"

static int
parse_param(
    struct kafka_uri *u, const struct query_param *qp, struct ad_err *err)
{
	const char *p = qp->name;
	size_t klen = qp->namelen;
	char *val = xstrndup(qp->value, qp->valuelen);

	if (klen == 5 && memcmp(p, "group", 5) == 0) {
		free(u->group);
		u->group = val;
		return 0;
	}
	if (klen == 3 && memcmp(p, "key", 3) == 0 && *val != '\0') {
		free(u->key);
		u->key = val;
		return 0;
	}
	if (klen == 6 && memcmp(p, "offset", 6) == 0) {
		if (strcmp(val, "earliest") == 0 ||
		    strcmp(val, "beginning") == 0)
			u->offset = KAFKA_OFFSET_EARLIEST;
		else if (strcmp(val, "latest") == 0 || strcmp(val, "end") == 0)
			u->offset = KAFKA_OFFSET_LATEST;
		else if (strcmp(val, "stored") == 0)
			u->offset = KAFKA_OFFSET_STORED;
		else {
			ad_err_set(err, EX_USAGE,
			    "'%s': offset must be earliest, latest or stored, "
			    "got '%s'",
			    u->name, val);
			free(val);
			return -1;
		}
		free(val);
		return 0;
	}
	ad_err_set(err, EX_USAGE, "'%s': unknown parameter '%.*s'", u->name,
	    (int)qp->len, qp->text);
	free(val);
	return -1;
}

/*
 * Parse a kafka:// spec into u (which the caller releases with
 * kafka_uri_release(), also after an error).  Returns 0, or -1 with err
 * set (EX_USAGE) when brokers or topic are missing or a parameter is
 * unknown.
 */
int
kafka_uri_parse(struct kafka_uri *u, const char *spec, struct ad_err *err)
{
	const char *p = spec + 8, *slash, *q, *params;
	struct query_param qp;
	size_t n;

	memset(u, 0, sizeof(*u));
	q = strchr(p, '?');
	n = q ? (size_t)(q - spec) : strlen(spec);
	u->name = xstrndup(spec, n);
	slash = memchr(p, '/', (size_t)(spec + n - p));
	if (slash == NULL || slash == p || slash + 1 == spec + n) {
		ad_err_set(err, EX_USAGE,
		    "'%s': expected kafka://HOST:PORT/TOPIC", spec);
		return -1;
	}
	u->brokers = xstrndup(p, (size_t)(slash - p));
	u->topic = xstrndup(slash + 1, (size_t)(spec + n - slash - 1));
	if (strchr(u->topic, '/') != NULL) {
		ad_err_set(
		    err, EX_USAGE, "'%s': bad topic name '%s'", spec, u->topic);
		return -1;
	}
	params = q != NULL ? q + 1 : NULL;
	while (query_next(&params, &qp))
		if (parse_param(u, &qp, err) < 0)
			return -1;
	return 0;
}

/* Free what u owns. */
void
kafka_uri_release(struct kafka_uri *u)
{
	free(u->brokers);
	free(u->topic);
	free(u->group);
	free(u->key);
	free(u->name);
	memset(u, 0, sizeof(*u));
}

/*
 * librdkafka logs from its own threads; only what the user asks for with
 * -X log_level=N (default: critical only) reaches the program's warn
 * hook, tagged.
 */
static void
log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	const struct kafka_errs *errs = rd_kafka_opaque(rk);

	(void)level;
	io_warn(errs->conf, NULL, 0, "kafka: %s: %s", fac, buf);
}

static void
error_cb(rd_kafka_t *rk, int code, const char *reason, void *opaque)
{
	struct kafka_errs *errs = rd_kafka_opaque(rk);

	(void)opaque;
	if (errs == NULL)
		return;
	snprintf(errs->last, sizeof(errs->last), "%s", reason);
	errs->code = (rd_kafka_resp_err_t)code;
	if (code == RD_KAFKA_RESP_ERR__FATAL)
		errs->fatal = true;
}

static int
conf_set(rd_kafka_conf_t *kc, const char *nv, struct ad_err *err)
{
	char name[256], errstr[512];
	const char *eq = strchr(nv, '=');

	if (eq == NULL || (size_t)(eq - nv) >= sizeof(name)) {
		ad_err_set(
		    err, EX_CONFIG, "kafka: '%s': expected name=value", nv);
		return -1;
	}
	memcpy(name, nv, (size_t)(eq - nv));
	name[eq - nv] = '\0';
	if (rd_kafka_conf_set(kc, name, eq + 1, errstr, sizeof(errstr)) !=
	    RD_KAFKA_CONF_OK) {
		ad_err_set(err, EX_CONFIG, "kafka: %s", errstr);
		return -1;
	}
	return 0;
}

/*
 * Whether the user property nv names the brokers, which only the URI
 * does: a -X bootstrap.servers would silently send the records elsewhere
 * than the URI says (or, empty, nowhere).
 */
static bool
names_brokers(const char *nv)
{
	static const char *const names[] = {
	    "bootstrap.servers=", "metadata.broker.list="};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strncmp(nv, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

/*
 * Build a librdkafka configuration: bootstrap.servers from u, client.id,
 * quiet logging, then defaults ("name=value" strings, NULL-terminated),
 * then the user's -X/-F properties, which may not name the brokers.  errs (borrowed, must outlive the
 * client) collects error_cb reports and hands librdkafka's log lines to
 * conf's warn hook (conf, borrowed, must outlive the client too); it is
 * also the client's opaque.
 * Loads librdkafka (lib/io/rdk) the first time.  Returns a new conf (owned
 * by the caller until rd_kafka_new()), or NULL with err set (EX_CONFIG, or
 * EX_UNAVAILABLE when librdkafka cannot be loaded).
 */
rd_kafka_conf_t *
kafka_conf_new(const struct kafka_uri *u, const struct io_conf *conf,
    const char *const *defaults, struct kafka_errs *errs, struct ad_err *err)
{
	rd_kafka_conf_t *kc;
	char nv[1024];

	if (rdk_load(err) < 0)
		return NULL;
	kc = rd_kafka_conf_new();
	snprintf(nv, sizeof(nv), "bootstrap.servers=%s", u->brokers);
	if (conf_set(kc, nv, err) < 0)
		goto fail;
	snprintf(nv, sizeof(nv), "client.id=%s",
	    conf->client_id ? conf->client_id : "adpipe");
	if (conf_set(kc, nv, err) < 0 || conf_set(kc, "log_level=2", err) < 0)
		goto fail;
	for (size_t i = 0; defaults != NULL && defaults[i] != NULL; i++)
		if (conf_set(kc, defaults[i], err) < 0)
			goto fail;
	for (size_t i = 0; i < conf->nprops; i++) {
		if (names_brokers(conf->props[i])) {
			ad_err_set(err, EX_CONFIG,
			    "kafka: '%s': the brokers are set by the URI "
			    "(kafka://brokers/topic), not by a property",
			    conf->props[i]);
			goto fail;
		}
		if (conf_set(kc, conf->props[i], err) < 0)
			goto fail;
	}
	errs->conf = conf;
	rd_kafka_conf_set_log_cb(kc, log_cb);
	rd_kafka_conf_set_error_cb(kc, error_cb);
	rd_kafka_conf_set_opaque(kc, errs);
	return kc;
fail:
	rd_kafka_conf_destroy(kc);
	return NULL;
}

/*
 * Create a client from kc, which it takes over whatever happens.  Returns
 * the client, or NULL with err set (EX_CONFIG: librdkafka refused the
 * combination of properties).
 */
rd_kafka_t *
kafka_new(rd_kafka_type_t type, rd_kafka_conf_t *kc, struct ad_err *err)
{
	char errstr[512];
	rd_kafka_t *rk = rd_kafka_new(type, kc, errstr, sizeof(errstr));

	if (rk == NULL) {
		rd_kafka_conf_destroy(kc);
		ad_err_set(err, EX_CONFIG, "kafka: %s", errstr);
	}
	return rk;
}

/*
 * Wait up to timeout_ms for the cluster to answer a metadata request for
 * u's topic, retrying while brokers are unreachable.  Sets *partitions to
 * the topic's partition count.  A stop signal ends the wait within about
 * 100 ms: 0 with *partitions left as it was (the program stops before it
 * reads or writes).  Returns 0, or -1 with err set: EX_UNAVAILABLE when
 * no broker answered in time or the topic does not exist.
 */
int
kafka_wait_topic(rd_kafka_t *rk, const struct kafka_uri *u, int64_t timeout_ms,
    const struct kafka_errs *errs, int *partitions, struct ad_err *err)
{
	int64_t deadline = clock_now_ms() + (timeout_ms > 0 ? timeout_ms : 1);
	rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, u->topic, NULL);
	rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR__TIMED_OUT;

	for (;;) {
		const struct rd_kafka_metadata *md = NULL;
		int64_t left = deadline - clock_now_ms();

		if (ad_stop) {
			rd_kafka_topic_destroy(rkt);
			return 0;
		}
		if (left <= 0)
			break;
		/* in slices, so that a stop is seen */
		e = rd_kafka_metadata(
		    rk, 0, rkt, &md, (int)(left < 100 ? left : 100));
		if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
			e = md->topic_cnt == 1
				? md->topics[0].err
				: RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC;
			*partitions = md->topic_cnt == 1
					  ? md->topics[0].partition_cnt
					  : 0;
			rd_kafka_metadata_destroy(md);
			if (e == RD_KAFKA_RESP_ERR_NO_ERROR && *partitions > 0)
				break;
			if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
				e = RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE;
			if (e == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
			    e == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC)
				break;
		}
		/* Brokers still down or the topic being created. */
		struct timespec ts = {0, 100 * 1000000};
		nanosleep(&ts, NULL);
	}
	rd_kafka_topic_destroy(rkt);
	if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
		return 0;
	if (e == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
	    e == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC)
		ad_err_set(err, EX_UNAVAILABLE,
		    "kafka: '%s': topic '%s' does not exist", u->name,
		    u->topic);
	else
		ad_err_set(err, EX_UNAVAILABLE,
		    "kafka: '%s': no answer from the brokers within %lld ms "
		    "(%s)",
		    u->name, (long long)timeout_ms,
		    errs->last[0] ? errs->last : rd_kafka_err2str(e));
	return -1;
}

/*
 * Whether a failed delivery may succeed if tried again later (exit 75
 * rather than 69).
 */
bool
kafka_err_retriable(rd_kafka_resp_err_t code)
{
	switch (code) {
	case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
	case RD_KAFKA_RESP_ERR__TIMED_OUT:
	case RD_KAFKA_RESP_ERR__TRANSPORT:
	case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
	case RD_KAFKA_RESP_ERR__QUEUE_FULL:
	case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
	case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
	case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
	case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
	case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
	case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
	case RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE:
		return true;
	default:
		return false;
	}
}
