/* Predict the DRTM PCRs of the next boot: SINIT's events replayed from the current
 * TXT event log (everything before tboot's first 0x501 event; the MLE hash event
 * optionally recomputed for a new tboot), then tboot's events computed from the
 * (new) files and command lines by tboot's rules (tboot.h). Pure: the caller reads
 * the files (struct aem_predict_io; platform/hashfile.h has the one for files
 * on disk) and hands in the tboot image's bytes. */
#ifndef AEM_PREDICT_H
#define AEM_PREDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evlog.h"
#include "role.h"
#include "tboot.h"
#include "trenchboot.h"

#define AEM_PREDICT_MAX_MODULES 32

struct aem_predict_module {
	const char *path;      /* names the file to the caller's io and in the output */
	const char *cmdline;   /* measured exactly; NULL = "" */
	bool nounzip;          /* GRUB loads it as stored (--nounzip) */
};

/* What the prediction needs of the module files, read by the caller. Both
 * return 0 or an error code of err.h.
 *   head:   up to size first bytes of m as stored, into buf (*len: how many);
 *           tboot drops an SINIT ACM or LCP data module, recognised by them.
 *   digest: H_bank of m's image as GRUB loads it (decompressed unless
 *           m->nounzip) into out (aem_bank_size(bank) bytes). */
struct aem_predict_io {
	int (*head)(void *ctx, const struct aem_predict_module *m, uint8_t *buf, size_t size,
		    size_t *len);
	int (*digest)(void *ctx, const struct aem_predict_module *m, enum aem_bank bank,
		      uint8_t *out);
	void *ctx;
};

struct aem_predict_in {
	struct aem_tboot_cfg tb;
	enum aem_bank bank;
	const struct aem_evlog *log;           /* required: source of SINIT's events */
	const uint8_t *policy;                 /* NULL: tboot's default policy */
	size_t policy_len;
	const char *tboot_path;                /* new tboot (named in the output); NULL: keep
						* the logged MLE hash */
	const uint8_t *tboot_elf;              /* its ELF image, decompressed (with tboot_path) */
	size_t tboot_len;
	const char *tboot_cmdline;             /* tboot's own command line (MLE area) */
	size_t nmod;
	const struct aem_predict_module *mod;
	const struct aem_predict_io *io;       /* required when nmod > 0 */
};

struct aem_predict_event {
	unsigned pcr;
	uint32_t type;
	bool unknown;          /* not computable from files: no digest (see unknown_why) */
	enum aem_role role;    /* MLE (recomputed for a new tboot), POLICY, MODULE, SKIPPED */
	int index;             /* module number as tboot counts them (-1 otherwise) */
	const char *file;      /* borrowed from the input */
	const char *cmdline;
	uint8_t digest[AEM_MAX_DIGEST];
};

struct aem_predict_out {
	struct aem_pcr_values pcrs;   /* mask: 17, 18, 19 */
	size_t prefix;                /* log events replayed (SINIT's) */
	bool tboot_extends;           /* false: this bank gets no tboot events (extpol) */
	size_t nev;
	struct aem_predict_event ev[2 * AEM_PREDICT_MAX_MODULES + 8];
	int failed_module;            /* on error: index into in->mod of the culprit, or -1 */
	/* PCRs the files do not determine (bit p: PCR p; never in pcrs.mask), each with a
	 * static English sentence why, e.g. "the multiboot2 information GRUB builds at
	 * boot cannot be computed from files". tboot's model leaves them empty. */
	uint32_t unknown_mask;
	const char *unknown_why[24];
};

/* Returns 0 or a negative error code of err.h (an io error of a module: see
 * out->failed_module; AEM_E_FORMAT: the log lacks what the replay needs, e.g.
 * no digest of this bank in an SINIT event, or the tboot image is not one). */
int aem_predict(const struct aem_predict_in *in, struct aem_predict_out *out);

/* Append an event (digest zeroed, index -1) to out for either model; NULL when
 * out->ev is full. The event is out's, valid until out changes. */
struct aem_predict_event *aem_predict_add_event(struct aem_predict_out *out, unsigned pcr,
						uint32_t type, enum aem_role role);

/* ---- TrenchBoot (GRUB slaunch; trenchboot.h): the sibling of aem_predict ---- */

struct aem_tb_predict_in {
	enum aem_tb_variant variant;
	enum aem_tb_release release;
	enum aem_bank bank;
	const struct aem_evlog *log;      /* required: the last TrenchBoot boot's log, source of
					   * the per-machine constants (SINIT's events but the
					   * MLE hash, SLRT info records, OS-MLE data) */
	const char *dce_path;             /* AMD: a new skl.bin (NULL: the logged SKINIT) */
	const uint8_t *dce;
	size_t dce_len;
	const char *xen_path;             /* required: the new Xen (named in the output) */
	const uint8_t *xen;               /* MB2: its ELF image, decompressed; EFI: xen.efi */
	size_t xen_len;
	const char *xen_cmdline;          /* EFI: the measured command line
					   * (aem_tb_efi_cmdline); MB2: unused (in the MBI) */
	size_t nmod;                      /* MB2: the module2 files in GRUB order, cmdline as
					   * written; EFI: xen.cfg's modules in Xen's order,
					   * cmdline = the module string, nounzip set */
	const struct aem_predict_module *mod;
	const struct aem_predict_io *io;  /* required when nmod > 0 */
};

/* Predict PCRs 17-19 of the next TrenchBoot launch of the variant. PCRs that depend
 * on boot-time memory go to out->unknown_mask with a sentence (BIOS: PCR 18, the
 * multiboot2 information; UEFI: PCR 17, the running xen.efi image) and their events
 * are listed with unknown set. Returns 0 or an error code of err.h:
 * AEM_E_UNSUPPORTED for a release aem_tb_release_refusal refuses, AEM_E_FORMAT when
 * the log is not a TrenchBoot log of that variant or Xen has no MLE header. */
int aem_predict_trenchboot(const struct aem_tb_predict_in *in, struct aem_predict_out *out);

/* Is log a TrenchBoot launch's, and of which variant? The release is a guess from
 * what the log shows: OLD (aem_v0.2 event types; an AMD BIOS log without the SLRT
 * info record, v0.4), else AEM_TB_REL_DEFAULT (v0.5.0 and staging differ only in the
 * EFI command line's digest). Returns 0, or AEM_E_FORMAT: no TrenchBoot event. */
int aem_tb_log_variant(const struct aem_evlog *log, enum aem_tb_variant *v,
		       enum aem_tb_release *rel);
/* The role of every event of a TrenchBoot log into roles[0..log->n) (index[]: the
 * module number, from 1, of MB_MODULE and MODSTR; else -1), from the events' labels
 * and order. 0, or AEM_E_FORMAT when the log has no TrenchBoot event. */
int aem_tb_log_roles(const struct aem_evlog *log, enum aem_role *roles, int *index);

#endif
