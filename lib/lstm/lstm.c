/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * LSTM forward pass, backpropagation through time and Adam, in plain C.
 *
 * Where the time goes, and how it is made fast on two cores:
 * - the three matrix products per window (gates = h·WT each step,
 *   dh = dz·W each step back, dWT = Σ h_{t-1}ᵀ dz_t once per shard, all
 *   steps stacked) run through one small GEMM whose 6×16 register-blocked
 *   kernel GCC turns into broadcast+FMA code;
 * - the gate nonlinearities use a branch-free exp (Cody-Waite reduction, a
 *   degree-6 polynomial, the exponent put in by integer arithmetic) over
 *   8-wide vectors, fused with the cell update;
 * - the hot functions are compiled twice (x86-64-v3, i.e. AVX2, and the
 *   baseline) and picked at load time, so the binary stays portable and
 *   no -march flag is needed.  Neither contracts a*b+c into an FMA, so
 *   both compute the same floats in the same order: the same seed gives
 *   the same bytes on any x86-64 (FMA would be about 20% faster, and its
 *   single rounding would make a model depend on the CPU it was trained
 *   on).  -DLSTM_NO_CLONES builds the baseline alone, which the tests use
 *   to check exactly this;
 * - a mini-batch is cut into shards of LSTM_SHARD windows that a small
 *   thread pool works through; each shard has its own gradient buffer.
 */
#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lstm/lstm.h"
#include "base/prng.h"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) &&         \
    !defined(LSTM_NO_CLONES)
#define HOT                                                                    \
	__attribute__((target_clones("arch=x86-64-v3", "default"),             \
	    optimize("O2", "fp-contract=off")))
#else
#define HOT
#endif
#if defined(__GNUC__) && !defined(__clang__)
/* The vector helpers are always inlined: no 32-byte vector crosses a call. */
#pragma GCC diagnostic ignored "-Wpsabi"
#endif
#define AI static inline __attribute__((always_inline))

typedef float v8 __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));

struct lstm_ws {
	size_t hidden, window, cap;
	float *x;	/* [T][n] inputs of n windows, step-major */
	float *y;	/* [n] targets */
	float *gate;	/* [T][n][4H] gate activations, then their gradients */
	float *c;	/* [T][n][H] cell states */
	float *tc;	/* [T][n][H] tanh of the cell states */
	float *h;	/* [T][n][H] hidden states */
	float *dh, *dc; /* [n][H] gradients flowing back */
	float *pred;	/* [n] */
};

AI v8
ldn(const float *p, size_t k)
{
	v8 v = {0};

	memcpy(&v, p, k * sizeof(float));
	return v;
}

AI void
stn(float *p, v8 v, size_t k)
{
	memcpy(p, &v, k * sizeof(float));
}

AI v8
vsel(v8i mask, v8 a, v8 b)
{
	return (v8)(((v8i)a & mask) | ((v8i)b & ~mask));
}

/* e^x to about 2e-7 relative, for x clamped to [-87, 88]. */
AI v8
vexp(v8 x)
{
	const v8 lo = (v8){0} - 87.0f, hi = (v8){0} + 88.0f;
	v8 n, r, p;
	v8i e;

	x = vsel(x < lo, lo, x);
	x = vsel(x > hi, hi, x);
	n = (x * 1.44269504f + 12582912.0f) - 12582912.0f;
	r = x - n * 0.693145752f;
	r = r - n * 1.42860677e-6f;
	p = (v8){0} + 1.0f / 720;
	p = p * r + 1.0f / 120;
	p = p * r + 1.0f / 24;
	p = p * r + 1.0f / 6;
	p = p * r + 0.5f;
	p = p * r + 1.0f;
	p = p * r + 1.0f;
	e = (__builtin_convertvector(n, v8i) + 127) << 23;
	return p * (v8)e;
}

AI v8
vsigm(v8 x)
{
	return 1.0f / (1.0f + vexp(-x));
}

AI v8
vtanh(v8 x)
{
	return 2.0f / (1.0f + vexp(-2.0f * x)) - 1.0f;
}

/*
 * C[mr][16] += A[mr][K] B[K][16], A(r,k) = A[r*sam + k*sak], for a
 * constant mr of 1..6 once inlined: 2*mr accumulators stay in registers.
 */
AI void
kern(const int mr, size_t K, const float *A, size_t sam, size_t sak,
    const float *B, size_t ldb, float *C, size_t ldc)
{
	v8 c0[6], c1[6];

#pragma GCC unroll 6
	for (int r = 0; r < mr; r++)
		c0[r] = c1[r] = (v8){0};
	for (size_t k = 0; k < K; k++) {
		v8 b0 = ldn(B + k * ldb, 8), b1 = ldn(B + k * ldb + 8, 8);
		const float *a = A + k * sak;

#pragma GCC unroll 6
		for (int r = 0; r < mr; r++) {
			float av = a[r * sam];

			c0[r] += av * b0;
			c1[r] += av * b1;
		}
	}
#pragma GCC unroll 6
	for (int r = 0; r < mr; r++) {
		stn(C + r * ldc, ldn(C + r * ldc, 8) + c0[r], 8);
		stn(C + r * ldc + 8, ldn(C + r * ldc + 8, 8) + c1[r], 8);
	}
}

/*
 * C[M][N] += A[M][K] B[K][N]; A(m,k) = A[m*sam + k*sak], B and C dense.
 * K is taken in blocks of KC so that a 6-row sliver of A and a 16-column
 * panel of B stay in L1 together: 256 suits A with unit stride along k,
 * 64 suits the dW product whose A steps a whole row per k.
 */
HOT static void
gemm(size_t M, size_t N, size_t K, const float *A, size_t sam, size_t sak,
    const float *B, size_t ldb, float *C, size_t ldc, size_t KC)
{
	size_t n16 = N - N % 16;

	for (size_t k0 = 0; k0 < K; k0 += KC) {
		size_t kc = K - k0 < KC ? K - k0 : KC;
		const float *Ak = A + k0 * sak, *Bk = B + k0 * ldb;

		size_t j0 = 0;

		/*
		 * One row (a single window, as in streaming): 64 columns at
		 * a time, so that eight independent sums hide the FMA
		 * latency.  Each sum still runs over k in order, as in
		 * kern(), so the results are the same bits.
		 */
		for (; M == 1 && j0 + 64 <= N; j0 += 64) {
			v8 acc[8];

#pragma GCC unroll 8
			for (int u = 0; u < 8; u++)
				acc[u] = (v8){0};
			for (size_t k = 0; k < kc; k++) {
				float av = Ak[k * sak];

#pragma GCC unroll 8
				for (int u = 0; u < 8; u++)
					acc[u] +=
					    av *
					    ldn(Bk + k * ldb + j0 + 8 * u, 8);
			}
#pragma GCC unroll 8
			for (int u = 0; u < 8; u++)
				stn(C + j0 + 8 * u,
				    ldn(C + j0 + 8 * u, 8) + acc[u], 8);
		}
		for (size_t j = j0; j < n16; j += 16) {
			for (size_t i = 0; i < M; i += 6) {
				const float *a = Ak + i * sam;
				float *c = C + i * ldc + j;

				switch (M - i < 6 ? M - i : 6) {
				case 6:
					kern(6, kc, a, sam, sak, Bk + j, ldb, c,
					    ldc);
					break;
				case 5:
					kern(5, kc, a, sam, sak, Bk + j, ldb, c,
					    ldc);
					break;
				case 4:
					kern(4, kc, a, sam, sak, Bk + j, ldb, c,
					    ldc);
					break;
				case 3:
					kern(3, kc, a, sam, sak, Bk + j, ldb, c,
					    ldc);
					break;
				case 2:
					kern(2, kc, a, sam, sak, Bk + j, ldb, c,
					    ldc);
					break;
				default:
					kern(1, kc, a, sam, sak, Bk + j, ldb, c,
					    ldc);
					break;
				}
			}
		}
		for (size_t i = 0; i < M && n16 < N; i++)
			for (size_t k = 0; k < kc; k++) {
				float av = Ak[i * sam + k * sak];

				for (size_t j = n16; j < N; j++)
					C[i * ldc + j] += av * Bk[k * ldb + j];
			}
	}
}

/* Gate nonlinearities and the cell update for lanes j..j+k-1 of a row. */
AI void
cell_chunk(float *z, size_t H, const float *cp, float *c, float *tc, float *h,
    size_t j, size_t k)
{
	v8 ig = vsigm(ldn(z + j, k)), fg = vsigm(ldn(z + H + j, k));
	v8 og = vsigm(ldn(z + 2 * H + j, k)), gg = vtanh(ldn(z + 3 * H + j, k));
	v8 cc = ig * gg, t;

	if (cp != NULL)
		cc += fg * ldn(cp + j, k);
	t = vtanh(cc);
	stn(z + j, ig, k);
	stn(z + H + j, fg, k);
	stn(z + 2 * H + j, og, k);
	stn(z + 3 * H + j, gg, k);
	stn(c + j, cc, k);
	stn(tc + j, t, k);
	stn(h + j, og * t, k);
}

/* Gate gradients for lanes j..j+k-1 of a row, written over the gates. */
AI void
back_chunk(float *z, size_t H, const float *cp, const float *tc,
    const float *dh, float *dc, size_t j, size_t k)
{
	v8 ig = ldn(z + j, k), fg = ldn(z + H + j, k);
	v8 og = ldn(z + 2 * H + j, k), gg = ldn(z + 3 * H + j, k);
	v8 t = ldn(tc + j, k), d = ldn(dh + j, k), dcv = ldn(dc + j, k);
	v8 cprev = cp != NULL ? ldn(cp + j, k) : (v8){0};

	dcv += d * og * (1.0f - t * t);
	stn(z + 2 * H + j, d * t * og * (1.0f - og), k);
	stn(z + j, dcv * gg * ig * (1.0f - ig), k);
	stn(z + 3 * H + j, dcv * ig * (1.0f - gg * gg), k);
	stn(z + H + j, dcv * cprev * fg * (1.0f - fg), k);
	stn(dc + j, dcv * fg, k);
}

AI float
dot(const float *a, const float *b, size_t n)
{
	v8 s = {0};
	size_t j;
	float r = 0;

	for (j = 0; j + 8 <= n; j += 8)
		s += ldn(a + j, 8) * ldn(b + j, 8);
	if (j < n)
		s += ldn(a + j, n - j) * ldn(b + j, n - j);
	for (int l = 0; l < 8; l++)
		r += s[l];
	return r;
}

/* Forward pass of the n windows in ws->x; predictions to ws->pred. */
HOT static void
forward(const struct lstm *m, struct lstm_ws *ws, size_t n, size_t T)
{
	size_t H = m->hidden, G = 4 * H, j;
	const float *wx = LSTM_WX(m), *b = LSTM_B(m);

	for (size_t t = 0; t < T; t++) {
		float *z = ws->gate + t * n * G;
		const float *xt = ws->x + t * n;

		for (size_t i = 0; i < n; i++) {
			float *zi = z + i * G;

			for (j = 0; j + 8 <= G; j += 8)
				stn(zi + j,
				    ldn(b + j, 8) + xt[i] * ldn(wx + j, 8), 8);
			for (; j < G; j++)
				zi[j] = b[j] + xt[i] * wx[j];
		}
		if (t > 0)
			gemm(n, G, H, ws->h + (t - 1) * n * H, H, 1, LSTM_WT(m),
			    G, z, G, 256);
		for (size_t i = 0; i < n; i++) {
			size_t o = (t * n + i) * H;
			const float *cp = t > 0 ? ws->c + o - n * H : NULL;

			for (j = 0; j + 8 <= H; j += 8)
				cell_chunk(z + i * G, H, cp, ws->c + o,
				    ws->tc + o, ws->h + o, j, 8);
			if (j < H)
				cell_chunk(z + i * G, H, cp, ws->c + o,
				    ws->tc + o, ws->h + o, j, H - j);
		}
	}
	for (size_t i = 0; i < n; i++)
		ws->pred[i] = *LSTM_BY(m) +
			      dot(LSTM_WY(m), ws->h + ((T - 1) * n + i) * H, H);
}

/*
 * Backward pass after forward(): adds scale * d(Σ (pred - y)²)/dp to grad
 * and returns Σ (pred - y)².
 */
HOT static double
backward(const struct lstm *m, struct lstm_ws *ws, size_t n, size_t T,
    double scale, float *grad)
{
	size_t H = m->hidden, G = 4 * H, j;
	float *gwt = grad, *gwx = grad + G * H, *gb = gwx + G, *gwy = gb + G;
	float *gby = gwy + H;
	const float *wy = LSTM_WY(m);
	double loss = 0;

	for (size_t i = 0; i < n; i++) {
		double e = (double)ws->pred[i] - ws->y[i];
		float dy = (float)(2 * scale * e);
		const float *hT = ws->h + ((T - 1) * n + i) * H;

		loss += e * e;
		*gby += dy;
		for (j = 0; j < H; j++) {
			gwy[j] += dy * hT[j];
			ws->dh[i * H + j] = dy * wy[j];
			ws->dc[i * H + j] = 0;
		}
	}
	for (size_t t = T; t-- > 0;) {
		float *z = ws->gate + t * n * G;
		const float *xt = ws->x + t * n;

		for (size_t i = 0; i < n; i++) {
			size_t o = (t * n + i) * H;
			const float *cp = t > 0 ? ws->c + o - n * H : NULL;
			float *zi = z + i * G;

			for (j = 0; j + 8 <= H; j += 8)
				back_chunk(zi, H, cp, ws->tc + o,
				    ws->dh + i * H, ws->dc + i * H, j, 8);
			if (j < H)
				back_chunk(zi, H, cp, ws->tc + o,
				    ws->dh + i * H, ws->dc + i * H, j, H - j);
			for (j = 0; j + 8 <= G; j += 8) {
				v8 d = ldn(zi + j, 8);

				stn(gwx + j, ldn(gwx + j, 8) + d * xt[i], 8);
				stn(gb + j, ldn(gb + j, 8) + d, 8);
			}
			for (; j < G; j++) {
				gwx[j] += zi[j] * xt[i];
				gb[j] += zi[j];
			}
		}
		if (t > 0) {
			memset(ws->dh, 0, n * H * sizeof(float));
			gemm(n, H, G, z, G, 1, m->w, H, ws->dh, H, 256);
		}
	}
	if (T > 1)
		gemm(H, G, (T - 1) * n, ws->h, 1, H, ws->gate + n * G, G, gwt,
		    G, 64);
	return loss;
}

/* Number of parameters of an LSTM with the given hidden size. */
size_t
lstm_nparam(size_t hidden)
{
	return 4 * hidden * hidden + 8 * hidden + hidden + 1;
}

/* A network with all parameters zero; caller frees with lstm_free(). */
struct lstm *
lstm_new(size_t hidden)
{
	struct lstm *m = xcalloc(1, sizeof(*m));

	m->hidden = hidden;
	m->nparam = lstm_nparam(hidden);
	m->p = xcalloc(m->nparam, sizeof(float));
	m->w = xcalloc(4 * hidden * hidden, sizeof(float));
	return m;
}

/*
 * Initialise as Keras does: input and output weights Glorot-uniform, the
 * recurrent matrix with orthonormal rows (Gram-Schmidt on Gaussian rows),
 * biases zero except the forget gate's, which start at 1.
 */
void
lstm_init_params(struct lstm *m, uint64_t seed)
{
	size_t H = m->hidden, G = 4 * H;
	double *q = xmalloc(H * G * sizeof(double));
	double lim;
	struct prng r;

	prng_init(&r, seed);
	memset(m->p, 0, m->nparam * sizeof(float));
	for (size_t i = 0; i < H * G; i++)
		q[i] = prng_normal(&r);
	for (size_t k = 0; k < H; k++) {
		double *row = q + k * G, norm = 0;

		for (size_t l = 0; l < k; l++) {
			double d = 0;

			for (size_t j = 0; j < G; j++)
				d += row[j] * q[l * G + j];
			for (size_t j = 0; j < G; j++)
				row[j] -= d * q[l * G + j];
		}
		for (size_t j = 0; j < G; j++)
			norm += row[j] * row[j];
		norm = sqrt(norm);
		for (size_t j = 0; j < G; j++)
			row[j] /= norm;
	}
	for (size_t i = 0; i < H * G; i++)
		LSTM_WT(m)[i] = (float)q[i];
	free(q);
	lim = sqrt(6.0 / (1.0 + (double)G));
	for (size_t j = 0; j < G; j++)
		LSTM_WX(m)[j] = (float)((2 * prng_uniform(&r) - 1) * lim);
	for (size_t j = 0; j < H; j++)
		LSTM_B(m)[H + j] = 1.0f;
	lim = sqrt(6.0 / ((double)H + 1.0));
	for (size_t j = 0; j < H; j++)
		LSTM_WY(m)[j] = (float)((2 * prng_uniform(&r) - 1) * lim);
	lstm_sync(m);
}

/* Rebuild the transposed copy W of WT after the parameters changed. */
void
lstm_sync(struct lstm *m)
{
	size_t H = m->hidden, G = 4 * H;

	for (size_t k = 0; k < H; k++)
		for (size_t g = 0; g < G; g++)
			m->w[g * H + k] = m->p[k * G + g];
}

/* Free a network; NULL is a no-op. */
void
lstm_free(struct lstm *m)
{
	if (m == NULL)
		return;
	free(m->p);
	free(m->w);
	free(m);
}

/* Scratch space for n windows; caller frees with lstm_ws_free(). */
struct lstm_ws *
lstm_ws_new(size_t hidden, size_t window, size_t n)
{
	struct lstm_ws *ws = xcalloc(1, sizeof(*ws));
	size_t tn = window * n;

	ws->hidden = hidden;
	ws->window = window;
	ws->cap = n;
	ws->x = xcalloc(tn, sizeof(float));
	ws->y = xcalloc(n, sizeof(float));
	ws->gate = xcalloc(tn * 4 * hidden, sizeof(float));
	ws->c = xcalloc(tn * hidden, sizeof(float));
	ws->tc = xcalloc(tn * hidden, sizeof(float));
	ws->h = xcalloc(tn * hidden, sizeof(float));
	ws->dh = xcalloc(n * hidden, sizeof(float));
	ws->dc = xcalloc(n * hidden, sizeof(float));
	ws->pred = xcalloc(n, sizeof(float));
	return ws;
}

/* Free scratch space; NULL is a no-op. */
void
lstm_ws_free(struct lstm_ws *ws)
{
	if (ws == NULL)
		return;
	free(ws->x);
	free(ws->y);
	free(ws->gate);
	free(ws->c);
	free(ws->tc);
	free(ws->h);
	free(ws->dh);
	free(ws->dc);
	free(ws->pred);
	free(ws);
}

static void
gather(struct lstm_ws *ws, const float *series, const size_t *start, size_t n,
    size_t T)
{
	assert(n <= ws->cap && T <= ws->window);
	for (size_t i = 0; i < n; i++) {
		const float *s = series + start[i];

		for (size_t t = 0; t < T; t++)
			ws->x[t * n + i] = s[t];
		ws->y[i] = s[T];
	}
}

/*
 * Forecast the value after the window x[0..window-1] (normalised units).
 * ws must have room for one window of this length.
 */
double
lstm_predict(
    const struct lstm *m, struct lstm_ws *ws, const float *x, size_t window)
{
	memcpy(ws->x, x, window * sizeof(float));
	forward(m, ws, 1, window);
	return ws->pred[0];
}

/*
 * Forecasts for the n windows series[start[i]] .. series[start[i] +
 * window - 1] into pred[i]; n must fit ws.
 */
void
lstm_forward(const struct lstm *m, struct lstm_ws *ws, const float *series,
    const size_t *start, size_t n, size_t window, float *pred)
{
	gather(ws, series, start, n, window);
	forward(m, ws, n, window);
	memcpy(pred, ws->pred, n * sizeof(float));
}

/*
 * For the n windows at start[] with targets series[start[i] + window]:
 * adds scale times the gradient of the summed squared error to grad
 * (nparam floats) and returns that summed squared error.
 */
double
lstm_gradient(const struct lstm *m, struct lstm_ws *ws, const float *series,
    const size_t *start, size_t n, size_t window, double scale, float *grad)
{
	gather(ws, series, start, n, window);
	forward(m, ws, n, window);
	return backward(m, ws, n, window, scale, grad);
}

/* A batch of work for the pool: gradients per shard, or predictions. */
struct job {
	const struct lstm *m;
	const float *series;
	const size_t *idx;
	size_t n, window, nshard;
	double scale;
	float **sgrad; /* per shard, NULL: predict into pred */
	double *sloss;
	float *pred;
};

/*
 * A pool of threads working through the shards of one job at a time.
 * Shards are claimed under the mutex by whichever thread is free, the
 * caller included, and the caller waits for the shards to be finished,
 * not for the threads: a worker that the scheduler has not woken yet (a
 * busy machine) holds nothing up, and joins whatever job is current when
 * it runs.  Each shard has its own gradient buffer, so sums stay the same.
 */
struct pool {
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	pthread_t *th;
	struct lstm_ws **ws; /* one per thread, the caller's is ws[0] */
	struct worker *wk;
	size_t n, started;
	bool quit;
	struct job job;		  /* the job in progress (a copy) */
	size_t claimed, finished; /* its shards taken, and done */
};

struct worker {
	struct pool *pool;
	size_t tid;
};

static void
run_shard(struct pool *p, const struct job *j, size_t s, size_t tid)
{
	size_t off = s * LSTM_SHARD;
	size_t cnt = j->n - off < LSTM_SHARD ? j->n - off : LSTM_SHARD;

	if (j->sgrad != NULL) {
		memset(j->sgrad[s], 0, j->m->nparam * sizeof(float));
		j->sloss[s] = lstm_gradient(j->m, p->ws[tid], j->series,
		    j->idx + off, cnt, j->window, j->scale, j->sgrad[s]);
	} else {
		lstm_forward(j->m, p->ws[tid], j->series, j->idx + off, cnt,
		    j->window, j->pred + off);
	}
}

/* Work on the current job's shards while any is left; mu held. */
static void
take_shards(struct pool *p, size_t tid)
{
	while (p->claimed < p->job.nshard) {
		size_t s = p->claimed++;
		struct job j = p->job;

		pthread_mutex_unlock(&p->mu);
		run_shard(p, &j, s, tid);
		pthread_mutex_lock(&p->mu);
		if (++p->finished == p->job.nshard)
			pthread_cond_signal(&p->done);
	}
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->quit && p->claimed >= p->job.nshard)
			pthread_cond_wait(&p->go, &p->mu);
		if (p->quit)
			break;
		take_shards(p, w->tid);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void
pool_stop(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->quit = true;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
	for (size_t i = 0; i < p->started; i++)
		pthread_join(p->th[i], NULL);
	for (size_t i = 0; i < p->n; i++)
		lstm_ws_free(p->ws[i]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->go);
	pthread_cond_destroy(&p->done);
	free(p->ws);
	free(p->th);
	free(p->wk);
}

static int
pool_start(
    struct pool *p, size_t n, size_t hidden, size_t window, struct ad_err *err)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->go, NULL);
	pthread_cond_init(&p->done, NULL);
	p->n = n;
	p->ws = xcalloc(n, sizeof(*p->ws));
	p->th = xcalloc(n, sizeof(*p->th));
	p->wk = xcalloc(n, sizeof(*p->wk));
	for (size_t i = 0; i < n; i++)
		p->ws[i] = lstm_ws_new(hidden, window, LSTM_SHARD);
	for (size_t i = 1; i < n; i++) {
		int rc;

		p->wk[i].pool = p;
		p->wk[i].tid = i;
		if ((rc = pthread_create(
			 &p->th[i - 1], NULL, worker_main, &p->wk[i])) != 0) {
			ad_err_set(err, EX_OSERR, "cannot create thread: %s",
			    strerror(rc));
			pool_stop(p);
			return -1;
		}
		p->started++;
	}
	return 0;
}

static void
pool_run(struct pool *p, const struct job *j)
{
	pthread_mutex_lock(&p->mu);
	p->job = *j;
	p->claimed = p->finished = 0;
	pthread_cond_broadcast(&p->go);
	take_shards(p, 0);
	while (p->finished < p->job.nshard)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

static void
pool_predict(struct pool *p, const struct lstm *m, const float *series,
    const size_t *idx, size_t n, size_t window, float *pred)
{
	struct job j = {.m = m,
	    .series = series,
	    .idx = idx,
	    .n = n,
	    .window = window,
	    .pred = pred};

	j.nshard = (n + LSTM_SHARD - 1) / LSTM_SHARD;
	pool_run(p, &j);
}

/* One Adam step (PyTorch's form, with bias corrections) at step t >= 1. */
HOT static void
adam(float *p, const float *g, float *m1, float *m2, size_t n, double lr,
    unsigned long t)
{
	const float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
	float step = (float)(lr / (1 - pow(b1, (double)t)));
	float bc2 = (float)(1 / sqrt(1 - pow(b2, (double)t)));

	for (size_t i = 0; i < n; i++) {
		m1[i] = b1 * m1[i] + (1 - b1) * g[i];
		m2[i] = b2 * m2[i] + (1 - b2) * g[i] * g[i];
		p[i] -= step * m1[i] / (sqrtf(m2[i]) * bc2 + eps);
	}
}

/*
 * Train m (already initialised) on the windows starting at train[] of the
 * normalised series, for conf->epochs epochs of shuffled mini-batches,
 * evaluating the MSE on the windows at val[] after each epoch.  Returns 0,
 * or -1 with err set (threads could not be started).
 */
int
lstm_fit(struct lstm *m, const float *series, const size_t *train,
    size_t ntrain, const size_t *val, size_t nval,
    const struct lstm_fit_conf *conf, struct ad_err *err)
{
	size_t B = conf->batch, nshard = (B + LSTM_SHARD - 1) / LSTM_SHARD;
	size_t threads = conf->threads < 1 ? 1 : conf->threads;
	size_t np = m->nparam;
	float **sgrad, *grad, *m1, *m2, *pred;
	double *sloss;
	size_t *order;
	unsigned long step = 0;
	struct prng r;
	struct pool pool;

	if (threads > nshard)
		threads = nshard;
	if (pool_start(&pool, threads, m->hidden, conf->window, err) < 0)
		return -1;
	sgrad = xcalloc(nshard, sizeof(*sgrad));
	for (size_t s = 0; s < nshard; s++)
		sgrad[s] = xcalloc(np, sizeof(float));
	sloss = xcalloc(nshard, sizeof(double));
	grad = xcalloc(np, sizeof(float));
	m1 = xcalloc(np, sizeof(float));
	m2 = xcalloc(np, sizeof(float));
	pred = xcalloc(nval + 1, sizeof(float));
	order = xcalloc(ntrain + 1, sizeof(size_t));
	memcpy(order, train, ntrain * sizeof(size_t));
	prng_init(&r, conf->seed ^ 0x5eed5eedULL);
	for (size_t ep = 0; ep < conf->epochs; ep++) {
		double total = 0, vloss = NAN;

		for (size_t i = ntrain; i > 1; i--) {
			size_t k = (size_t)prng_below(&r, i),
			       tmp = order[i - 1];

			order[i - 1] = order[k];
			order[k] = tmp;
		}
		for (size_t b0 = 0; b0 < ntrain; b0 += B) {
			size_t cnt = ntrain - b0 < B ? ntrain - b0 : B;
			struct job j = {.m = m,
			    .series = series,
			    .idx = order + b0,
			    .n = cnt,
			    .window = conf->window,
			    .scale = 1.0 / (double)cnt,
			    .sgrad = sgrad,
			    .sloss = sloss};

			j.nshard = (cnt + LSTM_SHARD - 1) / LSTM_SHARD;
			pool_run(&pool, &j);
			memcpy(grad, sgrad[0], np * sizeof(float));
			total += sloss[0];
			for (size_t s = 1; s < j.nshard; s++) {
				for (size_t i = 0; i < np; i++)
					grad[i] += sgrad[s][i];
				total += sloss[s];
			}
			adam(m->p, grad, m1, m2, np, conf->lr, ++step);
			lstm_sync(m);
			if (conf->on_batch != NULL)
				conf->on_batch(conf->arg);
		}
		if (nval > 0) {
			vloss = 0;
			pool_predict(
			    &pool, m, series, val, nval, conf->window, pred);
			for (size_t i = 0; i < nval; i++) {
				double e = (double)pred[i] -
					   series[val[i] + conf->window];

				vloss += e * e;
			}
			vloss /= (double)nval;
		}
		if (conf->on_epoch != NULL)
			conf->on_epoch(conf->arg, ep + 1,
			    ntrain ? total / (double)ntrain : NAN, vloss);
	}
	free(order);
	free(pred);
	free(m1);
	free(m2);
	free(grad);
	free(sloss);
	for (size_t s = 0; s < nshard; s++)
		free(sgrad[s]);
	free(sgrad);
	pool_stop(&pool);
	return 0;
}

/*
 * Forecasts for n windows (see lstm_forward()) on up to threads threads.
 * Returns 0, or -1 with err set.
 */
int
lstm_predict_many(const struct lstm *m, const float *series,
    const size_t *start, size_t n, size_t window, size_t threads, float *pred,
    struct ad_err *err)
{
	struct pool pool;
	size_t nshard = (n + LSTM_SHARD - 1) / LSTM_SHARD;

	if (threads < 1)
		threads = 1;
	if (threads > nshard)
		threads = nshard > 0 ? nshard : 1;
	if (pool_start(&pool, threads, m->hidden, window, err) < 0)
		return -1;
	pool_predict(&pool, m, series, start, n, window, pred);
	pool_stop(&pool);
	return 0;
}
