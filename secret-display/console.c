/* Console display of a secret: plain escape sequences on a file descriptor,
 * so it works on a VT in the initramfs as well as under a terminal emulator. */
#include "console.h"
#include "disp_err.h"

#include <errno.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return AEM_DISP_E_IO;
		s += w;
		n -= (size_t)w;
	}
	return AEM_DISP_OK;
}

int aem_disp_console_puts(int fd, const char *s)
{
	return write_all(fd, s, strlen(s));
}

/* Copy text through a small buffer, neutralising control characters that
 * could move the cursor, change colours or hide part of the secret. */
static int write_sanitised(int fd, const char *text)
{
	char buf[256];
	size_t n = 0;
	int rc = AEM_DISP_OK;

	for (; *text && rc == 0; text++) {
		unsigned char c = (unsigned char)*text;

		buf[n++] = (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? '?' : (char)c;
		if (n == sizeof(buf)) {
			rc = write_all(fd, buf, n);
			n = 0;
		}
	}
	if (rc == 0 && n)
		rc = write_all(fd, buf, n);
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

int aem_disp_console_clear(int out_fd)
{
	return aem_disp_console_puts(out_fd, AEM_DISP_CLEAR_ALL);
}

/* Read up to and including a newline, or to end of input. The bytes are
 * dropped: nothing the user types here matters. */
static int wait_enter(int in_fd)
{
	char c;

	if (isatty(in_fd))
		tcflush(in_fd, TCIFLUSH);   /* an Enter typed before the secret appeared */
	for (;;) {
		ssize_t r = read(in_fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return AEM_DISP_E_IO;
		if (r == 0 || c == '\n' || c == '\r')
			return AEM_DISP_OK;
	}
}

int aem_disp_console_show(int in_fd, int out_fd, const char *title, const char *text)
{
	int rc, rc2;

	rc = aem_disp_console_clear(out_fd);
	if (rc == 0 && title && *title) {
		rc = write_sanitised(out_fd, title);
		if (rc == 0)
			rc = aem_disp_console_puts(out_fd, "\n\n");
	}
	if (rc == 0 && text)
		rc = write_sanitised(out_fd, text);
	if (rc == 0 && (!text || !*text || text[strlen(text) - 1] != '\n'))
		rc = aem_disp_console_puts(out_fd, "\n");
	if (rc == 0)
		rc = aem_disp_console_puts(out_fd, "\nPress Enter to continue.");
	if (rc == 0)
		rc = wait_enter(in_fd);
	rc2 = aem_disp_console_clear(out_fd);
	return rc ? rc : rc2;
}
