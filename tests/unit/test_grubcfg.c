/* Unit tests of the grub.cfg reader (aem/launch/grubcfg.c). The expected command lines are
 * written out by hand from GRUB's rules (arguments after the file name, joined by single
 * spaces, quotes removed, variables expanded), not produced by the code under test. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "grubcfg.h"
#include "err.h"

static char *load(const char *name, size_t *len)
{
	const char *src = getenv("AEM_SRC");
	char path[4096];
	char *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/tests/unit/data/%s", src ? src : ".", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void test_qubes(void **state)
{
	struct aem_grub_cfg cfg = { 0 };
	const struct aem_grub_entry *e;
	char err[256];
	size_t len;
	char *text = load("grub-qubes-tboot.cfg", &len);

	(void)state;
	assert_int_equal(aem_grubcfg_parse(text, len, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.n, 2);
	e = aem_grubcfg_find(&cfg, NULL);
	assert_non_null(e);
	assert_ptr_equal(e, aem_grubcfg_find(&cfg, "0"));
	assert_null(e->error);
	assert_false(e->multiboot2);
	assert_string_equal(e->kernel, "/tboot.gz");
	assert_string_equal(e->kernel_cmdline, "placeholder logging=memory,serial min_ram=0x2000000");
	assert_int_equal(e->nmod, 4);
	assert_string_equal(e->mod[0].path, "/xen-4.17.2.gz");
	assert_string_equal(e->mod[0].cmdline,
			    "placeholder console=none dom0_mem=min:1024M dom0_mem=max:4096M "
			    "ucode=scan smt=off gnttab_max_frames=2048 gnttab_max_maptrack_frames=4096");
	assert_string_equal(e->mod[1].cmdline,
			    "placeholder root=/dev/mapper/qubes_dom0-root ro rd.luks.uuid=luks-1d2f "
			    "rd.lvm.lv=qubes_dom0/root rd.lvm.lv=qubes_dom0/swap "
			    "plymouth.ignore-serial-consoles rhgb quiet "
			    "aem.uuid=9d1e0c5b-2f4a-4e33-8a1b-7c6d5e4f3a2b");
	assert_true(e->mod[2].nounzip);
	assert_false(e->mod[1].nounzip);
	assert_string_equal(e->mod[2].path, "/initramfs-6.6.21-1.qubes.fc37.x86_64.img");
	assert_string_equal(e->mod[2].cmdline, "");
	assert_true(e->mod[3].sinit);
	assert_false(e->mod[0].sinit);
	/* the entry inside the submenu counts in GRUB's flat numbering */
	e = aem_grubcfg_find(&cfg, "1");
	assert_non_null(e);
	assert_string_equal(e->title, "Qubes, with Xen 4.17.2 and Linux 6.6.21 (recovery mode)");
	assert_string_equal(e->mod[0].cmdline, "placeholder");
	assert_string_equal(e->kernel_cmdline, "");
	assert_ptr_equal(e, aem_grubcfg_find(&cfg, e->title));
	assert_null(aem_grubcfg_find(&cfg, "2"));
	assert_null(aem_grubcfg_find(&cfg, "no such title"));
	aem_grubcfg_free(&cfg);
	free(text);
}

static void test_mb2_vars(void **state)
{
	struct aem_grub_cfg cfg = { 0 };
	const struct aem_grub_entry *e;
	size_t len;
	char *text = load("grub-mb2-tboot.cfg", &len);

	(void)state;
	assert_int_equal(aem_grubcfg_parse(text, len, &cfg, NULL, 0), 0);
	e = aem_grubcfg_find(&cfg, "Debian tboot 6.1.0-18-amd64");
	assert_non_null(e);
	assert_true(e->multiboot2);
	assert_string_equal(e->kernel, "/boot/tboot.gz");
	assert_int_equal(e->nmod, 4);
	assert_string_equal(e->mod[1].path, "/boot/vmlinuz-6.1.0-18-amd64");
	assert_string_equal(e->mod[1].cmdline, "placeholder root=UUID=1234 ro quiet  splash x y");
	assert_string_equal(e->mod[2].path, "/boot/initrd.img-6.1.0-18-amd64");
	assert_true(e->mod[2].nounzip);
	assert_true(e->mod[3].sinit);
	/* an unset variable spoils its entry only, with a clear message */
	e = aem_grubcfg_find(&cfg, "broken");
	assert_non_null(e);
	assert_non_null(e->error);
	assert_non_null(strstr(e->error, "undefined_thing"));
	assert_non_null(strstr(e->error, "line 13"));
	aem_grubcfg_free(&cfg);
	free(text);
}

static void expect_bad(const char *text, const char *what)
{
	struct aem_grub_cfg cfg = { 0 };
	char err[256];

	assert_int_equal(aem_grubcfg_parse(text, strlen(text), &cfg, err, sizeof(err)),
			 AEM_E_FORMAT);
	assert_non_null(strstr(err, what));
	aem_grubcfg_free(&cfg);
}

static void test_malformed(void **state)
{
	(void)state;
	expect_bad("menuentry 'a' {\n multiboot /t\n", "missing }");
	expect_bad("}\n", "unbalanced");
	expect_bad("menuentry $nope {\n}\n", "nope");
	expect_bad("menuentry 'a' {\n module --weird /x\n}\n", "--weird");
	expect_bad("menuentry 'a' {\n menuentry 'b' {\n}\n}\n", "inside");
	expect_bad("menuentry {\n}\n", "title");
}

static void test_sinit_names(void **state)
{
	(void)state;
	assert_true(aem_grubcfg_sinit_name("/boot/SINIT_51.BIN"));
	assert_true(aem_grubcfg_sinit_name("/6th_7th_gen_i5_i7-SINIT_79.bin"));
	assert_true(aem_grubcfg_sinit_name("/x/q87.acm"));
	assert_false(aem_grubcfg_sinit_name("/xen.gz"));
	assert_false(aem_grubcfg_sinit_name("/vmlinuz"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qubes),
		cmocka_unit_test(test_mb2_vars),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_sinit_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
