/* The boot display of a TOTP code: the code with the time it belongs to,
 * redrawn at every period boundary until the user presses Enter.
 *
 * Time and waiting go through a clock (real: time(2) and poll(2)); tests
 * pass a fake clock that jumps to each deadline, so the refresh logic runs
 * without waiting. Output goes to a renderer: the console (default) or
 * plymouth (plymouth.h), both showing the same one-line frame
 *   "YYYY-MM-DD HH:MM:SS UTC   CODE"
 * and, when the HMAC back end fails (e.g. the TPM refuses: the boot state
 * changed), the same frame without a code. */
#ifndef AEM_DISP_TOTP_VIEW_H
#define AEM_DISP_TOTP_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "otp.h"

struct aem_disp_clock {
	/* The current UNIX time. */
	uint64_t (*now)(void *ctx);
	/* Wait until the clock reaches `until` or in_fd is readable: 1 when it
	 * is readable, 0 at the deadline, a negative AEM_DISP_E_* on error. */
	int (*wait)(void *ctx, int in_fd, uint64_t until);
	void *ctx;
};

/* time(2) and poll(2). */
extern const struct aem_disp_clock aem_disp_clock_real;

/* Draws one frame: title and the line above. Returns 0 or AEM_DISP_E_*. */
typedef int (*aem_disp_render_fn)(void *ctx, const char *title, const char *line);

struct aem_disp_totp_view {
	const struct aem_disp_hmac *hmac;
	enum aem_disp_otp_alg alg;
	unsigned digits, period;
	const char *title;
	const struct aem_disp_clock *clock;  /* NULL: aem_disp_clock_real */
	aem_disp_render_fn render;           /* NULL: the console on out_fd */
	void *render_ctx;
	int out_fd;
	unsigned max_frames;                 /* 0: until Enter / end of input */
};

/* The frame line for time t (UTC) and code text ("" = none) into out. */
int aem_disp_totp_line(uint64_t t, const char *code, char *out, size_t outsz);

/* How long a code is redrawn: AEM_DISP_TOTP_SHOW_MAX_S seconds of the
 * clock's time since the first frame, and at most one new code per period
 * of it (a clock that jumps or goes back does not extend it). Then one frame
 * without a code says so and waits for Enter. A display left alone shows a
 * bounded number of codes, whatever time the clock was set to
 * (docs/threat-model.md). */
#define AEM_DISP_TOTP_SHOW_MAX_S 300u

/* Show codes until a line (Enter) or end of input arrives on in_fd, or
 * max_frames frames were drawn, or the bound above is reached; the console
 * renderer clears the screen and scrollback at the end. Returns 0, or the first HMAC error (the frames
 * were still shown, without a code), or AEM_DISP_E_IO. */
int aem_disp_totp_show(int in_fd, const struct aem_disp_totp_view *v);

#endif
