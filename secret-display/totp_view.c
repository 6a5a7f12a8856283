/* The boot display of a TOTP code (totp_view.h). */
#include "totp_view.h"
#include "console.h"
#include "disp_err.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static uint64_t real_now(void *ctx)
{
	(void)ctx;
	return (uint64_t)time(NULL);
}

static int real_wait(void *ctx, int in_fd, uint64_t until)
{
	for (;;) {
		uint64_t now = real_now(ctx);
		struct pollfd p = { .fd = in_fd, .events = POLLIN };
		int ms, r;

		if (now >= until)
			return 0;
		ms = until - now > 3600 ? 3600 * 1000 : (int)(until - now) * 1000;
		r = poll(&p, 1, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return AEM_DISP_E_IO;
		if (r > 0)
			return 1;
	}
}

const struct aem_disp_clock aem_disp_clock_real = { real_now, real_wait, NULL };

int aem_disp_totp_line(uint64_t t, const char *code, char *out, size_t outsz)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char when[32];
	int n;

	if ((uint64_t)tt != t || !gmtime_r(&tt, &tm) ||
	    !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm))
		return AEM_DISP_E_INVAL;
	n = snprintf(out, outsz, "%s UTC   %s", when, code);
	return n < 0 || (size_t)n >= outsz ? AEM_DISP_E_SPACE : 0;
}

static int console_render(void *ctx, const char *title, const char *line)
{
	int fd = *(const int *)ctx;
	int rc = aem_disp_console_clear(fd);

	if (!rc && title && *title)
		rc = aem_disp_console_puts(fd, title);
	if (!rc)
		rc = aem_disp_console_puts(fd, "\n\n");
	if (!rc)
		rc = aem_disp_console_puts(fd, line);
	if (!rc)
		rc = aem_disp_console_puts(fd, "\n\nPress Enter to continue.\n");
	return rc;
}

/* Consume input up to a newline; 1 when it came (or input ended). */
static int take_enter(int in_fd)
{
	char c;

	for (;;) {
		ssize_t r = read(in_fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n' || c == '\r')
			return 1;
		/* other keys: keep reading what is already there */
		struct pollfd p = { .fd = in_fd, .events = POLLIN };
		if (poll(&p, 1, 0) <= 0)
			return 0;
	}
}

/* One frame at time now: the code when the back end gives one. */
static int draw(const struct aem_disp_totp_view *v, uint64_t now, int *first_err)
{
	char code[AEM_DISP_OTP_DIGITS_MAX + 1] = "", line[96];
	uint32_t c = 0;
	int rc = aem_disp_totp(v->hmac, v->alg, now, v->period, v->digits, &c);

	if (!rc)
		rc = aem_disp_otp_format(c, v->digits, code, sizeof(code));
	c = 0;
	if (rc) {
		code[0] = '\0';
		if (!*first_err)
			*first_err = rc;
	}
	rc = aem_disp_totp_line(now, code, line, sizeof(line));
	if (!rc)
		rc = v->render ? v->render(v->render_ctx, v->title, line)
			       : console_render((void *)&v->out_fd, v->title, line);
	explicit_bzero(code, sizeof(code));
	explicit_bzero(line, sizeof(line));
	return rc;
}

/* After the bound: one frame without a code, then Enter alone ends it. */
static int draw_expired(const struct aem_disp_totp_view *v, int in_fd)
{
	char line[96];
	int rc;

	snprintf(line, sizeof(line), "The code is no longer shown (after %u minutes).",
		 AEM_DISP_TOTP_SHOW_MAX_S / 60);
	rc = v->render ? v->render(v->render_ctx, v->title, line)
		       : console_render((void *)&v->out_fd, v->title, line);
	for (struct pollfd p = { .fd = in_fd, .events = POLLIN }; !rc;) {
		int r = poll(&p, 1, -1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return AEM_DISP_E_IO;
		if (take_enter(in_fd))
			break;
	}
	return rc;
}

/* Has the display run its course? Whatever the clock says (it may have been
 * set forward, or jump back): at most AEM_DISP_TOTP_SHOW_MAX_S of clock time
 * and one code per period of it. */
static bool expired(const struct aem_disp_totp_view *v, uint64_t start, uint64_t now,
		    unsigned frames)
{
	return now < start || now - start >= AEM_DISP_TOTP_SHOW_MAX_S ||
	       frames > AEM_DISP_TOTP_SHOW_MAX_S / v->period;
}

int aem_disp_totp_show(int in_fd, const struct aem_disp_totp_view *v)
{
	const struct aem_disp_clock *clk = v->clock ? v->clock : &aem_disp_clock_real;
	uint64_t start;
	int first_err = 0, rc = 0;

	if (!v->hmac || v->period == 0)
		return AEM_DISP_E_INVAL;
	if (isatty(in_fd))
		tcflush(in_fd, TCIFLUSH); /* an Enter typed before the code appeared */
	start = clk->now(clk->ctx);
	for (unsigned frames = 0; !v->max_frames || frames < v->max_frames; frames++) {
		uint64_t now = clk->now(clk->ctx);
		uint64_t next = (now / v->period + 1) * v->period;

		if (frames && expired(v, start, now, frames)) {
			rc = draw_expired(v, in_fd);
			break;
		}
		rc = draw(v, now, &first_err);
		if (rc)
			break;
		rc = clk->wait(clk->ctx, in_fd, next);
		if (rc < 0)
			break;
		if (rc == 1 && take_enter(in_fd)) {
			rc = 0;
			break;
		}
		rc = 0;
	}
	if (!v->render)
		aem_disp_console_clear(v->out_fd);
	return rc ? rc : first_err;
}
