/* /etc/aem/aem.conf: what the lifecycle commands seal to and where they look
 * (documented in docs/aem.conf.5.md). "key = value" lines, '#' comments;
 * unknown keys are errors so a typo never silently weakens the seal set. */
#ifndef AEM_CONFIG_H
#define AEM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "pcr.h"
#include "family.h"

#define AEM_CONF_DEFAULT "/etc/aem/aem.conf"
#define AEM_CONF_MAX (64u << 10)
#define AEM_CONF_PATH_MAX 512

/* Which secrets of the state directory enter the sealed bundle (so what the
 * boot shows): auto = all of them; text = all but the `totp` item; totp =
 * only `totp`; both = all, and both kinds must be there. The `luks-key`
 * item (multi-factor, never shown) goes in whatever the choice. */
enum aem_display { AEM_DISPLAY_AUTO = 0, AEM_DISPLAY_TEXT, AEM_DISPLAY_TOTP, AEM_DISPLAY_BOTH };
#define AEM_ITEM_TOTP "totp"
#define AEM_ITEM_LUKS_KEY "luks-key"

/* Which measured launch this machine boots: auto = detect from /boot (tboot.gz
 * present: tboot; else a TrenchBoot-capable GRUB or SKL.BIN: TrenchBoot). */
enum aem_launch_kind { AEM_LAUNCH_AUTO = 0, AEM_LAUNCH_TBOOT, AEM_LAUNCH_TRENCHBOOT };

struct aem_config {
	aem_pcr_mask pcrs_tpm2;        /* default 13,17,18 */
	aem_pcr_mask pcrs_tpm12;       /* default 13,17,18,19 */
	enum aem_bank bank_tpm2;       /* default sha256 (tboot's extpol default) */
	enum aem_display display;      /* default auto */
	char grub_cfg[AEM_CONF_PATH_MAX];  /* default /boot/grub/grub.cfg */
	char grub_entry[AEM_CONF_PATH_MAX];/* "" = the first tboot entry */
	char event_log[AEM_CONF_PATH_MAX]; /* "" = none configured */
	char boot_dir[AEM_CONF_PATH_MAX];  /* default /boot */
	enum aem_launch_kind launch;       /* default auto */
};

/* The defaults above. */
void aem_config_defaults(struct aem_config *c);
/* Parse text[0..len) over the defaults already in c. AEM_E_FORMAT with
 * "line N: why" in err on a bad line; c keeps what was read before it. */
int aem_config_parse(const char *text, size_t len, struct aem_config *c, char *err,
		     size_t errlen);
/* Defaults, then the file path (NULL: env AEM_CONF, else AEM_CONF_DEFAULT). A
 * missing file is not an error (defaults); an unreadable or bad one is. */
int aem_config_load(const char *path, struct aem_config *c, char *err, size_t errlen);

/* The PCR set and bank aem seals to on a TPM of this family. */
aem_pcr_mask aem_config_pcrs(const struct aem_config *c, enum aem_family f);
enum aem_bank aem_config_bank(const struct aem_config *c, enum aem_family f);
const char *aem_display_name(enum aem_display d);
const char *aem_launch_name(enum aem_launch_kind k);
/* Does the secret called name enter the bundle under display d? Pure. */
bool aem_display_wants(enum aem_display d, const char *name);
/* The bundle's items (names[0..n)) against d: NULL when they suit it, else
 * a sentence saying what is missing and what to do. Pure. */
const char *aem_display_check(enum aem_display d, const char *const *names, size_t n);

#endif
