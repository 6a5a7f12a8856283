/* Test tool: paint terminal text (as `aem totp qr` prints it) the way a
 * terminal would, into a PNG that zbarimg can read.
 *
 *   disp_qrtext2png --ink light|dark TEXTFILE OUT.png
 *
 * Each character cell is 4 px wide and 8 px tall (a console font's 1:2
 * shape). Ink is drawn in the foreground colour: "light" models a
 * light-on-dark console, "dark" a dark-on-light one. U+2580 inks the top
 * half of a cell, U+2584 the bottom half, U+2588 and '#' the whole cell, a
 * space nothing. A margin of background surrounds the text, as on a screen.
 * This tool knows nothing of QR codes: it only draws what a terminal shows. */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CW 4
#define CH 8
#define MARGIN 16
#define MAXCOLS 400
#define MAXROWS 200

/* top << 1 | bottom, or -1 for a byte sequence a QR print never contains */
static int cell_ink(const unsigned char **p)
{
	const unsigned char *s = *p;

	if (s[0] == ' ') {
		*p += 1;
		return 0;
	}
	if (s[0] == '#') {
		*p += 1;
		return 3;
	}
	if (s[0] == 0xe2 && s[1] == 0x96) {
		*p += 3;
		switch (s[2]) {
		case 0x80: return 2;
		case 0x84: return 1;
		case 0x88: return 3;
		}
	}
	return -1;
}

static unsigned char grid[MAXROWS][MAXCOLS];

int main(int argc, char **argv)
{
	static char line[8192];
	int rows = 0, cols = 0, light_ink, w, h;
	FILE *f;
	png_image img;
	unsigned char *px;

	if (argc != 5 || strcmp(argv[1], "--ink") ||
	    (strcmp(argv[2], "light") && strcmp(argv[2], "dark"))) {
		fprintf(stderr, "usage: disp_qrtext2png --ink light|dark TEXTFILE OUT.png\n");
		return 2;
	}
	light_ink = !strcmp(argv[2], "light");
	f = fopen(argv[3], "r");
	if (!f) {
		perror(argv[3]);
		return 1;
	}
	while (fgets(line, sizeof(line), f) && rows < MAXROWS) {
		const unsigned char *p = (const unsigned char *)line;
		int c = 0;

		line[strcspn(line, "\n")] = '\0';
		while (*p && c < MAXCOLS) {
			int ink = cell_ink(&p);

			if (ink < 0) {
				fprintf(stderr, "line %d: unexpected byte 0x%02x\n", rows + 1, *p);
				return 1;
			}
			grid[rows][c++] = (unsigned char)ink;
		}
		if (c > cols)
			cols = c;
		rows++;
	}
	fclose(f);
	if (!rows || !cols) {
		fprintf(stderr, "no text\n");
		return 1;
	}
	w = cols * CW + 2 * MARGIN;
	h = rows * CH + 2 * MARGIN;
	px = malloc((size_t)w * (size_t)h);
	if (!px)
		return 1;
	memset(px, light_ink ? 0 : 255, (size_t)w * (size_t)h);   /* background */
	for (int r = 0; r < rows; r++)
		for (int c = 0; c < cols; c++)
			for (int y = 0; y < CH; y++) {
				int half = y < CH / 2 ? 2 : 1;

				if (!(grid[r][c] & half))
					continue;
				memset(px + (size_t)(MARGIN + r * CH + y) * (size_t)w + MARGIN + c * CW,
				       light_ink ? 255 : 0, CW);
			}
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)w;
	img.height = (png_uint_32)h;
	img.format = PNG_FORMAT_GRAY;
	if (!png_image_write_to_file(&img, argv[4], 0, px, w, NULL)) {
		fprintf(stderr, "png: %s\n", img.message);
		return 1;
	}
	free(px);
	return 0;
}
