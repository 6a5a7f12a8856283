/* aem-boot: the initramfs half of AEM, run before the disk passphrase prompt.
 *
 *   a. wait (bounded) for the AEM media named by aem.uuid=; refuse a UUID
 *      found on more than one device, a label not "aem*", a USB stick other
 *      than the enrolled one (aem.usb=); read the sealed secret from it;
 *   b. extend PCR 13 with the hash of each rd.luks.uuid= LUKS header;
 *   c. unseal the secret (only if a and b fully succeeded);
 *   d. cap: extend PCR 13 with H("aem-done") so nothing later in this boot
 *      can unseal again;
 *   e. show the secret -- or the same frame without one -- wait for Enter,
 *      clear the screen.
 * Why something failed goes to the kernel log only: the screen differs
 * between success and failure by the secret alone.
 *
 *   aem-boot [--cmdline FILE] [--sys DIR] [--dev DIR]   (test overrides) */
#include "boot_args.h"
#include "console.h"
#include "err.h"
#include "luks.h"
#include "media.h"
#include "seal.h"
#include "tpm.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define SEALED_PATH "aem/secret.aem"   /* on the media */
#define MOUNT_DIR "/run/aem-media"
#define SECRET_MAX 4096
#define TITLE "Anti Evil Maid"
#define CAP_TEXT "aem-done"
#define SETTLE_S 2

static struct {
	const char *cmdline, *sys, *dev;
} g = { "/proc/cmdline", "/sys", "/dev" };

/* Diagnosis: kernel log (KERN_NOTICE, below the console level of a quiet
 * boot), else stderr, which the unit sends to the journal. */
static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void diag(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	int n = snprintf(line, sizeof(line), "<5>aem-boot: ");

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	if (fd < 0 || write(fd, line, strlen(line)) < 0)
		fprintf(stderr, "%s\n", line + 3);
	if (fd >= 0)
		close(fd);
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&t, NULL);
}

static int read_args(struct aem_boot_args *a)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int err = aem_file_read(g.cmdline, 65536, &buf, &len);

	if (!err)
		err = aem_boot_args_parse((const char *)buf, len, a);
	aem_buf_free(buf, len);
	if (err)
		diag("cannot use the kernel command line: %s", aem_tpm_strerror(err));
	return err;
}

/* a: exactly one device with the UUID; visible progress while waiting. */
static int find_media(const struct aem_boot_args *a, char *dev, size_t len)
{
	struct aem_ext4_id id;
	time_t t0 = time(NULL), said = 0, found_at = 0;
	int count = 0;

	/* Once found, keep looking for SETTLE_S: a twin plugged in alongside
	 * (USB enumerates devices one by one) must be seen, not raced. */
	for (;;) {
		if (aem_media_find(g.sys, g.dev, a->media_uuid, dev, len, &id, &count) == 0 && count) {
			if (!found_at)
				found_at = time(NULL);
			if (count > 1 || time(NULL) - found_at >= SETTLE_S)
				break;
			sleep_ms(250);
			continue;
		}
		if (time(NULL) - t0 >= (time_t)a->timeout_s) {
			diag("AEM media %s not found after %u s", a->media_uuid, a->timeout_s);
			return AEM_TPM_E_IO;
		}
		if (time(NULL) - said >= 5) {
			printf("Waiting for the AEM media (insert it now)...\n");
			fflush(stdout);
			said = time(NULL);
		}
		sleep_ms(250);
	}
	if (count > 1) {
		diag("refused: %d devices carry the AEM media UUID %s", count, a->media_uuid);
		return AEM_TPM_E_FORMAT;
	}
	if (!aem_media_label_ok(id.label)) {
		diag("refused: %s has label '%s', not aem*", dev, id.label);
		return AEM_TPM_E_FORMAT;
	}
	return 0;
}

static int check_usb(const struct aem_boot_args *a, const char *dev)
{
	struct aem_usb_id want, have;
	const char *name = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	int err;

	if (!a->usb[0])
		return 0;
	if (aem_media_usb_parse(a->usb, &want)) {
		diag("aem.usb= is malformed (want VVVV:PPPP:SERIAL)");
		return AEM_TPM_E_FORMAT;
	}
	err = aem_media_usb_id(g.sys, name, &have);
	if (err == AEM_TPM_E_UNSUPPORTED) {
		diag("refused: %s is not on USB, but aem.usb= names the enrolled stick", dev);
		return err;
	}
	if (err) {
		diag("cannot read the USB identity of %s: %s", dev, aem_tpm_strerror(err));
		return err;
	}
	if (!aem_media_usb_equal(&want, &have)) {
		diag("refused: media is on USB device %04x:%04x serial '%s', not the enrolled one",
		     have.vendor, have.product, have.serial);
		return AEM_TPM_E_FORMAT;
	}
	return 0;
}

static int load_sealed(const char *dev, struct aem_sealed *s)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int err;

	mkdir(MOUNT_DIR, 0700);
	if (mount(dev, MOUNT_DIR, "ext4", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "noload")) {
		diag("cannot mount %s: %s", dev, strerror(errno));
		rmdir(MOUNT_DIR);
		return AEM_TPM_E_IO;
	}
	err = aem_file_read(MOUNT_DIR "/" SEALED_PATH, AEM_SEALED_MAX_FILE, &buf, &len);
	umount2(MOUNT_DIR, MNT_DETACH);
	rmdir(MOUNT_DIR);
	if (!err)
		err = aem_sealed_parse(buf, len, s);
	aem_buf_free(buf, len);
	if (err)
		diag("%s on %s: %s", SEALED_PATH, dev, aem_tpm_strerror(err));
	return err;
}

static int stage_media(const struct aem_boot_args *a, struct aem_sealed *s)
{
	char dev[256];
	int err = find_media(a, dev, sizeof(dev));

	if (!err)
		err = check_usb(a, dev);
	if (!err)
		err = load_sealed(dev, s);
	return err;
}

/* b: every header, in command-line order; the udev link may come late. */
static int measure_luks(struct aem_tpm *t, enum aem_bank bank, const struct aem_boot_args *a)
{
	uint8_t d[AEM_MAX_DIGEST];
	char path[128];
	int err = 0;

	for (int i = 0; i < a->nluks && !err; i++) {
		snprintf(path, sizeof(path), "%s/disk/by-uuid/%s", g.dev, a->luks[i]);
		for (unsigned ms = 0; access(path, F_OK) && ms < a->timeout_s * 1000u; ms += 250)
			sleep_ms(250);
		err = aem_luks_header_hash(path, bank, "/run", d);
		if (!err)
			err = aem_tpm_pcr_extend(t, bank, 13, d);
		if (err)
			diag("LUKS header of %s not measured: %s", a->luks[i], aem_tpm_strerror(err));
	}
	return err;
}

/* d: after this, PCR 13 differs from any value a secret can be sealed to. */
static void cap(struct aem_tpm *t, enum aem_bank bank)
{
	uint8_t d[AEM_MAX_DIGEST];
	int err = aem_hash(bank, CAP_TEXT, strlen(CAP_TEXT), d);

	if (!err)
		err = aem_tpm_pcr_extend(t, bank, 13, d);
	if (err)
		diag("cap of PCR 13 failed: %s", aem_tpm_strerror(err));
}

/* The PIN, when the secret needs one: one line from the console, no echo. */
static int read_pin(char *pin, size_t len)
{
	struct termios old, quiet;
	int tty = tcgetattr(0, &old) == 0;
	ssize_t n;

	fputs("AEM PIN: ", stdout);
	fflush(stdout);
	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	n = read(0, pin, len - 1);
	if (tty)
		tcsetattr(0, TCSAFLUSH, &old);
	fputs("\n", stdout);
	n = n < 0 ? 0 : n;
	pin[n] = '\0';
	pin[strcspn(pin, "\r\n")] = '\0';
	return (int)strlen(pin);
}

static void report_mismatch(const struct aem_sealed *s, const struct aem_pcr_values *now)
{
	size_t n = aem_bank_size(s->expect.bank);

	for (unsigned i = 0; i < AEM_PCR_COUNT; i++)
		if (aem_pcr_mask_has(s->expect.mask, i) && memcmp(s->expect.v[i], now->v[i], n))
			diag("PCR %u differs from the sealed value", i);
}

/* c: into secret (SECRET_MAX + 1 bytes, NUL-terminated on success). */
static int unseal(struct aem_tpm *t, const struct aem_sealed *s, char *secret)
{
	static struct aem_pcr_values now;
	char pin[256] = "";
	int pin_len = 0, err;

	if (s->ct_len > SECRET_MAX) {
		diag("sealed secret of %zu bytes is larger than %d", s->ct_len, SECRET_MAX);
		return AEM_TPM_E_FORMAT;
	}
	if (s->flags & AEM_SEALED_F_PIN)
		pin_len = read_pin(pin, sizeof(pin));
	err = aem_tpm_unseal_payload(t, s, pin_len ? pin : NULL, (size_t)pin_len,
				     (uint8_t *)secret, &now);
	explicit_bzero(pin, sizeof(pin));
	if (err == AEM_TPM_E_PCR_MISMATCH)
		report_mismatch(s, &now);
	if (err)
		diag("unseal failed: %s %s", aem_tpm_strerror(err), aem_tpm_last_detail(t));
	else
		secret[s->ct_len] = '\0';
	return err;
}

/* The TPM (or, for TPM 1.2, tcsd) may come up after us: retry while it is
 * simply not there yet. */
static int open_tpm(const struct aem_boot_args *a, struct aem_tpm **t)
{
	int err;

	for (unsigned ms = 0;; ms += 250) {
		err = aem_tpm_open(NULL, t);
		if (err != AEM_TPM_E_NOTPM || ms >= a->timeout_s * 1000u)
			return err;
		sleep_ms(250);
	}
}

static int parse_opts(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "cmdline", required_argument, NULL, 'c' }, { "sys", required_argument, NULL, 's' },
		{ "dev", required_argument, NULL, 'd' }, { NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'c': g.cmdline = optarg; break;
		case 's': g.sys = optarg; break;
		case 'd': g.dev = optarg; break;
		default: return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

/* b, c, d on an open TPM; secret is filled only when everything held. */
static int tpm_stages(struct aem_tpm *t, const struct aem_boot_args *a, int media_err,
		      const struct aem_sealed *s, char *secret)
{
	enum aem_bank bank = aem_tpm_family(t) == AEM_FAMILY_TPM12 ? AEM_BANK_SHA1 : AEM_BANK_SHA256;
	int err = measure_luks(t, bank, a);

	if (!err && !media_err)
		err = unseal(t, s, secret);
	cap(t, bank);
	return err ? err : media_err;
}

int main(int argc, char **argv)
{
	static char secret[SECRET_MAX + 1];
	struct aem_boot_args a;
	struct aem_sealed s;
	struct aem_tpm *t = NULL;
	int args_err, media_err, err;

	prctl(PR_SET_DUMPABLE, 0);
	mlock(secret, sizeof(secret));
	if (parse_opts(argc, argv)) {
		fprintf(stderr, "usage: aem-boot [--cmdline FILE] [--sys DIR] [--dev DIR]\n");
		return 2;
	}
	args_err = read_args(&a);
	if (!args_err && !a.media_uuid[0])
		return 0;   /* not an AEM boot: nothing to show, nothing to wait for */
	diag("start");
	if (args_err) {
		/* Started because aem.uuid= is there: no unseal, but still the cap. */
		memset(&a, 0, sizeof(a));
		a.timeout_s = AEM_BOOT_DEFAULT_TIMEOUT;
	}
	memset(&s, 0, sizeof(s));
	media_err = args_err ? args_err : stage_media(&a, &s);
	err = open_tpm(&a, &t);
	if (err)
		diag("no TPM: %s", aem_tpm_strerror(err));
	else
		err = tpm_stages(t, &a, media_err, &s, secret);
	aem_tpm_close(t);
	if (!media_err)
		aem_sealed_free(&s);
	diag("display");
	aem_disp_console_show(0, 1, TITLE, err ? NULL : secret);
	explicit_bzero(secret, sizeof(secret));
	return 0;
}
