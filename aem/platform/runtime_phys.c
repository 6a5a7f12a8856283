/* Physical memory (the TXT public space and heap): /dev/mem read-only and
 * uncached on the live system, phys/<hex base>.bin files of a recorded one. */
#include "runtime.h"
#include "runtime_priv.h"
#include "err.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Replay: the fixture's phys/<hex base>.bin that holds [addr, addr+len). */
static int replay_phys(uint64_t addr, size_t len, uint8_t *out)
{
	char **names;
	size_t n;
	int rc = AEM_E_IO;

	if (aem_rt_list_dir("/phys", &names, &n) < 0) {
		errno = ENOENT;
		return AEM_E_IO;
	}
	errno = ENOENT;
	for (size_t i = 0; i < n && rc < 0; i++) {
		char path[PATH_MAX], full[PATH_MAX], *end;
		unsigned long long base = strtoull(names[i], &end, 16);
		struct stat st;
		int fd;

		if (end == names[i] || strcmp(end, ".bin") || addr < base)
			continue;
		snprintf(path, sizeof(path), "/phys/%s", names[i]);
		if (aem_rt_resolve(path, full, sizeof(full)) < 0 || stat(full, &st) < 0)
			continue;
		if (addr - base > (uint64_t)st.st_size || len > (uint64_t)st.st_size - (addr - base))
			continue;
		fd = open(full, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (pread(fd, out, len, (off_t)(addr - base)) == (ssize_t)len)
			rc = 0;
		close(fd);
	}
	aem_rt_free_list(names, n);
	return rc;
}

/* Live: map the pages uncached and copy with aligned 32-bit loads; registers
 * in the TXT space are not meant to be read byte by byte. */
static int live_phys(uint64_t addr, size_t len, uint8_t *out)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t start = addr & ~(uint64_t)(pg - 1);
	size_t maplen = (size_t)(addr - start) + len;
	volatile const uint8_t *m;
	void *map;
	int fd, saved;

	maplen = (maplen + (size_t)pg - 1) & ~((size_t)pg - 1);
	fd = open("/dev/mem", O_RDONLY | O_SYNC | O_CLOEXEC);
	if (fd < 0)
		return AEM_E_IO;
	map = mmap(NULL, maplen, PROT_READ, MAP_SHARED, fd, (off_t)start);
	saved = errno;
	close(fd);
	if (map == MAP_FAILED) {
		errno = saved;
		return AEM_E_IO;
	}
	m = (volatile const uint8_t *)map + (addr - start);
	for (size_t i = 0; i < len;) {
		if (((uintptr_t)(m + i) & 3) == 0 && len - i >= 4) {
			uint32_t w = *(volatile const uint32_t *)(const volatile void *)(m + i);

			memcpy(out + i, &w, 4);
			i += 4;
		} else {
			out[i] = m[i];
			i++;
		}
	}
	munmap(map, maplen);
	return 0;
}

int aem_rt_read_phys(uint64_t addr, size_t len, uint8_t *out)
{
	int rc;

	if (len == 0 || len > AEM_RT_MAX_PHYS || addr > UINT64_MAX - len)
		return AEM_E_INVAL;
	rc = aem_rt_replaying() ? replay_phys(addr, len, out) : live_phys(addr, len, out);
	if (rc == 0 && aem_rt_rec) {
		char path[64];

		snprintf(path, sizeof(path), "/phys/%" PRIx64 ".bin", addr);
		aem_rt_rec->file(path, out, len);
	}
	return rc;
}

