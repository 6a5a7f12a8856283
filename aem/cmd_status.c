/* aem status: what is sealed to what, and whether the next boot will unseal
 * (its prediction matches a sealed file) — before the user reboots. */
#include "cli.h"
#include "err.h"
#include "runtime.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char status_help[] =
	"usage: aem status [--json] [--grub-cfg FILE] [--entry E] [--boot-dir DIR]\n"
	"                  [--event-log FILE] [--luks-header DEV]... [--config FILE] [--tcti SPEC]\n"
	"TPM family and aem identity, enrolled media, what each sealed file is sealed to,\n"
	"freshness, and whether the next boot (as GRUB will boot it) is already resealed.\n";

struct st {
	struct aem_lc lc;
	bool have_now, have_next, reseal_needed;
	struct aem_pcr_values now, next;
	char now_why[AEM_LC_WHY], next_why[AEM_LC_WHY];
};

static const char *file_state(const char *path, const struct st *s, const struct aem_pcr_values *v,
			      bool have)
{
	int rc;

	if (access(path, F_OK))
		return "absent";
	if (!have)
		return "present";
	rc = aem_lc_sealed_matches(path, v);
	return rc == 0 ? "matches" : rc == AEM_TPM_E_PCR_MISMATCH ? "differs" : "unreadable";
	(void)s;
}

/* What the boot program did with the stick this boot (it writes
 * /run/aem/last-boot in the initramfs; /run survives the switch to the root
 * file system): "freshness rotated", "this stick was not rotated: <why>",
 * "no secret: <why>". Absent: no aem-boot ran (or an older one). */
static void last_boot_json(json_object *root)
{
	char line[AEM_LC_WHY + 64];

	if (aem_rt_read_text("/run/aem/last-boot", line, sizeof(line)) < 0)
		return;
	line[strcspn(line, "\n")] = '\0';
	json_object_object_add(root, "last_boot", json_object_new_string(line));
}

static json_object *media_json(struct st *s, const char *suffix)
{
	json_object *o = json_object_new_object();
	struct aem_media_rec m;
	struct aem_fresh_slot slot;
	char root[AEM_STATE_PATH_MAX], p[AEM_STATE_PATH_MAX], label[40];
	const char *cur_now, *cur_next, *pend_next, *verdict;

	json_object_object_add(o, "label", json_object_new_string(aem_cli_lc_label(suffix, label, 40)));
	if (aem_state_media_load(suffix, &m))
		return json_object_object_add(o, "error", json_object_new_string("bad record")), o;
	json_object_object_add(o, "kind", json_object_new_string(m.kind == AEM_MEDIA_DIR ? "dir" : "device"));
	json_object_object_add(o, "path", json_object_new_string(m.path));
	json_object_object_add(o, "uuid", json_object_new_string(m.uuid));
	if (m.usb[0])
		json_object_object_add(o, "usb", json_object_new_string(m.usb));
	json_object_object_add(o, "slot", json_object_new_int((int)m.slot));
	json_object_object_add(o, "this_tpm", json_object_new_boolean(!strcmp(m.tpm_id, s->lc.id_hex)));
	aem_lc_slot_key(&s->lc, m.has_slot_key ? m.slot_key : NULL);
	explicit_bzero(m.slot_key, sizeof(m.slot_key));
	if (!aem_lc_slot_read(&s->lc, m.slot, &slot, NULL))
		json_object_object_add(o, "freshness", json_object_new_string(
			slot.revoked ? "revoked" : slot.has_cur && slot.has_next ? "current+pending" :
			slot.has_cur ? "current" : slot.has_next ? "pending" : "empty"));
	else
		json_object_object_add(o, "freshness", json_object_new_string(
			"not aem's: run aem tpm-setup, then aem reseal"));
	if (aem_state_media_root(&m, root, sizeof(root))) {
		json_object_object_add(o, "present", json_object_new_boolean(0));
		return o;
	}
	json_object_object_add(o, "present", json_object_new_boolean(1));
	aem_state_sealed_path(root, s->lc.id_hex, AEM_SEALED_CUR, p, sizeof(p));
	cur_now = file_state(p, s, &s->now, s->have_now);
	cur_next = file_state(p, s, &s->next, s->have_next);
	aem_state_sealed_path(root, s->lc.id_hex, AEM_SEALED_NEXT, p, sizeof(p));
	pend_next = file_state(p, s, &s->next, s->have_next);
	json_object_object_add(o, "current_vs_this_boot", json_object_new_string(cur_now));
	json_object_object_add(o, "current_vs_next_boot", json_object_new_string(cur_next));
	json_object_object_add(o, "pending_vs_next_boot", json_object_new_string(pend_next));
	verdict = s->reseal_needed ? "no" : !s->have_next ? "unknown" :
		  !strcmp(pend_next, "matches") || !strcmp(cur_next, "matches") ? "yes" : "no";
	json_object_object_add(o, "next_boot_resealed", json_object_new_string(verdict));
	return o;
}

/* A partial prediction (TrenchBoot): does a sealed file of some media hold the
 * predicted PCRs with those values (the boot's files are unchanged)? */
static bool partly_sealed(struct st *s)
{
	char **list = NULL, root[AEM_STATE_PATH_MAX], p[AEM_STATE_PATH_MAX];
	size_t n = 0;
	bool any = false;

	if (aem_state_media_list(&list, &n))
		return false;
	for (size_t i = 0; i < n && !any; i++) {
		struct aem_media_rec m;

		if (aem_state_media_load(list[i], &m) || aem_state_media_root(&m, root, sizeof(root)))
			continue;
		for (int w = AEM_SEALED_CUR; w <= AEM_SEALED_NEXT && !any; w++)
			any = !aem_state_sealed_path(root, s->lc.id_hex, (enum aem_sealed_which)w, p,
						     sizeof(p)) && !aem_lc_sealed_covers(p, &s->next);
	}
	aem_state_free_list(list, n);
	return any;
}

/* "next boot: reseal needed": aem update recorded it (TrenchBoot), or the next
 * boot's launch measures PCRs of the seal set that no file holds and no sealed
 * file holds the PCRs that were predicted. */
static void reseal_needed(struct st *s, json_object *root)
{
	json_object *o = json_object_new_object(), *unk = json_object_new_object(), *rec = NULL;
	char *doc = NULL, num[8];
	int have = aem_lc_reseal_needed_read(&doc);

	s->reseal_needed = have == 0 || (s->lc.next_unknown && !partly_sealed(s));
	if (!s->reseal_needed && s->lc.next_unknown)
		json_object_object_add(root, "next_boot", json_object_new_string(
			"the predicted PCRs match a sealed file; the others cannot be predicted "
			"(unchanged files: expected to unseal)"));
	if (!s->reseal_needed) {
		json_object_put(o);
		json_object_put(unk);
		return;
	}
	if (have == 0 && (rec = json_tokener_parse(doc)) != NULL) {
		json_object *u;

		if (json_object_object_get_ex(rec, "unknown", &u))
			json_object_object_add(o, "unknown", json_object_get(u));
		if (json_object_object_get_ex(rec, "entry", &u))
			json_object_object_add(o, "entry", json_object_get(u));
		json_object_put(unk);
	} else {
		for (unsigned p = 0; p < AEM_PCR_COUNT; p++)
			if (aem_pcr_mask_has(s->lc.next_unknown, p)) {
				snprintf(num, sizeof(num), "%u", p);
				json_object_object_add(unk, num, json_object_new_string(
					s->lc.next_unknown_why[p]));
			}
		json_object_object_add(o, "unknown", unk);
	}
	json_object_put(rec);
	free(doc);
	json_object_object_add(o, "recorded_by_update", json_object_new_boolean(have == 0));
	json_object_object_add(o, "what_to_do", json_object_new_string(
		"boot the update, then run aem reseal (it checks that boot against what aem update "
		"predicted before sealing)"));
	json_object_object_add(root, "next_boot", json_object_new_string("reseal needed"));
	json_object_object_add(root, "reseal_needed", o);
}

static void print_text(json_object *root)
{
	json_object *rn;

	if (json_object_object_get_ex(root, "reseal_needed", &rn)) {
		json_object *u;

		printf("next boot: reseal needed\n");
		if (json_object_object_get_ex(rn, "unknown", &u)) {
			json_object_object_foreach(u, pk, pv)
				printf("  PCR %s: %s\n", pk, json_object_get_string(pv));
		}
		printf("  then: boot the update, and run aem reseal on it\n");
	}
	json_object_object_foreach(root, k, v) {
		if (!strcmp(k, "reseal_needed"))
			continue;
		if (json_object_get_type(v) != json_type_array) {
			printf("%-22s %s\n", k, json_object_get_string(v));
			continue;
		}
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			json_object *m = json_object_array_get_idx(v, i);
			printf("media:\n");
			json_object_object_foreach(m, mk, mv)
				printf("  %-22s %s\n", mk, json_object_get_string(mv));
		}
	}
}

int cmd_status(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' }, { "grub-cfg", required_argument, NULL, 'g' },
		{ "entry", required_argument, NULL, 'e' }, { "boot-dir", required_argument, NULL, 'B' },
		{ "event-log", required_argument, NULL, 'l' }, { "config", required_argument, NULL, 'c' },
		{ "tcti", required_argument, NULL, 'T' }, { "help", no_argument, NULL, 'h' },
		{ "luks-header", required_argument, NULL, 'L' }, { NULL, 0, NULL, 0 },
	};
	const char *luks[16];
	struct aem_lc_src src = { .luks = luks };
	const char *conf = NULL, *tcti = NULL;
	json_object *root, *media;
	char **list = NULL, mask[80];
	size_t n = 0;
	struct st s;
	int c, json = 0, rc;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'g': src.grub_cfg = optarg; break;
		case 'e': src.entry = optarg; break;
		case 'B': src.boot_dir = optarg; break;
		case 'l': src.evlog = optarg; break;
		case 'c': conf = optarg; break;
		case 'T': tcti = optarg; break;
		case 'L':
			if (src.nluks == 16)
				return fputs("aem status: at most 16 --luks-header\n", stderr), AEM_EXIT_USAGE;
			luks[src.nluks++] = optarg;
			break;
		case 'h': fputs(status_help, stdout); return AEM_EXIT_OK;
		default: fputs(status_help, stderr); return AEM_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return fputs(status_help, stderr), AEM_EXIT_USAGE;
	memset(&s, 0, sizeof(s));
	if ((rc = aem_cli_lc_open(&s.lc, "status", conf, tcti, false)) != 0)
		return rc;
	root = json_object_new_object();
	json_object_object_add(root, "family", json_object_new_string(
		s.lc.family == AEM_FAMILY_TPM12 ? "1.2" : "2.0"));
	json_object_object_add(root, "identity", json_object_new_string(
		s.lc.id_hex[0] ? s.lc.id_hex : "none (run aem tpm-setup)"));
	json_object_object_add(root, "bank", json_object_new_string(
		aem_bank_name(aem_config_bank(&s.lc.cfg, s.lc.family))));
	json_object_object_add(root, "pcrs", json_object_new_string(aem_pcr_mask_format(
		aem_config_pcrs(&s.lc.cfg, s.lc.family), mask, sizeof(mask))));
	s.have_now = aem_lc_values_now(&s.lc, &src, &s.now, NULL) == 0;
	snprintf(s.now_why, sizeof(s.now_why), "%s", s.lc.why);
	s.lc.why[0] = '\0';
	s.have_next = aem_lc_values_next(&s.lc, &src, &s.next, NULL) == 0;
	snprintf(s.next_why, sizeof(s.next_why), "%s", s.lc.why);
	last_boot_json(root);
	if (!s.have_now)
		json_object_object_add(root, "this_boot", json_object_new_string(s.now_why));
	reseal_needed(&s, root);
	if (!s.have_next && !s.lc.next_unknown)
		json_object_object_add(root, "next_boot", json_object_new_string(s.next_why));
	media = json_object_new_array();
	if (!aem_state_media_list(&list, &n))
		for (size_t i = 0; i < n; i++)
			json_object_array_add(media, media_json(&s, list[i]));
	aem_state_free_list(list, n);
	json_object_object_add(root, "media", media);
	if (json)
		printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		print_text(root);
	json_object_put(root);
	aem_lc_close(&s.lc);
	return AEM_EXIT_OK;
}
