/* Unit tests of the sidecar documents (aem/lifecycle/lifecycle_expect.c): the shape a
 * reader (aem unseal, the diagnosis) relies on, read back with json-c's
 * parser, and the file rules: written atomically, renamed with its sealed
 * file, never left describing another file. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lifecycle_expect.h"
#include "err.h"
#include "fileio.h"

static void test_doc_shape(void **state)
{
	struct aem_pcr_values v = { .bank = AEM_BANK_SHA256, .mask = (1u << 13) | (1u << 17) };
	json_object *ev = json_object_new_array(), *root, *x;
	uint8_t d[32];
	char *doc;

	(void)state;
	memset(v.v[13], 0x13, 32);
	memset(v.v[17], 0xab, 32);
	memset(d, 0x01, sizeof(d));
	json_object_array_add(ev, aem_diag_event_json(13, -1, "luks header", "/dev/vda2", NULL, d,
						   AEM_BANK_SHA256));
	json_object_array_add(ev, aem_diag_event_json(17, 0x501, "module 0", "/xen.gz", "placeholder",
						   d, AEM_BANK_SHA256));
	doc = aem_lc_exp_doc(AEM_FAMILY_TPM20, &v, "da", "predicted", ev);
	assert_non_null(doc);
	root = json_tokener_parse(doc);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "family", &x));
	assert_string_equal(json_object_get_string(x), "2.0");
	assert_true(json_object_object_get_ex(root, "bank", &x));
	assert_string_equal(json_object_get_string(x), "sha256");
	assert_true(json_object_object_get_ex(root, "source", &x));
	assert_string_equal(json_object_get_string(x), "predicted");
	assert_true(json_object_object_get_ex(root, "pcrs", &x));
	assert_int_equal(json_object_object_length(x), 2);
	assert_true(json_object_object_get_ex(x, "17", &x));
	assert_string_equal(json_object_get_string(x),
			    "abababababababababababababababababababababababababababababababab");
	assert_true(json_object_object_get_ex(root, "events", &x));
	assert_int_equal(json_object_array_length(x), 2);
	/* the LUKS event has no TXT type; the module event keeps tboot's 0x501 */
	assert_false(json_object_object_get_ex(json_object_array_get_idx(x, 0), "type", NULL));
	assert_true(json_object_object_get_ex(json_object_array_get_idx(x, 1), "type", &x));
	assert_string_equal(json_object_get_string(x), "0x501");
	json_object_put(root);
	free(doc);
}

static void test_path(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(aem_lc_exp_path("/m/secret.sealed", out, sizeof(out)), 0);
	assert_string_equal(out, "/m/secret.sealed.expect.json");
	assert_int_equal(aem_lc_exp_path("/m/secret.sealed", out, 20), AEM_E_INVAL);
}

static int exists(const char *dir, const char *name)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

static void test_files(void **state)
{
	char dir[] = "/tmp/aem-expect.XXXXXX", a[256], b[256], c[256], p[300];
	uint8_t *buf = NULL;
	size_t len = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/secret.new.sealed", dir);
	snprintf(b, sizeof(b), "%s/secret.next.sealed", dir);
	snprintf(c, sizeof(c), "%s/secret.sealed", dir);
	assert_int_equal(aem_lc_exp_write(a, "{\"x\":1}"), 0);
	assert_true(exists(dir, "secret.new.sealed.expect.json"));
	assert_int_equal(aem_lc_exp_copy(a, c), 0);
	snprintf(p, sizeof(p), "%s.expect.json", c);
	assert_int_equal(aem_file_read(p, 1024, &buf, &len), 0);
	assert_int_equal(len, 7);
	assert_memory_equal(buf, "{\"x\":1}", 7);
	aem_buf_free(buf, len);
	assert_int_equal(aem_lc_exp_rename(a, b), 0);
	assert_false(exists(dir, "secret.new.sealed.expect.json"));
	assert_true(exists(dir, "secret.next.sealed.expect.json"));
	/* from has no sidecar: to's old one must not stay to describe another file */
	assert_int_equal(aem_lc_exp_rename(a, b), 0);
	assert_false(exists(dir, "secret.next.sealed.expect.json"));
	/* writing "no document" removes; removing twice is fine */
	assert_int_equal(aem_lc_exp_write(c, NULL), 0);
	assert_false(exists(dir, "secret.sealed.expect.json"));
	assert_int_equal(aem_lc_exp_remove(c), 0);
	/* copying from nothing removes the target's */
	assert_int_equal(aem_lc_exp_write(c, "{}"), 0);
	assert_int_equal(aem_lc_exp_copy(a, c), 0);
	assert_false(exists(dir, "secret.sealed.expect.json"));
	assert_int_equal(rmdir(dir), 0); /* nothing else was left behind (temp files) */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc_shape),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
