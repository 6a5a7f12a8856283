/* The file helpers of every room (fileio.h): whole reads with a size limit,
 * atomic replacement, directory sync, wiped buffers. */
#include "fileio.h"
#include "err.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void aem_buf_free(uint8_t *buf, size_t len)
{
	if (!buf)
		return;
	explicit_bzero(buf, len);
	free(buf);
}

/* Grow *buf from cap to ncap without leaving the old contents in freed memory. */
static int grow(uint8_t **buf, size_t used, size_t *cap, size_t ncap)
{
	uint8_t *n = malloc(ncap);

	if (!n)
		return AEM_E_NOMEM;
	if (used)
		memcpy(n, *buf, used);
	aem_buf_free(*buf, *cap);
	*buf = n;
	*cap = ncap;
	return 0;
}

static int read_fd(int fd, size_t max, size_t hint, uint8_t **out, size_t *out_len)
{
	size_t cap = 0, used = 0, first = hint ? hint + 1 : 65536;
	uint8_t *buf = NULL;
	int rc = 0;

	/* Read up to max + 1 bytes: seeing the extra byte is how "too big" shows. */
	for (;;) {
		if (used == cap) {
			size_t ncap = cap ? (cap > SIZE_MAX / 2 ? SIZE_MAX : 2 * cap) : first;
			if (ncap > max + 1 || ncap < cap)
				ncap = max + 1;
			if (used == ncap) {
				rc = AEM_E_FORMAT;
				break;
			}
			rc = grow(&buf, used, &cap, ncap);
			if (rc)
				break;
		}
		ssize_t n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = AEM_E_IO;
			break;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (!rc && used > max)
		rc = AEM_E_FORMAT;
	if (rc) {
		aem_buf_free(buf, cap);
		return rc;
	}
	*out = buf;
	*out_len = used;
	return 0;
}

int aem_file_read(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	bool is_stdin;
	struct stat st;
	size_t hint = 0;
	int fd, rc;

	if (!path || !buf || !len || max >= SIZE_MAX)
		return AEM_E_INVAL;
	is_stdin = strcmp(path, "-") == 0;
	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return AEM_E_IO;
	/* A regular file's size sizes the buffer once; pipes grow as they go. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		hint = (uint64_t)st.st_size > max ? SIZE_MAX : (size_t)st.st_size;
	rc = hint == SIZE_MAX ? AEM_E_FORMAT : read_fd(fd, max, hint, buf, len);
	if (!is_stdin)
		close(fd);
	return rc;
}

int aem_file_read_untrusted(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	struct stat st;
	int fd, rc;

	if (!path || !buf || !len || max >= SIZE_MAX)
		return AEM_E_INVAL;
	/* No link followed (ELOOP), no wait for a FIFO's writer, no terminal. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return AEM_E_IO;
	if (fstat(fd, &st)) {
		rc = AEM_E_IO;
	} else if (!S_ISREG(st.st_mode)) {
		rc = AEM_E_IO;
		errno = S_ISDIR(st.st_mode) ? EISDIR : ENODEV;
	} else if ((uint64_t)st.st_size > max) {
		rc = AEM_E_FORMAT;
	} else {
		rc = read_fd(fd, max, (size_t)st.st_size, buf, len);
	}
	int keep = errno;
	close(fd);
	errno = keep;
	return rc;
}

static int write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return AEM_E_IO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The directory part of path ("." when none) into dir. */
static int dir_of(const char *path, char *dir, size_t cap)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (!slash)
		return snprintf(dir, cap, ".") < (int)cap ? 0 : AEM_E_INVAL;
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= cap)
		return AEM_E_INVAL;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return 0;
}

int aem_file_sync_dir(const char *path)
{
	char dir[PATH_MAX];
	int fd, rc;

	rc = dir_of(path, dir, sizeof(dir));
	if (rc)
		return rc;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return AEM_E_IO;
	rc = fsync(fd) ? AEM_E_IO : 0;
	close(fd);
	return rc;
}

int aem_file_write_atomic(const char *path, const uint8_t *buf, size_t len, mode_t mode)
{
	char tmp[PATH_MAX];
	int fd, rc;

	if (!path || !*path || (!buf && len))
		return AEM_E_INVAL;
	if (strcmp(path, "-") == 0)
		return write_all(STDOUT_FILENO, buf, len);
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp))
		return AEM_E_INVAL;
	fd = mkostemp(tmp, O_CLOEXEC);   /* same directory, so rename cannot cross filesystems */
	if (fd < 0)
		return AEM_E_IO;
	rc = write_all(fd, buf, len);
	if (!rc && (fchmod(fd, mode) || fsync(fd)))
		rc = AEM_E_IO;
	if (close(fd) && !rc)
		rc = AEM_E_IO;
	if (!rc && rename(tmp, path))
		rc = AEM_E_IO;
	if (rc) {
		unlink(tmp);
		return rc;
	}
	return aem_file_sync_dir(path);
}
