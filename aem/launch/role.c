/* The names of the roles: the only place that writes or reads them. */
#include "role.h"
#include "err.h"
#include "evlog.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The roles named by a fixed string; a module's name carries its number, SINIT's the
 * name of the event's type. */
static const char *const fixed[AEM_ROLE_COUNT] = {
	[AEM_ROLE_MLE] = "MLE hash",
	[AEM_ROLE_POLICY] = "tboot policy",
	[AEM_ROLE_SKIPPED] = "skipped (SINIT/LCP data)",
	[AEM_ROLE_DCE] = "SKINIT (SKL)",
	[AEM_ROLE_DLME_ENTRY] = "DLME entry offset",
	[AEM_ROLE_DLME] = "DLME (Xen)",
	[AEM_ROLE_MBI] = "multiboot2 information",
	[AEM_ROLE_SLRT_INFO] = "SLRT platform info",
	[AEM_ROLE_OSMLE] = "TXT OS-MLE data",
	[AEM_ROLE_XEN_CMDLINE] = "Xen command line",
};

/* The numbered roles: the prefix their number follows. */
static const char *const numbered[AEM_ROLE_COUNT] = {
	[AEM_ROLE_MODULE] = "module ",
	[AEM_ROLE_MODSTR] = "module string ",
	[AEM_ROLE_MB_MODULE] = "MB module ",
};

char *aem_role_name(enum aem_role role, int index, uint32_t type, char *buf, size_t len)
{
	if (!len)
		return buf;
	if (role > AEM_ROLE_NONE && role < AEM_ROLE_COUNT && numbered[role])
		snprintf(buf, len, "%s%d", numbered[role], index);
	else if (role == AEM_ROLE_SINIT)
		snprintf(buf, len, "SINIT %s", aem_evlog_type_name(type));
	else
		snprintf(buf, len, "%s", role > AEM_ROLE_NONE && role < AEM_ROLE_COUNT &&
			 fixed[role] ? fixed[role] : "");
	return buf;
}

/* A module number as aem_role_name writes it: digits, no leading zero, fits an int. */
static int parse_index(const char *s, int *index)
{
	int v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return AEM_E_FORMAT;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (INT_MAX - (*s - '0')) / 10)
			return AEM_E_FORMAT;
		v = v * 10 + (*s - '0');
	}
	*index = v;
	return 0;
}

/* An event type's name (evlog_core.c's table): capitals, digits, '_'. */
static bool is_type_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

int aem_role_parse(const char *text, enum aem_role *role, int *index)
{
	static const char sinit[] = "SINIT ";
	int idx;

	if (!text)
		return AEM_E_FORMAT;
	for (int r = 0; r < AEM_ROLE_COUNT; r++) {
		if (fixed[r] && !strcmp(text, fixed[r])) {
			*role = (enum aem_role)r;
			*index = -1;
			return 0;
		}
	}
	for (int r = 0; r < AEM_ROLE_COUNT; r++) {
		size_t n = numbered[r] ? strlen(numbered[r]) : 0;

		if (n && !strncmp(text, numbered[r], n) && parse_index(text + n, &idx) == 0) {
			*role = (enum aem_role)r;
			*index = idx;
			return 0;
		}
	}
	if (strncmp(text, sinit, sizeof(sinit) - 1) || !is_type_name(text + sizeof(sinit) - 1))
		return AEM_E_FORMAT;
	*role = AEM_ROLE_SINIT;
	*index = -1;
	return 0;
}
