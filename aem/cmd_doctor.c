/* aem doctor: can this machine run AEM (runtime facts and a verdict), and does
 * a coreboot config meet the security baseline (--coreboot-config). */
#include "cli.h"
#include "doctor.h"
#include "doctor_out.h"
#include "err.h"
#include "kconfig.h"
#include "runtime.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
	"usage: aem doctor [--json] [--root DIR] [--record DIR]\n"
	"       aem doctor --coreboot-config FILE [--board NAME] [--baseline FILE]\n"
	"\n"
	"  --json              machine-readable report\n"
	"  --root DIR          replay a machine recorded in DIR instead of this one\n"
	"  --record DIR        also record every fact read into DIR (a replayable fixture)\n"
	"  --coreboot-config F lint a coreboot .config or defconfig against the baseline\n"
	"  --board NAME        board profile of the baseline (default: from the file)\n"
	"  --baseline FILE     baseline to use (default: coreboot-configs/baseline.conf)\n"
	"\n"
	"exit: 0 ready / config meets every required rule; 1 fixes needed / a required\n"
	"rule fails; 9 AEM cannot run on this machine; 2 usage; 3 unreadable input.\n";

/* User files are inputs, not machine state: read them directly, not through
 * the runtime root. */
static int slurp(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	uint8_t *b;

	if (!f)
		return AEM_E_IO;
	b = malloc(cap);
	while (b) {
		size_t r = fread(b + n, 1, cap - n, f);

		n += r;
		if (n < cap)
			break;
		if (cap >= (8u << 20)) {
			free(b);
			b = NULL;
			break;
		}
		uint8_t *nb = realloc(b, cap * 2);

		if (!nb) {
			free(b);
			b = NULL;
			break;
		}
		b = nb;
		cap *= 2;
	}
	fclose(f);
	if (!b)
		return AEM_E_FORMAT;
	*buf = b;
	*len = n;
	return 0;
}

/* The baseline next to the sources (build/<dir>/aem -> ../../coreboot-configs)
 * or next to an installed binary (share/aem). */
static const char *find_baseline(char *out, size_t size)
{
	static const char *const rel[] = {
		"/../../coreboot-configs/baseline.conf", "/../coreboot-configs/baseline.conf",
		"/../share/aem/baseline.conf",
	};
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (getenv("AEM_BASELINE"))
		return getenv("AEM_BASELINE");
	if (access("coreboot-configs/baseline.conf", R_OK) == 0)
		return "coreboot-configs/baseline.conf";
	if (n > 0) {
		exe[n] = '\0';
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			snprintf(out, size, "%s%s", dirname(exe), rel[i]);
			if (access(out, R_OK) == 0)
				return out;
			exe[n] = '\0';
		}
	}
	return "coreboot-configs/baseline.conf";
}

static void print_lint(const struct aem_baseline *bl, const struct aem_bl_board *b,
		       const struct aem_lint_result *res)
{
	char expr[600];

	for (size_t i = 0; i < bl->nrules; i++) {
		const struct aem_bl_rule *r = &bl->rules[i];

		if (res[i].st == AEM_LINT_NA)
			continue;
		printf("%-7s %-11s %-14s %s", aem_lint_status_name(res[i].st), aem_bl_level_name(r->level),
		       r->group, aem_bl_rule_expr(r, expr, sizeof(expr)));
		if (res[i].via_select)
			printf(" (selected by %s)", r->selected_by);
		if (res[i].st == AEM_LINT_WRONG)
			printf(" (found %s=%s)", res[i].found_sym, res[i].found);
		printf("\n        %s\n", r->reason);
	}
	(void)b;
}

static int lint_board_symbol(const struct aem_bl_board *b, const struct aem_kconfig *kc)
{
	const char *v;

	if (!b)
		return 0;
	v = aem_kconfig_get(kc, b->symbol);
	if (v && !strcmp(v, "y")) {
		printf("ok      required    board          %s=y\n", b->symbol);
		return 0;
	}
	printf("%-7s required    board          %s=y\n        the config must build board %s\n",
	       v ? "wrong" : "missing", b->symbol, b->name);
	return 1;
}

static int cmd_lint(const char *file, const char *board, const char *baseline)
{
	struct aem_kconfig kc = { 0 };
	struct aem_baseline *bl = calloc(1, sizeof(*bl));
	struct aem_lint_result *res = calloc(AEM_BL_MAX_RULES, sizeof(*res));
	const struct aem_bl_board *b = NULL;
	char path[PATH_MAX];
	unsigned bad, failed, warn = 0;
	uint8_t *buf;
	size_t len;
	int rc = AEM_EXIT_INPUT;

	if (!bl || !res)
		goto out;
	if (!baseline)
		baseline = find_baseline(path, sizeof(path));
	if (slurp(baseline, &buf, &len) < 0) {
		fprintf(stderr, "aem doctor: cannot read baseline %s: %s\n", baseline, strerror(errno));
		goto out;
	}
	if (aem_baseline_parse(buf, len, bl, &bad) < 0) {
		fprintf(stderr, "aem doctor: %s:%u: malformed baseline line\n", baseline, bad);
		free(buf);
		goto out;
	}
	free(buf);
	if (slurp(file, &buf, &len) < 0) {
		fprintf(stderr, "aem doctor: cannot read %s: %s\n", file, strerror(errno));
		goto out;
	}
	if (aem_kconfig_parse(buf, len, &kc, &bad) < 0) {
		fprintf(stderr, "aem doctor: %s:%u: not a Kconfig line\n", file, bad);
		free(buf);
		goto out;
	}
	free(buf);
	b = board ? aem_baseline_board(bl, board) : aem_baseline_board_for(bl, &kc);
	if (board && !b) {
		fprintf(stderr, "aem doctor: board '%s' is not in %s\n", board, baseline);
		rc = AEM_EXIT_USAGE;
		goto out;
	}
	if (b)
		printf("board %s (%s; features %s; AEM mode %s)\n", b->name, b->symbol, b->features, b->mode);
	else
		printf("board unknown: only the rules for every board apply (use --board NAME)\n");
	failed = aem_lint(bl, b, &kc, res) + (unsigned)lint_board_symbol(b, &kc);
	print_lint(bl, b, res);
	for (size_t i = 0; i < bl->nrules; i++)
		warn += bl->rules[i].level == AEM_BL_RECOMMENDED && res[i].st != AEM_LINT_OK &&
			res[i].st != AEM_LINT_NA;
	printf("%s: %u required rule(s) failed, %u recommended not met\n", file, failed, warn);
	rc = failed ? AEM_EXIT_FAIL : AEM_EXIT_OK;
out:
	aem_kconfig_free(&kc);
	free(bl);
	free(res);
	return rc;
}

int cmd_doctor(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "root", required_argument, NULL, 'r' },
		{ "record", required_argument, NULL, 'R' },
		{ "coreboot-config", required_argument, NULL, 'c' },
		{ "board", required_argument, NULL, 'b' },
		{ "baseline", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *board = NULL, *baseline = NULL, *record = NULL;
	struct aem_doctor *d;
	bool json = false;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'r':
			if (aem_rt_set_root(optarg) < 0) {
				fprintf(stderr, "aem doctor: --root path too long\n");
				return AEM_EXIT_USAGE;
			}
			break;
		case 'R': record = optarg; break;
		case 'c': config = optarg; break;
		case 'b': board = optarg; break;
		case 'B': baseline = optarg; break;
		case 'h': fputs(usage_text, stdout); return AEM_EXIT_OK;
		default: fputs(usage_text, stderr); return AEM_EXIT_USAGE;
		}
	}
	if (optind != argc || (board && !config)) {
		fputs(usage_text, stderr);
		return AEM_EXIT_USAGE;
	}
	if (config)
		return cmd_lint(config, board, baseline);
	if (record && aem_rt_record_to(record) < 0) {
		fprintf(stderr, "aem doctor: cannot record into %s: %s\n", record, strerror(errno));
		return AEM_EXIT_IO;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return AEM_EXIT_FAIL;
	aem_doctor_run(d);
	if (json)
		aem_doctor_print_json(stdout, d);
	else
		aem_doctor_print_text(stdout, d);
	if (record)
		fprintf(stderr, "aem doctor: recorded this machine into %s (replay: --root %s)\n", record, record);
	rc = d->ready ? AEM_EXIT_OK : d->mode == AEM_MODE_NONE ? AEM_EXIT_UNSUPPORTED : AEM_EXIT_FAIL;
	free(d);
	return rc;
}
