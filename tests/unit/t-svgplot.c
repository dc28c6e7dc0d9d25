/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/svgplot: every document is well-formed XML (a small
 * checker below: balanced tags, quoted attributes, entities only, no NaN
 * or infinity in a number), points and bars land at the pixels computed
 * by hand from the layout (plot area x 70..980, first panel y 80..280,
 * 5% padding), empty, constant and gapped series, escaping, nice ticks.
 */
#include <ctype.h>
#include <float.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot/svgplot.h"
#include "tap.h"

/*
 * A check that exposes a known, reported bug: "ok N # SKIP TODO ..." while
 * the bug is there (so that make check stays green), a plain ok after.
 */
/* Whether s is an entity reference at '&': &lt; &gt; &amp; &quot; &apos; */
static size_t
entity(const char *s)
{
	static const char *ents[] = {
	    "&lt;", "&gt;", "&amp;", "&quot;", "&apos;"};

	for (size_t i = 0; i < 5; i++)
		if (strncmp(s, ents[i], strlen(ents[i])) == 0)
			return strlen(ents[i]);
	return 0;
}

/*
 * A tiny well-formedness check: one root <svg>, every tag closed in
 * order, attributes name="value" without '<', '&' only in entities,
 * and no "nan" or "inf" anywhere.  Returns NULL or what is wrong.
 */
static const char *
xml_check(const char *s, size_t *ntags)
{
	char stack[64][32];
	int depth = 0, roots = 0;
	const char *p = s;

	*ntags = 0;
	if (strstr(s, "nan") || strstr(s, "inf") || strstr(s, "NaN"))
		return "NaN or infinity in the output";
	if (strncmp(p, "<?xml ", 6) == 0) {
		if ((p = strstr(p, "?>")) == NULL)
			return "unterminated XML declaration";
		p += 2;
	}
	while (*p != '\0') {
		if (*p == '&') {
			size_t n = entity(p);

			if (n == 0)
				return "bare '&' in text";
			p += n;
			continue;
		}
		if (*p == '>')
			return "bare '>' in text";
		if (*p != '<') {
			if (depth == 0 && !isspace((unsigned char)*p))
				return "text outside the root";
			p++;
			continue;
		}
		p++;
		if (*p == '/') {
			size_t n = 0;

			p++;
			while (isalnum((unsigned char)p[n]))
				n++;
			if (depth == 0 || strlen(stack[depth - 1]) != n ||
			    strncmp(stack[depth - 1], p, n) != 0 || p[n] != '>')
				return "mismatched closing tag";
			depth--;
			p += n + 1;
			continue;
		}
		{
			size_t n = 0;

			while (isalnum((unsigned char)p[n]))
				n++;
			if (n == 0 || n >= 32)
				return "bad tag name";
			if (depth == 0 && roots++ > 0)
				return "more than one root";
			if (depth == 64)
				return "too deep";
			memcpy(stack[depth], p, n);
			stack[depth][n] = '\0';
			p += n;
			(*ntags)++;
		}
		for (;;) {
			while (isspace((unsigned char)*p))
				p++;
			if (*p == '/' && p[1] == '>') {
				p += 2;
				break;
			}
			if (*p == '>') {
				p++;
				depth++;
				break;
			}
			if (!isalpha((unsigned char)*p))
				return "bad attribute";
			while (isalnum((unsigned char)*p) || *p == '-' ||
			       *p == ':')
				p++;
			if (p[0] != '=' || p[1] != '"')
				return "unquoted attribute";
			p += 2;
			while (*p != '"') {
				if (*p == '\0' || *p == '<')
					return "bad attribute value";
				if (*p == '&') {
					if (entity(p) == 0)
						return "bare '&' in attribute";
				}
				p++;
			}
			p++;
		}
	}
	if (depth != 0)
		return "unclosed tag";
	if (roots != 1)
		return "no root";
	return NULL;
}

static int
well_formed(const struct buf *b, const char *what)
{
	size_t ntags;
	const char *err = xml_check(b->data, &ntags);

	if (err != NULL)
		printf("# %s: %s\n", what, err);
	return err == NULL && strncmp(b->data, "<?xml", 5) == 0 &&
	       strstr(b->data, "<svg xmlns=\"http://www.w3.org/2000/svg\"") !=
		   NULL;
}

static size_t
count(const char *s, const char *needle)
{
	size_t n = 0;

	for (; (s = strstr(s, needle)) != NULL; s++)
		n++;
	return n;
}

/* The points="..." of the n-th polyline of class cls, or "". */
static const char *
points_of(const char *s, const char *cls, int nth)
{
	static char tmp[4096];
	char pat[64];
	const char *p = s, *q;

	snprintf(pat, sizeof(pat), "<polyline class=\"%s\"", cls);
	for (int i = 0; i <= nth; i++) {
		if ((p = strstr(p, pat)) == NULL)
			return "";
		p++;
	}
	p = strstr(p, "points=\"") + 8;
	q = strchr(p, '"');
	snprintf(tmp, sizeof(tmp), "%.*s", (int)(q - p), p);
	return tmp;
}

static struct svgplot_point
pt(int64_t t, double v)
{
	return (struct svgplot_point){t, v, NAN, NAN, NAN, false};
}

/*
 * Render points v and v + dv in a child that must finish in 5 s with a
 * well-formed document: 0, or 1 when it is not, 2 when it hangs.
 */
/*
 * Draw two points (t0, v0) and (t1, v1) in a child that is killed after
 * 5 s: 0 when the document is well-formed with at most 12 ticks on each
 * axis and under 20 KB, 1 when not, 2 when the child died (a hang).
 */
static int
renders2(int64_t t0, double v0, int64_t t1, double v1)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		struct svgplot_panel p = {0};
		struct svgplot_point q = pt(t0, v0);
		struct buf b;

		alarm(5);
		buf_init(&b);
		p.title = strdup("big");
		svgplot_panel_add(&p, &q);
		q.t = t1;
		q.value = v1;
		svgplot_panel_add(&p, &q);
		svgplot_series(&b, "t", &p, 1, NULL);
		if (b.len > 20000 || count(b.data, "class=\"xtick\"") > 12 ||
		    count(b.data, "class=\"ytick\"") > 12) {
			printf("#   %zu bytes, %zu x ticks, %zu y ticks\n",
			    b.len, count(b.data, "class=\"xtick\""),
			    count(b.data, "class=\"ytick\""));
			_exit(1);
		}
		_exit(well_formed(&b, "large values") ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}

static int
renders(double v, double dv)
{
	return renders2(0, v, 60000, v + dv);
}

int
main(void)
{
	struct svgplot_panel p[2];
	struct buf b;
	double first, step;
	size_t ntags, normal[10] = {0}, other[10] = {0};
	struct svgplot_hist h = {"scores <all>", 0.5, 10, normal, other, true};

	buf_init(&b);
	memset(p, 0, sizeof(p));

	/* The checker itself refuses broken documents. */
	ok(xml_check("<svg><g></svg>", &ntags) != NULL &&
		xml_check("<svg a=1/>", &ntags) != NULL &&
		xml_check("<svg>a & b</svg>", &ntags) != NULL &&
		xml_check("<svg x=\"nan\"/>", &ntags) != NULL &&
		xml_check("<svg/><svg/>", &ntags) != NULL &&
		xml_check("<svg><g/>&amp;</svg>", &ntags) == NULL && ntags == 2,
	    "checker: refuses bad XML, accepts good");

	/* nice ticks. */
	svgplot_nice_ticks(0, 10, 5, &first, &step);
	ok(first == 0 && step == 2, "ticks 0..10 by 5: 0 step 2");
	svgplot_nice_ticks(0.13, 0.87, 5, &first, &step);
	ok(fabs(step - 0.1) < 1e-15 && fabs(first - 0.2) < 1e-15,
	    "ticks .13...87: .2 step .1");
	svgplot_nice_ticks(-7, 3, 5, &first, &step);
	ok(first == -6 && step == 2, "ticks -7..3: -6 step 2");
	svgplot_nice_ticks(0, 100, 4, &first, &step);
	ok(first == 0 && step == 20, "ticks 0..100 by 4: step 20");
	svgplot_nice_ticks(0, 75, 10, &first, &step);
	ok(step == 10, "raw step 7.5 rounds up to 10");
	svgplot_nice_ticks(0, 3e6, 3, &first, &step);
	ok(step == 1e6, "0..3e6: step 1e6");
	svgplot_nice_ticks(5, 5, 5, &first, &step);
	ok(first == 5 && step == 1, "empty range at 5: step 1");
	svgplot_nice_ticks(0, 0, 5, &first, &step);
	ok(first == 0 && fabs(step - 0.2) < 1e-15, "empty range at 0: 0.2");
	svgplot_nice_ticks(3, 1, 5, &first, &step);
	ok(step > 0 && isfinite(first), "reversed range: a positive step");

	/* Three points: hand-computed pixels. */
	p[0].title = strdup("cpu <host1> & co");
	svgplot_panel_add(
	    &p[0], &(struct svgplot_point){0, 0, NAN, NAN, NAN, 0});
	svgplot_panel_add(
	    &p[0], &(struct svgplot_point){1000, 10, NAN, NAN, NAN, true});
	svgplot_panel_add(
	    &p[0], &(struct svgplot_point){2000, 5, NAN, NAN, NAN, 0});
	svgplot_series(&b, "A \"chart\"", p, 1, "1 more key & others");
	ok(well_formed(&b, "three points"), "three points: well-formed");
	is_str(points_of(b.data, "value", 0),
	    "70.0,270.9 525.0,89.1 980.0,180.0 ",
	    "value polyline at hand-computed pixels");
	ok(strstr(b.data, "<circle class=\"anomaly\" cx=\"525.0\" "
			  "cy=\"89.1\"") != NULL &&
		count(b.data, "class=\"anomaly\"") == 1,
	    "one anomaly circle at (525.0, 89.1)");
	ok(strstr(b.data, "<rect class=\"frame\" x=\"70.0\" y=\"80.0\" "
			  "width=\"910.0\" height=\"200.0\"") != NULL,
	    "plot frame 70,80 910x200");
	ok(strstr(b.data, "cpu &lt;host1&gt; &amp; co") != NULL &&
		strstr(b.data, "A &quot;chart&quot;") != NULL &&
		strstr(b.data, "1 more key &amp; others") != NULL,
	    "title, heading and note escaped");
	ok(count(b.data, "class=\"ytick\"") == 6 &&
		strstr(b.data, ">0</text>") && strstr(b.data, ">10</text>"),
	    "y ticks 0, 2, ..., 10");
	ok(count(b.data, "class=\"xtick\"") == 3 &&
		strstr(b.data, ">00:00:00</text>") &&
		strstr(b.data, ">00:00:02</text>"),
	    "x ticks each second, labelled in UTC");
	ok(count(b.data, "<polyline") == 1, "no trend or forecast lines");
	ok(b.data[b.len - 1] == '>' &&
		strcmp(b.data + b.len - 6, "</svg>") == 0,
	    "document ends with </svg>");

	/* A gap (NaN) splits the line; trend and forecast are drawn. */
	buf_reset(&b);
	svgplot_panel_add(
	    &p[0], &(struct svgplot_point){3000, NAN, 1, 2, NAN, 1});
	svgplot_panel_add(
	    &p[0], &(struct svgplot_point){4000, 2, 1, 2, NAN, 0});
	svgplot_series(&b, "gap", p, 1, NULL);
	ok(well_formed(&b, "gap"), "with a gap: well-formed");
	ok(count(b.data, "<polyline class=\"value\"") == 2 &&
		count(b.data, "<polyline class=\"trend\"") == 1 &&
		count(b.data, "<polyline class=\"forecast\"") == 1,
	    "a NaN value splits the value line in two");
	ok(count(b.data, "class=\"anomaly\"") == 1,
	    "an anomalous NaN point gets no circle");
	ok(strstr(b.data, "class=\"note\"") == NULL, "no note when NULL");

	/* Empty panel, next to a constant one. */
	buf_reset(&b);
	p[1].title = strdup("");
	svgplot_series(&b, "", &p[1], 1, NULL);
	ok(well_formed(&b, "empty"), "empty series: well-formed");
	ok(count(b.data, "<polyline") == 0 &&
		count(b.data, "<g class=\"panel\">") == 1,
	    "empty series: a panel, no line");
	buf_reset(&b);
	svgplot_series(&b, "none", NULL, 0, NULL);
	ok(well_formed(&b, "no panels") &&
		count(b.data, "<g class=\"panel\">") == 0,
	    "no panels at all: well-formed");
	buf_reset(&b);
	for (int i = 0; i < 5; i++)
		svgplot_panel_add(
		    &p[1], &(struct svgplot_point){
			       (int64_t)i * 60000, 7, NAN, NAN, NAN, false});
	svgplot_series(&b, "two", p, 2, NULL);
	ok(well_formed(&b, "constant"), "constant series: well-formed");
	ok(count(b.data, "<g class=\"panel\">") == 2 &&
		strstr(b.data,
		    "<rect class=\"frame\" x=\"70.0\" y=\"340.0\"") != NULL,
	    "second panel 260 px lower");
	is_str(points_of(b.data, "value", 2),
	    "70.0,440.0 297.0,440.0 525.0,440.0 752.0,440.0 980.0,440.0 ",
	    "constant 7 drawn at mid-height (y 440), x floored");

	/* Many points in one pixel column: min/max envelope. */
	svgplot_panel_release(&p[1]);
	p[1].title = strdup("dense");
	for (int i = 0; i < 100000; i++)
		svgplot_panel_add(
		    &p[1], &(struct svgplot_point){
			       i, (double)(i % 7), NAN, NAN, NAN, 0});
	buf_reset(&b);
	svgplot_series(&b, "dense", &p[1], 1, NULL);
	ok(well_formed(&b, "dense"), "100000 points: well-formed");
	ok(b.len < 200000,
	    "100000 points: envelope keeps the file small (%zu bytes)", b.len);

	/* Alerts: shaded, clipped to the data. */
	svgplot_panel_add_alert(&p[0], 1000, 2000, false);
	svgplot_panel_add_alert(&p[0], -5000, 500, false);
	svgplot_panel_add_alert(&p[0], 3500, 99999, true);
	buf_reset(&b);
	svgplot_series(&b, "alerts", p, 1, NULL);
	ok(well_formed(&b, "alerts"), "alerts: well-formed");
	ok(strstr(b.data, "<rect class=\"alert\" x=\"297.5\" y=\"80.0\" "
			  "width=\"227.5\" height=\"200\"") != NULL,
	    "alert 1000..2000 of 0..4000: x 297.5, width 227.5");
	ok(strstr(b.data, "<rect class=\"alert\" x=\"70.0\" y=\"80.0\" "
			  "width=\"113.8\"") != NULL,
	    "alert from before the data starts at the frame");
	ok(strstr(b.data, "<rect class=\"alert\" x=\"866.2\" y=\"80.0\" "
			  "width=\"113.8\"") != NULL,
	    "open alert ends at the frame's right edge");

	/* Histogram: bars on a log scale. */
	normal[0] = 9;
	other[0] = 90;
	normal[9] = 1;
	buf_reset(&b);
	svgplot_histogram(&b, &h);
	ok(well_formed(&b, "histogram"), "histogram: well-formed");
	ok(strstr(b.data, "<rect class=\"bar normal\" x=\"70.5\" y=\"220.0\" "
			  "width=\"90.0\" height=\"150.0\"") != NULL,
	    "9 normal of 99 (log scale to 2): bar y 220 height 150");
	ok(strstr(b.data, "<rect class=\"bar attack\" x=\"70.5\" y=\"70.0\" "
			  "width=\"90.0\" height=\"150.0\"") != NULL,
	    "90 attacks stacked on top up to y 70");
	ok(count(b.data, "class=\"bar") == 3, "three bars (empty bins none)");
	ok(strstr(b.data, "<line class=\"threshold\" x1=\"525.0\" "
			  "x2=\"525.0\"") != NULL,
	    "threshold 0.5 at x 525");
	ok(strstr(b.data, "scores &lt;all&gt;") != NULL &&
		strstr(b.data, "blue normal, red attack") != NULL,
	    "histogram title escaped, labelled legend");
	memset(normal, 0, sizeof(normal));
	memset(other, 0, sizeof(other));
	h.labelled = false;
	buf_reset(&b);
	svgplot_histogram(&b, &h);
	ok(well_formed(&b, "empty histogram") &&
		count(b.data, "class=\"bar") == 0,
	    "all bins empty: well-formed, no bars");

	/* Values where a tick step is below the spacing of doubles. */
	ok(renders(1e3, 0) == 0, "constant 1e3: drawn");
	ok(renders(1e3, 1e-9) == 0, "1e3 and 1e3 + 1e-9: drawn");
	ok(renders(-1e300, 1e300) == 0, "-1e300 and 0: drawn");
	ok(renders(1e17, 0) == 0, "constant 1e17: well-formed");
	ok(renders(1e16, 2) == 0, "1e16 and 1e16 + 2: drawing finishes");
	ok(renders(1, nextafter(1, 2) - 1) == 0,
	    "1 and 1 + one ulp: drawing finishes");
	ok(renders(-1, nextafter(-1, 0) + 1) == 0,
	    "-1 and -1 + one ulp: drawing finishes");
	ok(renders(1e-300, 1e-316) == 0, "1e-300 and a subnormal more: drawn");
	ok(renders2(0, -DBL_MAX, 60000, DBL_MAX) == 0,
	    "-DBL_MAX and DBL_MAX: drawn");

	/* Times at the ends of int64 and of the calendar. */
	ok(renders2(INT64_MAX - 1000, 1, INT64_MAX, 2) == 0,
	    "times up to INT64_MAX: drawn");
	ok(renders2(INT64_MAX, 1, INT64_MAX, 2) == 0,
	    "one time, INT64_MAX: drawn");
	ok(renders2(INT64_MIN, 1, INT64_MAX, 2) == 0,
	    "INT64_MIN to INT64_MAX: drawn");
	ok(renders2(1767225600000, 1, 253402300680000, 2) == 0,
	    "2026 to 9999-12-31T23:58: a few ticks, not 16 MB");
	{
		struct svgplot_panel y = {0};
		struct svgplot_point q = pt(1767225600000, 1);

		y.title = strdup("years");
		svgplot_panel_add(&y, &q);
		q.t = 253402300680000;
		svgplot_panel_add(&y, &q);
		buf_reset(&b);
		svgplot_series(&b, "t", &y, 1, NULL);
		ok(strstr(b.data, ">3000</text>") != NULL &&
			strstr(b.data, ">9000</text>") != NULL &&
			count(b.data, "class=\"xtick\"") == 7,
		    "2026 to 9999: ticks labelled 3000 to 9000");
		svgplot_panel_release(&y);
	}
	ok(renders2(-62167219200000, 1, 0, 2) == 0,
	    "year 0 to 1970: a few ticks");

	/* Curves in the unit square: points, chance line, labels. */
	{
		double x[] = {0, 0.25, 0.25, 1}, y[] = {0, 0.5, 0.5, 1};
		struct svgplot_curve c[2] = {
		    {"ROC <1>", "fpr", "tpr", x, y, 4, 0, 0, 1, 1},
		    {"empty", "r", "p", NULL, NULL, 0, 0, 0.3, 1, 0.3},
		};

		buf_reset(&b);
		svgplot_curves(&b, "curves & more", c, 2);
		ok(well_formed(&b, "curves") &&
			count(b.data, "class=\"curve\"") == 2 &&
			count(b.data, "class=\"chance\"") == 2 &&
			count(b.data, "class=\"line\"") == 1,
		    "curves: two squares, chance lines, one polyline");
		ok(strstr(b.data, "points=\"70.0,450.0 165.0,260.0 "
				  "450.0,70.0 \"") != NULL,
		    "curves: a repeated point drawn once, corners exact");
		ok(strstr(b.data, "ROC &lt;1&gt;") != NULL, "titles escaped");
	}
	buf_reset(&b);
	svgplot_series_as(&b, "t", p, 1, NULL, "detection", "window");
	ok(well_formed(&b, "series_as") &&
		strstr(b.data, ">detection<") != NULL &&
		strstr(b.data, ">window<") != NULL &&
		strstr(b.data, ">alert<") == NULL,
	    "series_as: the legend's names");

	svgplot_panel_release(&p[0]);
	svgplot_panel_release(&p[1]);
	buf_release(&b);
	return tap_done();
}
