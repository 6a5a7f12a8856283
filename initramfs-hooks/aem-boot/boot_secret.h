/* What aem-boot keeps from an unsealed bundle and how it shows it
 * (docs/totp.md, docs/multifactor.md): the text items as text, the `totp`
 * item as a code redrawn every period (key in a locked, wiped buffer, HMAC
 * in software: the TPM is capped by then), the `luks-key` item (a password
 * box) for the multi-factor unlock after the frame. */
#ifndef AEM_BOOT_SECRET_H
#define AEM_BOOT_SECRET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fresh.h"
#include "mfa.h"
#include "otp.h"
#include "pwbox.h"

#define AEM_BOOT_TEXT_MAX 4096
#define AEM_BOOT_BOX_LEN (AEM_PWBOX_OVERHEAD + AEM_MFA_KEY_LEN)
#define AEM_BOOT_NOTE_MAX 320

struct aem_boot_secret {
	char text[AEM_BOOT_TEXT_MAX + 1];   /* the text items, control characters as '?' */
	char note[AEM_BOOT_NOTE_MAX];       /* a line under the secret ("" = none) */
	char frame[AEM_BOOT_TEXT_MAX + AEM_BOOT_NOTE_MAX + 128]; /* what the screen shows */
	bool has_totp;
	enum aem_disp_otp_alg alg;
	unsigned digits, period;
	struct aem_disp_softkey key;
	uint8_t box[AEM_BOOT_BOX_LEN];
	size_t box_len;                     /* 0: no luks-key item */
	uint8_t luks_key[AEM_MFA_KEY_LEN];  /* what the box held, while it is used */
};

/* Fill s (overwritten; lock it in memory first) from the bundle. The one
 * text item as it is, several as "name: value" lines. AEM_E_FORMAT with
 * *why set when the totp or luks-key item is malformed: show nothing then. */
int aem_boot_secret_take(const struct aem_bundle *b, struct aem_boot_secret *s, const char **why);
/* Set the line shown under the secret (and the code): prefix then why,
 * cut to AEM_BOOT_NOTE_MAX, control characters as '?'. */
void aem_boot_secret_note(struct aem_boot_secret *s, const char *prefix, const char *why);
/* Show s with title and wait for Enter on in_fd: the text frame, or the
 * code frame when there is a totp item; the note, when set, after a blank
 * line under the text. s NULL: the same text frame with nothing in it (what
 * a failed boot shows). */
int aem_boot_secret_show(int in_fd, int out_fd, const char *title, struct aem_boot_secret *s);
void aem_boot_secret_wipe(struct aem_boot_secret *s);

#endif
