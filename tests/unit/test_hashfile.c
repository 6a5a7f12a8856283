/* aem/platform/hashfile.c on gzip data: the decompressed bytes' digests, and a clear
 * error (never a crash, never a digest) for every truncation, a wrong CRC-32 or length,
 * a corrupt stream, and bytes after the stream. Oracles: the gzip files are written by
 * zlib (not the decoder under test) and the expected digests by OpenSSL's one-shot
 * EVP_Digest over the original bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <openssl/evp.h>

#include "err.h"
#include "hashfile.h"

#define PLAIN_LEN (3u * 1024u * 1024u + 12345u) /* several output chunks and a tail */

static uint8_t *plain;
static uint8_t *gz;
static size_t gz_len;

/* Compressible but not trivial: text-like runs with a pseudo-random walk. */
static void make_plain(void)
{
	uint32_t x = 12345;

	plain = malloc(PLAIN_LEN);
	assert_non_null(plain);
	for (size_t i = 0; i < PLAIN_LEN; i++) {
		x = x * 1103515245u + 12345u;
		plain[i] = (uint8_t)("aem tboot xen initrd "[(x >> 16) % 21] ^ ((x >> 28) & 1));
	}
}

/* gzip with a file name in the header (FNAME), as gzip(1) writes it. */
static void make_gzip(void)
{
	z_stream z = { 0 };
	gz_header h = { 0 };
	size_t cap = PLAIN_LEN + 1024;

	gz = malloc(cap);
	assert_non_null(gz);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
			 Z_OK);
	h.name = (Bytef *)"initrd.img";
	assert_int_equal(deflateSetHeader(&z, &h), Z_OK);
	z.next_in = plain;
	z.avail_in = PLAIN_LEN;
	z.next_out = gz;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	gz_len = cap - z.avail_out;
	deflateEnd(&z);
}

static int setup(void **state)
{
	(void)state;
	make_plain();
	make_gzip();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(plain);
	free(gz);
	return 0;
}

static void write_file(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static const enum aem_bank banks[2] = { AEM_BANK_SHA256, AEM_BANK_SHA1 };

static void expect_plain_digests(const struct aem_digest *d)
{
	uint8_t want[EVP_MAX_MD_SIZE];

	assert_int_equal(EVP_Digest(plain, PLAIN_LEN, want, NULL, EVP_sha256(), NULL), 1);
	assert_memory_equal(d[0].d, want, 32);
	assert_int_equal(EVP_Digest(plain, PLAIN_LEN, want, NULL, EVP_sha1(), NULL), 1);
	assert_memory_equal(d[1].d, want, 20);
}

static void test_gzip_digests(void **state)
{
	struct aem_digest d[2];
	uint64_t size = 0;

	(void)state;
	write_file("m.gz", gz, gz_len);
	assert_int_equal(aem_hashfile("m.gz", true, banks, 2, d, &size), 0);
	assert_int_equal(size, PLAIN_LEN);
	expect_plain_digests(d);
	memset(d, 0, sizeof(d));
	assert_int_equal(aem_hashbuf(gz, gz_len, true, banks, 2, d, &size), 0);
	assert_int_equal(size, PLAIN_LEN);
	expect_plain_digests(d);
	/* --nounzip: the file's own bytes */
	write_file("m.raw", plain, PLAIN_LEN);
	assert_int_equal(aem_hashfile("m.raw", false, banks, 2, d, &size), 0);
	expect_plain_digests(d);
	remove("m.gz");
	remove("m.raw");
}

/* Every prefix length class: inside the header, the deflate data, the trailer. */
static void test_gzip_truncated(void **state)
{
	static const size_t cuts[] = { 2, 3, 9, 10, 15, 100, 4096, 70000 };
	struct aem_digest d[2];

	(void)state;
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
		assert_int_equal(aem_hashbuf(gz, cuts[i], true, banks, 2, d, NULL), AEM_E_FORMAT);
	for (size_t cut = gz_len / 2; cut < gz_len; cut += (gz_len - cut + 1) / 2)
		assert_int_equal(aem_hashbuf(gz, cut, true, banks, 2, d, NULL), AEM_E_FORMAT);
	for (size_t k = 1; k <= 8; k++)
		assert_int_equal(aem_hashbuf(gz, gz_len - k, true, banks, 2, d, NULL), AEM_E_FORMAT);
	write_file("cut.gz", gz, gz_len - 3);
	assert_int_equal(aem_hashfile("cut.gz", true, banks, 2, d, NULL), AEM_E_FORMAT);
	remove("cut.gz");
}

static void test_gzip_corrupt(void **state)
{
	uint8_t *c = malloc(gz_len + 16);
	struct aem_digest d[2];

	(void)state;
	assert_non_null(c);
	/* CRC-32 (trailer bytes -8..-5), then ISIZE (-4..-1) */
	memcpy(c, gz, gz_len);
	c[gz_len - 8] ^= 1;
	assert_int_equal(aem_hashbuf(c, gz_len, true, banks, 2, d, NULL), AEM_E_FORMAT);
	memcpy(c, gz, gz_len);
	c[gz_len - 1] ^= 0x40;
	assert_int_equal(aem_hashbuf(c, gz_len, true, banks, 2, d, NULL), AEM_E_FORMAT);
	/* compression method not deflate */
	memcpy(c, gz, gz_len);
	c[2] = 7;
	assert_int_equal(aem_hashbuf(c, gz_len, true, banks, 2, d, NULL), AEM_E_FORMAT);
	/* a flipped bit inside the deflate data: a bad block or a CRC mismatch */
	memcpy(c, gz, gz_len);
	c[gz_len / 3] ^= 0x10;
	assert_int_equal(aem_hashbuf(c, gz_len, true, banks, 2, d, NULL), AEM_E_FORMAT);
	/* bytes after the stream (one, or a second gzip member) are refused */
	memcpy(c, gz, gz_len);
	c[gz_len] = 0;
	assert_int_equal(aem_hashbuf(c, gz_len + 1, true, banks, 2, d, NULL), AEM_E_UNSUPPORTED);
	memcpy(c + gz_len, gz, 16);
	assert_int_equal(aem_hashbuf(c, gz_len + 16, true, banks, 2, d, NULL), AEM_E_UNSUPPORTED);
	write_file("junk.gz", c, gz_len + 1);
	assert_int_equal(aem_hashfile("junk.gz", true, banks, 2, d, NULL), AEM_E_UNSUPPORTED);
	remove("junk.gz");
	free(c);
}

static void test_hashbuf_args(void **state)
{
	static const uint8_t empty_gz[] = { 0x1f, 0x8b };
	uint8_t want[EVP_MAX_MD_SIZE];
	struct aem_digest d[2];
	uint64_t size = 1;

	(void)state;
	assert_int_equal(aem_hashbuf(NULL, 1, true, banks, 2, d, NULL), AEM_E_INVAL);
	assert_int_equal(aem_hashbuf(gz, gz_len, true, banks, 0, d, NULL), AEM_E_INVAL);
	assert_int_equal(aem_hashbuf(empty_gz, 2, true, banks, 2, d, NULL), AEM_E_FORMAT);
	/* empty content: the empty string's digests */
	assert_int_equal(aem_hashbuf(NULL, 0, true, banks, 2, d, &size), 0);
	assert_int_equal(size, 0);
	assert_int_equal(EVP_Digest("", 0, want, NULL, EVP_sha256(), NULL), 1);
	assert_memory_equal(d[0].d, want, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gzip_digests),
		cmocka_unit_test(test_gzip_truncated),
		cmocka_unit_test(test_gzip_corrupt),
		cmocka_unit_test(test_hashbuf_args),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
