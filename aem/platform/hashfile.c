/* Streaming module hashing: one read of the file, decompressed on the fly (zlib for
 * gzip, liblzma for xz), every bank's hash updated from the same output buffer. */
#include "hashfile.h"
#include "err.h"

#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <openssl/evp.h>

#define IN_CHUNK (64u * 1024u)
#define OUT_CHUNK (256u * 1024u)
#define MAX_BANKS 8u

typedef int (*sink_fn)(void *ctx, const uint8_t *p, size_t n);

struct stream {
	int fd;
	uint8_t *in, *out;
	size_t in_len;      /* valid bytes in `in` */
	bool eof;
	sink_fn sink;
	void *ctx;
};

enum aem_compression aem_compression_detect(const uint8_t *h, size_t len)
{
	static const uint8_t xz[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
	static const uint8_t lzop[9] = { 0x89, 'L', 'Z', 'O', 0, '\r', '\n', 0x1a, '\n' };

	if (len >= 2 && h[0] == 0x1f && h[1] == 0x8b)
		return AEM_COMP_GZIP;
	if (len >= sizeof(xz) && memcmp(h, xz, sizeof(xz)) == 0)
		return AEM_COMP_XZ;
	if (len >= sizeof(lzop) && memcmp(h, lzop, sizeof(lzop)) == 0)
		return AEM_COMP_LZOP;
	return AEM_COMP_NONE;
}

/* Refill s->in (keeping nothing: callers consume all input before refilling). */
static int fill(struct stream *s)
{
	ssize_t n;

	do
		n = read(s->fd, s->in, IN_CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return AEM_E_IO;
	s->in_len = (size_t)n;
	s->eof = n == 0;
	return 0;
}

static int pass_plain(struct stream *s)
{
	int rc;

	while (s->in_len) {
		if ((rc = s->sink(s->ctx, s->in, s->in_len)) != 0)
			return rc;
		if ((rc = fill(s)) != 0)
			return rc;
	}
	return 0;
}

/* Bytes after the end of the compressed stream: GRUB would not load them the way a
 * concatenating decompressor does, so refuse rather than guess. */
static int check_trailing(struct stream *s, size_t left)
{
	int rc;

	if (left)
		return AEM_E_UNSUPPORTED;
	if ((rc = fill(s)) != 0)
		return rc;
	return s->in_len ? AEM_E_UNSUPPORTED : 0;
}

static int pass_gzip(struct stream *s)
{
	z_stream z = { 0 };
	int zr = Z_OK, rc = 0;

	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return AEM_E_NOMEM;
	z.next_in = s->in;
	z.avail_in = (uInt)s->in_len;
	while (zr != Z_STREAM_END) {
		if (z.avail_in == 0) {
			if ((rc = fill(s)) != 0)
				break;
			if (s->eof) {
				rc = AEM_E_FORMAT; /* truncated */
				break;
			}
			z.next_in = s->in;
			z.avail_in = (uInt)s->in_len;
		}
		z.next_out = s->out;
		z.avail_out = OUT_CHUNK;
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			rc = zr == Z_MEM_ERROR ? AEM_E_NOMEM : AEM_E_FORMAT;
			break;
		}
		if ((rc = s->sink(s->ctx, s->out, OUT_CHUNK - z.avail_out)) != 0)
			break;
	}
	if (rc == 0)
		rc = check_trailing(s, z.avail_in);
	inflateEnd(&z);
	return rc;
}

static int pass_xz(struct stream *s)
{
	lzma_stream x = LZMA_STREAM_INIT;
	lzma_ret xr = LZMA_OK;
	int rc = 0;

	if (lzma_stream_decoder(&x, UINT64_MAX, 0) != LZMA_OK)
		return AEM_E_NOMEM;
	x.next_in = s->in;
	x.avail_in = s->in_len;
	while (xr != LZMA_STREAM_END) {
		if (x.avail_in == 0) {
			if ((rc = fill(s)) != 0)
				break;
			if (s->eof) {
				rc = AEM_E_FORMAT;
				break;
			}
			x.next_in = s->in;
			x.avail_in = s->in_len;
		}
		x.next_out = s->out;
		x.avail_out = OUT_CHUNK;
		xr = lzma_code(&x, LZMA_RUN);
		if (xr != LZMA_OK && xr != LZMA_STREAM_END) {
			rc = xr == LZMA_MEM_ERROR ? AEM_E_NOMEM : AEM_E_FORMAT;
			break;
		}
		if ((rc = s->sink(s->ctx, s->out, OUT_CHUNK - x.avail_out)) != 0)
			break;
	}
	if (rc == 0)
		rc = check_trailing(s, x.avail_in);
	lzma_end(&x);
	return rc;
}

static int stream_file(const char *path, bool unzip, sink_fn sink, void *ctx)
{
	struct stream s = { .sink = sink, .ctx = ctx };
	int rc;

	s.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s.fd < 0)
		return AEM_E_IO;
	s.in = malloc(IN_CHUNK);
	s.out = malloc(OUT_CHUNK);
	if (!s.in || !s.out) {
		rc = AEM_E_NOMEM;
		goto out;
	}
	if ((rc = fill(&s)) != 0)
		goto out;
	switch (unzip ? aem_compression_detect(s.in, s.in_len) : AEM_COMP_NONE) {
	case AEM_COMP_GZIP: rc = pass_gzip(&s); break;
	case AEM_COMP_XZ: rc = pass_xz(&s); break;
	case AEM_COMP_LZOP: rc = AEM_E_UNSUPPORTED; break;
	default: rc = pass_plain(&s); break;
	}
out:
	free(s.in);
	free(s.out);
	close(s.fd);
	return rc;
}

struct hash_ctx {
	unsigned n;
	EVP_MD_CTX *md[MAX_BANKS];
	uint64_t size;
};

static int hash_sink(void *ctx, const uint8_t *p, size_t n)
{
	struct hash_ctx *h = ctx;

	for (unsigned i = 0; i < h->n; i++)
		if (EVP_DigestUpdate(h->md[i], p, n) != 1)
			return AEM_E_CRYPTO;
	h->size += n;
	return 0;
}

static int hash_start(struct hash_ctx *h, const enum aem_bank *banks, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		const EVP_MD *md = aem_bank_md(banks[i]);

		if (!md)
			return AEM_E_INVAL;
		h->md[i] = EVP_MD_CTX_new();
		if (!h->md[i])
			return AEM_E_NOMEM;
		h->n = i + 1;
		if (EVP_DigestInit_ex(h->md[i], md, NULL) != 1)
			return AEM_E_CRYPTO;
	}
	return 0;
}

int aem_hashfile(const char *path, bool unzip, const enum aem_bank *banks, unsigned n,
		 struct aem_digest *out, uint64_t *size)
{
	struct hash_ctx h = { 0 };
	int rc;

	if (!path || !banks || !out || n == 0 || n > MAX_BANKS)
		return AEM_E_INVAL;
	rc = hash_start(&h, banks, n);
	if (rc == 0)
		rc = stream_file(path, unzip, hash_sink, &h);
	for (unsigned i = 0; i < h.n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].bank = banks[i];
		if (rc == 0 && EVP_DigestFinal_ex(h.md[i], out[i].d, NULL) != 1)
			rc = AEM_E_CRYPTO;
		EVP_MD_CTX_free(h.md[i]);
	}
	if (rc == 0 && size)
		*size = h.size;
	return rc;
}

struct buf_ctx {
	uint8_t *p;
	size_t len, cap, max;
};

static int buf_sink(void *ctx, const uint8_t *p, size_t n)
{
	struct buf_ctx *b = ctx;

	if (n > b->max - b->len)
		return AEM_E_NOMEM;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : OUT_CHUNK;
		uint8_t *q;

		while (cap < b->len + n)
			cap *= 2;
		if (!(q = realloc(b->p, cap)))
			return AEM_E_NOMEM;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

int aem_readfile(const char *path, bool unzip, size_t max, uint8_t **buf, size_t *len)
{
	struct buf_ctx b = { .max = max };
	int rc;

	if (!path || !buf || !len)
		return AEM_E_INVAL;
	rc = stream_file(path, unzip, buf_sink, &b);
	if (rc) {
		free(b.p);
		return rc;
	}
	*buf = b.p;
	*len = b.len;
	return 0;
}

static int io_head(void *ctx, const struct aem_predict_module *m, uint8_t *buf, size_t size,
		   size_t *len)
{
	int fd = open(m->path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	(void)ctx;
	*len = 0;
	if (fd < 0)
		return AEM_E_IO;
	do
		n = read(fd, buf, size);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return AEM_E_IO;
	*len = (size_t)n;
	return 0;
}

static int io_digest(void *ctx, const struct aem_predict_module *m, enum aem_bank bank,
		     uint8_t *out)
{
	struct aem_digest d;
	int rc = aem_hashfile(m->path, !m->nounzip, &bank, 1, &d, NULL);

	(void)ctx;
	if (rc == 0)
		memcpy(out, d.d, aem_bank_size(bank));
	return rc;
}

const struct aem_predict_io aem_hashfile_io = { io_head, io_digest, NULL };
