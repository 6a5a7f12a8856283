/* Reading files of the running (or recorded) system through the runtime
 * root: whole files, short text files, presence; and what they tell of the
 * hardware clock; real paths under the root. */
#include "runtime.h"
#include "runtime_priv.h"
#include "err.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int aem_rt_read_file(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	char full[PATH_MAX];
	size_t cap = 4096, n = 0;
	uint8_t *b;
	int fd, rc;

	*buf = NULL;
	*len = 0;
	if (max == 0 || max > AEM_RT_MAX_FILE)
		max = AEM_RT_MAX_FILE;
	rc = aem_rt_resolve(path, full, sizeof(full));
	if (rc < 0)
		return rc;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return AEM_E_IO;
	b = malloc(cap + 1);
	if (!b) {
		close(fd);
		return AEM_E_NOMEM;
	}
	/* sysfs reports a size of 4096 whatever it holds: read to EOF. */
	for (;;) {
		ssize_t r;

		if (n == cap) {
			uint8_t *nb;

			if (cap > max) {
				free(b);
				close(fd);
				return AEM_E_FORMAT;
			}
			cap *= 2;
			nb = realloc(b, cap + 1);
			if (!nb) {
				free(b);
				close(fd);
				return AEM_E_NOMEM;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int saved = errno;

			free(b);
			close(fd);
			errno = saved;
			return AEM_E_IO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {
		free(b);
		return AEM_E_FORMAT;
	}
	b[n] = '\0';
	if (aem_rt_rec)
		aem_rt_rec->file(path, b, n);
	*buf = b;
	*len = n;
	return 0;
}

int aem_rt_read_text(const char *path, char *buf, size_t size)
{
	uint8_t *b;
	size_t n;
	int rc;

	if (size == 0)
		return AEM_E_INVAL;
	rc = aem_rt_read_file(path, 1u << 20, &b, &n);
	if (rc < 0)
		return rc;
	while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == ' ' || b[n - 1] == '\t' ||
			 b[n - 1] == '\r' || b[n - 1] == '\0'))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(buf, b, n);
	buf[n] = '\0';
	free(b);
	return 0;
}

bool aem_rt_exists(const char *path)
{
	char full[PATH_MAX];
	struct stat st;
	int saved = errno;

	if (aem_rt_resolve(path, full, sizeof(full)) < 0 || stat(full, &st) < 0)
		return false;
	if (aem_rt_rec)
		aem_rt_rec->presence(path, S_ISDIR(st.st_mode));
	errno = saved;
	return true;
}

int aem_rt_rtc_is_local(void)
{
	char text[512];
	char *line3;

	/* adjtime(5): line 3 is "UTC" or "LOCAL"; a missing file means UTC. */
	if (aem_rt_read_text("/etc/adjtime", text, sizeof(text)))
		return 0;
	line3 = strchr(text, '\n');
	line3 = line3 ? strchr(line3 + 1, '\n') : NULL;
	return line3 && !strncmp(line3 + 1, "LOCAL", 5);
}

int aem_rt_realpath(const char *path, char *out, size_t len)
{
	char full[PATH_MAX], real[PATH_MAX];
	int rc = aem_rt_resolve(path, full, sizeof(full));

	if (rc < 0)
		return rc;
	if (!realpath(full, real))
		return AEM_E_IO;
	if (strlen(real) >= len)
		return AEM_E_INVAL;
	strcpy(out, real);
	return 0;
}
