/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Fast double to text for NDJSON output: Grisu2 (Florian Loitsch, "Printing
 * floating-point numbers quickly and accurately with integers", PLDI 2010),
 * which always round-trips (strtod gives the same double back) and gives
 * the shortest digits in all but a tiny fraction of cases, at a small cost
 * next to printf("%.17g") followed by strtod() checks.  The cached powers
 * of ten (87 normalised 64-bit significands, 10^-348 .. 10^340 by 8) were
 * computed exactly with big integers and rounded to nearest.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "base/dtoa.h"

struct diy {
	uint64_t f;
	int e;
};

static const struct diy cached[] = {
    {0xfa8fd5a0081c0288ULL, -1220}, /* 1e-348 */
    {0xbaaee17fa23ebf76ULL, -1193}, /* 1e-340 */
    {0x8b16fb203055ac76ULL, -1166}, /* 1e-332 */
    {0xcf42894a5dce35eaULL, -1140}, /* 1e-324 */
    {0x9a6bb0aa55653b2dULL, -1113}, /* 1e-316 */
    {0xe61acf033d1a45dfULL, -1087}, /* 1e-308 */
    {0xab70fe17c79ac6caULL, -1060}, /* 1e-300 */
    {0xff77b1fcbebcdc4fULL, -1034}, /* 1e-292 */
    {0xbe5691ef416bd60cULL, -1007}, /* 1e-284 */
    {0x8dd01fad907ffc3cULL, -980},  /* 1e-276 */
    {0xd3515c2831559a83ULL, -954},  /* 1e-268 */
    {0x9d71ac8fada6c9b5ULL, -927},  /* 1e-260 */
    {0xea9c227723ee8bcbULL, -901},  /* 1e-252 */
    {0xaecc49914078536dULL, -874},  /* 1e-244 */
    {0x823c12795db6ce57ULL, -847},  /* 1e-236 */
    {0xc21094364dfb5637ULL, -821},  /* 1e-228 */
    {0x9096ea6f3848984fULL, -794},  /* 1e-220 */
    {0xd77485cb25823ac7ULL, -768},  /* 1e-212 */
    {0xa086cfcd97bf97f4ULL, -741},  /* 1e-204 */
    {0xef340a98172aace5ULL, -715},  /* 1e-196 */
    {0xb23867fb2a35b28eULL, -688},  /* 1e-188 */
    {0x84c8d4dfd2c63f3bULL, -661},  /* 1e-180 */
    {0xc5dd44271ad3cdbaULL, -635},  /* 1e-172 */
    {0x936b9fcebb25c996ULL, -608},  /* 1e-164 */
    {0xdbac6c247d62a584ULL, -582},  /* 1e-156 */
    {0xa3ab66580d5fdaf6ULL, -555},  /* 1e-148 */
    {0xf3e2f893dec3f126ULL, -529},  /* 1e-140 */
    {0xb5b5ada8aaff80b8ULL, -502},  /* 1e-132 */
    {0x87625f056c7c4a8bULL, -475},  /* 1e-124 */
    {0xc9bcff6034c13053ULL, -449},  /* 1e-116 */
    {0x964e858c91ba2655ULL, -422},  /* 1e-108 */
    {0xdff9772470297ebdULL, -396},  /* 1e-100 */
    {0xa6dfbd9fb8e5b88fULL, -369},  /* 1e-92 */
    {0xf8a95fcf88747d94ULL, -343},  /* 1e-84 */
    {0xb94470938fa89bcfULL, -316},  /* 1e-76 */
    {0x8a08f0f8bf0f156bULL, -289},  /* 1e-68 */
    {0xcdb02555653131b6ULL, -263},  /* 1e-60 */
    {0x993fe2c6d07b7facULL, -236},  /* 1e-52 */
    {0xe45c10c42a2b3b06ULL, -210},  /* 1e-44 */
    {0xaa242499697392d3ULL, -183},  /* 1e-36 */
    {0xfd87b5f28300ca0eULL, -157},  /* 1e-28 */
    {0xbce5086492111aebULL, -130},  /* 1e-20 */
    {0x8cbccc096f5088ccULL, -103},  /* 1e-12 */
    {0xd1b71758e219652cULL, -77},   /* 1e-4 */
    {0x9c40000000000000ULL, -50},   /* 1e4 */
    {0xe8d4a51000000000ULL, -24},   /* 1e12 */
    {0xad78ebc5ac620000ULL, 3},	    /* 1e20 */
    {0x813f3978f8940984ULL, 30},    /* 1e28 */
    {0xc097ce7bc90715b3ULL, 56},    /* 1e36 */
    {0x8f7e32ce7bea5c70ULL, 83},    /* 1e44 */
    {0xd5d238a4abe98068ULL, 109},   /* 1e52 */
    {0x9f4f2726179a2245ULL, 136},   /* 1e60 */
    {0xed63a231d4c4fb27ULL, 162},   /* 1e68 */
    {0xb0de65388cc8ada8ULL, 189},   /* 1e76 */
    {0x83c7088e1aab65dbULL, 216},   /* 1e84 */
    {0xc45d1df942711d9aULL, 242},   /* 1e92 */
    {0x924d692ca61be758ULL, 269},   /* 1e100 */
    {0xda01ee641a708deaULL, 295},   /* 1e108 */
    {0xa26da3999aef774aULL, 322},   /* 1e116 */
    {0xf209787bb47d6b85ULL, 348},   /* 1e124 */
    {0xb454e4a179dd1877ULL, 375},   /* 1e132 */
    {0x865b86925b9bc5c2ULL, 402},   /* 1e140 */
    {0xc83553c5c8965d3dULL, 428},   /* 1e148 */
    {0x952ab45cfa97a0b3ULL, 455},   /* 1e156 */
    {0xde469fbd99a05fe3ULL, 481},   /* 1e164 */
    {0xa59bc234db398c25ULL, 508},   /* 1e172 */
    {0xf6c69a72a3989f5cULL, 534},   /* 1e180 */
    {0xb7dcbf5354e9beceULL, 561},   /* 1e188 */
    {0x88fcf317f22241e2ULL, 588},   /* 1e196 */
    {0xcc20ce9bd35c78a5ULL, 614},   /* 1e204 */
    {0x98165af37b2153dfULL, 641},   /* 1e212 */
    {0xe2a0b5dc971f303aULL, 667},   /* 1e220 */
    {0xa8d9d1535ce3b396ULL, 694},   /* 1e228 */
    {0xfb9b7cd9a4a7443cULL, 720},   /* 1e236 */
    {0xbb764c4ca7a44410ULL, 747},   /* 1e244 */
    {0x8bab8eefb6409c1aULL, 774},   /* 1e252 */
    {0xd01fef10a657842cULL, 800},   /* 1e260 */
    {0x9b10a4e5e9913129ULL, 827},   /* 1e268 */
    {0xe7109bfba19c0c9dULL, 853},   /* 1e276 */
    {0xac2820d9623bf429ULL, 880},   /* 1e284 */
    {0x80444b5e7aa7cf85ULL, 907},   /* 1e292 */
    {0xbf21e44003acdd2dULL, 933},   /* 1e300 */
    {0x8e679c2f5e44ff8fULL, 960},   /* 1e308 */
    {0xd433179d9c8cb841ULL, 986},   /* 1e316 */
    {0x9e19db92b4e31ba9ULL, 1013},  /* 1e324 */
    {0xeb96bf6ebadf77d9ULL, 1039},  /* 1e332 */
    {0xaf87023b9bf0ee6bULL, 1066},  /* 1e340 */
};

static const uint64_t pow10_u64[] = {1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL,
    100000ULL, 1000000ULL, 10000000ULL, 100000000ULL, 1000000000ULL,
    10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
    100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL};

static struct diy
diy_mul(struct diy x, struct diy y)
{
	unsigned __int128 p = (unsigned __int128)x.f * y.f;
	uint64_t h = (uint64_t)(p >> 64), l = (uint64_t)p;

	h += l >> 63; /* round */
	return (struct diy){h, x.e + y.e + 64};
}

static struct diy
diy_normalize(struct diy x)
{
	int s = __builtin_clzll(x.f); /* x.f is never 0 here */

	x.f <<= s;
	x.e -= s;
	return x;
}

static struct diy
cached_power(int e, int *k10)
{
	double dk = (-61 - e) * 0.30102999566398114 + 347;
	int k = (int)dk;
	unsigned idx;

	if (dk - k > 0.0)
		k++;
	idx = (unsigned)((k >> 3) + 1);
	*k10 = -(-348 + (int)idx * 8);
	return cached[idx];
}

static void
grisu_round(char *buf, int len, uint64_t delta, uint64_t rest,
    uint64_t ten_kappa, uint64_t wp_w)
{
	while (rest < wp_w && delta - rest >= ten_kappa &&
	       (rest + ten_kappa < wp_w ||
		   wp_w - rest > rest + ten_kappa - wp_w)) {
		buf[len - 1]--;
		rest += ten_kappa;
	}
}

static int
count_digits(uint32_t n)
{
	int d = 1;

	while (d < 10 && n >= pow10_u64[d])
		d++;
	return d;
}

static void
digit_gen(
    struct diy w, struct diy mp, uint64_t delta, char *buf, int *len, int *k)
{
	struct diy one = {1ULL << -mp.e, mp.e};
	uint64_t wp_w = mp.f - w.f, p2, tmp;
	uint32_t p1 = (uint32_t)(mp.f >> -one.e);
	int kappa;

	p2 = mp.f & (one.f - 1);
	kappa = count_digits(p1);
	*len = 0;
	while (kappa > 0) {
		uint32_t div = (uint32_t)pow10_u64[kappa - 1];
		uint32_t d = p1 / div;

		p1 %= div;
		if (d || *len)
			buf[(*len)++] = (char)('0' + d);
		kappa--;
		tmp = ((uint64_t)p1 << -one.e) + p2;
		if (tmp <= delta) {
			*k += kappa;
			grisu_round(buf, *len, delta, tmp,
			    pow10_u64[kappa] << -one.e, wp_w);
			return;
		}
	}
	for (;;) {
		uint64_t d;

		p2 *= 10;
		delta *= 10;
		d = p2 >> -one.e;
		if (d || *len)
			buf[(*len)++] = (char)('0' + d);
		p2 &= one.f - 1;
		kappa--;
		if (p2 < delta) {
			*k += kappa;
			grisu_round(buf, *len, delta, p2, one.f,
			    -kappa < 20 ? wp_w * pow10_u64[-kappa] : 0);
			return;
		}
	}
}

/* Digits of v > 0 into buf (at most 17), value = digits * 10^k. */
static int
grisu2(double v, char *buf, int *k)
{
	uint64_t bits, f;
	int e, len, mk;
	struct diy w, wp, wm, c;

	memcpy(&bits, &v, sizeof(bits));
	f = bits & ((1ULL << 52) - 1);
	e = (int)((bits >> 52) & 0x7ff);
	if (e != 0) {
		f += 1ULL << 52;
		e -= 1075;
	} else {
		e = -1074;
	}
	wp = diy_normalize((struct diy){(f << 1) + 1, e - 1});
	wm = f == (1ULL << 52) ? (struct diy){(f << 2) - 1, e - 2}
			       : (struct diy){(f << 1) - 1, e - 1};
	wm.f <<= wm.e - wp.e;
	wm.e = wp.e;
	w = diy_normalize((struct diy){f, e});
	c = cached_power(wp.e, &mk);
	w = diy_mul(w, c);
	wp = diy_mul(wp, c);
	wm = diy_mul(wm, c);
	wm.f++;
	wp.f--;
	*k = mk;
	digit_gen(w, wp, wp.f - wm.f, buf, &len, k);
	return len;
}

/*
 * Write v to out (at least DTOA_BUFSIZE bytes) as JSON: the shortest
 * digits that read back as v (Grisu2; nearly always the shortest), with a
 * '.' or an exponent so that it stays a real.  NaN and infinities are
 * written as null.  Returns the length (out is NUL-terminated).
 */
size_t
dtoa_json(double v, char *out)
{
	char d[24];
	char *p = out;
	int len, k, kk;

	if (!isfinite(v)) {
		memcpy(out, "null", 5);
		return 4;
	}
	if (signbit(v)) {
		*p++ = '-';
		v = -v;
	}
	if (v == 0) {
		memcpy(p, "0.0", 4);
		return (size_t)(p - out) + 3;
	}
	len = grisu2(v, d, &k);
	kk = len + k; /* position of the decimal point */
	if (k >= 0 && kk <= 17) {
		memcpy(p, d, (size_t)len);
		p += len;
		for (int i = 0; i < k; i++)
			*p++ = '0';
		*p++ = '.';
		*p++ = '0';
	} else if (kk > 0 && kk < len && kk <= 21) {
		memcpy(p, d, (size_t)kk);
		p += kk;
		*p++ = '.';
		memcpy(p, d + kk, (size_t)(len - kk));
		p += len - kk;
	} else if (kk > -6 && kk <= 0) {
		*p++ = '0';
		*p++ = '.';
		for (int i = 0; i < -kk; i++)
			*p++ = '0';
		memcpy(p, d, (size_t)len);
		p += len;
	} else {
		int x = kk - 1, ax;

		*p++ = d[0];
		if (len > 1) {
			*p++ = '.';
			memcpy(p, d + 1, (size_t)(len - 1));
			p += len - 1;
		}
		*p++ = 'e';
		*p++ = x < 0 ? '-' : '+';
		ax = x < 0 ? -x : x;
		if (ax >= 100)
			*p++ = (char)('0' + ax / 100);
		if (ax >= 10)
			*p++ = (char)('0' + ax / 10 % 10);
		*p++ = (char)('0' + ax % 10);
	}
	*p = '\0';
	return (size_t)(p - out);
}
