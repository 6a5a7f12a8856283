/* QR encoding through libqrencode, text rendering, PNG through libpng. */
#include "qr.h"
#include "disp_err.h"

#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int aem_disp_qr_encode(const char *text, struct aem_disp_qr *qr)
{
	QRcode *c;
	size_t n;

	if (!text || !qr)
		return AEM_DISP_E_INVAL;
	qr->width = 0;
	qr->dark = NULL;
	/* 8-bit mode keeps the text byte-exact (lower case, '%', '&'...) */
	c = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (!c)
		return errno == ERANGE ? AEM_DISP_E_TOOLONG : AEM_DISP_E_QR;
	n = (size_t)c->width * (size_t)c->width;
	qr->dark = malloc(n);
	if (!qr->dark) {
		explicit_bzero(c->data, n);
		QRcode_free(c);
		return AEM_DISP_E_NOMEM;
	}
	for (size_t i = 0; i < n; i++)
		qr->dark[i] = c->data[i] & 1;   /* bit 0 is the module colour */
	qr->width = c->width;
	explicit_bzero(c->data, n);
	QRcode_free(c);
	return AEM_DISP_OK;
}

void aem_disp_qr_free(struct aem_disp_qr *qr)
{
	if (!qr)
		return;
	if (qr->dark)
		explicit_bzero(qr->dark, (size_t)qr->width * (size_t)qr->width);
	free(qr->dark);
	qr->dark = NULL;
	qr->width = 0;
}

/* Side of the picture in modules, quiet zone included. */
static int side(const struct aem_disp_qr *qr)
{
	return qr->width + 2 * AEM_DISP_QR_QUIET;
}

/* Dark module at picture coordinates (quiet zone and beyond are light). */
static int dark_at(const struct aem_disp_qr *qr, int x, int y)
{
	x -= AEM_DISP_QR_QUIET;
	y -= AEM_DISP_QR_QUIET;
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return 0;
	return qr->dark[(size_t)y * (size_t)qr->width + (size_t)x];
}

/* Does the cell at (x, y) get ink? Rows below the picture (the half line
 * after an odd number of rows) are the console's background: no ink. */
static int ink_at(const struct aem_disp_qr *qr, int x, int y, int invert)
{
	if (y >= side(qr))
		return 0;
	return invert ? dark_at(qr, x, y) : !dark_at(qr, x, y);
}

static int qr_ok(const struct aem_disp_qr *qr)
{
	return qr && qr->dark && qr->width > 0 && qr->width <= 177;
}

size_t aem_disp_qr_text_size(const struct aem_disp_qr *qr, enum aem_disp_qr_style style)
{
	size_t s;

	if (!qr_ok(qr))
		return 0;
	s = (size_t)side(qr);
	if (style == AEM_DISP_QR_UTF8)
		return (s + 1) / 2 * (3 * s + 1) + 1;   /* 3 bytes per glyph */
	return s * (2 * s + 1) + 1;
}

static size_t put_glyph(char *out, int top, int bottom)
{
	static const char *const glyph[4] = { " ", "\xe2\x96\x84" /* ▄ */,
					      "\xe2\x96\x80" /* ▀ */, "\xe2\x96\x88" /* █ */ };
	const char *g = glyph[(top << 1) | bottom];
	size_t n = strlen(g);

	memcpy(out, g, n);
	return n;
}

int aem_disp_qr_render(const struct aem_disp_qr *qr, enum aem_disp_qr_style style, int invert,
		       char *out, size_t outsz)
{
	size_t o = 0;
	int s;

	if (!qr_ok(qr) || !out || (style != AEM_DISP_QR_UTF8 && style != AEM_DISP_QR_ASCII))
		return AEM_DISP_E_INVAL;
	if (outsz < aem_disp_qr_text_size(qr, style))
		return AEM_DISP_E_SPACE;
	s = side(qr);
	invert = !!invert;
	if (style == AEM_DISP_QR_UTF8) {
		for (int y = 0; y < s; y += 2) {
			for (int x = 0; x < s; x++)
				o += put_glyph(out + o, ink_at(qr, x, y, invert),
					       ink_at(qr, x, y + 1, invert));
			out[o++] = '\n';
		}
	} else {
		for (int y = 0; y < s; y++) {
			for (int x = 0; x < s; x++) {
				char c = ink_at(qr, x, y, invert) ? '#' : ' ';

				out[o++] = c;
				out[o++] = c;
			}
			out[o++] = '\n';
		}
	}
	out[o] = '\0';
	return AEM_DISP_OK;
}

/* libpng reports errors by longjmp; keep the state it may clobber in a
 * struct reached through a pointer. */
struct png_job {
	png_structp png;
	png_infop info;
	png_bytep row;
};

static int png_rows(const struct aem_disp_qr *qr, struct png_job *j, unsigned scale)
{
	int s = side(qr);
	size_t w = (size_t)s * scale;

	for (int y = 0; y < s; y++) {
		for (int x = 0; x < s; x++)
			memset(j->row + (size_t)x * scale, dark_at(qr, x, y) ? 0 : 255, scale);
		for (unsigned k = 0; k < scale; k++)
			png_write_row(j->png, j->row);
	}
	explicit_bzero(j->row, w);
	return AEM_DISP_OK;
}

int aem_disp_qr_write_png(const struct aem_disp_qr *qr, FILE *f, unsigned scale)
{
	struct png_job job = { 0 }, *volatile j = &job;
	volatile int rc = AEM_DISP_E_PNG;
	png_uint_32 px;

	if (!qr_ok(qr) || !f || scale < 1 || scale > AEM_DISP_QR_SCALE_MAX)
		return AEM_DISP_E_INVAL;
	px = (png_uint_32)side(qr) * scale;
	j->row = calloc(px, 1);
	if (!j->row)
		return AEM_DISP_E_NOMEM;
	j->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (j->png)
		j->info = png_create_info_struct(j->png);
	if (!j->png || !j->info)
		goto out;
	if (setjmp(png_jmpbuf(j->png)))
		goto out;
	png_init_io(j->png, f);
	png_set_IHDR(j->png, j->info, px, px, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(j->png, j->info);
	png_rows(qr, j, scale);
	png_write_end(j->png, NULL);
	rc = fflush(f) ? AEM_DISP_E_IO : AEM_DISP_OK;
out:
	png_destroy_write_struct(&j->png, &j->info);
	explicit_bzero(j->row, px);
	free(j->row);
	return rc;
}

int aem_disp_qr_write_png_path(const struct aem_disp_qr *qr, const char *path, unsigned scale)
{
	FILE *f;
	int fd, rc;

	if (!path)
		return AEM_DISP_E_INVAL;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return AEM_DISP_E_IO;
	f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		return AEM_DISP_E_IO;
	}
	rc = aem_disp_qr_write_png(qr, f, scale);
	if (fsync(fileno(f)) && rc == 0)
		rc = AEM_DISP_E_IO;
	if (fclose(f) && rc == 0)
		rc = AEM_DISP_E_IO;
	return rc;
}
