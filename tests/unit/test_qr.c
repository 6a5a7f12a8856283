/* Unit tests of secret-display/qr.c: structure required by ISO/IEC 18004
 * (finder and timing patterns, symbol size 17 + 4 * version), the text
 * layouts, and the PNG read back with libpng. That scanners read the result
 * is checked by tests/display/ with zbarimg. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <png.h>

#include "disp_err.h"
#include "qr.h"

#define Q AEM_DISP_QR_QUIET

static int dark(const struct aem_disp_qr *qr, int x, int y)
{
	return qr->dark[y * qr->width + x];
}

/* 7x7 finder: dark ring, light ring, dark 3x3 core. */
static void check_finder(const struct aem_disp_qr *qr, int x0, int y0)
{
	for (int y = 0; y < 7; y++)
		for (int x = 0; x < 7; x++) {
			int ring = x == 0 || y == 0 || x == 6 || y == 6;
			int core = x >= 2 && x <= 4 && y >= 2 && y <= 4;

			assert_int_equal(dark(qr, x0 + x, y0 + y), ring || core);
		}
}

static void test_structure(void **state)
{
	struct aem_disp_qr qr;
	int w;

	(void)state;
	assert_int_equal(aem_disp_qr_encode("HELLO", &qr), 0);
	w = qr.width;
	assert_int_equal(w, 21);   /* version 1 */
	check_finder(&qr, 0, 0);
	check_finder(&qr, w - 7, 0);
	check_finder(&qr, 0, w - 7);
	for (int i = 8; i < w - 8; i++) {   /* timing patterns: dark on even */
		assert_int_equal(dark(&qr, i, 6), i % 2 == 0);
		assert_int_equal(dark(&qr, 6, i), i % 2 == 0);
	}
	assert_int_equal(dark(&qr, 8, w - 8), 1);   /* the always-dark module */
	aem_disp_qr_free(&qr);
	assert_null(qr.dark);
	/* a typical otpauth URI needs a larger version: size grows by 4 */
	assert_int_equal(aem_disp_qr_encode("otpauth://totp/AEM:host?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
					    "&issuer=AEM&period=30&digits=6", &qr), 0);
	assert_true(qr.width > 21 && (qr.width - 17) % 4 == 0);
	check_finder(&qr, qr.width - 7, 0);
	aem_disp_qr_free(&qr);
}

static void test_too_long(void **state)
{
	struct aem_disp_qr qr;
	char *big = malloc(4000);

	(void)state;
	memset(big, 'x', 3999);
	big[3999] = '\0';
	assert_int_equal(aem_disp_qr_encode(big, &qr), AEM_DISP_E_TOOLONG);
	assert_null(qr.dark);
	free(big);
	assert_int_equal(aem_disp_qr_encode(NULL, &qr), AEM_DISP_E_INVAL);
}

/* Which half-block glyph is at byte p: 2 bits, top << 1 | bottom. */
static int glyph_bits(const char **p)
{
	if (**p == ' ') {
		(*p)++;
		return 0;
	}
	assert_int_equal((unsigned char)(*p)[0], 0xe2);
	assert_int_equal((unsigned char)(*p)[1], 0x96);
	*p += 3;
	switch ((unsigned char)(*p)[-1]) {
	case 0x84: return 1;   /* ▄ */
	case 0x80: return 2;   /* ▀ */
	case 0x88: return 3;   /* █ */
	}
	fail_msg("unexpected glyph");
	return -1;
}

/* Expected ink at picture (x, y): default inks light modules. */
static int want_ink(const struct aem_disp_qr *qr, int x, int y, int invert)
{
	int s = qr->width + 2 * Q, d;

	if (y >= s)
		return 0;
	d = x >= Q && y >= Q && x < Q + qr->width && y < Q + qr->width ? dark(qr, x - Q, y - Q) : 0;
	return invert ? d : !d;
}

static void check_utf8(const struct aem_disp_qr *qr, int invert)
{
	size_t n = aem_disp_qr_text_size(qr, AEM_DISP_QR_UTF8);
	char *t = malloc(n);
	const char *p;
	int s = qr->width + 2 * Q;

	assert_int_equal(aem_disp_qr_render(qr, AEM_DISP_QR_UTF8, invert, t, n), 0);
	assert_true(strlen(t) + 1 <= n);
	p = t;
	for (int y = 0; y < s; y += 2) {
		for (int x = 0; x < s; x++) {
			int b = glyph_bits(&p);

			assert_int_equal(b >> 1, want_ink(qr, x, y, invert));
			assert_int_equal(b & 1, want_ink(qr, x, y + 1, invert));
		}
		assert_int_equal(*p++, '\n');
	}
	assert_int_equal(*p, '\0');
	assert_int_equal(aem_disp_qr_render(qr, AEM_DISP_QR_UTF8, invert, t, n - 1), AEM_DISP_E_SPACE);
	free(t);
}

static void test_render_utf8(void **state)
{
	struct aem_disp_qr qr;
	char first[3 * 29 + 2];

	(void)state;
	assert_int_equal(aem_disp_qr_encode("HELLO", &qr), 0);
	check_utf8(&qr, 0);
	check_utf8(&qr, 1);
	/* by hand: on a light-on-dark console the first line is the quiet
	 * zone, all ink; inverted it is all blank */
	{
		size_t n = aem_disp_qr_text_size(&qr, AEM_DISP_QR_UTF8);
		char *t = malloc(n);

		assert_int_equal(aem_disp_qr_render(&qr, AEM_DISP_QR_UTF8, 0, t, n), 0);
		first[0] = '\0';
		for (int i = 0; i < 29; i++)
			strcat(first, "\xe2\x96\x88");
		strcat(first, "\n");
		assert_memory_equal(t, first, strlen(first));
		assert_int_equal(aem_disp_qr_render(&qr, AEM_DISP_QR_UTF8, 1, t, n), 0);
		assert_memory_equal(t, "                             \n", 30);
		free(t);
	}
	aem_disp_qr_free(&qr);
}

static void test_render_ascii(void **state)
{
	struct aem_disp_qr qr;
	size_t n;
	char *t;
	int s;

	(void)state;
	assert_int_equal(aem_disp_qr_encode("HELLO", &qr), 0);
	s = qr.width + 2 * Q;
	n = aem_disp_qr_text_size(&qr, AEM_DISP_QR_ASCII);
	t = malloc(n);
	for (int inv = 0; inv < 2; inv++) {
		const char *p = t;

		assert_int_equal(aem_disp_qr_render(&qr, AEM_DISP_QR_ASCII, inv, t, n), 0);
		assert_int_equal(strlen(t) + 1, n);
		for (int y = 0; y < s; y++) {
			for (int x = 0; x < s; x++, p += 2) {
				char c = want_ink(&qr, x, y, inv) ? '#' : ' ';

				assert_int_equal(p[0], c);
				assert_int_equal(p[1], c);
			}
			assert_int_equal(*p++, '\n');
		}
	}
	assert_int_equal(aem_disp_qr_render(&qr, 7, 0, t, n), AEM_DISP_E_INVAL);
	free(t);
	aem_disp_qr_free(&qr);
	assert_int_equal(aem_disp_qr_text_size(&qr, AEM_DISP_QR_ASCII), 0);
}

static void test_png(void **state)
{
	struct aem_disp_qr qr;
	png_image img;
	uint8_t *px;
	FILE *f = tmpfile();
	const unsigned scale = 3;
	int s;

	(void)state;
	assert_non_null(f);
	assert_int_equal(aem_disp_qr_encode("HELLO", &qr), 0);
	s = qr.width + 2 * Q;
	assert_int_equal(aem_disp_qr_write_png(&qr, f, 0), AEM_DISP_E_INVAL);
	assert_int_equal(aem_disp_qr_write_png(&qr, f, AEM_DISP_QR_SCALE_MAX + 1), AEM_DISP_E_INVAL);
	assert_int_equal(aem_disp_qr_write_png(&qr, f, scale), 0);
	rewind(f);
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_stdio(&img, f));
	assert_int_equal(img.width, s * scale);
	assert_int_equal(img.height, s * scale);
	img.format = PNG_FORMAT_GRAY;
	px = malloc(PNG_IMAGE_SIZE(img));
	assert_true(png_image_finish_read(&img, NULL, px, 0, NULL));
	for (int y = 0; y < s * (int)scale; y++)
		for (int x = 0; x < s * (int)scale; x++) {
			int mx = x / (int)scale, my = y / (int)scale;
			int d = mx >= Q && my >= Q && mx < Q + qr.width && my < Q + qr.width &&
				dark(&qr, mx - Q, my - Q);

			assert_int_equal(px[y * s * (int)scale + x], d ? 0 : 255);
		}
	free(px);
	fclose(f);
	assert_int_equal(aem_disp_qr_write_png_path(&qr, "/nonexistent-dir/x.png", 2), AEM_DISP_E_IO);
	aem_disp_qr_free(&qr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_render_utf8),
		cmocka_unit_test(test_render_ascii),
		cmocka_unit_test(test_png),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
