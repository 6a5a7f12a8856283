/* Internal to aem/platform/hashfile*.c: a file or a buffer, decompressed as GRUB loads
 * it, handed out in chunks of AEM_HF_CHUNK bytes to a sink. */
#ifndef AEM_HASHFILE_STREAM_H
#define AEM_HASHFILE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AEM_HF_CHUNK (256u * 1024u)

/* Takes the n bytes at *buf (a buffer of AEM_HF_CHUNK bytes). It may put another
 * buffer of the same size in *buf for the stream to fill next (the hashing
 * pipeline hands the full one to its other thread). Returns 0 or an AEM_E_* code,
 * which stops the stream. */
typedef int (*aem_hf_sink)(void *ctx, uint8_t **buf, size_t n);

/* Where the bytes come from: fd >= 0, else mem[0..mem_len). */
struct aem_hf_src {
	int fd;
	const uint8_t *mem;
	size_t mem_len;
};

/* Stream src (decompressed when unzip and the content announces gzip or xz) into
 * sink, filling *out (AEM_HF_CHUNK bytes, owned by the caller; the sink may swap
 * it). Errors: AEM_E_IO, AEM_E_FORMAT (corrupt or truncated compressed data),
 * AEM_E_UNSUPPORTED (lzop; bytes after the compressed stream), AEM_E_NOMEM, or
 * the sink's. */
int aem_hf_stream(const struct aem_hf_src *src, bool unzip, aem_hf_sink sink, void *ctx,
		  uint8_t **out);

#endif
