/* Unit tests of TrenchBoot's measurement rules (aem/launch/trenchboot*.c). Expected
 * digests come from a real log (drtm-tests' A1: AMD, UEFI, v0.5.3-rc1; prefixes as
 * docs/measurement.md quotes them) or from bytes written out here by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trenchboot.h"
#include "err.h"

static const uint8_t uuid[16] = {
	0x5a, 0xac, 0x82, 0x90, 0x6f, 0x47, 0xa7, 0x74,
	0x0f, 0x5c, 0x55, 0xa2, 0xcb, 0x51, 0xb6, 0x42,
};

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The digest of bank over buf starts with the hex prefix (a real log's). */
static void assert_digest_prefix(enum aem_bank bank, const void *buf, size_t len, const char *prefix)
{
	uint8_t d[AEM_MAX_DIGEST];
	char hex[2 * AEM_MAX_DIGEST + 1];

	assert_int_equal(aem_hash(bank, buf, len, d), 0);
	aem_hex(d, aem_bank_size(bank), hex);
	if (strncmp(hex, prefix, strlen(prefix)))
		fail_msg("digest %s does not start with %s", hex, prefix);
}

static void test_real_log_a1(void **state)
{
	uint8_t info[AEM_TB_AMD_INFO_LEN], entry[4];
	static const char cfg[] =
		"[global]\ndefault=xen\n\n[xen]\n"
		"options=console=tty0 no-real-mode edd=off\n"
		"kernel=bzImage rootwait root=LABEL=root rootfstype=ext4 console=ttyS0,115200 "
		"earlyprintk=serial,ttyS0,115200\n";
	struct aem_tb_xencfg c;

	(void)state;
	/* SKL with bootloader_data_offset 0xe4d4: slrt_size 0x1b2c, PSP version 0 */
	aem_tb_amd_info(0x10000 - 0xe4d4, 0, info);
	assert_digest_prefix(AEM_BANK_SHA1, info, sizeof(info), "2994b35e");
	assert_digest_prefix(AEM_BANK_SHA256, info, sizeof(info), "7375279d");
	aem_tb_entry_bytes(0x00626794, entry);
	assert_digest_prefix(AEM_BANK_SHA1, entry, 4, "2aa0baf3");
	assert_digest_prefix(AEM_BANK_SHA256, entry, 4, "60bd6370");
	assert_int_equal(aem_tb_xencfg_parse(cfg, sizeof(cfg) - 1, NULL, &c, NULL, 0), 0);
	assert_int_equal(c.nmod, 1);
	assert_string_equal(c.mod[0].file, "bzImage");
	assert_digest_prefix(AEM_BANK_SHA1, c.mod[0].string, strlen(c.mod[0].string), "878c18de");
	assert_digest_prefix(AEM_BANK_SHA256, c.mod[0].string, strlen(c.mod[0].string), "48fb8fce");
	aem_tb_xencfg_free(&c);
}

static void test_xencfg(void **state)
{
	static const char cfg[] =
		"# comment\n[global]\ndefault=b\n"
		"[a]\noptions=wrong\nkernel=vmlinuz-a x\n"
		"[b]\r\n    ramdisk=initrd.img extra words\n"
		"\toptions=   console=none  dom0_mem=1G   # trailing comment\n"
		"    kernel=vmlinuz-b    root=/dev/x   ro\n"
		"kernel=second-is-ignored\nucode=ucode.bin\n";
	struct aem_tb_xencfg c;
	char err[200];

	(void)state;
	assert_int_equal(aem_tb_xencfg_parse(cfg, sizeof(cfg) - 1, NULL, &c, err, sizeof(err)), 0);
	assert_string_equal(c.section, "b");
	assert_string_equal(c.options, "console=none  dom0_mem=1G   ");
	assert_int_equal(c.nmod, 3);     /* Xen's order: kernel, ramdisk, ucode */
	assert_string_equal(c.mod[0].string, "vmlinuz-b root=/dev/x   ro");
	assert_string_equal(c.mod[1].file, "initrd.img");
	assert_string_equal(c.mod[1].string, "initrd.img");
	assert_string_equal(c.mod[2].key, "ucode");
	aem_tb_xencfg_free(&c);
	assert_int_equal(aem_tb_xencfg_parse(cfg, sizeof(cfg) - 1, "a", &c, err, sizeof(err)), 0);
	assert_string_equal(c.options, "wrong");
	assert_string_equal(c.mod[0].string, "vmlinuz-a x");
	aem_tb_xencfg_free(&c);
	assert_int_equal(aem_tb_xencfg_parse(cfg, sizeof(cfg) - 1, "c", &c, err, sizeof(err)),
			 AEM_E_FORMAT);
	assert_non_null(strstr(err, "no section c"));
	assert_int_equal(aem_tb_xencfg_parse("[x]\noptions=a\n", 14, NULL, &c, err, sizeof(err)),
			 AEM_E_FORMAT);
	assert_non_null(strstr(err, "default="));
	assert_int_equal(aem_tb_xencfg_parse("[x]\noptions=a\n", 14, "x", &c, err, sizeof(err)),
			 AEM_E_FORMAT);
	assert_non_null(strstr(err, "kernel="));
}

static void test_efi_cmdline(void **state)
{
	char b[64];

	(void)state;
	assert_int_equal(aem_tb_efi_cmdline(AEM_TB_REL_STAGING, "a b ", "vmlinuz-6.1", b, sizeof(b)), 0);
	assert_string_equal(b, "a b ");
	assert_int_equal(aem_tb_efi_cmdline(AEM_TB_REL_V050, "a b", "vmlinuz-6.1", b, sizeof(b)), 0);
	assert_string_equal(b, "vmlinuz-6.1 a b");
	assert_int_equal(aem_tb_efi_cmdline(AEM_TB_REL_V050, "a b", NULL, b, sizeof(b)), 0);
	assert_string_equal(b, "xen a b");
	assert_int_equal(aem_tb_efi_cmdline(AEM_TB_REL_STAGING, "a", "img -- c d", b, sizeof(b)), 0);
	assert_string_equal(b, "a c d");
	/* dom0's part after " -- " is cut before Xen measures */
	assert_int_equal(aem_tb_efi_cmdline(AEM_TB_REL_STAGING, "a -- dom0", "", b, sizeof(b)), 0);
	assert_string_equal(b, "a");
	assert_int_equal(aem_tb_efi_cmdline(AEM_TB_REL_STAGING, "0123456789", "", b, 8), AEM_E_INVAL);
}

static void test_mle_header(void **state)
{
	uint8_t buf[0x2100] = { 0 };
	struct aem_tb_mle m;

	(void)state;
	assert_int_equal(aem_tb_mle_parse(buf, sizeof(buf), &m), AEM_E_FORMAT);
	memcpy(buf + 0x30, uuid, 16);
	put32(buf + 0x30 + 24, 0x1234);
	put32(buf + 0x30 + 32, 0);
	put32(buf + 0x30 + 36, 0x2000);
	assert_int_equal(aem_tb_mle_parse(buf, sizeof(buf), &m), 0);
	assert_int_equal(m.offset, 0x30);
	assert_int_equal(m.entry, 0x1234);
	assert_int_equal(m.mle_end, 0x2000);
	assert_int_equal(aem_tb_mle_parse(buf, 0x30 + 51, &m), AEM_E_FORMAT);  /* cut header */
	put32(buf + 0x30 + 36, 0);
	assert_int_equal(aem_tb_mle_parse(buf, sizeof(buf), &m), AEM_E_FORMAT);  /* end <= start */
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 0x2000, uuid, 16);   /* beyond GRUB's 8 KiB search */
	assert_int_equal(aem_tb_mle_parse(buf, sizeof(buf), &m), AEM_E_FORMAT);
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 0x38, uuid, 16);     /* not on a 16-byte step */
	assert_int_equal(aem_tb_mle_parse(buf, sizeof(buf), &m), AEM_E_FORMAT);
}

/* An ELF32 written by hand: segment A at paddr 0x1000 (0x100 file bytes, memsz 0x200),
 * segment B at 0x1400 (0x10 bytes, memsz 0x40), listed B first. */
static size_t small_elf(uint8_t *e, uint32_t mle_end)
{
	memset(e, 0, 0x400);
	memcpy(e, "\x7f" "ELF\x01\x01\x01", 7);
	e[16] = 2, e[18] = 3;
	put32(e + 28, 52);                    /* phoff */
	e[42] = 32, e[44] = 2;                /* phentsize, phnum */
	/* B */
	put32(e + 52, 1), put32(e + 56, 0x300), put32(e + 64, 0x1400);
	put32(e + 68, 0x10), put32(e + 72, 0x40);
	/* A */
	put32(e + 84, 1), put32(e + 88, 0x200), put32(e + 96, 0x1000);
	put32(e + 100, 0x100), put32(e + 104, 0x200);
	memset(e + 0x200, 0xaa, 0x100);
	memcpy(e + 0x200, uuid, 16);
	put32(e + 0x200 + 24, 0x42);
	put32(e + 0x200 + 32, 0);
	put32(e + 0x200 + 36, mle_end);
	memset(e + 0x300, 0xbb, 0x10);
	return 0x310;
}

static void test_elf_layout(void **state)
{
	uint8_t elf[0x400], *img = NULL, want[0x440] = { 0 };
	const uint8_t *dlme;
	size_t n, il, dl;
	struct aem_tb_mle m;

	(void)state;
	n = small_elf(elf, 0x440);
	assert_int_equal(aem_tb_elf_layout(elf, n, &img, &il), 0);
	assert_int_equal(il, 0x440);
	memcpy(want, elf + 0x200, 0x100);          /* A's bytes, then zeros to 0x400 */
	memset(want + 0x400, 0xbb, 0x10);          /* B at 0x1400 - 0x1000 */
	assert_memory_equal(img, want, sizeof(want));
	free(img);
	assert_int_equal(aem_tb_dlme_elf(elf, n, &img, &il, &m, &dlme, &dl), 0);
	assert_int_equal(dl, 0x440);
	assert_int_equal(m.entry, 0x42);
	free(img);
	n = small_elf(elf, 0x441);                 /* the MLE would reach past the image */
	assert_int_equal(aem_tb_dlme_elf(elf, n, &img, &il, &m, &dlme, &dl), AEM_E_FORMAT);
	assert_null(img);
	assert_int_equal(aem_tb_elf_layout(elf, 0x300, &img, &il), AEM_E_FORMAT); /* B cut */
	elf[4] = 3;
	assert_int_equal(aem_tb_elf_layout(elf, n, &img, &il), AEM_E_FORMAT);
}

static void test_skl(void **state)
{
	uint8_t skl[0x100] = { 0 };
	struct aem_tb_skl h;
	uint8_t d1[20], d2[20];

	(void)state;
	skl[2] = 0x80;                 /* measured length 0x80 */
	skl[66] = 0x50;                /* skl_info_offset */
	skl[68] = 0xd4, skl[69] = 0xe4;
	memset(skl + 0x80, 0x77, 0x80); /* beyond the measured part */
	assert_int_equal(aem_tb_skl_parse(skl, sizeof(skl), &h), 0);
	assert_int_equal(h.measured_len, 0x80);
	assert_int_equal(h.bootloader_data_offset, 0xe4d4);
	assert_int_equal(aem_tb_skinit_digest(skl, sizeof(skl), AEM_BANK_SHA1, d1), 0);
	assert_int_equal(aem_hash(AEM_BANK_SHA1, skl, 0x80, d2), 0);
	assert_memory_equal(d1, d2, 20);
	assert_int_equal(aem_tb_skl_parse(skl, 0x7f, &h), AEM_E_FORMAT);   /* cut */
	skl[2] = 0x10;
	assert_int_equal(aem_tb_skl_parse(skl, sizeof(skl), &h), AEM_E_FORMAT);
}

static void test_names(void **state)
{
	enum aem_tb_variant v;
	enum aem_tb_release r;

	(void)state;
	assert_int_equal(aem_tb_variant_parse("amd-efi", &v), 0);
	assert_true(aem_tb_variant_is_amd(v) && aem_tb_variant_is_efi(v));
	assert_int_equal(aem_tb_variant_parse("intel", &v), AEM_E_FORMAT);
	assert_int_equal(aem_tb_release_parse("v0.5.0", &r), 0);
	assert_null(aem_tb_release_refusal(r));
	assert_non_null(aem_tb_release_refusal(AEM_TB_REL_OLD));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_log_a1), cmocka_unit_test(test_xencfg),
		cmocka_unit_test(test_efi_cmdline), cmocka_unit_test(test_mle_header),
		cmocka_unit_test(test_elf_layout), cmocka_unit_test(test_skl),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
