/* A small reader of grub.cfg for tboot entries. GRUB's lexer rules used here: words
 * split on blanks; '...' is literal; "..." expands $vars and honours \" \\ \$; an
 * unquoted backslash escapes the next character; # starts a comment at a word start;
 * newline and ; end a command; unquoted { and } open and close blocks. A variable
 * the file does not set is an error only where its value matters (titles, multiboot
 * and module lines, assignments). */
#include "grubcfg.h"
#include "err.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_WORDS 256
#define MAX_VARS 256
#define MAX_DEPTH 32

struct word {
	char *s;
	bool quoted;
	char *unknown;      /* first variable this word used that is not set, else NULL */
};

struct var {
	char *name, *value;
};

struct parser {
	const char *p, *end;
	unsigned line;
	struct var vars[MAX_VARS];
	size_t nvars;
	struct aem_grub_cfg *cfg;
	char *err;
	size_t errlen;
};

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_addn(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *q;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(q = realloc(b->s, cap))) {
			b->oom = true;
			return;
		}
		b->s = q;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

static void sb_addc(struct sbuf *b, char c)
{
	sb_addn(b, &c, 1);
}

static int fail(struct parser *ps, unsigned line, const char *what, const char *name)
{
	if (ps->err && ps->errlen)
		snprintf(ps->err, ps->errlen, "line %u: %s%s%s", line, what, name ? " " : "",
			 name ? name : "");
	return AEM_E_FORMAT;
}

static const char *var_get(const struct parser *ps, const char *name, size_t n)
{
	for (size_t i = ps->nvars; i-- > 0;)
		if (strlen(ps->vars[i].name) == n && !strncmp(ps->vars[i].name, name, n))
			return ps->vars[i].value;
	return NULL;
}

static int var_set(struct parser *ps, const char *name, const char *value)
{
	char *v = strdup(value);

	if (!v)
		return AEM_E_NOMEM;
	for (size_t i = 0; i < ps->nvars; i++)
		if (!strcmp(ps->vars[i].name, name)) {
			free(ps->vars[i].value);
			ps->vars[i].value = v;
			return 0;
		}
	if (ps->nvars >= MAX_VARS) {
		free(v);
		return fail(ps, ps->line, "too many variables", NULL);
	}
	ps->vars[ps->nvars].name = strdup(name);
	ps->vars[ps->nvars].value = v;
	if (!ps->vars[ps->nvars].name)
		return AEM_E_NOMEM;
	ps->nvars++;
	return 0;
}

static int var_unset(struct parser *ps, const char *name)
{
	for (size_t i = 0; i < ps->nvars; i++)
		if (!strcmp(ps->vars[i].name, name)) {
			free(ps->vars[i].name);
			free(ps->vars[i].value);
			ps->vars[i] = ps->vars[--ps->nvars];
			return 0;
		}
	return 0;
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Expand the $ at ps->p into w; an unset variable is noted in w->unknown. */
static void expand_var(struct parser *ps, struct sbuf *b, struct word *w)
{
	const char *name, *v;
	size_t n = 0;
	bool braced = ps->p + 1 < ps->end && ps->p[1] == '{';

	name = ps->p + (braced ? 2 : 1);
	while (name + n < ps->end && name_char(name[n]))
		n++;
	if (n == 0 || (braced && (name + n >= ps->end || name[n] != '}'))) {
		sb_addc(b, '$'); /* not a variable reference: a literal dollar */
		ps->p++;
		return;
	}
	ps->p = name + n + (braced ? 1 : 0);
	v = var_get(ps, name, n);
	if (v) {
		sb_addn(b, v, strlen(v));
	} else if (!w->unknown) {
		w->unknown = strndup(name, n);
	}
}

static void lex_double(struct parser *ps, struct sbuf *b, struct word *w)
{
	ps->p++;
	while (ps->p < ps->end && *ps->p != '"') {
		if (*ps->p == '\\' && ps->p + 1 < ps->end && strchr("\"\\$", ps->p[1])) {
			sb_addc(b, ps->p[1]);
			ps->p += 2;
		} else if (*ps->p == '$') {
			expand_var(ps, b, w);
		} else {
			if (*ps->p == '\n')
				ps->line++;
			sb_addc(b, *ps->p++);
		}
	}
	if (ps->p < ps->end)
		ps->p++;
}

static void lex_single(struct parser *ps, struct sbuf *b)
{
	ps->p++;
	while (ps->p < ps->end && *ps->p != '\'') {
		if (*ps->p == '\n')
			ps->line++;
		sb_addc(b, *ps->p++);
	}
	if (ps->p < ps->end)
		ps->p++;
}

static bool word_end(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';';
}

/* One word starting at ps->p (not blank). */
static int lex_word(struct parser *ps, struct word *w)
{
	struct sbuf b = { 0 };

	memset(w, 0, sizeof(*w));
	while (ps->p < ps->end && !word_end(*ps->p)) {
		char c = *ps->p;

		if (c == '\'') {
			w->quoted = true;
			lex_single(ps, &b);
		} else if (c == '"') {
			w->quoted = true;
			lex_double(ps, &b, w);
		} else if (c == '\\' && ps->p + 1 < ps->end) {
			if (ps->p[1] == '\n')
				ps->line++;
			else
				sb_addc(&b, ps->p[1]);
			ps->p += 2;
		} else if (c == '$') {
			expand_var(ps, &b, w);
		} else {
			sb_addc(&b, c);
			ps->p++;
		}
	}
	if (!b.s && !b.oom)
		sb_addn(&b, "", 0);
	if (b.oom) {
		free(b.s);
		free(w->unknown);
		w->unknown = NULL;
		return AEM_E_NOMEM;
	}
	w->s = b.s;
	return 0;
}

static void free_words(struct word *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(w[i].s);
		free(w[i].unknown);
	}
}

static void skip_comment(struct parser *ps)
{
	while (ps->p < ps->end && *ps->p != '\n')
		ps->p++;
}

/* Read one command into w[0..*n). Returns 0, 1 at end of input, or an error. An
 * unquoted { ends the command it follows (and is kept as its last word). */
static int next_command(struct parser *ps, struct word *w, size_t *n, unsigned *line)
{
	int rc;

	*n = 0;
	for (;;) {
		if (ps->p >= ps->end)
			return *n ? 0 : 1;
		if (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r') {
			ps->p++;
			continue;
		}
		if (*ps->p == '\n' || *ps->p == ';') {
			if (*ps->p++ == '\n')
				ps->line++;
			if (*n)
				return 0;
			continue;
		}
		if (*ps->p == '#' ) {
			skip_comment(ps);
			continue;
		}
		if (*n >= MAX_WORDS)
			return fail(ps, ps->line, "command too long", NULL);
		if (*n == 0)
			*line = ps->line;
		if ((rc = lex_word(ps, &w[*n])) != 0)
			return rc;
		(*n)++;
		if (!w[*n - 1].quoted && !strcmp(w[*n - 1].s, "{"))
			return 0;
		if (*n == 1 && !w[0].quoted && !strcmp(w[0].s, "}"))
			return 0;
	}
}

static int need_known(struct parser *ps, const struct word *w, unsigned line)
{
	if (w->unknown)
		return fail(ps, line, "cannot expand variable (not set in this file):", w->unknown);
	return 0;
}

/* The arguments from w[from] on, joined by single spaces. */
static char *join(const struct word *w, size_t from, size_t n)
{
	struct sbuf b = { 0 };

	sb_addn(&b, "", 0);
	for (size_t i = from; i < n; i++) {
		if (i > from)
			sb_addc(&b, ' ');
		sb_addn(&b, w[i].s, strlen(w[i].s));
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* A line of an entry that cannot be read spoils that entry only, not the file. */
static int check_args(struct aem_grub_entry *e, const struct word *w, size_t n,
		      unsigned line)
{
	char msg[256];

	for (size_t i = 1; i < n; i++) {
		if (!w[i].unknown)
			continue;
		if (!e->error) {
			snprintf(msg, sizeof(msg),
				 "line %u: cannot expand variable (not set in this file): %s",
				 line, w[i].unknown);
			if (!(e->error = strdup(msg)))
				return AEM_E_NOMEM;
		}
		return 1;
	}
	return 0;
}

static int do_multiboot(struct parser *ps, struct aem_grub_entry *e, const struct word *w,
			size_t n, unsigned line)
{
	size_t i = 1;
	int rc;

	while (i < n && !strncmp(w[i].s, "--quirk-", 8))
		i++;
	if (i >= n)
		return fail(ps, line, "multiboot line without a file", NULL);
	if ((rc = check_args(e, w, n, line)) != 0)
		return rc < 0 ? rc : 0;
	if (e->kernel)
		return fail(ps, line, "second multiboot line in entry", e->title);
	e->multiboot2 = !strcmp(w[0].s, "multiboot2");
	e->kernel = strdup(w[i].s);
	e->kernel_cmdline = join(w, i + 1, n);
	return e->kernel && e->kernel_cmdline ? 0 : AEM_E_NOMEM;
}

/* TrenchBoot: slaunch [platform], slaunch_module FILE, chainloader FILE ARGS. */
static int do_slaunch(struct parser *ps, struct aem_grub_entry *e, const struct word *w,
		      size_t n, unsigned line)
{
	char **d;
	int rc;

	if (!strcmp(w[0].s, "slaunch")) {
		e->slaunch = true;
		return 0;
	}
	if (n < 2)
		return fail(ps, line, w[0].s, "without a file");
	if ((rc = check_args(e, w, n, line)) != 0)
		return rc < 0 ? rc : 0;
	if (!strcmp(w[0].s, "chainloader")) {
		if (e->chainloader)
			return fail(ps, line, "second chainloader line in entry", e->title);
		e->chainloader = strdup(w[1].s);
		e->chainloader_args = join(w, 2, n);
		return e->chainloader && e->chainloader_args ? 0 : AEM_E_NOMEM;
	}
	if (!(d = realloc(e->dce, (e->ndce + 1) * sizeof(*d))))
		return AEM_E_NOMEM;
	e->dce = d;
	return (e->dce[e->ndce++] = strdup(w[1].s)) ? 0 : AEM_E_NOMEM;
}

static int do_module(struct parser *ps, struct aem_grub_entry *e, const struct word *w,
		     size_t n, unsigned line)
{
	struct aem_grub_module *m;
	bool nounzip = false;
	size_t i = 1;
	int rc;

	for (; i < n && !strncmp(w[i].s, "--", 2); i++) {
		if (!strcmp(w[i].s, "--nounzip"))
			nounzip = true;
		else
			return fail(ps, line, "unknown module option", w[i].s);
	}
	if (i >= n)
		return fail(ps, line, "module line without a file", NULL);
	if ((rc = check_args(e, w, n, line)) != 0)
		return rc < 0 ? rc : 0;
	m = realloc(e->mod, (e->nmod + 1) * sizeof(*m));
	if (!m)
		return AEM_E_NOMEM;
	e->mod = m;
	m = &e->mod[e->nmod++];
	memset(m, 0, sizeof(*m));
	m->path = strdup(w[i].s);
	m->cmdline = join(w, i + 1, n);
	m->nounzip = nounzip;
	m->sinit = m->path && aem_grubcfg_sinit_name(m->path);
	m->line = line;
	return m->path && m->cmdline ? 0 : AEM_E_NOMEM;
}

static int do_assign(struct parser *ps, const struct word *w, size_t n, unsigned line)
{
	const char *eq = strchr(w->s, '=');
	char *name;
	int rc;

	(void)n;
	(void)line;
	if (!eq)
		return 0; /* `set` alone lists variables; `set x` is not an assignment */
	name = strndup(w->s, (size_t)(eq - w->s));
	if (!name)
		return AEM_E_NOMEM;
	/* A value built from an unset variable stays unknown: an error where it is used. */
	rc = w->unknown ? var_unset(ps, name) : var_set(ps, name, eq + 1);
	free(name);
	return rc;
}

static bool is_assignment(const char *s)
{
	const char *eq = strchr(s, '=');

	if (!eq || eq == s || !(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (const char *c = s; c < eq; c++)
		if (!name_char(*c))
			return false;
	return true;
}

static int new_entry(struct parser *ps, const struct word *w, size_t n, unsigned line,
		     struct aem_grub_entry **cur)
{
	struct aem_grub_cfg *cfg = ps->cfg;
	struct aem_grub_entry *e;
	int rc;

	if (n < 3 || w[n - 1].quoted || strcmp(w[n - 1].s, "{"))
		return fail(ps, line, "menuentry without a title and {", NULL);
	if ((rc = need_known(ps, &w[1], line)) != 0)
		return rc;
	e = realloc(cfg->e, (cfg->n + 1) * sizeof(*e));
	if (!e)
		return AEM_E_NOMEM;
	cfg->e = e;
	e = &cfg->e[cfg->n++];
	memset(e, 0, sizeof(*e));
	e->line = line;
	e->title = strdup(w[1].s);
	*cur = e;
	return e->title ? 0 : AEM_E_NOMEM;
}

/* Block kinds on the stack: the entry being read, or any other block. */
enum block { B_OTHER, B_ENTRY };

static int run_command(struct parser *ps, struct word *w, size_t n, unsigned line,
		       enum block *stack, unsigned *depth, struct aem_grub_entry **cur)
{
	const char *cmd = w[0].s;
	bool opens = !w[n - 1].quoted && !strcmp(w[n - 1].s, "{");
	int rc = 0;

	if (!w[0].quoted && !strcmp(cmd, "}")) {
		if (*depth == 0)
			return fail(ps, line, "unbalanced }", NULL);
		if (stack[--*depth] == B_ENTRY)
			*cur = NULL;
		return 0;
	}
	if (!strcmp(cmd, "menuentry")) {
		if (*cur)
			return fail(ps, line, "menuentry inside a menuentry", NULL);
		rc = new_entry(ps, w, n, line, cur);
	} else if (*cur && (!strcmp(cmd, "multiboot") || !strcmp(cmd, "multiboot2"))) {
		rc = do_multiboot(ps, *cur, w, n, line);
	} else if (*cur && (!strcmp(cmd, "module") || !strcmp(cmd, "module2"))) {
		rc = do_module(ps, *cur, w, n, line);
	} else if (*cur && (!strcmp(cmd, "slaunch") || !strcmp(cmd, "slaunch_module") ||
			    !strcmp(cmd, "chainloader"))) {
		rc = do_slaunch(ps, *cur, w, n, line);
	} else if (!strcmp(cmd, "set") && n >= 2) {
		rc = do_assign(ps, &w[1], n - 1, line);
	} else if (n == 1 && !w[0].quoted && is_assignment(cmd)) {
		rc = do_assign(ps, &w[0], n, line);
	}
	if (rc == 0 && opens) {
		if (*depth >= MAX_DEPTH)
			return fail(ps, line, "blocks nested too deep", NULL);
		stack[(*depth)++] = !strcmp(cmd, "menuentry") ? B_ENTRY : B_OTHER;
	}
	return rc;
}

int aem_grubcfg_parse(const char *text, size_t len, struct aem_grub_cfg *cfg,
		      char *err, size_t errlen)
{
	struct parser ps = { .p = text, .end = text + len, .line = 1, .cfg = cfg,
			     .err = err, .errlen = errlen };
	struct word *w = calloc(MAX_WORDS, sizeof(*w));
	enum block stack[MAX_DEPTH];
	struct aem_grub_entry *cur = NULL;
	unsigned depth = 0, line = 0;
	size_t n;
	int rc;

	if (!w)
		return AEM_E_NOMEM;
	if (err && errlen)
		err[0] = 0;
	for (;;) {
		n = 0;
		rc = next_command(&ps, w, &n, &line);
		if (rc == 0)
			rc = run_command(&ps, w, n, line, stack, &depth, &cur);
		free_words(w, n);
		memset(w, 0, n * sizeof(*w));
		if (rc)
			break;
	}
	if (rc == 1)
		rc = depth ? fail(&ps, ps.line, "missing } at end of file", NULL) : 0;
	for (size_t i = 0; i < ps.nvars; i++) {
		free(ps.vars[i].name);
		free(ps.vars[i].value);
	}
	free(w);
	return rc;
}

void aem_grubcfg_free(struct aem_grub_cfg *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n; i++) {
		struct aem_grub_entry *e = &cfg->e[i];

		for (size_t j = 0; j < e->nmod; j++) {
			free(e->mod[j].path);
			free(e->mod[j].cmdline);
		}
		free(e->mod);
		free(e->title);
		free(e->kernel);
		free(e->kernel_cmdline);
		for (size_t k = 0; k < e->ndce; k++)
			free(e->dce[k]);
		free(e->dce);
		free(e->chainloader);
		free(e->chainloader_args);
		free(e->error);
	}
	free(cfg->e);
	memset(cfg, 0, sizeof(*cfg));
}

const struct aem_grub_entry *aem_grubcfg_find(const struct aem_grub_cfg *cfg, const char *sel)
{
	char *end;
	unsigned long idx;

	if (!sel) {
		for (size_t i = 0; i < cfg->n; i++)
			if (cfg->e[i].kernel || (cfg->e[i].slaunch && cfg->e[i].chainloader))
				return &cfg->e[i];
		return NULL;
	}
	for (size_t i = 0; i < cfg->n; i++)
		if (!strcmp(cfg->e[i].title, sel))
			return &cfg->e[i];
	idx = strtoul(sel, &end, 10);
	if (*sel && !*end && isdigit((unsigned char)*sel) && idx < cfg->n)
		return &cfg->e[idx];
	return NULL;
}

bool aem_grubcfg_sinit_name(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (strcasestr(base, "sinit") || strcasestr(base, "_acm"))
		return true;
	return n > 4 && !strcasecmp(base + n - 4, ".acm");
}
