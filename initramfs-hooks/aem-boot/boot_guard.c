/* aem-boot: blocked signals and the watchdog around PCR 13 (boot_guard.h). */
#include "boot_guard.h"
#include "err.h"
#include "pcr.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int aem_boot_cap(struct aem_tpm *t, const char *text)
{
	enum aem_bank bank = aem_tpm_family(t) == AEM_FAMILY_TPM12 ? AEM_BANK_SHA1 : AEM_BANK_SHA256;
	uint8_t d[AEM_MAX_DIGEST];
	int err = aem_hash(bank, text, strlen(text), d);

	return err ? err : aem_tpm_pcr_extend(t, bank, 13, d);
}

static volatile sig_atomic_t got_term;

static void on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

/* Seconds (and nanoseconds) from now to end; false when it has passed. */
static bool left_until(const struct timespec *end, struct timespec *left)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	left->tv_sec = end->tv_sec - now.tv_sec;
	left->tv_nsec = end->tv_nsec - now.tv_nsec;
	if (left->tv_nsec < 0)
		left->tv_sec--, left->tv_nsec += 1000000000L;
	return left->tv_sec >= 0;
}

/* Why the program needs capping, or NULL when it said "capped". */
static const char *watch(int fd, unsigned budget_s)
{
	struct sigaction sa = { .sa_handler = on_term };
	struct timespec end, left;
	sigset_t only_term;
	char c;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigfillset(&only_term);
	sigdelset(&only_term, SIGTERM);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += budget_s;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r;

		if (!left_until(&end, &left))
			return "the window outlasted its budget";
		r = ppoll(&p, 1, &left, &only_term);
		if (got_term)
			return "stopped (SIGTERM: the unit's timeout?)";
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return "cannot watch";
		if (r == 0)
			continue;
		r = (int)read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		return r == 1 && c == 'D' ? NULL : "the program ended before its cap";
	}
}

static void __attribute__((noreturn)) watchdog(int fd, pid_t parent, unsigned budget_s,
					       const char *cap_text, aem_boot_log log)
{
	const char *why = watch(fd, budget_s);
	struct aem_tpm *t = NULL;
	int err;

	if (!why)
		_exit(0);
	if (getppid() == parent)
		kill(parent, SIGKILL);
	err = aem_tpm_open(NULL, &t);
	if (!err)
		err = aem_boot_cap(t, cap_text);
	aem_tpm_close(t);
	if (err)
		log("watchdog: %s; the cap of PCR 13 FAILED: %s", why, aem_strerror(err));
	else
		log("watchdog: %s: PCR 13 capped", why);
	_exit(err ? 1 : 0);
}

int aem_boot_guard_start(struct aem_boot_guard *g, unsigned budget_s, const char *cap_text,
			 aem_boot_log log)
{
	sigset_t all;
	pid_t parent = getpid();
	int p[2];

	g->child = -1;
	g->fd = -1;
	/* A write to a watchdog that died must not end the program later. */
	signal(SIGPIPE, SIG_IGN);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &g->old);
	if (pipe2(p, O_CLOEXEC)) {
		log("no watchdog: %s", strerror(errno));
		return -1;
	}
	g->child = fork();
	if (g->child == 0) {
		close(p[1]);
		watchdog(p[0], parent, budget_s, cap_text, log);
	}
	close(p[0]);
	if (g->child < 0) {
		log("no watchdog: %s", strerror(errno));
		close(p[1]);
		return -1;
	}
	g->fd = p[1];
	return 0;
}

void aem_boot_guard_end(struct aem_boot_guard *g)
{
	if (g->fd >= 0) {
		if (write(g->fd, "D", 1) != 1)
			(void)0; /* the watchdog is gone: it capped already */
		close(g->fd);
	}
	if (g->child > 0)
		waitpid(g->child, NULL, 0);
	g->fd = -1;
	g->child = -1;
	sigprocmask(SIG_SETMASK, &g->old, NULL);
}
