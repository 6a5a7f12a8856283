/* The decompressors of the module hashing: ISA-L's igzip for gzip (about three times
 * zlib's speed on a kernel or an initramfs, and it streams), liblzma for xz, plain
 * bytes otherwise. Output goes out in full AEM_HF_CHUNK buffers, so the hashing thread
 * gets few, large pieces. */
#include "hashfile.h"
#include "hashfile_stream.h"
#include "err.h"

#include <errno.h>
#include <isa-l/igzip_lib.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IN_CHUNK (256u * 1024u)

struct stream {
	const struct aem_hf_src *src;
	size_t mem_off;
	uint8_t *inbuf;        /* fd source: read buffer */
	const uint8_t *in;     /* the current input bytes */
	size_t in_len;
	bool eof;
	aem_hf_sink sink;
	void *ctx;
	uint8_t **out;
	size_t have;           /* bytes already in *out */
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

static int read_fd(int fd, uint8_t *p, size_t size, size_t *got)
{
	ssize_t n;

	do
		n = read(fd, p, size);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return AEM_E_IO;
	*got = (size_t)n;
	return 0;
}

/* Next input bytes (callers consume all input before refilling). */
static int fill(struct stream *s)
{
	const struct aem_hf_src *src = s->src;
	int rc;

	if (src->fd < 0) {
		size_t left = src->mem_len - s->mem_off;

		s->in = left ? src->mem + s->mem_off : NULL;
		s->in_len = left < IN_CHUNK ? left : IN_CHUNK;
		s->mem_off += s->in_len;
	} else {
		if ((rc = read_fd(src->fd, s->inbuf, IN_CHUNK, &s->in_len)) != 0)
			return rc;
		s->in = s->inbuf;
	}
	s->eof = s->in_len == 0;
	return 0;
}

/* Hand *out on when full (or, with flush, when it holds anything). */
static int emit(struct stream *s, bool flush)
{
	int rc;

	if (s->have < AEM_HF_CHUNK && !(flush && s->have))
		return 0;
	rc = s->sink(s->ctx, s->out, s->have);
	s->have = 0;
	return rc;
}

static int pass_plain(struct stream *s)
{
	size_t n;
	int rc;

	for (;;) {
		while (s->in_len) {
			n = s->in_len < AEM_HF_CHUNK - s->have ? s->in_len : AEM_HF_CHUNK - s->have;
			memcpy(*s->out + s->have, s->in, n);
			s->have += n;
			s->in += n;
			s->in_len -= n;
			if ((rc = emit(s, false)) != 0)
				return rc;
		}
		if (s->eof)
			break;
		if (s->src->fd >= 0) {
			/* large reads straight into the output buffer */
			if ((rc = read_fd(s->src->fd, *s->out + s->have, AEM_HF_CHUNK - s->have,
					  &n)) != 0)
				return rc;
			if (n == 0)
				break;
			s->have += n;
			if ((rc = emit(s, false)) != 0)
				return rc;
		} else if ((rc = fill(s)) != 0) {
			return rc;
		}
	}
	return emit(s, true);
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
	struct inflate_state *st = malloc(sizeof(*st));
	bool out_full = false;
	int r, rc = 0;

	if (!st)
		return AEM_E_NOMEM;
	isal_inflate_init(st);
	st->crc_flag = ISAL_GZIP;   /* header parsed, CRC-32 and length checked */
	st->next_in = (uint8_t *)s->in;
	st->avail_in = (uint32_t)s->in_len;
	while (st->block_state != ISAL_BLOCK_FINISH) {
		/* Output held back inside the decoder comes out before more input. */
		if (st->avail_in == 0 && !out_full) {
			if ((rc = fill(s)) != 0)
				break;
			if (s->eof) {
				rc = AEM_E_FORMAT; /* truncated */
				break;
			}
			st->next_in = (uint8_t *)s->in;
			st->avail_in = (uint32_t)s->in_len;
		}
		st->next_out = *s->out + s->have;
		st->avail_out = (uint32_t)(AEM_HF_CHUNK - s->have);
		r = isal_inflate(st);
		if (r < 0 || r == ISAL_NEED_DICT) {
			rc = AEM_E_FORMAT;
			break;
		}
		s->have = AEM_HF_CHUNK - st->avail_out;
		out_full = st->avail_out == 0;
		if ((rc = emit(s, false)) != 0)
			break;
	}
	/* The decoder reads ahead: bytes in its bit buffer were never part of the stream. */
	if (rc == 0 && (rc = emit(s, true)) == 0)
		rc = check_trailing(s, st->avail_in + (size_t)st->read_in_length / 8);
	free(st);
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
		x.next_out = *s->out + s->have;
		x.avail_out = AEM_HF_CHUNK - s->have;
		xr = lzma_code(&x, LZMA_RUN);
		if (xr != LZMA_OK && xr != LZMA_STREAM_END) {
			rc = xr == LZMA_MEM_ERROR ? AEM_E_NOMEM : AEM_E_FORMAT;
			break;
		}
		s->have = AEM_HF_CHUNK - x.avail_out;
		if ((rc = emit(s, false)) != 0)
			break;
	}
	if (rc == 0 && (rc = emit(s, true)) == 0)
		rc = check_trailing(s, x.avail_in);
	lzma_end(&x);
	return rc;
}

int aem_hf_stream(const struct aem_hf_src *src, bool unzip, aem_hf_sink sink, void *ctx,
		  uint8_t **out)
{
	struct stream s = { .src = src, .sink = sink, .ctx = ctx, .out = out };
	int rc;

	if (src->fd >= 0 && !(s.inbuf = malloc(IN_CHUNK)))
		return AEM_E_NOMEM;
	if ((rc = fill(&s)) != 0)
		goto out;
	switch (unzip ? aem_compression_detect(s.in, s.in_len) : AEM_COMP_NONE) {
	case AEM_COMP_GZIP: rc = pass_gzip(&s); break;
	case AEM_COMP_XZ: rc = pass_xz(&s); break;
	case AEM_COMP_LZOP: rc = AEM_E_UNSUPPORTED; break;
	default: rc = pass_plain(&s); break;
	}
out:
	free(s.inbuf);
	return rc;
}
