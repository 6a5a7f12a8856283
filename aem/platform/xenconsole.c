/* Xen's console ring through `xl dmesg` (fork + exec, no shell), or a recorded copy. */
#include "xenconsole.h"
#include "runtime.h"
#include "runtime_priv.h"
#include "err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *find_xl(void)
{
	static const char *const where[] = { "/usr/sbin/xl", "/usr/bin/xl", "/sbin/xl" };

	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++)
		if (access(where[i], X_OK) == 0)
			return where[i];
	return NULL;
}

/* Read fd to EOF into a growing buffer (NUL appended). */
static int slurp(int fd, char **text, size_t *len)
{
	size_t cap = 1u << 16, n = 0;
	char *b = malloc(cap + 1);

	if (!b)
		return AEM_E_NOMEM;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			if (cap >= AEM_XEN_CONSOLE_MAX) {
				free(b);
				return AEM_E_FORMAT;
			}
			cap *= 2;
			if (!(nb = realloc(b, cap + 1))) {
				free(b);
				return AEM_E_NOMEM;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	b[n] = '\0';
	*text = b;
	*len = n;
	return 0;
}

static int run_xl(char **text, size_t *len)
{
	const char *xl = find_xl();
	int p[2], st, rc;
	pid_t pid;

	if (!xl) {
		errno = ENOENT;
		return AEM_E_IO;
	}
	if (pipe2(p, O_CLOEXEC))
		return AEM_E_IO;
	pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)xl, "dmesg", NULL };
		char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
		int null = open("/dev/null", O_RDWR);

		if (null < 0)
			_exit(127);
		dup2(null, 0);
		dup2(p[1], 1);
		dup2(null, 2);
		execve(xl, argv, envp);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return AEM_E_IO;
	}
	rc = slurp(p[0], text, len);
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			st = -1;
			break;
		}
	if (rc == 0 && (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)) {
		free(*text);
		*text = NULL;
		*len = 0;
		errno = ENXIO;
		return AEM_E_IO;
	}
	return rc;
}

int aem_xen_console_read(char **text, size_t *len)
{
	uint8_t *b;
	int rc;

	*text = NULL;
	*len = 0;
	if (aem_rt_replaying()) {
		rc = aem_rt_read_file(AEM_XEN_CONSOLE_FILE, AEM_XEN_CONSOLE_MAX, &b, len);
		if (rc == 0)
			*text = (char *)b;
		return rc;
	}
	rc = run_xl(text, len);
	if (rc == 0 && aem_rt_rec)
		aem_rt_rec->file(AEM_XEN_CONSOLE_FILE, (const uint8_t *)*text, *len);
	return rc;
}
