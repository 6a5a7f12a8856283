/* Kconfig files, the security baseline and the lint between them (see kconfig.h). */
#include "kconfig.h"
#include "err.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 4096

/* Next line of buf starting at *off, copied NUL-terminated into line (cut at
 * LINE_MAX_LEN - 1: the rest of an overlong line is skipped). False at the end. */
static bool next_line(const uint8_t *buf, size_t len, size_t *off, char *line, bool *nul)
{
	size_t k = 0;

	if (*off >= len)
		return false;
	*nul = false;
	while (*off < len && buf[*off] != '\n') {
		if (buf[*off] == '\0')
			*nul = true;
		if (k < LINE_MAX_LEN - 1)
			line[k++] = (char)buf[*off];
		(*off)++;
	}
	if (*off < len)
		(*off)++;
	while (k > 0 && (line[k - 1] == '\r' || line[k - 1] == ' ' || line[k - 1] == '\t'))
		k--;
	line[k] = '\0';
	return true;
}

static char *skip_ws(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static bool valid_symbol(const char *s, size_t n)
{
	if (n <= 7 || n >= AEM_KC_NAME || strncmp(s, "CONFIG_", 7))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_'))
			return false;
	return true;
}

static int kc_set(struct aem_kconfig *kc, const char *name, size_t nlen, const char *value)
{
	struct aem_kc_entry *e = NULL;

	for (size_t i = 0; i < kc->n; i++)
		if (strlen(kc->e[i].name) == nlen && !strncmp(kc->e[i].name, name, nlen))
			e = &kc->e[i];
	if (!e) {
		if (kc->n >= AEM_KC_MAX_ENTRIES)
			return AEM_E_FORMAT;
		if (kc->n == kc->cap) {
			size_t cap = kc->cap ? kc->cap * 2 : 64;
			struct aem_kc_entry *ne = realloc(kc->e, cap * sizeof(*ne));

			if (!ne)
				return AEM_E_NOMEM;
			kc->e = ne;
			kc->cap = cap;
		}
		e = &kc->e[kc->n++];
		memcpy(e->name, name, nlen);
		e->name[nlen] = '\0';
	}
	snprintf(e->value, sizeof(e->value), "%s", value);
	return 0;
}

/* "# CONFIG_X is not set", "# aem-board: NAME", or any other comment. */
static int kc_comment(struct aem_kconfig *kc, char *line)
{
	char *s = skip_ws(line + 1), *end;
	size_t n;

	if (!strncmp(s, "aem-board:", 10)) {
		s = skip_ws(s + 10);
		snprintf(kc->board, sizeof(kc->board), "%s", s);
		return 0;
	}
	end = strstr(s, " is not set");
	if (!end || end[11] != '\0')
		return 0;
	n = (size_t)(end - s);
	return valid_symbol(s, n) ? kc_set(kc, s, n, "n") : 0;
}

int aem_kconfig_parse(const uint8_t *buf, size_t len, struct aem_kconfig *kc, unsigned *bad_line)
{
	char *line = malloc(LINE_MAX_LEN);
	size_t off = 0;
	unsigned no = 0;
	bool nul;
	int rc = 0;

	*bad_line = 0;
	if (!line)
		return AEM_E_NOMEM;
	while (rc == 0 && next_line(buf, len, &off, line, &nul)) {
		char *s = skip_ws(line), *eq;

		no++;
		if (nul) {
			rc = AEM_E_FORMAT;
		} else if (*s == '\0') {
			continue;
		} else if (*s == '#') {
			rc = kc_comment(kc, s);
		} else {
			eq = strchr(s, '=');
			if (!eq || !valid_symbol(s, (size_t)(eq - s)) || eq[1] == '\0')
				rc = AEM_E_FORMAT;
			else
				rc = kc_set(kc, s, (size_t)(eq - s), eq + 1);
		}
		if (rc < 0)
			*bad_line = no;
	}
	free(line);
	return rc;
}

const char *aem_kconfig_get(const struct aem_kconfig *kc, const char *name)
{
	for (size_t i = 0; i < kc->n; i++)
		if (!strcmp(kc->e[i].name, name))
			return kc->e[i].value;
	return NULL;
}

void aem_kconfig_free(struct aem_kconfig *kc)
{
	free(kc->e);
	memset(kc, 0, sizeof(*kc));
}

/* ---- baseline ---- */

/* Copy the next white-space separated word of *s into out; false when none. */
static bool word(char **s, char *out, size_t size)
{
	char *p = skip_ws(*s);
	size_t n = 0;

	while (p[n] && p[n] != ' ' && p[n] != '\t')
		n++;
	if (n == 0 || n >= size)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	*s = p + n;
	return true;
}

static int parse_term(const char *t, struct aem_bl_term *term)
{
	const char *eq = strchr(t, '=');
	size_t n;

	if (!eq || eq == t)
		return AEM_E_FORMAT;
	n = (size_t)(eq - t);
	term->op = AEM_BL_EQ;
	if (t[n - 1] == '!') {
		term->op = AEM_BL_NE;
		n--;
	}
	if (!valid_symbol(t, n) || !eq[1] || strlen(eq + 1) >= sizeof(term->value))
		return AEM_E_FORMAT;
	memcpy(term->sym, t, n);
	term->sym[n] = '\0';
	strcpy(term->value, eq + 1);
	if (!strcmp(term->value, "*")) {
		if (term->op != AEM_BL_EQ)
			return AEM_E_FORMAT;
		term->op = AEM_BL_SET;
	}
	return 0;
}

static int parse_expr(char *expr, struct aem_bl_rule *r)
{
	char *save = NULL;

	for (char *t = strtok_r(expr, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
		if (r->nalt >= AEM_BL_MAX_ALT || parse_term(t, &r->alt[r->nalt]) < 0)
			return AEM_E_FORMAT;
		r->nalt++;
	}
	return r->nalt ? 0 : AEM_E_FORMAT;
}

static int parse_rule(char *s, enum aem_bl_level level, const char *group, struct aem_bl_rule *r)
{
	char expr[AEM_BL_MAX_ALT * (AEM_KC_NAME + 32)], opt[AEM_KC_NAME + 16];
	char *reason = strstr(s, " -- ");

	memset(r, 0, sizeof(*r));
	r->level = level;
	snprintf(r->group, sizeof(r->group), "%s", group);
	if (!reason || strlen(skip_ws(reason + 4)) == 0)
		return AEM_E_FORMAT; /* every rule says why */
	*reason = '\0';
	snprintf(r->reason, sizeof(r->reason), "%s", skip_ws(reason + 4));
	if (!word(&s, r->scope, sizeof(r->scope)) || !word(&s, expr, sizeof(expr)))
		return AEM_E_FORMAT;
	if (parse_expr(expr, r) < 0)
		return AEM_E_FORMAT;
	while (word(&s, opt, sizeof(opt))) {
		if (strncmp(opt, "selected-by=", 12) || !valid_symbol(opt + 12, strlen(opt + 12)))
			return AEM_E_FORMAT;
		strcpy(r->selected_by, opt + 12);
	}
	return *skip_ws(s) ? AEM_E_FORMAT : 0;
}

static int parse_board(char *s, struct aem_bl_board *b)
{
	char opt[64];

	memset(b, 0, sizeof(*b));
	if (!word(&s, b->name, sizeof(b->name)) || !word(&s, b->symbol, sizeof(b->symbol)) ||
	    !valid_symbol(b->symbol, strlen(b->symbol)) || !word(&s, b->features, sizeof(b->features)))
		return AEM_E_FORMAT;
	strcpy(b->mode, "none");
	while (word(&s, opt, sizeof(opt))) {
		if (!strncmp(opt, "mode=", 5) && strlen(opt + 5) < sizeof(b->mode))
			strcpy(b->mode, opt + 5);
		else if (!strncmp(opt, "tree=", 5) && strlen(opt + 5) < sizeof(b->tree))
			strcpy(b->tree, opt + 5);
		else
			return AEM_E_FORMAT;
	}
	return 0;
}

static int baseline_line(char *s, struct aem_baseline *bl, char *group)
{
	char kw[32];

	if (*s == '[') {
		char *end = strchr(s, ']');

		if (!end || end[1] || end - s - 1 <= 0 || (size_t)(end - s - 1) >= 32)
			return AEM_E_FORMAT;
		memcpy(group, s + 1, (size_t)(end - s - 1));
		group[end - s - 1] = '\0';
		return 0;
	}
	if (!word(&s, kw, sizeof(kw)))
		return AEM_E_FORMAT;
	if (!strcmp(kw, "board")) {
		if (bl->nboards >= AEM_BL_MAX_BOARDS)
			return AEM_E_FORMAT;
		return parse_board(s, &bl->boards[bl->nboards++]);
	}
	enum aem_bl_level level;

	if (!strcmp(kw, "required"))
		level = AEM_BL_REQUIRED;
	else if (!strcmp(kw, "recommended"))
		level = AEM_BL_RECOMMENDED;
	else if (!strcmp(kw, "optional"))
		level = AEM_BL_OPTIONAL;
	else
		return AEM_E_FORMAT;
	if (bl->nrules >= AEM_BL_MAX_RULES)
		return AEM_E_FORMAT;
	return parse_rule(s, level, group, &bl->rules[bl->nrules++]);
}

int aem_baseline_parse(const uint8_t *buf, size_t len, struct aem_baseline *bl, unsigned *bad_line)
{
	char *line = malloc(LINE_MAX_LEN), group[32] = "";
	size_t off = 0;
	unsigned no = 0;
	bool nul;
	int rc = 0;

	*bad_line = 0;
	memset(bl, 0, sizeof(*bl));
	if (!line)
		return AEM_E_NOMEM;
	while (rc == 0 && next_line(buf, len, &off, line, &nul)) {
		char *s = skip_ws(line);

		no++;
		if (nul)
			rc = AEM_E_FORMAT;
		else if (*s && *s != '#')
			rc = baseline_line(s, bl, group);
		if (rc == 0 && bl->nrules && bl->rules[bl->nrules - 1].line == 0)
			bl->rules[bl->nrules - 1].line = no;
		if (rc < 0)
			*bad_line = no;
	}
	free(line);
	return rc;
}

const struct aem_bl_board *aem_baseline_board(const struct aem_baseline *bl, const char *name)
{
	for (size_t i = 0; i < bl->nboards; i++)
		if (!strcmp(bl->boards[i].name, name))
			return &bl->boards[i];
	return NULL;
}

const struct aem_bl_board *aem_baseline_board_for(const struct aem_baseline *bl,
						  const struct aem_kconfig *kc)
{
	const struct aem_bl_board *found = NULL;

	if (kc->board[0])
		return aem_baseline_board(bl, kc->board);
	for (size_t i = 0; i < bl->nboards; i++) {
		const char *v = aem_kconfig_get(kc, bl->boards[i].symbol);

		if (!v || strcmp(v, "y"))
			continue;
		if (found && strcmp(found->symbol, bl->boards[i].symbol) == 0)
			return NULL; /* two products on one board: say which with --board */
		found = &bl->boards[i];
	}
	return found;
}

bool aem_bl_rule_applies(const struct aem_bl_rule *r, const struct aem_bl_board *b)
{
	const char *f;
	size_t n = strlen(r->scope);

	if (!strcmp(r->scope, "all"))
		return true;
	if (!b)
		return false;
	for (f = b->features; *f;) {
		size_t k = strcspn(f, ",");

		if (k == n && !strncmp(f, r->scope, n))
			return true;
		f += k;
		if (*f == ',')
			f++;
	}
	return false;
}

const char *aem_bl_level_name(enum aem_bl_level l)
{
	return l == AEM_BL_REQUIRED ? "required" : l == AEM_BL_RECOMMENDED ? "recommended" : "optional";
}

const char *aem_lint_status_name(enum aem_lint_status s)
{
	switch (s) {
	case AEM_LINT_OK: return "ok";
	case AEM_LINT_MISSING: return "missing";
	case AEM_LINT_WRONG: return "wrong";
	default: return "n/a";
	}
}

char *aem_bl_rule_expr(const struct aem_bl_rule *r, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < r->nalt && off < size; i++) {
		const struct aem_bl_term *t = &r->alt[i];
		int n = snprintf(buf + off, size - off, "%s%s%s%s", i ? "|" : "", t->sym,
				 t->op == AEM_BL_NE ? "!=" : "=", t->op == AEM_BL_SET ? "*" : t->value);

		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}

/* One term: OK, MISSING (the file does not mention the symbol) or WRONG. */
static enum aem_lint_status eval_term(const struct aem_bl_term *t, const char *v)
{
	switch (t->op) {
	case AEM_BL_EQ:
		return !v ? AEM_LINT_MISSING : !strcmp(v, t->value) ? AEM_LINT_OK : AEM_LINT_WRONG;
	case AEM_BL_NE:
		return (!v || strcmp(v, t->value)) ? AEM_LINT_OK : AEM_LINT_WRONG;
	case AEM_BL_SET:
		if (!v)
			return AEM_LINT_MISSING;
		return (!strcmp(v, "n") || !strcmp(v, "\"\"")) ? AEM_LINT_WRONG : AEM_LINT_OK;
	}
	return AEM_LINT_WRONG;
}

static void lint_rule(const struct aem_bl_rule *r, const struct aem_kconfig *kc,
		      struct aem_lint_result *res)
{
	res->st = AEM_LINT_MISSING;
	for (unsigned i = 0; i < r->nalt; i++) {
		const char *v = aem_kconfig_get(kc, r->alt[i].sym);
		enum aem_lint_status st = eval_term(&r->alt[i], v);

		if (st == AEM_LINT_OK) {
			res->st = AEM_LINT_OK;
			res->found_sym[0] = res->found[0] = '\0';
			return;
		}
		if (st == AEM_LINT_WRONG && res->st != AEM_LINT_WRONG) {
			res->st = AEM_LINT_WRONG;
			snprintf(res->found_sym, sizeof(res->found_sym), "%s", r->alt[i].sym);
			snprintf(res->found, sizeof(res->found), "%s", v ? v : "");
		}
	}
	/* A symbol without a prompt is never written in a fragment: Kconfig sets
	 * it because another one selects it. */
	if (r->selected_by[0]) {
		const char *v = aem_kconfig_get(kc, r->selected_by);

		if (v && !strcmp(v, "y") && res->st == AEM_LINT_MISSING) {
			res->st = AEM_LINT_OK;
			res->via_select = true;
		}
	}
}

unsigned aem_lint(const struct aem_baseline *bl, const struct aem_bl_board *board,
		  const struct aem_kconfig *kc, struct aem_lint_result *res)
{
	unsigned failed = 0;

	for (size_t i = 0; i < bl->nrules; i++) {
		const struct aem_bl_rule *r = &bl->rules[i];

		memset(&res[i], 0, sizeof(res[i]));
		if (!aem_bl_rule_applies(r, board)) {
			res[i].st = AEM_LINT_NA;
			continue;
		}
		lint_rule(r, kc, &res[i]);
		if (r->level == AEM_BL_REQUIRED && res[i].st != AEM_LINT_OK)
			failed++;
	}
	return failed;
}
