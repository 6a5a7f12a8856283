/* aem-boot's window: from the first PCR 13 extend to the cap, PCR 13 holds a
 * value secrets are sealed to. Nothing may end the boot program inside it
 * without the cap (docs/boot.md, "The window"):
 *   - every blockable signal is blocked (a SIGTERM, a Ctrl-C on the console,
 *     a SIGHUP wait until after the cap);
 *   - a watchdog process, forked before the TPM is opened, caps PCR 13 itself
 *     (its own TPM connection) when the program dies in the window (SIGKILL,
 *     a crash), when the window outlasts its budget, or when it gets SIGTERM
 *     (the unit's TimeoutStartSec= expired: systemd stops the whole unit) --
 *     stopping the program first with SIGKILL in the last two cases. */
#ifndef AEM_BOOT_GUARD_H
#define AEM_BOOT_GUARD_H

#include <signal.h>
#include <sys/types.h>

#include "tpm.h"

/* Where the watchdog reports (the boot program's kernel-log writer). */
typedef void (*aem_boot_log)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct aem_boot_guard {
	pid_t child;      /* the watchdog, -1: none */
	int fd;           /* its pipe: "D" = capped */
	sigset_t old;     /* the mask before the window */
};

/* PCR 13 := E(PCR 13, H(text)) in the family's boot bank (text: "aem-done"):
 * after this nothing sealed to this boot unseals. 0 or an error code. */
int aem_boot_cap(struct aem_tpm *t, const char *text);

/* Open the window: block signals, fork the watchdog with budget_s seconds,
 * which caps with cap_text (kept: a literal). 0, or -1 when no watchdog
 * could start (logged; the signals stay blocked). */
int aem_boot_guard_start(struct aem_boot_guard *g, unsigned budget_s, const char *cap_text,
			 aem_boot_log log);
/* Close the window after the cap: release the watchdog, restore the mask (a
 * signal that came in the window is delivered now). */
void aem_boot_guard_end(struct aem_boot_guard *g);

#endif
