/* aem-boot: the initramfs half of AEM, run before the disk passphrase prompt.
 *
 *   a. wait (bounded) for the AEM media named by aem.uuid=; refuse a UUID
 *      found on more than one device, a label not "aem*", a USB stick other
 *      than the enrolled one (aem.usb=); mount it read-write (the freshness
 *      rotation writes to it; read-only when that fails);
 *   b. extend PCR 13 with the hash of each rd.luks.uuid= LUKS header;
 *   c. only if a and b fully succeeded: the lifecycle's boot half
 *      (docs/lifecycle.md) on aem/<tpm-id>/ of the media -- unseal the
 *      pending, write-ahead or current bundle, check its freshness token
 *      against the NV slot, rotate the token;
 *   d. cap: extend PCR 13 with H("aem-done") so nothing later in this boot
 *      can unseal again; from before the first PCR 13 extend to the cap
 *      signals are blocked and a watchdog caps when the program dies or
 *      stalls (boot_guard.h);
 *   e. show the bundle's text item(s) and, with a `totp` item, the TOTP code
 *      redrawn every period (software HMAC: the key is in memory, the TPM
 *      capped) -- or the same frame without either -- and under them "this
 *      stick was not rotated: <why>" when the freshness rotation did not
 *      complete; wait for Enter, clear the screen;
 *   f. with a `luks-key` item: ask for the AEM password (Enter skips), open
 *      the box and activate each rd.luks.uuid= device as luks-<UUID>, which
 *      systemd-cryptsetup then finds open (docs/multifactor.md).
 * Why something failed goes to the kernel log only (every byte outside
 * printable ASCII shown as '?': labels and serials come from the stick): the
 * screen differs between success and failure by the secret alone. What the
 * boot did with the stick is kept in /run/aem/last-boot for `aem status`.
 *
 *   aem-boot [--cmdline FILE] [--root DIR] [--kmsg FILE] [--mount DIR]
 *   (test overrides; --root: the block devices, their sysfs and the udev
 *   links are looked up in DIR/sys and DIR/dev, through the runtime root) */
#include "boot_args.h"
#include "boot_guard.h"
#include "boot_mfa.h"
#include "boot_secret.h"
#include "console.h"
#include "err.h"
#include "fileio.h"
#include "lifecycle.h"
#include "luks.h"
#include "media.h"
#include "runtime.h"
#include "settle.h"
#include "tpm.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 0x2000 /* statfs(2) f_flags, Linux 5.10 */
#endif
#define LAST_BOOT "/run/aem/last-boot"
/* The window's budget beyond the waits for the TPM and the LUKS devices:
 * unseal, seal, unseal back, NV write on the slowest TPM 1.2. */
#define WINDOW_WORK_S 120u

#define TITLE "Anti Evil Maid"
#define CAP_TEXT "aem-done"
/* Media wait: how often to look, and how long at most device discovery may go on
 * once the media is there (aem_settle_pending) before its single copy is trusted. */
#define MEDIA_POLL_MS 50
#define SETTLE_POLL_MS 10
#define SETTLE_MAX_MS 3000

static struct {
	const char *cmdline, *kmsg, *mnt;
	char sys[PATH_MAX - 64], dev[PATH_MAX - 64];   /* below the runtime root */
} g = { "/proc/cmdline", "/dev/kmsg", "/run/aem-media", "/sys", "/dev" };

/* What the unsealed bundle gave; locked in memory, wiped before exit. */
static struct aem_boot_secret sec;
/* The window from the TPM's opening to the cap (boot_guard.h). */
static struct aem_boot_guard guard = { .child = -1, .fd = -1 };

/* Diagnosis: kernel log (KERN_NOTICE, below the console level of a quiet
 * boot), else stderr, which the unit sends to the journal. */
static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void diag(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int fd = open(g.kmsg, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	int n = snprintf(line, sizeof(line), "<5>aem-boot: ");

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - 1 - (size_t)n, fmt, ap);
	va_end(ap);
	/* Labels, serials, file names come from the stick: no control
	 * character (a newline would forge a log line) reaches the log. */
	for (char *c = line + n; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	strcat(line, "\n");
	if (fd < 0 || write(fd, line, strlen(line)) < 0)
		fputs(line + 3, stderr);
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
		diag("cannot use the kernel command line: %s", aem_strerror(err));
	return err;
}

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* a: exactly one device with the UUID; visible progress while waiting. Once it is
 * there, wait (bounded) until device discovery has ended -- udev's queue empty,
 * every USB stick scanned -- so that a twin plugged in alongside (USB enumerates
 * devices one by one) is seen, not raced: discovery is checked before each look,
 * so the last look saw everything discovered. The kernel log gets the times. */
static int find_media(const struct aem_boot_args *a, char *dev, size_t len)
{
	struct aem_ext4_id id;
	long t0 = now_ms(), said = t0 - 5000, found_at = -1;
	int count = 0, busy;
	char why[160] = "";

	for (;;) {
		busy = found_at < 0 ? 1 : aem_settle_pending(why, sizeof(why));
		if (aem_media_find(a->media_uuid, dev, len, &id, &count) == 0 && count) {
			if (found_at < 0) {
				found_at = now_ms();
				diag("media found after %ld ms", found_at - t0);
				continue;
			}
			if (count > 1 || !busy) {
				diag("media: devices settled after %ld ms", now_ms() - found_at);
				break;
			}
			if (now_ms() - found_at >= SETTLE_MAX_MS) {
				diag("media: devices still not settled after %d ms (%s); going on",
				     SETTLE_MAX_MS, why);
				break;
			}
			sleep_ms(SETTLE_POLL_MS);
			continue;
		}
		if (now_ms() - t0 >= (long)a->timeout_s * 1000L) {
			diag("AEM media %s not found after %u s", a->media_uuid, a->timeout_s);
			return AEM_E_IO;
		}
		if (now_ms() - said >= 5000) {
			printf("Waiting for the AEM media (insert it now)...\n");
			fflush(stdout);
			said = now_ms();
		}
		sleep_ms(MEDIA_POLL_MS);
	}
	if (count > 1) {
		diag("refused: %d devices carry the AEM media UUID %s", count, a->media_uuid);
		return AEM_E_FORMAT;
	}
	if (!aem_media_label_ok(id.label)) {
		diag("refused: %s has label '%s', not aem*", dev, id.label);
		return AEM_E_FORMAT;
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
		return AEM_E_FORMAT;
	}
	err = aem_media_usb_id(g.sys, name, &have);
	if (err == AEM_E_UNSUPPORTED) {
		diag("refused: %s is not on USB, but aem.usb= names the enrolled stick", dev);
		return err;
	}
	if (err) {
		diag("cannot read the USB identity of %s: %s", dev, aem_strerror(err));
		return err;
	}
	if (!aem_media_usb_equal(&want, &have)) {
		diag("refused: media is on USB device %04x:%04x serial '%s', not the enrolled one",
		     have.vendor, have.product, have.serial);
		return AEM_E_FORMAT;
	}
	return 0;
}

/* Read-write so the boot can rotate the freshness token; a write-protected
 * stick still unseals (read-only, no rotation: the kernel log says so). */
static int mount_media(const char *dev)
{
	/* nosymfollow (Linux 5.10+; older kernels ignore the flag): no link on
	 * the stick is followed, whatever opens it. */
	unsigned long fl = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOSYMFOLLOW;
	struct statvfs vfs;

	mkdir(g.mnt, 0700);
	if (mount(dev, g.mnt, "ext4", fl, NULL) == 0) {
		if (statvfs(g.mnt, &vfs) || !(vfs.f_flag & ST_NOSYMFOLLOW))
			diag("this kernel has no nosymfollow: links on the media are refused by "
			     "aem-boot alone");
		return 0;
	}
	diag("cannot mount %s read-write (%s): read-only, no freshness rotation", dev,
	     strerror(errno));
	if (mount(dev, g.mnt, "ext4", fl | MS_RDONLY, "noload") == 0)
		return 0;
	diag("cannot mount %s: %s", dev, strerror(errno));
	rmdir(g.mnt);
	return AEM_E_IO;
}

/* Everything written (the rotated bundle, NV already done) reaches the
 * stick before the user may pull it. */
static void unmount_media(void)
{
	sync();
	if (umount2(g.mnt, 0))
		umount2(g.mnt, MNT_DETACH);
	rmdir(g.mnt);
}

static int stage_media(const struct aem_boot_args *a)
{
	char dev[PATH_MAX];
	int err = find_media(a, dev, sizeof(dev));

	if (!err)
		err = check_usb(a, dev);
	if (!err)
		err = mount_media(dev);
	return err;
}

/* b: every header, in command-line order; the udev link may come late. */
static int measure_luks(struct aem_tpm *t, enum aem_bank bank, const struct aem_boot_args *a)
{
	uint8_t d[AEM_MAX_DIGEST];
	char path[PATH_MAX];
	int err = 0;

	for (int i = 0; i < a->nluks && !err; i++) {
		snprintf(path, sizeof(path), "%s/disk/by-uuid/%s", g.dev, a->luks[i]);
		for (unsigned ms = 0; access(path, F_OK) && ms < a->timeout_s * 1000u; ms += 250)
			sleep_ms(250);
		err = aem_luks_header_hash(path, bank, "/run", d);
		if (!err)
			err = aem_tpm_pcr_extend(t, bank, 13, d);
		if (err)
			diag("LUKS header of %s not measured: %s", a->luks[i], aem_strerror(err));
		else
			diag("PCR 13: LUKS header of %s measured", a->luks[i]);
	}
	if (!err)
		diag("PCR 13: %d LUKS header(s) measured", a->nluks);
	return err;
}

/* d: after this, PCR 13 differs from any value a secret can be sealed to. */
static void cap(struct aem_tpm *t)
{
	int err = aem_boot_cap(t, CAP_TEXT);

	if (err)
		diag("cap of PCR 13 failed: %s", aem_strerror(err));
}

/* What this boot did with the stick, for `aem status` after the switch to
 * the root file system (systemd keeps /run): one line. */
static bool last_boot_said;
static void last_boot(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void last_boot(const char *fmt, ...)
{
	char path[PATH_MAX], line[AEM_LC_WHY + 64];
	va_list ap;
	int n;

	last_boot_said = true;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	n = n < 0 ? 0 : (size_t)n >= sizeof(line) - 1 ? (int)sizeof(line) - 2 : n;
	line[n++] = '\n';
	snprintf(path, sizeof(path), "%s/run", aem_rt_root());
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s%s", aem_rt_root(), LAST_BOOT);
	*strrchr(path, '/') = '\0';
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s%s", aem_rt_root(), LAST_BOOT);
	if (aem_file_write_atomic(path, (const uint8_t *)line, (size_t)n, 0600))
		diag("cannot write %s: %s", LAST_BOOT, strerror(errno));
}

/* c: the lifecycle's boot half on the mounted media; sec filled on success. */
static int unseal(struct aem_tpm *t)
{
	static const char *const used[] = { "current", "pending", "write-ahead" };
	static struct aem_lc lc;
	static struct aem_lc_boot b;
	const char *why = NULL;
	int err = aem_lc_attach(&lc, t);

	if (!err)
		err = aem_lc_boot_unseal(&lc, g.mnt, &b);
	if (err) {
		diag("no secret: %s", lc.why[0] ? lc.why : aem_strerror(err));
		last_boot("no secret: %s", lc.why[0] ? lc.why : aem_strerror(err));
		explicit_bzero(&lc, sizeof(lc));
		return err;
	}
	diag("unsealed the %s bundle of aem/%s; freshness %s%s", used[b.used], lc.id_hex,
	     b.rotated ? "rotated" : "NOT rotated: ", b.rotated ? "" : b.rot_why);
	if (b.rotated)
		last_boot("freshness rotated (aem/%s, the %s bundle)", lc.id_hex, used[b.used]);
	else
		last_boot("this stick was not rotated: %s", b.rot_why);
	err = aem_boot_secret_take(&b.bundle, &sec, &why);
	if (err)
		diag("no secret: %s", why);
	/* Shown under the secret: a copy of the stick that stays fresh (a
	 * write-protected one, or an entry planted where the rotation writes)
	 * is visible to whoever reads the secret. */
	else if (!b.rotated)
		aem_boot_secret_note(&sec, "this stick was not rotated: ", b.rot_why);
	aem_lc_boot_free(&b);
	explicit_bzero(&lc, sizeof(lc));
	return err;
}

/* The storage root key's name aem tpm-setup recorded, put in the (measured)
 * initramfs by the dracut module: checked before any session is salted with
 * the key at 0x81000001. Absent: not checked (TPM 1.2, or an initramfs built
 * before tpm-setup). A record that does not parse matches no key. */
static void expect_srk_name(void)
{
	uint8_t *buf = NULL, name[AEM_TPM2_NAME_LEN];
	char hex[2 * AEM_TPM2_NAME_LEN + 1];
	size_t len = 0;

	if (aem_file_read("/etc/aem/tpm2-srk.name", sizeof(hex), &buf, &len))
		return;
	memset(name, 0, sizeof(name));
	if (len >= 2 * AEM_TPM2_NAME_LEN) {
		memcpy(hex, buf, 2 * AEM_TPM2_NAME_LEN);
		hex[2 * AEM_TPM2_NAME_LEN] = '\0';
		if (aem_unhex(hex, name, sizeof(name)))
			memset(name, 0, sizeof(name));
	}
	aem_buf_free(buf, len);
	aem_tpm_expect_srk_name(name);
}

/* The TPM (or, for TPM 1.2, tcsd) may come up after us: retry while it is
 * simply not there yet. */
static int open_tpm(const struct aem_boot_args *a, struct aem_tpm **t)
{
	int err;

	/* The window opens here, before the TPM is (the watchdog opens its
	 * own). Its budget: the waits for the TPM and each LUKS device, and
	 * the TPM work. */
	aem_boot_guard_start(&guard, (unsigned)(a->nluks + 1) * a->timeout_s + WINDOW_WORK_S,
			     CAP_TEXT, diag);

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
		{ "cmdline", required_argument, NULL, 'c' }, { "root", required_argument, NULL, 'r' },
		{ "kmsg", required_argument, NULL, 'k' }, { "mount", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'c': g.cmdline = optarg; break;
		case 'r': root = optarg; break;
		case 'k': g.kmsg = optarg; break;
		case 'm': g.mnt = optarg; break;
		default: return -1;
		}
	}
	/* The live system unless --root: AEM_ROOT in the environment does not
	 * redirect the boot path. */
	if (optind != argc || aem_rt_set_root(root) < 0)
		return -1;
	root = aem_rt_root();
	if (snprintf(g.sys, sizeof(g.sys), "%s/sys", root) >= (int)sizeof(g.sys) ||
	    snprintf(g.dev, sizeof(g.dev), "%s/dev", root) >= (int)sizeof(g.dev))
		return -1;
	return 0;
}

/* b, c, d on an open TPM; sec is filled only when everything held. */
static int tpm_stages(struct aem_tpm *t, const struct aem_boot_args *a, int media_err)
{
	enum aem_bank bank = aem_tpm_family(t) == AEM_FAMILY_TPM12 ? AEM_BANK_SHA1 : AEM_BANK_SHA256;
	int err = measure_luks(t, bank, a);

	if (!err && !media_err)
		err = unseal(t);
	cap(t);
	return err ? err : media_err;
}

/* f: the luks-key box opens the rd.luks.uuid= devices, each under the name
 * systemd-cryptsetup gives it, so that it finds them open. */
static void unlock_disks(const struct aem_boot_args *a)
{
	char dev[PATH_MAX], name[48];
	int slot, err, opened = 0;
	int rc = a->nluks ? aem_boot_mfa_key(0, 1, sec.box, sec.box_len, sec.luks_key) : 1;

	if (rc)
		diag("multi-factor unlock not used: %s", rc < 0 ? aem_strerror(rc) : a->nluks ?
		     "no password, or three wrong ones" : "no rd.luks.uuid= device");
	for (int i = 0; !rc && i < a->nluks; i++) {
		snprintf(dev, sizeof(dev), "%s/disk/by-uuid/%s", g.dev, a->luks[i]);
		snprintf(name, sizeof(name), "luks-%s", a->luks[i]);
		err = aem_mfa_activate(dev, name, sec.luks_key, &slot);
		opened += !err;
		diag("%s: %s", name, !err ? "opened with the AEM key" : err == AEM_TPM_E_AUTH ?
		     "the AEM key opens no keyslot" : aem_strerror(err));
	}
	if (!rc)
		aem_disp_console_puts(1, opened ? "Disk unlocked with the AEM key.\n" :
				      "The AEM key opens no disk: the disk passphrase is asked.\n");
	explicit_bzero(sec.luks_key, sizeof(sec.luks_key));
}

int main(int argc, char **argv)
{
	static const struct rlimit no_core = { 0, 0 };
	struct aem_boot_args a;
	struct aem_tpm *t = NULL;
	int args_err, media_err, err, lock_err;

	/* No core dump, no ptrace by others: the process holds the secret. */
	prctl(PR_SET_DUMPABLE, 0);
	setrlimit(RLIMIT_CORE, &no_core);
	lock_err = mlock(&sec, sizeof(sec)) ? errno : 0;
	if (parse_opts(argc, argv)) {
		fprintf(stderr, "usage: aem-boot [--cmdline FILE] [--root DIR] [--kmsg FILE] "
			"[--mount DIR]\n");
		return 2;
	}
	args_err = read_args(&a);
	if (!args_err && !a.media_uuid[0])
		return 0;   /* not an AEM boot: nothing to show, nothing to wait for */
	diag("start");
	if (lock_err)
		diag("the secret's memory is not locked (%s): shown anyway, the initramfs has "
		     "no swap", strerror(lock_err));
	if (args_err) {
		/* Started because aem.uuid= is there: no unseal, but still the cap. */
		memset(&a, 0, sizeof(a));
		a.timeout_s = AEM_BOOT_DEFAULT_TIMEOUT;
	}
	media_err = args_err ? args_err : stage_media(&a);
	expect_srk_name();
	err = open_tpm(&a, &t);
	if (err)
		diag("no TPM: %s", aem_strerror(err));
	else
		err = tpm_stages(t, &a, media_err);
	aem_tpm_close(t);
	/* Still in the window: a SIGTERM that came in it ends the program at
	 * aem_boot_guard_end, with the stick already unmounted. */
	if (!media_err)
		unmount_media();
	aem_boot_guard_end(&guard);
	if (!last_boot_said)
		last_boot("no secret: %s (the kernel log says more)", aem_strerror(err ? err : media_err));
	diag("display");
	if (aem_boot_secret_show(0, 1, TITLE, err ? NULL : &sec))
		diag("the display failed");
	if (!err && sec.box_len)
		unlock_disks(&a);
	aem_boot_secret_wipe(&sec);
	return 0;
}
