/* Unit tests of aem_file_read_untrusted (tpm-seal/fileio.c), the reader of
 * every file on the AEM stick: a regular file within the bound is read
 * whole; a symlink (even to a readable file), a directory, a FIFO without a
 * writer (it must not block) and a file above the bound are refused, each
 * with the errno the caller names it by; the plain reader, for contrast,
 * follows the link. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "err.h"
#include "fileio.h"

static char dir[] = "/tmp/aem-untrusted.XXXXXX";

static void path(char *out, const char *name)
{
	snprintf(out, 256, "%s/%s", dir, name);
}

static void test_regular(void **state)
{
	char p[256];
	uint8_t *buf = NULL;
	size_t len = 0;

	(void)state;
	path(p, "file");
	assert_int_equal(aem_file_read_untrusted(p, 5, &buf, &len), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(buf, "hello", 5);
	aem_buf_free(buf, len);
	assert_int_equal(aem_file_read_untrusted(p, 4, &buf, &len), AEM_E_FORMAT);
}

static void test_refused(void **state)
{
	char p[256];
	uint8_t *buf = NULL;
	size_t len = 0;

	(void)state;
	path(p, "link");
	assert_int_equal(aem_file_read_untrusted(p, 100, &buf, &len), AEM_E_IO);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(aem_file_read(p, 100, &buf, &len), 0); /* the plain reader follows */
	aem_buf_free(buf, len);
	path(p, "dir");
	assert_int_equal(aem_file_read_untrusted(p, 100, &buf, &len), AEM_E_IO);
	assert_int_equal(errno, EISDIR);
	path(p, "fifo");
	assert_int_equal(aem_file_read_untrusted(p, 100, &buf, &len), AEM_E_IO);
	assert_int_equal(errno, ENODEV);
	path(p, "absent");
	assert_int_equal(aem_file_read_untrusted(p, 100, &buf, &len), AEM_E_IO);
	assert_int_equal(errno, ENOENT);
}

static int setup(void **state)
{
	char p[256], q[256];
	FILE *f;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	path(p, "file");
	if (!(f = fopen(p, "w")) || fputs("hello", f) < 0 || fclose(f))
		return -1;
	path(q, "link");
	path(p, "dir");
	if (symlink("file", q) || mkdir(p, 0700))
		return -1;
	path(p, "fifo");
	return mkfifo(p, 0600);
}

static int teardown(void **state)
{
	static const char *const names[] = { "file", "link", "fifo" };
	char p[256];

	(void)state;
	for (size_t i = 0; i < 3; i++)
		path(p, names[i]), unlink(p);
	path(p, "dir");
	rmdir(p);
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regular),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
