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
};

char *aem_role_name(enum aem_role role, int index, uint32_t type, char *buf, size_t len)
{
	if (!len)
		return buf;
	if (role == AEM_ROLE_MODULE)
		snprintf(buf, len, "module %d", index);
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
	static const char module[] = "module ", sinit[] = "SINIT ";
	int idx = -1;

	if (!text)
		return AEM_E_FORMAT;
	for (int r = 0; r < AEM_ROLE_COUNT; r++) {
		if (fixed[r] && !strcmp(text, fixed[r])) {
			*role = (enum aem_role)r;
			*index = -1;
			return 0;
		}
	}
	if (!strncmp(text, module, sizeof(module) - 1)) {
		if (parse_index(text + sizeof(module) - 1, &idx))
			return AEM_E_FORMAT;
		*role = AEM_ROLE_MODULE;
	} else if (!strncmp(text, sinit, sizeof(sinit) - 1) &&
		   is_type_name(text + sizeof(sinit) - 1)) {
		*role = AEM_ROLE_SINIT;
	} else {
		return AEM_E_FORMAT;
	}
	*index = idx;
	return 0;
}
