/* plymouth client calls (plymouth.h): fork + execvp, no shell. */
#include "plymouth.h"
#include "disp_err.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *client(void)
{
	const char *c = getenv("AEM_PLYMOUTH");

	return c && *c ? c : "plymouth";
}

/* Run the client with args; its stdout goes to *out_fd (a pipe) when
 * out_fd is set, else to /dev/null. Returns the child's pid or -1. */
static pid_t spawn(char *const argv[], int *out_fd)
{
	int p[2] = { -1, -1 };
	pid_t pid;

	if (out_fd && pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null < 0)
			_exit(127);
		dup2(null, 0);
		dup2(out_fd ? p[1] : null, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (out_fd) {
		close(p[1]);
		if (pid < 0)
			close(p[0]);
		else
			*out_fd = p[0];
	}
	return pid;
}

static int reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int run(char *const argv[])
{
	pid_t pid = spawn(argv, NULL);

	return pid < 0 ? -1 : reap(pid);
}

int aem_disp_plymouth_running(void)
{
	char *argv[] = { (char *)client(), "--ping", NULL };

	return run(argv) == 0;
}

static int with_text(const char *verb, const char *opt, const char *text)
{
	char arg[AEM_DISP_PLY_MSG_MAX + 16];
	char *argv[] = { (char *)client(), (char *)verb, arg, NULL };
	int n = snprintf(arg, sizeof(arg), "%s%s", opt, text);
	int rc;

	if (n < 0 || (size_t)n >= sizeof(arg))
		return AEM_DISP_E_TOOLONG;
	rc = run(argv);
	explicit_bzero(arg, sizeof(arg));
	return rc == 0 ? 0 : AEM_DISP_E_IO;
}

int aem_disp_plymouth_message(const char *text)
{
	return with_text("display-message", "--text=", text);
}

int aem_disp_plymouth_hide(const char *text)
{
	return with_text("hide-message", "--text=", text);
}

/* Read the child's whole answer into buf (len bytes of room). */
static int read_answer(int fd, char *buf, size_t len, size_t *n)
{
	char c;
	int over = 0;

	*n = 0;
	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return AEM_DISP_E_IO;
		if (r == 0)
			break;
		if (*n + 1 < len)
			buf[(*n)++] = c;
		else
			over = 1;
	}
	c = 0;
	if (*n && buf[*n - 1] == '\n')
		(*n)--;
	buf[*n] = '\0';
	return over ? AEM_DISP_E_TOOLONG : 0;
}

int aem_disp_plymouth_ask_password(const char *prompt, char *buf, size_t len, size_t *out_len)
{
	char arg[AEM_DISP_PLY_MSG_MAX + 16];
	char *argv[] = { (char *)client(), "ask-for-password", arg, NULL };
	int fd = -1, rc, st;
	pid_t pid;

	*out_len = 0;
	if (!buf || len == 0)
		return AEM_DISP_E_INVAL;
	if ((size_t)snprintf(arg, sizeof(arg), "--prompt=%s", prompt) >= sizeof(arg))
		return AEM_DISP_E_TOOLONG;
	pid = spawn(argv, &fd);
	if (pid < 0)
		return AEM_DISP_E_IO;
	rc = read_answer(fd, buf, len, out_len);
	close(fd);
	st = reap(pid);
	if (!rc && st != 0)
		rc = AEM_DISP_E_IO;
	if (rc) {
		explicit_bzero(buf, len);
		*out_len = 0;
	}
	return rc;
}

int aem_disp_plymouth_watch_start(pid_t *pid, int *fd)
{
	char *argv[] = { (char *)client(), "watch-keystroke", NULL };

	*fd = -1;
	*pid = spawn(argv, fd);
	return *pid < 0 ? AEM_DISP_E_IO : 0;
}

void aem_disp_plymouth_watch_stop(pid_t pid, int fd)
{
	if (fd >= 0)
		close(fd);
	if (pid > 0) {
		kill(pid, SIGTERM);
		reap(pid);
	}
}

int aem_disp_plymouth_render(void *ctx, const char *title, const char *line)
{
	struct aem_disp_plymouth_view *pv = ctx;
	char msg[AEM_DISP_PLY_MSG_MAX];
	int n, rc;

	n = snprintf(msg, sizeof(msg), "%s%s%s", title && *title ? title : "",
		     title && *title ? ": " : "", line);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return AEM_DISP_E_TOOLONG;
	if (pv->shown[0])
		aem_disp_plymouth_hide(pv->shown);
	rc = aem_disp_plymouth_message(msg);
	memcpy(pv->shown, msg, sizeof(msg));
	explicit_bzero(msg, sizeof(msg));
	return rc;
}

int aem_disp_plymouth_view_end(struct aem_disp_plymouth_view *pv)
{
	int rc = pv->shown[0] ? aem_disp_plymouth_hide(pv->shown) : 0;

	explicit_bzero(pv, sizeof(*pv));
	return rc;
}
