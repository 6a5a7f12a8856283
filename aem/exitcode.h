/* Process exit statuses of the aem command, documented in docs/man/aem.1. */
#ifndef AEM_EXITCODE_H
#define AEM_EXITCODE_H

enum aem_exit {
	AEM_EXIT_OK = 0,
	AEM_EXIT_FAIL = 1,        /* failure not covered below */
	AEM_EXIT_USAGE = 2,       /* bad command line */
	AEM_EXIT_INPUT = 3,       /* an input file is missing, unreadable or malformed */
	AEM_EXIT_NOTPM = 4,       /* no TPM reachable, or the TPM is not set up for aem */
	AEM_EXIT_MISMATCH = 5,    /* the system state differs from the sealed one: refused */
	AEM_EXIT_AUTH = 6,        /* wrong PIN/password, or dictionary-attack lockout */
	AEM_EXIT_UNMEASURED = 7,  /* no measured launch: sealing refused */
	AEM_EXIT_IO = 8,          /* writing a result failed (nothing was replaced) */
	AEM_EXIT_UNSUPPORTED = 9, /* this machine or TPM cannot do what was asked */
	AEM_EXIT_PARTIAL = 10,    /* done, but some values cannot be computed (named on stderr) */
};

#endif
