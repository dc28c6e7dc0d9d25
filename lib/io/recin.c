/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Record input over many operands.  Sources are opened one after another;
 * one that cannot be opened is reported and remembered (exit 66) and the
 * rest are still read, as cat(1) does.  Bad lines go to the dead-letter
 * file exactly as read, with a newline, so that nothing is lost.
 *
 * At-least-once for Kafka: a source's offsets are committed only after the
 * program's sink is flushed.  With recin_set_sink(), recin does that by
 * itself whenever the source is about to wait for input, before a
 * rebalance takes partitions away, at least once a second while input
 * keeps coming, and when a source ends; without it, a source that ends is
 * kept open until the program's recin_commit().
 *
 * Liveness, for every program (recin_set_live(), or the sink of
 * recin_set_sink()): the sink is pushed (sink_push()) whenever the input
 * is about to wait and whenever RECIN_PUSH_MS have passed since the last
 * push while input keeps coming, so a record written is seen downstream
 * within about 100 ms (or one record's work) whatever the sink, and a
 * busy stream still goes out in large writes.
 */
#include <errno.h>
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/endpoint.h"
#include "base/clock.h"
#include "io/metrics.h"
#include "io/ndjson.h"
#include "io/recin.h"
#include "io/reject.h"

struct recin {
	char *const *operands;
	size_t noperands, next_operand;
	const struct io_conf *conf;
	struct source *src;
	struct line line;
	struct reject rej;
	bool stopped;
	size_t nread;
	int status;
	struct sink *out;      /* flushed before commits, or NULL */
	struct source **ended; /* read to the end, commit still due */
	size_t nended;
	int64_t synced_ms;	 /* when out was last flushed and committed */
	struct sink *live;	 /* pushed when input waits, or NULL */
	int64_t pushed_ms;	 /* when out or live was last pushed */
	struct metrics *metrics; /* --metrics, owned, or NULL */
	void (*fill)(struct metrics *m, void *arg); /* the program's own */
	void *fill_arg;
	int64_t read_ms;      /* when the last line was read */
	bool metrics_failed;  /* said once */
	size_t metrics_nread; /* lines read when it was last written */
	int64_t metrics_ms;   /* when it was last written */
	bool metrics_force;   /* write at the next chance (the end) */
};

#define RECIN_SYNC_MS 1000
#define RECIN_PUSH_MS 100

/*
 * Set the Kafka source's lag and last commit, when it knows them.  Also
 * called as a source ends, before it is closed, so that the file written
 * at the end does not keep the lag of the last write while it was read.
 */
static void
recin_lag_metrics(struct recin *in)
{
	struct source_lag lag;

	if (in->metrics == NULL || in->src == NULL ||
	    !source_lag(in->src, &lag))
		return;
	metrics_set(in->metrics, "kafka_consumer_lag_messages",
	    "Messages on the assigned partitions not read yet.", false,
	    (double)lag.lag);
	if (lag.commit_ns > 0)
		metrics_set(in->metrics, "kafka_last_commit_seconds",
		    "When a commit was last confirmed (Unix time).", false,
		    (double)lag.commit_ns * 1e-9);
}

/*
 * Rewrite the --metrics file when it is due; idle (the input waits, a
 * call each second): also when lines were read since it was written a
 * second or more ago, so that the figures of a quiet stream are current.
 */
static void
recin_metrics(struct recin *in, int64_t now, bool idle)
{
	struct sink *snk = in->live != NULL ? in->live : in->out;
	struct timespec ts;
	struct ad_err e;

	if (in->metrics == NULL)
		return;
	if (!in->metrics_force && !metrics_due(in->metrics, now) &&
	    !(idle && in->nread != in->metrics_nread &&
		now - in->metrics_ms >= 1000))
		return;
	in->metrics_force = false;
	in->metrics_nread = in->nread;
	in->metrics_ms = now;
	clock_gettime(CLOCK_REALTIME, &ts);
	metrics_set(in->metrics, "records_read",
	    "Input lines read, rejected ones included.", true,
	    (double)in->nread);
	metrics_set(in->metrics, "records_rejected",
	    "Input lines rejected as bad records.", true,
	    (double)in->rej.count);
	if (snk != NULL)
		metrics_set(in->metrics, "records_written",
		    "Records written to the output.", true,
		    (double)sink_written(snk));
	if (in->nread > 0)
		metrics_set(in->metrics, "last_read_seconds",
		    "When the last input line was read (Unix time).", false,
		    (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9 -
			(double)(now - in->read_ms) * 1e-3);
	recin_lag_metrics(in);
	if (in->fill != NULL)
		in->fill(in->metrics, in->fill_arg);
	ad_err_clear(&e);
	if (metrics_write(in->metrics, &e) < 0 && !in->metrics_failed) {
		in->metrics_failed = true;
		io_warn_err(in->conf, &e);
	}
}

/* Push the program's sink (out, else live) on towards its reader. */
static int
recin_push(struct recin *in, struct ad_err *err)
{
	struct sink *snk = in->out != NULL ? in->out : in->live;

	if (snk == NULL)
		return 0;
	in->pushed_ms = clock_now_ms();
	return sink_push(snk, err);
}

/* Flush the sink and the dead-letter file, then commit: the idle hook. */
static int
recin_sync(void *arg, struct ad_err *err)
{
	struct recin *in = arg;

	recin_metrics(in, clock_now_ms(), true);
	if (in->out == NULL)
		return recin_push(in, err);
	in->synced_ms = in->pushed_ms = clock_now_ms();
	if (sink_flush(in->out, err) < 0)
		return -1;
	return recin_commit(in, err);
}

static char *const stdin_operand[] = {"-"};

/*
 * Start reading operands (borrowed; stdin when n is 0).  With reject_path,
 * bad lines are appended to that file.  Returns a new reader (caller frees
 * with recin_free()), or NULL with err set (EX_CANTCREAT) when the
 * dead-letter file cannot be opened.
 */
struct recin *
recin_new(char *const *operands, size_t n, const struct io_conf *conf,
    const char *reject_path, bool strict, struct ad_err *err)
{
	struct recin *in = xcalloc(1, sizeof(*in));

	in->operands = n > 0 ? operands : stdin_operand;
	in->noperands = n > 0 ? n : 1;
	in->conf = conf;
	if (reject_init(&in->rej, reject_path, strict, conf->warn, err) < 0) {
		free(in);
		return NULL;
	}
	return in;
}

/*
 * Next raw line from the operands.  Returns 1 with *line (borrowed until
 * the next call), 0 when every operand is read (or after a strict stop or
 * a stop signal), -1 with err set on a read error.  Over-long lines are
 * rejected here and never returned.
 */
int
recin_next_line(struct recin *in, struct line *line, struct ad_err *err)
{
	for (;;) {
		int rc;

		if (in->stopped || ad_stop)
			return 0;
		if (in->src == NULL) {
			const char *spec;

			if (in->next_operand >= in->noperands)
				return 0;
			spec = in->operands[in->next_operand++];
			in->src = source_open(spec, in->conf, err);
			if (in->src == NULL) {
				/* Other failures are the caller's to report. */
				if (err->status != EX_NOINPUT)
					return -1;
				io_warn_err(in->conf, err);
				in->status = EX_NOINPUT;
				continue;
			}
			source_set_idle(in->src, recin_sync, in);
		}
		if (in->out != NULL || in->live != NULL ||
		    in->metrics != NULL) {
			/* once per line: the cheap clock */
			int64_t now = clock_coarse_ms();

			recin_metrics(in, now, false);
			if (in->out != NULL &&
			    now - in->synced_ms >= RECIN_SYNC_MS) {
				if (recin_sync(in, err) < 0)
					return -1;
			} else if (now - in->pushed_ms >= RECIN_PUSH_MS &&
				   recin_push(in, err) < 0) {
				return -1;
			}
		}
		rc = source_next(in->src, &in->line, err);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			/* Commit once what was read from it is written. */
			if (in->out != NULL) {
				if (recin_sync(in, err) < 0)
					return -1;
				recin_lag_metrics(in);
				source_close(in->src);
			} else {
				recin_lag_metrics(in);
				in->ended = xreallocarray(in->ended,
				    in->nended + 1, sizeof(*in->ended));
				in->ended[in->nended++] = in->src;
				source_set_idle(in->src, NULL, NULL);
			}
			in->src = NULL;
			continue;
		}
		in->nread++;
		if (in->metrics != NULL)
			in->read_ms = clock_coarse_ms();
		if (in->line.too_long) {
			if (recin_reject(in, "line longer than %zu bytes",
				in->conf->max_line) < 0)
				return 0;
			continue;
		}
		*line = in->line;
		return 1;
	}
}

/*
 * Next record.  Returns 1 with *rec (a new reference), 0 at the end, -1
 * with err set on a read error.  Lines that are not JSON objects are
 * rejected (reported, counted, dead-lettered) and skipped.
 */
int
recin_next(struct recin *in, json_t **rec, struct ad_err *err)
{
	struct line line;
	char why[300];
	int rc;

	while ((rc = recin_next_line(in, &line, err)) > 0) {
		*rec = ndjson_parse(line.buf, line.len, why, sizeof(why));
		if (*rec != NULL)
			return 1;
		if (recin_reject(in, "%s", why) < 0)
			return 0;
	}
	return rc;
}

/* The bookkeeping after a rejected line; rc is reject_line()'s. */
static int
rejected(struct recin *in, int rc)
{
	if (in->status == 0)
		in->status = EX_DATAERR;
	if (in->rej.failed)
		in->status = EX_IOERR;
	if (rc < 0)
		in->stopped = true;
	return rc;
}

/*
 * Reject the line last read: print "prog: source:line: reason", count it,
 * and copy it to the dead-letter file.  Returns 0 to go on, or -1 when
 * strict mode says to stop (the input then ends).
 */
int
recin_reject(struct recin *in, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	if (in->line.where != NULL) {
		/* Kafka: say which message, "topic[partition]@offset". */
		char why[600];

		vsnprintf(why, sizeof(why), fmt, ap);
		rc = reject_line(&in->rej, recin_source_name(in),
		    in->line.lineno, in->line.buf, in->line.len, "%s (%s)", why,
		    in->line.where);
	} else {
		rc = reject_vline(&in->rej, recin_source_name(in),
		    in->line.lineno, in->line.buf, in->line.len, fmt, ap);
	}
	va_end(ap);
	return rejected(in, rc);
}

/*
 * Reject a line read earlier, given its source name, line number and
 * bytes (for readers that parse lines in batches, after later lines were
 * read); otherwise as recin_reject().
 */
int
recin_reject_at(struct recin *in, const char *source, size_t lineno,
    const char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = reject_vline(&in->rej, source, lineno, buf, len, fmt, ap);
	va_end(ap);
	return rejected(in, rc);
}

/*
 * Commit what has been read so far (Kafka offsets) and flush the
 * dead-letter file.  Call after the results are written.  Sources that
 * have ended are closed once committed.  Returns 0 or -1 with err set.
 */
int
recin_commit(struct recin *in, struct ad_err *err)
{
	if (reject_flush(&in->rej, err) < 0)
		return -1;
	while (in->nended > 0) {
		if (source_commit(in->ended[in->nended - 1], err) < 0)
			return -1;
		source_close(in->ended[--in->nended]);
	}
	if (in->src != NULL)
		return source_commit(in->src, err);
	return 0;
}

/*
 * Let recin flush out (borrowed; it must stay open until recin_free() or
 * until recin_set_sink(in, NULL)) and commit on its own: whenever a Kafka
 * source is about to wait for messages or to lose partitions in a
 * rebalance, at least every second while input keeps coming, and when a
 * source ends.  Only for programs that write everything derived from a
 * record before reading the next one.
 */
void
recin_set_sink(struct recin *in, struct sink *out)
{
	in->out = out;
	in->synced_ms = in->pushed_ms = clock_now_ms();
}

/*
 * Keep out (borrowed, open until recin_free() or recin_set_live(in,
 * NULL)) live: push it whenever the input is about to wait and at least
 * every 100 ms while input keeps coming, so that what the program wrote
 * reaches its reader in bounded time whatever the sink.  Commits nothing;
 * safe for every program, also those that hold records back (windows,
 * lateness).  cli_open_io() sets it.  recin_set_sink() takes precedence.
 */
void
recin_set_live(struct recin *in, struct sink *out)
{
	in->live = out;
	in->pushed_ms = clock_now_ms();
}

/*
 * Write --metrics to m (owned by in from now on; NULL: none): lines read
 * and rejected, records written to the sink of recin_set_live() (else of
 * recin_set_sink()), and when the last line was read.  Rewritten every
 * METRICS_EVERY_MS while lines come, when the input is about to wait if
 * that long has passed, and by recin_write_metrics().
 */
void
recin_set_metrics(struct recin *in, struct metrics *m)
{
	if (m != in->metrics)
		metrics_free(in->metrics);
	in->metrics = m;
}

/* Let fill (may be NULL) set the program's own metrics, before each write. */
void
recin_set_metrics_fill(
    struct recin *in, void (*fill)(struct metrics *m, void *arg), void *arg)
{
	in->fill = fill;
	in->fill_arg = arg;
}

/*
 * Write the --metrics file with the fill of recin_set_metrics_fill() one
 * last time, then forget it: its state is about to be freed.  The figures
 * it set stay in the later writes.
 */
void
recin_detach_metrics(struct recin *in)
{
	if (in->fill != NULL)
		recin_write_metrics(in);
	in->fill = NULL;
	in->fill_arg = NULL;
}

/* Rewrite the --metrics file now (at the end); a no-op without one. */
void
recin_write_metrics(struct recin *in)
{
	in->metrics_force = true;
	recin_metrics(in, clock_now_ms(), false);
}

/* Name of the source being read, for messages.  Borrowed. */
const char *
recin_source_name(const struct recin *in)
{
	return in->src ? source_name(in->src) : "<input>";
}

/* Line number of the line last read in its source. */
size_t
recin_lineno(const struct recin *in)
{
	return in->line.lineno;
}

/* Lines read so far, rejected ones included. */
size_t
recin_read_count(const struct recin *in)
{
	return in->nread;
}

/* Lines rejected so far. */
size_t
recin_reject_count(const struct recin *in)
{
	return in->rej.count;
}

/*
 * The exit status the input calls for: EX_NOINPUT if an operand could not
 * be opened, EX_IOERR if the dead-letter file failed, EX_DATAERR if a line
 * was rejected, else EX_OK.
 */
int
recin_status(const struct recin *in)
{
	return in->status;
}

/* Close everything; NULL is a no-op. */
void
recin_free(struct recin *in)
{
	if (in == NULL)
		return;
	if (in->src != NULL)
		source_set_idle(in->src, NULL, NULL);
	source_close(in->src);
	while (in->nended > 0)
		source_close(in->ended[--in->nended]);
	free(in->ended);
	reject_release(&in->rej);
	metrics_free(in->metrics);
	free(in);
}
