/* Hash a boot module the way it sits in memory after GRUB loaded it: gzip and xz files
 * are decompressed (detected by magic, as GRUB does) unless the entry says --nounzip.
 * The file is read once and streamed through every requested bank's hash, on a second
 * thread while the next bytes are decompressed. */
#ifndef AEM_HASHFILE_H
#define AEM_HASHFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcr.h"
#include "predict.h"

enum aem_compression {
	AEM_COMP_NONE = 0,
	AEM_COMP_GZIP,
	AEM_COMP_XZ,
	AEM_COMP_LZOP,   /* recognised so it is refused, never hashed compressed by mistake */
};

/* Which compression the first bytes announce. */
enum aem_compression aem_compression_detect(const uint8_t *head, size_t len);

/* Hash the (decompressed unless !unzip) content of path with each of banks[0..n) into
 * out[i] (out[i].bank is set). *size, when not NULL, gets the hashed byte count.
 * Returns 0 or AEM_E_IO (unreadable), AEM_E_FORMAT (corrupt compressed data),
 * AEM_E_UNSUPPORTED (lzop, or data after the compressed stream). */
int aem_hashfile(const char *path, bool unzip, const enum aem_bank *banks, unsigned n,
		 struct aem_digest *out, uint64_t *size);

/* aem_hashfile over the bytes buf[0..len) instead of a file: same result and errors
 * (but AEM_E_IO). The caller keeps buf. */
int aem_hashbuf(const uint8_t *buf, size_t len, bool unzip, const enum aem_bank *banks,
		unsigned n, struct aem_digest *out, uint64_t *size);

/* Read the whole (decompressed unless !unzip) content of path, at most max bytes, into
 * a malloc'd buffer the caller frees. Same errors; AEM_E_NOMEM above max. */
int aem_readfile(const char *path, bool unzip, size_t max, uint8_t **buf, size_t *len);

/* Largest tboot image aem_hashfile_tboot reads (decompressed). */
#define AEM_HASHFILE_TBOOT_MAX (64u << 20)

/* The module files of a prediction on disk (aem_predict's io): m->path is opened,
 * read as GRUB loads it. ctx is unused. */
extern const struct aem_predict_io aem_hashfile_io;

#endif
