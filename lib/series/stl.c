/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * STL decomposition, ported from the netlib Fortran (stl.f) as R ships it
 * (double precision by B. D. Ripley, restructured by M. Maechler) and
 * driven the way R's stl() drives it: the same defaults for t.window,
 * l.window, the jumps and inner/outer, "periodic" as s.window = 10 n + 1
 * with s.degree 0, and the periodic seasonal averaged per cycle position.
 *
 * The Fortran indexes from 1; this port keeps its 1-based loop variables
 * (positions enter the loess weights as numbers) and subtracts one when
 * it touches an array, so that each routine reads like its original.
 * Routine names follow the Fortran: stlstp (inner loop), stlss (cycle-
 * subseries smoothing), stlfts (low-pass moving averages), stless (loess
 * with jumps), stlest (one loess fit), stlrwt (robustness weights).
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "series/stl.h"

/*
 * Tricube weights of the positions nleft..nright (1-based) for a fit at
 * xs, into w[0 .. nright - nleft].  Returns the bandwidth h.
 */
static double
tricube(double *w, long n, long len, double xs, long nleft, long nright)
{
	double h = fmax(xs - (double)nleft, (double)nright - xs), h9, h1;

	if (len > n)
		h += (double)((len - n) / 2);
	h9 = 0.999 * h;
	h1 = 0.001 * h;
	for (long j = nleft; j <= nright; j++) {
		double r = fabs((double)j - xs), q = r / h;

		q = 1.0 - q * q * q;
		w[j - nleft] = r > h9 ? 0.0 : r <= h1 ? 1.0 : q * q * q;
	}
	return h;
}

/* Scale w[0..m) to sum 1; false when every weight is zero. */
static bool
normalise(double *w, long m)
{
	double a = 0.0;

	for (long k = 0; k < m; k++)
		a += w[k];
	if (a <= 0.0)
		return false;
	for (long k = 0; k < m; k++)
		w[k] /= a;
	return true;
}

/*
 * The fit at xs from y[nleft..nright] (1-based) with the normalised
 * weights w[0 .. nright - nleft]; for degree 1 each weight is tilted by
 * the slope term first.
 */
static double
loess_sum(const double *w, const double *y, long n, long ideg, double h,
    double xs, long nleft, long nright)
{
	double a = 0.0, b, c = 0.0, r = 0.0;
	long j;

	if (h > 0.0 && ideg > 0) {
		for (j = nleft; j <= nright; j++)
			a += w[j - nleft] * (double)j;
		b = xs - a;
		for (j = nleft; j <= nright; j++)
			c += w[j - nleft] * (((double)j - a) * ((double)j - a));
		if (sqrt(c) > 0.001 * ((double)n - 1.0)) {
			b /= c;
			for (j = nleft; j <= nright; j++)
				r += w[j - nleft] *
				     (b * ((double)j - a) + 1.0) * y[j - 1];
			return r;
		}
	}
	for (j = nleft; j <= nright; j++)
		r += w[j - nleft] * y[j - 1];
	return r;
}

/*
 * One local fit at position xs (1-based) from y[nleft..nright], with
 * tricube weights (times rw when userw) written to w.  Returns false when
 * every weight is zero (the caller then keeps the data value).
 */
static bool
stlest(const double *y, long n, long len, long ideg, double xs, double *ys,
    long nleft, long nright, double *w, bool userw, const double *rw)
{
	double *wl = w + nleft - 1, h;

	h = tricube(wl, n, len, xs, nleft, nright);
	if (userw)
		for (long j = nleft; j <= nright; j++)
			wl[j - nleft] = rw[j - 1] * wl[j - nleft];
	if (!normalise(wl, nright - nleft + 1))
		return false;
	*ys = loess_sum(wl, y, n, ideg, h, xs, nleft, nright);
	return true;
}

/*
 * The weights of an unweighted fit depend only on the window's width and
 * where xs sits in it, so the interior fits of one stless() call share
 * them: computed and normalised once, each fit only tilts and sums.  The
 * operations and their order are stlest()'s, so the results stay equal
 * to R's to the last bit.
 */
struct loess_weights {
	long width, at; /* window length, xs - nleft; width 0: none yet */
	bool ok;	/* some weight is not zero */
	double h;
	double *w; /* width normalised tricube weights */
};

static bool
shared_fit(struct loess_weights *lw, const double *y, long n, long len,
    long ideg, long xs, long nleft, long nright, double *ys)
{
	long width = nright - nleft + 1, at = xs - nleft;

	if (lw->width != width || lw->at != at) {
		/* positions relative to the window: the same weights */
		lw->h = tricube(lw->w, n, len, (double)(at + 1), 1, width);
		lw->ok = normalise(lw->w, width);
		lw->width = width;
		lw->at = at;
	}
	if (!lw->ok)
		return false;
	*ys = loess_sum(lw->w, y, n, ideg, lw->h, (double)xs, nleft, nright);
	return true;
}

/* One fit: shared weights when unweighted, stlest() otherwise. */
static bool
stless_fit(struct loess_weights *lw, const double *y, long n, long len,
    long ideg, long xs, double *ys, long nleft, long nright, double *w,
    bool userw, const double *rw)
{
	if (userw)
		return stlest(y, n, len, ideg, (double)xs, ys, nleft, nright, w,
		    userw, rw);
	return shared_fit(lw, y, n, len, ideg, xs, nleft, nright, ys);
}

/*
 * Loess smooth of y[0..n) into ys, fitting every njump-th point and
 * interpolating linearly in between; res is scratch of n doubles.
 */
static void
stless(const double *y, long n, long len, long ideg, long njump, bool userw,
    const double *rw, double *ys, double *res)
{
	long newnj, nleft = 0, nright = 0, nsh, k, i, j;
	struct loess_weights lw = {.w = NULL};
	double delta;

	if (n < 2) {
		ys[0] = y[0];
		return;
	}
	newnj = njump < n - 1 ? njump : n - 1;
	if (newnj < 1)
		newnj = 1;
	if (len >= n) {
		nleft = 1;
		nright = n;
		for (i = 1; i <= n; i += newnj)
			if (!stlest(y, n, len, ideg, (double)i, &ys[i - 1],
				nleft, nright, res, userw, rw))
				ys[i - 1] = y[i - 1];
	} else if (newnj == 1) {
		lw.w = xcalloc((size_t)len, sizeof(double));
		nsh = (len + 1) / 2;
		nleft = 1;
		nright = len;
		for (i = 1; i <= n; i++) {
			if (i > nsh && nright != n) {
				nleft++;
				nright++;
			}
			if (!stless_fit(&lw, y, n, len, ideg, i, &ys[i - 1],
				nleft, nright, res, userw, rw))
				ys[i - 1] = y[i - 1];
		}
	} else {
		lw.w = xcalloc((size_t)len, sizeof(double));
		nsh = (len + 1) / 2;
		for (i = 1; i <= n; i += newnj) {
			if (i < nsh) {
				nleft = 1;
				nright = len;
			} else if (i >= n - nsh + 1) {
				nleft = n - len + 1;
				nright = n;
			} else {
				nleft = i - nsh + 1;
				nright = len + i - nsh;
			}
			if (!stless_fit(&lw, y, n, len, ideg, i, &ys[i - 1],
				nleft, nright, res, userw, rw))
				ys[i - 1] = y[i - 1];
		}
	}
	free(lw.w);
	if (newnj == 1)
		return;
	for (i = 1; i <= n - newnj; i += newnj) {
		delta = (ys[i + newnj - 1] - ys[i - 1]) / (double)newnj;
		for (j = i + 1; j <= i + newnj - 1; j++)
			ys[j - 1] = ys[i - 1] + delta * (double)(j - i);
	}
	k = ((n - 1) / newnj) * newnj + 1;
	if (k != n) {
		/* The last fit uses the window of the last jumped point. */
		if (!stlest(y, n, len, ideg, (double)n, &ys[n - 1], nleft,
			nright, res, userw, rw))
			ys[n - 1] = y[n - 1];
		if (k != n - 1) {
			delta = (ys[n - 1] - ys[k - 1]) / (double)(n - k);
			for (j = k + 1; j <= n - 1; j++)
				ys[j - 1] = ys[k - 1] + delta * (double)(j - k);
		}
	}
}

/* Running mean of len points: ave[0..n-len] (stlma). */
static void
stlma(const double *x, long n, long len, double *ave)
{
	long newn = n - len + 1, i, j, k, m;
	double flen = (double)len, v = 0.0;

	for (i = 0; i < len; i++)
		v += x[i];
	ave[0] = v / flen;
	if (newn > 1) {
		k = len;
		m = 0;
		for (j = 2; j <= newn; j++) {
			k++;
			m++;
			v = v - x[m - 1] + x[k - 1];
			ave[j - 1] = v / flen;
		}
	}
}

/* Low-pass filter: moving averages of np, np and 3 points (stlfts). */
static void
stlfts(const double *x, long n, long np, double *trend, double *work)
{
	stlma(x, n, np, trend);
	stlma(trend, n - np + 1, np, work);
	stlma(work, n - 2 * np + 2, 3, trend);
}

/*
 * Smooth each cycle-subseries of y and extend it by one point at each
 * end, giving season[0..n+2np) (stlss).
 */
static void
stlss(const double *y, long n, long np, long ns, long isdeg, long nsjump,
    bool userw, const double *rw, double *season, double *work1, double *work2,
    double *work3, double *work4)
{
	long i, j, k, m, nleft, nright;

	for (j = 1; j <= np; j++) {
		k = (n - j) / np + 1;
		for (i = 1; i <= k; i++)
			work1[i - 1] = y[(i - 1) * np + j - 1];
		if (userw)
			for (i = 1; i <= k; i++)
				work3[i - 1] = rw[(i - 1) * np + j - 1];
		stless(work1, k, ns, isdeg, nsjump, userw, work3, work2 + 1,
		    work4);
		nright = ns < k ? ns : k;
		if (!stlest(work1, k, ns, isdeg, 0.0, &work2[0], 1, nright,
			work4, userw, work3))
			work2[0] = work2[1];
		nleft = k - ns + 1 > 1 ? k - ns + 1 : 1;
		if (!stlest(work1, k, ns, isdeg, (double)(k + 1), &work2[k + 1],
			nleft, k, work4, userw, work3))
			work2[k + 1] = work2[k];
		for (m = 1; m <= k + 2; m++)
			season[(m - 1) * np + j - 1] = work2[m - 1];
	}
}

/*
 * The inner loop (stlstp): ni passes of detrend, cycle-subseries smooth,
 * low-pass, deseasonalise, trend smooth.  work holds 5 columns of n+2np.
 */
static void
stlstp(const double *y, long n, long np, long ns, long nt, long nl, long isdeg,
    long itdeg, long ildeg, long nsjump, long ntjump, long nljump, long ni,
    bool userw, const double *rw, double *season, double *trend, double *work)
{
	size_t ld = (size_t)(n + 2 * np);
	double *w1 = work, *w2 = work + ld, *w3 = work + 2 * ld;
	double *w4 = work + 3 * ld, *w5 = work + 4 * ld;
	long i, j;

	for (j = 0; j < ni; j++) {
		for (i = 0; i < n; i++)
			w1[i] = y[i] - trend[i];
		stlss(w1, n, np, ns, isdeg, nsjump, userw, rw, w2, w3, w4, w5,
		    season);
		stlfts(w2, n + 2 * np, np, w3, w1);
		stless(w3, n, nl, ildeg, nljump, false, w4, w1, w5);
		for (i = 0; i < n; i++)
			season[i] = w2[np + i] - w1[i];
		for (i = 0; i < n; i++)
			w1[i] = y[i] - season[i];
		stless(w1, n, nt, itdeg, ntjump, userw, rw, trend, w3);
	}
}

/*
 * The Fortran's partial sort (psort): reorder a[0..n) so that the 1-based
 * positions listed in ind[0..ni) hold the values a full sort would put
 * there, as far as this algorithm does.  It is kept literally, gotos and
 * all, because R calls it with ind descending for even n (n/2+1, n/2),
 * where the result is not always the exact order statistic; matching R's
 * robustness weights to the last bit needs the same answer.  The stacks
 * hold 64 entries instead of 16 so that long series cannot overflow them.
 */
static void
psort(double *a, long n, const long *ind, long ni)
{
	long indu[64], indl[64], iu[64], il[64];
	long p, jl, ju, i, j, m, k, ij, l;
	double t, tt;

#define A(x) a[(x)-1]
#define IND(x) ind[(x)-1]
	if (n < 2 || ni <= 0)
		return;
	jl = 1;
	ju = ni;
	indl[0] = 1;
	indu[0] = ni;
	i = 1;
	j = n;
	m = 1;
L161:
	if (i < j)
		goto L10;
L166:
	m--;
	if (m == 0)
		return;
	i = il[m - 1];
	j = iu[m - 1];
	jl = indl[m - 1];
	ju = indu[m - 1];
	if (!(jl <= ju))
		goto L166;
L173:
	if (!(j - i > 10))
		goto L174;
L10:
	k = i;
	ij = (i + j) / 2;
	t = A(ij);
	if (A(i) > t) {
		A(ij) = A(i);
		A(i) = t;
		t = A(ij);
	}
	l = j;
	if (A(j) < t) {
		A(ij) = A(j);
		A(j) = t;
		t = A(ij);
		if (A(i) > t) {
			A(ij) = A(i);
			A(i) = t;
			t = A(ij);
		}
	}
	for (;;) {
		l--;
		if (A(l) <= t) {
			tt = A(l);
			do
				k++;
			while (!(A(k) >= t));
			if (k > l)
				break;
			A(l) = A(k);
			A(k) = tt;
		}
	}
	indl[m - 1] = jl;
	indu[m - 1] = ju;
	p = m;
	m++;
	assert(m <= 64);
	if (l - i <= j - k) {
		il[p - 1] = k;
		iu[p - 1] = j;
		j = l;
		for (;;) {
			if (jl > ju)
				goto L166;
			if (IND(ju) > j)
				ju--;
			else
				break;
		}
		indl[p - 1] = ju + 1;
	} else {
		il[p - 1] = i;
		iu[p - 1] = l;
		i = k;
		for (;;) {
			if (jl > ju)
				goto L166;
			if (IND(jl) < i)
				jl++;
			else
				break;
		}
		indu[p - 1] = jl - 1;
	}
	goto L173;
L174:
	if (i != 1) {
		i--;
		for (;;) {
			i++;
			if (i == j)
				goto L166;
			t = A(i + 1);
			if (A(i) > t) {
				k = i;
				do {
					A(k + 1) = A(k);
					k--;
				} while (!(t >= A(k)));
				A(k + 1) = t;
			}
		}
	}
	goto L161;
#undef A
#undef IND
}

/*
 * Robustness weights (stlrwt): Tukey's biweight of |y - fit| / (6 MAD),
 * the MAD being the median absolute residual.  scratch holds n doubles.
 */
static void
stlrwt(const double *y, long n, const double *fit, double *rw, double *scratch)
{
	long mid[2], i;
	double cmad, c9, c1, r;

	for (i = 0; i < n; i++)
		scratch[i] = fabs(y[i] - fit[i]);
	mid[0] = n / 2 + 1;
	mid[1] = n - mid[0] + 1;
	psort(scratch, n, mid, 2);
	cmad = 3.0 * (scratch[mid[0] - 1] + scratch[mid[1] - 1]);
	c9 = 0.999 * cmad;
	c1 = 0.001 * cmad;
	for (i = 0; i < n; i++) {
		r = fabs(y[i] - fit[i]);
		if (r <= c1) {
			rw[i] = 1.0;
		} else if (r <= c9) {
			r /= cmad;
			rw[i] = (1.0 - r * r) * (1.0 - r * r);
		} else {
			rw[i] = 0.0;
		}
	}
}

/* R's nextodd(): round, then make odd by adding one. */
long
stl_nextodd(double x)
{
	long v = (long)nearbyint(x);

	return v % 2 == 0 ? v + 1 : v;
}

/* Set every parameter to "R's default" (period must still be given). */
void
stl_params_init(struct stl_params *p)
{
	p->period = STL_UNSET;
	p->periodic = false;
	p->s_window = STL_UNSET;
	p->s_degree = STL_UNSET;
	p->t_window = STL_UNSET;
	p->t_degree = STL_UNSET;
	p->l_window = STL_UNSET;
	p->l_degree = STL_UNSET;
	p->s_jump = STL_UNSET;
	p->t_jump = STL_UNSET;
	p->l_jump = STL_UNSET;
	p->inner = STL_UNSET;
	p->outer = STL_UNSET;
	p->robust = false;
}

static long
ceil_div10(long w)
{
	return (long)ceil((double)w / 10.0);
}

/*
 * Fill the unset parameters of p for a series of n points as R's stl()
 * does.  Returns 0, or -1 with err (EX_DATAERR) when the series is shorter
 * than two periods (R: n <= 2 period), or EX_USAGE for a bad parameter.
 */
int
stl_params_resolve(struct stl_params *p, size_t n, struct ad_err *err)
{
	if (p->period < 2) {
		ad_err_set(err, EX_USAGE, "period must be at least 2, not %ld",
		    p->period);
		return -1;
	}
	if (n <= (size_t)(2 * p->period)) {
		ad_err_set(err, EX_DATAERR,
		    "%zu point%s, fewer than two periods of %ld "
		    "(need at least %ld)",
		    n, n == 1 ? "" : "s", p->period, 2 * p->period + 1);
		return -1;
	}
	if (p->periodic) {
		p->s_window = 10 * (long)n + 1;
		p->s_degree = 0;
	} else if (p->s_window == STL_UNSET) {
		ad_err_set(err, EX_USAGE, "s.window is required");
		return -1;
	}
	if (p->s_degree == STL_UNSET)
		p->s_degree = 0;
	if (p->t_degree == STL_UNSET)
		p->t_degree = 1;
	if (p->l_degree == STL_UNSET)
		p->l_degree = p->t_degree;
	if (p->t_window == STL_UNSET)
		p->t_window =
		    stl_nextodd(ceil(1.5 * (double)p->period /
				     (1.0 - 1.5 / (double)p->s_window)));
	if (p->l_window == STL_UNSET)
		p->l_window = stl_nextodd((double)p->period);
	if (p->s_jump == STL_UNSET)
		p->s_jump = ceil_div10(p->s_window);
	if (p->t_jump == STL_UNSET)
		p->t_jump = ceil_div10(p->t_window);
	if (p->l_jump == STL_UNSET)
		p->l_jump = ceil_div10(p->l_window);
	if (p->inner == STL_UNSET)
		p->inner = p->robust ? 1 : 2;
	if (p->outer == STL_UNSET)
		p->outer = p->robust ? 15 : 0;
	if (p->s_window < 1 || p->t_window < 1 || p->l_window < 1 ||
	    p->s_jump < 1 || p->t_jump < 1 || p->l_jump < 1 || p->inner < 1 ||
	    p->outer < 0) {
		ad_err_set(
		    err, EX_USAGE, "windows, jumps and inner must be positive");
		return -1;
	}
	return 0;
}

static long
make_odd3(long w)
{
	if (w < 3)
		w = 3;
	return w % 2 == 0 ? w + 1 : w;
}

/*
 * Decompose y[0..n) with the resolved parameters p into seasonal, trend
 * and remainder (each n doubles, caller-owned), and the robustness
 * weights into weight (n doubles; NULL when not wanted).  Returns 0, or
 * -1 with err: EX_DATAERR for a series too short or not finite.
 */
int
stl_decompose(const double *y, size_t n, const struct stl_params *p,
    double *seasonal, double *trend, double *remainder, double *weight,
    struct ad_err *err)
{
	long nn = (long)n, np, ns, nt, nl, k;
	double *work, *rw;
	size_t i;

	for (i = 0; i < n; i++)
		if (!isfinite(y[i])) {
			ad_err_set(err, EX_DATAERR,
			    "value %zu of the series is not finite", i + 1);
			return -1;
		}
	if (p->period < 2 || n <= (size_t)(2 * p->period)) {
		ad_err_set(err, EX_DATAERR,
		    "%zu point%s, fewer than two periods of %ld", n,
		    n == 1 ? "" : "s", p->period);
		return -1;
	}
	/* stl.f: spans odd and at least 3, period at least 2. */
	ns = make_odd3(p->s_window);
	nt = make_odd3(p->t_window);
	nl = make_odd3(p->l_window);
	np = p->period;
	work = xcalloc((size_t)(nn + 2 * np) * 5, sizeof(double));
	rw = xcalloc(n, sizeof(double));
	for (i = 0; i < n; i++)
		trend[i] = 0.0;
	for (k = 0;;) {
		stlstp(y, nn, np, ns, nt, nl, p->s_degree, p->t_degree,
		    p->l_degree, p->s_jump, p->t_jump, p->l_jump, p->inner,
		    k > 0, rw, seasonal, trend, work);
		if (++k > p->outer)
			break;
		for (i = 0; i < n; i++)
			work[i] = trend[i] + seasonal[i];
		stlrwt(y, nn, work, rw, work + n);
	}
	if (p->outer <= 0)
		for (i = 0; i < n; i++)
			rw[i] = 1.0;
	if (p->periodic) {
		/* R: seasonal <- tapply(seasonal, cycle(x), mean)[cycle(x)] */
		for (k = 0; k < np; k++) {
			/* R's mean(): long double sum, then a correction. */
			long double sum = 0.0L, corr = 0.0L;
			size_t cnt = 0;

			for (i = (size_t)k; i < n; i += (size_t)np) {
				sum += seasonal[i];
				cnt++;
			}
			sum /= (long double)cnt;
			for (i = (size_t)k; i < n; i += (size_t)np)
				corr += seasonal[i] - sum;
			sum += corr / (long double)cnt;
			for (i = (size_t)k; i < n; i += (size_t)np)
				seasonal[i] = (double)sum;
		}
	}
	for (i = 0; i < n; i++)
		remainder[i] = y[i] - seasonal[i] - trend[i];
	if (weight != NULL)
		memcpy(weight, rw, n * sizeof(double));
	free(rw);
	free(work);
	return 0;
}

/*
 * A loess smooth of y[0..n) into out (n doubles): the STL trend smoother
 * on its own, for series without a period.  window is made odd and at
 * least 3; jump <= 0 means ceil(window / 10) as R would choose.
 */
void
stl_loess(
    const double *y, size_t n, long window, long degree, long jump, double *out)
{
	double *res;

	if (n == 0)
		return;
	window = make_odd3(window);
	if (jump <= 0)
		jump = ceil_div10(window);
	res = xcalloc(n, sizeof(double));
	stless(y, (long)n, window, degree, jump, false, NULL, out, res);
	free(res);
}
