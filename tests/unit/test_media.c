/* Unit tests of aem/lifecycle/media.c. The superblock oracle is mkfs.ext4 itself: an
 * image made with -U UUID -L LABEL must parse to exactly those (skipped when
 * mkfs.ext4 is missing). Device scanning runs on a fake runtime root (sys/
 * and dev/ trees, aem_rt_set_root). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "err.h"
#include "fileio.h"
#include "media.h"
#include "runtime.h"

#define UUID_A "6a1c3c2e-8d7f-4b2a-9e0f-112233445566"

static int make_image(const char *path, const char *uuid, const char *label)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "mkfs.ext4 -q -F -U %s -L %s %s 1M >/dev/null 2>&1", uuid, label,
		 path);
	unlink(path);
	return system(cmd);
}

static void need_mkfs(void)
{
	if (system("command -v mkfs.ext4 >/dev/null 2>&1"))
		fail_msg("mkfs.ext4 is missing: run scripts/install-deps");
}

static void test_parse_real_superblock(void **state)
{
	struct aem_ext4_id id;
	uint8_t *buf = NULL;
	size_t len = 0;
	char s[37];

	(void)state;
	need_mkfs();
	assert_int_equal(make_image("sb.img", UUID_A, "aem-usb1"), 0);
	assert_int_equal(aem_file_read("sb.img", 4u << 20, &buf, &len), 0);
	assert_int_equal(aem_media_parse_ext4(buf, len, &id), 0);
	assert_string_equal(aem_media_uuid_str(id.uuid, s), UUID_A);
	assert_string_equal(id.label, "aem-usb1");
	assert_true(aem_media_label_ok(id.label));
	/* Exactly the bytes needed, and one fewer. */
	assert_int_equal(aem_media_parse_ext4(buf, 1024 + 0x88, &id), 0);
	assert_int_equal(aem_media_parse_ext4(buf, 1024 + 0x87, &id), AEM_E_FORMAT);
	buf[1024 + 0x38] ^= 0xff;   /* magic */
	assert_int_equal(aem_media_parse_ext4(buf, len, &id), AEM_E_FORMAT);
	aem_buf_free(buf, len);
	unlink("sb.img");
}

static void test_parse_malformed(void **state)
{
	static uint8_t zero[4096];
	uint8_t sb[2048];
	struct aem_ext4_id id;

	(void)state;
	assert_int_equal(aem_media_parse_ext4(zero, sizeof(zero), &id), AEM_E_FORMAT);
	assert_int_equal(aem_media_parse_ext4(NULL, 4096, &id), AEM_E_FORMAT);
	assert_int_equal(aem_media_parse_ext4(zero, 0, &id), AEM_E_FORMAT);
	/* A 16-byte label without NUL stays a 16-character string. */
	memset(sb, 'x', sizeof(sb));
	sb[1024 + 0x38] = 0x53, sb[1024 + 0x39] = 0xef;
	assert_int_equal(aem_media_parse_ext4(sb, sizeof(sb), &id), 0);
	assert_int_equal(strlen(id.label), 16);
}

static void test_uuid_and_label(void **state)
{
	const uint8_t u[16] = { 0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5, 0xa0, 0xb1, 0xc2, 0xd3, 0xe4, 0xf5 };
	char s[37];

	(void)state;
	assert_string_equal(aem_media_uuid_str(u, s), "deadbeef-0001-0203-0405-a0b1c2d3e4f5");
	assert_true(aem_media_label_ok("aem"));
	assert_true(aem_media_label_ok("aemSD"));
	assert_false(aem_media_label_ok("AEM"));
	assert_false(aem_media_label_ok("boot"));
	assert_false(aem_media_label_ok(""));
	assert_false(aem_media_label_ok(NULL));
}

static void test_usb_parse(void **state)
{
	struct aem_usb_id id, other;
	char longs[200];

	(void)state;
	assert_int_equal(aem_media_usb_parse("46f4:0001:AEM0E2E0001", &id), 0);
	assert_int_equal(id.vendor, 0x46f4);
	assert_int_equal(id.product, 0x0001);
	assert_string_equal(id.serial, "AEM0E2E0001");
	assert_int_equal(aem_media_usb_parse("0781:5581:4C53:0001", &other), 0);
	assert_string_equal(other.serial, "4C53:0001");
	assert_false(aem_media_usb_equal(&id, &other));
	other = id;
	assert_true(aem_media_usb_equal(&id, &other));
	other.product = 2;
	assert_false(aem_media_usb_equal(&id, &other));
	assert_int_equal(aem_media_usb_parse("46f4:0001:", &id), AEM_E_FORMAT);
	assert_int_equal(aem_media_usb_parse("46f4:01:X", &id), AEM_E_FORMAT);
	assert_int_equal(aem_media_usb_parse("46g4:0001:X", &id), AEM_E_FORMAT);
	assert_int_equal(aem_media_usb_parse("46f4-0001-X", &id), AEM_E_FORMAT);
	assert_int_equal(aem_media_usb_parse(NULL, &id), AEM_E_FORMAT);
	memset(longs, 'S', sizeof(longs));
	memcpy(longs, "46f4:0001:", 10);
	longs[sizeof(longs) - 1] = '\0';
	assert_int_equal(aem_media_usb_parse(longs, &id), AEM_E_FORMAT);
}

/* A fake runtime root in the test directory: sys/class/block/NAME entries
 * and dev/NAME files (images). */
static void fake_dev(const char *name, const char *image)
{
	char p[256], cmd[512];

	snprintf(p, sizeof(p), "root/sys/class/block/%s", name);
	assert_int_equal(system("mkdir -p root/sys/class/block root/dev"), 0);
	mkdir(p, 0755);
	snprintf(cmd, sizeof(cmd), "cp %s root/dev/%s", image, name);
	assert_int_equal(system(cmd), 0);
}

static void test_find(void **state)
{
	struct aem_ext4_id id;
	char path[4096], root[4096], want[4200];
	int count = -1;

	(void)state;
	need_mkfs();
	assert_int_equal(system("rm -rf root"), 0);
	assert_int_equal(make_image("a.img", UUID_A, "aem"), 0);
	assert_int_equal(make_image("b.img", "0a1c3c2e-8d7f-4b2a-9e0f-112233445566", "aem"), 0);
	fake_dev("vda", "b.img");
	fake_dev("sdb1", "a.img");
	/* Never opened: loop devices (unless asked for), RAM disks, floppies. */
	fake_dev("loop0", "a.img");
	fake_dev("ram0", "a.img");
	fake_dev("zram0", "a.img");
	fake_dev("fd0", "a.img");
	assert_int_equal(system("mkdir -p root/sys/class/block/sr0"), 0);   /* no /dev node */
	assert_non_null(getcwd(root, sizeof(root) - 8));
	strcat(root, "/root");
	assert_int_equal(aem_rt_set_root(root), 0);
	snprintf(want, sizeof(want), "%s/dev/sdb1", root);
	assert_int_equal(aem_media_find("6A1C3C2E-8D7F-4B2A-9E0F-112233445566", path, sizeof(path),
					&id, &count), 0);
	assert_int_equal(count, 1);
	assert_string_equal(path, want);
	assert_string_equal(id.label, "aem");
	fake_dev("sdc", "a.img");     /* a twin */
	assert_int_equal(aem_media_find(UUID_A, path, sizeof(path), &id, &count), 0);
	assert_int_equal(count, 2);
	assert_string_equal(path, want);   /* the first in name order */
	assert_int_equal(aem_media_find("11111111-2222-3333-4444-555555555555", path, sizeof(path),
					&id, &count), 0);
	assert_int_equal(count, 0);
	assert_int_equal(aem_media_find("not-a-uuid", path, sizeof(path), &id, &count), AEM_E_INVAL);
	/* The one scan itself: loop devices when asked, the others never. */
	assert_int_equal(aem_rt_block_find(UUID_A, AEM_RT_BLOCK_LOOP, aem_media_ext4_uuid, NULL,
					   path, sizeof(path), &count), 0);
	assert_int_equal(count, 3);
	snprintf(want, sizeof(want), "%s/dev/loop0", root);
	assert_string_equal(path, want);
	assert_int_equal(aem_rt_block_find(UUID_A, 0, aem_media_ext4_uuid, NULL, path, 8, &count),
			 AEM_E_INVAL);   /* the match's path does not fit */
	assert_int_equal(aem_rt_block_find("", 0, aem_media_ext4_uuid, NULL, path, sizeof(path),
					   &count), AEM_E_INVAL);
	strcat(root, "/nosuch");
	assert_int_equal(aem_rt_set_root(root), 0);
	assert_int_equal(aem_media_find(UUID_A, path, sizeof(path), &id, &count), AEM_E_IO);
	assert_int_equal(aem_rt_set_root(NULL), 0);
	/* Not below any USB device. */
	struct aem_usb_id u;
	assert_int_equal(aem_media_usb_id("root/sys", "sdb1", &u), AEM_E_UNSUPPORTED);
	assert_int_equal(aem_media_usb_id("root/sys", "nosuch", &u), AEM_E_IO);
	assert_int_equal(system("rm -rf root a.img b.img"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_real_superblock),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_uuid_and_label),
		cmocka_unit_test(test_usb_parse),
		cmocka_unit_test(test_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
