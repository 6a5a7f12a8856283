/* Test tool: the boot display (aem_disp_totp_show) with a fake clock.
 *   totp-clock KEYHEX ALG DIGITS PERIOD START FRAMES [plymouth]
 * The clock starts at START; each wait jumps to the deadline it is given, so
 * the view redraws at every period boundary without waiting. Frames go to
 * stdout (console renderer) or through the plymouth client (stub or real).
 * The HMAC is the software back end; the test compares each frame's code with
 * oathtool for the time in the frame. */
#include "disp_err.h"
#include "otp.h"
#include "plymouth.h"
#include "totp_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fake {
	uint64_t now;
	unsigned waits;
};

static uint64_t fake_now(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

static int fake_wait(void *ctx, int in_fd, uint64_t until)
{
	struct fake *f = ctx;

	(void)in_fd;
	/* A display that never stops redrawing (FRAMES 0: until Enter, and no
	 * Enter comes from the fake clock) ends the tool instead of the test. */
	if (++f->waits > 100000) {
		fprintf(stderr, "still redrawing after %u waits\n", f->waits - 1);
		exit(3);
	}
	f->now = until;
	return 0;
}

static int unhex(const char *s, uint8_t *out, size_t cap, size_t *n)
{
	size_t len = strlen(s);

	if (len % 2 || len / 2 > cap)
		return -1;
	for (*n = 0; *n < len / 2; (*n)++) {
		unsigned v;
		if (sscanf(s + 2 * *n, "%2x", &v) != 1)
			return -1;
		out[*n] = (uint8_t)v;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct aem_disp_softkey k;
	struct aem_disp_hmac h = { aem_disp_hmac_soft, &k };
	struct fake f = { 0, 0 };
	struct aem_disp_clock clk = { fake_now, fake_wait, &f };
	struct aem_disp_plymouth_view pv;
	struct aem_disp_totp_view v;
	uint8_t key[AEM_DISP_OTP_KEY_MAX];
	size_t n;
	int rc;

	if (argc < 7 || unhex(argv[1], key, sizeof(key), &n) || aem_disp_softkey_init(&k, key, n))
		return fprintf(stderr, "usage: totp-clock KEYHEX ALG DIGITS PERIOD START FRAMES [plymouth]\n"), 2;
	memset(&v, 0, sizeof(v));
	memset(&pv, 0, sizeof(pv));
	if (aem_disp_otp_alg_parse(argv[2], &v.alg))
		return 2;
	v.hmac = &h;
	v.digits = (unsigned)atoi(argv[3]);
	v.period = (unsigned)atoi(argv[4]);
	f.now = strtoull(argv[5], NULL, 10);
	v.max_frames = (unsigned)atoi(argv[6]);
	v.title = "AEM";
	v.clock = &clk;
	v.out_fd = STDOUT_FILENO;
	if (argc > 7 && !strcmp(argv[7], "plymouth")) {
		v.render = aem_disp_plymouth_render;
		v.render_ctx = &pv;
	}
	rc = aem_disp_totp_show(STDIN_FILENO, &v);
	if (v.render)
		aem_disp_plymouth_view_end(&pv);
	aem_disp_softkey_wipe(&k);
	fprintf(stderr, "waits=%u\n", f.waits);
	return rc ? 1 : 0;
}
