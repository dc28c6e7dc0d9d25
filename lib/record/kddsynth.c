/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Synthetic KDD traffic.  Each record is built as 41 numbers and three
 * strings, then printed the way the KDD files print them (integers bare,
 * rates with two decimals) into g->field, so kdd-gen encodes synthetic and
 * real rows the same way.  Attacks come in bursts: one starts after a
 * normal record with probability 1/400, and its family is drawn by weight;
 * about a quarter of all records end up attacks, mostly floods.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "record/kddsynth.h"

enum {
	F_DURATION,
	F_PROTO,
	F_SERVICE,
	F_FLAG,
	F_SRC,
	F_DST,
	F_LAND,
	F_WRONG,
	F_URGENT,
	F_HOT,
	F_FAILED,
	F_LOGGED,
	F_COMPROMISED,
	F_ROOT_SHELL,
	F_SU,
	F_NUM_ROOT,
	F_FILE_CREATE,
	F_SHELLS,
	F_ACCESS,
	F_OUTBOUND,
	F_HOST_LOGIN,
	F_GUEST,
	F_COUNT,
	F_SRV_COUNT,
	F_SERROR,
	F_SRV_SERROR,
	F_RERROR,
	F_SRV_RERROR,
	F_SAME_SRV,
	F_DIFF_SRV,
	F_SRV_DIFF_HOST,
	F_DH_COUNT,
	F_DH_SRV_COUNT,
	F_DH_SAME_SRV,
	F_DH_DIFF_SRV,
	F_DH_SAME_PORT,
	F_DH_SRV_DIFF_HOST,
	F_DH_SERROR,
	F_DH_SRV_SERROR,
	F_DH_RERROR,
	F_DH_SRV_RERROR,
	F_LABEL,
};

struct rec {
	double v[KDD_NCOLUMNS];
	const char *proto, *service, *flag, *label;
};

typedef void attack_fn(struct kddsynth *g, struct rec *r);

struct family {
	const char *label;
	double weight;
	long min_len, max_len;
	attack_fn *make;
};

static double
uni(struct kddsynth *g, double lo, double hi)
{
	return lo + (hi - lo) * prng_uniform(&g->rng);
}

static long
range(struct kddsynth *g, long lo, long hi)
{
	return lo + (long)prng_below(&g->rng, (uint64_t)(hi - lo + 1));
}

static double
lognorm(struct kddsynth *g, double median, double sigma)
{
	return floor(median * exp(sigma * prng_normal(&g->rng)));
}

static const char *
pick(struct kddsynth *g, const char *const *names, size_t n)
{
	return names[prng_below(&g->rng, n)];
}

static double
rate(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

static void
normal_record(struct kddsynth *g, struct rec *r)
{
	double u = prng_uniform(&g->rng);
	double *v = r->v;

	r->label = "normal.";
	r->proto = "tcp";
	r->flag = "SF";
	v[F_LOGGED] = 1;
	v[F_COUNT] = (double)range(g, 1, 30);
	v[F_SRV_COUNT] = v[F_COUNT] + (double)range(g, 0, 10);
	v[F_SAME_SRV] = 1;
	v[F_DH_COUNT] = fmin(255, floor(g->host_load + uni(g, 0, 40)));
	v[F_DH_SRV_COUNT] = fmin(255, floor(v[F_DH_COUNT] * uni(g, 0.6, 1)));
	v[F_DH_SAME_SRV] = rate(uni(g, 0.8, 1.05));
	v[F_DH_DIFF_SRV] = rate(uni(g, -0.05, 0.05));
	v[F_DH_SAME_PORT] = rate(uni(g, -0.2, 0.1));
	v[F_DH_SRV_DIFF_HOST] = rate(uni(g, -0.1, 0.1));
	if (u < 0.60) {
		r->service = "http";
		v[F_SRC] = lognorm(g, 230, 0.25);
		v[F_DST] = lognorm(g, 3000, 1.0);
	} else if (u < 0.75) {
		r->service = "smtp";
		v[F_DURATION] = (double)range(g, 0, 2);
		v[F_SRC] = lognorm(g, 1000, 0.5);
		v[F_DST] = lognorm(g, 330, 0.1);
	} else if (u < 0.83) {
		r->service = "ftp_data";
		v[F_DURATION] = (double)range(g, 0, 5);
		v[F_SRC] = lognorm(g, 2000, 1.5);
		v[F_DST] = 0;
	} else if (u < 0.86) {
		r->service = "ftp";
		v[F_DURATION] = (double)range(g, 1, 300);
		v[F_SRC] = lognorm(g, 200, 0.7);
		v[F_DST] = lognorm(g, 600, 0.5);
		v[F_HOT] = (double)range(g, 0, 2);
	} else if (u < 0.95) {
		r->service = "domain_u";
		r->proto = "udp";
		v[F_LOGGED] = 0;
		v[F_SRC] = (double)range(g, 28, 48);
		v[F_DST] = (double)range(g, 80, 140);
		v[F_COUNT] = (double)range(g, 1, 150);
		v[F_SRV_COUNT] = v[F_COUNT];
	} else if (u < 0.99) {
		r->service = "private";
		r->proto = "udp";
		v[F_LOGGED] = 0;
		v[F_SRC] = 105;
		v[F_DST] = 146;
		v[F_COUNT] = (double)range(g, 1, 4);
		v[F_SRV_COUNT] = v[F_COUNT];
	} else {
		r->service = "ecr_i";
		r->proto = "icmp";
		v[F_LOGGED] = 0;
		v[F_SRC] = (double)range(g, 20, 1480);
		v[F_DST] = 0;
		v[F_COUNT] = (double)range(g, 1, 3);
		v[F_SRV_COUNT] = v[F_COUNT];
	}
}

static void
smurf(struct kddsynth *g, struct rec *r)
{
	double *v = r->v;

	r->proto = "icmp";
	r->service = "ecr_i";
	r->flag = "SF";
	v[F_SRC] = prng_uniform(&g->rng) < 0.85 ? 1032 : 520;
	v[F_COUNT] = v[F_SRV_COUNT] = (double)range(g, 480, 511);
	v[F_SAME_SRV] = 1;
	v[F_DH_COUNT] = v[F_DH_SRV_COUNT] = 255;
	v[F_DH_SAME_SRV] = 1;
	v[F_DH_SAME_PORT] = 1;
}

static void
neptune(struct kddsynth *g, struct rec *r)
{
	static const char *const svc[] = {"private", "private", "private",
	    "telnet", "ftp_data", "http", "finger", "smtp", "other"};
	double *v = r->v;

	r->proto = "tcp";
	r->service = pick(g, svc, sizeof(svc) / sizeof(svc[0]));
	r->flag = prng_uniform(&g->rng) < 0.9 ? "S0" : "REJ";
	v[F_COUNT] = (double)range(g, 100, 511);
	v[F_SRV_COUNT] = (double)range(g, 1, 30);
	if (r->flag[0] == 'S') {
		v[F_SERROR] = v[F_SRV_SERROR] = 1;
		v[F_DH_SERROR] = v[F_DH_SRV_SERROR] = 1;
	} else {
		v[F_RERROR] = v[F_SRV_RERROR] = 1;
		v[F_DH_RERROR] = v[F_DH_SRV_RERROR] = 1;
	}
	v[F_SAME_SRV] = rate(uni(g, 0.01, 0.1));
	v[F_DIFF_SRV] = rate(uni(g, 0.04, 0.08));
	v[F_DH_COUNT] = 255;
	v[F_DH_SRV_COUNT] = (double)range(g, 1, 30);
	v[F_DH_SAME_SRV] = rate(uni(g, 0.0, 0.1));
	v[F_DH_DIFF_SRV] = rate(uni(g, 0.05, 0.08));
}

static void
back(struct kddsynth *g, struct rec *r)
{
	double *v = r->v;

	r->proto = "tcp";
	r->service = "http";
	r->flag = "SF";
	v[F_SRC] = 54540;
	v[F_DST] = prng_uniform(&g->rng) < 0.9 ? 8314 : 7300;
	v[F_HOT] = 2;
	v[F_LOGGED] = 1;
	v[F_COMPROMISED] = 1;
	v[F_COUNT] = v[F_SRV_COUNT] = (double)range(g, 1, 10);
	v[F_SAME_SRV] = 1;
	v[F_DH_COUNT] = (double)range(g, 50, 255);
	v[F_DH_SRV_COUNT] = v[F_DH_COUNT];
	v[F_DH_SAME_SRV] = 1;
}

static void
teardrop(struct kddsynth *g, struct rec *r)
{
	double *v = r->v;

	r->proto = "udp";
	r->service = "private";
	r->flag = "SF";
	v[F_SRC] = 28;
	v[F_WRONG] = 3;
	v[F_COUNT] = v[F_SRV_COUNT] = (double)range(g, 1, 100);
	v[F_SAME_SRV] = 1;
	v[F_DH_COUNT] = (double)range(g, 1, 255);
	v[F_DH_SRV_COUNT] = (double)range(g, 1, 100);
	v[F_DH_SAME_SRV] = rate(uni(g, 0.3, 1));
	v[F_DH_SAME_PORT] = rate(uni(g, 0.3, 1));
}

static void
portsweep(struct kddsynth *g, struct rec *r)
{
	double *v = r->v;

	r->proto = "tcp";
	r->service = "private";
	r->flag = prng_uniform(&g->rng) < 0.7 ? "REJ" : "RSTR";
	v[F_DURATION] =
	    prng_uniform(&g->rng) < 0.8 ? 0 : (double)range(g, 1, 5000);
	v[F_COUNT] = (double)range(g, 1, 2);
	v[F_SRV_COUNT] = (double)range(g, 1, 2);
	v[F_RERROR] = v[F_SRV_RERROR] = rate(uni(g, 0.5, 1.2));
	v[F_SAME_SRV] = rate(uni(g, 0.5, 1.2));
	v[F_SRV_DIFF_HOST] = rate(uni(g, 0, 1));
	v[F_DH_COUNT] = (double)range(g, 1, 255);
	v[F_DH_SRV_COUNT] = 1;
	v[F_DH_DIFF_SRV] = rate(uni(g, 0.5, 1.2));
	v[F_DH_SAME_PORT] = rate(uni(g, 0.5, 1.2));
	v[F_DH_RERROR] = v[F_DH_SRV_RERROR] = rate(uni(g, 0.5, 1.2));
}

static void
ipsweep(struct kddsynth *g, struct rec *r)
{
	double *v = r->v;

	r->proto = "icmp";
	r->service = "eco_i";
	r->flag = "SF";
	v[F_SRC] = prng_uniform(&g->rng) < 0.8 ? 8 : 18;
	v[F_COUNT] = 1;
	v[F_SRV_COUNT] = (double)range(g, 1, 20);
	v[F_SAME_SRV] = 1;
	v[F_SRV_DIFF_HOST] = 1;
	v[F_DH_COUNT] = (double)range(g, 1, 100);
	v[F_DH_SRV_COUNT] = (double)range(g, 1, 100);
	v[F_DH_SAME_SRV] = 1;
	v[F_DH_SAME_PORT] = 1;
	v[F_DH_SRV_DIFF_HOST] = rate(uni(g, 0.3, 1));
}

static void
satan(struct kddsynth *g, struct rec *r)
{
	static const char *const svc[] = {"private", "other", "finger",
	    "telnet", "ftp", "smtp", "http", "sunrpc", "auth", "imap4"};
	static const char *const flags[] = {"REJ", "S0", "RSTO", "SF"};
	double *v = r->v;

	r->proto = "tcp";
	r->service = pick(g, svc, sizeof(svc) / sizeof(svc[0]));
	r->flag = pick(g, flags, sizeof(flags) / sizeof(flags[0]));
	v[F_COUNT] = (double)range(g, 1, 500);
	v[F_SRV_COUNT] = (double)range(g, 1, 5);
	v[F_RERROR] = v[F_SRV_RERROR] = rate(uni(g, 0.3, 1.2));
	v[F_SAME_SRV] = rate(uni(g, 0, 0.2));
	v[F_DIFF_SRV] = rate(uni(g, 0.5, 1.1));
	v[F_DH_COUNT] = 255;
	v[F_DH_SRV_COUNT] = (double)range(g, 1, 10);
	v[F_DH_DIFF_SRV] = rate(uni(g, 0.5, 1.1));
	v[F_DH_RERROR] = rate(uni(g, 0.5, 1.2));
}

static void
guess_passwd(struct kddsynth *g, struct rec *r)
{
	double *v = r->v;

	r->proto = "tcp";
	r->service = "telnet";
	r->flag = prng_uniform(&g->rng) < 0.8 ? "RSTO" : "SF";
	v[F_DURATION] = (double)range(g, 2, 5);
	v[F_SRC] = (double)range(g, 120, 130);
	v[F_DST] = (double)range(g, 170, 180);
	v[F_HOT] = 1;
	v[F_FAILED] = 1;
	v[F_COUNT] = v[F_SRV_COUNT] = 1;
	v[F_SAME_SRV] = 1;
	v[F_DH_COUNT] = (double)range(g, 1, 255);
	v[F_DH_SRV_COUNT] = (double)range(g, 1, 60);
	v[F_DH_SAME_SRV] = rate(uni(g, 0.1, 1));
	v[F_DH_RERROR] = v[F_DH_SRV_RERROR] = rate(uni(g, 0.5, 1.2));
}

static void
buffer_overflow(struct kddsynth *g, struct rec *r)
{
	double *v = r->v;

	r->proto = "tcp";
	r->service = prng_uniform(&g->rng) < 0.8 ? "telnet" : "ftp_data";
	r->flag = "SF";
	v[F_DURATION] = (double)range(g, 20, 300);
	v[F_SRC] = (double)range(g, 1000, 3500);
	v[F_DST] = (double)range(g, 1500, 9000);
	v[F_HOT] = (double)range(g, 1, 3);
	v[F_LOGGED] = 1;
	v[F_COMPROMISED] = 1;
	v[F_ROOT_SHELL] = 1;
	v[F_FILE_CREATE] = (double)range(g, 0, 2);
	v[F_SHELLS] = (double)range(g, 0, 1);
	v[F_COUNT] = v[F_SRV_COUNT] = 1;
	v[F_SAME_SRV] = 1;
	v[F_DH_COUNT] = (double)range(g, 1, 20);
	v[F_DH_SRV_COUNT] = (double)range(g, 1, 20);
	v[F_DH_SAME_SRV] = 1;
}

static const struct family families[] = {
    {"smurf.", 3, 100, 600, smurf},
    {"neptune.", 3, 100, 500, neptune},
    {"back.", 1, 10, 50, back},
    {"teardrop.", 1, 10, 40, teardrop},
    {"portsweep.", 2, 10, 60, portsweep},
    {"ipsweep.", 2, 10, 60, ipsweep},
    {"satan.", 2, 10, 60, satan},
    {"guess_passwd.", 2, 3, 20, guess_passwd},
    {"buffer_overflow.", 1, 1, 3, buffer_overflow},
};

#define NFAMILIES (sizeof(families) / sizeof(families[0]))

/*
 * Print a non-negative v as the KDD files do: an integer, or a rate with
 * two decimals.  Hand-rolled because snprintf("%.2f") dominated the cost
 * of a synthetic record.  Returns the length.
 */
static int
print_number(char *out, double v, bool two_decimals)
{
	char tmp[24];
	long long x =
	    llround(fmax(0, fmin(v, 1e15)) * (two_decimals ? 100.0 : 1.0));
	int n = 0, len = 0;

	do {
		tmp[n++] = (char)('0' + x % 10);
		x /= 10;
	} while (x > 0 || (two_decimals && n < 3));
	while (n > 0) {
		if (two_decimals && n == 2)
			out[len++] = '.';
		out[len++] = tmp[--n];
	}
	out[len] = '\0';
	return len;
}

/* Start a generator; the same seed gives the same records. */
void
kddsynth_init(struct kddsynth *g, uint64_t seed)
{
	memset(g, 0, sizeof(*g));
	prng_init(&g->rng, seed);
	g->attack = -1;
	g->host_load = 100;
	for (int i = 0; i < KDD_NCOLUMNS; i++)
		g->field[i] = g->text[i];
}

static int
draw_family(struct kddsynth *g)
{
	double total = 0, u;

	for (size_t i = 0; i < NFAMILIES; i++)
		total += families[i].weight;
	u = prng_uniform(&g->rng) * total;
	for (size_t i = 0; i < NFAMILIES; i++) {
		if (u < families[i].weight)
			return (int)i;
		u -= families[i].weight;
	}
	return (int)NFAMILIES - 1;
}

/* Make the next record in g->field/g->len (42 KDD CSV fields). */
void
kddsynth_next(struct kddsynth *g)
{
	struct rec r;

	memset(&r, 0, sizeof(r));
	if (g->attack < 0 && prng_below(&g->rng, 400) == 0) {
		g->attack = draw_family(g);
		g->burst_left = range(g, families[g->attack].min_len,
		    families[g->attack].max_len);
	}
	g->host_load += prng_normal(&g->rng) * 2;
	g->host_load = fmin(230, fmax(5, g->host_load));
	if (g->attack >= 0) {
		families[g->attack].make(g, &r);
		r.label = families[g->attack].label;
		if (--g->burst_left <= 0)
			g->attack = -1;
	} else {
		normal_record(g, &r);
	}
	for (int i = 0; i < KDD_NCOLUMNS; i++) {
		int n;

		switch (i) {
		case F_PROTO:
			n = snprintf(
			    g->text[i], sizeof(g->text[i]), "%s", r.proto);
			break;
		case F_SERVICE:
			n = snprintf(
			    g->text[i], sizeof(g->text[i]), "%s", r.service);
			break;
		case F_FLAG:
			n = snprintf(
			    g->text[i], sizeof(g->text[i]), "%s", r.flag);
			break;
		case F_LABEL:
			n = snprintf(
			    g->text[i], sizeof(g->text[i]), "%s", r.label);
			break;
		default:
			n = print_number(g->text[i], r.v[i],
			    kdd_columns[i].type == KDD_REAL);
			break;
		}
		g->len[i] = (size_t)n;
	}
}
