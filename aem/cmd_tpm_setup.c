/* aem tpm-setup: provision the TPM for aem. TPM 2.0: create the storage root
 * key when it is absent; a key of another kind at its handle is left alone
 * and reported. TPM 1.2: take ownership when the TPM has no owner, with a
 * random owner password kept in the state directory (root only) and the
 * well-known SRK secret, so the initramfs can unseal without a password.
 * Then the TPM's aem identity in NV. */
#include "cli.h"
#include "err.h"
#include "family.h"
#include "fileio.h"
#include "family.h"
#include "state.h"
#include "tpm.h"
#include "tpm12.h"
#include "lifecycle.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The owner password file under the state directory. */
#define OWNER_FILE "tpm12-owner"
#define OWNER_RANDOM_BYTES 20

static const char setup_help[] =
	"usage: aem tpm-setup [--tcti SPEC] [--tpm 1.2|2.0]\n"
	"Create aem's storage root key (TPM 2.0: ECC P-256, persistent handle 0x81000001)\n"
	"when it is absent. Never replaces a key that is already there. On a TPM 1.2\n"
	"without owner: take ownership with a random owner password, kept in\n"
	"$AEM_STATE_DIR/" OWNER_FILE " (mode 0600; env AEM_OWNER_PASSWORD overrides), and\n"
	"the well-known SRK secret.\n";

/* The owner password to give the TPM: env AEM_OWNER_PASSWORD (the backend
 * reads it), else the one tpm-setup stored, else a new random one stored
 * now, before ownership is taken, so it can never be lost (*fresh = 1: the
 * file is ours to remove when the TPM turns out to be owned already). */
static int owner_prepare(struct aem_tpm *t, char *path, size_t plen, int *fresh)
{
	uint8_t rnd[OWNER_RANDOM_BYTES], *buf = NULL;
	char pw[2 * OWNER_RANDOM_BYTES + 2];
	size_t len = 0;
	int err;

	*fresh = 0;
	if (getenv(AEM_TPM12_OWNER_ENV))
		return 0;
	err = aem_state_path(path, plen, "%s", OWNER_FILE);
	if (!err && !aem_file_read(path, AEM_TPM12_SECRET_MAX - 1, &buf, &len)) {
		char keep[AEM_TPM12_SECRET_MAX];
		memcpy(keep, buf, len);
		keep[len] = '\0';
		keep[strcspn(keep, "\n")] = '\0';
		err = aem_tpm12_set_owner_secret(keep);
		explicit_bzero(keep, sizeof(keep));
		aem_buf_free(buf, len);
		return err;
	}
	if (!err && access(path, F_OK) == 0)
		return AEM_E_IO; /* there but unreadable: never replaced */
	if (!err)
		err = aem_tpm_random(t, rnd, sizeof(rnd));
	if (!err) {
		aem_hex(rnd, sizeof(rnd), pw);
		strcat(pw, "\n");
		err = aem_state_mkdirs(aem_state_dir(), 0700);
	}
	if (!err)
		err = aem_file_write_atomic(path, (const uint8_t *)pw, strlen(pw), 0600);
	if (!err) {
		pw[strlen(pw) - 1] = '\0';
		err = aem_tpm12_set_owner_secret(pw);
		*fresh = !err;
	}
	explicit_bzero(rnd, sizeof(rnd));
	explicit_bzero(pw, sizeof(pw));
	return err;
}

static int setup_tpm12(struct aem_tpm *t, int *created)
{
	char path[AEM_STATE_PATH_MAX];
	int fresh = 0, err = owner_prepare(t, path, sizeof(path), &fresh);

	if (err)
		return err; /* AEM_E_IO: see report() */
	err = aem_tpm_setup(t, created);
	if (fresh && !err && *created)
		printf("the owner password is in %s (root only): tpm-tools ask for it\n", path);
	if (fresh && !*created) {
		/* Owned before: the new password was never given to the TPM. */
		unlink(path);
		aem_tpm12_set_owner_secret(NULL);
	}
	return err;
}

static void report(struct aem_tpm *t, int err)
{
	const char *d = aem_tpm_last_detail(t); /* t NULL: why the open failed */

	if (err == AEM_E_IO) /* only the owner password file does I/O here */
		fprintf(stderr, "aem tpm-setup: cannot keep the TPM 1.2 owner password in %s/%s: "
			"%s\n", aem_state_dir(), OWNER_FILE, aem_strerror(err));
	else if (err == AEM_TPM_E_BAD_SRK)
		fprintf(stderr, "aem tpm-setup: %s; it was left alone: remove it yourself "
			"(tpm2_evictcontrol -C o -c 0x81000001) if it is not in use\n",
			aem_strerror(err));
	else
		fprintf(stderr, "aem tpm-setup: %s%s%s\n", aem_strerror(err), *d ? ": " : "", d);
}

/* The TPM's aem identity, 20 random bytes in an NV index written once (sealed
 * files live under aem/<identity>/ on the media), once the storage key exists. */
static int setup_identity(struct aem_tpm *t)
{
	uint8_t id[AEM_TPM_ID_LEN];
	char hex[2 * AEM_TPM_ID_LEN + 1];
	int created = 0, rc = aem_lc_id_setup(t, id, &created);

	if (rc == AEM_TPM_E_AUTH) {
		fprintf(stderr, "aem tpm-setup: this TPM is owned and its owner password is not the "
			"one aem was given (env AEM_OWNER_PASSWORD): refusing to touch it. Give the "
			"owner password, or clear the TPM (firmware setup menu, or tpm2_clear / "
			"tpm_clear --force) and run aem tpm-setup again; clearing destroys every key "
			"sealed on it.\n");
		return AEM_EXIT_AUTH;
	}
	if (rc) {
		const char *d = aem_tpm_last_detail(t);
		fprintf(stderr, "aem tpm-setup: cannot set up the aem identity in TPM NV: %s%s%s\n",
			aem_strerror(rc), *d ? ": " : "", d);
		return aem_cli_exit(rc);
	}
	printf("%s the aem identity of this TPM: %s\n", created ? "created" : "kept",
	       aem_hex(id, sizeof(id), hex));
	return AEM_EXIT_OK;
}

/* TPM 2.0: record the storage root key's name, which every later seal and
 * unseal checks before salting a session with the key (aem_cli_load_srk_name). */
static int record_srk_name(struct aem_tpm *t)
{
	uint8_t name[AEM_TPM2_NAME_LEN];
	char path[AEM_STATE_PATH_MAX], hex[2 * AEM_TPM2_NAME_LEN + 2];
	int rc;

	if (aem_tpm_family(t) != AEM_FAMILY_TPM20)
		return AEM_EXIT_OK;
	rc = aem_tpm_srk_name(t, name);
	if (!rc)
		rc = aem_state_path(path, sizeof(path), "%s", AEM_CLI_SRK_NAME_FILE);
	if (!rc)
		rc = aem_state_mkdirs(aem_state_dir(), 0700);
	if (!rc) {
		aem_hex(name, sizeof(name), hex);
		strcat(hex, "\n");
		rc = aem_file_write_atomic(path, (const uint8_t *)hex, strlen(hex), 0600);
	}
	if (rc) {
		fprintf(stderr, "aem tpm-setup: cannot record the storage root key's name in %s/%s: %s\n",
			aem_state_dir(), AEM_CLI_SRK_NAME_FILE, aem_strerror(rc));
		return aem_cli_exit(rc);
	}
	printf("recorded the storage root key's name %s\n", hex);
	return AEM_EXIT_OK;
}

/* Freshness slots of this TPM's media that an older aem defined (an owner-
 * written index, no key in the media record) become keyed NV indices with
 * a new key, which the record keeps. The media's sealed files predate the
 * key and are refused until the next aem reseal or aem update. */
static int migrate_slots(struct aem_tpm *t)
{
	struct aem_lc lc;
	char **list = NULL, l[40];
	size_t n = 0;
	int rc = AEM_EXIT_OK;

	memset(&lc, 0, sizeof(lc));
	lc.t = t;
	lc.family = aem_tpm_family(t);
	if (aem_lc_id_read(t, lc.id) || aem_state_media_list(&list, &n))
		return AEM_EXIT_OK; /* nothing enrolled */
	aem_hex(lc.id, sizeof(lc.id), lc.id_hex);
	for (size_t i = 0; i < n; i++) {
		struct aem_media_rec m;
		enum aem_tpm_nv_kind kind = AEM_TPM_NV_ABSENT;
		size_t size = 0;
		int err = aem_state_media_load(list[i], &m);

		if (err || strcmp(m.tpm_id, lc.id_hex))
			continue;
		err = aem_tpm_nv_kind(t, aem_fresh_slot_index(lc.family, m.slot), &kind, &size);
		if (!err && m.has_slot_key && kind == AEM_TPM_NV_KEYED && size == AEM_FRESH_NV_SIZE)
			continue;
		if (!err)
			err = aem_lc_slot_define(&lc, m.slot, m.slot_key);
		m.has_slot_key = err == 0;
		if (!err)
			err = aem_state_media_save(&m);
		explicit_bzero(&m, sizeof(m));
		aem_cli_lc_label(list[i], l, sizeof(l));
		if (err) {
			const char *d = aem_tpm_last_detail(t);
			fprintf(stderr, "aem tpm-setup: %s: cannot convert freshness slot: %s%s%s\n", l,
				aem_strerror(err), *d ? ": " : "", d);
			rc = aem_cli_exit(err);
		} else {
			printf("%s: freshness slot converted to a keyed NV index; its sealed files are "
			       "from before: run aem reseal (this boot) or aem update (next boot) now\n", l);
		}
	}
	aem_state_free_list(list, n);
	aem_lc_slot_key(&lc, NULL);
	return rc;
}

int cmd_tpm_setup(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "tcti", required_argument, NULL, 'T' }, { "tpm", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct aem_tpm *t = NULL;
	const char *tcti = NULL;
	int c, err, created = 0;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'T': tcti = optarg; break;
		case 'F':
			if (aem_tpm_prefer_family(optarg))
				return fprintf(stderr, "aem tpm-setup: --tpm takes 1.2 or 2.0\n"), AEM_EXIT_USAGE;
			break;
		case 'h': fputs(setup_help, stdout); return AEM_EXIT_OK;
		default: fputs(setup_help, stderr); return AEM_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return fputs(setup_help, stderr), AEM_EXIT_USAGE;
	aem_tpm12_set_srk_prompt(aem_cli_srk_prompt);
	err = aem_tpm_open(tcti, &t);
	if (!err && aem_tpm_family(t) == AEM_FAMILY_TPM12)
		err = setup_tpm12(t, &created);
	else if (!err)
		err = aem_tpm_setup(t, &created);
	if (err) {
		report(t, err);
	} else if (aem_tpm_family(t) == AEM_FAMILY_TPM12) {
		printf(created ? "took ownership of the TPM 1.2: its SRK is ready\n"
			       : "the TPM 1.2 has an owner and its SRK loads: nothing changed\n");
	} else {
		printf(created ? "created the storage root key at 0x81000001\n"
			       : "the storage root key at 0x81000001 is already set up: nothing changed\n");
	}
	/* The TPM identity aem stores sealed files under (setup_identity above). */
	c = err ? AEM_EXIT_OK : setup_identity(t);
	if (!err && !c)
		c = record_srk_name(t);
	if (!err && !c)
		c = migrate_slots(t);
	aem_tpm_close(t);
	aem_tpm12_set_owner_secret(NULL);
	return err ? aem_cli_exit(err) : c;
}
