/* File helpers every room uses: a whole file into memory with a size limit,
 * atomic replacement, directory sync, wiped buffers. Functions return 0 or a
 * negative error code (err.h). */
#ifndef AEM_FILEIO_H
#define AEM_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Read a whole file ("-" = stdin) into a malloc'd buffer. AEM_E_IO when it
 * cannot be read, AEM_E_FORMAT when it is larger than max bytes. Buffers
 * grow without leaving copies behind; release with aem_buf_free. */
int aem_file_read(const char *path, size_t max, uint8_t **buf, size_t *len);
/* The same for a file on untrusted media (the AEM stick): opened with
 * O_NOFOLLOW | O_NONBLOCK, so a symlink is refused (AEM_E_IO, errno ELOOP)
 * and a FIFO or device does not block; anything but a regular file is
 * AEM_E_IO with errno EISDIR (a directory) or ENODEV (FIFO, socket,
 * device); a size above max is AEM_E_FORMAT before a byte is read. */
int aem_file_read_untrusted(const char *path, size_t max, uint8_t **buf, size_t *len);
/* Replace path with buf atomically: temp file in the same directory, write,
 * fchmod(mode), fsync, rename, fsync the directory. path is either the old or
 * the new content at every moment; the temp file is removed on failure.
 * "-" writes to stdout (not atomic). Returns 0 or AEM_E_IO / _INVAL. */
int aem_file_write_atomic(const char *path, const uint8_t *buf, size_t len, mode_t mode);
/* fsync the directory holding path, so a rename into it survives a power cut. */
int aem_file_sync_dir(const char *path);
/* explicit_bzero(buf, len) then free(buf); NULL is fine. */
void aem_buf_free(uint8_t *buf, size_t len);

#endif
