/* The diagnosis of TrenchBoot's events (diagnose.h): pairing by part, and their names. */
#include "diagnose.h"

#include <stdio.h>
#include <string.h>

bool aem_diag_is_tb(const struct aem_diag_event *e)
{
	return e->role >= AEM_ROLE_DCE && e->role < AEM_ROLE_COUNT;
}

static bool differs(const struct aem_diag_event *a, const struct aem_diag_event *b, size_t dl)
{
	return !a || !b || a->pcr != b->pcr || memcmp(a->digest, b->digest, dl);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s && s[1] ? s + 1 : path;
}

/* The event of b that plays the part of w (same role and number; the k-th of them
 * when w is the k-th of its own boot), or NULL. */
static const struct aem_diag_event *same_part(const struct aem_diag_boot *b,
					      const struct aem_diag_boot *wb,
					      const struct aem_diag_event *w)
{
	size_t k = 0;

	for (const struct aem_diag_event *x = wb->ev; x < w; x++)
		k += x->role == w->role && x->index == w->index;
	for (size_t i = 0; i < b->n; i++)
		if (b->ev[i].role == w->role && b->ev[i].index == w->index && k-- == 0)
			return &b->ev[i];
	return NULL;
}

/* TrenchBoot's events (Xen's and SKL's): paired by their part, not their position, as
 * a prediction does not list what it cannot compute (the MBI, the EFI DLME). */
bool aem_diag_tb_difference(const struct aem_diag_boot *s, const struct aem_diag_boot *n,
			    unsigned pcr, struct aem_diag_finding *f)
{
	size_t dl = aem_bank_size(s->bank);

	for (size_t i = 0; i < s->n; i++) {
		const struct aem_diag_event *w = &s->ev[i], *g;

		if (!aem_diag_is_tb(w))
			continue;
		g = same_part(n, s, w);
		if ((w->pcr != pcr && (!g || g->pcr != pcr)) || !differs(w, g, dl))
			continue;
		f->want = w;
		f->got = g;
		f->verdict = g ? AEM_DIAG_EVENT : AEM_DIAG_MISSING;
		return true;
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct aem_diag_event *g = &n->ev[i];

		if (aem_diag_is_tb(g) && g->pcr == pcr && !same_part(s, n, g) &&
		    (g->role != AEM_ROLE_MBI && g->role != AEM_ROLE_DLME)) {
			f->got = g;
			f->verdict = AEM_DIAG_EXTRA;
			return true;
		}
	}
	return false;
}

bool aem_diag_tb_event_name(const struct aem_diag_event *e, char *buf, size_t size)
{
	char role[32];

	switch (e->role) {
	case AEM_ROLE_MB_MODULE:
	case AEM_ROLE_MODSTR:
		aem_role_name(e->role, e->index, e->type, role, sizeof(role));
		snprintf(buf, size, "%s%s%s%s", e->role == AEM_ROLE_MB_MODULE ? role : "the ",
			 e->role == AEM_ROLE_MB_MODULE ? "" : role, e->file ? " (" : "",
			 e->file ? base_name(e->file) : "");
		if (e->file)
			snprintf(buf + strlen(buf), size - strlen(buf), ")");
		return true;
	case AEM_ROLE_DCE:
		snprintf(buf, size, "SKINIT's measurement of SKL%s%s", e->file ? " " : "",
			 e->file ? base_name(e->file) : "");
		return true;
	case AEM_ROLE_DLME:
	case AEM_ROLE_DLME_ENTRY:
		snprintf(buf, size, "%s (Xen%s%s)", e->role == AEM_ROLE_DLME ? "the DLME" :
			 "the DLME entry offset", e->file ? " " : "", e->file ? base_name(e->file) : "");
		return true;
	case AEM_ROLE_MBI:
		snprintf(buf, size, "the multiboot2 information GRUB built (memory map, module "
			 "addresses, command lines)");
		return true;
	case AEM_ROLE_SLRT_INFO:
	case AEM_ROLE_OSMLE:
	case AEM_ROLE_XEN_CMDLINE:
		snprintf(buf, size, "%s", e->role == AEM_ROLE_SLRT_INFO ? "the SLRT platform info record" :
			 e->role == AEM_ROLE_OSMLE ? "the TXT OS-MLE data" : "Xen's command line (xen.cfg)");
		return true;
	default:
		return false;
	}
}
