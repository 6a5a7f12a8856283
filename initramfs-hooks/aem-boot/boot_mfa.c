/* aem-boot: the AEM password and the luks-key box (boot_mfa.h). */
#include "boot_mfa.h"
#include "console.h"
#include "err.h"
#include "pwbox.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

/* Static and locked: the password never sits in swap or in a stack frame
 * nobody wipes. */
static char pw[256];

/* One line without its newline; no echo when in_fd is a terminal (and the
 * type-ahead is dropped). Input longer than pw is cut (and so is wrong). */
static size_t read_password(int in_fd, int out_fd)
{
	struct termios old, quiet;
	int tty = tcgetattr(in_fd, &old) == 0;
	size_t n = 0;
	char c = 0;

	if (tty) {
		quiet = old;
		quiet.c_lflag = (quiet.c_lflag & ~(tcflag_t)ECHO) | ICANON;
		tcsetattr(in_fd, TCSAFLUSH, &quiet);
	}
	for (;;) {
		ssize_t r = read(in_fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n' || c == '\r')
			break;
		if (n < sizeof(pw) - 1)
			pw[n++] = c;
	}
	c = 0;
	if (tty)
		tcsetattr(in_fd, TCSAFLUSH, &old);
	aem_disp_console_puts(out_fd, "\n");
	return n;
}

int aem_boot_mfa_key(int in_fd, int out_fd, const uint8_t *box, size_t box_len,
		     uint8_t key[AEM_MFA_KEY_LEN])
{
	size_t n, got = 0;
	int rc = AEM_TPM_E_AUTH;

	mlock(pw, sizeof(pw));
	for (int t = 0; t < AEM_BOOT_MFA_TRIES && rc == AEM_TPM_E_AUTH; t++) {
		aem_disp_console_puts(out_fd, "AEM password (Enter to skip): ");
		n = read_password(in_fd, out_fd);
		if (n == 0) {
			rc = 1;
			break;
		}
		rc = aem_pwbox_open(box, box_len, pw, n, key, AEM_MFA_KEY_LEN, &got);
		explicit_bzero(pw, sizeof(pw));
		if (!rc && got != AEM_MFA_KEY_LEN)
			rc = AEM_E_FORMAT;
		if (rc == AEM_TPM_E_AUTH)
			aem_disp_console_puts(out_fd, "Wrong password.\n");
	}
	explicit_bzero(pw, sizeof(pw));
	if (rc == AEM_TPM_E_AUTH)
		aem_disp_console_puts(out_fd, "Three wrong passwords: the disk passphrase is asked "
				      "instead.\n");
	if (rc)
		explicit_bzero(key, AEM_MFA_KEY_LEN);
	return rc == AEM_TPM_E_AUTH ? 1 : rc;
}
