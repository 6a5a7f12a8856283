/* ctrlproxy: sits between QEMU's TPM emulator backend and swtpm's control
 * socket so that a test can act as the platform during a guest boot.
 *
 *   ctrlproxy --swtpm SWTPM_CTRL --listen QEMU_SOCK --inject INJECT_SOCK [--timeout S]
 *
 * QEMU talks to swtpm only through the control channel; the TPM command
 * stream itself flows over a socket QEMU hands to swtpm with CMD_SET_DATAFD
 * (SCM_RIGHTS). The proxy forwards every control message unchanged, file
 * descriptors included, and accepts further clients on INJECT_SOCK (one at a
 * time, e.g. `swtpm_ioctl --unix INJECT_SOCK -l 4` and `-h DATA`): that is how
 * a test performs _TPM_Hash_Start/Data/End at locality 4 while the guest runs,
 * the way a CPU and SINIT do in a TXT launch.
 *
 * Control messages are request/response and swtpm reads each request with a
 * single recvmsg, so one read is one message; the proxy keeps at most one
 * request outstanding, which serialises the two clients. It exits when QEMU
 * or swtpm closes its connection. Each message is logged on stderr. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MSG_MAX 8192
#define MAX_FDS 4

struct msg {
	uint8_t buf[MSG_MAX];
	size_t len;
	int fds[MAX_FDS];
	int nfds;
};

static int listen_unix(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(a.sun_path))
		return -1;
	strcpy(a.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* swtpm may still be creating its socket: retry for up to timeout_s. */
static int connect_unix(const char *path, int timeout_s)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	const struct timespec pause = { 0, 50 * 1000 * 1000 };

	if (strlen(path) >= sizeof(a.sun_path))
		return -1;
	strcpy(a.sun_path, path);
	for (int i = 0; i < timeout_s * 20; i++) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		if (!connect(fd, (struct sockaddr *)&a, sizeof(a)))
			return fd;
		close(fd);
		nanosleep(&pause, NULL);
	}
	return -1;
}

/* One message and the descriptors that came with it; 0 on EOF, -1 on error. */
static ssize_t recv_msg(int fd, struct msg *m)
{
	union {
		char b[CMSG_SPACE(MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { m->buf, sizeof(m->buf) };
	struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	ssize_t n;

	m->nfds = 0;
	do
		n = recvmsg(fd, &h, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n;
	m->len = (size_t)n;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k && m->nfds < MAX_FDS; i++)
			memcpy(&m->fds[m->nfds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
	}
	return n;
}

/* Send m (with its descriptors), then close our copies of them. */
static int send_msg(int fd, struct msg *m)
{
	union {
		char b[CMSG_SPACE(MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { m->buf, m->len };
	struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (m->nfds) {
		memset(&ctl, 0, sizeof(ctl));
		h.msg_control = ctl.b;
		h.msg_controllen = CMSG_SPACE((size_t)m->nfds * sizeof(int));
		struct cmsghdr *c = CMSG_FIRSTHDR(&h);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN((size_t)m->nfds * sizeof(int));
		memcpy(CMSG_DATA(c), m->fds, (size_t)m->nfds * sizeof(int));
	}
	do
		n = sendmsg(fd, &h, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	for (int i = 0; i < m->nfds; i++)
		close(m->fds[i]);
	m->nfds = 0;
	return n == (ssize_t)m->len ? 0 : -1;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Wait up to timeout_s for fd to become readable. */
static int wait_readable(int fd, int timeout_s)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, timeout_s * 1000);
	while (r < 0 && errno == EINTR);
	return r > 0 ? 0 : -1;
}

/* Forward one request from client to swtpm and swtpm's answer back.
 * Returns 1 when the client closed, 0 on success, -1 when swtpm is gone. */
static int relay_one(int client, int swtpm, const char *who, int timeout_s)
{
	static struct msg m;
	ssize_t n = recv_msg(client, &m);
	uint32_t cmd;

	if (n <= 0)
		return 1;
	cmd = m.len >= 4 ? be32(m.buf) : 0;
	fprintf(stderr, "ctrlproxy: %s cmd %u (%zu bytes, %d fds)", who, cmd, m.len, m.nfds);
	if (send_msg(swtpm, &m) || wait_readable(swtpm, timeout_s) || recv_msg(swtpm, &m) <= 0) {
		fprintf(stderr, " -> swtpm gone\n");
		return -1;
	}
	fprintf(stderr, " -> result %u\n", m.len >= 4 ? be32(m.buf) : 0);
	if (send_msg(client, &m))
		fprintf(stderr, "ctrlproxy: %s did not take the answer\n", who);
	return 0;
}

struct opts {
	const char *swtpm, *listen, *inject;
	int timeout_s;
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "swtpm", required_argument, NULL, 's' }, { "listen", required_argument, NULL, 'l' },
		{ "inject", required_argument, NULL, 'i' }, { "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->timeout_s = 30;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's': o->swtpm = optarg; break;
		case 'l': o->listen = optarg; break;
		case 'i': o->inject = optarg; break;
		case 't': o->timeout_s = atoi(optarg); break;
		default: return -1;
		}
	}
	return o->swtpm && o->listen && o->inject && o->timeout_s > 0 ? 0 : -1;
}

/* The main loop: QEMU's connection, the inject listener and at most one
 * inject client. Returns when QEMU or swtpm goes away. */
static int serve(int swtpm, int lq, int li, int timeout_s)
{
	int qemu = -1, inj = -1;

	for (;;) {
		struct pollfd p[3] = {
			{ .fd = qemu >= 0 ? qemu : lq, .events = POLLIN },
			{ .fd = inj >= 0 ? inj : li, .events = POLLIN },
			{ .fd = swtpm, .events = POLLIN },
		};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (p[2].revents) {
			fprintf(stderr, "ctrlproxy: swtpm closed the control channel\n");
			return 0;
		}
		if (p[0].revents && qemu < 0) {
			qemu = accept4(lq, NULL, NULL, SOCK_CLOEXEC);
		} else if (p[0].revents) {
			int r = relay_one(qemu, swtpm, "qemu", timeout_s);
			if (r)
				return r < 0;
		}
		if (p[1].revents && inj < 0) {
			inj = accept4(li, NULL, NULL, SOCK_CLOEXEC);
		} else if (p[1].revents) {
			int r = relay_one(inj, swtpm, "inject", timeout_s);
			if (r < 0)
				return 1;
			if (r > 0)
				close(inj), inj = -1;
		}
	}
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	int swtpm, lq, li, rc;

	if (parse_opts(argc, argv, &o)) {
		fprintf(stderr, "usage: ctrlproxy --swtpm SWTPM_CTRL_SOCK --listen QEMU_SOCK "
				"--inject INJECT_SOCK [--timeout SECONDS]\n");
		return 2;
	}
	swtpm = connect_unix(o.swtpm, o.timeout_s);
	if (swtpm < 0) {
		fprintf(stderr, "ctrlproxy: cannot connect to %s: %s\n", o.swtpm, strerror(errno));
		return 1;
	}
	lq = listen_unix(o.listen);
	li = listen_unix(o.inject);
	if (lq < 0 || li < 0) {
		fprintf(stderr, "ctrlproxy: cannot listen on %s / %s: %s\n", o.listen, o.inject,
			strerror(errno));
		return 1;
	}
	rc = serve(swtpm, lq, li, o.timeout_s);
	unlink(o.listen);
	unlink(o.inject);
	return rc;
}
