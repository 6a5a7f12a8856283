/* Unit tests of the GRUB entry generator (aem/launch/grubgen.c): its output is read
 * back with the project's grub.cfg reader (aem/launch/grubcfg.c, written separately to GRUB's
 * rules) and must give exactly the modules and command lines written here by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "grubcfg.h"
#include "grubgen.h"
#include "err.h"

static const struct aem_grubgen_kernel kernels[] = {
	{ "6.6.2", "/vmlinuz-6.6.2", "/initramfs-6.6.2.img", "vmlinuz-6.6.2", "aem-vmlinuz-6.6.2",
	  "aem-initramfs-6.6.2.img" },
	{ "6.1.0", "/vmlinuz-6.1.0", NULL, "vmlinuz-6.1.0", "aem-vmlinuz-6.1.0", NULL },
};
static const char *const sinits[] = { "/SINIT_A.BIN", "/acm/b_sinit.bin" };

static void fill(struct aem_grubgen *g, bool efi)
{
	memset(g, 0, sizeof(*g));
	g->tboot = "/tboot.gz";
	g->tboot_args = "logging=memory,serial  min_ram=0x2000000";
	g->xen = "/xen-4.17.2.gz";
	g->xen_version = "4.17.2";
	g->xen_args = "console=none dom0_mem=max:4096M";
	g->kernel_args = " root=/dev/mapper/qubes_dom0-root ro rd.luks.uuid=luks-1 quiet";
	g->uuid = "9d1e0c5b-2f4a-4e33-8a1b-7c6d5e4f3a2b";
	g->label = "aemusb";
	g->efi = efi;
	g->nk = 2;
	g->k = kernels;
	g->nsinit = 2;
	g->sinit = sinits;
}

static void parse(const char *text, size_t len, struct aem_grub_cfg *cfg)
{
	char err[256] = "";

	memset(cfg, 0, sizeof(*cfg));
	if (aem_grubcfg_parse(text, len, cfg, err, sizeof(err)))
		fail_msg("generated grub.cfg does not parse: %s\n%s", err, text);
}

static void check(bool efi, bool wrap)
{
	struct aem_grubgen g;
	struct aem_grub_cfg cfg;
	const struct aem_grub_entry *e;
	char *out = NULL;
	size_t len = 0;

	fill(&g, efi);
	g.only_if_aem_dir = wrap;
	assert_int_equal(aem_grubgen(&g, &out, &len), 0);
	assert_int_equal(!!strstr(out, "if [ -d /aem/ ]; then"), wrap);
	parse(out, len, &cfg);
	assert_int_equal(cfg.n, 2);
	e = aem_grubcfg_find(&cfg, NULL);
	assert_non_null(e);
	assert_null(e->error);
	assert_int_equal(e->multiboot2, efi);
	assert_string_equal(e->kernel, "/tboot.gz");
	assert_string_equal(e->kernel_cmdline, "placeholder logging=memory,serial min_ram=0x2000000");
	assert_int_equal(e->nmod, 5);
	assert_string_equal(e->mod[0].path, "/xen-4.17.2.gz");
	assert_string_equal(e->mod[0].cmdline, "placeholder console=none dom0_mem=max:4096M");
	assert_string_equal(e->mod[1].path, "/vmlinuz-6.6.2");
	assert_string_equal(e->mod[1].cmdline,
			    "placeholder root=/dev/mapper/qubes_dom0-root ro rd.luks.uuid=luks-1 quiet "
			    "aem.uuid=9d1e0c5b-2f4a-4e33-8a1b-7c6d5e4f3a2b");
	assert_string_equal(e->mod[2].path, "/initramfs-6.6.2.img");
	assert_string_equal(e->mod[2].cmdline, "");
	assert_false(e->mod[2].sinit);
	assert_string_equal(e->mod[3].path, "/SINIT_A.BIN");
	assert_true(e->mod[3].sinit);
	assert_string_equal(e->mod[4].path, "/acm/b_sinit.bin");
	assert_true(e->mod[4].sinit);
	/* the second kernel has no initramfs: Xen, kernel, two SINITs */
	assert_int_equal(cfg.e[1].nmod, 4);
	assert_string_equal(cfg.e[1].mod[1].path, "/vmlinuz-6.1.0");
	aem_grubcfg_free(&cfg);
	free(out);
}

static void test_bios(void **state) { (void)state; check(false, false); }
static void test_efi_wrapped(void **state) { (void)state; check(true, true); }

/* Arguments GRUB would otherwise expand or split come back byte for byte. */
static void test_quoting(void **state)
{
	static const char *const args = "a=$HOME b='q' c=\"d\" e;f g{h} i\\j";
	struct aem_grubgen g;
	struct aem_grub_cfg cfg;
	char *out = NULL, q[64];
	size_t len = 0;

	(void)state;
	fill(&g, false);
	g.xen_args = args;
	g.nk = 1;
	assert_int_equal(aem_grubgen(&g, &out, &len), 0);
	parse(out, len, &cfg);
	assert_string_equal(cfg.e[0].mod[0].cmdline,
			    "placeholder a=$HOME b='q' c=\"d\" e;f g{h} i\\j");
	assert_string_equal(cfg.e[0].title, "AEM (aemusb): Xen 4.17.2 with Linux 6.6.2");
	aem_grubcfg_free(&cfg);
	free(out);
	assert_int_equal(aem_grubgen_quote("it's", q, sizeof(q)), 0);
	assert_string_equal(q, "'it'\\''s'");
	assert_int_equal(aem_grubgen_quote("plain/x-1.gz", q, sizeof(q)), 0);
	assert_string_equal(q, "plain/x-1.gz");
	assert_int_equal(aem_grubgen_quote("", q, sizeof(q)), 0);
	assert_string_equal(q, "''");
	assert_int_equal(aem_grubgen_quote("abcdef", q, 4), AEM_E_INVAL);
}

static void test_missing(void **state)
{
	struct aem_grubgen g;
	char *out = NULL;
	size_t len = 0;

	(void)state;
	fill(&g, false);
	g.tboot = NULL;
	assert_int_equal(aem_grubgen(&g, &out, &len), AEM_E_INVAL);
	assert_null(out);
}

/* TrenchBoot entries, compared with the text written here by hand from the
 * entries TrenchBoot's own AEM generator emits (BIOS: slaunch, Xen as
 * multiboot2 with placeholder ... no-real-mode edd=off, the kernel with
 * aem.uuid= and its initramfs as module2, one slaunch_module per DCE file;
 * UEFI: slaunch_module and chainloader of xen.efi with the section name, and
 * the xen.cfg sections options=/kernel=/ramdisk=). */
static const char *const dces[] = { "/SKL.BIN", "/acm/CML_SINIT_v1.bin" };

static void fill_tb(struct aem_grubgen *g, bool efi)
{
	fill(g, efi);
	g->launch = AEM_GRUBGEN_TRENCHBOOT;
	g->tboot = NULL;
	g->sinit = dces;
	g->xen_efi = efi ? "/EFI/qubes/aemusb-xen-4.17.2.efi" : NULL;
}

static void test_tb_bios(void **state)
{
	static const char want[] =
		"menuentry 'AEM (aemusb): Xen 4.17.2 with Linux 6.6.2 (TrenchBoot)' --class xen --class aem {\n"
		"\techo\t'Enabling slaunch ...'\n"
		"\tslaunch\n"
		"\techo\t'Loading Xen 4.17.2 ...'\n"
		"\tmultiboot2\t/xen-4.17.2.gz placeholder console=none dom0_mem=max:4096M no-real-mode edd=off\n"
		"\tmodule2\t/vmlinuz-6.6.2 placeholder root=/dev/mapper/qubes_dom0-root ro rd.luks.uuid=luks-1 quiet "
		"aem.uuid=9d1e0c5b-2f4a-4e33-8a1b-7c6d5e4f3a2b\n"
		"\tmodule2\t/initramfs-6.6.2.img\n"
		"\tslaunch_module\t/SKL.BIN\n"
		"\tslaunch_module\t/acm/CML_SINIT_v1.bin\n"
		"}\n"
		"menuentry 'AEM (aemusb): Xen 4.17.2 with Linux 6.1.0 (TrenchBoot)' --class xen --class aem {\n"
		"\techo\t'Enabling slaunch ...'\n"
		"\tslaunch\n"
		"\techo\t'Loading Xen 4.17.2 ...'\n"
		"\tmultiboot2\t/xen-4.17.2.gz placeholder console=none dom0_mem=max:4096M no-real-mode edd=off\n"
		"\tmodule2\t/vmlinuz-6.1.0 placeholder root=/dev/mapper/qubes_dom0-root ro rd.luks.uuid=luks-1 quiet "
		"aem.uuid=9d1e0c5b-2f4a-4e33-8a1b-7c6d5e4f3a2b\n"
		"\tslaunch_module\t/SKL.BIN\n"
		"\tslaunch_module\t/acm/CML_SINIT_v1.bin\n"
		"}\n";
	struct aem_grubgen g;
	char *out = NULL;
	size_t len = 0;

	(void)state;
	fill_tb(&g, false);
	assert_int_equal(aem_grubgen(&g, &out, &len), 0);
	assert_string_equal(out, want);
	assert_int_equal(len, strlen(want));
	free(out);
}

static void test_tb_efi(void **state)
{
	static const char want[] =
		"menuentry 'AEM (aemusb): Xen 4.17.2 with Linux 6.6.2 (TrenchBoot, EFI)' --class xen --class aem {\n"
		"\techo\t'Enabling slaunch ...'\n"
		"\tslaunch\n"
		"\tslaunch_module\t/SKL.BIN\n"
		"\tslaunch_module\t/acm/CML_SINIT_v1.bin\n"
		"\tsearch\t--no-floppy --fs-uuid --set=root 1234-ABCD\n"
		"\techo\t'Loading Xen 4.17.2 ...'\n"
		"\tchainloader\t/EFI/qubes/aemusb-xen-4.17.2.efi vmlinuz-6.6.2\n"
		"}\n";
	static const char cfg[] =
		"# Written by aem grub-config; rewritten on every kernel or Xen update.\n"
		"[global]\n"
		"default=vmlinuz-6.6.2\n"
		"\n"
		"[vmlinuz-6.6.2]\n"
		"options=placeholder console=none dom0_mem=max:4096M no-real-mode edd=off\n"
		"kernel=aem-vmlinuz-6.6.2 placeholder root=/dev/mapper/qubes_dom0-root ro rd.luks.uuid=luks-1 "
		"quiet aem.uuid=9d1e0c5b-2f4a-4e33-8a1b-7c6d5e4f3a2b\n"
		"ramdisk=aem-initramfs-6.6.2.img\n"
		"\n"
		"[vmlinuz-6.1.0]\n"
		"options=placeholder console=none dom0_mem=max:4096M no-real-mode edd=off\n"
		"kernel=aem-vmlinuz-6.1.0 placeholder root=/dev/mapper/qubes_dom0-root ro rd.luks.uuid=luks-1 "
		"quiet aem.uuid=9d1e0c5b-2f4a-4e33-8a1b-7c6d5e4f3a2b\n";
	struct aem_grubgen g;
	char *out = NULL;
	size_t len = 0;

	(void)state;
	fill_tb(&g, true);
	g.esp_uuid = "1234-ABCD";
	g.nk = 1;
	assert_int_equal(aem_grubgen(&g, &out, &len), 0);
	assert_string_equal(out, want);
	free(out);
	g.nk = 2;
	assert_int_equal(aem_grubgen_xencfg(&g, &out, &len), 0);
	assert_string_equal(out, cfg);
	free(out);
	/* a '#' would start a comment in xen.cfg and cut the command line there */
	g.kernel_args = "root=/dev/sda1 #x";
	assert_int_equal(aem_grubgen_xencfg(&g, &out, &len), AEM_E_INVAL);
	assert_null(out);
	/* the xen.cfg is for TrenchBoot on UEFI only */
	fill_tb(&g, false);
	assert_int_equal(aem_grubgen_xencfg(&g, &out, &len), AEM_E_INVAL);
}

/* Never an entry without aem.uuid=, nor a TrenchBoot one without a DCE file. */
static void test_tb_refusals(void **state)
{
	struct aem_grubgen g;
	char *out = NULL;
	size_t len = 0;

	(void)state;
	fill_tb(&g, false);
	g.uuid = "";
	assert_int_equal(aem_grubgen(&g, &out, &len), AEM_E_INVAL);
	fill_tb(&g, false);
	g.uuid = NULL;
	assert_int_equal(aem_grubgen(&g, &out, &len), AEM_E_INVAL);
	fill(&g, false);
	g.uuid = "";
	assert_int_equal(aem_grubgen(&g, &out, &len), AEM_E_INVAL);
	fill_tb(&g, false);
	g.nsinit = 0;
	assert_int_equal(aem_grubgen(&g, &out, &len), AEM_E_INVAL);
	fill_tb(&g, true);
	g.xen_efi = NULL;
	assert_int_equal(aem_grubgen(&g, &out, &len), AEM_E_INVAL);
	assert_null(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bios),
		cmocka_unit_test(test_efi_wrapped),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_tb_bios),
		cmocka_unit_test(test_tb_efi),
		cmocka_unit_test(test_tb_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
