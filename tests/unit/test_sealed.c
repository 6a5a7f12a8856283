/* Unit tests of tpm-seal/sealed.c: the v1 byte layout against a file
 * assembled by hand from docs/sealed-format.md, round trips, every
 * truncation, every header field corrupted, every byte flipped (caught by the
 * parser or by the GCM tag), and the atomic file helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aead.h"
#include "err.h"
#include "fileio.h"
#include "sealed.h"

/* Offsets of docs/sealed-format.md for a sha256 file over 13,17,18 with a
 * 10-byte public and a 12-byte private blob (the sample below). */
enum {
	O_VERSION = 8, O_FAMILY = 10, O_KDF = 11, O_RESERVED = 15, O_FLAGS = 16, O_BANK = 20,
	O_MASK = 22, O_VALUES = 26, O_POLICY_LEN = 122, O_SALT = 156, O_PUB_LEN = 172,
	O_PRIV_LEN = 184, O_NONCE = 198, O_TAG = 210, O_CT_LEN = 226, O_CT = 230,
};

static const uint8_t key[32] = { 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
				 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31 };
static const char payload[] = "sealed secret payload";

/* A TPM 2.0 sealed struct with a PIN whose payload is really encrypted
 * under key with the header as AAD, as the product does it. */
static void sample(struct aem_sealed *s)
{
	uint8_t *aad;
	size_t aad_len;

	memset(s, 0, sizeof(*s));
	s->family = AEM_FAMILY_TPM20;
	s->flags = AEM_SEALED_F_PIN;
	s->expect.bank = AEM_BANK_SHA256;
	s->expect.mask = 1u << 13 | 1u << 17 | 1u << 18;
	memset(s->expect.v[13], 0x13, 32);
	memset(s->expect.v[17], 0x17, 32);
	memset(s->expect.v[18], 0x18, 32);
	s->policy_len = 32;
	memset(s->policy, 0x9a, 32);
	memset(s->pin_salt, 0x5a, 16);
	s->blob_pub_len = 10;
	memset(s->blob_pub, 0xb0, 10);
	s->blob_priv_len = 12;
	memset(s->blob_priv, 0xc0, 12);
	s->ct_len = sizeof(payload);
	s->ct = malloc(s->ct_len);
	assert_non_null(s->ct);
	assert_int_equal(aem_sealed_aad(s, &aad, &aad_len), 0);
	assert_int_equal(aad_len, O_NONCE);
	assert_int_equal(aem_aead_encrypt(key, aad, aad_len, (const uint8_t *)payload, s->ct_len, s->ct,
					  s->nonce, s->tag), 0);
	free(aad);
}

static void sample_bytes(uint8_t **buf, size_t *len)
{
	struct aem_sealed s;

	sample(&s);
	assert_int_equal(aem_sealed_serialize(&s, buf, len), 0);
	assert_int_equal(*len, O_CT + sizeof(payload));
	aem_sealed_free(&s);
}

/* Parse, rebuild the AAD and decrypt: 0 only if everything is authentic. */
static int open_file(const uint8_t *buf, size_t len)
{
	struct aem_sealed s;
	uint8_t *aad, pt[256];
	size_t aad_len;
	int rc = aem_sealed_parse(buf, len, &s);

	if (rc)
		return rc;
	assert_true(s.ct_len <= sizeof(pt));
	assert_int_equal(aem_sealed_aad(&s, &aad, &aad_len), 0);
	rc = aem_aead_decrypt(key, aad, aad_len, s.ct, s.ct_len, s.nonce, s.tag, pt);
	if (!rc)
		assert_memory_equal(pt, payload, sizeof(payload));
	free(aad);
	aem_sealed_free(&s);
	return rc;
}

/* Independent of the writer: a TPM 1.2 file typed in byte by byte from the
 * table in docs/sealed-format.md. */
static void test_layout_by_hand(void **state)
{
	static const char *hex =
		"89" "41454d5345414c"                   /* magic "\x89AEMSEAL" */
		"0001" "01" "00000000" "00"             /* version 1, TPM 1.2, no KDF, reserved */
		"00000000" "0004" "00020000"            /* flags, sha1, PCR 17 */
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"0014" "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
		"00000000000000000000000000000000"      /* salt */
		"0000" "0003" "c1c2c3"                  /* no public blob, 3-byte private */
		"0e0e0e0e0e0e0e0e0e0e0e0e" "7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a"
		"00000002" "6869";
	uint8_t buf[200], *out;
	size_t len = strlen(hex) / 2, out_len;
	struct aem_sealed s;

	(void)state;
	assert_int_equal(aem_unhex(hex, buf, len), 0);
	assert_int_equal(aem_sealed_parse(buf, len, &s), 0);
	assert_int_equal(s.family, AEM_FAMILY_TPM12);
	assert_int_equal(s.flags, 0);
	assert_int_equal(s.expect.bank, AEM_BANK_SHA1);
	assert_int_equal(s.expect.mask, 1u << 17);
	assert_true(aem_all_bytes(s.expect.v[17], 20, 0xaa));
	assert_int_equal(s.policy_len, 20);
	assert_true(aem_all_bytes(s.policy, 20, 0xbb));
	assert_int_equal(s.blob_pub_len, 0);
	assert_int_equal(s.blob_priv_len, 3);
	assert_int_equal(s.blob_priv[2], 0xc3);
	assert_true(aem_all_bytes(s.nonce, 12, 0x0e));
	assert_true(aem_all_bytes(s.tag, 16, 0x7a));
	assert_int_equal(s.ct_len, 2);
	assert_memory_equal(s.ct, "hi", 2);
	/* and the writer produces exactly these bytes back */
	assert_int_equal(aem_sealed_serialize(&s, &out, &out_len), 0);
	assert_int_equal(out_len, len);
	assert_memory_equal(out, buf, len);
	free(out);
	aem_sealed_free(&s);
}

static void test_round_trip(void **state)
{
	struct aem_sealed a, b;
	uint8_t *buf, *buf2;
	size_t len, len2;

	(void)state;
	sample(&a);
	assert_int_equal(aem_sealed_serialize(&a, &buf, &len), 0);
	assert_memory_equal(buf, AEM_SEALED_MAGIC, 8);
	assert_int_equal(aem_sealed_parse(buf, len, &b), 0);
	/* The fields the byte comparison below cannot vouch for on its own. */
	assert_true(b.family == a.family && b.flags == a.flags && b.expect.mask == a.expect.mask);
	assert_memory_equal(b.expect.v[17], a.expect.v[17], 32);
	assert_memory_equal(b.pin_salt, a.pin_salt, 16);
	assert_int_equal(b.ct_len, a.ct_len);
	assert_memory_equal(b.ct, a.ct, a.ct_len);
	assert_int_equal(aem_sealed_serialize(&b, &buf2, &len2), 0);
	assert_int_equal(len2, len);
	assert_memory_equal(buf2, buf, len);
	assert_int_equal(open_file(buf, len), 0);
	free(buf);
	free(buf2);
	aem_sealed_free(&a);
	aem_sealed_free(&b);
	assert_null(b.ct);
}

static void test_every_truncation(void **state)
{
	uint8_t *buf, *copy;
	size_t len;
	struct aem_sealed s;

	(void)state;
	sample_bytes(&buf, &len);
	for (size_t n = 0; n < len; n++) {
		/* An exact-size heap copy, so ASan sees any read past n. */
		copy = malloc(n ? n : 1);
		memcpy(copy, buf, n);
		int rc = aem_sealed_parse(copy, n, &s);
		assert_int_equal(rc, n < 8 ? AEM_E_NOT_AEM : AEM_E_FORMAT);
		assert_null(s.ct);
		free(copy);
	}
	/* One byte too many is refused as well. */
	copy = malloc(len + 1);
	memcpy(copy, buf, len);
	copy[len] = 0;
	assert_int_equal(aem_sealed_parse(copy, len + 1, &s), AEM_E_FORMAT);
	free(copy);
	free(buf);
	assert_int_equal(aem_sealed_parse(NULL, 0, &s), AEM_E_NOT_AEM);
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

/* Apply one edit to a fresh sample and expect rc from the parser. */
#define EXPECT_EDIT(rc, stmt) do { \
		uint8_t *b; size_t l; struct aem_sealed s_; \
		sample_bytes(&b, &l); \
		{ uint8_t *buf = b; (void)buf; stmt; } \
		assert_int_equal(aem_sealed_parse(b, l, &s_), rc); \
		free(b); \
	} while (0)

static void test_header_fields(void **state)
{
	(void)state;
	EXPECT_EDIT(AEM_E_NOT_AEM, buf[0] = 'A');
	EXPECT_EDIT(AEM_E_NOT_AEM, buf[7] ^= 0x20);
	EXPECT_EDIT(AEM_E_VERSION, put16(buf + O_VERSION, 2));
	EXPECT_EDIT(AEM_E_VERSION, put16(buf + O_VERSION, 0));
	EXPECT_EDIT(AEM_E_VERSION, put16(buf + O_VERSION, 0xffff));
	EXPECT_EDIT(AEM_E_FORMAT, buf[O_FAMILY] = 0);
	EXPECT_EDIT(AEM_E_FORMAT, buf[O_FAMILY] = 3);
	EXPECT_EDIT(AEM_E_FORMAT, buf[O_FAMILY] = AEM_FAMILY_TPM12);  /* TPM 1.2 is sha1 only */
	EXPECT_EDIT(AEM_E_FORMAT, buf[O_KDF] = 2);                  /* unknown KDF */
	EXPECT_EDIT(AEM_E_FORMAT, buf[O_KDF + 1] = 14);             /* other scrypt N */
	EXPECT_EDIT(AEM_E_FORMAT, buf[O_KDF + 2] = 1);
	EXPECT_EDIT(AEM_E_FORMAT, buf[O_KDF + 3] = 2);
	EXPECT_EDIT(AEM_E_FORMAT, buf[O_RESERVED] = 1);
	EXPECT_EDIT(AEM_E_FORMAT, put32(buf + O_FLAGS, 0));         /* KDF present without PIN */
	EXPECT_EDIT(AEM_E_FORMAT, put32(buf + O_FLAGS, 3));         /* unknown flag */
	EXPECT_EDIT(AEM_E_FORMAT, put16(buf + O_BANK, 0x0012));     /* sm3: not a bank we know */
	EXPECT_EDIT(AEM_E_FORMAT, put16(buf + O_BANK, 0));
	EXPECT_EDIT(AEM_E_FORMAT, put16(buf + O_BANK, 0x0004));     /* sha1: lengths shift */
	EXPECT_EDIT(AEM_E_FORMAT, put16(buf + O_BANK, 0x000d));     /* sha512: runs past the end */
	EXPECT_EDIT(AEM_E_FORMAT, put32(buf + O_MASK, 0));
	EXPECT_EDIT(AEM_E_FORMAT, put32(buf + O_MASK, 1u << 24 | 1u << 13 | 1u << 17 | 1u << 18));
	EXPECT_EDIT(AEM_E_FORMAT, put32(buf + O_MASK, 0xffffffff));
	EXPECT_EDIT(AEM_E_FORMAT, put32(buf + O_MASK, 1u << 13 | 1u << 17));  /* one PCR fewer */
	EXPECT_EDIT(AEM_E_FORMAT, put16(buf + O_POLICY_LEN, 31));
	EXPECT_EDIT(AEM_E_FORMAT, put16(buf + O_POLICY_LEN, 33));
	EXPECT_EDIT(AEM_E_FORMAT, put16(buf + O_POLICY_LEN, 0xffff));
	EXPECT_EDIT(AEM_E_FORMAT, put16(buf + O_PUB_LEN, 0));
	EXPECT_EDIT(AEM_E_FORMAT, put16(buf + O_PUB_LEN, 11));
	EXPECT_EDIT(AEM_E_FORMAT, put16(buf + O_PUB_LEN, 1025));
	EXPECT_EDIT(AEM_E_FORMAT, put16(buf + O_PUB_LEN, 0xffff));
	EXPECT_EDIT(AEM_E_FORMAT, put16(buf + O_PRIV_LEN, 0));
	EXPECT_EDIT(AEM_E_FORMAT, put16(buf + O_PRIV_LEN, 2049));
	EXPECT_EDIT(AEM_E_FORMAT, put16(buf + O_PRIV_LEN, 0xffff));
	EXPECT_EDIT(AEM_E_FORMAT, put32(buf + O_CT_LEN, 0));
	EXPECT_EDIT(AEM_E_FORMAT, put32(buf + O_CT_LEN, sizeof(payload) - 1));
	EXPECT_EDIT(AEM_E_FORMAT, put32(buf + O_CT_LEN, sizeof(payload) + 1));
	EXPECT_EDIT(AEM_E_FORMAT, put32(buf + O_CT_LEN, AEM_SEALED_MAX_PAYLOAD + 1));
	EXPECT_EDIT(AEM_E_FORMAT, put32(buf + O_CT_LEN, 0xffffffff));
}

/* A salt in a file without a PIN is refused: every header byte has one meaning. */
static void test_salt_without_pin(void **state)
{
	struct aem_sealed s, t;
	uint8_t *buf;
	size_t len;

	(void)state;
	sample(&s);
	s.flags = 0;
	assert_int_equal(aem_sealed_serialize(&s, &buf, &len), 0);
	/* the writer stores zeros when there is no PIN */
	assert_true(aem_all_bytes(buf + O_SALT, 16, 0));
	assert_true(aem_all_bytes(buf + O_KDF, 5, 0));
	assert_int_equal(aem_sealed_parse(buf, len, &t), 0);
	aem_sealed_free(&t);
	buf[O_SALT + 3] = 1;
	assert_int_equal(aem_sealed_parse(buf, len, &t), AEM_E_FORMAT);
	free(buf);
	aem_sealed_free(&s);
}

/* Flip each byte of a genuine file: the parser or the GCM tag must refuse
 * it. The header is the AAD, so no edit slips through. */
static void test_every_byte_authenticated(void **state)
{
	uint8_t *buf;
	size_t len;
	static const uint8_t masks[] = { 0x01, 0x80, 0xff };

	(void)state;
	sample_bytes(&buf, &len);
	assert_int_equal(open_file(buf, len), 0);
	for (size_t i = 0; i < len; i++) {
		for (size_t m = 0; m < sizeof(masks); m++) {
			buf[i] ^= masks[m];
			int rc = open_file(buf, len);
			buf[i] ^= masks[m];
			if (rc == 0)
				fail_msg("flip 0x%02x at byte %zu was not detected", masks[m], i);
		}
	}
	free(buf);
}

static void test_serialize_refuses_invalid(void **state)
{
	struct aem_sealed s;
	uint8_t *buf = NULL;
	size_t len = 0;

	(void)state;
#define REFUSE(stmt) do { sample(&s); stmt; \
		assert_int_equal(aem_sealed_serialize(&s, &buf, &len), AEM_E_INVAL); \
		assert_int_equal(aem_sealed_aad(&s, &buf, &len), AEM_E_INVAL); \
		aem_sealed_free(&s); } while (0)
	REFUSE(s.family = 0);
	REFUSE(s.flags = 4);
	REFUSE(s.expect.bank = AEM_BANK_NONE);
	REFUSE(s.expect.mask = 0);
	REFUSE(s.expect.mask = 1u << 30);
	REFUSE(s.policy_len = 20);
	REFUSE(s.blob_pub_len = 0);
	REFUSE(s.blob_pub_len = AEM_SEALED_MAX_PUB + 1);
	REFUSE(s.blob_priv_len = 0);
	REFUSE(s.blob_priv_len = AEM_SEALED_MAX_PRIV + 1);
	REFUSE(s.ct_len = AEM_SEALED_MAX_PAYLOAD + 1);
	REFUSE(s.family = AEM_FAMILY_TPM12);          /* sha256 + 32-byte policy + public blob */
#undef REFUSE
	assert_null(buf);
	assert_int_equal(aem_sealed_serialize(NULL, &buf, &len), AEM_E_INVAL);
}

/* The largest payload the format allows, with full-size blobs. */
static void test_max_sizes(void **state)
{
	struct aem_sealed s, t;
	uint8_t *buf, *big;
	size_t len;

	(void)state;
	sample(&s);
	free(s.ct);
	big = calloc(1, AEM_SEALED_MAX_PAYLOAD);
	assert_non_null(big);
	big[AEM_SEALED_MAX_PAYLOAD - 1] = 0x77;
	s.ct = big;
	s.ct_len = AEM_SEALED_MAX_PAYLOAD;
	s.blob_pub_len = AEM_SEALED_MAX_PUB;
	s.blob_priv_len = AEM_SEALED_MAX_PRIV;
	s.expect.mask = 0xffffff;
	assert_int_equal(aem_sealed_serialize(&s, &buf, &len), 0);
	assert_true(len <= AEM_SEALED_MAX_FILE);
	assert_int_equal(aem_sealed_parse(buf, len, &t), 0);
	assert_int_equal(t.ct_len, AEM_SEALED_MAX_PAYLOAD);
	assert_int_equal(t.ct[AEM_SEALED_MAX_PAYLOAD - 1], 0x77);
	aem_sealed_free(&t);
	free(buf);
	aem_sealed_free(&s);
}

/* ---- file helpers ---- */

static char tmpdir[200];

static int make_tmpdir(void **state)
{
	const char *base = getenv("AEM_TEST_TMP");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/sealed.XXXXXX", base ? base : "/tmp");
	assert_non_null(mkdtemp(tmpdir));
	chmod(tmpdir, 0755);   /* the unprivileged child below must reach it */
	return 0;
}

static int remove_tmpdir(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s' && rm -rf '%s'", tmpdir, tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void path_in(char *out, size_t cap, const char *sub, const char *name)
{
	snprintf(out, cap, "%s/%s%s%s", tmpdir, sub, *sub ? "/" : "", name);
}

/* Number of entries in a directory besides . and .. */
static int entries(const char *dir)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, NULL);

	assert_true(n >= 2);
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return n - 2;
}

static void expect_content(const char *path, const char *want)
{
	uint8_t *buf;
	size_t len;

	assert_int_equal(aem_file_read(path, 1 << 20, &buf, &len), 0);
	assert_int_equal(len, strlen(want));
	if (len)
		assert_memory_equal(buf, want, len);
	aem_buf_free(buf, len);
}

static void test_write_read(void **state)
{
	char dir[300], path[300];
	struct stat st;
	uint8_t *buf;
	size_t len;

	(void)state;
	path_in(dir, sizeof(dir), "", "wr");
	assert_int_equal(mkdir(dir, 0755), 0);
	path_in(path, sizeof(path), "wr", "sealed.bin");
	assert_int_equal(aem_file_write_atomic(path, (const uint8_t *)"old", 3, 0600), 0);
	expect_content(path, "old");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(aem_file_write_atomic(path, (const uint8_t *)"new content", 11, 0640), 0);
	expect_content(path, "new content");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(entries(dir), 1);
	assert_int_equal(aem_file_write_atomic(path, NULL, 0, 0600), 0);
	expect_content(path, "");
	/* size limit: exactly max is fine, one more is not */
	assert_int_equal(aem_file_write_atomic(path, (const uint8_t *)"12345", 5, 0600), 0);
	assert_int_equal(aem_file_read(path, 5, &buf, &len), 0);
	aem_buf_free(buf, len);
	assert_int_equal(aem_file_read(path, 4, &buf, &len), AEM_E_FORMAT);
	path_in(path, sizeof(path), "wr", "missing");
	assert_int_equal(aem_file_read(path, 5, &buf, &len), AEM_E_IO);
	path_in(path, sizeof(path), "nodir", "x");
	assert_int_equal(aem_file_write_atomic(path, (const uint8_t *)"x", 1, 0600), AEM_E_IO);
}

/* stdin through a pipe (no size known in advance, several growth steps). */
static void test_read_stdin_pipe(void **state)
{
	size_t n = 300000, len;
	uint8_t *buf;
	int fds[2], saved = dup(0);
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		for (size_t i = 0; i < n; i++) {
			uint8_t c = (uint8_t)(i % 251);
			if (write(fds[1], &c, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	dup2(fds[0], 0);
	close(fds[0]);
	assert_int_equal(aem_file_read("-", n, &buf, &len), 0);
	dup2(saved, 0);
	close(saved);
	waitpid(pid, NULL, 0);
	assert_int_equal(len, n);
	for (size_t i = 0; i < n; i++)
		if (buf[i] != (uint8_t)(i % 251))
			fail_msg("byte %zu differs", i);
	aem_buf_free(buf, len);
}

/* A failure after the temp file exists: the old file stays, no temp is left. */
static void test_failure_cleans_up(void **state)
{
	char dir[300], path[300];
	static uint8_t big[1 << 16];
	int status;
	pid_t pid;

	(void)state;
	path_in(dir, sizeof(dir), "", "fail");
	assert_int_equal(mkdir(dir, 0755), 0);
	path_in(path, sizeof(path), "fail", "sealed.bin");
	assert_int_equal(aem_file_write_atomic(path, (const uint8_t *)"old", 3, 0600), 0);
	/* write() fails half-way: file size limit in a child */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 4096, 4096 };
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		_exit(aem_file_write_atomic(path, big, sizeof(big), 0600) == AEM_E_IO ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	expect_content(path, "old");
	assert_int_equal(entries(dir), 1);
	/* rename() fails: the target is a directory */
	path_in(path, sizeof(path), "fail", "adir");
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(aem_file_write_atomic(path, (const uint8_t *)"x", 1, 0600), AEM_E_IO);
	assert_int_equal(entries(dir), 2);
}

/* A read-only directory: refused, old file intact. Root ignores mode bits,
 * so the attempt runs in a child that drops to nobody. */
static void test_read_only_dir(void **state)
{
	char dir[300], path[300];
	int status;
	pid_t pid;

	(void)state;
	path_in(dir, sizeof(dir), "", "ro");
	assert_int_equal(mkdir(dir, 0755), 0);
	path_in(path, sizeof(path), "ro", "sealed.bin");
	assert_int_equal(aem_file_write_atomic(path, (const uint8_t *)"old", 3, 0644), 0);
	assert_int_equal(chmod(dir, 0555), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
			_exit(77);
		_exit(aem_file_write_atomic(path, (const uint8_t *)"new", 3, 0600) == AEM_E_IO ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		fail_msg("could not drop to an unprivileged user to test a read-only directory");
	assert_int_equal(WEXITSTATUS(status), 0);
	expect_content(path, "old");
	assert_int_equal(entries(dir), 1);
	chmod(dir, 0755);
}

/* While one process keeps replacing the file with A or B, a reader must
 * only ever see all of A or all of B. */
static void test_readers_see_old_or_new(void **state)
{
	enum { A_LEN = 200000, B_LEN = 150000, ROUNDS = 40 };
	char path[300];
	uint8_t *a = malloc(A_LEN), *b = malloc(B_LEN);
	int status;
	pid_t pid;

	(void)state;
	memset(a, 'A', A_LEN);
	memset(b, 'B', B_LEN);
	path_in(path, sizeof(path), "", "race.bin");
	assert_int_equal(aem_file_write_atomic(path, a, A_LEN, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		for (int i = 0; i < ROUNDS; i++)
			if (aem_file_write_atomic(path, i % 2 ? a : b, i % 2 ? A_LEN : B_LEN, 0600))
				_exit(1);
		_exit(0);
	}
	int reads = 0;
	for (;;) {
		uint8_t *buf;
		size_t len;
		int done = waitpid(pid, &status, WNOHANG) == pid;

		assert_int_equal(aem_file_read(path, 1 << 20, &buf, &len), 0);
		reads++;
		if (!(len == A_LEN && !memcmp(buf, a, A_LEN)) && !(len == B_LEN && !memcmp(buf, b, B_LEN)))
			fail_msg("reader saw a mixed or partial file of %zu bytes", len);
		aem_buf_free(buf, len);
		if (done)
			break;
	}
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(reads > 1);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_by_hand),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_salt_without_pin),
		cmocka_unit_test(test_every_byte_authenticated),
		cmocka_unit_test(test_serialize_refuses_invalid),
		cmocka_unit_test(test_max_sizes),
		cmocka_unit_test(test_write_read),
		cmocka_unit_test(test_read_stdin_pipe),
		cmocka_unit_test(test_failure_cleans_up),
		cmocka_unit_test(test_read_only_dir),
		cmocka_unit_test(test_readers_see_old_or_new),
	};
	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
