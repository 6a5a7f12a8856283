/* Unit tests of the TXT heap walk (aem/launch/txtheap.c). Heaps are built here byte by byte
 * from tboot's include/txt/heap.h layout, and the committed fixture heaps of
 * tests/model/fixtures (written by tests/model/make-fixtures) are parsed: the expected
 * addresses are the constants that script wrote. Then every way a size or offset can
 * lie is tried. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "txtheap.h"
#include "err.h"

#define HEAP_BASE 0x8ff20000ull

struct heap {
	uint8_t b[4096];
	size_t n;
};

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void add(struct heap *h, const void *p, size_t n)
{
	assert_true(h->n + n <= sizeof(h->b));
	memcpy(h->b + h->n, p, n);
	h->n += n;
}

static void add_table(struct heap *h, const uint8_t *body, size_t n)
{
	uint8_t sz[8];

	put64(sz, 8 + n);
	add(h, sz, 8);
	add(h, body, n);
}

/* BiosData and OsMleData (contents do not matter here), OsSinitData = fixed part of
 * the given version + elems, SinitMleData. */
static void build(struct heap *h, uint32_t version, const uint8_t *elems, size_t elen)
{
	uint8_t bios[36] = { 5 }, osmle[64] = { 3 }, os[512] = { 0 }, sm[16] = { 9 };

	memset(h, 0, sizeof(*h));
	assert_true(92 + elen <= sizeof(os));
	put32(os, version);
	put64(os + 8, 0x1000000);       /* mle_ptab: fixed-part fields are not interpreted */
	if (elen)
		memcpy(os + 92, elems, elen);
	add_table(h, bios, sizeof(bios));
	add_table(h, osmle, sizeof(osmle));
	add_table(h, os, 92 + elen);
	add_table(h, sm, sizeof(sm));
}

static size_t elt(uint8_t *p, uint32_t type, const uint8_t *body, size_t n)
{
	put32(p, type);
	put32(p + 4, (uint32_t)(8 + n));
	if (n)
		memcpy(p + 8, body, n);
	return 8 + n;
}

static size_t elt_tcg(uint8_t *p, uint64_t base, uint32_t size, uint32_t first, uint32_t next)
{
	uint8_t b[24] = { 0 };

	put64(b, base);
	put32(b + 8, size);
	put32(b + 12, first);
	put32(b + 16, next);
	return elt(p, 8, b, sizeof(b));
}

static void test_tcg_element(void **state)
{
	uint8_t e[128];
	size_t n = 0;
	struct heap h;
	struct aem_txt_heap t;

	(void)state;
	n += elt(e + n, 2, (const uint8_t *)"\1\0\0\0\0\0\0\0\0\0\0\0", 12); /* an ACM element first */
	n += elt_tcg(e + n, 0x12345000, 0x2000, 0x10, 0x6ba);
	n += elt(e + n, 0, NULL, 0);
	build(&h, 7, e, n);
	assert_int_equal(aem_txtheap_parse(h.b, h.n, &t), 0);
	assert_int_equal(t.os_sinit_version, 7);
	assert_int_equal(t.log_type, AEM_TXT_ELT_LOG_PTR2_1);
	assert_int_equal(t.nlogs, 1);
	assert_true(t.logs[0].base == 0x12345000);
	assert_int_equal(t.logs[0].size, 0x2000);
	assert_int_equal(t.logs[0].first, 0x10);
	assert_int_equal(t.logs[0].next, 0x6ba);
	assert_true(t.have_sinit_mle);
	/* the tables: 8 + 36, then 8 + 64, then OsSinitData */
	assert_true(t.off[0] == 8 && t.size[0] == 36 && t.off[1] == 52 && t.size[1] == 64);
	assert_true(t.off[2] == 124 && t.size[2] == 92 + n);
}

static void test_tpm12_and_legacy(void **state)
{
	uint8_t e[256], b[128] = { 0 };
	size_t n;
	struct heap h;
	struct aem_txt_heap t;

	(void)state;
	put64(b, 0xabc000);
	n = elt(e, 5, b, 8);
	n += elt(e + n, 0, NULL, 0);
	build(&h, 6, e, n);
	assert_int_equal(aem_txtheap_parse(h.b, h.n, &t), 0);
	assert_int_equal(t.log_type, AEM_TXT_ELT_LOG_PTR);
	assert_true(t.logs[0].base == 0xabc000 && t.logs[0].bank == AEM_BANK_SHA1);

	/* type 7: sha256, SM3 (unknown: left out), sha1 */
	memset(b, 0, sizeof(b));
	put32(b, 3);
	b[4] = 0x0b, put64(b + 8, 0x1000), put32(b + 16, 0x800), put32(b + 20, 0), put32(b + 24, 0x100);
	b[28] = 0x12;
	b[52] = 0x04, put64(b + 56, 0x2000), put32(b + 64, 0x800), put32(b + 68, 0x20), put32(b + 72, 0x40);
	n = elt(e, 7, b, 4 + 3 * 24);
	n += elt(e + n, 0, NULL, 0);
	build(&h, 7, e, n);
	assert_int_equal(aem_txtheap_parse(h.b, h.n, &t), 0);
	assert_int_equal(t.log_type, AEM_TXT_ELT_LOG_PTR2);
	assert_int_equal(t.nlogs, 2);
	assert_int_equal(t.logs[0].bank, AEM_BANK_SHA256);
	assert_true(t.logs[0].base == 0x1000 && t.logs[0].next == 0x100);
	assert_int_equal(t.logs[1].bank, AEM_BANK_SHA1);
	assert_true(t.logs[1].first == 0x20 && t.logs[1].next == 0x40);
}

static void test_no_log(void **state)
{
	uint8_t e[64];
	size_t n;
	struct heap h;
	struct aem_txt_heap t;

	(void)state;
	build(&h, 5, NULL, 0);             /* version 5: no elements at all */
	assert_int_equal(aem_txtheap_parse(h.b, h.n, &t), 0);
	assert_int_equal(t.log_type, 0);
	n = elt(e, 0, NULL, 0);            /* version 7, only END */
	build(&h, 7, e, n);
	assert_int_equal(aem_txtheap_parse(h.b, h.n, &t), 0);
	assert_int_equal(t.log_type, 0);
	n = elt_tcg(e, 0x1000, 0x2000, 0, 0x40); /* after END: not looked at */
	memmove(e + 8, e, n);
	elt(e, 0, NULL, 0);
	build(&h, 7, e, n + 8);
	assert_int_equal(aem_txtheap_parse(h.b, h.n, &t), 0);
	assert_int_equal(t.log_type, 0);
}

static void test_bad_tables(void **state)
{
	uint8_t e[64];
	size_t n = elt_tcg(e, 0x1000, 0x2000, 0, 0x40);
	struct heap h;
	struct aem_txt_heap t;

	(void)state;
	build(&h, 7, e, n);
	for (size_t cut = 0; cut < 124 + 92 + n; cut++) /* truncated before OsSinitData ends */
		assert_int_equal(aem_txtheap_parse(h.b, cut, &t), AEM_E_FORMAT);
	put64(h.b, 4);                                  /* a size smaller than its field */
	assert_int_equal(aem_txtheap_parse(h.b, h.n, &t), AEM_E_FORMAT);
	build(&h, 7, e, n);
	put64(h.b + 44, 1ull << 63);                    /* OsMleData size past the end */
	assert_int_equal(aem_txtheap_parse(h.b, h.n, &t), AEM_E_FORMAT);
	build(&h, 7, e, n);
	put64(h.b + 116, 8 + 50);                       /* OsSinitData v7 shorter than 92 */
	assert_int_equal(aem_txtheap_parse(h.b, h.n, &t), AEM_E_FORMAT);
	assert_int_equal(aem_txtheap_parse(NULL, 0, &t), AEM_E_INVAL);
	/* a bad SinitMleData (only SINIT writes it) does not hide the log */
	build(&h, 7, e, n);
	put64(h.b + 124 + 92 + n, 0xffff);
	assert_int_equal(aem_txtheap_parse(h.b, h.n, &t), 0);
	assert_false(t.have_sinit_mle);
	assert_int_equal(t.log_type, 8);
}

static void test_bad_elements(void **state)
{
	uint8_t e[128] = { 0 }, b[64] = { 0 };
	size_t n;
	struct heap h;
	struct aem_txt_heap t;

	(void)state;
	n = elt(e, 4, NULL, 0);                         /* size 0: would loop forever */
	put32(e + 4, 0);
	build(&h, 7, e, n + 8);
	assert_int_equal(aem_txtheap_parse(h.b, h.n, &t), AEM_E_FORMAT);
	n = elt(e, 4, b, 16);                           /* element past the table */
	put32(e + 4, 200);
	build(&h, 7, e, n);
	assert_int_equal(aem_txtheap_parse(h.b, h.n, &t), AEM_E_FORMAT);
	n = elt(e, 5, b, 4);                            /* type 5 too short for its u64 */
	n += elt(e + n, 0, NULL, 0);
	build(&h, 7, e, n);
	assert_int_equal(aem_txtheap_parse(h.b, h.n, &t), AEM_E_FORMAT);
	n = elt_tcg(e, 0x1000, 0x100, 0x80, 0x40);      /* first > next */
	build(&h, 7, e, n);
	assert_int_equal(aem_txtheap_parse(h.b, h.n, &t), AEM_E_FORMAT);
	n = elt_tcg(e, 0x1000, 0x100, 0, 0x101);        /* next past the allocation */
	build(&h, 7, e, n);
	assert_int_equal(aem_txtheap_parse(h.b, h.n, &t), AEM_E_FORMAT);
	n = elt_tcg(e, UINT64_MAX - 0x10, 0x100, 0, 0x20); /* address wraps */
	build(&h, 7, e, n);
	assert_int_equal(aem_txtheap_parse(h.b, h.n, &t), AEM_E_FORMAT);
	put32(b, 0x10000000);                           /* type 7 count beyond the element */
	n = elt(e, 7, b, 4 + 24);
	build(&h, 7, e, n);
	assert_int_equal(aem_txtheap_parse(h.b, h.n, &t), AEM_E_FORMAT);
}

static void test_container_span(void **state)
{
	uint8_t hdr[48] = "TXT Event Container";
	struct aem_txt_log_desc d = { .base = 0x1000 };
	bool empty;

	(void)state;
	put32(hdr + 36, 0x5000);
	put32(hdr + 40, 48);
	put32(hdr + 44, 0x3ad);
	assert_int_equal(aem_txt_container_span(hdr, sizeof(hdr), &d, &empty), 0);
	assert_false(empty);
	assert_true(d.first == 0 && d.next == 0x3ad && d.size == 0x5000);
	put32(hdr + 44, 48);
	assert_int_equal(aem_txt_container_span(hdr, sizeof(hdr), &d, &empty), 0);
	assert_true(empty);
	put32(hdr + 44, 0x5001);
	assert_int_equal(aem_txt_container_span(hdr, sizeof(hdr), &d, &empty), AEM_E_FORMAT);
	put32(hdr + 44, 0x100);
	put32(hdr + 40, 20);                            /* events inside the header */
	assert_int_equal(aem_txt_container_span(hdr, sizeof(hdr), &d, &empty), AEM_E_FORMAT);
	put32(hdr + 40, 48);
	assert_int_equal(aem_txt_container_span(hdr, 47, &d, &empty), AEM_E_FORMAT);
	hdr[0] = 'X';
	assert_int_equal(aem_txt_container_span(hdr, sizeof(hdr), &d, &empty), AEM_E_FORMAT);
}

static uint8_t *load_fixture(const char *machine, size_t *len)
{
	const char *src = getenv("AEM_SRC");
	char path[4096];
	uint8_t *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/tests/model/fixtures/%s/phys/8ff20000.bin",
		 src ? src : ".", machine);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The values tests/model/make-fixtures wrote. */
static void test_fixture_heaps(void **state)
{
	struct aem_txt_heap t;
	size_t len;
	uint8_t *b;

	(void)state;
	b = load_fixture("txt-tpm2-tcg", &len);
	assert_int_equal(aem_txtheap_parse(b, len, &t), 0);
	assert_int_equal(t.log_type, 8);
	assert_true(t.logs[0].base == HEAP_BASE + 0x1114c);
	assert_true(t.logs[0].first == 0 && t.logs[0].next == 1722 && t.logs[0].size == 0x2000);
	/* every truncation of a real-shaped heap is refused or parses without overreading */
	for (size_t cut = 0; cut < len; cut += 97) {
		uint8_t *copy = malloc(cut ? cut : 1);

		memcpy(copy, b, cut);
		(void)aem_txtheap_parse(copy, cut, &t);
		free(copy);
	}
	free(b);
	b = load_fixture("txt-tpm2-legacy", &len);
	assert_int_equal(aem_txtheap_parse(b, len, &t), 0);
	assert_int_equal(t.log_type, 7);
	assert_int_equal(t.nlogs, 2);
	assert_true(t.logs[1].base == HEAP_BASE + 0x11800 - 0x10 && t.logs[1].first == 0x10);
	free(b);
	b = load_fixture("txt-no-log", &len);
	assert_int_equal(aem_txtheap_parse(b, len, &t), 0);
	assert_int_equal(t.log_type, 0);
	assert_int_equal(t.os_sinit_version, 5);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcg_element),
		cmocka_unit_test(test_tpm12_and_legacy),
		cmocka_unit_test(test_no_log),
		cmocka_unit_test(test_bad_tables),
		cmocka_unit_test(test_bad_elements),
		cmocka_unit_test(test_container_span),
		cmocka_unit_test(test_fixture_heaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
