/* QR codes of a text (an otpauth URI) for the terminal and as PNG.
 *
 * Terminal polarity: a QR code is dark modules on a light background, and
 * many phone scanners find nothing in the inverse. A text console can only
 * draw ink (the foreground colour) on its background, so which modules get
 * ink depends on the console:
 *   - default (invert = 0): ink on LIGHT modules and the quiet zone, for the
 *     usual light-on-dark console (Linux VT, most terminal emulators);
 *   - invert = 1: ink on DARK modules, for dark-on-light terminals.
 * The quiet zone is AEM_DISP_QR_QUIET modules on every side. */
#ifndef AEM_DISP_QR_H
#define AEM_DISP_QR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define AEM_DISP_QR_QUIET 4
#define AEM_DISP_QR_SCALE_MAX 64

/* A module matrix: dark[y * width + x] is 1 for a dark module. Owned; free
 * (and wipe: it encodes the secret) with aem_disp_qr_free. */
struct aem_disp_qr {
	int width;
	uint8_t *dark;
};

enum aem_disp_qr_style {
	AEM_DISP_QR_UTF8 = 0, /* half blocks: two module rows per text line */
	AEM_DISP_QR_ASCII,    /* "##"/"  ": one module row per line, 2 chars per module */
};

/* Encode NUL-terminated text (byte mode, error correction level M). */
int aem_disp_qr_encode(const char *text, struct aem_disp_qr *qr);
void aem_disp_qr_free(struct aem_disp_qr *qr);

/* Bytes aem_disp_qr_render needs for qr in style, NUL included. */
size_t aem_disp_qr_text_size(const struct aem_disp_qr *qr, enum aem_disp_qr_style style);

/* Render qr with its quiet zone into out as lines ending in '\n' (NUL
 * terminated). Plain text: no escape sequences, so it survives logs. */
int aem_disp_qr_render(const struct aem_disp_qr *qr, enum aem_disp_qr_style style, int invert,
		       char *out, size_t outsz);

/* Write qr as an 8-bit greyscale PNG, dark modules black, with the quiet
 * zone, scale pixels per module (1..AEM_DISP_QR_SCALE_MAX). The _path form
 * creates or truncates the file with mode 0600 (it holds a secret) and does
 * not follow a symbolic link. */
int aem_disp_qr_write_png(const struct aem_disp_qr *qr, FILE *f, unsigned scale);
int aem_disp_qr_write_png_path(const struct aem_disp_qr *qr, const char *path, unsigned scale);

#endif
