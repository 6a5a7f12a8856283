/* coreboot Kconfig files (.config or defconfig fragments) and the security
 * baseline they are linted against (coreboot-configs/baseline.conf; the
 * syntax is documented at the top of that file and in docs/doctor.md). */
#ifndef AEM_KCONFIG_H
#define AEM_KCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AEM_KC_NAME 80
#define AEM_KC_VALUE 160
#define AEM_KC_MAX_ENTRIES 8192

/* One symbol: value as written ("y", "0x10", "\"path\""); "n" for "# CONFIG_X is not set". */
struct aem_kc_entry {
	char name[AEM_KC_NAME];
	char value[AEM_KC_VALUE];
};

struct aem_kconfig {
	size_t n, cap;
	struct aem_kc_entry *e;
	char board[64]; /* from a "# aem-board: NAME" comment, "" when none */
};

/* Parse a Kconfig file. kc must start zeroed; free it with aem_kconfig_free,
 * also after a failure. A later assignment of a symbol replaces an earlier one
 * (as Kconfig merges fragments). Returns 0, AEM_E_FORMAT (a line that is
 * neither a comment, blank, nor CONFIG_NAME=VALUE; *bad_line says which) or
 * AEM_E_NOMEM. */
int aem_kconfig_parse(const uint8_t *buf, size_t len, struct aem_kconfig *kc, unsigned *bad_line);
/* Value of a symbol (with the CONFIG_ prefix), NULL when the file does not mention it. */
const char *aem_kconfig_get(const struct aem_kconfig *kc, const char *name);
void aem_kconfig_free(struct aem_kconfig *kc);

enum aem_bl_level { AEM_BL_REQUIRED, AEM_BL_RECOMMENDED, AEM_BL_OPTIONAL };
enum aem_bl_op { AEM_BL_EQ, AEM_BL_NE, AEM_BL_SET };

#define AEM_BL_MAX_ALT 6
#define AEM_BL_MAX_RULES 96
#define AEM_BL_MAX_BOARDS 32

struct aem_bl_term {
	char sym[AEM_KC_NAME];
	enum aem_bl_op op;
	char value[AEM_KC_VALUE];
};

/* "required txt CONFIG_A=y|CONFIG_B=y selected-by=CONFIG_C -- reason" */
struct aem_bl_rule {
	enum aem_bl_level level;
	char scope[24];                /* "all" or one board feature */
	char group[32];                /* the [section] it sits in */
	unsigned nalt;
	struct aem_bl_term alt[AEM_BL_MAX_ALT]; /* any one satisfies the rule */
	char selected_by[AEM_KC_NAME]; /* a symbol whose "=y" selects alt[0] in Kconfig */
	char reason[200];
	unsigned line;
};

/* "board NAME CONFIG_BOARD_X feature,feature mode=M tree=T" */
struct aem_bl_board {
	char name[64];
	char symbol[AEM_KC_NAME];
	char features[128];
	char mode[24];
	char tree[24];
};

struct aem_baseline {
	size_t nrules, nboards;
	struct aem_bl_rule rules[AEM_BL_MAX_RULES];
	struct aem_bl_board boards[AEM_BL_MAX_BOARDS];
};

/* Parse baseline.conf into bl (caller-owned, e.g. calloc'd: it is large).
 * Returns 0 or AEM_E_FORMAT with *bad_line set. */
int aem_baseline_parse(const uint8_t *buf, size_t len, struct aem_baseline *bl, unsigned *bad_line);
const struct aem_bl_board *aem_baseline_board(const struct aem_baseline *bl, const char *name);
/* The board a config names: its "# aem-board:" comment, else the one board
 * whose CONFIG_BOARD_* symbol it sets (NULL when none or ambiguous). */
const struct aem_bl_board *aem_baseline_board_for(const struct aem_baseline *bl,
						  const struct aem_kconfig *kc);
/* Does a rule apply to a board (NULL board: only scope "all")? */
bool aem_bl_rule_applies(const struct aem_bl_rule *r, const struct aem_bl_board *b);
const char *aem_bl_level_name(enum aem_bl_level l);
/* "CONFIG_A=y|CONFIG_B=y" into buf. Returns buf. */
char *aem_bl_rule_expr(const struct aem_bl_rule *r, char *buf, size_t size);

enum aem_lint_status { AEM_LINT_NA, AEM_LINT_OK, AEM_LINT_MISSING, AEM_LINT_WRONG };

struct aem_lint_result {
	enum aem_lint_status st;
	bool via_select;               /* ok because selected_by is y */
	char found_sym[AEM_KC_NAME];   /* the symbol whose value made it wrong */
	char found[AEM_KC_VALUE];      /* its value */
};

/* Check every rule; res has bl->nrules entries (NA for rules not applying).
 * Returns the number of failed required rules. */
unsigned aem_lint(const struct aem_baseline *bl, const struct aem_bl_board *board,
		  const struct aem_kconfig *kc, struct aem_lint_result *res);
const char *aem_lint_status_name(enum aem_lint_status s);

#endif
